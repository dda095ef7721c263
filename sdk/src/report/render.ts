/** Plain-text rendering of a VerificationReport: one line per dimension, then the overall verdict. */
import { DIMENSION_LABELS, DIMENSION_NAMES, type VerificationReport } from "./model.js";

const MARK = { passed: "PASS", partial: "PART", failed: "FAIL", skipped: "SKIP" } as const;

export function renderReportText(report: VerificationReport, options: { details?: boolean } = {}): string {
  const lines = [`evidence: ${report.evidenceType} (${report.tee}), verified at ${new Date(report.verifiedAt * 1000).toISOString()}`];
  if (report.hardwareId) lines.push(`hardware ID: ${report.hardwareId.kind} ${report.hardwareId.value}`);
  const o = report.onchain;
  if (o) {
    const at = o.blockTimestamp === undefined ? "" : `, block time ${new Date(o.blockTimestamp * 1000).toISOString()}`;
    lines.push(`onchain: ${o.mode === "embedded" ? "embedded chain" : "chain"} ${o.chainId}, verifier ${o.verifier}${o.gasUsed ? `, ${o.mode === "rpc" ? "estimated " : ""}gas ${o.gasUsed}` : ""}${at}`);
  }
  const width = Math.max(...DIMENSION_NAMES.map((n) => DIMENSION_LABELS[n].length));
  for (const name of DIMENSION_NAMES) {
    const d = report.dimensions[name];
    if (!d) continue;
    const na = d.applicable ? "" : " (n/a)";
    lines.push(`  ${MARK[d.status]}  ${DIMENSION_LABELS[name].padEnd(width)}  ${d.reason}${na}`);
    if (options.details) {
      for (const [k, v] of Object.entries(d.details)) lines.push(`          ${k}: ${Array.isArray(v) ? v.join(", ") : String(v)}`);
    }
  }
  lines.push(`overall: ${report.overall.toUpperCase()}`);
  return lines.join("\n");
}
