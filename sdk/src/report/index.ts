/** The verification report: model, evidence detection, builders, text rendering, injection points. */
export * from "./model.js";
export * from "./inject.js";
export type { BuildReportOptions } from "./common.js";
export { detectEvidence, type DetectedEvidence } from "./detect.js";
export { buildSnpReport } from "./snp.js";
export { buildTpmReport } from "./tpm.js";
export { buildNitroReport } from "./nitro.js";
export { buildIntelQuoteReport, buildDstackReport } from "./intel.js";
export { buildGpuReport, withGpuDimension, gpuDimension, gpusDimension, checkGpuNonceBinding, cpuReportData } from "./gpu.js";
export type { GpuEvidenceOptions, GpuNonceBinding } from "./common.js";
export { verifyEvidence, type VerifyEvidenceParameters } from "./verify.js";
export { renderReportText } from "./render.js";
export * from "./input.js";
export { createIntelQuoteVerifier, type CreateIntelQuoteVerifierParameters } from "./intelVerifier.js";
export { createRegistryLookup, type CreateRegistryLookupParameters } from "./registryLookup.js";
export { createOnchainIntelQuoteVerifier, dcapRevertName, verdictFromOnchain, type CreateOnchainIntelQuoteVerifierParameters } from "./onchainVerifier.js";
// The certificate API moved to pki/; re-exported here for importers of report/ (the CLI among them).
export { type Certificate, parseCertificate, parseCertificates, verifyCertificateChain } from "../pki/index.js";
