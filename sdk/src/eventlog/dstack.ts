/**
 * dstack TDX event logs: replay RTMR0–3 and read the app's identity from the runtime events.
 * RTMR := SHA384(RTMR || digest), from 48 zero bytes. A runtime event (type 0x08000001, RTMR3) has
 * digest = SHA384(le32(0x08000001) || ":" || name || ":" || payload), always recomputed here.
 * Formulas and field names: docs/dstack-eventlog.md.
 */
import { sha256, sha384 } from "@noble/hashes/sha2.js";
import { concatBytes, equalBytes, hex, toBytes } from "../bytes.js";
import { ParseError, VerificationError } from "../errors.js";

export const DSTACK_RUNTIME_EVENT_TYPE = 0x08000001;
const S = "dstack event log";

export type DstackEvent = {
  imr: 0 | 1 | 2 | 3;
  eventType: number;
  /** The digest field as given; for runtime events it is never used, only compared. */
  digest?: Uint8Array | undefined;
  /** Runtime events: the event name. */
  event: string;
  payload: Uint8Array;
};

export type Rtmrs = [Uint8Array, Uint8Array, Uint8Array, Uint8Array];

/** Parses the JSON event log (array of {imr, event_type, digest, event, event_payload}), or a JSON string of it. */
export function parseDstackEventLog(input: string | unknown[]): DstackEvent[] {
  let arr: unknown;
  try {
    arr = typeof input === "string" ? JSON.parse(input) : input;
  } catch (cause) {
    throw new ParseError({ structure: S, field: "JSON", offset: 0, expected: "a JSON array of events", cause });
  }
  if (!Array.isArray(arr)) throw new ParseError({ structure: S, field: "event_log", offset: 0, expected: "an array" });
  return arr.map((e: unknown, i): DstackEvent => {
    const at = (field: string, expected: string, got?: string) => new ParseError({ structure: S, field: `[${i}].${field}`, offset: i, expected, got });
    if (typeof e !== "object" || e === null) throw at("", "an object");
    const o = e as Record<string, unknown>;
    if (o.imr !== 0 && o.imr !== 1 && o.imr !== 2 && o.imr !== 3) throw at("imr", "0, 1, 2 or 3", String(o.imr));
    if (typeof o.event_type !== "number" || !Number.isInteger(o.event_type) || o.event_type < 0 || o.event_type > 0xffffffff) throw at("event_type", "a u32");
    if (typeof o.event !== "string") throw at("event", "a string");
    if (typeof o.event_payload !== "string") throw at("event_payload", "a hex string");
    let digest: Uint8Array | undefined;
    if (o.digest !== undefined && o.digest !== "") {
      if (typeof o.digest !== "string") throw at("digest", "a hex string");
      digest = toBytes(o.digest, `${S} [${i}].digest`);
      if (digest.length !== 48) throw at("digest", "48 bytes (SHA-384)", `${digest.length}`);
    }
    const payload = toBytes(o.event_payload, `${S} [${i}].event_payload`);
    return { imr: o.imr, eventType: o.event_type, digest, event: o.event, payload };
  });
}

/** SHA384(le32(type) || ":" || name || ":" || payload). */
export function runtimeEventDigest(name: string, payload: Uint8Array, eventType = DSTACK_RUNTIME_EVENT_TYPE): Uint8Array {
  const t = new Uint8Array([eventType & 0xff, (eventType >>> 8) & 0xff, (eventType >>> 16) & 0xff, (eventType >>> 24) & 0xff]);
  const colon = new Uint8Array([0x3a]);
  return sha384(concatBytes(t, colon, new TextEncoder().encode(name), colon, payload));
}

/** Replays RTMR0–3. Boot events (RTMR0–2) extend their digest field; runtime events their recomputed digest. */
export function replayDstackEventLog(events: DstackEvent[]): Rtmrs {
  const rtmrs: Rtmrs = [new Uint8Array(48), new Uint8Array(48), new Uint8Array(48), new Uint8Array(48)];
  events.forEach((e, i) => {
    let d: Uint8Array;
    if (e.eventType === DSTACK_RUNTIME_EVENT_TYPE) {
      if (e.imr !== 3) throw new VerificationError("eventlog.runtime.imr", `event ${i} (${e.event}) is a runtime event outside RTMR3`);
      d = runtimeEventDigest(e.event, e.payload);
      if (e.digest && !equalBytes(e.digest, d)) {
        throw new VerificationError("eventlog.runtime.digest", `event ${i} (${e.event}): digest field does not match its content`, {
          details: `content hashes to ${hex(d)}`,
        });
      }
    } else {
      // RTMR3 holds only runtime events, whose content we can check; an opaque digest there could stand in for any of them.
      if (e.imr === 3) throw new VerificationError("eventlog.rtmr3.opaque", `event ${i} in RTMR3 is not a runtime event (type 0x${e.eventType.toString(16)})`);
      if (!e.digest) throw new ParseError({ structure: S, field: `[${i}].digest`, offset: i, expected: "a 48-byte digest for a boot event" });
      d = e.digest;
    }
    rtmrs[e.imr] = sha384(concatBytes(rtmrs[e.imr], d));
  });
  return rtmrs;
}

export type DstackAppInfo = {
  appId?: string | undefined;
  composeHash?: string | undefined;
  instanceId?: string | undefined;
  osImageHash?: string | undefined;
  keyProvider?: { raw: string; name?: string | undefined; id?: string } | undefined;
  /** Every runtime event, in order: name → payload (hex). */
  runtimeEvents: { name: string; payload: string }[];
};

const IDENTITY_EVENTS = ["app-id", "compose-hash", "instance-id", "os-image-hash", "key-provider"] as const;

/** Reads the app identity from the runtime events. Each identity event may appear at most once. */
export function extractDstackAppInfo(events: DstackEvent[]): DstackAppInfo {
  const runtime = events.filter((e) => e.eventType === DSTACK_RUNTIME_EVENT_TYPE);
  const seen = new Map<string, Uint8Array>();
  for (const e of runtime) {
    if ((IDENTITY_EVENTS as readonly string[]).includes(e.event)) {
      if (seen.has(e.event)) throw new VerificationError("eventlog.duplicate", `runtime event "${e.event}" appears twice`);
      seen.set(e.event, e.payload);
    }
  }
  const h = (k: string) => (seen.has(k) ? hex(seen.get(k)!) : undefined);
  let keyProvider: DstackAppInfo["keyProvider"];
  const kp = seen.get("key-provider");
  if (kp) {
    const raw = new TextDecoder().decode(kp);
    keyProvider = { raw };
    try {
      const j = JSON.parse(raw) as { name?: unknown; id?: unknown };
      if (typeof j.name === "string") keyProvider.name = j.name;
      if (typeof j.id === "string") keyProvider.id = j.id;
    } catch {
      // Not JSON: keep the raw text.
    }
  }
  return {
    appId: h("app-id"),
    composeHash: h("compose-hash"),
    instanceId: h("instance-id"),
    osImageHash: h("os-image-hash"),
    keyProvider,
    runtimeEvents: runtime.map((e) => ({ name: e.event, payload: hex(e.payload) })),
  };
}

export type VerifyDstackEventLogParameters = {
  events: DstackEvent[] | string;
  /** RTMR0–3 from the verified TDX quote (48 bytes each, or hex). */
  rtmrs: [Uint8Array | string, Uint8Array | string, Uint8Array | string, Uint8Array | string];
  /** The app compose file (bytes or text): checked against the compose-hash event when given. */
  composeFile?: Uint8Array | string | undefined;
};

export type VerifyDstackEventLogErrorType = ParseError | VerificationError;

export type VerifyDstackEventLogReturnType = DstackAppInfo & {
  rtmrs: [string, string, string, string];
  eventCount: number;
  composeFileMatches?: boolean | undefined;
};

/** Replays the log, compares all four RTMRs with the quote's, and returns the app identity. */
export function verifyDstackEventLog(params: VerifyDstackEventLogParameters): VerifyDstackEventLogReturnType {
  const events = typeof params.events === "string" ? parseDstackEventLog(params.events) : params.events;
  const replayed = replayDstackEventLog(events);
  params.rtmrs.forEach((r, i) => {
    const want = typeof r === "string" ? toBytes(r, `RTMR${i}`) : r;
    if (want.length !== 48) throw new ParseError({ structure: "RTMR values", field: `RTMR${i}`, offset: 0, expected: "48 bytes", got: String(want.length) });
    if (!equalBytes(want, replayed[i]!)) {
      throw new VerificationError(`eventlog.rtmr${i}`, `event log replay gives RTMR${i} = ${hex(replayed[i]!)}, the quote says ${hex(want)}`);
    }
  });
  const info = extractDstackAppInfo(events);
  let composeFileMatches: boolean | undefined;
  if (params.composeFile !== undefined) {
    if (!info.composeHash) throw new VerificationError("eventlog.composeHash", "a compose file was given but the log has no compose-hash event");
    const bytes = typeof params.composeFile === "string" ? new TextEncoder().encode(params.composeFile) : params.composeFile;
    composeFileMatches = hex(sha256(bytes)) === info.composeHash;
    if (!composeFileMatches) {
      throw new VerificationError("eventlog.composeHash", `compose file hashes to ${hex(sha256(bytes))}, the log's compose-hash is ${info.composeHash}`);
    }
  }
  return { ...info, rtmrs: replayed.map(hex) as [string, string, string, string], eventCount: events.length, composeFileMatches };
}
