/**
 * Injection points for verifiers that live in other parts of the SDK: the Intel DCAP quote
 * verifier (sdk/src/intel) and the Proof-of-Cloud registry lookup (sdk/src/chain). The report
 * builders call these; they throw VerificationError (or ParseError) when the evidence fails.
 */
import type { HardwareId, OnchainVerification } from "./model.js";

/** What an Intel DCAP verification established about a quote (JSON-safe: it goes into the report). */
export type IntelQuoteVerdict = {
  teeType: "SGX" | "TDX";
  /**
   * "full" (default): quote, PCK chain, CRLs, TCB info and QE identity checked against collateral.
   * "signatures": no collateral, only the PCK chain to the Intel root and the quote's signatures;
   * `tcbStatus` is then "NotEvaluated" and the hardware dimension is partial.
   */
  scope?: "full" | "signatures";
  /** Intel TCB status: "UpToDate", "SWHardeningNeeded", "ConfigurationNeeded", "ConfigurationAndSWHardeningNeeded", "OutOfDate", "Revoked", ... */
  tcbStatus: string;
  advisoryIds: string[];
  /** Hex PPID from the PCK certificate (the Intel hardware ID). */
  ppid?: string;
  fmspc?: string;
  /** Hex report data (64 bytes). */
  reportData: string;
  /** TDX: hex MRTD and RTMR0–3. */
  mrtd?: string;
  rtmrs?: [string, string, string, string];
  /** SGX: hex MRENCLAVE / MRSIGNER. */
  mrenclave?: string;
  mrsigner?: string;
  quoteVersion?: number;
  /** Every register of the report body by name (hex strings; SGX ISV fields as numbers). */
  registers?: Record<string, string | number>;
  /** Unix seconds until which the collateral and certificates used stay valid. */
  validUntil?: number;
  /** Set by an onchain verifier: where the quote was judged (moved to the report's `onchain`). */
  onchain?: OnchainVerification;
};

/** Verifies an Intel SGX/TDX quote at `now` (unix seconds) with optional collateral. Throws on failure. */
export type IntelQuoteVerifier = (args: { quote: Uint8Array; collateral?: unknown; now: number }) => Promise<IntelQuoteVerdict>;

/** What the HardwareRegistry says about one hardware ID. */
export type RegistryVerdict = {
  /** "unknown" when the registry has no entry for the ID. */
  status: "active" | "frozen" | "revoked" | "unknown";
  platformKey?: string;
  /** Verification level (1 human-assisted, 2 automated, 3 continuous). */
  level?: number;
  /** Unix seconds of the entry's last verification (verifiedAt). */
  verifiedAt?: number;
  facility?: string;
  detail?: string;
};

/** Looks a hardware ID up in the Proof-of-Cloud registry (RPC + registry address are the caller's). */
export type RegistryLookup = (id: HardwareId) => Promise<RegistryVerdict>;

/** Intel TCB statuses the hardware dimension accepts by default (others fail it). */
export const DEFAULT_ACCEPTED_TCB_STATUSES: readonly string[] = ["UpToDate", "SWHardeningNeeded", "ConfigurationNeeded", "ConfigurationAndSWHardeningNeeded"];
