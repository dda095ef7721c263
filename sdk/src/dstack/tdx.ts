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
import { tdxLiteRtmr0, verifyDstackTdxMeasurement, type VerifyDstackTdxMeasurementReturnType } from "./tdxMeasurement.js";

export type VerifyDstackTdxParameters = {
  attestation: DstackAttestation;
  /** RTMR0–3 of the verified quote (48 bytes each, or hex). */
  rtmrs: readonly [Uint8Array | string, Uint8Array | string, Uint8Array | string, Uint8Array | string];
  /** REPORTDATA of the verified quote (64 bytes, or hex). */
  reportData: Uint8Array | string;
  /** MRTD of the verified quote: with it, a `vm_config.tdx_measurement` is checked against MRTD, RTMR1 and RTMR2. */
  mrtd?: Uint8Array | string | undefined;
};

export type VerifyDstackTdxReturnType = DstackAppInfo & {
  /** "full": the log replays RTMR0–3; "lite": RTMR3 only (RTMR0–2 need vm_config.tdx_measurement). */
  eventLogKind: "full" | "lite";
  /** Registers the log was replayed against and matched. */
  replayedRtmrs: number[];
  eventCount: number;
  /**
   * How osImageHash (the VM config's, as dstack reads it) is bound: by the lite measurement document
   * checked against MRTD / RTMR1 / RTMR2, by an os-image-hash runtime event with the same value
   * (both signed), or not at all ("config").
   */
  osImageHashSource?: "runtime-event" | "tdx-measurement" | "config" | undefined;
  /** The os-image-hash runtime event's payload (replayed into RTMR3: signed), when there is one. */
  osImageHashEvent?: string | undefined;
  /** Set when vm_config.tdx_measurement was checked: MRTD, RTMR1 and RTMR2 recomputed from it (and RTMR0 for a lite log, when `rtmr0`). */
  tdxMeasurement?: VerifyDstackTdxMeasurementReturnType & { rtmr0: boolean } | undefined;
  image?: string | undefined;
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
  let tdxMeasurement: VerifyDstackTdxMeasurementReturnType | undefined;
  let rtmr0FromMeasurement = false;
  if (vm.tdxMeasurement !== undefined && params.mrtd !== undefined) {
    const mrtd = typeof params.mrtd === "string" ? toBytes(params.mrtd, "MRTD") : params.mrtd;
    tdxMeasurement = verifyDstackTdxMeasurement({ document: vm.tdxMeasurement, osImageHash: vm.osImageHash, mrtd, rtmr1: want[1]!, rtmr2: want[2]! });
    // A lite log keeps RTMR0's three ACPI data digests: with the document's TD HOB witness and the
    // memory size they give the whole RTMR0.
    const acpi = acpiDigests(a.platform.eventLog);
    if (lite && acpi && vm.memorySize !== undefined) {
      let rtmr0: Uint8Array | undefined;
      try {
        rtmr0 = tdxLiteRtmr0({ document: vm.tdxMeasurement, memorySize: vm.memorySize, acpi });
      } catch (e) {
        // An OVMF whose RTMR0 log is unknown leaves RTMR0 unchecked (reported), not failed.
        if (!(e instanceof VerificationError && e.check === "dstack.tdxMeasurement.ovmf")) throw e;
      }
      if (rtmr0) {
        if (!equalBytes(rtmr0, want[0]!)) throw new VerificationError("dstack.tdxMeasurement.rtmr0", `RTMR0 ${hex(want[0]!)} is not the one the image's TD HOB, firmware and the ACPI digests give (${hex(rtmr0)})`);
        rtmr0FromMeasurement = true;
      }
    }
  }
  // dstack takes os_image_hash from the VM config; newer images also log an os-image-hash runtime
  // event, which need not be the same hash (the real lite sample's differs). Both are reported.
  const osImageHash = vm.osImageHash ?? info.osImageHash;
  if (tdxMeasurement) osImageHashSource = "tdx-measurement";
  else if (info.osImageHash && info.osImageHash === osImageHash) osImageHashSource = "runtime-event";
  else if (osImageHash) osImageHashSource = "config";
  return {
    ...info,
    osImageHash,
    ...(info.osImageHash ? { osImageHashEvent: info.osImageHash } : {}),
    osImageHashSource,
    image: vm.image,
    ...(tdxMeasurement ? { tdxMeasurement: { ...tdxMeasurement, rtmr0: rtmr0FromMeasurement } } : {}),
    eventLogKind: lite ? "lite" : "full",
    replayedRtmrs: checked,
    eventCount: events.length,
  };
}

const ACPI_DATA = new TextEncoder().encode("ACPI DATA");

/** The three RTMR0 ACPI data events (type 10, payload "ACPI DATA") by name, when each is there exactly once. */
function acpiDigests(log: DstackTdxEvent[]): { loader: Uint8Array; rsdp: Uint8Array; tables: Uint8Array } | undefined {
  const acpi = log.filter((e) => e.imr === 0 && e.eventType === 10 && equalBytes(e.payload, ACPI_DATA) && e.digest.length === 48);
  const one = (name: string) => {
    const m = acpi.filter((e) => e.event === name);
    return m.length === 1 ? m[0]!.digest : undefined;
  };
  const loader = one("acpi-loader");
  const rsdp = one("acpi-rsdp");
  const tables = one("acpi-tables");
  return acpi.length === 3 && loader && rsdp && tables ? { loader, rsdp, tables } : undefined;
}
