/** Intel SGX / TDX DCAP: quote parsing, collateral, offchain verification (docs/intel-quote.md). */
export { parseQuote, intelQuoteExtent, type IntelQuote, type QuoteHeader, type SgxReportBody, type TdReportBody } from "./quote.js";
export { parsePckExtensions, parseSgxExtensionValue, type PckExtensions } from "./pckExtensions.js";
export {
  parseCollateral,
  parseCollateralV3,
  collateralFromPcsResponses,
  type QuoteCollateralV3,
  type PcsCollateralResponses,
} from "./collateral.js";
export { parseTcbInfo, parseEnclaveIdentity, type TcbInfo, type TcbLevel, type EnclaveIdentity } from "./tcbInfo.js";
export { TcbEvaluationError } from "./tcb.js";
export {
  verifyQuote,
  verifyQuoteSignatures,
  type VerifyQuoteSignaturesParameters,
  type VerifyQuoteSignaturesReturnType,
  type VerifyQuoteParameters,
  type VerifyQuoteReturnType,
  type VerifyQuoteErrorType,
  type IntelCollateralInput,
  type TdxRegisters,
  type SgxRegisters,
  type Hex,
} from "./verify.js";
export { createIntelVerifierCache, IntelVerifierCache, defaultIntelVerifierCache, type IntelVerifierCacheOptions } from "./cache.js";
export { INTEL_SGX_ROOT_CA_DER } from "./rootCa.js";
export { CollateralRollbackError, type CollateralItemKind, type CollateralItemVersion } from "./collateralRatchet.js";
export {
  createCollateralClient,
  CollateralFetchError,
  type CollateralClient,
  type CollateralClientOptions,
  type GetCollateralParameters,
} from "./collateralClient.js";
export {
  evaluateTdAttributes,
  checkTdPolicy,
  DEFAULT_TD_ATTRIBUTE_POLICY,
  TD_ATTRIBUTE_POLICIES,
  type TdAttributePolicy,
  type TdAttributeEvaluation,
  type TdAttributeViolation,
} from "./policy.js";
