/** AMD SEV-SNP: attestation report parsing and verification. Formats: docs/sev-snp.md. */
export * from "./report.js";
export * from "./verify.js";
export { MILAN_ASK_ARK_PEM, GENOA_ASK_ARK_PEM, TURIN_ARK_PEM } from "./roots.js";
