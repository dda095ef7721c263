/**
 * Report builders for Intel evidence: a bare SGX/TDX quote, and dstack's TDX quote + event log.
 * The quote itself is verified by an injected IntelQuoteVerifier (sdk/src/intel).
 */
import { toBytes } from "../bytes.js";
import { ParseError } from "../errors.js";
import { verifyDstackEventLog, parseDstackEventLog, type VerifyDstackEventLogReturnType } from "../eventlog/dstack.js";
import { type BuildReportOptions, dimension, lower, makeReport, registryDimension, unixSeconds } from "./common.js";
import { tdAttributePolicyResult } from "./tdAttributes.js";
import { DEFAULT_ACCEPTED_TCB_STATUSES, type IntelQuoteVerdict } from "./inject.js";
import { type DimensionResult, type EvidenceType, type HardwareId, type VerificationReport, failed, partial, passed, skipped } from "./model.js";

export async function hardwareOf(quote: Uint8Array, options: BuildReportOptions): Promise<{ hardware: DimensionResult; verdict?: IntelQuoteVerdict | undefined }> {
  const verifier = options.intelVerifier;
  if (!verifier) return { hardware: skipped("no Intel DCAP verifier given", true) };
  let verdict: IntelQuoteVerdict | undefined;
  const hardware = await dimension(async () => {
    verdict = await verifier({ quote, collateral: options.collateral, now: unixSeconds(options.now) });
    const v = verdict;
    const where = v.onchain ? ` onchain (${v.onchain.mode === "embedded" ? "embedded chain" : `chain ${v.onchain.chainId}`}, verifier ${v.onchain.verifier}${v.onchain.gasUsed ? `, ${v.onchain.gasUsed} gas` : ""})` : "";
    const details = { teeType: v.teeType, tcbStatus: v.tcbStatus, advisoryIds: v.advisoryIds, fmspc: v.fmspc ?? null, ppid: v.ppid ?? null, ...(v.onchain ? { onchainVerifier: v.onchain.verifier } : {}) };
    if (v.scope === "signatures") {
      return partial(`quote signatures and PCK chain verify to the Intel root${where}; TCB status not evaluated: no collateral given`, details);
    }
    const accepted = options.acceptedTcbStatuses ?? DEFAULT_ACCEPTED_TCB_STATUSES;
    if (!accepted.includes(v.tcbStatus)) return failed(`quote verifies${where} but the platform TCB is ${v.tcbStatus}`, "intel.tcbStatus", details);
    const adv = v.advisoryIds.length ? `; advisories ${v.advisoryIds.join(", ")}` : "";
    return passed(`quote and PCK chain verify to the Intel root${where}; TCB ${v.tcbStatus}${adv}`, details);
  });
  return { hardware, verdict };
}

/** Measurements are signed by the quote even when the TCB status was not evaluated (partial). */
export const authenticated = (hardware: DimensionResult) => hardware.status === "passed" || hardware.status === "partial";

function hardwareIdOf(verdict: IntelQuoteVerdict | undefined): HardwareId | undefined {
  return verdict?.ppid ? { kind: "intel-ppid", value: verdict.ppid.toLowerCase() } : undefined;
}

/**
 * The report of Intel evidence from its first three dimensions: no TPM quote to bind, and the registry
 * looked up by the verified PPID once the hardware is authenticated.
 */
export async function intelReport(
  head: { evidenceType: EvidenceType; tee: VerificationReport["tee"]; verdict?: IntelQuoteVerdict | undefined },
  dimensions: { hardware: DimensionResult; operatingSystem: DimensionResult; application: DimensionResult; tpmBinding?: DimensionResult },
  options: BuildReportOptions,
): Promise<VerificationReport> {
  const hardwareId = hardwareIdOf(head.verdict);
  // Judged only for a genuine quote: the attributes of an unauthenticated one prove nothing.
  const tdAttributes = authenticated(dimensions.hardware) ? tdAttributePolicyResult(head.verdict, options.tdAttributePolicy) : undefined;
  return makeReport({
    evidenceType: head.evidenceType,
    tee: head.tee,
    now: options.now,
    hardwareId,
    intel: head.verdict,
    ...(tdAttributes ? { policies: [tdAttributes] } : {}),
    dimensions: {
      ...dimensions,
      tpmBinding: dimensions.tpmBinding ?? skipped("no TPM quote in this evidence", false),
      registry: authenticated(dimensions.hardware)
        ? await registryDimension(hardwareId, hardwareId ? undefined : "the Intel verifier reported no PPID", options, true)
        : skipped("hardware not verified", true),
    },
  });
}

/** A bare Intel SGX or TDX quote. */
export async function buildIntelQuoteReport(quote: Uint8Array, options: BuildReportOptions): Promise<VerificationReport> {
  const { hardware, verdict } = await hardwareOf(quote, options);
  const tdx = verdict ? verdict.teeType === "TDX" : quote[4] === 0x81;
  const allowed = lower(options.allowedOsMeasurements);
  const operatingSystem = await dimension(() => {
    if (!verdict || !authenticated(hardware)) return skipped("hardware not verified", true);
    const value = (tdx ? verdict.mrtd : verdict.mrenclave)?.toLowerCase() ?? "";
    const name = tdx ? "MRTD" : "MRENCLAVE";
    if (!allowed) return skipped(`no allowed-measurement list given`, true, { [name.toLowerCase()]: value });
    return allowed.includes(value) ? passed(`${name} is on the allowed list`, { [name.toLowerCase()]: value }) : failed(`${name} is not on the allowed list`, "os.measurement", { [name.toLowerCase()]: value });
  });
  const application = skipped(tdx ? "a bare TDX quote has no event log naming the application" : "SGX: the enclave measurement is the application; see operating system", tdx);
  return intelReport({ evidenceType: "intel-quote", tee: tdx ? "intel-tdx" : "intel-sgx", verdict }, { hardware, operatingSystem, application }, options);
}

/** dstack evidence: {quote: hex, event_log: JSON array or string, vm_config?}. */
export async function buildDstackReport(evidence: Record<string, unknown>, options: BuildReportOptions): Promise<VerificationReport> {
  if (typeof evidence.quote !== "string") throw new ParseError({ structure: "dstack evidence", field: "quote", offset: 0, expected: "a hex TDX quote" });
  const quote = toBytes(evidence.quote, "dstack evidence quote");
  const events = parseDstackEventLog(evidence.event_log as string | unknown[]);
  const { hardware, verdict } = await hardwareOf(quote, options);
  let log: VerifyDstackEventLogReturnType | undefined;
  const replay = await dimension(() => {
    if (!verdict?.rtmrs) return skipped("no verified RTMR values from the Intel verifier to replay against", true);
    log = verifyDstackEventLog({ events, rtmrs: verdict.rtmrs, composeFile: options.composeFile });
    return passed("replayed");
  });
  const osAllowed = lower(options.allowedOsMeasurements);
  const operatingSystem = await dimension(() => {
    if (replay.status !== "passed" || !log || !verdict) return replay.status === "failed" ? replay : skipped(replay.reason, true);
    const details = { mrtd: verdict.mrtd ?? null, rtmr0: log.rtmrs[0], rtmr1: log.rtmrs[1], rtmr2: log.rtmrs[2], osImageHash: log.osImageHash ?? null };
    if (!authenticated(hardware)) return skipped("hardware not verified", true, details);
    if (osAllowed && !osAllowed.includes((verdict.mrtd ?? "").toLowerCase()) && !(log.osImageHash && osAllowed.includes(log.osImageHash))) {
      return failed("neither MRTD nor os-image-hash is on the allowed list", "os.measurement", details);
    }
    return passed(`event log replays RTMR0–2${osAllowed ? "; OS is on the allowed list" : " (no allowed list given)"}`, details);
  });
  const application = await dimension(() => {
    if (replay.status !== "passed" || !log) return replay.status === "failed" ? replay : skipped(replay.reason, true);
    const details = { appId: log.appId ?? null, composeHash: log.composeHash ?? null, instanceId: log.instanceId ?? null, keyProvider: log.keyProvider?.name ?? null, composeFileChecked: log.composeFileMatches === true };
    if (!authenticated(hardware)) return skipped("hardware not verified", true, details);
    const apps = lower(options.allowedAppIds);
    const composes = lower(options.allowedComposeHashes);
    if (apps && !apps.includes(log.appId ?? "")) return failed("app-id is not on the allowed list", "app.appId", details);
    if (composes && !composes.includes(log.composeHash ?? "")) return failed("compose-hash is not on the allowed list", "app.composeHash", details);
    if (!log.composeHash) return failed("the event log has no compose-hash event", "app.composeHash", details);
    return passed(`RTMR3 replays; app ${log.appId ?? "?"} compose ${log.composeHash.slice(0, 16)}…${log.composeFileMatches ? " (compose file matches)" : ""}`, details);
  });
  return intelReport({ evidenceType: "dstack", tee: "intel-tdx", verdict }, { hardware, operatingSystem, application }, options);
}
