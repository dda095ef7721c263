/**
 * The kinds of evidence the SDK verifies, named once: the verification report, evidence detection
 * and the CLI all speak these names (docs/verification-report.md).
 */

/** Every evidence type `detectEvidence` recognises and the report can be built from. */
export const EVIDENCE_TYPES = ["intel-quote", "snp-report", "tpm-quote", "nitro-document", "dstack", "nvidia-gpu"] as const;
export type EvidenceType = (typeof EVIDENCE_TYPES)[number];
