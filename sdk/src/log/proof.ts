/**
 * Proof verification by the algorithms of RFC 9162 §2.1.3.2 (inclusion) and §2.1.4.2 (consistency).
 * Both throw ProofVerificationError (a VerificationError) with a stable `check` on any failure,
 * including out-of-range sizes and hashes of the wrong length: bad input never crashes or passes.
 */
import { equalBytes, hex, type BytesLike } from "../bytes.js";
import { PocError } from "../errors.js";
import { ProofVerificationError } from "./errors.js";
import { EMPTY_ROOT, nodeHash, toHash } from "./hash.js";

export type VerifyInclusionParameters = {
  /** The leaf hash, SHA-256(0x00 || leaf). */
  leafHash: BytesLike;
  /** 0-based index of the leaf. */
  index: number;
  /** The tree size the proof is for. */
  treeSize: number;
  /** The inclusion proof, deepest sibling first. */
  proof: readonly BytesLike[];
  /** The expected root hash of the tree of `treeSize`. */
  rootHash: BytesLike;
};

export type VerifyConsistencyParameters = {
  size1: number;
  size2: number;
  rootHash1: BytesLike;
  rootHash2: BytesLike;
  proof: readonly BytesLike[];
};

function fail(check: string, message: string, details?: string): never {
  throw new ProofVerificationError(check, message, details === undefined ? {} : { details });
}

function checkCount(check: string, field: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 0) fail(check, `${field} must be a non-negative integer, got ${value}`);
}

// A hash of the wrong length can never verify: report it as a failed check, not a crash.
function hashArg(kind: "inclusion" | "consistency", value: BytesLike, field: string): Uint8Array {
  try {
    return toHash(value, field);
  } catch (e) {
    if (e instanceof PocError) fail(`${kind}.hashSize`, e.shortMessage);
    throw e;
  }
}

/**
 * The root an inclusion proof implies (RFC 9162 §2.1.3.2 steps 1-4, with the final sn == 0 check):
 * throws when the proof has the wrong number of hashes for (index, treeSize).
 */
export function rootFromInclusionProof(args: Omit<VerifyInclusionParameters, "rootHash">): Uint8Array {
  const { index, treeSize } = args;
  checkCount("inclusion.index", "index", index);
  checkCount("inclusion.index", "treeSize", treeSize);
  if (index >= treeSize) fail("inclusion.index", `leaf index ${index} is not below tree size ${treeSize}`);
  const proof = args.proof.map((p, i) => hashArg("inclusion", p, `proof[${i}]`));
  // Sizes are safe integers (checked above): plain numbers with /2 instead of BigInt shifts.
  let fn = index;
  let sn = treeSize - 1;
  let r = hashArg("inclusion", args.leafHash, "leafHash");
  for (const p of proof) {
    if (sn === 0) fail("inclusion.length", `inclusion proof is too long for index ${index} in a tree of ${treeSize}`);
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  if (sn !== 0) fail("inclusion.length", `inclusion proof is too short for index ${index} in a tree of ${treeSize}`);
  return r;
}

/** Verifies an inclusion proof; returns nothing, throws ProofVerificationError on any failure. */
export function verifyInclusion(args: VerifyInclusionParameters): void {
  const root = hashArg("inclusion", args.rootHash, "rootHash");
  const computed = rootFromInclusionProof(args);
  if (!equalBytes(computed, root)) {
    fail("inclusion.root", `inclusion proof for leaf ${args.index} does not lead to the root of size ${args.treeSize}`, `computed 0x${hex(computed)}, expected 0x${hex(root)}`);
  }
}

/**
 * Verifies that the tree of size2 with rootHash2 extends the tree of size1 with rootHash1.
 * Edge cases beyond the RFC's 0 < size1 < size2, as the contract decides them: equal sizes need equal
 * roots and an empty proof; size1 = 0 needs an empty proof and rootHash1 = SHA-256("").
 */
export function verifyConsistency(args: VerifyConsistencyParameters): void {
  const { size1, size2 } = args;
  checkCount("consistency.size", "size1", size1);
  checkCount("consistency.size", "size2", size2);
  const root1 = hashArg("consistency", args.rootHash1, "rootHash1");
  const root2 = hashArg("consistency", args.rootHash2, "rootHash2");
  const path = args.proof.map((p, i) => hashArg("consistency", p, `proof[${i}]`));
  if (size2 < size1) fail("consistency.size", `size2 ${size2} is smaller than size1 ${size1}: a log never shrinks`);
  if (size1 === size2) {
    if (path.length !== 0) fail("consistency.length", "a proof between equal sizes must be empty");
    if (!equalBytes(root1, root2)) fail("consistency.root", `two different roots for the same size ${size1}`);
    return;
  }
  if (size1 === 0) {
    if (path.length !== 0) fail("consistency.length", "a proof from the empty tree must be empty");
    // Stricter than transparency-dev (which ignores root1 here) and the same as TransparencyLog.sol.
    if (!equalBytes(root1, EMPTY_ROOT)) fail("consistency.root1", "the root of the empty tree is SHA-256 of the empty string");
    return;
  }
  if (path.length === 0) fail("consistency.length", `consistency proof from ${size1} to ${size2} is empty`);

  // §2.1.4.2 step 2: when size1 is a power of two, its root is the first node of the path.
  const isPowerOfTwo = (BigInt(size1) & BigInt(size1 - 1)) === 0n;
  const c = isPowerOfTwo ? [root1, ...path] : path;
  let fn = size1 - 1;
  let sn = size2 - 1;
  while (fn % 2 === 1) {
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  let fr = c[0]!;
  let sr = c[0]!;
  for (let i = 1; i < c.length; i++) {
    const p = c[i]!;
    if (sn === 0) fail("consistency.length", `consistency proof from ${size1} to ${size2} is too long`);
    if (fn % 2 === 1 || fn === sn) {
      fr = nodeHash(p, fr);
      sr = nodeHash(p, sr);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      sr = nodeHash(sr, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  if (sn !== 0) fail("consistency.length", `consistency proof from ${size1} to ${size2} is too short`);
  if (!equalBytes(fr, root1)) fail("consistency.root1", `consistency proof does not lead to the root of size ${size1}`);
  if (!equalBytes(sr, root2)) fail("consistency.root2", `consistency proof does not lead to the root of size ${size2}`);
}

/** Boolean forms for callers that only branch on the outcome. */
export function isInclusionValid(args: VerifyInclusionParameters): boolean {
  try {
    verifyInclusion(args);
    return true;
  } catch (e) {
    if (e instanceof ProofVerificationError) return false;
    throw e;
  }
}

export function isConsistencyValid(args: VerifyConsistencyParameters): boolean {
  try {
    verifyConsistency(args);
    return true;
  } catch (e) {
    if (e instanceof ProofVerificationError) return false;
    throw e;
  }
}
