/**
 * The TDX variants of a dstack attestation (DstackTdx, and the TDX half of DstackGcpTdx), checked
 * against the registers of a TDX quote that was verified elsewhere (sdk/src/intel, or an onchain
 * verifier): the event log replays to RTMR0–3 (a "lite" log, which keeps only RTMR3 and the ACPI
 * data events, replays RTMR3 only), the runtime events replay to RTMR3, and the attestation's
 * report_data is the quote's. Layout and rules: docs/dstack-attestation.md.
 */
import { equalBytes, hex, toBytes } from "../bytes.js";
import { ParseError, VerificationError } from "../errors.js";
import { replayDstackEventLog, type DstackAppInfo, type DstackEvent } from "../eventlog/dstack.js";
import type { DstackAttestation, DstackTdxEvent } from "./attestation.js";
import { parseDstackVmConfig } from "./config.js";
import { replayRuntimeEvents, runtimeAppInfo } from "./runtimeEvents.js";

export type VerifyDstackTdxParameters = {
  attestation: DstackAttestation;
  /** RTMR0–3 of the verified quote (48 bytes each, or hex). */
  rtmrs: readonly [Uint8Array | string, Uint8Array | string, Uint8Array | string, Uint8Array | string];
  /** REPORTDATA of the verified quote (64 bytes, or hex). */
  reportData: Uint8Array | string;
};

export type VerifyDstackTdxReturnType = DstackAppInfo & {
  /** "full": the log replays RTMR0–3; "lite": RTMR3 only (RTMR0–2 need vm_config.tdx_measurement). */
  eventLogKind: "full" | "lite";
  /** Registers the log was replayed against and matched. */
  replayedRtmrs: number[];
  eventCount: number;
  /** Where osImageHash came from: a replayed runtime event (signed) or the config (unsigned). */
  osImageHashSource?: "runtime-event" | "config";
  image?: string;
};

export type VerifyDstackTdxErrorType = ParseError | VerificationError;

function asLogEvents(events: DstackTdxEvent[]): DstackEvent[] {
  return events.map((e, i) => {
    if (e.imr > 3) throw new ParseError({ structure: "dstack attestation", field: `quote.event_log[${i}].imr`, offset: 0, expected: "0..3", got: String(e.imr) });
    if (e.digest.length !== 48 && e.digest.length !== 0) throw new ParseError({ structure: "dstack attestation", field: `quote.event_log[${i}].digest`, offset: 0, expected: "48 bytes (SHA-384)", got: String(e.digest.length) });
    return { imr: e.imr as 0 | 1 | 2 | 3, eventType: e.eventType, digest: e.digest.length ? e.digest : undefined, event: e.event, payload: e.payload };
  });
}

export function verifyDstackTdx(params: VerifyDstackTdxParameters): VerifyDstackTdxReturnType {
  const a = params.attestation;
  if (a.platform.kind !== "tdx" && a.platform.kind !== "gcp-tdx") throw new VerificationError("dstack.platform", `a ${a.platform.kind} attestation has no TDX quote`);
  const want = params.rtmrs.map((r, i) => {
    const b = typeof r === "string" ? toBytes(r, `RTMR${i}`) : r;
    if (b.length !== 48) throw new ParseError({ structure: "RTMR values", field: `RTMR${i}`, offset: 0, expected: "48 bytes", got: String(b.length) });
    return b;
  });
  const reportData = typeof params.reportData === "string" ? toBytes(params.reportData, "report data") : params.reportData;
  if (!equalBytes(reportData, a.reportData)) {
    throw new VerificationError("dstack.reportData", `the attestation's report_data ${hex(a.reportData)} is not the quote's ${hex(reportData)}`);
  }
  const events = asLogEvents(a.platform.eventLog);
  // A full log measures the kernel, initrd and command line into RTMR1/2; a lite log drops them.
  const lite = !events.some((e) => e.imr === 1 || e.imr === 2);
  const replayed = replayDstackEventLog(events);
  const checked = lite ? [3] : [0, 1, 2, 3];
  for (const i of checked) {
    if (!equalBytes(replayed[i]!, want[i]!)) throw new VerificationError(`eventlog.rtmr${i}`, `event log replay gives RTMR${i} = ${hex(replayed[i]!)}, the quote says ${hex(want[i]!)}`);
  }
  // The runtime_events list is a second copy of RTMR3's events: it must replay to the same register.
  const rt = replayRuntimeEvents(a.runtimeEvents, "sha384");
  if (!equalBytes(rt, want[3]!)) throw new VerificationError("dstack.runtimeEvents", `runtime_events replay to ${hex(rt)}, the quote's RTMR3 is ${hex(want[3]!)}`);
  const info = runtimeAppInfo(a.runtimeEvents);
  const vm = parseDstackVmConfig(a.config);
  let osImageHashSource: VerifyDstackTdxReturnType["osImageHashSource"];
  if (info.osImageHash) {
    osImageHashSource = "runtime-event";
    if (vm.osImageHash && vm.osImageHash !== info.osImageHash) {
      throw new VerificationError("dstack.osImageHash", `vm_config says os_image_hash ${vm.osImageHash}, the replayed os-image-hash event says ${info.osImageHash}`);
    }
  } else if (vm.osImageHash) osImageHashSource = "config";
  return {
    ...info,
    osImageHash: info.osImageHash ?? vm.osImageHash,
    osImageHashSource,
    image: vm.image,
    eventLogKind: lite ? "lite" : "full",
    replayedRtmrs: checked,
    eventCount: events.length,
  };
}
