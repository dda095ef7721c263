/** Options and helpers shared by the report builders. */
import { VerificationError } from "../errors.js";
import type { TdAttributePolicy } from "../intel/policy.js";
import type { GpuTrustAnchors } from "../nvidia/roots.js";
import type { Certificate } from "../pki/x509.js";
import { toDate } from "../pki/x509.js";
import type { IntelQuoteVerdict, IntelQuoteVerifier, RegistryLookup } from "./inject.js";
import { type DimensionResult, type ReportDimensions, type EvidenceType, type HardwareId, type PolicyResult, type VerificationReport, failed, overallStatus, passed, skipped } from "./model.js";

export type BuildReportOptions = {
  /** Verification time: a Date or unix seconds. Required: collateral and certificates expire. */
  now: Date | number;
  /** Certificates the evidence does not carry (VCEK/ASK, AK chain), PEM text or DER bytes. */
  certificates?: (Uint8Array | string | Certificate)[] | undefined;
  /**
   * Allowed OS measurements (hex). Compared with: SNP `measurement`; TDX MRTD or the
   * os-image-hash event; Nitro PCR0. Not given: the OS dimension reports the value without judging it
   * (skipped for SNP and Nitro, where there is nothing else to check).
   */
  allowedOsMeasurements?: string[] | undefined;
  /** Allowed dstack app IDs / compose hashes (hex). */
  allowedAppIds?: string[] | undefined;
  allowedComposeHashes?: string[] | undefined;
  /** The app compose file, checked against the compose-hash event. */
  composeFile?: Uint8Array | string | undefined;
  /** Intel DCAP verifier (sdk/src/intel); without it Intel-based dimensions are skipped. */
  intelVerifier?: IntelQuoteVerifier | undefined;
  /** Collateral passed through to the Intel verifier. */
  collateral?: unknown | undefined;
  acceptedTcbStatuses?: readonly string[] | undefined;
  /** Registry lookup (sdk/src/chain); without it the registry dimension is skipped. */
  registry?: RegistryLookup | undefined;
  /** Expected TPM qualifying data (nonce). Without it, TPM freshness is not established. */
  tpmNonce?: Uint8Array | string | undefined;
  /** TCG event log for a TPM quote. */
  tpmEventLog?: Uint8Array | undefined;
  /** Expected Nitro nonce. */
  nitroNonce?: Uint8Array | undefined;
  /** NVIDIA GPU evidence verified beside the CPU's: the report's GPU dimension (report/gpu.ts). */
  gpu?: GpuEvidenceOptions | undefined;
  /** vTPM roots for TPM quotes inside other evidence (dstack GCP TDX); the pinned GCE / GCP roots by default. */
  tpmRoots?: Certificate[] | undefined;
  /** Nitro root for documents inside dstack attestations; the pinned AWS Nitro root by default (override only for a test PKI). */
  nitroRoot?: Certificate | undefined;
  /** TD attribute policy for TDX quotes (reported as `policies`); default "strict". */
  tdAttributePolicy?: TdAttributePolicy | undefined;
};

/**
 * How the GPU's SPDM nonce is bound to the CPU evidence, as the caller built it: the CPU report
 * data's 32 bytes at `reportDataOffset` are the GPU nonce ("none") or its SHA-256 ("sha256").
 */
export type GpuNonceBinding = { reportDataOffset: number; hash: "none" | "sha256" };

export type GpuEvidenceOptions = {
  /** The GPU attestation report (bytes or NVIDIA's hex text); absent when the evidence file is the GPU report. */
  report?: Uint8Array | string | undefined;
  /** Instead of `report`: NVIDIA's GPU evidence list JSON (one entry per GPU, each with its chain; nvidia/evidenceList.ts). */
  evidenceList?: unknown | undefined;
  /** The GPU's certificate chain, leaf first. */
  certificates?: (Uint8Array | string | Certificate)[] | undefined;
  /** The driver and VBIOS RIMs (XML). */
  rims?: (string | Uint8Array)[] | undefined;
  /** The nonce the verifier gave the GPU. */
  nonce?: Uint8Array | string | undefined;
  binding?: GpuNonceBinding | undefined;
  /** Replace NVIDIA's pinned roots (tests pin the simulator's). */
  roots?: Partial<GpuTrustAnchors> | undefined;
};

export function unixSeconds(now: Date | number): number {
  return Math.floor(toDate(now).getTime() / 1000);
}

/** Runs a check; a VerificationError becomes a failed dimension, anything else propagates. */
export async function dimension(run: () => Promise<DimensionResult> | DimensionResult): Promise<DimensionResult> {
  try {
    return await run();
  } catch (e) {
    if (e instanceof VerificationError) return failed(e.shortMessage, e.check);
    throw e;
  }
}

/** The registry dimension for a hardware ID (or the reason there is none). */
export async function registryDimension(id: HardwareId | undefined, why: string | undefined, options: BuildReportOptions, applicable: boolean): Promise<DimensionResult> {
  if (!applicable) return skipped(why ?? "this evidence names no registrable hardware", false);
  if (!options.registry) return skipped(`no registry given${why ? ` (${why})` : ""}`, true, id ? { hardwareId: id.value, kind: id.kind } : {});
  if (!id) return failed(why ?? "the evidence names no hardware ID", "registry.hardwareId");
  const lookup = options.registry;
  return dimension(async () => {
    const v = await lookup(id);
    const details = { hardwareId: id.value, kind: id.kind, status: v.status, platformKey: v.platformKey ?? null, level: v.level ?? null, facility: v.facility ?? null, verifiedAt: v.verifiedAt ?? null };
    if (v.status === "active" && v.level === 0) return failed("registry entry is active but its verification has lapsed (effective level 0)", "registry.lapsed", details);
    if (v.status === "active") return passed(`hardware is in a verified facility (level ${v.level ?? "?"}${v.facility ? `, ${v.facility}` : ""})`, details);
    if (v.status === "unknown") return failed("hardware ID is not in the Proof-of-Cloud registry", "registry.unknown", details);
    return failed(`registry entry is ${v.status}${v.detail ? `: ${v.detail}` : ""}`, `registry.${v.status}`, details);
  });
}

export function makeReport(args: {
  evidenceType: EvidenceType;
  tee: VerificationReport["tee"];
  now: Date | number;
  /** `gpu` defaults to "no GPU evidence given" (not applicable); withGpuDimension fills it in. */
  dimensions: ReportDimensions;
  hardwareId?: HardwareId | undefined;
  intel?: IntelQuoteVerdict | undefined;
  policies?: PolicyResult[] | undefined;
}): VerificationReport {
  const dimensions = { ...args.dimensions, gpu: args.dimensions.gpu ?? skipped("no GPU evidence given", false) };
  const { onchain, ...intel } = args.intel ?? {};
  const policyFailed = args.policies?.some((p) => p.status === "failed") ?? false;
  return {
    schema: "poc.verification-report/1",
    evidenceType: args.evidenceType,
    tee: args.tee,
    verifiedAt: unixSeconds(args.now),
    overall: policyFailed ? "fail" : overallStatus(dimensions),
    dimensions,
    ...(args.hardwareId ? { hardwareId: args.hardwareId } : {}),
    ...(args.intel ? { intel: intel as IntelQuoteVerdict } : {}),
    ...(onchain ? { onchain } : {}),
    ...(args.policies?.length ? { policies: args.policies } : {}),
  };
}

export const lower = (xs: string[] | undefined) => xs?.map((x) => x.toLowerCase().replace(/^0x/, ""));
