/**
 * The verification report: what one piece of evidence proves, per dimension, like a trust center
 * page but computed offline. Every dimension is passed, partial, failed or skipped, always with a
 * reason. Format and rules: docs/verification-report.md.
 */

// Evidence type names are shared vocabulary (sdk/src/vocabulary/evidence.ts); re-exported for old importers.
import type { EvidenceType } from "../vocabulary/evidence.js";
import type { HardwareIdKind } from "../vocabulary/platformKey.js";
export type { EvidenceType };

export type DimensionName = "hardware" | "operatingSystem" | "application" | "tpmBinding" | "registry" | "gpu";
export const DIMENSION_NAMES: readonly DimensionName[] = ["hardware", "operatingSystem", "application", "tpmBinding", "registry", "gpu"];
export const DIMENSION_LABELS: Record<DimensionName, string> = {
  hardware: "hardware",
  operatingSystem: "operating system",
  application: "application",
  tpmBinding: "TPM binding",
  registry: "Proof-of-Cloud registry",
  gpu: "GPU",
};

/**
 * "partial": the check ran but could not be completed with the inputs given (an Intel quote
 * without collateral: signatures and PCK chain verify, the TCB status was not evaluated).
 */
export type DimensionStatus = "passed" | "partial" | "failed" | "skipped";
export type OverallStatus = "pass" | "partial" | "fail";

export type DimensionResult = {
  status: DimensionStatus;
  /** One line a person can act on. */
  reason: string;
  /** False when this evidence type cannot speak to the dimension (e.g. application for a bare SNP report). */
  applicable: boolean;
  /** The machine-readable check that failed (VerificationError.check), when failed. */
  check?: string | undefined;
  /** Values the dimension established (measurements, IDs, statuses), all JSON-safe. */
  details: Record<string, string | number | boolean | string[] | null>;
};

/**
 * The dimensions of a report. `gpu` is optional in the type so that reports written before the GPU
 * dimension existed still read; every report the SDK builds has it (not applicable without GPU evidence).
 */
export type ReportDimensions = Record<Exclude<DimensionName, "gpu">, DimensionResult> & { gpu?: DimensionResult };

/** A hardware ID the Proof-of-Cloud registry keys on (`kind` as in HardwareRegistry). */
export type HardwareId = { kind: HardwareIdKind; value: string };

/** Where the Intel quote was verified when that was onchain (`poc verify --onchain`). */
export type OnchainVerification = {
  chainId: number;
  /** The DcapQuoteVerifier (IQuoteVerifier) that judged the quote. */
  verifier: string;
  /** "embedded": a fresh in-process chain with the quote's collateral uploaded; "rpc": a deployed verifier. */
  mode: "embedded" | "rpc";
  /** Gas of the verifyQuote transaction (embedded) or its estimate (rpc); a decimal string. */
  gasUsed?: string | undefined;
  transactionHash?: string | undefined;
  /** Unix seconds of the block the quote was verified in. */
  blockTimestamp?: number | undefined;
};

/** How the evidence file was read (set by front ends from `decodeEvidenceInput`). */
export type EvidenceInput = {
  /** The file itself ("binary") or the text it holds. */
  encoding: "binary" | "hex" | "base64";
  /** Bytes after a bare Intel quote's signature data that were cut off before verification. */
  ignoredTrailingBytes?: number | undefined;
  /** One line per thing ignored: trailing bytes (with a preview), JSON or protobuf fields not used. */
  ignored?: string[] | undefined;
};

export type VerificationReport = {
  /** Bumped when the shape changes. */
  schema: "poc.verification-report/1";
  evidenceType: EvidenceType;
  /** TEE family the evidence comes from. */
  tee: "intel-sgx" | "intel-tdx" | "amd-sev-snp" | "tpm" | "aws-nitro" | "nvidia-gpu";
  /** Unix seconds the evidence was judged at (the caller's `now`). */
  verifiedAt: number;
  overall: OverallStatus;
  dimensions: ReportDimensions;
  hardwareId?: HardwareId | undefined;
  /** Intel quotes (bare or dstack): what the DCAP verification established (status, PPID, registers). */
  intel?: IntelQuoteVerdict | undefined;
  /** Set when the Intel quote was verified by an onchain verifier. */
  onchain?: OnchainVerification | undefined;
  /** How the input file was decoded and what of it was ignored (front ends set it). */
  input?: EvidenceInput | undefined;
  /**
   * Named policy checks judged apart from the dimensions (today: "tdAttributes", the TD attribute
   * policy of a TDX quote). A failed policy makes the overall result fail; the dimensions (and the
   * hardware ID) still say what the evidence proves.
   */
  policies?: PolicyResult[] | undefined;
};

/** The result of one named policy check (docs/verification-report.md "Policies"). */
export type PolicyResult = {
  name: "tdAttributes";
  /** Which policy was applied (e.g. "strict", "allow-sept-ve"). */
  policy: string;
  status: "passed" | "failed";
  reason: string;
  /** The first rule broken (VerificationError-style check id), when failed. */
  check?: string | undefined;
  details: Record<string, string | number | boolean | string[] | null>;
};

/**
 * Overall: fail if any dimension failed; pass if every applicable dimension passed; partial
 * otherwise (something applicable was skipped or only partly checked, e.g. no registry was consulted).
 */
export function overallStatus(dimensions: ReportDimensions): OverallStatus {
  const all = DIMENSION_NAMES.flatMap((n) => dimensions[n] ?? []);
  if (all.some((d) => d.status === "failed")) return "fail";
  if (all.every((d) => !d.applicable || d.status === "passed")) return "pass";
  return "partial";
}

export const passed = (reason: string, details: DimensionResult["details"] = {}): DimensionResult => ({ status: "passed", reason, applicable: true, details });
export const failed = (reason: string, check?: string, details: DimensionResult["details"] = {}): DimensionResult => ({ status: "failed", reason, applicable: true, check, details });
export const partial = (reason: string, details: DimensionResult["details"] = {}): DimensionResult => ({ status: "partial", reason, applicable: true, details });
export const skipped = (reason: string, applicable: boolean, details: DimensionResult["details"] = {}): DimensionResult => ({ status: "skipped", reason, applicable, details });

/** What an Intel DCAP verification established about a quote (JSON-safe: it goes into the report). */
export type IntelQuoteVerdict = {
  teeType: "SGX" | "TDX";
  /**
   * "full" (default): quote, PCK chain, CRLs, TCB info and QE identity checked against collateral.
   * "signatures": no collateral, only the PCK chain to the Intel root and the quote's signatures;
   * `tcbStatus` is then "NotEvaluated" and the hardware dimension is partial.
   */
  scope?: "full" | "signatures" | undefined;
  /** Intel TCB status: "UpToDate", "SWHardeningNeeded", "ConfigurationNeeded", "ConfigurationAndSWHardeningNeeded", "OutOfDate", "Revoked", ... */
  tcbStatus: string;
  advisoryIds: string[];
  /** Hex PPID from the PCK certificate (the Intel hardware ID). */
  ppid?: string | undefined;
  fmspc?: string | undefined;
  /** Hex report data (64 bytes). */
  reportData: string;
  /** TDX: hex MRTD and RTMR0–3. */
  mrtd?: string | undefined;
  rtmrs?: [string, string, string, string] | undefined;
  /** SGX: hex MRENCLAVE / MRSIGNER. */
  mrenclave?: string | undefined;
  mrsigner?: string | undefined;
  quoteVersion?: number | undefined;
  /** Every register of the report body by name (hex strings; SGX ISV fields as numbers). */
  registers?: Record<string, string | number> | undefined;
  /** Unix seconds until which the collateral and certificates used stay valid. */
  validUntil?: number | undefined;
  /** Set by an onchain verifier: where the quote was judged (moved to the report's `onchain`). */
  onchain?: OnchainVerification | undefined;
};
