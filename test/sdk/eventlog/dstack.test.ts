import { readFileSync } from "node:fs";
import { sha256 } from "@noble/hashes/sha2.js";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { hex } from "../../../sdk/src/bytes.js";
import { ParseError, VerificationError } from "../../../sdk/src/errors.js";
import {
  DSTACK_RUNTIME_EVENT_TYPE,
  parseDstackEventLog,
  replayDstackEventLog,
  runtimeEventDigest,
  verifyDstackEventLog,
} from "../../../sdk/src/eventlog/index.js";
import { expectRejected } from "../report/mutation.js";
import { rtmrsFromTdxV4Quote } from "../../../testkit/tdxQuoteRtmrs.js";

const load = (f: string) => JSON.parse(readFileSync(`test/fixtures/dstack/${f}`, "utf8"));
const qr = load("quote-report.json");
const lite = load("tdx-lite-getquote.json");
const qrEvents: Record<string, unknown>[] = JSON.parse(qr.event_log);
const qrRtmrs = rtmrsFromTdxV4Quote(qr.quote);

describe("replaying the fixtures reproduces RTMR0–3 of their quotes", () => {
  it("quote-report.json: 28 events, 8 runtime events naming the app", () => {
    const r = verifyDstackEventLog({ events: qr.event_log, rtmrs: qrRtmrs });
    expect(r.eventCount).toBe(28);
    expect(r.runtimeEvents.map((e) => e.name)).toEqual(["system-preparing", "app-id", "compose-hash", "instance-id", "boot-mr-done", "key-provider", "system-ready", "LIUM_MINER_HOTKEY"]);
    expect(r.appId).toBe("3763bc34552cf3a27ff71ad5f7a90471562a1a2d");
    expect(r.composeHash).toBe("3763bc34552cf3a27ff71ad5f7a90471562a1a2df552dfc1998cba2d60da27e7");
    expect(r.instanceId).toBe("c3714eb66990eace777b4e664c16e09375dec4c9");
    expect(r.keyProvider?.name).toBe("local-sgx");
    expect(r.osImageHash).toBeUndefined(); // in vm_config for this image, not logged
    expect(r.rtmrs[3]).toBe(hex(qrRtmrs[3]));
  });

  it("tdx-lite-getquote.json: logs os-image-hash and a KMS key provider", () => {
    const r = verifyDstackEventLog({ events: lite.event_log, rtmrs: rtmrsFromTdxV4Quote(lite.quote) });
    expect(r.osImageHash).toBe("07a2388c7a6a1b6a646d443f1517990a4ec294471d63146cda9d56972765051d");
    expect(r.keyProvider?.name).toBe("kms");
    expect(r.appId).toBe("86b0e55f2fa8e4fb69d890f14f54d5612707646e");
  });

  it("runtime digests are recomputed: SHA384(le32(0x08000001) || ':' || name || ':' || payload)", () => {
    const e = qrEvents.find((x) => x.event === "app-id")!;
    expect(hex(runtimeEventDigest("app-id", Buffer.from(e.event_payload as string, "hex")))).toBe(e.digest);
  });
});

describe("the digest field of a runtime event is never trusted", () => {
  const tamper = (i: number, patch: Record<string, unknown>) => JSON.stringify(qrEvents.map((e, j) => (j === i ? { ...e, ...patch } : e)));
  const appIdx = qrEvents.findIndex((e) => e.event === "app-id");

  it("a changed payload with the original digest fails the digest comparison", () => {
    const e = (() => {
      try {
        verifyDstackEventLog({ events: tamper(appIdx, { event_payload: "00".repeat(20) }), rtmrs: qrRtmrs });
      } catch (x) {
        return x as VerificationError;
      }
    })();
    expect(e).toBeInstanceOf(VerificationError);
    expect(e!.check).toBe("eventlog.runtime.digest");
  });

  it("a changed payload with a matching digest fails the RTMR3 replay", () => {
    const payload = new Uint8Array(20);
    const e = (() => {
      try {
        verifyDstackEventLog({ events: tamper(appIdx, { event_payload: hex(payload), digest: hex(runtimeEventDigest("app-id", payload)) }), rtmrs: qrRtmrs });
      } catch (x) {
        return x as VerificationError;
      }
    })();
    expect(e!.check).toBe("eventlog.rtmr3");
  });

  it("a changed payload without a digest field fails the RTMR3 replay", () => {
    expect(() => verifyDstackEventLog({ events: tamper(appIdx, { event_payload: "11".repeat(20), digest: "" }), rtmrs: qrRtmrs })).toThrow(/RTMR3/);
  });

  it("an opaque (non-runtime) event in RTMR3 is refused, as is a runtime event outside RTMR3", () => {
    expect(() => verifyDstackEventLog({ events: tamper(appIdx, { event_type: 1 }), rtmrs: qrRtmrs })).toThrow(VerificationError);
    expect(() => verifyDstackEventLog({ events: tamper(appIdx, { imr: 2 }), rtmrs: qrRtmrs })).toThrow(VerificationError);
  });

  it("a duplicated identity event is refused", () => {
    const dup = JSON.stringify([...qrEvents, qrEvents[appIdx]]);
    const rtmrs = replayDstackEventLog(parseDstackEventLog(dup));
    expect(() => verifyDstackEventLog({ events: dup, rtmrs })).toThrow(/twice/);
  });
});

describe("compose file check", () => {
  const compose = '{"manifest_version":2,"name":"demo","runner":"docker-compose","docker_compose_file":"services: {}"}';
  const events = [
    { imr: 3, event_type: DSTACK_RUNTIME_EVENT_TYPE, digest: "", event: "app-id", event_payload: "aa".repeat(20) },
    { imr: 3, event_type: DSTACK_RUNTIME_EVENT_TYPE, digest: "", event: "compose-hash", event_payload: hex(sha256(new TextEncoder().encode(compose))) },
  ];
  const parsed = parseDstackEventLog(events);
  const rtmrs = replayDstackEventLog(parsed);

  it("the compose file that hashes to compose-hash is accepted", () => {
    expect(verifyDstackEventLog({ events: parsed, rtmrs, composeFile: compose }).composeFileMatches).toBe(true);
  });
  it("any other compose file is refused", () => {
    expect(() => verifyDstackEventLog({ events: parsed, rtmrs, composeFile: compose + " " })).toThrow(VerificationError);
    expect(() => verifyDstackEventLog({ events: qr.event_log, rtmrs: qrRtmrs, composeFile: compose })).toThrow(/compose file hashes/);
  });
});

describe("mutated logs are rejected (zero false accepts)", () => {
  it("every event: changed digest, payload, name, type, imr, dropped, duplicated, swapped", async () => {
    const variants: [string, Record<string, unknown>[]][] = [];
    qrEvents.forEach((e, i) => {
      const put = (patch: Record<string, unknown>) => qrEvents.map((x, j) => (j === i ? { ...x, ...patch } : x));
      const d = e.digest as string;
      variants.push([`digest ${i}`, put({ digest: (d[0] === "0" ? "1" : "0") + d.slice(1) })]);
      if (e.event_type === DSTACK_RUNTIME_EVENT_TYPE) {
        variants.push([`payload ${i}`, put({ event_payload: (e.event_payload as string) + "00", digest: "" })]);
        variants.push([`name ${i}`, put({ event: (e.event as string) + "x", digest: "" })]);
      }
      variants.push([`type ${i}`, put({ event_type: (e.event_type as number) ^ 1 })]);
      variants.push([`imr ${i}`, put({ imr: ((e.imr as number) + 1) % 4 })]);
      variants.push([`drop ${i}`, qrEvents.filter((_, j) => j !== i)]);
      variants.push([`dup ${i}`, [...qrEvents.slice(0, i + 1), e, ...qrEvents.slice(i + 1)]]);
      // Swapping events of different RTMRs changes nothing that is measured; swap within one RTMR.
      if (i + 1 < qrEvents.length && qrEvents[i + 1]!.imr === e.imr && JSON.stringify(qrEvents[i + 1]) !== JSON.stringify(e)) {
        variants.push([`swap ${i}`, [...qrEvents.slice(0, i), qrEvents[i + 1]!, e, ...qrEvents.slice(i + 2)]]);
      }
    });
    for (const [what, evs] of variants) {
      // Boot events only carry a digest; their event type is descriptive and not extended.
      if (what.startsWith("type ") && (qrEvents[Number(what.slice(5))]!.event_type as number) !== DSTACK_RUNTIME_EVENT_TYPE && qrEvents[Number(what.slice(5))]!.imr !== 3) continue;
      await expectRejected(() => verifyDstackEventLog({ events: JSON.stringify(evs), rtmrs: qrRtmrs }), what);
    }
  });

  it("wrong RTMR inputs are rejected", async () => {
    for (let i = 0; i < 4; i++) {
      const r = qrRtmrs.map((x, j) => (j === i ? x.map((b, k) => (k === 0 ? b ^ 1 : b)) : x)) as typeof qrRtmrs;
      await expectRejected(() => verifyDstackEventLog({ events: qr.event_log, rtmrs: r }), `RTMR${i}`);
    }
    expect(() => verifyDstackEventLog({ events: qr.event_log, rtmrs: [qrRtmrs[0], qrRtmrs[1], qrRtmrs[2], new Uint8Array(47)] })).toThrow(ParseError);
  });

  it("truncated or malformed JSON is a ParseError", async () => {
    const text: string = qr.event_log;
    for (let n = 0; n < text.length; n += 97) await expectRejected(() => verifyDstackEventLog({ events: text.slice(0, n), rtmrs: qrRtmrs }), `cut at ${n}`);
    expect(() => parseDstackEventLog('[{"imr":4}]')).toThrow(ParseError);
    expect(() => parseDstackEventLog('[{"imr":0,"event_type":1,"event":"","event_payload":"zz"}]')).toThrow(ParseError);
  });

  it("random field corruption (fast-check)", async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: qrEvents.length - 1 }), fc.constantFrom("digest", "event_payload", "event"), fc.nat(), async (i, field, pos) => {
        const e = qrEvents[i]!;
        const v = String(e[field] ?? "");
        if (v.length === 0 || (field !== "digest" && e.event_type !== DSTACK_RUNTIME_EVENT_TYPE)) return;
        const at = pos % v.length;
        const c = field === "event" ? (v[at] === "a" ? "b" : "a") : v[at] === "0" ? "1" : "0";
        const patched = qrEvents.map((x, j) => (j === i ? { ...x, [field]: v.slice(0, at) + c + v.slice(at + 1) } : x));
        await expectRejected(() => verifyDstackEventLog({ events: JSON.stringify(patched), rtmrs: qrRtmrs }), `${i} ${field} ${at}`);
      }),
      { numRuns: 300 },
    );
  });
});
