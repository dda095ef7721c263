/**
 * Node-only: writes the log as a static c2sp.org/tlog-tiles directory a CDN can serve as is:
 * `checkpoint` (the signed note), `tile/<L>/<N>[.p/<W>]` (hash tiles, height 8) and
 * `tile/entries/<N>[.p/<W>]` (entry bundles: the raw leaves). Paths and bundle layout come from
 * sdk/src/log/c2sp.ts; the hashes from a MerkleTree (in memory or file-backed, sdk/node/hashFiles.ts).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { entriesPath, entryBundle, TILE_WIDTH, tilePath } from "../src/log/c2sp.js";
import { HASH_SIZE } from "../src/log/hash.js";
import type { MerkleTree } from "../src/log/tree.js";

export type WriteTilesParameters = {
  tree: MerkleTree;
  /** The checkpoint's size (at most tree.size): tiles describe that tree. */
  size: number;
  /** The leaves 0..size-1 in order, for the entry bundles. */
  leaves: Iterable<Uint8Array>;
  /** The signed checkpoint note (sdk/src/log/c2sp.ts signedCheckpointNote). */
  checkpointNote: string;
};

function put(dir: string, rel: string, data: Uint8Array | string): void {
  const file = join(dir, rel);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, data);
}

/** Writes every tile of the tree of `size` and every entry bundle; returns how many files of each. */
export function writeTiles(outDir: string, args: WriteTilesParameters): { hashTiles: number; entryBundles: number } {
  const { tree, size } = args;
  if (!Number.isSafeInteger(size) || size < 0 || size > tree.size) throw new RangeError(`size ${size} is not within the tree's ${tree.size} leaves`);
  let hashTiles = 0;
  for (let level = 0; ; level++) {
    // Level L tiles hold the complete subtrees of height 8L of the tree of `size`.
    const count = Math.floor(size / 2 ** (8 * level));
    if (count === 0) break;
    for (let n = 0; n * TILE_WIDTH < count; n++) {
      const width = Math.min(TILE_WIDTH, count - n * TILE_WIDTH);
      const tile = new Uint8Array(width * HASH_SIZE);
      for (let k = 0; k < width; k++) tile.set(tree.levelHash(8 * level, n * TILE_WIDTH + k), k * HASH_SIZE);
      put(outDir, tilePath(level, n, width), tile);
      hashTiles++;
    }
  }
  let entryBundles = 0;
  let batch: Uint8Array[] = [];
  let index = 0;
  const flush = () => {
    put(outDir, entriesPath(entryBundles, batch.length), entryBundle(batch));
    entryBundles++;
    batch = [];
  };
  for (const leaf of args.leaves) {
    if (index >= size) break;
    batch.push(leaf.slice());
    index++;
    if (batch.length === TILE_WIDTH) flush();
  }
  if (batch.length) flush();
  if (index !== size) throw new RangeError(`leaves gave ${index} entries, the checkpoint has ${size}`);
  put(outDir, "checkpoint", args.checkpointNote);
  return { hashTiles, entryBundles };
}
