/**
 * Speed of the SDK's transparency log (wall clock on this machine; proof metrics are medians of 5 rounds):
 * - sdk.log.tree.msPer10kLeaves: hash and append 100 000 EntrySet-sized leaves (~700 bytes) into a
 *   MerkleTree, per 10 000 leaves.
 * - sdk.log.rebuild.msPer10kLeaves: readLogEntries over 5 000 LeafAppended events on the embedded
 *   chain (eth_getLogs in 1 000-block pages, index and leaf-hash checks, tree build), per 10 000.
 * - sdk.log.inclusionProof.usPerProof / sdk.log.verifyInclusion.usPerProof: random leaves of the
 *   100 000-leaf tree, proof to the full tree.
 * - sdk.log.consistencyProof.usPerProof / sdk.log.verifyConsistency.usPerProof: random size pairs.
 * - sdk.log.verifyReceipt.msPerReceipt: an offline receipt with 5 cosignatures (5 ecrecovers).
 * - sdk.log.rebuild1M.seconds / sdk.log.rebuild1M.maxRssMb: the streaming rebuild of 1,000,000
 *   EntrySet leaves (~770 bytes each, 816 MB) from the on-disk log cache (sdk/node/logCache.ts):
 *   every leaf hashed, the tree built with file-backed levels, one inclusion and one consistency
 *   proof checked; in a child process (testkit/logRebuildChild.ts) so its peak RSS is its own.
 *   Goal: <= 30 s and <= 300 MB. With POC_BENCH_LOG_LEGACY=1 also sdk.log.rebuild1M.legacySeconds /
 *   legacyMaxRssMb: the same cache into readLogEntries' data model (every entry kept), the "before".
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { network } from "hardhat";
import { writeSyntheticCache } from "../../testkit/logCacheFixture.js";
import { getAddress, keccak256, toHex, type Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import type { BenchSuite } from "../bench.js";
import { logOrigin, signCheckpoint } from "../../sdk/src/log/checkpoint.js";
import { encodeLogLeaf, type LogLeaf } from "../../sdk/src/log/leaf.js";
import { readLogEntries } from "../../sdk/src/log/onchain.js";
import { verifyConsistency, verifyInclusion } from "../../sdk/src/log/proof.js";
import { buildReceipt, verifyReceipt } from "../../sdk/src/log/receipt.js";
import { MerkleTree } from "../../sdk/src/log/tree.js";
import { hex } from "../../sdk/src/bytes.js";

const h32 = (s: string) => keccak256(toHex(s));

function entryLeaf(i: number): Hex {
  const leaf: LogLeaf = {
    version: 1,
    leafType: 2,
    timestamp: 1_763_000_000n + BigInt(i),
    subject: h32(`platform ${i}`),
    payload: {
      facilityId: h32("facility"),
      kind: 1,
      level: 3,
      method: "site visit and continuous monitoring",
      evidenceHash: h32(`evidence ${i}`),
      evidenceUri: `https://audit.example.org/evidence/${i}`,
      cadence: 3600,
      endorsers: [getAddress(`0x${"aa".repeat(20)}`), getAddress(`0x${"bb".repeat(20)}`)],
      verifiedAt: 1_763_000_000n,
    },
  };
  return encodeLogLeaf(leaf);
}

// Deterministic pseudo-random indices, so runs compare.
function* lcg(seed: number): Generator<number> {
  let x = seed >>> 0;
  for (;;) {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    yield x / 2 ** 32;
  }
}

export const suite: BenchSuite = {
  name: "log",
  run: async (ctx) => {
    const N = 100_000;
    const leaves = Array.from({ length: N }, (_, i) => entryLeaf(i));
    ctx.log(`log: ${N} leaves of ${(leaves[0]!.length - 2) / 2} bytes`);
    let t = performance.now();
    const tree = MerkleTree.fromLeaves(leaves);
    const treeMs = performance.now() - t;

    // Proof metrics: median of 5 rounds of 500, so a busy shared machine skews them less.
    const rnd = lcg(42);
    const P = 500;
    const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const root = tree.root();
    const rounds = { prove: [] as number[], verify: [] as number[], cprove: [] as number[], cverify: [] as number[] };
    for (let round = 0; round < 5; round++) {
      const idx = Array.from({ length: P }, () => Math.floor(rnd.next().value! * N));
      let t0 = performance.now();
      const proofs = idx.map((i) => tree.inclusionProof(i));
      rounds.prove.push(((performance.now() - t0) * 1000) / P);
      const leafHashes = idx.map((i) => tree.leafHash(i));
      t0 = performance.now();
      idx.forEach((i, k) => verifyInclusion({ leafHash: leafHashes[k]!, index: i, treeSize: N, proof: proofs[k]!, rootHash: root }));
      rounds.verify.push(((performance.now() - t0) * 1000) / P);

      const pairs = Array.from({ length: P }, () => {
        const a = 1 + Math.floor(rnd.next().value! * (N - 1));
        return [a, a + Math.floor(rnd.next().value! * (N - a + 1))] as const;
      });
      t0 = performance.now();
      const cproofs = pairs.map(([a, b]) => tree.consistencyProof(a, b));
      rounds.cprove.push(((performance.now() - t0) * 1000) / P);
      const croots = pairs.map(([a, b]) => [tree.root(a), tree.root(b)] as const);
      t0 = performance.now();
      pairs.forEach(([a, b], k) => verifyConsistency({ size1: a, size2: b, rootHash1: croots[k]![0], rootHash2: croots[k]![1], proof: cproofs[k]! }));
      rounds.cverify.push(((performance.now() - t0) * 1000) / P);
    }
    const proveUs = median(rounds.prove);
    const verifyUs = median(rounds.verify);
    const cproveUs = median(rounds.cprove);
    const cverifyUs = median(rounds.cverify);

    // Events from the embedded chain, through the same code path as `poc log root`.
    const { viem } = await network.connect();
    const pc = await viem.getPublicClient();
    const harness = await viem.deployContract("TransparencyLogHarness", []);
    const E = 5000;
    for (let i = 0; i < E; i += 250) await harness.write.appendMany([leaves.slice(i, i + 250)]);
    t = performance.now();
    const read = await readLogEntries(pc, { registry: harness.address, pageSize: 1000n });
    const rebuildMs = performance.now() - t;
    if (read.tree.size !== E || `0x${hex(read.tree.root())}` !== (await harness.read.root())) throw new Error("bench: rebuilt log disagrees with the contract");

    // Offline receipt verification.
    const chainId = 11155111;
    const registry = getAddress(`0x${"12".repeat(20)}`);
    const accounts = Array.from({ length: 9 }, (_, i) => privateKeyToAccount(h32(`bench member ${i}`)));
    const small = MerkleTree.fromLeaves(leaves.slice(0, 1000));
    const checkpoint = { origin: logOrigin({ chainId, registry }), size: 1000n, rootHash: `0x${hex(small.root())}` as Hex };
    const cosignatures = await Promise.all(accounts.slice(0, 5).map((account) => signCheckpoint({ chainId, registry, checkpoint, account })));
    const receipt = buildReceipt({ chainId, registry, tree: small, index: 417, leaf: leaves[417]!, checkpoint: { size: 1000, rootHash: checkpoint.rootHash }, cosignatures, members: accounts.map((a) => ({ address: a.address })) });
    const R = 20;
    t = performance.now();
    for (let i = 0; i < R; i++) if (!(await verifyReceipt(receipt)).ok) throw new Error("bench: receipt does not verify");
    const receiptMs = (performance.now() - t) / R;

    // The streaming rebuild of 1M leaves, in a child process.
    const M = 1_000_000;
    const dir = join(tmpdir(), "poc-bench-log-1m");
    const metaPath = join(dir, "meta.json");
    if (!existsSync(metaPath) || JSON.parse(readFileSync(metaPath, "utf8")).leaves !== M) {
      rmSync(dir, { recursive: true, force: true });
      ctx.log(`log: writing a ${M}-leaf cache to ${dir}`);
      writeSyntheticCache(dir, M);
    }
    const child = (mode: string) => {
      const out = execFileSync(process.execPath, ["--import", "tsx", join(import.meta.dirname, "../../testkit/logRebuildChild.ts"), dir, mode], { encoding: "utf8", maxBuffer: 1 << 20 });
      const r = JSON.parse(out.trim().split("\n").pop()!) as { seconds: number; maxRssMb: number; size: number; root: string };
      if (r.size !== M) throw new Error(`bench: the ${mode} rebuild gave ${r.size} leaves, expected ${M}`);
      return r;
    };
    const stream = child("stream");
    ctx.log(`log: streaming rebuild of ${M} leaves in ${stream.seconds.toFixed(1)} s, peak RSS ${stream.maxRssMb.toFixed(0)} MB, root ${stream.root}`);
    const legacy = process.env.POC_BENCH_LOG_LEGACY === "1" ? child("legacy") : undefined;
    if (legacy && legacy.root !== stream.root) throw new Error("bench: the legacy and streaming rebuilds disagree");

    return {
      "sdk.log.rebuild1M.seconds": +stream.seconds.toFixed(2),
      "sdk.log.rebuild1M.maxRssMb": +stream.maxRssMb.toFixed(0),
      ...(legacy ? { "sdk.log.rebuild1M.legacySeconds": +legacy.seconds.toFixed(2), "sdk.log.rebuild1M.legacyMaxRssMb": +legacy.maxRssMb.toFixed(0) } : {}),
      "sdk.log.tree.msPer10kLeaves": +((treeMs * 10_000) / N).toFixed(2),
      "sdk.log.rebuild.msPer10kLeaves": +((rebuildMs * 10_000) / E).toFixed(2),
      "sdk.log.inclusionProof.usPerProof": +proveUs.toFixed(2),
      "sdk.log.verifyInclusion.usPerProof": +verifyUs.toFixed(2),
      "sdk.log.consistencyProof.usPerProof": +cproveUs.toFixed(2),
      "sdk.log.verifyConsistency.usPerProof": +cverifyUs.toFixed(2),
      "sdk.log.verifyReceipt.msPerReceipt": +receiptMs.toFixed(2),
    };
  },
};
