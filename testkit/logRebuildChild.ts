/**
 * Child process of the log bench (`sdk.log.rebuild1M.*`): rebuilds the tree from an on-disk log
 * cache and prints one JSON line {seconds, maxRssMb, size, root}. Run in its own process so the
 * peak RSS it reports (getrusage maxrss) is the rebuild's alone.
 *   node --import tsx testkit/logRebuildChild.ts <cacheDir> stream|legacy
 * "stream": rebuildFromCache with file-backed levels, then one inclusion and one consistency proof
 * checked. "legacy": the data model readLogEntries keeps (every entry with its leaf as hex, the tree
 * in memory), for the before/after comparison.
 */
import { readFileSync } from "node:fs";
import { getAddress, type Hex } from "viem";
import { hex } from "../sdk/src/bytes.js";
import { leafHash } from "../sdk/src/log/hash.js";
import type { LogEntry } from "../sdk/src/log/onchain.js";
import { verifyConsistency, verifyInclusion } from "../sdk/src/log/proof.js";
import { MerkleTree } from "../sdk/src/log/tree.js";
import { LogCache, rebuildFromCache } from "../sdk/node/logCache.js";

const [dir, mode = "stream"] = process.argv.slice(2);
if (!dir) throw new Error("usage: logRebuildChild.ts <cacheDir> stream|legacy");
const cache = LogCache.open(dir, { chainId: 31337, registry: getAddress(`0x${"12".repeat(20)}`), startBlock: 0n });
const t0 = performance.now();
let size: number;
let root: Uint8Array;
if (mode === "legacy") {
  const tree = new MerkleTree();
  const entries: LogEntry[] = [];
  for (const r of cache.iterate()) {
    const leaf = `0x${hex(r.leaf)}` as Hex;
    const lh = leafHash(leaf);
    tree.appendLeafHash(lh);
    entries.push({ index: r.index, leaf, leafHash: `0x${hex(lh)}` as Hex, blockNumber: r.blockNumber, transactionHash: r.transactionHash });
  }
  size = tree.size;
  root = tree.root();
} else {
  const log = rebuildFromCache(cache, [], { levels: "files" });
  size = log.size;
  root = log.tree.root();
  // Proofs straight from the file-backed levels.
  const i = Math.floor(size / 3);
  verifyInclusion({ leafHash: log.entry(i).leafHash, index: i, treeSize: size, proof: log.tree.inclusionProof(i), rootHash: root });
  const m = Math.floor(size / 2) + 1;
  verifyConsistency({ size1: m, size2: size, rootHash1: log.tree.root(m), rootHash2: root, proof: log.tree.consistencyProof(m, size) });
  log.close();
}
const seconds = (performance.now() - t0) / 1000;
cache.close();
process.stdout.write(JSON.stringify({ mode, seconds, maxRssMb: peakRssMb(), size, root: `0x${hex(root)}` }) + "\n");

/**
 * This process's own peak RSS. Linux's VmHWM belongs to the address space exec created; getrusage's
 * maxrss does not: Linux carries the high-water mark of the process that forked us across exec, so
 * under the bench (a large parent) it reported the parent's peak, not the rebuild's.
 */
function peakRssMb(): number {
  try {
    const m = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync("/proc/self/status", "utf8"));
    if (m) return Number(m[1]) / 1024;
  } catch {
    // not Linux: fall back to getrusage
  }
  return process.resourceUsage().maxRSS / 1024;
}
