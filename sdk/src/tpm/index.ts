/** TPM 2.0: quote structures, quote and AK-chain verification, TCG event log replay. Formats: docs/tpm.md. */
export * from "./structures.js";
export * from "./eventlog.js";
export * from "./quote.js";
export * from "./protobuf.js";
export { GCE_TPM_EK_ROOT_1, GCP_EK_AK_CA_ROOT } from "./roots.js";
export * from "./gceInstanceInfo.js";
