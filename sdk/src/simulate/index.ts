/**
 * The simulator: a test PKI that issues TDX quotes with their DCAP collateral, a software TPM
 * that issues TPM2 quotes and a simulated NVIDIA H100 (SPDM reports, signed RIMs), all deterministic
 * from a seed. For tests and local chains only: every
 * certificate names itself a simulator, and assertNotProductionParameters refuses its roots on
 * any chain but 31337 / 1337. See docs/simulator.md.
 */
export { deriveBytes, type SimulatorSeed } from "./random.js";
export { deriveP256Key, deriveRsaKey, type SimulatedP256Key, type SimulatedRsaKey } from "./keys.js";
export { issueCertificate, issueCrl, buildName, toPem, type SubjectKey } from "./x509build.js";
export { encodeSgxExtension, SGX_EXTENSION_OID, type SgxExtensionValues, type SgxPlatformConfiguration } from "./sgxExtension.js";
export {
  createSimulatedDcapPki,
  issuePckCertificate,
  issueCrls,
  SIMULATOR_ORGANIZATION,
  SIMULATED_SGX_ROOT_CA_CN,
  SIMULATED_ROLE_CNS,
  simulatorName,
  DEFAULT_FMSPC,
  DEFAULT_CPU_SVN,
  DEFAULT_PCE_SVN,
  type CreateSimulatedDcapPkiParameters,
  type IssuePckCertificateParameters,
  type IssueCrlsParameters,
  type SimulatedCertificate,
  type SimulatedCrls,
  type SimulatedDcapPki,
  type SimulatedPckCertificate,
  type SimulatedRoleNames,
} from "./pki.js";
export {
  assembleCollateral,
  buildTdQeIdentity,
  buildTdxTcbInfo,
  collateralDate,
  pemChain,
  signCollateralBody,
  type QuoteCollateralV3,
  type TcbStatus,
  type TdxTcbLevel,
  type TdxModuleIdentity,
  type TdxTcbInfoParameters,
  type TdQeIdentityParameters,
} from "./collateral.js";
export {
  createSimulatedQuotingEnclave,
  encodeEnclaveReport,
  encodeTd10Body,
  INTEL_QE_VENDOR_ID,
  QUOTE_HEADER_SIZE,
  TD10_BODY_SIZE,
  QE_REPORT_SIZE,
  DEFAULT_TD_ATTRIBUTES,
  DEFAULT_TEE_TCB_SVN,
  type QeReportFields,
  type SimulatedQuotingEnclave,
  type TdReportFields,
} from "./quote.js";
export { createSimulatedTdxEnvironment, DEFAULT_ISSUED_AT, type SimulatedTdxEnvironment, type CreateSimulatedTdxEnvironmentParameters } from "./tdxEnvironment.js";
export {
  createSimulatedTpm,
  encodeAkPublic,
  encodePcrSelection,
  normalizeSelection,
  pcrDigestSize,
  SIMULATED_AK_CA_CN,
  TPM_ALG_SHA1,
  TPM_ALG_SHA256,
  TPM_ALG_SHA384,
  TPM_ALG_RSASSA,
  TPM_ALG_ECDSA,
  type PcrHashAlg,
  type PcrSelection,
  type SimulatedTpm,
  type SimulatedTpmQuote,
  type CreateSimulatedTpmParameters,
} from "./tpm.js";
export { assertNotProductionParameters, isSimulatorCertificate, isLocalChainId, LOCAL_CHAIN_IDS, SimulatorParametersError } from "./guard.js";
export { createSimulatedGceCa, encodeGceInstanceInfo, SIMULATED_GCE_ROOT_CN, type SimulatedGceCa, type SimulatedGceInstance } from "./gce.js";
export { createSimulatedGpu, SIMULATED_DRIVER_RIM_INDICES, SIMULATED_VBIOS_RIM_INDICES, type SimulatedGpu, type CreateSimulatedGpuParameters, type RimOptions } from "./gpu.js";
export {
  createSimulatedGpuPki,
  deriveP384Key,
  encodeHopperFwidExtension,
  SIMULATED_GPU_DEVICE_ROOT_CN,
  SIMULATED_GPU_RIM_ROOT_CN,
  type SimulatedGpuPki,
  type SimulatedP384Certificate,
  type SimulatedP384Key,
} from "./gpuPki.js";
export { encodeGpuOpaqueData, encodeGpuReport, encodeVbiosVersion, type GpuOpaqueFields, type EncodeGpuReportParameters } from "./gpuReport.js";
export { writeSignedRim, type SimulatedGoldenMeasurement, type WriteSignedRimParameters } from "./gpuRim.js";
export {
  simulateDstackTdxAttestation,
  simulateDstackGcpTdx,
  wrapDstackAttestation,
  dstackRuntimeLog,
  replayTdxLog,
  stripToLiteLog,
  TDX_ACPI_DATA_EVENT_TYPE,
  type SimulateDstackTdxAttestationParameters,
  type SimulateDstackGcpTdxParameters,
} from "./dstack.js";
export { createSimulatedNitroSigner, type SimulatedNitroSigner } from "./nitro.js";
