/** NVIDIA confidential-computing GPUs (H100): SPDM attestation reports, device chain, RIMs. docs/nvidia-gpu.md. */
export * from "./spdm.js";
export * from "./opaque.js";
export * from "./roots.js";
export * from "./deviceChain.js";
export * from "./rim.js";
export * from "./measurements.js";
export * from "./verify.js";
export { parseXml, readEnvelopedSignature, type EnvelopedSignature } from "./xmlDsig.js";
export * from "./evidenceList.js";
