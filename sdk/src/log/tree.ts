/**
 * The log's Merkle tree (RFC 9162 §2.1.1), two ways:
 * - `MerklePeaks`: only the right-border peaks, as the contract keeps them (amortised O(1) append,
 *   O(log n) root); enough to follow the root, not to prove.
 * - `MerkleTree`: every complete (perfect, aligned) subtree hash, level by level, so the root of any
 *   earlier size and every inclusion / consistency proof cost O(log n) hashes.
 * A subtree hash used by RFC 9162's recursion is either a perfect aligned subtree (stored) or the
 * right edge D[k:n], folded from the stored perfect subtrees that tile it.
 */
import { type BytesLike } from "../bytes.js";
import { TreeRangeError } from "./errors.js";
import { EMPTY_ROOT, HASH_SIZE, leafHash, nodeHash, splitPoint, toHash } from "./hash.js";

/** MTH(D[n]) of raw leaves, as RFC 9162 defines it. */
export function rootHash(leaves: readonly BytesLike[]): Uint8Array {
  const peaks = new MerklePeaks();
  for (const leaf of leaves) peaks.append(leafHash(leaf));
  return peaks.root();
}

/** MTH of a list of already-hashed leaves. */
export function rootHashFromLeafHashes(leafHashes: readonly BytesLike[]): Uint8Array {
  const peaks = new MerklePeaks();
  leafHashes.forEach((h, i) => peaks.append(toHash(h, `leafHashes[${i}]`)));
  return peaks.root();
}

/**
 * The right-border peaks of the tree: one perfect subtree per set bit of `size`, largest (leftmost)
 * first. This is the state `contracts/registry/TransparencyLog.sol` keeps.
 */
export class MerklePeaks {
  private readonly _peaks: Uint8Array[] = [];
  private _size = 0;

  get size(): number {
    return this._size;
  }

  /** The peaks, leftmost (largest subtree) first. */
  get peaks(): readonly Uint8Array[] {
    return this._peaks;
  }

  /** Appends one leaf hash; merges equal-height peaks (one merge per trailing 1-bit of the old size). */
  append(hash: Uint8Array): void {
    let h = hash;
    for (let s = this._size; s % 2 === 1; s = Math.floor(s / 2)) h = nodeHash(this._peaks.pop()!, h);
    this._peaks.push(h);
    this._size++;
  }

  /** MTH(D[size]): the peaks folded right to left; SHA-256("") for the empty tree. */
  root(): Uint8Array {
    if (this._peaks.length === 0) return EMPTY_ROOT;
    let r = this._peaks[this._peaks.length - 1]!;
    for (let i = this._peaks.length - 2; i >= 0; i--) r = nodeHash(this._peaks[i]!, r);
    return r;
  }
}

/**
 * Where a MerkleTree keeps one level of complete subtree hashes. The default lives in memory; a
 * Node program can keep levels in files (sdk/node/hashFiles.ts) so proofs over millions of leaves
 * need O(log n) memory. Callers copy what `get` returns before keeping it.
 */
export interface HashLevel {
  readonly count: number;
  push(h: Uint8Array): void;
  get(i: number): Uint8Array;
  /** Persists buffered hashes (file-backed levels). */
  flush?(): void;
}

/** Opens (or creates) the store of level `height`; a reopened store keeps its hashes. */
export type HashLevelFactory = (height: number) => HashLevel;

/** One level of complete subtree hashes, packed into one growable buffer (fewer objects for 100k+ leaves). */
export class MemoryHashLevel implements HashLevel {
  buf = new Uint8Array(HASH_SIZE * 64);
  count = 0;
  push(h: Uint8Array): void {
    if ((this.count + 1) * HASH_SIZE > this.buf.length) {
      const next = new Uint8Array(this.buf.length * 2);
      next.set(this.buf);
      this.buf = next;
    }
    this.buf.set(h, this.count * HASH_SIZE);
    this.count++;
  }
  get(i: number): Uint8Array {
    return this.buf.subarray(i * HASH_SIZE, (i + 1) * HASH_SIZE);
  }
}

/**
 * A full in-memory log tree. `levels[h][i]` is the hash of leaves [i·2^h, (i+1)·2^h); only complete
 * subtrees are stored, so appending costs amortised O(1) hashes and memory is ~2 hashes per leaf.
 */
export class MerkleTree {
  private readonly levels: HashLevel[];
  private readonly newLevel: HashLevelFactory;

  /** `newLevel`: where levels live (default: memory). Reopening file-backed levels restores the tree. */
  constructor(newLevel: HashLevelFactory = () => new MemoryHashLevel()) {
    this.newLevel = newLevel;
    this.levels = [newLevel(0)];
    while (this.levels[this.levels.length - 1]!.count >= 2) this.levels.push(newLevel(this.levels.length));
  }

  /** Builds a tree from raw leaves. */
  static fromLeaves(leaves: Iterable<BytesLike>): MerkleTree {
    const t = new MerkleTree();
    for (const leaf of leaves) t.appendLeaf(leaf);
    return t;
  }

  /** Builds a tree from leaf hashes. */
  static fromLeafHashes(hashes: Iterable<BytesLike>): MerkleTree {
    const t = new MerkleTree();
    let i = 0;
    for (const h of hashes) t.appendLeafHash(toHash(h, `leafHashes[${i++}]`));
    return t;
  }

  /** Number of leaves. */
  get size(): number {
    return this.levels[0]!.count;
  }

  /** Appends a raw leaf; returns its index. */
  appendLeaf(leaf: BytesLike): number {
    return this.appendLeafHash(leafHash(leaf));
  }

  /** Appends a leaf hash; returns its index. */
  appendLeafHash(hash: BytesLike): number {
    let h = toHash(hash, "leafHash");
    const index = this.size;
    this.levels[0]!.push(h);
    // Each time a level's count becomes even, a new complete parent exists one level up.
    for (let level = 0; this.levels[level]!.count % 2 === 0; level++) {
      const lv = this.levels[level]!;
      h = nodeHash(lv.get(lv.count - 2), lv.get(lv.count - 1));
      if (!this.levels[level + 1]) this.levels.push(this.newLevel(level + 1));
      this.levels[level + 1]!.push(h);
    }
    return index;
  }

  /** Persists file-backed levels (no-op in memory). */
  flush(): void {
    for (const l of this.levels) l.flush?.();
  }

  /** The hash of the complete subtree `index` at `height` (leaves [index·2^height, (index+1)·2^height)); for tiles. */
  levelHash(height: number, index: number): Uint8Array {
    const lv = this.levels[height];
    if (!lv || !Number.isSafeInteger(index) || index < 0 || index >= lv.count) throw new TreeRangeError(`level ${height} index`, index, lv?.count ?? 0);
    return lv.get(index).slice();
  }

  /** Number of complete subtrees at `height`. */
  levelCount(height: number): number {
    return this.levels[height]?.count ?? 0;
  }

  /** The leaf hash at `index`. */
  leafHash(index: number): Uint8Array {
    this.checkIndex(index, this.size);
    return this.levels[0]!.get(index).slice();
  }

  /** MTH(D[size]) for any size up to the current one (default: the current size). */
  root(size: number = this.size): Uint8Array {
    this.checkSize(size);
    return size === 0 ? EMPTY_ROOT : this.subtree(0, size).slice();
  }

  /** RFC 9162 §2.1.3.1 PATH(index, D[size]): sibling hashes from the leaf up to the root. */
  inclusionProof(index: number, size: number = this.size): Uint8Array[] {
    this.checkSize(size);
    this.checkIndex(index, size);
    const proof: Uint8Array[] = [];
    this.path(index, 0, size, proof);
    return proof.map((h) => h.slice());
  }

  /** RFC 9162 §2.1.4.1 PROOF(size1, D[size2]); empty when size1 is 0 or equals size2. */
  consistencyProof(size1: number, size2: number = this.size): Uint8Array[] {
    this.checkSize(size2);
    if (!Number.isSafeInteger(size1) || size1 < 0 || size1 > size2) throw new TreeRangeError("size1", size1, size2);
    const proof: Uint8Array[] = [];
    if (size1 > 0 && size1 < size2) this.subproof(size1, 0, size2, true, proof);
    return proof.map((h) => h.slice());
  }

  /** MTH(D[start:end]) for a range RFC 9162's recursion produces (start aligned to its split). */
  private subtree(start: number, end: number): Uint8Array {
    const n = end - start;
    const height = Math.log2(n);
    if (Number.isInteger(height) && start % n === 0) return this.levels[height]!.get(start / n);
    const k = splitPoint(n);
    return nodeHash(this.subtree(start, start + k), this.subtree(start + k, end));
  }

  // PATH(m, D[start:end]) appended to out, deepest sibling first.
  private path(m: number, start: number, end: number, out: Uint8Array[]): void {
    const n = end - start;
    if (n === 1) return;
    const k = splitPoint(n);
    if (m < k) {
      this.path(m, start, start + k, out);
      out.push(this.subtree(start + k, end));
    } else {
      this.path(m - k, start + k, end, out);
      out.push(this.subtree(start, start + k));
    }
  }

  // SUBPROOF(m, D[start:end], b) appended to out.
  private subproof(m: number, start: number, end: number, complete: boolean, out: Uint8Array[]): void {
    const n = end - start;
    if (m === n) {
      if (!complete) out.push(this.subtree(start, end));
      return;
    }
    const k = splitPoint(n);
    if (m <= k) {
      this.subproof(m, start, start + k, complete, out);
      out.push(this.subtree(start + k, end));
    } else {
      this.subproof(m - k, start + k, end, false, out);
      out.push(this.subtree(start, start + k));
    }
  }

  private checkSize(size: number): void {
    if (!Number.isSafeInteger(size) || size < 0 || size > this.size) throw new TreeRangeError("size", size, this.size);
  }

  private checkIndex(index: number, size: number): void {
    if (!Number.isSafeInteger(index) || index < 0 || index >= size) throw new TreeRangeError("index", index, size);
  }
}
