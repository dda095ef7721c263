import fc from "fast-check";
import { privateKeyToAccount } from "viem/accounts";
import { getAddress, keccak256, toHex, type Address, type Hex } from "viem";
import { describe, expect, it } from "vitest";
import { hex } from "../../../sdk/src/bytes.js";
import { ParseError } from "../../../sdk/src/errors.js";
import {
  logOrigin,
  ordinaryThreshold,
  signCheckpoint,
  verifyCosignatures,
  type Checkpoint,
  type Cosignature,
  type Member,
} from "../../../sdk/src/log/checkpoint.js";
import { encodeLogLeaf } from "../../../sdk/src/log/leaf.js";
import { buildReceipt, parseReceipt, ReceiptBuildError, verifyReceipt, type LogReceipt } from "../../../sdk/src/log/receipt.js";
import { MerkleTree } from "../../../sdk/src/log/tree.js";
import { sampleLeaves } from "./samples.js";

const chainId = 11155111;
const registry: Address = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
const keys = [1, 2, 3, 4, 5].map((i) => keccak256(toHex(`poc-test-member-${i}`)));
const accounts = keys.map((k) => privateKeyToAccount(k));
const members: Member[] = accounts.map((a, i) => ({ address: a.address, name: `member ${i}` }));

// A log of 13 leaves cycling through every leaf type.
const leaves: Hex[] = Array.from({ length: 13 }, (_, i) => encodeLogLeaf({ ...sampleLeaves[i % sampleLeaves.length]!, timestamp: BigInt(1000 + i) }));
const tree = MerkleTree.fromLeaves(leaves);
const size = 11;
const checkpoint: Checkpoint = { origin: logOrigin({ chainId, registry }), size: BigInt(size), rootHash: `0x${hex(tree.root(size))}` };

async function cosign(signers: number[], cp = checkpoint, c = chainId, reg = registry): Promise<Cosignature[]> {
  return Promise.all(signers.map((i) => signCheckpoint({ chainId: c, registry: reg, checkpoint: cp, account: accounts[i]! })));
}

async function receiptFor(index: number, signers = [0, 1, 2]): Promise<LogReceipt> {
  return buildReceipt({
    chainId,
    registry,
    tree,
    index,
    leaf: leaves[index]!,
    checkpoint: { size, rootHash: checkpoint.rootHash },
    cosignatures: await cosign(signers),
    members,
    asOfBlock: 1234,
  });
}

const failed = (r: Awaited<ReturnType<typeof verifyReceipt>>) => r.checks.filter((c) => !c.ok).map((c) => c.name);

describe("checkpoint cosignatures (EIP-712 Checkpoint(string origin,uint64 size,bytes32 rootHash))", () => {
  it("the origin is proof-of-cloud:<chainId>:<lower-case registry>", () => {
    expect(logOrigin({ chainId, registry })).toBe(`proof-of-cloud:11155111:${registry.toLowerCase()}`);
  });

  it("the ordinary threshold is floor(n/2)+1", () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8, 9].map(ordinaryThreshold)).toEqual([1, 2, 2, 3, 3, 4, 4, 5, 5]);
  });

  it("member EOA signatures recover; duplicates, non-members and forgeries are reported, not counted", async () => {
    const [a, b] = await cosign([0, 1]);
    const outsider = privateKeyToAccount(keccak256(toHex("outsider")));
    const stranger = await signCheckpoint({ chainId, registry, checkpoint, account: outsider });
    const forged = { signer: accounts[2]!.address, signature: a!.signature };
    const r = await verifyCosignatures({ chainId, registry, checkpoint, members, cosignatures: [a!, b!, a!, stranger, forged] });
    expect(r.checks.map((c) => c.status)).toEqual(["valid", "valid", "duplicate", "not-member", "invalid"]);
    expect(r.counted).toEqual([accounts[0]!.address, accounts[1]!.address]);
  });

  it("a signature for another chain, registry, size or root does not verify", async () => {
    const others = [
      await cosign([0], checkpoint, 1),
      await cosign([0], checkpoint, chainId, getAddress("0x000000000000000000000000000000000000dEaD")),
      await cosign([0], { ...checkpoint, size: checkpoint.size + 1n }),
      await cosign([0], { ...checkpoint, rootHash: `0x${"00".repeat(32)}` }),
      await cosign([0], { ...checkpoint, origin: logOrigin({ chainId: 1, registry }) }),
    ];
    for (const sigs of others) {
      const r = await verifyCosignatures({ chainId, registry, checkpoint, members, cosignatures: sigs });
      expect(r.checks[0]!.status).toBe("invalid");
    }
  });

  it("a contract-wallet member's signature is marked online-only, never counted offline", async () => {
    const wallet: Member = { address: getAddress("0x1111111111111111111111111111111111111111"), contract: true };
    const [a] = await cosign([0]);
    const r = await verifyCosignatures({ chainId, registry, checkpoint, members: [...members, wallet], cosignatures: [{ signer: wallet.address, signature: a!.signature }] });
    expect(r.checks[0]!.status).toBe("online-only");
    expect(r.counted).toEqual([]);
    expect(r.onlineOnly).toEqual([wallet.address]);
  });
});

describe("offline receipt", () => {
  it("a receipt for every leaf in the checkpoint verifies", async () => {
    for (let i = 0; i < size; i++) {
      const r = await verifyReceipt(JSON.stringify(await receiptFor(i)));
      expect(failed(r), `leaf ${i}`).toEqual([]);
      expect(r.ok).toBe(true);
      expect(r.status).toBe("valid");
      expect(r.required).toBe(3);
      expect(r.counted.length).toBe(3);
      expect(r.entry?.leafType).toBe(sampleLeaves[i % sampleLeaves.length]!.leafType);
    }
  });

  it("it refuses to build for a leaf outside the checkpoint or a checkpoint the tree does not have", async () => {
    const base = { chainId, registry, tree, members, cosignatures: [] };
    expect(() => buildReceipt({ ...base, index: size, leaf: leaves[size]!, checkpoint: { size, rootHash: checkpoint.rootHash } })).toThrow(ReceiptBuildError);
    expect(() => buildReceipt({ ...base, index: 0, leaf: leaves[0]!, checkpoint: { size, rootHash: `0x${"00".repeat(32)}` } })).toThrow(ReceiptBuildError);
    expect(() => buildReceipt({ ...base, index: 1, leaf: leaves[0]!, checkpoint: { size, rootHash: checkpoint.rootHash } })).toThrow(ReceiptBuildError);
  });

  it("below the ordinary threshold it fails the quorum check only", async () => {
    const r = await verifyReceipt(await receiptFor(4, [0, 1]));
    expect(r.ok).toBe(false);
    expect(r.status).toBe("invalid");
    expect(failed(r)).toEqual(["cosignatures.quorum"]);
  });

  it("a quorum reachable only with contract-wallet signatures needs an online check", async () => {
    const receipt = await receiptFor(4, [0, 1]);
    const wallet = getAddress("0x2222222222222222222222222222222222222222");
    receipt.members.list = [...receipt.members.list.slice(0, 4), { address: wallet, contract: true }];
    receipt.cosignatures.push({ signer: wallet, signature: "0x1234" });
    const r = await verifyReceipt(receipt);
    expect(r.ok).toBe(false);
    expect(r.status).toBe("needs-online-check");
    expect(r.onlineOnly).toEqual([wallet]);
  });

  it("each tampering fails the check that covers it", async () => {
    const good = await receiptFor(6);
    const cases: [string, (r: LogReceipt) => void, string[]][] = [
      ["leaf bytes changed", (r) => (r.entry.leaf = encodeLogLeaf({ ...sampleLeaves[0]!, timestamp: 1n })), ["entry.leafHash", "entry.decoded", "inclusion"]],
      ["leaf hash changed", (r) => (r.entry.leafHash = `0x${"11".repeat(32)}`), ["entry.leafHash"]],
      ["decoded view edited", (r) => (r.entry.decoded.payload.provider = "Elsewhere"), ["entry.decoded"]],
      ["index moved", (r) => (r.entry.index = 7), ["inclusion"]],
      ["proof hash flipped", (r) => (r.inclusionProof[1] = `0x${"22".repeat(32)}`), ["inclusion"]],
      ["proof truncated", (r) => r.inclusionProof.pop(), ["inclusion"]],
      // Leaf 6's path has the same shape in trees of 11 and 12, so only the signatures catch this one.
      ["size changed", (r) => (r.checkpoint.size = 12), ["cosignatures.quorum"]],
      ["size changed to a different shape", (r) => (r.checkpoint.size = 7), ["inclusion", "cosignatures.quorum"]],
      ["root changed", (r) => (r.checkpoint.rootHash = `0x${hex(tree.root(12))}`), ["inclusion", "cosignatures.quorum"]],
      ["origin changed", (r) => (r.checkpoint.origin = "proof-of-cloud:1:" + registry.toLowerCase()), ["checkpoint.origin", "cosignatures.quorum"]],
      ["chain changed", (r) => (r.chainId = 1), ["checkpoint.origin", "cosignatures.quorum"]],
      ["registry changed", (r) => (r.registry = getAddress("0x000000000000000000000000000000000000dEaD")), ["checkpoint.origin", "cosignatures.quorum"]],
      ["threshold lowered", (r) => (r.members.threshold.required = 1), ["members.threshold"]],
      ["member list shrunk to the signers", (r) => (r.members.list = r.members.list.slice(0, 3)), ["members.threshold"]],
      ["member repeated", (r) => (r.members.list[4] = r.members.list[0]!), ["members.threshold"]],
    ];
    for (const [desc, mutate, expected] of cases) {
      const r = structuredClone(good);
      mutate(r);
      const result = await verifyReceipt(r);
      expect(result.ok, desc).toBe(false);
      expect(failed(result), desc).toEqual(expected);
    }
  });

  it("options pin the member set, chain and registry", async () => {
    const good = await receiptFor(2);
    expect((await verifyReceipt(good, { trustedMembers: members.map((m) => m.address), chainId, registry })).ok).toBe(true);
    const pinned = await verifyReceipt(good, { trustedMembers: members.slice(1).map((m) => m.address), chainId: 1, registry: getAddress("0x000000000000000000000000000000000000dEaD") });
    expect(failed(pinned)).toEqual(["members.trusted", "expected.chainId", "expected.registry"]);
  });

  it("malformed JSON is a ParseError naming the field", async () => {
    const good = await receiptFor(2);
    const cases: [(r: Record<string, any>) => void, string][] = [
      [(r) => (r.format = "x"), "format"],
      [(r) => (r.version = 2), "version"],
      [(r) => (r.chainId = "1"), "chainId"],
      [(r) => (r.registry = "0x12"), "registry"],
      [(r) => delete r.entry, "entry"],
      [(r) => (r.entry.index = -1), "entry.index"],
      [(r) => (r.entry.leaf = "zz"), "entry.leaf"],
      [(r) => (r.entry.leafHash = "0x00"), "entry.leafHash"],
      [(r) => (r.inclusionProof[2] = "0x1234"), "inclusionProof[2]"],
      [(r) => (r.checkpoint.size = 1.5), "checkpoint.size"],
      [(r) => (r.cosignatures[1].signature = 7), "cosignatures[1].signature"],
      [(r) => (r.members.list[3].contract = "yes"), "members.list[3].contract"],
      [(r) => (r.members.threshold.rule = "majority"), "members.threshold.rule"],
    ];
    for (const [mutate, field] of cases) {
      const r = structuredClone(good) as unknown as Record<string, any>;
      mutate(r);
      const err = await verifyReceipt(r).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err, field).toBeInstanceOf(ParseError);
      expect((err as ParseError).field).toBe(field);
    }
    await expect(verifyReceipt("{not json")).rejects.toBeInstanceOf(ParseError);
  });

  it("round-trips through JSON unchanged", async () => {
    const good = await receiptFor(9);
    expect(parseReceipt(JSON.stringify(good))).toEqual(good);
  });

  it("property: flipping any hex digit of the receipt's proof, leaf, root or a signature never verifies", async () => {
    const good = await receiptFor(5);
    const paths: [string, (r: LogReceipt) => string, (r: LogReceipt, v: string) => void][] = [
      ["leaf", (r) => r.entry.leaf, (r, v) => (r.entry.leaf = v as Hex)],
      ["root", (r) => r.checkpoint.rootHash, (r, v) => (r.checkpoint.rootHash = v as Hex)],
      ["proof[0]", (r) => r.inclusionProof[0]!, (r, v) => (r.inclusionProof[0] = v as Hex)],
      ["proof[last]", (r) => r.inclusionProof.at(-1)!, (r, v) => (r.inclusionProof[r.inclusionProof.length - 1] = v as Hex)],
      ["signature[0]", (r) => r.cosignatures[0]!.signature, (r, v) => (r.cosignatures[0]!.signature = v as Hex)],
    ];
    await fc.assert(
      fc.asyncProperty(fc.nat(paths.length - 1), fc.nat(), fc.integer({ min: 1, max: 15 }), async (which, at, x) => {
        const [, get, set] = paths[which]!;
        const r = structuredClone(good);
        const v = get(r);
        const pos = 2 + (at % (v.length - 2));
        const digit = (parseInt(v[pos]!, 16) ^ x).toString(16);
        set(r, v.slice(0, pos) + digit + v.slice(pos + 1));
        let result;
        try {
          result = await verifyReceipt(r);
        } catch (e) {
          expect(e).toBeInstanceOf(ParseError);
          return;
        }
        expect(result.ok).toBe(false);
      }),
      { numRuns: 60 },
    );
  });
});
