/**
 * The GPU evidence list of NVIDIA's attestation SDK (nvtrust `cc_admin.collect_gpu_evidence_remote`,
 * the body of a request to NVIDIA's remote attestation service): one entry per GPU, each the
 * attestation report and the PEM chain, both base64. Accepted as the request object
 * `{"nonce", "evidence_list": [{"evidence", "certificate"}], "arch": "HOPPER"}` or as the bare list
 * `[{"evidence", "certificate", "arch"}]`. docs/nvidia-gpu.md.
 */
import { ParseError } from "../errors.js";
import { base64Decode } from "../pki/pem.js";

const STRUCTURE = "NVIDIA GPU evidence list";
/** A node holds at most 8 GPUs; bounds the work on hostile input. */
export const MAX_GPU_EVIDENCE = 16;

export type GpuEvidenceEntry = { report: Uint8Array; certificates: string };
export type GpuEvidenceList = {
  /** Hex nonce the list declares (the verifier's own nonce is what proves freshness). */
  nonce?: string | undefined;
  arch: "HOPPER";
  gpus: GpuEvidenceEntry[];
};

function bad(field: string, expected: string, got?: string): ParseError {
  return new ParseError({ structure: STRUCTURE, field, offset: 0, expected, got });
}

function b64(v: unknown, field: string): Uint8Array {
  if (typeof v !== "string" || !/^[A-Za-z0-9+/\s]*={0,2}\s*$/.test(v)) throw bad(field, "base64 text");
  try {
    return base64Decode(v.replace(/\s+/g, ""));
  } catch {
    throw bad(field, "base64 text");
  }
}

/** Whether parsed JSON looks like a GPU evidence list (for detection; the parser decides). */
export function looksLikeGpuEvidenceList(json: unknown): boolean {
  const list = Array.isArray(json) ? json : json && typeof json === "object" ? (json as Record<string, unknown>).evidence_list : undefined;
  return Array.isArray(list) && list.length > 0 && list.every((e) => e && typeof e === "object" && "evidence" in e && "certificate" in e);
}

export function parseGpuEvidenceList(json: unknown): GpuEvidenceList {
  const obj = Array.isArray(json) ? undefined : json && typeof json === "object" ? (json as Record<string, unknown>) : undefined;
  const list = Array.isArray(json) ? json : obj?.evidence_list;
  if (!Array.isArray(list)) throw bad("evidence_list", "an array of {evidence, certificate}");
  if (list.length === 0 || list.length > MAX_GPU_EVIDENCE) throw bad("evidence_list", `1..${MAX_GPU_EVIDENCE} entries`, String(list.length));
  const archs = new Set<unknown>([obj?.arch, ...list.map((e) => (e as Record<string, unknown>)?.arch)].filter((a) => a !== undefined));
  for (const a of archs) if (a !== "HOPPER") throw bad("arch", '"HOPPER" (the only architecture verified)', String(a));
  let nonce: string | undefined;
  if (obj?.nonce !== undefined) {
    if (typeof obj.nonce !== "string" || !/^(0x)?[0-9a-fA-F]{64}$/.test(obj.nonce)) throw bad("nonce", "32 bytes of hex", String(obj.nonce));
    nonce = obj.nonce.replace(/^0x/, "").toLowerCase();
  }
  const gpus = list.map((e, i) => {
    if (!e || typeof e !== "object") throw bad(`evidence_list[${i}]`, "an object {evidence, certificate}");
    const entry = e as Record<string, unknown>;
    const certificates = new TextDecoder().decode(b64(entry.certificate, `evidence_list[${i}].certificate`));
    if (!certificates.includes("-----BEGIN CERTIFICATE-----")) throw bad(`evidence_list[${i}].certificate`, "base64 of a PEM certificate chain");
    return { report: b64(entry.evidence, `evidence_list[${i}].evidence`), certificates };
  });
  return { ...(nonce ? { nonce } : {}), arch: "HOPPER", gpus };
}
