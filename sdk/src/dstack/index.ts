/** dstack's SCALE-encoded attestation: decoding, encoding and per-variant verification. Format: docs/dstack-attestation.md. */
export * from "./attestation.js";
export * from "./config.js";
export * from "./gcpTpm.js";
export * from "./json.js";
export * from "./mrConfig.js";
export * from "./nitro.js";
export * from "./runtimeEvents.js";
export * from "./snp.js";
export * from "./tdx.js";
export { decodeScale } from "./scale.js";
