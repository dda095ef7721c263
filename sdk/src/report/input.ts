/**
 * What any front end (the `poc verify` command, a web page) does with a user's evidence file before
 * and after `verifyEvidence`: decode the input format and find the Intel quote in it, then turn the
 * report into a pass / fail verdict for scripts (the exit-code policy of docs/verification-report.md).
 * Browser-safe: bytes in, values out.
 */
import { toBytes } from "../bytes.js";
import { parseQuote } from "../intel/index.js";
import { detectEvidence, type DetectedEvidence } from "./detect.js";
import type { VerificationReport } from "./model.js";

/** Inputs above this size are not hex text worth decoding (real evidence is far smaller). */
const MAX_HEX_INPUT = 1 << 22;

export type DecodeEvidenceInputParameters = { bytes: Uint8Array };
export type DecodeEvidenceInputReturnType = {
  /** The evidence bytes: the input itself, or the bytes its hex text spells. */
  evidence: Uint8Array;
  detected: DetectedEvidence;
  /** The Intel quote the evidence carries (a bare quote, or a dstack JSON's `quote`), parsed once. */
  intelQuote?: Uint8Array;
};

/**
 * Decodes an evidence file: binary, or hex text (optional 0x, whitespace ignored), since quotes are
 * often passed around as hex; then detects its type. A carried Intel quote is parsed here, so a
 * malformed one is a `ParseError` (bad input) before anything slow (a collateral fetch, a chain) starts.
 */
export function decodeEvidenceInput({ bytes }: DecodeEvidenceInputParameters): DecodeEvidenceInputReturnType {
  const evidence = hexOrBinary(bytes);
  const detected = detectEvidence(evidence);
  const intelQuote = intelQuoteOf(detected);
  if (intelQuote) parseQuote(intelQuote);
  return { evidence, detected, ...(intelQuote ? { intelQuote } : {}) };
}

function hexOrBinary(raw: Uint8Array): Uint8Array {
  if (raw.length === 0 || raw.length > MAX_HEX_INPUT) return raw;
  const text = new TextDecoder().decode(raw).trim();
  if (text.length > 0 && /^(0x)?[0-9a-fA-F\s]+$/.test(text)) {
    const h = text.replace(/^0x/, "").replace(/\s+/g, "");
    if (h.length % 2 === 0) return Uint8Array.from(h.match(/../g)!, (x) => parseInt(x, 16));
  }
  return raw;
}

function intelQuoteOf(detected: DetectedEvidence): Uint8Array | undefined {
  if (detected.type === "intel-quote") return detected.bytes;
  if (detected.type === "dstack" && typeof detected.json.quote === "string") return toBytes(detected.json.quote, "dstack evidence quote");
  return undefined;
}

export type ReportExitCodeParameters = {
  /** Only an overall PASS counts: dimensions skipped for want of an input count against it. */
  strict?: boolean;
  /** An Intel quote whose signatures and PCK chain verified (no collateral asked) counts as verified. */
  signaturesOnly?: boolean;
};
export type ReportExitCodeReturnType = 0 | 1;

/**
 * The verdict of a report for scripts: 0 when no dimension failed and the evidence itself verified
 * (the hardware dimension passed, or with `signaturesOnly` an Intel quote's signatures did), else 1.
 * Dimensions skipped because an optional input was not given (allowed lists, nonce, registry) do
 * not count, unless `strict`: then only an overall PASS is 0.
 */
export function reportExitCode(report: VerificationReport, rule: ReportExitCodeParameters = {}): ReportExitCodeReturnType {
  if (report.overall === "fail") return 1;
  if (rule.strict) return report.overall === "pass" ? 0 : 1;
  // GPU evidence alone: the GPU dimension is the evidence; partial = verified, RIMs or nonce not given.
  if (report.evidenceType === "nvidia-gpu") return report.dimensions.gpu?.status === "passed" || report.dimensions.gpu?.status === "partial" ? 0 : 1;
  const hw = report.dimensions.hardware.status;
  if (hw === "passed") return 0;
  if (hw === "partial" && rule.signaturesOnly && report.intel?.scope === "signatures") return 0;
  return 1;
}
