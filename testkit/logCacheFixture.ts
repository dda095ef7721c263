/**
 * A large log cache for the bench and tests: `count` EntrySet leaves (~740 bytes, the registry's
 * commonest leaf) written straight into an on-disk log cache (sdk/node/logCache.ts), without a
 * chain, so the streaming rebuild can be measured at 1,000,000 leaves. One leaf is ABI-encoded; the
 * others are copies with their index written into the subject and evidence-hash bytes, so every
 * leaf (and its hash) differs.
 */
import { getAddress, keccak256, toHex, type Address, type Hex } from "viem";
import { bytesOf } from "../sdk/src/log/hash.js";
import { encodeLogLeaf } from "../sdk/src/log/leaf.js";
import { LogCache } from "../sdk/node/logCache.js";

const h32 = (s: string) => keccak256(toHex(s));

export function templateLeaf(): Uint8Array {
  return bytesOf(
    encodeLogLeaf({
      version: 1,
      leafType: 2,
      timestamp: 1_763_000_000n,
      subject: h32("platform"),
      payload: {
        facilityId: h32("facility"),
        kind: 1,
        level: 3,
        method: "site visit and continuous monitoring",
        evidenceHash: h32("evidence"),
        evidenceUri: "https://audit.example.org/evidence/000000000",
        cadence: 3600,
        endorsers: [getAddress(`0x${"aa".repeat(20)}`), getAddress(`0x${"bb".repeat(20)}`)],
        verifiedAt: 1_763_000_000n,
      },
    }),
    "leaf",
  );
}

/** Leaf `i` of the synthetic log (deterministic). */
export function syntheticLeaf(template: Uint8Array, i: number): Uint8Array {
  const leaf = template.slice();
  const dv = new DataView(leaf.buffer);
  // Bytes 40..47 sit inside the subject word for this layout; the last 4 bytes inside the URI tail.
  dv.setUint32(40, i);
  dv.setUint32(leaf.length - 8, i ^ 0x5a5a5a5a);
  return leaf;
}

export function writeSyntheticCache(dir: string, count: number, args: { chainId?: number; registry?: Address } = {}): { leafBytes: number } {
  const cache = LogCache.open(dir, { chainId: args.chainId ?? 31337, registry: args.registry ?? getAddress(`0x${"12".repeat(20)}`), startBlock: 0n });
  const template = templateLeaf();
  const tx = `0x${"ab".repeat(32)}` as Hex;
  const BATCH = 10_000;
  for (let start = cache.leaves; start < count; start += BATCH) {
    const n = Math.min(BATCH, count - start);
    const entries = Array.from({ length: n }, (_, k) => ({ index: start + k, leaf: syntheticLeaf(template, start + k), blockNumber: BigInt(Math.floor((start + k) / 4)), transactionHash: tx, logIndex: (start + k) % 4 }));
    cache.append(entries, BigInt(Math.floor((start + n - 1) / 4)));
  }
  cache.close();
  return { leafBytes: template.length };
}
