/**
 * The SEV-SNP variant of a dstack attestation: the report verifies to AMD's pinned ARK (VCEK from
 * the attestation's cert_chain or the caller), its REPORT_DATA is the attestation's report_data,
 * and its HOST_DATA binds the MrConfigV3 document that names the app. docs/dstack-attestation.md.
 */
import { equalBytes, hex } from "../bytes.js";
import { VerificationError, type ParseError } from "../errors.js";
import { verifySnpReport, type SnpTrustAnchors, type VerifySnpReportReturnType } from "../amd/verify.js";
import type { Certificate } from "../pki/x509.js";
import type { DstackAttestation } from "./attestation.js";
import { parseDstackVmConfig } from "./config.js";
import { mrConfigHostData, parseMrConfig, type DstackMrConfig } from "./mrConfig.js";

export type VerifyDstackSnpParameters = {
  attestation: DstackAttestation;
  now: Date | number;
  /** Certificates the attestation does not carry (VCEK, ASK). */
  certificates?: (Uint8Array | string | Certificate)[] | undefined;
  arks?: SnpTrustAnchors | undefined;
};

export type VerifyDstackSnpReturnType = {
  snp: VerifySnpReportReturnType;
  mrConfig: DstackMrConfig;
  /** From the config (unsigned: dstack derives it from the launch measurement, which we report). */
  osImageHash?: string | undefined;
  image?: string | undefined;
  /** Runtime events carried beside the report: no SNP register binds them, so they are not evidence. */
  unboundRuntimeEvents: string[];
};

export type VerifyDstackSnpErrorType = ParseError | VerificationError;

export async function verifyDstackSnp(params: VerifyDstackSnpParameters): Promise<VerifyDstackSnpReturnType> {
  const a = params.attestation;
  if (a.platform.kind !== "sev-snp") throw new VerificationError("dstack.platform", `a ${a.platform.kind} attestation has no SEV-SNP report`);
  const p = a.platform;
  const snp = await verifySnpReport({ report: p.report, certificates: [...p.certChain, ...(params.certificates ?? [])], now: params.now, arks: params.arks, allowDebug: true });
  if (!equalBytes(snp.report.reportData, a.reportData)) {
    throw new VerificationError("dstack.reportData", `the attestation's report_data ${hex(a.reportData)} is not the report's ${snp.reportData}`);
  }
  const expected = mrConfigHostData(p.mrConfig);
  if (!equalBytes(snp.report.hostData, expected)) {
    throw new VerificationError("dstack.mrConfig", `HOST_DATA is ${snp.hostData}, the mr_config document hashes to ${hex(expected)}`);
  }
  const mrConfig = parseMrConfig(p.mrConfig);
  const vm = parseDstackVmConfig(a.config);
  return { snp, mrConfig, osImageHash: vm.osImageHash, image: vm.image, unboundRuntimeEvents: a.runtimeEvents.map((e) => e.event) };
}
