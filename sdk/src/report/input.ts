/**
 * What any front end (the `poc verify` command, a web page) does with a user's evidence file before
 * and after `verifyEvidence`: decode the input format and find the Intel quote in it, then turn the
 * report into a pass / fail verdict for scripts (the exit-code policy of docs/verification-report.md).
 * Browser-safe: bytes in, values out.
 */
import { hex, toBytes } from "../bytes.js";
import { intelQuoteExtent, parseQuote } from "../intel/index.js";
import { base64Decode } from "../pki/pem.js";
import { detectEvidence, type DetectedEvidence } from "./detect.js";
import type { EvidenceInput, VerificationReport } from "./model.js";

/** Inputs above this size are not hex text worth decoding (real evidence is far smaller). */
const MAX_HEX_INPUT = 1 << 22;

export type DecodeEvidenceInputParameters = { bytes: Uint8Array };
export type DecodeEvidenceInputReturnType = {
  /** The evidence bytes: the input itself or the bytes its text spells, without ignored trailing bytes. */
  evidence: Uint8Array;
  detected: DetectedEvidence;
  /** The Intel quote the evidence carries (a bare quote, a dstack JSON's `quote`, a dstack attestation's), parsed once. */
  intelQuote?: Uint8Array | undefined;
  /** How the file was read and what of it was ignored: put it in the report (`report.input`). */
  input: EvidenceInput;
};

/**
 * Decodes an evidence file: binary, hex text (optional 0x, whitespace ignored) or base64 text
 * (standard or URL-safe alphabet, padding optional), since quotes travel in all three; then detects
 * its type. A bare Intel quote followed by other bytes (a newline, text a capture tool appended) is
 * cut at the end its own authData.size announces, and the cut is reported in `input`; the quote
 * parser itself stays strict. A carried Intel quote is parsed here, so a malformed one is a
 * `ParseError` (bad input) before anything slow (a collateral fetch, a chain) starts.
 */
export function decodeEvidenceInput({ bytes }: DecodeEvidenceInputParameters): DecodeEvidenceInputReturnType {
  const { bytes: decoded, encoding } = textOrBinary(bytes);
  let evidence = decoded;
  const input: EvidenceInput = { encoding };
  if (looksLikeIntelQuote(decoded)) {
    // Zero padding after the signature data is part of how quotes are stored (the parser accepts it);
    // anything from the first non-zero byte on is not the quote's.
    let end = intelQuoteExtent(decoded);
    while (end < decoded.length && decoded[end] === 0) end++;
    if (end < decoded.length) {
      const rest = decoded.subarray(end);
      evidence = decoded.subarray(0, end);
      input.ignoredTrailingBytes = rest.length;
      input.ignored = [`${rest.length} byte(s) after the Intel quote's signature data (and any zero padding): ${describe(rest)}`];
    }
  }
  const detected = detectEvidence(evidence);
  if (detected.type === "dstack-attestation" && detected.ignoredFields.length) {
    (input.ignored ??= []).push(`JSON fields beside "attestation" (the attestation is the single source of truth): ${detected.ignoredFields.join(", ")}`);
  }
  if (detected.type === "tpm-quote" && detected.encoding === "protobuf" && detected.attestation.ignoredFields.length) {
    (input.ignored ??= []).push(`protobuf fields not verified: ${detected.attestation.ignoredFields.join(", ")}`);
  }
  const intelQuote = intelQuoteOf(detected);
  if (intelQuote) parseQuote(intelQuote);
  return { evidence, detected, input, ...(intelQuote ? { intelQuote } : {}) };
}

const INTEL_QE_VENDOR_ID_HEX = "939a7233f79c4ca9940a0db3957f0607";
function looksLikeIntelQuote(b: Uint8Array): boolean {
  if (b.length < 48) return false;
  const version = b[0]! | (b[1]! << 8);
  return (version === 3 || version === 4 || version === 5) && hex(b.subarray(12, 28)) === INTEL_QE_VENDOR_ID_HEX;
}

/** A short, printable account of ignored bytes: ASCII text quoted, else hex (both cut at 32 bytes). */
function describe(rest: Uint8Array): string {
  const head = rest.subarray(0, 32);
  const more = rest.length > 32 ? "…" : "";
  if (head.every((c) => c === 0x09 || c === 0x0a || c === 0x0d || (c >= 0x20 && c < 0x7f))) return `text ${JSON.stringify(new TextDecoder().decode(head))}${more}`;
  return `hex ${hex(head)}${more}`;
}

const HEX_TEXT = /^(0x)?[0-9a-fA-F\s]+$/;
const BASE64_TEXT = /^[A-Za-z0-9+/\-_\s]+={0,2}\s*$/;

function textOrBinary(raw: Uint8Array): { bytes: Uint8Array; encoding: EvidenceInput["encoding"] } {
  if (raw.length === 0 || raw.length > MAX_HEX_INPUT) return { bytes: raw, encoding: "binary" };
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(raw).trim();
  } catch {
    return { bytes: raw, encoding: "binary" };
  }
  if (text.length === 0 || text.startsWith("{")) return { bytes: raw, encoding: "binary" };
  if (HEX_TEXT.test(text)) {
    const h = text.replace(/^0x/, "").replace(/\s+/g, "");
    if (h.length % 2 === 0) return { bytes: Uint8Array.from(h.match(/../g)!, (x) => parseInt(x, 16)), encoding: "hex" };
  }
  if (BASE64_TEXT.test(text)) {
    const b64 = text.replace(/\s+/g, "").replace(/-/g, "+").replace(/_/g, "/").replace(/=+$/, "");
    // A base64 text's length is never 1 mod 4; such text is not base64 (and stays binary).
    if (b64.length % 4 !== 1) {
      try {
        return { bytes: base64Decode(b64 + "=".repeat((4 - (b64.length % 4)) % 4)), encoding: "base64" };
      } catch {
        // not base64 after all
      }
    }
  }
  return { bytes: raw, encoding: "binary" };
}

function intelQuoteOf(detected: DetectedEvidence): Uint8Array | undefined {
  if (detected.type === "intel-quote") return detected.bytes;
  if (detected.type === "dstack" && typeof detected.json.quote === "string") return toBytes(detected.json.quote, "dstack evidence quote");
  if (detected.type === "dstack-attestation" && (detected.attestation.platform.kind === "tdx" || detected.attestation.platform.kind === "gcp-tdx")) return detected.attestation.platform.quote;
  return undefined;
}

export type ReportExitCodeParameters = {
  /** Only an overall PASS counts: dimensions skipped for want of an input count against it. */
  strict?: boolean | undefined;
  /** An Intel quote whose signatures and PCK chain verified (no collateral asked) counts as verified. */
  signaturesOnly?: boolean | undefined;
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
