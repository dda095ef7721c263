/**
 * POST /attestations/verify: the request body (ours, or the proofofcloud/verifiers service's
 * `{type, hex}`) turned into verifyEvidence's parameters, and the report turned into the answer,
 * which carries both shapes: the verifiers service's `{success, quote: {verified, header: {tee_type}},
 * proof_of_cloud}` and our `report` (docs/service.md has both, field by field).
 */
import { ParseError, PocError } from "../sdk/src/errors.js";
import { parseCertificates, DIMENSION_NAMES, DEFAULT_ACCEPTED_TCB_STATUSES, type Certificate, type VerificationReport, type VerifyEvidenceParameters } from "../sdk/src/report/index.js";
import { TD_ATTRIBUTE_POLICIES, parseCollateral, type QuoteCollateralV3, type TdAttributePolicy } from "../sdk/src/intel/index.js";
import { parseGpuRim } from "../sdk/src/nvidia/index.js";
import { BadRequestError } from "./errors.js";

/** What the body of POST /attestations/verify may hold; every field is checked (unknown ones are refused). */
export type VerifyRequest = {
  /** The verifiers service's fields: `type` "intel" | "amd" and the evidence as hex (0x optional). */
  type?: "intel" | "amd";
  hex?: string;
  /**
   * Ours: the evidence as hex (binary evidence: Intel quotes, SEV-SNP reports, Nitro documents, dstack
   * SCALE attestations, go-tpm-tools protobuf, NVIDIA GPU reports), base64 with `evidenceEncoding:
   * "base64"`, or a JSON object (TPM attestation JSON, dstack quote + event log, dstack's
   * `{"attestation": hex}`, NVIDIA's GPU evidence list).
   */
  evidence?: string | Record<string, unknown>;
  evidenceEncoding?: "hex" | "base64";
  /** Intel collateral (QuoteCollateralV3 or PCS responses); without it the service's held collateral for the quote's FMSPC. */
  collateral?: unknown;
  /** PEM certificates the evidence does not carry (SNP VCEK / ASK, TPM AK chain, an NVIDIA GPU report's chain). */
  certificates?: string[];
  /** TCG event log for a TPM attestation, base64. */
  eventLog?: string;
  /** Verification time (unix seconds); default now. */
  at?: number;
  /** Expected nonce (hex): TPM qualifying data, Nitro nonce, or the nonce given to the GPU when the evidence is a GPU report. */
  nonce?: string;
  /** NVIDIA driver and VBIOS RIMs (XML text) for a GPU report; without them the GPU's measurements are not compared. */
  rims?: string[];
  /** TD attribute policy for TDX quotes (`poc verify --td-attribute-policy`): "strict" (default) or "allow-sept-ve". */
  tdAttributePolicy?: TdAttributePolicy;
  allowedOs?: string[];
  allowedApps?: string[];
  allowedCompose?: string[];
  requireUpToDate?: boolean;
};

const KNOWN = new Set(["type", "hex", "evidence", "evidenceEncoding", "collateral", "certificates", "eventLog", "at", "nonce", "rims", "tdAttributePolicy", "allowedOs", "allowedApps", "allowedCompose", "requireUpToDate"]);
const HEX_RE = /^(0x)?([0-9a-fA-F]{2})*$/;
const B64_RE = /^[A-Za-z0-9+/]*={0,2}$/;

function hexBytes(value: string, field: string): Uint8Array {
  if (!HEX_RE.test(value)) {
    const bad = value.replace(/^0x/, "").search(/[^0-9a-fA-F]/);
    throw new BadRequestError("invalid_hex", `${field} is not hex${bad >= 0 ? ` (character ${bad})` : " (odd length)"}`, { field, ...(bad >= 0 ? { offset: bad } : {}), expected: "hex digits, an even number, 0x optional" });
  }
  return Uint8Array.from(Buffer.from(value.replace(/^0x/, ""), "hex"));
}

function base64Bytes(value: string, field: string): Uint8Array {
  if (value.length % 4 !== 0 || !B64_RE.test(value)) throw new BadRequestError("invalid_base64", `${field} is not base64`, { field, expected: "standard base64 with padding" });
  return Uint8Array.from(Buffer.from(value, "base64"));
}

const stringList = (v: unknown, field: string): string[] | undefined => {
  if (v === undefined) return undefined;
  if (!Array.isArray(v) || v.some((x) => typeof x !== "string")) throw new BadRequestError("invalid_field", `${field} must be an array of strings`, { field, expected: "string[]" });
  return v as string[];
};

function hexList(v: unknown, field: string): string[] | undefined {
  const xs = stringList(v, field);
  xs?.forEach((x, i) => hexBytes(x, `${field}[${i}]`));
  return xs?.map((x) => x.toLowerCase().replace(/^0x/, ""));
}

export type DecodedVerifyRequest = {
  /** Which shape the caller used: "verifiers" for `{type, hex}`. */
  shape: "verifiers" | "report";
  evidence: Uint8Array;
  collateral?: QuoteCollateralV3;
  /** The nonce and RIMs, for the GPU options when the evidence turns out to be a GPU report (as poc verify). */
  nonce?: Uint8Array | undefined;
  rims?: Uint8Array[] | undefined;
  params: Omit<VerifyEvidenceParameters, "evidence" | "intelVerifier" | "registry" | "collateral">;
};

/** Checks every field of the body; throws BadRequestError naming the field. */
export function decodeVerifyRequest(body: unknown, nowSeconds: number): DecodedVerifyRequest {
  if (body === null || typeof body !== "object" || Array.isArray(body)) throw new BadRequestError("invalid_body", "the body must be a JSON object", { field: "$", expected: "object" });
  const b = body as Record<string, unknown>;
  for (const k of Object.keys(b)) if (!KNOWN.has(k)) throw new BadRequestError("unknown_field", `unknown field ${k}`, { field: k, expected: [...KNOWN].join(", ") });
  let evidence: Uint8Array;
  let shape: DecodedVerifyRequest["shape"];
  if (b.type !== undefined || b.hex !== undefined) {
    shape = "verifiers";
    if (b.evidence !== undefined) throw new BadRequestError("invalid_field", "give either {type, hex} or evidence, not both", { field: "evidence" });
    if (b.type === undefined) throw new BadRequestError("missing_type", "type is required with hex", { field: "type", expected: '"intel" or "amd"' });
    if (b.type !== "intel" && b.type !== "amd") throw new BadRequestError("invalid_type", `type must be "intel" or "amd"`, { field: "type", expected: '"intel" or "amd"' });
    if (typeof b.hex !== "string" || b.hex.length === 0) throw new BadRequestError("missing_hex", "hex is required: the quote or report as hex", { field: "hex", expected: "hex string" });
    evidence = hexBytes(b.hex, "hex");
  } else {
    shape = "report";
    if (b.evidence === undefined) throw new BadRequestError("missing_evidence", "evidence is required (or {type, hex})", { field: "evidence", expected: "hex / base64 string or a JSON object" });
    if (typeof b.evidence === "object" && b.evidence !== null && !Array.isArray(b.evidence)) evidence = new TextEncoder().encode(JSON.stringify(b.evidence));
    else if (typeof b.evidence === "string") {
      const enc = b.evidenceEncoding ?? "hex";
      if (enc !== "hex" && enc !== "base64") throw new BadRequestError("invalid_field", "evidenceEncoding must be hex or base64", { field: "evidenceEncoding", expected: '"hex" or "base64"' });
      evidence = enc === "hex" ? hexBytes(b.evidence, "evidence") : base64Bytes(b.evidence, "evidence");
    } else throw new BadRequestError("invalid_field", "evidence must be a string or a JSON object", { field: "evidence", expected: "hex / base64 string or a JSON object" });
  }
  if (evidence.length === 0) throw new BadRequestError("missing_evidence", "the evidence is empty", { field: shape === "verifiers" ? "hex" : "evidence" });

  let collateral: QuoteCollateralV3 | undefined;
  if (b.collateral !== undefined) collateral = asBadRequest(() => parseCollateral(b.collateral), "collateral");
  const certificates: Certificate[] = [];
  stringList(b.certificates, "certificates")?.forEach((pem, i) => certificates.push(...asBadRequest(() => parseCertificates(new TextEncoder().encode(pem), `certificates[${i}]`), `certificates[${i}]`)));
  if (b.eventLog !== undefined && typeof b.eventLog !== "string") throw new BadRequestError("invalid_field", "eventLog must be base64", { field: "eventLog", expected: "base64 string" });
  if (b.at !== undefined && (typeof b.at !== "number" || !Number.isSafeInteger(b.at) || b.at < 0)) throw new BadRequestError("invalid_field", "at must be unix seconds", { field: "at", expected: "a non-negative integer" });
  if (b.nonce !== undefined && typeof b.nonce !== "string") throw new BadRequestError("invalid_field", "nonce must be hex", { field: "nonce", expected: "hex string" });
  if (b.requireUpToDate !== undefined && typeof b.requireUpToDate !== "boolean") throw new BadRequestError("invalid_field", "requireUpToDate must be a boolean", { field: "requireUpToDate", expected: "boolean" });
  const nonce = typeof b.nonce === "string" ? hexBytes(b.nonce, "nonce") : undefined;
  if (b.tdAttributePolicy !== undefined && !(TD_ATTRIBUTE_POLICIES as readonly unknown[]).includes(b.tdAttributePolicy)) throw new BadRequestError("invalid_field", `tdAttributePolicy must be one of ${TD_ATTRIBUTE_POLICIES.join(", ")}`, { field: "tdAttributePolicy", expected: TD_ATTRIBUTE_POLICIES.map((p) => `"${p}"`).join(" or ") });
  const rims = stringList(b.rims, "rims")?.map((xml, i) => {
    const bytes = new TextEncoder().encode(xml);
    asBadRequest(() => parseGpuRim(bytes), `rims[${i}]`); // structure first: a malformed RIM is a 400 naming it
    return bytes;
  });
  return {
    shape,
    evidence,
    collateral,
    params: {
      now: (b.at as number | undefined) ?? nowSeconds,
      certificates,
      allowedOsMeasurements: hexList(b.allowedOs, "allowedOs"),
      allowedAppIds: hexList(b.allowedApps, "allowedApps"),
      allowedComposeHashes: hexList(b.allowedCompose, "allowedCompose"),
      acceptedTcbStatuses: b.requireUpToDate ? ["UpToDate"] : DEFAULT_ACCEPTED_TCB_STATUSES,
      tpmNonce: nonce,
      nitroNonce: nonce,
      tpmEventLog: typeof b.eventLog === "string" ? base64Bytes(b.eventLog, "eventLog") : undefined,
      tdAttributePolicy: (b.tdAttributePolicy as TdAttributePolicy | undefined) ?? "strict",
    },
    nonce,
    rims,
  };
}

/** An SDK ParseError (malformed collateral, certificate, evidence) as a 400 naming the field and offset. */
export function asBadRequest<T>(run: () => T, field: string): T {
  try {
    return run();
  } catch (e) {
    throw badRequestOf(e, field);
  }
}

export function badRequestOf(e: unknown, field: string): unknown {
  if (e instanceof ParseError) return new BadRequestError("malformed_input", e.shortMessage, { field: `${field}: ${e.structure}.${e.field}`, offset: e.offset, expected: e.expected });
  if (e instanceof PocError) return new BadRequestError("malformed_input", e.shortMessage, { field });
  return e;
}

const TEE_TYPES: Record<VerificationReport["tee"], string> = {
  "intel-tdx": "TEE_TDX",
  "intel-sgx": "TEE_SGX",
  "amd-sev-snp": "TEE_AMD_SEV_SNP",
  tpm: "TEE_TPM",
  "aws-nitro": "TEE_AWS_NITRO",
  "nvidia-gpu": "TEE_NVIDIA_GPU",
};

/**
 * The answer: the verifiers service's shape around our report. `success` is false (error
 * "verification_failed") when the evidence did not verify; `proof_of_cloud` is true only when the
 * registry dimension passed (the hardware is active in a verified facility).
 */
export function verifyResponse(report: VerificationReport): Record<string, unknown> {
  // The quote's own verdict: the registry is answered separately (proof_of_cloud), as the verifiers service does.
  // The primary dimension is the hardware's, or the GPU's for GPU evidence (its hardware row does not apply);
  // a failed policy (the TD attribute policy) fails the verdict as it fails the report.
  const primary = !report.dimensions.hardware.applicable && report.dimensions.gpu?.applicable ? "gpu" : "hardware";
  const policy = report.policies?.find((p) => p.status === "failed");
  const verified = report.dimensions[primary]!.status === "passed" && !policy && !DIMENSION_NAMES.some((n) => n !== "registry" && report.dimensions[n]?.status === "failed");
  const quote = {
    verified,
    header: { tee_type: TEE_TYPES[report.tee] },
    ...(report.intel ? { tcb_status: report.intel.tcbStatus, advisory_ids: report.intel.advisoryIds, fmspc: report.intel.fmspc ?? null, ppid: report.intel.ppid ?? null } : {}),
  };
  const proofOfCloud = report.dimensions.registry.status === "passed";
  const common = { quote, proof_of_cloud: proofOfCloud, ...(report.hardwareId?.kind === "amd-chip-id" ? { chip_id: report.hardwareId.value } : {}), report };
  if (verified) return { success: true, ...common };
  const failed = DIMENSION_NAMES.find((n) => report.dimensions[n]?.status === "failed" && n !== "registry");
  if (!failed && policy) return { success: false, error: "verification_failed", message: `policy ${policy.name} (${policy.policy}): ${policy.reason}${policy.check ? ` [${policy.check}]` : ""}`, ...common };
  const d = report.dimensions[failed ?? primary]!;
  return { success: false, error: "verification_failed", message: `${failed ?? primary}: ${d.reason}${d.check ? ` [${d.check}]` : ""}`, ...common };
}
