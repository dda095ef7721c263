/**
 * The SDK's indexer client (sdk/src/log/indexer.ts) does not trust the indexer: on the in-process
 * chain, an indexer (served here by a fetch function from the chain's own events, the JSON shape of
 * indexer/src/api/index.ts) that is complete, lagging, lying about a leaf, skipping one, indexing
 * another registry or unreachable. The real Ponder indexer runs in test/system/indexer/ and
 * test/system/postgres/.
 */
import { getAddress, type Hex } from "viem";
import { describe, expect, it } from "vitest";
import { signCheckpoint } from "../../../sdk/src/log/checkpoint.js";
import { IndexerError, readIndexedCheckpointTransactions, readIndexedLeaves, rebuildLogFromIndexer, rebuildLogPreferIndexer } from "../../../sdk/src/log/indexer.js";
import { readRecordedCheckpoints, RecordedCheckpointError } from "../../../sdk/src/log/recorded.js";
import { rebuildLog, type LogEntry } from "../../../sdk/src/log/onchain.js";
import { setupRegistry } from "./chain.js";

const { publicClient, registryAddress, registry, chainId, w0, w1, w2, platformKeys } = await setupRegistry();
// A recorded checkpoint and a transaction that records none, for the checkpoint-transactions path.
const before = await rebuildLog(publicClient, { registry: registryAddress });
const checkpoint = { origin: before.origin, size: BigInt(before.size), rootHash: before.rootHash };
const cosignatures = await Promise.all([w1, w2].map((walletClient) => signCheckpoint({ chainId, registry: registryAddress, checkpoint, walletClient })));
const recordTx = await registry.write.recordCheckpoint([checkpoint.size, checkpoint.rootHash, [], cosignatures], { account: w0.account });
const heartbeatTx = await registry.write.heartbeat([platformKeys.slice(0, 1)], { account: w1.account });
const chain = await rebuildLog(publicClient, { registry: registryAddress });

function fakeIndexer(rows: LogEntry[], registry: string = registryAddress, checkpointRows: unknown = []): typeof fetch {
  return (async (input: string | URL | Request) => {
    const url = new URL(String(input));
    if (url.pathname === "/poc/status") return Response.json({ chainId: 31337, registry: registry.toLowerCase(), leaves: rows.length });
    if (url.pathname === "/poc/checkpoints") return Response.json(checkpointRows);
    if (url.pathname === "/poc/leaves") {
      const from = Number(url.searchParams.get("from"));
      const limit = Number(url.searchParams.get("limit"));
      return Response.json(
        rows.slice(from, from + limit).map((e) => ({ index: String(e.index), leafHash: e.leafHash, leaf: e.leaf, blockNumber: String(e.blockNumber), logIndex: e.logIndex ?? 0, transactionHash: e.transactionHash })),
      );
    }
    return new Response("not found", { status: 404 });
  }) as typeof fetch;
}

const args = (f: typeof fetch) => ({ registry: registryAddress, indexerUrl: "http://indexer.test", fetch: f });

describe("rebuildLogFromIndexer", () => {
  it("a complete indexer gives the chain's tree without scanning events", async () => {
    const r = await rebuildLogFromIndexer(publicClient, args(fakeIndexer(chain.entries)));
    expect(r).toMatchObject({ size: chain.size, rootHash: chain.rootHash, fromIndexer: chain.size });
  });

  it("a lagging indexer: the rest comes from the chain", async () => {
    const r = await rebuildLogFromIndexer(publicClient, args(fakeIndexer(chain.entries.slice(0, 4))));
    expect(r).toMatchObject({ size: chain.size, rootHash: chain.rootHash, fromIndexer: 4 });
  });

  it("a leaf whose hash does not match its bytes is refused", async () => {
    const bad = chain.entries.map((e, i) => (i === 3 ? { ...e, leaf: `${e.leaf.slice(0, -2)}ff` as Hex } : e));
    await expect(rebuildLogFromIndexer(publicClient, args(fakeIndexer(bad)))).rejects.toThrow(/leaf 3: leafHash/);
  });

  it("a consistent but different log (a leaf swapped, hashes recomputed) fails against logRoot()", async () => {
    const other = chain.entries[5]!;
    const swapped = chain.entries.map((e, i) => (i === 2 ? { ...other, index: 2 } : e));
    await expect(rebuildLogFromIndexer(publicClient, args(fakeIndexer(swapped)))).rejects.toBeInstanceOf(IndexerError);
  });

  it("a skipped index, another registry, more leaves than the chain, an unreachable indexer: IndexerError", async () => {
    const skipped = chain.entries.filter((_, i) => i !== 1);
    await expect(readIndexedLeaves(args(fakeIndexer(skipped)))).rejects.toThrow(/leaf 1: got index 2/);
    await expect(readIndexedLeaves(args(fakeIndexer(chain.entries, getAddress(`0x${"99".repeat(20)}`))))).rejects.toThrow(/indexes registry/);
    const extra = [...chain.entries, { ...chain.entries[0]!, index: chain.size }];
    await expect(rebuildLogFromIndexer(publicClient, args(fakeIndexer(extra)))).rejects.toThrow(/the indexer has \d+ leaves, the registry/);
    const down = (async () => {
      throw new TypeError("fetch failed");
    }) as typeof fetch;
    await expect(readIndexedLeaves(args(down))).rejects.toThrow(/unreachable/);
  });

  it("rebuildLogPreferIndexer falls back to the chain and says why", async () => {
    const bad = chain.entries.map((e, i) => (i === 0 ? { ...e, leafHash: chain.entries[1]!.leafHash } : e));
    const reasons: string[] = [];
    const r = await rebuildLogPreferIndexer(publicClient, { ...args(fakeIndexer(bad)), onFallback: (e) => reasons.push(e.shortMessage) });
    expect(r).toMatchObject({ size: chain.size, rootHash: chain.rootHash, fromIndexer: 0 });
    expect(reasons).toHaveLength(1);
  });
});

describe("recorded checkpoints through the indexer", () => {
  it("the indexer's transactions give what the event scan gives, each checked on chain", async () => {
    const scanned = await readRecordedCheckpoints(publicClient, { registry: registryAddress });
    const txs = await readIndexedCheckpointTransactions(args(fakeIndexer(chain.entries, registryAddress, [{ transactionHash: recordTx }])));
    expect(txs).toEqual([recordTx]);
    const viaIndexer = await readRecordedCheckpoints(publicClient, { registry: registryAddress, transactions: txs });
    expect(viaIndexer).toEqual(scanned);
    expect(viaIndexer).toHaveLength(1);
  });

  it("a transaction that recorded nothing, or does not exist, is refused; malformed rows are IndexerError", async () => {
    await expect(readRecordedCheckpoints(publicClient, { registry: registryAddress, transactions: [heartbeatTx] })).rejects.toThrow(/did not record a checkpoint/);
    await expect(readRecordedCheckpoints(publicClient, { registry: registryAddress, transactions: [`0x${"77".repeat(32)}`] })).rejects.toBeInstanceOf(RecordedCheckpointError);
    await expect(readIndexedCheckpointTransactions(args(fakeIndexer([], registryAddress, [{ transactionHash: "0x12" }])))).rejects.toBeInstanceOf(IndexerError);
    await expect(readIndexedCheckpointTransactions(args(fakeIndexer([], registryAddress, { not: "a list" })))).rejects.toBeInstanceOf(IndexerError);
  });
});
