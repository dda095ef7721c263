/** AWS Nitro Enclaves attestation documents (COSE_Sign1, ES384). Format: docs/nitro.md. */
export * from "./document.js";
export { AWS_NITRO_ROOT_G1_PEM } from "./roots.js";
