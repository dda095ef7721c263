/** Evidence type detection from raw bytes (a file as given to `poc verify`). */
import { ParseError } from "../errors.js";
import { looksLikeGpuEvidenceList } from "../nvidia/evidenceList.js";
import { looksLikeGpuAttestationReport } from "../nvidia/spdm.js";
import type { EvidenceType } from "./model.js";

const INTEL_QE_VENDOR_ID = [0x93, 0x9a, 0x72, 0x33, 0xf7, 0x9c, 0x4c, 0xa9, 0x94, 0x0a, 0x0d, 0xb3, 0x95, 0x7f, 0x06, 0x07];

export type DetectedEvidence =
  | { type: "intel-quote" | "snp-report" | "nitro-document"; bytes: Uint8Array }
  | { type: "nvidia-gpu"; bytes: Uint8Array }
  | { type: "nvidia-gpu-list"; json: Record<string, unknown> }
  | { type: "tpm-quote" | "dstack"; json: Record<string, unknown> };

function tryJson(bytes: Uint8Array): Record<string, unknown> | undefined {
  let i = 0;
  while (i < bytes.length && (bytes[i] === 0x20 || bytes[i] === 0x0a || bytes[i] === 0x0d || bytes[i] === 0x09)) i++;
  if (bytes[i] !== 0x7b) return undefined;
  try {
    const v = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
    return v && typeof v === "object" && !Array.isArray(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Intel quote: version 3/4/5 with Intel's QE vendor ID at offset 12. SNP report: 1184 bytes, version
 * 2..5, signature_algo 1 at 0x34. TPM: JSON with ak_pub_tpmt_public and quotes. dstack: JSON with
 * quote and event_log. Nitro: COSE_Sign1 (0x84/0xD2), NSM response (0xA1) or dstack Nitro framing.
 */
export function detectEvidence(bytes: Uint8Array): DetectedEvidence {
  const json = tryJson(bytes);
  if (json) {
    if (typeof json.ak_pub_tpmt_public === "string" && Array.isArray(json.quotes)) return { type: "tpm-quote", json };
    if (typeof json.quote === "string" && (typeof json.event_log === "string" || Array.isArray(json.event_log))) return { type: "dstack", json };
    if (looksLikeGpuEvidenceList(json)) return { type: "nvidia-gpu-list", json };
    throw new ParseError({ structure: "evidence", field: "JSON", offset: 0, expected: "a TPM attestation (ak_pub_tpmt_public, quotes), dstack evidence (quote, event_log) or an NVIDIA GPU evidence list (evidence_list)" });
  }
  if (bytes.length >= 48) {
    const version = bytes[0]! | (bytes[1]! << 8);
    if ((version === 3 || version === 4 || version === 5) && INTEL_QE_VENDOR_ID.every((b, i) => bytes[12 + i] === b)) return { type: "intel-quote", bytes };
  }
  if (bytes.length === 0x4a0) {
    const v = bytes[0]! | (bytes[1]! << 8) | (bytes[2]! << 16) | (bytes[3]! << 24);
    const alg = bytes[0x34]! | (bytes[0x35]! << 8);
    if (v >= 2 && v <= 5 && alg === 1) return { type: "snp-report", bytes };
  }
  if (looksLikeGpuAttestationReport(bytes)) return { type: "nvidia-gpu", bytes };
  const b0 = bytes[0];
  if (b0 === 0x84 || b0 === 0xd2 || b0 === 0xa1 || (b0 === 0x00 && bytes.length > 8 && bytes.subarray(0, 16).some((b, i) => b === 0x84 && bytes[i + 1] === 0x44))) {
    return { type: "nitro-document", bytes };
  }
  throw new ParseError({
    structure: "evidence",
    field: "format",
    offset: 0,
    expected: "an Intel SGX/TDX quote, a SEV-SNP report, a TPM attestation JSON, a Nitro attestation document, dstack quote + event log JSON or an NVIDIA GPU attestation report",
  });
}
