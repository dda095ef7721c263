/** One entry point: detect the evidence type and build its verification report. */
import type { SnpTrustAnchors } from "../amd/verify.js";
import { parseTpmAttestationJson } from "../tpm/quote.js";
import type { BuildReportOptions } from "./common.js";
import { type DetectedEvidence, detectEvidence } from "./detect.js";
import { buildDstackAttestationReport } from "./dstackAttestation.js";
import { buildGpuReport, withGpuDimension } from "./gpu.js";
import { buildDstackReport, buildIntelQuoteReport } from "./intel.js";
import type { VerificationReport } from "./model.js";
import { buildNitroReport } from "./nitro.js";
import { buildSnpReport } from "./snp.js";
import { buildTpmReport } from "./tpm.js";

export type VerifyEvidenceParameters = BuildReportOptions & {
  /** The evidence file's bytes. */
  evidence: Uint8Array;
  /** Extra AMD ARKs (e.g. Turin). */
  arks?: SnpTrustAnchors | undefined;
};

/**
 * Detects the evidence type and verifies it. Malformed evidence throws ParseError (bad input);
 * evidence that fails a check comes back as a report with failed dimensions.
 */
export async function verifyEvidence(params: VerifyEvidenceParameters): Promise<VerificationReport> {
  const detected = detectEvidence(params.evidence);
  if (detected.type === "nvidia-gpu") return buildGpuReport(detected.bytes, params);
  if (detected.type === "nvidia-gpu-list") return buildGpuReport(detected.json, params);
  // CPU evidence, with the GPU's beside it when given (the GPU dimension).
  return withGpuDimension(await verifyCpuEvidence(detected, params), params);
}

async function verifyCpuEvidence(detected: Exclude<DetectedEvidence, { type: "nvidia-gpu" | "nvidia-gpu-list" }>, params: VerifyEvidenceParameters): Promise<VerificationReport> {
  switch (detected.type) {
    case "snp-report":
      return buildSnpReport(detected.bytes, params);
    case "nitro-document":
      return buildNitroReport(detected.bytes, params);
    case "intel-quote":
      return buildIntelQuoteReport(detected.bytes, params);
    case "tpm-quote":
      return buildTpmReport(detected.encoding === "json" ? parseTpmAttestationJson(detected.json) : detected.attestation, params);
    case "dstack":
      return buildDstackReport(detected.json, params);
    case "dstack-attestation":
      return buildDstackAttestationReport({ attestation: detected.attestation, ignoredFields: detected.ignoredFields }, params);
  }
}
