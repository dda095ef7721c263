/**
 * Reading the log from the Proof of Cloud indexer (indexer/, Ponder) instead of scanning the chain,
 * without trusting it: every leaf is checked as the chain rebuild checks it (index continuity,
 * SHA-256(0x00 || leaf) = leafHash), leaves the indexer has not reached yet are read from the chain,
 * and the resulting tree must equal the contract's logSize()/logRoot() at the same block. Any
 * disagreement or an unreachable indexer is IndexerError; `rebuildLogPreferIndexer` then falls back to
 * the chain. API: indexer/src/api/index.ts. Browser-safe (fetch).
 */
import { getAddress, type Address, type Chain, type Client, type Hex, type Transport } from "viem";
import { getBlockNumber } from "viem/actions";
import { hex } from "../bytes.js";
import { PocError } from "../errors.js";
import { leafHash } from "./hash.js";
import { readEvents } from "../events/reader.js";
import { checkLeafAppended, LEAF_APPENDED_TOPIC, readOptions, readTreeHead, rebuildLog, type LogEntry, type RebuildLogParameters, type RebuildLogReturnType } from "./onchain.js";
import { MerkleTree } from "./tree.js";

type AnyClient = Client<Transport, Chain | undefined>;

/** The indexer could not be used: unreachable, for another registry, malformed, or disagreeing with the chain. */
export class IndexerError extends PocError {
  override name = "IndexerError";
}

type LeafRow = { index: string; leafHash: string; leaf: string; blockNumber: string; logIndex: number; transactionHash: string };

export type IndexerParameters = { indexerUrl: string; fetch?: typeof fetch };

async function getJson(args: IndexerParameters, path: string): Promise<unknown> {
  const f = args.fetch ?? fetch;
  const url = `${args.indexerUrl.replace(/\/+$/, "")}${path}`;
  let res: Response;
  try {
    res = await f(url);
  } catch (cause) {
    throw new IndexerError(`indexer ${url} is unreachable`, { cause });
  }
  if (!res.ok) throw new IndexerError(`indexer ${url} answered HTTP ${res.status}`);
  try {
    return await res.json();
  } catch (cause) {
    throw new IndexerError(`indexer ${url} did not answer JSON`, { cause });
  }
}

const isHex = (v: unknown): v is Hex => typeof v === "string" && /^0x[0-9a-f]*$/i.test(v);

/** Every leaf the indexer holds, checked (index continuity, leaf hash), in index order. */
export async function readIndexedLeaves(args: IndexerParameters & { registry: Address }): Promise<LogEntry[]> {
  const status = (await getJson(args, "/poc/status")) as { registry?: unknown };
  if (typeof status?.registry !== "string" || status.registry.toLowerCase() !== args.registry.toLowerCase()) {
    throw new IndexerError(`the indexer indexes registry ${String(status?.registry)}, not ${getAddress(args.registry)}`);
  }
  const out: LogEntry[] = [];
  for (;;) {
    const rows = (await getJson(args, `/poc/leaves?from=${out.length}&limit=5000`)) as LeafRow[];
    if (!Array.isArray(rows)) throw new IndexerError("indexer /poc/leaves did not answer a list");
    for (const r of rows) {
      const i = out.length;
      if (!r || r.index !== String(i)) throw new IndexerError(`indexer leaf ${i}: got index ${r?.index}`);
      if (!isHex(r.leaf) || !isHex(r.leafHash) || !isHex(r.transactionHash)) throw new IndexerError(`indexer leaf ${i}: malformed row`);
      const computed = `0x${hex(leafHash(r.leaf))}` as Hex;
      if (computed !== r.leafHash.toLowerCase()) throw new IndexerError(`indexer leaf ${i}: leafHash ${r.leafHash} is not SHA-256(0x00 || leaf) = ${computed}`);
      out.push({ index: i, leaf: r.leaf, leafHash: computed, blockNumber: BigInt(r.blockNumber), transactionHash: r.transactionHash as Hex, logIndex: r.logIndex });
    }
    if (rows.length < 5000) return out;
  }
}

/**
 * The transactions that recorded checkpoints, as the indexer lists them (for readRecordedCheckpoints'
 * `transactions`, which checks each on chain). IndexerError when the answer is malformed.
 */
export async function readIndexedCheckpointTransactions(args: IndexerParameters): Promise<Hex[]> {
  const rows = (await getJson(args, "/poc/checkpoints")) as { transactionHash?: unknown }[];
  if (!Array.isArray(rows)) throw new IndexerError("indexer /poc/checkpoints did not answer a list");
  return rows.map((r, i) => {
    if (!isHex(r?.transactionHash) || r.transactionHash.length !== 66) throw new IndexerError(`indexer checkpoint ${i}: malformed transaction hash`);
    return r.transactionHash;
  });
}

/**
 * rebuildLog's result from the indexer's leaves plus, from the chain, the leaves it has not indexed
 * yet; checked against the contract at `toBlock` (default latest). IndexerError on any disagreement.
 */
export async function rebuildLogFromIndexer(client: AnyClient, args: RebuildLogParameters & IndexerParameters): Promise<RebuildLogReturnType & { fromIndexer: number }> {
  const toBlock = args.toBlock ?? (await getBlockNumber(client));
  const entries = await readIndexedLeaves(args);
  const tree = new MerkleTree();
  for (const e of entries) tree.appendLeafHash(e.leafHash);
  const fromIndexer = entries.length;
  const state = await readTreeHead(client, { registry: args.registry, blockNumber: toBlock });
  if (fromIndexer > state.size) throw new IndexerError(`the indexer has ${fromIndexer} leaves, the registry ${state.size} at block ${toBlock} (a reorg the indexer has not rolled back yet?)`);
  if (fromIndexer < state.size) {
    // The indexer lags: the rest from the chain, from the last indexed leaf's block (which may hold
    // more leaves than the indexer took), skipping the leaves it already gave.
    const from = fromIndexer === 0 ? (args.fromBlock ?? 0n) : entries[fromIndexer - 1]!.blockNumber;
    try {
      for await (const chunk of readEvents(client, { address: args.registry, topics: [LEAF_APPENDED_TOPIC], fromBlock: from, toBlock, ...readOptions(args) })) {
        for (const log of chunk.logs) {
          if (log.topics[1] !== undefined && BigInt(log.topics[1]) < BigInt(fromIndexer)) continue;
          const { leafHashBytes, ...e } = checkLeafAppended(log, entries.length);
          tree.appendLeafHash(leafHashBytes);
          entries.push(e);
        }
      }
    } catch (cause) {
      throw new IndexerError("the chain's leaves do not continue the indexer's", { cause });
    }
  }
  const rootHash = `0x${hex(tree.root())}` as Hex;
  if (tree.size !== state.size || rootHash !== state.rootHash.toLowerCase()) {
    throw new IndexerError(`the indexer's log (${tree.size} leaves, root ${rootHash}) is not the registry's at block ${toBlock} (${state.size}, ${state.rootHash})`);
  }
  return { tree, entries, blockNumber: toBlock, size: tree.size, rootHash, origin: state.origin, fromIndexer };
}

/**
 * With an indexer URL, the indexer's log checked against the chain; without one, or when the indexer
 * fails (IndexerError, reported through `onFallback`), the chain rebuild.
 */
export async function rebuildLogPreferIndexer(
  client: AnyClient,
  args: RebuildLogParameters & Partial<IndexerParameters> & { onFallback?: (e: IndexerError) => void },
): Promise<RebuildLogReturnType & { fromIndexer: number }> {
  if (args.indexerUrl) {
    try {
      return await rebuildLogFromIndexer(client, { ...args, indexerUrl: args.indexerUrl });
    } catch (e) {
      if (!(e instanceof IndexerError)) throw e;
      args.onFallback?.(e);
    }
  }
  return { ...(await rebuildLog(client, args)), fromIndexer: 0 };
}
