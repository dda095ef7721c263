/**
 * dstack runtime events: each extends a register with H(le32(0x08000001) || ":" || name || ":" ||
 * payload), from zeros: RTMR3 (SHA-384) on TDX, PCR14 on GCP's vTPM (SHA-256) and NitroTPM
 * (SHA-384). The app identity (app-id, compose-hash, instance-id, os-image-hash, key-provider) is
 * read from them only after their replay matched a signed register. docs/dstack-attestation.md.
 */
import { sha256, sha384 } from "@noble/hashes/sha2.js";
import { concatBytes } from "../bytes.js";
import { DSTACK_RUNTIME_EVENT_TYPE, extractDstackAppInfo, type DstackAppInfo, type DstackEvent } from "../eventlog/dstack.js";
import type { DstackRuntimeEvent } from "./attestation.js";

export type RuntimeEventHash = "sha256" | "sha384";

function digest(hash: RuntimeEventHash, e: DstackRuntimeEvent): Uint8Array {
  const t = DSTACK_RUNTIME_EVENT_TYPE;
  const pre = concatBytes(new Uint8Array([t & 0xff, (t >>> 8) & 0xff, (t >>> 16) & 0xff, (t >>> 24) & 0xff, 0x3a]), new TextEncoder().encode(e.event), new Uint8Array([0x3a]), e.payload);
  return hash === "sha256" ? sha256(pre) : sha384(pre);
}

/** The register value the events extend to, from all-zero. */
export function replayRuntimeEvents(events: DstackRuntimeEvent[], hash: RuntimeEventHash): Uint8Array {
  const f = hash === "sha256" ? sha256 : sha384;
  let mr: Uint8Array = new Uint8Array(hash === "sha256" ? 32 : 48);
  for (const e of events) mr = f(concatBytes(mr, digest(hash, e)));
  return mr;
}

/** The app identity named by the runtime events (each identity event at most once). */
export function runtimeAppInfo(events: DstackRuntimeEvent[]): DstackAppInfo {
  const asLog: DstackEvent[] = events.map((e) => ({ imr: 3, eventType: DSTACK_RUNTIME_EVENT_TYPE, event: e.event, payload: e.payload }));
  return extractDstackAppInfo(asLog);
}
