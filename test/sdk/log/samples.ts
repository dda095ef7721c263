/** One leaf of every type, shared by the log tests. */
import { getAddress, toHex } from "viem";
import type { LogLeaf } from "../../../sdk/src/log/leaf.js";

const h32 = (b: number) => toHex(new Uint8Array(32).fill(b));
const addr = (b: number) => getAddress(toHex(new Uint8Array(20).fill(b)));

export const sampleLeaves: LogLeaf[] = [
  {
    version: 1,
    leafType: 1,
    timestamp: 1_763_000_000n,
    subject: h32(0x11),
    payload: { provider: "Hetzner", country: "DE", site: "FSN1-DC14", evidenceHash: h32(0x22), evidenceUri: "ipfs://bafy-facility" },
  },
  {
    version: 1,
    leafType: 2,
    timestamp: 1_763_000_100n,
    subject: h32(0x33),
    payload: {
      facilityId: h32(0x11),
      kind: 1,
      level: 3,
      method: "site visit + continuous monitoring",
      evidenceHash: h32(0x44),
      evidenceUri: "https://example.org/audit/äöü",
      cadence: 3600,
      endorsers: [addr(0xaa), addr(0xbb)],
      verifiedAt: 1_763_000_050n,
    },
  },
  { version: 1, leafType: 3, timestamp: 5n, subject: h32(0x33), payload: { status: 1, until: 1_763_604_900n, reasonHash: h32(0x55) } },
  { version: 1, leafType: 4, timestamp: 6n, subject: h32(0x33), payload: { member: addr(0xcc), observedAt: 6n } },
  { version: 1, leafType: 5, timestamp: 7n, subject: h32(0x33), payload: { challengeId: 1n, challenger: addr(0xdd), evidenceHash: h32(0x66), evidenceUri: "" } },
  { version: 1, leafType: 6, timestamp: 8n, subject: h32(0x33), payload: { challengeId: 1n, outcome: 1 } },
  { version: 1, leafType: 7, timestamp: 9n, subject: `0x${"00".repeat(12)}${"ee".repeat(20)}`, payload: { listener: addr(0xee) } },
  { version: 1, leafType: 8, timestamp: 10n, subject: `0x${"00".repeat(12)}${"ee".repeat(20)}`, payload: { listener: addr(0xee) } },
  {
    version: 1,
    leafType: 9,
    timestamp: 11n,
    subject: h32(0x33),
    payload: { action: 1, method: addr(0xab), platformKey: h32(0x33), evidenceHash: h32(0x77), facilityId: h32(0x11), hardwareKind: 1, methodLevel: 3, cadence: 3600, at: 11n },
  },
];
