/**
 * The onchain transparency log (docs/transparency-log.md): the TransparencyLog library against the
 * SDK's RFC 9162 tree (sdk/src/log), randomized registry histories that never shrink and stay
 * consistent, and checkpoints cosigned by members that bind one chain and one registry.
 */
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { keccak256, stringToBytes, toHex, type Hex } from "viem";
import { getLogLeaves, readLogState, registryCalls, writeChallenge, writeHeartbeat, writeRecordCheckpoint } from "../../sdk/src/chain/hardwareRegistry.js";
import { checkpointDomain, checkpointTypes, logOrigin } from "../../sdk/src/log/checkpoint.js";
import { isConsistencyValid } from "../../sdk/src/log/proof.js";
import { MerkleTree } from "../../sdk/src/log/tree.js";
import { connectChain, expectRevert, ProposalClass, type Connection, type Wallet } from "./fixture.js";
import { entry, keyOf, registryStack } from "./registryFixture.js";
import { decodeRevert } from "../../testkit/revert.js";
import { allianceExecuteAbi } from "../../sdk/src/chain/alliance.js";
import { hardwareRegistryAbi } from "../../sdk/src/chain/abi/HardwareRegistry.js";

const errorAbi = [...allianceExecuteAbi, ...hardwareRegistryAbi];
/** What a random operation may legitimately be refused with: an unknown, frozen or revoked entry, or a rule of the operation. */
const REFUSALS = ["UnknownEntry", "EntryFrozen", "EntryRevoked", "NotContinuouslyMonitored", "FreezeNeedsMajority"];

let c: Connection;
beforeAll(async () => {
  c = await connectChain();
});
const hexOf = (b: Uint8Array): Hex => `0x${Buffer.from(b).toString("hex")}`;

describe("the onchain tree is RFC 9162's: right-border peaks give the same root as the SDK's tree", () => {
  it("every size from 0 to 70, then random leaf batches", async () => {
    const harness = await c.viem.deployContract("TransparencyLogHarness");
    const tree = new MerkleTree();
    expect(await harness.read.root()).toBe(hexOf(tree.root()));
    for (let i = 0; i < 70; i++) {
      const leaf = toHex(stringToBytes(`leaf ${i}`));
      await harness.write.appendMany([[leaf]]);
      tree.appendLeaf(leaf);
      expect(await harness.read.root(), `size ${i + 1}`).toBe(hexOf(tree.root()));
    }
    await fc.assert(
      fc.asyncProperty(fc.array(fc.uint8Array({ minLength: 0, maxLength: 200 }), { minLength: 1, maxLength: 12 }), async (leaves) => {
        const hexLeaves = leaves.map((l) => hexOf(l));
        await harness.write.appendMany([hexLeaves]);
        hexLeaves.forEach((l) => tree.appendLeaf(l));
        expect(await harness.read.size()).toBe(BigInt(tree.size));
        expect(await harness.read.root()).toBe(hexOf(tree.root()));
      }),
      { numRuns: 25 },
    );
  });

  it("onchain consistency verification accepts the SDK's proofs and refuses any altered one", async () => {
    const harness = await c.viem.deployContract("TransparencyLogHarness");
    const tree = MerkleTree.fromLeaves(Array.from({ length: 37 }, (_, i) => toHex(stringToBytes(`x${i}`))));
    const verify = (s1: number, s2: number, r1: Hex, r2: Hex, proof: Hex[]) => harness.read.verifyConsistency([BigInt(s1), BigInt(s2), r1, r2, proof]);
    for (let s2 = 1; s2 <= 37; s2++) {
      for (let s1 = 0; s1 <= s2; s1++) {
        const proof = tree.consistencyProof(s1, s2).map(hexOf);
        const r1 = hexOf(tree.root(s1));
        const r2 = hexOf(tree.root(s2));
        expect(await verify(s1, s2, r1, r2, proof), `${s1}->${s2}`).toBe(true);
        if (s1 > 0 && s1 < s2) {
          expect(await verify(s1, s2, r2, r2, proof)).toBe(false);
          expect(await verify(s1 + 1 === s2 ? s1 - 1 : s1 + 1, s2, r1, r2, proof)).toBe(false);
          const bad = [...proof];
          bad[bad.length - 1] = keccak256(bad[bad.length - 1]!);
          expect(await verify(s1, s2, r1, r2, bad)).toBe(false);
          expect(await verify(s1, s2, r1, r2, proof.slice(0, -1))).toBe(false);
        }
      }
    }
    expect(await verify(5, 3, hexOf(tree.root(5)), hexOf(tree.root(3)), [])).toBe(false);
  });
});

type Op = { kind: "add"; ids: number[] } | { kind: "heartbeat"; id: number } | { kind: "challenge"; id: number } | { kind: "freeze"; id: number } | { kind: "revoke"; id: number };

describe("randomized registry histories: the log never shrinks and each new root is consistent with every earlier one", () => {
  it("fast-check sequences of adds, heartbeats, challenges, freezes and revocations", async () => {
    const opArb: fc.Arbitrary<Op> = fc.oneof(
      fc.record({ kind: fc.constant("add" as const), ids: fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 1, maxLength: 4 }) }),
      fc.record({ kind: fc.constant("heartbeat" as const), id: fc.integer({ min: 0, max: 5 }) }),
      fc.record({ kind: fc.constant("challenge" as const), id: fc.integer({ min: 0, max: 5 }) }),
      fc.record({ kind: fc.constant("freeze" as const), id: fc.integer({ min: 0, max: 5 }) }),
      fc.record({ kind: fc.constant("revoke" as const), id: fc.integer({ min: 0, max: 5 }) }),
    );
    let grew = 0;
    let refused = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 10 }), async (ops) => {
        const s = await registryStack(c, 3);
        const states: { size: number; root: Hex }[] = [{ size: Number(await s.registry.read.logSize()), root: (await s.registry.read.logRoot()) as Hex }];
        for (const op of ops) {
          // Operations may be refused (unknown, frozen or revoked entries): a refusal must not move the log.
          const t = await s.now();
          try {
            if (op.kind === "add") await s.addEntries([...new Set(op.ids)].map((i) => entry(keyOf(i), t, { level: 3, cadence: 600 })));
            else if (op.kind === "heartbeat") await c.publicClient.waitForTransactionReceipt({ hash: await writeHeartbeat(s.members[0]!, { registry: s.r, platformKeys: [keyOf(op.id)] }) });
            else if (op.kind === "challenge")
              await c.publicClient.waitForTransactionReceipt({ hash: await writeChallenge(c.wallets[15]!, { registry: s.r, platformKey: keyOf(op.id), evidenceHash: keyOf(op.id), evidenceUri: "u" }) });
            else if (op.kind === "freeze") await s.govern([registryCalls.freeze(s.r, [keyOf(op.id)], keyOf(op.id))], ProposalClass.EmergencyFreeze);
            else await s.govern([registryCalls.revoke(s.r, [keyOf(op.id)], keyOf(op.id))], ProposalClass.SecurityCritical);
          } catch (e) {
            // Refused: only the registry's own typed refusals count (checked below through the unchanged size).
            expect(REFUSALS, `${op.kind} refused with ${decodeRevert(e, errorAbi).name}`).toContain(decodeRevert(e, errorAbi).name);
          }
          const size = Number(await s.registry.read.logSize());
          const root = (await s.registry.read.logRoot()) as Hex;
          const prev = states[states.length - 1]!;
          expect(size).toBeGreaterThanOrEqual(prev.size);
          if (size === prev.size) expect(root).toBe(prev.root);
          if (size > prev.size) grew++;
          else refused++;
          states.push({ size, root });
        }
        const leaves = await getLogLeaves(c.publicClient, { registry: s.r });
        const tree = MerkleTree.fromLeaves(leaves.map((l) => l.leaf));
        const last = states[states.length - 1]!;
        expect(tree.size).toBe(last.size);
        for (const st of states) {
          expect(hexOf(tree.root(st.size))).toBe(st.root);
          for (const later of states.filter((x) => x.size >= st.size)) {
            const proof = tree.consistencyProof(st.size, later.size);
            expect(isConsistencyValid({ size1: st.size, size2: later.size, rootHash1: st.root, rootHash2: later.root, proof })).toBe(true);
          }
        }
      }),
      { numRuns: 15 },
    );
    // The generator must exercise both paths, or the property says little.
    expect(grew).toBeGreaterThan(10);
    expect(refused).toBeGreaterThan(0);
  });
});

async function cosign(w: Wallet, registry: Hex, chainId: number, size: bigint, rootHash: Hex, signer?: Hex) {
  const signature = await w.signTypedData({
    domain: checkpointDomain({ chainId, registry }),
    types: checkpointTypes,
    primaryType: "Checkpoint",
    message: { origin: logOrigin({ chainId, registry }), size, rootHash },
  });
  return { signer: signer ?? w.account.address, signature };
}

describe("a checkpoint is recorded with at least the ordinary threshold of distinct current members", () => {
  it("records the current tree, then an older state proven consistent; refuses bad cosignatures and states", async () => {
    const s = await registryStack(c, 5);
    const t = await s.now();
    await s.addEntries([1, 2, 3].map((i) => entry(keyOf(i), t)));
    const mid = await readLogState(c.publicClient, { registry: s.r });
    expect(mid.origin).toBe(logOrigin({ chainId: c.chainId, registry: s.r }));
    await s.addEntries([4, 5].map((i) => entry(keyOf(i), t)));
    const cur = await readLogState(c.publicClient, { registry: s.r });
    const leaves = await getLogLeaves(c.publicClient, { registry: s.r });
    const tree = MerkleTree.fromLeaves(leaves.map((l) => l.leaf));
    const sign = (ws: Wallet[], size: bigint, root: Hex) => Promise.all(ws.map((w) => cosign(w, s.r, c.chainId, size, root)));
    const submit = (size: bigint, root: Hex, proof: Hex[], cos: { signer: Hex; signature: Hex }[]) =>
      writeRecordCheckpoint(c.wallets[18]!, { registry: s.r, size, rootHash: root, consistencyProof: proof, cosignatures: cos });

    // Older state first: needs the consistency proof to the current root.
    const proof = tree.consistencyProof(Number(mid.size)).map(hexOf);
    await expectRevert(submit(mid.size, mid.rootHash, proof, await sign(s.members.slice(0, 2), mid.size, mid.rootHash)), "BelowThreshold");
    await expectRevert(submit(mid.size, mid.rootHash, [], await sign(s.members.slice(0, 3), mid.size, mid.rootHash)), "InconsistentCheckpoint");
    await expectRevert(submit(mid.size, cur.rootHash, proof, await sign(s.members.slice(0, 3), mid.size, cur.rootHash)), "InconsistentCheckpoint");
    await c.publicClient.waitForTransactionReceipt({ hash: await submit(mid.size, mid.rootHash, proof, await sign(s.members.slice(0, 3), mid.size, mid.rootHash)) });
    expect((await readLogState(c.publicClient, { registry: s.r })).latestCheckpoint).toMatchObject({ size: mid.size, rootHash: mid.rootHash });

    const three = await sign(s.members.slice(0, 3), cur.size, cur.rootHash);
    await expectRevert(submit(cur.size, cur.rootHash, [], [three[0]!, three[1]!, three[0]!]), "DuplicateSigner");
    await expectRevert(submit(cur.size, cur.rootHash, [], [...three.slice(0, 2), await cosign(c.wallets[15]!, s.r, c.chainId, cur.size, cur.rootHash)]), "NotMember");
    await expectRevert(submit(cur.size + 1n, cur.rootHash, [], three), "InconsistentCheckpoint");
    // Cosignatures for another chain or another registry do not verify here.
    const otherChain = await cosign(s.members[2]!, s.r, 11155111, cur.size, cur.rootHash);
    await expectRevert(submit(cur.size, cur.rootHash, [], [...three.slice(0, 2), otherChain]), "InvalidSignature");
    const twin = await c.viem.deployContract("HardwareRegistry", [s.a, keccak256(stringToBytes("twin"))]);
    const otherRegistry = await cosign(s.members[2]!, twin.address, c.chainId, cur.size, cur.rootHash);
    await expectRevert(submit(cur.size, cur.rootHash, [], [...three.slice(0, 2), otherRegistry]), "InvalidSignature");
    await c.publicClient.waitForTransactionReceipt({ hash: await submit(cur.size, cur.rootHash, [], three) });
    await expectRevert(submit(mid.size, mid.rootHash, proof, await sign(s.members.slice(0, 3), mid.size, mid.rootHash)), "StaleCheckpoint");
    // The registry's digest is the SDK's.
    expect(await s.registry.read.hashCheckpoint([cur.size, cur.rootHash])).toBe(
      (await import("../../sdk/src/log/checkpoint.js")).hashCheckpoint({ chainId: c.chainId, registry: s.r, checkpoint: { origin: cur.origin, size: cur.size, rootHash: cur.rootHash } }),
    );
  });
});

describe("an ERC-1271 wallet member cosigns checkpoints like an EOA", () => {
  it("the wallet's cosignature counts toward the threshold", async () => {
    const owner = c.wallets[12]!;
    const wallet = await c.viem.deployContract("ERC1271Wallet", [owner.account.address], { client: { wallet: owner } });
    const m = c.wallets.slice(0, 2);
    const alliance = await c.viem.deployContract("Alliance", [[m[0]!.account.address, m[1]!.account.address, wallet.address], ["a", "b", "w"]]);
    const registry = await c.viem.deployContract("HardwareRegistry", [alliance.address, keccak256(stringToBytes("w"))]);
    const st = await readLogState(c.publicClient, { registry: registry.address });
    const cos = [await cosign(m[0]!, registry.address, c.chainId, st.size, st.rootHash), await cosign(owner, registry.address, c.chainId, st.size, st.rootHash, wallet.address)];
    await c.publicClient.waitForTransactionReceipt({
      hash: await writeRecordCheckpoint(c.wallets[18]!, { registry: registry.address, size: st.size, rootHash: st.rootHash, consistencyProof: [], cosignatures: cos }),
    });
    expect((await readLogState(c.publicClient, { registry: registry.address })).latestCheckpoint.recordedAt > 0n).toBe(true);
    // The same owner signature presented as the owner's own (not a member) is refused.
    await expectRevert(
      writeRecordCheckpoint(c.wallets[18]!, { registry: registry.address, size: st.size, rootHash: st.rootHash, consistencyProof: [], cosignatures: [cos[0]!, { ...cos[1]!, signer: owner.account.address }] }),
      "NotMember",
    );
  });
});
