/**
 * The TD attribute policy as its own result in the report: judged from the TDATTRIBUTES (and
 * MRSERVICETD) the Intel verifier read from a genuine quote, under the caller's policy ("strict"
 * by default). Kept apart from the hardware dimension so that a genuine quote still names its
 * hardware (PPID, FMSPC) and the registry can still be asked. docs/verification-report.md.
 */
import { toBytes } from "../bytes.js";
import { DEFAULT_TD_ATTRIBUTE_POLICY, evaluateTdAttributes, type TdAttributePolicy } from "../intel/policy.js";
import type { IntelQuoteVerdict, PolicyResult } from "./model.js";

export function tdAttributePolicyResult(verdict: IntelQuoteVerdict | undefined, policy: TdAttributePolicy = DEFAULT_TD_ATTRIBUTE_POLICY): PolicyResult | undefined {
  const attributes = verdict?.teeType === "TDX" ? verdict.registers?.tdAttributes : undefined;
  if (typeof attributes !== "string") return undefined;
  const service = verdict!.registers?.mrServiceTd;
  const e = evaluateTdAttributes({ tdAttributes: toBytes(attributes, "TDATTRIBUTES"), ...(typeof service === "string" ? { mrServiceTd: toBytes(service, "MRSERVICETD") } : {}) }, policy);
  const details = { attributes: e.attributes, debug: e.debug, septVeDisable: e.septVeDisable, violations: e.violations.map((v) => v.check), waived: e.waived.map((v) => v.check) };
  if (!e.satisfied) return { name: "tdAttributes", policy, status: "failed", reason: e.violations.map((v) => v.message).join("; "), check: e.violations[0]!.check, details };
  const waived = e.waived.length ? ` (waived: ${e.waived.map((v) => v.message).join("; ")})` : "";
  return { name: "tdAttributes", policy, status: "passed", reason: `TD attributes satisfy the ${policy} policy${waived}`, details };
}
