/**
 * The report's IntelQuoteVerifier over the SDK's offchain DCAP verifier (sdk/src/intel): full
 * verification with collateral, or, without collateral, the quote's signatures and PCK chain only
 * (scope "signatures": the hardware dimension is then partial, never passed).
 */
import { verifyQuote, verifyQuoteSignatures, type IntelCollateralInput, type SgxRegisters, type TdxRegisters } from "../intel/index.js";
import type { IntelQuoteVerdict, IntelQuoteVerifier } from "./inject.js";

/** Lower-case hex without 0x, as every other hex value in the report. */
export const bareHex = (h: string): string => h.toLowerCase().replace(/^0x/, "");

/** The report's view of the SDK verifier's registers (TDX: MRTD and RTMRs named; SGX: MRENCLAVE / MRSIGNER). */
export function registerFields(teeType: "SGX" | "TDX", registers: TdxRegisters | SgxRegisters | Record<string, string | number>): Partial<IntelQuoteVerdict> {
  const regs: Record<string, string | number> = {};
  for (const [k, v] of Object.entries(registers)) if (v !== undefined) regs[k] = typeof v === "string" ? bareHex(v) : v;
  if (teeType === "TDX") {
    const r = regs as Record<string, string>;
    return { registers: regs, mrtd: r.mrTd, rtmrs: [r.rtmr0!, r.rtmr1!, r.rtmr2!, r.rtmr3!] };
  }
  return { registers: regs, mrenclave: regs.mrEnclave as string, mrsigner: regs.mrSigner as string };
}

export type CreateIntelQuoteVerifierParameters = {
  /** Trust anchor override (DER) for a test PKI; the pinned Intel SGX Root CA by default. */
  rootCaDer?: Uint8Array | undefined;
};

/**
 * `collateral` (QuoteCollateralV3 object or JSON text, or PCS responses) given: `verifyQuote`.
 * Not given: `verifyQuoteSignatures`, reported with scope "signatures" and tcbStatus "NotEvaluated".
 * Failures throw the SDK's VerificationError / ParseError, which the report turns into a failed dimension.
 */
export function createIntelQuoteVerifier(parameters: CreateIntelQuoteVerifierParameters = {}): IntelQuoteVerifier {
  const rootCaDer = parameters.rootCaDer;
  return async ({ quote, collateral, now }) => {
    if (collateral === undefined) {
      // The TD attribute policy is the report's own result (report/tdAttributes.ts): not a reason to hide a genuine quote.
      const r = await verifyQuoteSignatures({ quote, now, enforceTdAttributePolicy: false, ...(rootCaDer ? { rootCaDer } : {}) });
      return {
        teeType: r.teeType,
        scope: "signatures",
        tcbStatus: "NotEvaluated",
        advisoryIds: [],
        ppid: bareHex(r.ppid),
        fmspc: bareHex(r.fmspc),
        reportData: bareHex(r.reportData),
        quoteVersion: r.quoteVersion,
        validUntil: r.pckChainValidUntil,
        ...registerFields(r.teeType, r.registers),
      };
    }
    const r = await verifyQuote({ quote, collateral: collateral as IntelCollateralInput, now, enforceTdAttributePolicy: false, ...(rootCaDer ? { rootCaDer } : {}) });
    return {
      teeType: r.teeType,
      scope: "full",
      tcbStatus: r.status,
      advisoryIds: r.advisoryIds,
      ppid: bareHex(r.ppid),
      fmspc: bareHex(r.fmspc),
      reportData: bareHex(r.reportData),
      quoteVersion: r.quoteVersion,
      validUntil: r.collateralValidUntil,
      ...registerFields(r.teeType, r.registers),
    };
  };
}
