/** Report builder for a SEV-SNP attestation report (+ VCEK/ASK certificates). */
import { hex } from "../bytes.js";
import { isChipIdMasked, parseSnpReport } from "../amd/report.js";
import { verifySnpReport, type SnpTrustAnchors, type VerifySnpReportReturnType } from "../amd/verify.js";
import { type BuildReportOptions, dimension, lower, makeReport, registryDimension } from "./common.js";
import { type HardwareId, type VerificationReport, failed, passed, skipped } from "./model.js";

export async function buildSnpReport(report: Uint8Array, options: BuildReportOptions & { arks?: SnpTrustAnchors | undefined }): Promise<VerificationReport> {
  const parsed = parseSnpReport(report);
  let result: VerifySnpReportReturnType | undefined;
  const hardware = await dimension(async () => {
    result = await verifySnpReport({ report: parsed, certificates: options.certificates ?? [], now: options.now, arks: options.arks, allowDebug: true });
    const r = result;
    const details = {
      productLine: r.productLine,
      signingKey: r.endorsementKey.kind,
      reportedTcb: `bl=${r.reportedTcb.bootloader} tee=${r.reportedTcb.tee} snp=${r.reportedTcb.snp} ucode=${r.reportedTcb.microcode}${r.reportedTcb.fmc === undefined ? "" : ` fmc=${r.reportedTcb.fmc}`}`,
      currentTcb: `bl=${r.currentTcb.bootloader} tee=${r.currentTcb.tee} snp=${r.currentTcb.snp} ucode=${r.currentTcb.microcode}`,
      // Informational: the platform has newer firmware than the TCB this report (and its VCEK) claims.
      reportedTcbBehindCurrent: r.reportedTcb.raw !== r.currentTcb.raw,
      policy: r.policyFlags,
      debug: r.debug,
      reportVersion: r.report.version,
    };
    if (r.debug) return failed("signature, ARK chain and TCB verify, but the guest policy allows debugging (host can read guest memory)", "snp.policy.debug", details);
    return passed(`report signed by a ${r.endorsementKey.kind} that chains to AMD's ${r.productLine} ARK; reported TCB matches the VCEK`, details);
  });
  const measurement = hex(parsed.measurement);
  const allowed = lower(options.allowedOsMeasurements);
  const operatingSystem =
    hardware.status !== "passed"
      ? skipped("hardware not verified, so the measurement proves nothing", true, { measurement })
      : !allowed
        ? skipped("no allowed-measurement list given", true, { measurement })
        : allowed.includes(measurement)
          ? passed("launch measurement is on the allowed list", { measurement })
          : failed("launch measurement is not on the allowed list", "os.measurement", { measurement });
  const masked = isChipIdMasked(parsed);
  const hardwareId: HardwareId | undefined = masked ? undefined : { kind: "amd-chip-id", value: hex(parsed.chipId) };
  const registry =
    hardware.status !== "passed"
      ? skipped("hardware not verified", true)
      : await registryDimension(hardwareId, masked ? "the chip ID is all zeros (masked by the guest policy): this report cannot name its hardware" : undefined, options, true);
  return makeReport({
    evidenceType: "snp-report",
    tee: "amd-sev-snp",
    now: options.now,
    hardwareId,
    dimensions: {
      hardware,
      operatingSystem,
      application: skipped("a SEV-SNP report carries no application measurement", false, { reportData: hex(parsed.reportData), hostData: hex(parsed.hostData) }),
      tpmBinding: skipped("no TPM quote in this evidence", false),
      registry,
    },
  });
}
