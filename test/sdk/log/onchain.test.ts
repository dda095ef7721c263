/**
 * The SDK's log against the real contracts on the in-process chain: rebuild from events, decode
 * every leaf the registry wrote, cosign a checkpoint the registry accepts (same EIP-712 digest, same
 * consistency proofs), export a receipt and verify it offline.
 */
import { createPublicClient, custom, decodeAbiParameters, getAddress, toHex, type Address, type Hex, type RpcLog } from "viem";
import { describe, expect, it } from "vitest";
import { hex } from "../../../sdk/src/bytes.js";
import { hashCheckpoint, logOrigin, signCheckpoint, verifyCosignatures, type Checkpoint } from "../../../sdk/src/log/checkpoint.js";
import { LogRebuildError } from "../../../sdk/src/log/errors.js";
import { leafHash } from "../../../sdk/src/log/hash.js";
import { decodeLogLeaf, LeafType } from "../../../sdk/src/log/leaf.js";
import { readLogEntries, readLogState, rebuildLog, verifyCosignaturesOnline } from "../../../sdk/src/log/onchain.js";
import { buildReceipt, verifyReceipt } from "../../../sdk/src/log/receipt.js";
import { exportReceipt, readRecordedCheckpoints } from "../../../sdk/src/log/recorded.js";
import { setupRegistry } from "./chain.js";

const { connection, viem, publicClient, w0, w1, w2, w3, chainId, alliance, registry, registryAddress, platformKeys } = await setupRegistry();

describe("rebuilding the log from LeafAppended events", () => {
  it("gives the contract's size and root, in pages, and every leaf decodes", async () => {
    const progress: number[] = [];
    const rebuilt = await rebuildLog(publicClient, { registry: registryAddress, pageSize: 2n, onProgress: (p) => progress.push(p.leaves) });
    expect(rebuilt.size).toBe(1 + 5 + 3 + 1 + 1);
    expect(rebuilt.rootHash).toBe(await registry.read.logRoot());
    expect(rebuilt.origin).toBe(logOrigin({ chainId, registry: registryAddress }));
    expect(progress.length).toBeGreaterThan(1);
    const types = rebuilt.entries.map((e) => decodeLogLeaf(e.leaf).leafType);
    expect(types).toEqual([LeafType.FacilitySet, ...Array(5).fill(LeafType.EntrySet), ...Array(3).fill(LeafType.Heartbeat), LeafType.ChallengeOpened, LeafType.StatusChanged]);
    const entry = decodeLogLeaf(rebuilt.entries[1]!.leaf);
    if (entry.leafType !== LeafType.EntrySet) throw new Error("unreachable");
    expect(entry.subject).toBe(platformKeys[0]);
    expect(entry.payload).toMatchObject({ kind: 1, level: 3, cadence: 3600, method: "site visit", endorsers: [getAddress(w0.account.address), getAddress(w1.account.address)] });
    const frozen = decodeLogLeaf(rebuilt.entries[10]!.leaf);
    if (frozen.leafType !== LeafType.StatusChanged) throw new Error("unreachable");
    expect(frozen.payload.status).toBe(1);
  });

  it("compares at an earlier block too", async () => {
    const latest = await publicClient.getBlockNumber();
    const earlier = await rebuildLog(publicClient, { registry: registryAddress, toBlock: latest - 1n });
    expect(earlier.size).toBe(10);
    expect((await readLogState(publicClient, { registry: registryAddress, blockNumber: latest - 1n })).rootHash).toBe(earlier.rootHash);
  });

  it("a scan that misses the first events fails on index continuity", async () => {
    const first = (await rebuildLog(publicClient, { registry: registryAddress })).entries[0]!.blockNumber;
    const err = await rebuildLog(publicClient, { registry: registryAddress, fromBlock: first + 1n }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LogRebuildError);
    expect((err as LogRebuildError).check).toBe("rebuild.index");
  });
});

describe("checkpoints the registry accepts", () => {
  it("the EIP-712 digest equals the contract's hashCheckpoint and the registry records our cosigned checkpoint", async () => {
    const rebuilt = await rebuildLog(publicClient, { registry: registryAddress });
    const size = 7;
    const checkpoint: Checkpoint = { origin: rebuilt.origin, size: BigInt(size), rootHash: `0x${hex(rebuilt.tree.root(size))}` };
    expect(hashCheckpoint({ chainId, registry: registryAddress, checkpoint })).toBe(await registry.read.hashCheckpoint([BigInt(size), checkpoint.rootHash]));

    const cosignatures = [
      await signCheckpoint({ chainId, registry: registryAddress, checkpoint, walletClient: w0 }),
      await signCheckpoint({ chainId, registry: registryAddress, checkpoint, walletClient: w2 }),
    ];
    const proof = rebuilt.tree.consistencyProof(size, rebuilt.size).map((h) => `0x${hex(h)}` as Hex);
    await registry.write.recordCheckpoint([BigInt(size), checkpoint.rootHash, proof, cosignatures], { account: w3.account });
    const latest = (await registry.read.latestCheckpoint()) as { size: bigint; rootHash: Hex };
    expect([latest.size, latest.rootHash]).toEqual([BigInt(size), checkpoint.rootHash]);

    // The receipt a user keeps: members as the Alliance lists them, verified with no client at all.
    const memberList = ((await alliance.read.members()) as Address[]).map((address) => ({ address }));
    const receipt = buildReceipt({
      chainId,
      registry: registryAddress,
      tree: rebuilt.tree,
      index: 3,
      leaf: rebuilt.entries[3]!.leaf,
      checkpoint: { size, rootHash: checkpoint.rootHash },
      cosignatures,
      members: memberList,
      asOfBlock: Number(await publicClient.getBlockNumber()),
    });
    const result = await verifyReceipt(JSON.parse(JSON.stringify(receipt)), { chainId, registry: registryAddress });
    expect(result.checks.filter((c) => !c.ok)).toEqual([]);
    expect(result.status).toBe("valid");
    expect(result.counted).toEqual([getAddress(w0.account.address), getAddress(w2.account.address)]);
  });

  it("the recorded checkpoint is read back from the chain and a receipt exported from it verifies offline", async () => {
    const recorded = await readRecordedCheckpoints(publicClient, { registry: registryAddress });
    expect(recorded.length).toBe(1);
    const { cosigned } = recorded[0]!;
    expect(cosigned.checkpoint.size).toBe(7);
    expect(cosigned.cosignatures.map((c) => c.signer)).toEqual([getAddress(w0.account.address), getAddress(w2.account.address)]);
    expect(cosigned.members.list.map((m) => m.address)).toEqual(((await alliance.read.members()) as Address[]).map((a) => getAddress(a)));
    const receipt = await exportReceipt(publicClient, { registry: registryAddress, index: 6 });
    const result = await verifyReceipt(JSON.stringify(receipt), { trustedMembers: cosigned.members.list.map((m) => m.address) });
    expect(result.status).toBe("valid");
    expect(result.entry?.leafType).toBe(LeafType.Heartbeat);
    await expect(exportReceipt(publicClient, { registry: registryAddress, index: 7 })).rejects.toThrow(/no recorded checkpoint covers leaf 7/);
  });

  it("a contract-wallet signature is online-only offline and checks through ERC-1271 online", async () => {
    const wallet = await viem.deployContract("ERC1271Wallet", [w3.account.address]);
    const rebuilt = await rebuildLog(publicClient, { registry: registryAddress });
    const checkpoint: Checkpoint = { origin: rebuilt.origin, size: BigInt(rebuilt.size), rootHash: rebuilt.rootHash };
    const byOwner = await signCheckpoint({ chainId, registry: registryAddress, checkpoint, walletClient: w3 });
    const cosignature = { signer: wallet.address, signature: byOwner.signature };
    const offline = await verifyCosignatures({ chainId, registry: registryAddress, checkpoint, cosignatures: [cosignature], members: [{ address: wallet.address, contract: true }] });
    expect(offline.checks[0]!.status).toBe("online-only");
    const online = await verifyCosignaturesOnline(publicClient, { chainId, registry: registryAddress, checkpoint, cosignatures: [cosignature] });
    expect(online[0]!.valid).toBe(true);
    await wallet.write.setOpen([false], { account: w3.account });
    const closed = await verifyCosignaturesOnline(publicClient, { chainId, registry: registryAddress, checkpoint, cosignatures: [cosignature] });
    expect(closed[0]!.valid).toBe(false);
  });
});

describe("the SDK and the contract's TransparencyLog library agree", () => {
  it("on every root and every consistency proof of a 37-leaf log built in uneven batches", async () => {
    const harness = await viem.deployContract("TransparencyLogHarness", []);
    const leaves = Array.from({ length: 37 }, (_, i) => toHex(new TextEncoder().encode(`leaf-${i}-${"x".repeat(i)}`)));
    const roots: Hex[] = [(await harness.read.root()) as Hex];
    for (let done = 0, batch = 1; done < leaves.length; done += batch, batch++) {
      await harness.write.appendMany([leaves.slice(done, done + batch)]);
    }
    const { tree } = await readLogEntries(publicClient, { registry: harness.address, pageSize: 3n });
    expect(tree.size).toBe(37);
    expect(`0x${hex(tree.root())}`).toBe(await harness.read.root());
    for (let n = 1; n <= 37; n++) roots.push(`0x${hex(tree.root(n))}`);
    for (let m = 0; m <= 37; m += 1) {
      for (const n of [m, Math.min(37, m + 1), Math.min(37, m + 5), 37]) {
        const proof = tree.consistencyProof(m, n).map((h) => `0x${hex(h)}` as Hex);
        expect(await harness.read.verifyConsistency([BigInt(m), BigInt(n), roots[m]!, roots[n]!, proof]), `${m} -> ${n}`).toBe(true);
        if (proof.length > 0) {
          const bad = [...proof];
          bad[0] = `0x${"00".repeat(32)}`;
          expect(await harness.read.verifyConsistency([BigInt(m), BigInt(n), roots[m]!, roots[n]!, bad])).toBe(false);
        }
      }
    }
  });
});

describe("a lying RPC node is caught", () => {
  // A test double of a dishonest provider: it forwards to the in-process chain and rewrites the
  // eth_getLogs answer. No such node exists here, so this is the one place a mock is warranted.
  function lyingClient(rewrite: (logs: RpcLog[]) => RpcLog[]) {
    const provider = connection.provider;
    return createPublicClient({
      transport: custom({
        request: async ({ method, params }: { method: string; params?: unknown }) => {
          const result = await provider.request({ method, params: params as unknown[] });
          return method === "eth_getLogs" ? rewrite(result as RpcLog[]) : result;
        },
      }),
    });
  }
  const flipLeaf = (l: RpcLog): RpcLog => ({ ...l, data: (l.data.slice(0, -2) + (l.data.endsWith("00") ? "01" : "00")) as Hex });

  it("a changed leaf fails its event's leaf hash", async () => {
    const client = lyingClient((logs) => logs.map((l, i) => (i === 2 ? flipLeaf(l) : l)));
    const err = await rebuildLog(client, { registry: registryAddress }).catch((e: unknown) => e);
    expect((err as LogRebuildError).check).toBe("rebuild.leafHash");
  });

  it("a dropped event fails index continuity", async () => {
    const client = lyingClient((logs) => logs.filter((_, i) => i !== 4));
    const err = await rebuildLog(client, { registry: registryAddress }).catch((e: unknown) => e);
    expect((err as LogRebuildError).check).toBe("rebuild.index");
  });

  it("a dropped last event fails the size check, a consistently forged leaf the root check", async () => {
    const dropLast = lyingClient((logs) => logs.slice(0, -1));
    expect(((await rebuildLog(dropLast, { registry: registryAddress }).catch((e: unknown) => e)) as LogRebuildError).check).toBe("rebuild.size");
    const forged = lyingClient((logs) =>
      logs.map((l, i) => {
        if (i !== 3) return l;
        const f = flipLeaf(l);
        const [leaf] = decodeAbiParameters([{ type: "bytes" }], f.data);
        return { ...f, topics: [l.topics[0]!, l.topics[1]!, `0x${hex(leafHash(leaf))}`] as RpcLog["topics"] };
      }),
    );
    expect(((await rebuildLog(forged, { registry: registryAddress }).catch((e: unknown) => e)) as LogRebuildError).check).toBe("rebuild.root");
  });
});
