import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { hex, toBytes } from "../../../sdk/src/bytes.js";
import { ProofVerificationError, TreeRangeError } from "../../../sdk/src/log/errors.js";
import { EMPTY_ROOT, leafHash, nodeHash } from "../../../sdk/src/log/hash.js";
import { isConsistencyValid, isInclusionValid, verifyConsistency, verifyInclusion } from "../../../sdk/src/log/proof.js";
import { MerklePeaks, MerkleTree, rootHash } from "../../../sdk/src/log/tree.js";

// The RFC 6962 / RFC 9162 reference tree, as published with transparency-dev/merkle and
// certificate-transparency-go (values only): eight leaves, the root of every size 0..8, and the
// inclusion and consistency proofs those projects check.
const LEAVES = ["", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f"];
const ROOTS = [
  "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
  "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
  "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
  "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
  "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
  "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
  "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
  "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
  "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
];
// Published with 1-based leaf numbers; here 0-based indices.
const INCLUSION = [
  { index: 0, size: 8, proof: ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7", "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e", "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"] },
  { index: 5, size: 8, proof: ["bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b", "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0", "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"] },
  { index: 2, size: 3, proof: ["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"] },
  { index: 1, size: 5, proof: ["6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d", "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e", "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"] },
  { index: 0, size: 1, proof: [] },
];
const CONSISTENCY = [
  { size1: 1, size2: 1, proof: [] },
  { size1: 1, size2: 8, proof: ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7", "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e", "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"] },
  { size1: 6, size2: 8, proof: ["0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a", "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0", "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"] },
  { size1: 2, size2: 5, proof: ["5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e", "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"] },
  { size1: 6, size2: 7, proof: ["0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a", "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f", "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"] },
];
const SOME_HASH = "abacaba000000000000000000000000000000000000000000060061e00123456";

const tree = MerkleTree.fromLeaves(LEAVES);
const hexes = (hs: Uint8Array[]) => hs.map(hex);
/** Flips bit `bit` of byte `pick % 32` in a copy of a hash. */
const flipper = (pick: number, bit: number) => (h: Uint8Array) => {
  const c = h.slice();
  c[pick % 32]! ^= 1 << bit;
  return c;
};
/** A copy of a proof with its node `pick % length` flipped. */
const flipNode = (proof: Uint8Array[], pick: number, flip: (h: Uint8Array) => Uint8Array) => {
  const bad = proof.slice();
  bad[pick % proof.length] = flip(bad[pick % proof.length]!);
  return bad;
};

describe("RFC 9162 hashing (reference vectors)", () => {
  it("the empty tree's root is SHA-256 of the empty string", () => {
    expect(hex(EMPTY_ROOT)).toBe(ROOTS[0]);
    expect(hex(rootHash([]))).toBe(ROOTS[0]);
    expect(hex(new MerkleTree().root())).toBe(ROOTS[0]);
  });

  it("a leaf hash prefixes 0x00 and a node hash 0x01", () => {
    expect(hex(leafHash(""))).toBe(ROOTS[1]);
    expect(hex(nodeHash(leafHash(""), leafHash("00")))).toBe(ROOTS[2]);
  });

  it("every size 0..8 has the published root, by rootHash, MerklePeaks and MerkleTree", () => {
    const peaks = new MerklePeaks();
    expect(hex(peaks.root())).toBe(ROOTS[0]);
    for (let n = 1; n <= 8; n++) {
      peaks.append(leafHash(LEAVES[n - 1]!));
      expect(hex(peaks.root()), `peaks size ${n}`).toBe(ROOTS[n]);
      expect(peaks.peaks.length).toBe(n.toString(2).replace(/0/g, "").length);
      expect(hex(rootHash(LEAVES.slice(0, n))), `rootHash size ${n}`).toBe(ROOTS[n]);
      expect(hex(tree.root(n)), `tree.root(${n})`).toBe(ROOTS[n]);
    }
  });
});

describe("inclusion proofs (RFC 9162 §2.1.3, reference vectors)", () => {
  for (const v of INCLUSION) {
    it(`leaf ${v.index} in a tree of ${v.size}: generated proof equals the published one and verifies`, () => {
      expect(hexes(tree.inclusionProof(v.index, v.size))).toEqual(v.proof);
      verifyInclusion({ leafHash: leafHash(LEAVES[v.index]!), index: v.index, treeSize: v.size, proof: v.proof, rootHash: ROOTS[v.size]! });
    });

    it(`leaf ${v.index} in a tree of ${v.size}: every corruption of the published proof fails`, () => {
      const lh = hex(leafHash(LEAVES[v.index]!));
      const root = ROOTS[v.size]!;
      const base = { leafHash: lh, index: v.index, treeSize: v.size, proof: v.proof, rootHash: root };
      const probes: [string, typeof base][] = [
        ["index - 1", { ...base, index: v.index - 1 }],
        ["index + 1", { ...base, index: v.index + 1 }],
        ["index ^ 2", { ...base, index: v.index ^ 2 }],
        ["size * 2", { ...base, treeSize: v.size * 2 }],
        ["size / 2", { ...base, treeSize: Math.floor(v.size / 2) }],
        ["wrong leaf", { ...base, leafHash: hex(leafHash(new TextEncoder().encode("WrongLeaf"))) }],
        ["empty root", { ...base, rootHash: ROOTS[0]! }],
        ["random root", { ...base, rootHash: SOME_HASH }],
        ["trailing garbage", { ...base, proof: [...v.proof, ""] }],
        ["trailing root", { ...base, proof: [...v.proof, root] }],
        ["preceding garbage", { ...base, proof: ["", ...v.proof] }],
        ["preceding root", { ...base, proof: [root, ...v.proof] }],
      ];
      v.proof.forEach((_, i) => {
        const p = v.proof.map((h) => toBytes(h).slice());
        p[i]![0]! ^= 8;
        probes.push([`modified proof[${i}] bit 3`, { ...base, proof: p.map(hex) }]);
      });
      if (v.proof.length > 0) probes.push(["removed component", { ...base, proof: v.proof.slice(0, -1) }]);
      if (v.proof.length > 1) probes.push(["inserted component", { ...base, proof: [v.proof[0]!, SOME_HASH, ...v.proof.slice(1)] }]);
      for (const [desc, probe] of probes) {
        expect(() => verifyInclusion(probe), desc).toThrow(ProofVerificationError);
      }
    });
  }

  it("no proof verifies in the empty tree or for an index at or past the size", () => {
    for (const [index, size] of [[0, 0], [1, 0], [1, 1], [2, 1]] as const) {
      expect(isInclusionValid({ leafHash: SOME_HASH, index, treeSize: size, proof: [], rootHash: ROOTS[0]! })).toBe(false);
      expect(isInclusionValid({ leafHash: SOME_HASH, index, treeSize: size, proof: [], rootHash: SOME_HASH })).toBe(false);
    }
  });

  it("a failure names its check", () => {
    const err = (() => {
      try {
        verifyInclusion({ leafHash: SOME_HASH, index: 0, treeSize: 8, proof: INCLUSION[0]!.proof, rootHash: ROOTS[8]! });
      } catch (e) {
        return e as ProofVerificationError;
      }
    })();
    expect(err?.check).toBe("inclusion.root");
  });

  it("asking the tree for a leaf or size it does not have is a TreeRangeError", () => {
    expect(() => tree.inclusionProof(8, 8)).toThrow(TreeRangeError);
    expect(() => tree.inclusionProof(0, 9)).toThrow(TreeRangeError);
    expect(() => tree.inclusionProof(-1)).toThrow(TreeRangeError);
    expect(() => tree.consistencyProof(5, 4)).toThrow(TreeRangeError);
    expect(() => tree.root(9)).toThrow(TreeRangeError);
  });
});

describe("consistency proofs (RFC 9162 §2.1.4, reference vectors)", () => {
  for (const v of CONSISTENCY) {
    it(`from ${v.size1} to ${v.size2}: generated proof equals the published one and verifies`, () => {
      expect(hexes(tree.consistencyProof(v.size1, v.size2))).toEqual(v.proof);
      verifyConsistency({ size1: v.size1, size2: v.size2, rootHash1: ROOTS[v.size1]!, rootHash2: ROOTS[v.size2]!, proof: v.proof });
    });

    if (v.proof.length === 0) continue;
    it(`from ${v.size1} to ${v.size2}: every corruption of the published proof fails`, () => {
      const r1 = ROOTS[v.size1]!;
      const r2 = ROOTS[v.size2]!;
      const base = { size1: v.size1, size2: v.size2, rootHash1: r1, rootHash2: r2, proof: v.proof };
      const probes: [string, typeof base][] = [
        ["size1 - 1", { ...base, size1: v.size1 - 1 }],
        ["size1 + 1", { ...base, size1: v.size1 + 1 }],
        ["size1 ^ 2", { ...base, size1: v.size1 ^ 2 }],
        ["size2 * 2", { ...base, size2: v.size2 * 2 }],
        ["size2 / 2", { ...base, size2: Math.floor(v.size2 / 2) }],
        ["wrong root1", { ...base, rootHash1: SOME_HASH }],
        ["wrong root2", { ...base, rootHash2: SOME_HASH }],
        ["swapped roots", { ...base, rootHash1: r2, rootHash2: r1 }],
        ["empty proof", { ...base, proof: [] }],
        ["trailing garbage", { ...base, proof: [...v.proof, ""] }],
        ["trailing root1", { ...base, proof: [...v.proof, r1] }],
        ["trailing root2", { ...base, proof: [...v.proof, r2] }],
        ["preceding garbage", { ...base, proof: ["", ...v.proof] }],
        ["preceding root1", { ...base, proof: [r1, ...v.proof] }],
        ["preceding root2", { ...base, proof: [r2, ...v.proof] }],
        ["preceding proof[0]", { ...base, proof: [v.proof[0]!, ...v.proof] }],
        ["truncated proof", { ...base, proof: v.proof.slice(0, -1) }],
      ];
      v.proof.forEach((_, i) => {
        const p = v.proof.map((h) => toBytes(h).slice());
        p[i]![0]! ^= 16;
        probes.push([`modified proof[${i}] bit 4`, { ...base, proof: p.map(hex) }]);
      });
      for (const [desc, probe] of probes) {
        expect(() => verifyConsistency(probe), desc).toThrow(ProofVerificationError);
      }
    });
  }

  it("edge sizes follow the reference rules, with the contract's stricter empty-tree root", () => {
    const a = SOME_HASH;
    const b = ROOTS[3]!;
    const e = ROOTS[0]!;
    const ok = (size1: number, size2: number, rootHash1: string, rootHash2: string, proof: string[]) =>
      isConsistencyValid({ size1, size2, rootHash1, rootHash2, proof });
    expect(ok(0, 0, a, b, [])).toBe(false);
    expect(ok(1, 1, a, b, [])).toBe(false);
    expect(ok(0, 0, a, a, [])).toBe(true);
    // transparency-dev accepts any root for size 0; we (and TransparencyLog.sol) require the empty root.
    expect(ok(0, 1, a, b, [])).toBe(false);
    expect(ok(0, 1, e, b, [])).toBe(true);
    expect(ok(1, 1, b, b, [])).toBe(true);
    expect(ok(1, 0, a, b, [])).toBe(false);
    expect(ok(2, 1, a, b, [])).toBe(false);
    expect(ok(1, 2, a, b, [])).toBe(false);
    expect(ok(0, 0, e, e, [e])).toBe(false);
    expect(ok(0, 1, e, e, [e])).toBe(false);
    expect(ok(1, 1, e, e, [e])).toBe(false);
  });
});

describe("properties over random trees", () => {
  const leavesArb = fc.array(fc.uint8Array({ maxLength: 12 }), { minLength: 1, maxLength: 70 });

  it("every inclusion proof verifies, and flipping any bit of it, the leaf, the index or the root fails", () => {
    fc.assert(
      fc.property(leavesArb, fc.nat(), fc.nat(), fc.nat(), fc.nat(7), (leaves, a, b, pick, bit) => {
        const t = MerkleTree.fromLeaves(leaves);
        const size = 1 + (a % t.size);
        const index = b % size;
        const proof = t.inclusionProof(index, size);
        const root = t.root(size);
        const lh = leafHash(leaves[index]!);
        verifyInclusion({ leafHash: lh, index, treeSize: size, proof, rootHash: root });
        const flip = flipper(pick, bit);
        if (proof.length > 0) {
          const bad = flipNode(proof, pick, flip);
          expect(isInclusionValid({ leafHash: lh, index, treeSize: size, proof: bad, rootHash: root })).toBe(false);
          expect(isInclusionValid({ leafHash: lh, index, treeSize: size, proof: proof.slice(1), rootHash: root })).toBe(false);
        }
        expect(isInclusionValid({ leafHash: flip(lh), index, treeSize: size, proof, rootHash: root })).toBe(false);
        expect(isInclusionValid({ leafHash: lh, index, treeSize: size, proof, rootHash: flip(root) })).toBe(false);
        expect(isInclusionValid({ leafHash: lh, index, treeSize: size, proof: [...proof, root], rootHash: root })).toBe(false);
        // Another index verifies only if it is the same leaf content at a position with the same path (never, with distinct hashes).
        const other = (index + 1 + (pick % size)) % size;
        if (other !== index && hex(leafHash(leaves[other]!)) !== hex(lh)) {
          expect(isInclusionValid({ leafHash: lh, index: other, treeSize: size, proof, rootHash: root })).toBe(false);
        }
      }),
      { numRuns: 300 },
    );
  });

  it("every consistency proof verifies, and flipping any bit of it or of either root fails", () => {
    fc.assert(
      fc.property(leavesArb, fc.nat(), fc.nat(), fc.nat(), fc.nat(7), (leaves, a, b, pick, bit) => {
        const t = MerkleTree.fromLeaves(leaves);
        const size2 = 1 + (a % t.size);
        const size1 = b % (size2 + 1);
        const proof = t.consistencyProof(size1, size2);
        const r1 = t.root(size1);
        const r2 = t.root(size2);
        verifyConsistency({ size1, size2, rootHash1: r1, rootHash2: r2, proof });
        const flip = flipper(pick, bit);
        if (proof.length > 0) {
          const bad = flipNode(proof, pick, flip);
          expect(isConsistencyValid({ size1, size2, rootHash1: r1, rootHash2: r2, proof: bad })).toBe(false);
          expect(isConsistencyValid({ size1, size2, rootHash1: r1, rootHash2: r2, proof: proof.slice(0, -1) })).toBe(false);
        }
        // From the empty tree any root is consistent; otherwise both roots are bound.
        if (size1 > 0) {
          expect(isConsistencyValid({ size1, size2, rootHash1: flip(r1), rootHash2: r2, proof })).toBe(false);
          expect(isConsistencyValid({ size1, size2, rootHash1: r1, rootHash2: flip(r2), proof })).toBe(false);
        }
      }),
      { numRuns: 300 },
    );
  });

  it("MerklePeaks (the contract's algorithm) and MerkleTree agree at every size", () => {
    fc.assert(
      fc.property(leavesArb, (leaves) => {
        const peaks = new MerklePeaks();
        const t = new MerkleTree();
        for (const leaf of leaves) {
          peaks.append(leafHash(leaf));
          t.appendLeaf(leaf);
          expect(hex(peaks.root())).toBe(hex(t.root()));
        }
      }),
      { numRuns: 100 },
    );
  });
});
