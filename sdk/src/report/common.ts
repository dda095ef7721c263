/** Options and helpers shared by the report builders. */
import { VerificationError } from "../errors.js";
import type { Certificate } from "../pki/x509.js";
import { toDate } from "../pki/x509.js";
import type { IntelQuoteVerdict, IntelQuoteVerifier, RegistryLookup } from "./inject.js";
import { type DimensionName, type DimensionResult, type EvidenceType, type HardwareId, type VerificationReport, failed, overallStatus, passed, skipped } from "./model.js";

export type BuildReportOptions = {
  /** Verification time: a Date or unix seconds. Required: collateral and certificates expire. */
  now: Date | number;
  /** Certificates the evidence does not carry (VCEK/ASK, AK chain), PEM text or DER bytes. */
  certificates?: (Uint8Array | string | Certificate)[];
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
  collateral?: unknown;
  acceptedTcbStatuses?: readonly string[] | undefined;
  /** Registry lookup (sdk/src/chain); without it the registry dimension is skipped. */
  registry?: RegistryLookup | undefined;
  /** Expected TPM qualifying data (nonce). Without it, TPM freshness is not established. */
  tpmNonce?: Uint8Array | string | undefined;
  /** TCG event log for a TPM quote. */
  tpmEventLog?: Uint8Array | undefined;
  /** Expected Nitro nonce. */
  nitroNonce?: Uint8Array | undefined;
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
  dimensions: Record<DimensionName, DimensionResult>;
  hardwareId?: HardwareId | undefined;
  intel?: IntelQuoteVerdict | undefined;
}): VerificationReport {
  const { onchain, ...intel } = args.intel ?? {};
  return {
    schema: "poc.verification-report/1",
    evidenceType: args.evidenceType,
    tee: args.tee,
    verifiedAt: unixSeconds(args.now),
    overall: overallStatus(args.dimensions),
    dimensions: args.dimensions,
    ...(args.hardwareId ? { hardwareId: args.hardwareId } : {}),
    ...(args.intel ? { intel: intel as IntelQuoteVerdict } : {}),
    ...(onchain ? { onchain } : {}),
  };
}

export const lower = (xs: string[] | undefined) => xs?.map((x) => x.toLowerCase().replace(/^0x/, ""));
