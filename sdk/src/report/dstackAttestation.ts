/**
 * Report builder for dstack's SCALE attestation (sdk/src/dstack): one report whatever platform it
 * carries. TDX (and GCP TDX): the quote through the injected Intel verifier, then the event log and
 * runtime events against its RTMRs. SEV-SNP: the report to AMD's ARK, HOST_DATA = the app's
 * mr_config. Nitro Enclave / NitroTPM: the COSE document to the AWS root, user_data = report_data.
 * Rules per variant: docs/dstack-attestation.md.
 */
import { hex } from "../bytes.js";
import type { SnpTrustAnchors } from "../amd/verify.js";
import { isChipIdMasked } from "../amd/report.js";
import type { DstackAttestation } from "../dstack/attestation.js";
import { verifyDstackGcpTpm } from "../dstack/gcpTpm.js";
import { verifyDstackNitro, type VerifyDstackNitroReturnType } from "../dstack/nitro.js";
import { verifyDstackSnp, type VerifyDstackSnpReturnType } from "../dstack/snp.js";
import { verifyDstackTdx, type VerifyDstackTdxReturnType } from "../dstack/tdx.js";
import { type BuildReportOptions, dimension, lower, makeReport, registryDimension } from "./common.js";
import { authenticated, hardwareOf, intelReport } from "./intel.js";
import { type DimensionResult, type HardwareId, type VerificationReport, failed, partial, passed, skipped } from "./model.js";

type AppIdentity = { appId?: string | undefined; composeHash?: string | undefined; instanceId?: string | undefined; keyProvider?: string | undefined };

/** The application dimension from an authenticated app identity (allowed lists applied). */
function applicationOf(app: AppIdentity, how: string, options: BuildReportOptions, extra: DimensionResult["details"] = {}): DimensionResult {
  const details = { appId: app.appId ?? null, composeHash: app.composeHash ?? null, instanceId: app.instanceId ?? null, keyProvider: app.keyProvider ?? null, ...extra };
  const apps = lower(options.allowedAppIds);
  const composes = lower(options.allowedComposeHashes);
  if (apps && !apps.includes(app.appId ?? "")) return failed("app-id is not on the allowed list", "app.appId", details);
  if (composes && !composes.includes(app.composeHash ?? "")) return failed("compose-hash is not on the allowed list", "app.composeHash", details);
  if (!app.composeHash) return failed("the attestation names no compose-hash", "app.composeHash", details);
  return passed(`${how}; app ${app.appId ?? "?"} compose ${app.composeHash.slice(0, 16)}…`, details);
}

export type BuildDstackAttestationReportParameters = {
  attestation: DstackAttestation;
  /** Top-level JSON fields ignored because the attestation is the single source of truth. */
  ignoredFields?: string[] | undefined;
};

export async function buildDstackAttestationReport(
  input: BuildDstackAttestationReportParameters,
  options: BuildReportOptions & { arks?: SnpTrustAnchors | undefined },
): Promise<VerificationReport> {
  const a = input.attestation;
  const head = { variant: a.platform.kind, ...(input.ignoredFields?.length ? { ignoredJsonFields: input.ignoredFields } : {}) };
  switch (a.platform.kind) {
    case "tdx":
    case "gcp-tdx":
      return tdxReport(a, head, options);
    case "sev-snp":
      return snpReport(a, head, options);
    case "nitro-enclave":
    case "aws-nitro-tpm":
      return nitroReport(a, head, options);
  }
}

async function tdxReport(a: DstackAttestation, head: DimensionResult["details"], options: BuildReportOptions): Promise<VerificationReport> {
  const p = a.platform as Extract<DstackAttestation["platform"], { kind: "tdx" | "gcp-tdx" }>;
  const { hardware, verdict } = await hardwareOf(p.quote, options);
  let v: VerifyDstackTdxReturnType | undefined;
  const binding = await dimension(() => {
    if (!verdict?.rtmrs || !authenticated(hardware)) return skipped("the TDX quote is not verified, so its RTMRs prove nothing", true);
    v = verifyDstackTdx({ attestation: a, rtmrs: verdict.rtmrs, reportData: verdict.reportData, ...(verdict.mrtd ? { mrtd: verdict.mrtd } : {}) });
    return passed("bound");
  });
  const osAllowed = lower(options.allowedOsMeasurements);
  const operatingSystem = await dimension(() => {
    if (!v || !verdict) return binding.status === "failed" ? binding : skipped(binding.reason, true, head);
    const measured = v.tdxMeasurement ? [...(v.tdxMeasurement.rtmr0 ? ["RTMR0"] : []), "MRTD", "RTMR1", "RTMR2"] : [];
    const details = { ...head, mrtd: verdict.mrtd ?? null, eventLogKind: v.eventLogKind, replayedRtmrs: v.replayedRtmrs.map((i) => `RTMR${i}`), measuredFromTdxMeasurement: measured, mrtdVariant: v.tdxMeasurement?.mrtdVariant ?? null, osImageHash: v.osImageHash ?? null, osImageHashSource: v.osImageHashSource ?? null, osImageHashEvent: v.osImageHashEvent ?? null, image: v.image ?? null };
    // Only signed values count: the event's payload, and the config's value when something binds it.
    const signedOs = [v.osImageHashEvent, v.osImageHashSource !== "config" ? v.osImageHash : undefined].filter((x): x is string => !!x);
    if (osAllowed && !osAllowed.includes((verdict.mrtd ?? "").toLowerCase()) && !signedOs.some((h) => osAllowed.includes(h))) {
      return failed("neither MRTD nor a replayed os-image-hash is on the allowed list", "os.measurement", details);
    }
    if (v.eventLogKind === "lite") {
      if (v.tdxMeasurement?.rtmr0) {
        return passed(`lite event log: RTMR3 replays; MRTD and RTMR0–2 match the image's tdx_measurement (os_image_hash ${v.tdxMeasurement.osImageHash.slice(0, 16)}…)${osAllowed ? "; OS is on the allowed list" : " (no allowed list given)"}`, details);
      }
      if (v.tdxMeasurement) return partial(`lite event log: RTMR3 replays; MRTD, RTMR1, RTMR2 match the image's tdx_measurement (os_image_hash ${v.tdxMeasurement.osImageHash.slice(0, 16)}…); RTMR0 is not recomputed (no ACPI data events, memory size or known OVMF)`, details);
      return partial("lite event log: RTMR3 replays, RTMR0–2 are not checked (no vm_config.tdx_measurement)", details);
    }
    return passed(`event log (${v.eventCount} events) replays RTMR0–3${osAllowed ? "; OS is on the allowed list" : " (no allowed list given)"}`, details);
  });
  const application = await dimension(() => {
    if (!v) return binding.status === "failed" ? binding : skipped(binding.reason, true);
    return applicationOf({ appId: v.appId, composeHash: v.composeHash, instanceId: v.instanceId, keyProvider: v.keyProvider?.name }, "runtime events replay to RTMR3", options, { runtimeEvents: v.runtimeEvents.map((e) => e.name) });
  });
  const tpmBinding =
    p.kind === "gcp-tdx"
      ? await dimension(async () => {
          if (!authenticated(hardware)) return skipped("the TDX quote is not verified", true);
          const g = await verifyDstackGcpTpm({ attestation: a, now: options.now, roots: options.tpmRoots });
          return passed(`vTPM quote signed by an AK certified under "${g.root.replace(/^.*CN=/, "")}", over SHA-256 of the TDX quote; runtime events replay to PCR14`, { akSubject: g.akSubject, bank: g.quote.bank, pcr14: hex(g.quote.pcrs.get(14)!) });
        })
      : undefined;
  return intelReport({ evidenceType: "dstack-attestation", tee: "intel-tdx", verdict }, { hardware, operatingSystem, application, ...(tpmBinding ? { tpmBinding } : {}) }, options);
}

async function snpReport(a: DstackAttestation, head: DimensionResult["details"], options: BuildReportOptions & { arks?: SnpTrustAnchors | undefined }): Promise<VerificationReport> {
  let r: VerifyDstackSnpReturnType | undefined;
  const hardware = await dimension(async () => {
    r = await verifyDstackSnp({ attestation: a, now: options.now, certificates: options.certificates, arks: options.arks });
    const s = r.snp;
    const details = { ...head, productLine: s.productLine, signingKey: s.endorsementKey.kind, reportVersion: s.report.version, debug: s.debug, hostData: s.hostData, reportData: s.reportData };
    if (s.debug) return failed("report verifies, but the guest policy allows debugging (host can read guest memory)", "snp.policy.debug", details);
    return passed(`SEV-SNP report chains to AMD's ${s.productLine} ARK; report_data and HOST_DATA (mr_config) bind the attestation`, details);
  });
  const allowed = lower(options.allowedOsMeasurements);
  const operatingSystem = await dimension(() => {
    if (!r || hardware.status !== "passed") return skipped("hardware not verified", true, head);
    const details = { measurement: r.snp.measurement, osImageHash: r.osImageHash ?? null, osImageHashSource: r.osImageHash ? "config" : null, image: r.image ?? null };
    if (!allowed) return skipped("no allowed-measurement list given", true, details);
    return allowed.includes(r.snp.measurement) ? passed("launch measurement is on the allowed list", details) : failed("launch measurement is not on the allowed list", "os.measurement", details);
  });
  const application = await dimension(() => {
    if (!r || hardware.status !== "passed") return skipped("hardware not verified", true);
    const m = r.mrConfig;
    return applicationOf({ appId: m.appId, composeHash: m.composeHash, instanceId: m.instanceId, keyProvider: m.keyProvider }, "mr_config bound by HOST_DATA", options, { unboundRuntimeEvents: r.unboundRuntimeEvents });
  });
  const report = r?.snp.report;
  const masked = report ? isChipIdMasked(report) : true;
  const hardwareId: HardwareId | undefined = report && !masked ? { kind: "amd-chip-id", value: hex(report.chipId) } : undefined;
  const registry = hardware.status !== "passed" ? skipped("hardware not verified", true) : await registryDimension(hardwareId, masked ? "the chip ID is masked by the guest policy" : undefined, options, true);
  return makeReport({
    evidenceType: "dstack-attestation",
    tee: "amd-sev-snp",
    now: options.now,
    hardwareId,
    dimensions: { hardware, operatingSystem, application, tpmBinding: skipped("no TPM quote in this evidence", false), registry },
  });
}

async function nitroReport(a: DstackAttestation, head: DimensionResult["details"], options: BuildReportOptions): Promise<VerificationReport> {
  let r: VerifyDstackNitroReturnType | undefined;
  const hardware = await dimension(async () => {
    r = await verifyDstackNitro({ attestation: a, now: options.now, ...(options.nitroRoot ? { root: options.nitroRoot } : {}) });
    const details = { ...head, moduleId: r.nitro.moduleId, timestamp: r.nitro.timestamp, debug: r.nitro.debug, userData: r.nitro.userData ? hex(r.nitro.userData) : null };
    if (r.nitro.debug) return failed("document verifies, but the enclave runs in debug mode (all-zero PCRs)", "nitro.debug", details);
    return passed("COSE_Sign1 ES384 signature and chain verify to the pinned AWS Nitro root; user_data is the attestation's report_data", details);
  });
  const pcr = (i: number) => (r?.nitro.pcrs.get(i) ? hex(r.nitro.pcrs.get(i)!) : null);
  const allowed = lower(options.allowedOsMeasurements);
  const operatingSystem = await dimension(() => {
    if (!r || hardware.status !== "passed") return skipped("hardware not verified", true);
    const details = { pcr0: pcr(0), pcr1: pcr(1), pcr2: pcr(2), osImageHash: r.osImageHash ?? null };
    if (!allowed) return skipped("no allowed PCR0 list given", true, details);
    return allowed.includes(details.pcr0 ?? "") ? passed("PCR0 is on the allowed list", details) : failed("PCR0 is not on the allowed list", "os.measurement", details);
  });
  const application = await dimension(() => {
    if (!r || hardware.status !== "passed") return skipped("hardware not verified", a.platform.kind === "aws-nitro-tpm");
    if (!r.app) return skipped("Nitro Enclave: the enclave image (PCR0) is the application; the runtime events beside it are not bound", false, { unboundRuntimeEvents: r.unboundRuntimeEvents });
    return applicationOf({ appId: r.app.appId, composeHash: r.app.composeHash, instanceId: r.app.instanceId, keyProvider: r.app.keyProvider?.name }, "runtime events replay to PCR14", options);
  });
  return makeReport({
    evidenceType: "dstack-attestation",
    tee: "aws-nitro",
    now: options.now,
    dimensions: {
      hardware,
      operatingSystem,
      application,
      tpmBinding: skipped("no separate TPM quote in this evidence", false),
      registry: skipped("a Nitro document names no registrable hardware ID", false),
    },
  });
}
