/**
 * Injection points for verifiers that live in other parts of the SDK: the Intel DCAP quote
 * verifier (sdk/src/intel) and the Proof-of-Cloud registry lookup (sdk/src/chain). The report
 * builders call these; they throw VerificationError (or ParseError) when the evidence fails.
 */
// IntelQuoteVerdict is report data (model.ts holds it, so model.ts needs nothing from here: no cycle);
// re-exported because it is also the contract of an injected verifier.
import type { HardwareId, IntelQuoteVerdict } from "./model.js";
export type { IntelQuoteVerdict };


/** Verifies an Intel SGX/TDX quote at `now` (unix seconds) with optional collateral. Throws on failure. */
export type IntelQuoteVerifier = (args: { quote: Uint8Array; collateral?: unknown; now: number }) => Promise<IntelQuoteVerdict>;

/** What the HardwareRegistry says about one hardware ID. */
export type RegistryVerdict = {
  /** "unknown" when the registry has no entry for the ID. */
  status: "active" | "frozen" | "revoked" | "unknown";
  platformKey?: string | undefined;
  /** Verification level (1 human-assisted, 2 automated, 3 continuous). */
  level?: number | undefined;
  /** Unix seconds of the entry's last verification (verifiedAt). */
  verifiedAt?: number | undefined;
  facility?: string | undefined;
  detail?: string | undefined;
};

/** Looks a hardware ID up in the Proof-of-Cloud registry (RPC + registry address are the caller's). */
export type RegistryLookup = (id: HardwareId) => Promise<RegistryVerdict>;

/** Intel TCB statuses the hardware dimension accepts by default (others fail it). */
export const DEFAULT_ACCEPTED_TCB_STATUSES: readonly string[] = ["UpToDate", "SWHardeningNeeded", "ConfigurationNeeded", "ConfigurationAndSWHardeningNeeded"];
