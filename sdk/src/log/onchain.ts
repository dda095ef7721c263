/**
 * The log as seen through a viem client: rebuild the tree from `LeafAppended` events and compare it
 * with the registry's own `logSize()` / `logRoot()`; check contract-wallet cosignatures (ERC-1271).
 * Only the handful of ABI items the log needs are declared here, so this file does not depend on
 * the generated registry ABI.
 */
import { decodeAbiParameters, toEventSelector, type Address, type Chain, type Client, type Hex, type RpcLog, type Transport } from "viem";
import { getBlockNumber, readContract, verifyTypedData } from "viem/actions";
import { hex } from "../bytes.js";
import { readEvents, type EventReadProgress, type ReadEventsParameters } from "../events/reader.js";
import { checkpointDomain, checkpointTypes, type Checkpoint, type Cosignature } from "./checkpoint.js";
import { LogRebuildError } from "./errors.js";
import { leafHash } from "./hash.js";
import { MerkleTree } from "./tree.js";

export const leafAppendedEvent = {
  type: "event",
  name: "LeafAppended",
  inputs: [
    { name: "index", type: "uint256", indexed: true },
    { name: "leafHash", type: "bytes32", indexed: true },
    { name: "leaf", type: "bytes", indexed: false },
  ],
} as const;

export const LEAF_APPENDED_TOPIC = toEventSelector(leafAppendedEvent);
const leafDataParameters = [{ type: "bytes" }] as const;

/** The registry views the log needs (subset of IHardwareRegistry); named apart from chain/abi/TransparencyLog.ts. */
export const logReaderAbi = [
  leafAppendedEvent,
  { type: "function", name: "logSize", stateMutability: "view", inputs: [], outputs: [{ name: "", type: "uint256" }] },
  { type: "function", name: "logRoot", stateMutability: "view", inputs: [], outputs: [{ name: "", type: "bytes32" }] },
  { type: "function", name: "logOrigin", stateMutability: "view", inputs: [], outputs: [{ name: "", type: "string" }] },
] as const;

type AnyClient = Client<Transport, Chain | undefined>;

export type ReadTreeHeadParameters = { registry: Address; blockNumber?: bigint };
export type ReadTreeHeadReturnType = { size: number; rootHash: Hex; origin: string };

/** The registry's tree head (size, root, origin) at `blockNumber` (default: latest). */
export async function readTreeHead(client: AnyClient, args: ReadTreeHeadParameters): Promise<ReadTreeHeadReturnType> {
  const at = args.blockNumber === undefined ? {} : { blockNumber: args.blockNumber };
  const [size, rootHash, origin] = await Promise.all([
    readContract(client, { address: args.registry, abi: logReaderAbi, functionName: "logSize", ...at }),
    readContract(client, { address: args.registry, abi: logReaderAbi, functionName: "logRoot", ...at }),
    readContract(client, { address: args.registry, abi: logReaderAbi, functionName: "logOrigin", ...at }),
  ]);
  return { size: Number(size), rootHash, origin };
}

export type LogEntry = { index: number; leaf: Hex; leafHash: Hex; blockNumber: bigint; transactionHash: Hex; logIndex?: number };

/** How the event reader pages eth_getLogs (sdk/src/events/reader.ts); every field optional. */
export type LogReadOptions = Pick<ReadEventsParameters, "initialRange" | "maxRange" | "concurrency" | "retries" | "backoffMs" | "growAfter" | "signal">;

export type ReadLogEntriesParameters = LogReadOptions & {
  registry: Address;
  /** First block to scan: the address book's deploymentBlock (default 0, which a long chain makes slow). */
  fromBlock?: bigint | undefined;
  /** Last block to scan and the block at which size and root are compared (default: latest). */
  toBlock?: bigint | undefined;
  /** First range the reader asks for (older name of `initialRange`; default 10 000). */
  pageSize?: bigint | undefined;
  /** Per chunk read: blocks and leaves so far, with rates. */
  onProgress?: (p: EventReadProgress & { leaves: number }) => void;
};

export type ReadLogEntriesReturnType = { tree: MerkleTree; entries: LogEntry[]; blockNumber: bigint };

/**
 * Checks one LeafAppended log against the index the log expects next and returns the entry:
 * LogRebuildError "rebuild.event" (wrong shape), "rebuild.index" (gap or repeat),
 * "rebuild.leafHash" (topic is not SHA-256(0x00 || leaf)). `leafHashBytes` is the checked hash.
 */
export function checkLeafAppended(log: RpcLog, expectedIndex: number): LogEntry & { leafHashBytes: Uint8Array } {
  const block = BigInt(log.blockNumber!);
  if (log.topics.length !== 3) throw new LogRebuildError("rebuild.event", `a LeafAppended event in block ${block} has ${log.topics.length} topics, expected 3`);
  let leaf: Hex;
  try {
    [leaf] = decodeAbiParameters(leafDataParameters, log.data);
  } catch (cause) {
    throw new LogRebuildError("rebuild.event", `the LeafAppended event in block ${block} does not decode`, { cause });
  }
  const index = BigInt(log.topics[1]!);
  const eventHash = log.topics[2]!.toLowerCase();
  if (index !== BigInt(expectedIndex)) {
    throw new LogRebuildError("rebuild.index", `expected leaf index ${expectedIndex}, the event in block ${block} says ${index}`, {
      details: index > BigInt(expectedIndex) ? "events are missing (a gap)" : "an index is repeated",
    });
  }
  const lh = leafHash(leaf);
  const computed = `0x${hex(lh)}` as Hex;
  if (computed !== eventHash) {
    throw new LogRebuildError("rebuild.leafHash", `leaf ${index}: event leafHash ${eventHash} is not SHA-256(0x00 || leaf) = ${computed}`);
  }
  return { index: expectedIndex, leaf, leafHash: computed, leafHashBytes: lh, blockNumber: block, transactionHash: log.transactionHash!, logIndex: Number(log.logIndex!) };
}

export type ReadLeafEventsParameters = ReadLogEntriesParameters & {
  /** Index the first event read must carry (a resumed read starts after the cached leaves). */
  firstIndex?: number | undefined;
};

/**
 * The log's LeafAppended events as checked entries, one contiguous block range at a time, through
 * the SDK's one event reader (adaptive range, concurrency, retries). A consumer may persist each
 * chunk and resume from `toBlock + 1` with `firstIndex` = leaves so far.
 */
export async function* readLeafEvents(client: AnyClient, args: ReadLeafEventsParameters): AsyncGenerator<{ fromBlock: bigint; toBlock: bigint; entries: (LogEntry & { leafHashBytes: Uint8Array })[] }> {
  let next = args.firstIndex ?? 0;
  const chunks = readEvents(client, {
    address: args.registry,
    topics: [LEAF_APPENDED_TOPIC],
    fromBlock: args.fromBlock ?? 0n,
    ...(args.toBlock === undefined ? {} : { toBlock: args.toBlock }),
    ...readOptions(args),
    onProgress: (p) => args.onProgress?.({ ...p, leaves: (args.firstIndex ?? 0) + p.logs }),
  });
  for await (const chunk of chunks) {
    const entries = chunk.logs.map((log) => checkLeafAppended(log, next++));
    yield { fromBlock: chunk.fromBlock, toBlock: chunk.toBlock, entries };
  }
}

/** The reader options of `args` (pageSize is the older name of initialRange). */
export function readOptions(args: LogReadOptions & { pageSize?: bigint | undefined }): LogReadOptions {
  const o: LogReadOptions = {};
  const initialRange = args.initialRange ?? args.pageSize;
  if (initialRange !== undefined) o.initialRange = initialRange;
  for (const k of ["maxRange", "concurrency", "retries", "backoffMs", "growAfter", "signal"] as const) if (args[k] !== undefined) (o as Record<string, unknown>)[k] = args[k];
  return o;
}

/**
 * Reads every `LeafAppended` event of `registry` (any contract using the TransparencyLog library)
 * and builds the tree in memory, keeping every entry (fine up to ~100k leaves; for more, the CLI's
 * on-disk cache, sdk/node/logCache.ts, streams). Throws LogRebuildError when an index is missing or
 * repeated, or when an event's leafHash is not SHA-256(0x00 || leaf). Does not compare with the
 * contract: see rebuildLog.
 */
export async function readLogEntries(client: AnyClient, args: ReadLogEntriesParameters): Promise<ReadLogEntriesReturnType> {
  const toBlock = args.toBlock ?? (await getBlockNumber(client));
  const tree = new MerkleTree();
  const entries: LogEntry[] = [];
  for await (const chunk of readLeafEvents(client, { ...args, toBlock })) {
    for (const { leafHashBytes, ...entry } of chunk.entries) {
      tree.appendLeafHash(leafHashBytes);
      entries.push(entry);
    }
  }
  return { tree, entries, blockNumber: toBlock };
}

export type RebuildLogParameters = ReadLogEntriesParameters;
export type RebuildLogReturnType = ReadLogEntriesReturnType & { size: number; rootHash: Hex; origin: string };

/**
 * Rebuilds the log from its events (readLogEntries) and checks the result against the registry's
 * `logSize()` / `logRoot()` at `toBlock`: LogRebuildError "rebuild.size" / "rebuild.root" otherwise.
 */
export async function rebuildLog(client: AnyClient, args: RebuildLogParameters): Promise<RebuildLogReturnType> {
  const { tree, entries, blockNumber: toBlock } = await readLogEntries(client, args);
  const state = await readTreeHead(client, { registry: args.registry, blockNumber: toBlock });
  if (state.size !== tree.size) {
    throw new LogRebuildError("rebuild.size", `the registry says logSize() = ${state.size} at block ${toBlock}, the events give ${tree.size} leaves`);
  }
  const rootHash = `0x${hex(tree.root())}` as Hex;
  if (rootHash !== state.rootHash.toLowerCase()) {
    throw new LogRebuildError("rebuild.root", `the registry says logRoot() = ${state.rootHash} at block ${toBlock}, the events give ${rootHash}`);
  }
  return { tree, entries, blockNumber: toBlock, size: tree.size, rootHash, origin: state.origin };
}

export type VerifyCosignaturesOnlineParameters = {
  chainId: number | bigint;
  registry: Address;
  checkpoint: Checkpoint;
  cosignatures: readonly Cosignature[];
};

/**
 * Checks each cosignature on chain: EOAs by ecrecover, contract wallets by ERC-1271
 * `isValidSignature` (viem's verifyTypedData). Returns signer -> valid, in input order.
 */
export async function verifyCosignaturesOnline(
  client: AnyClient,
  args: VerifyCosignaturesOnlineParameters,
): Promise<{ signer: Address; valid: boolean }[]> {
  const out: { signer: Address; valid: boolean }[] = [];
  for (const c of args.cosignatures) {
    const valid = await verifyTypedData(client, {
      address: c.signer,
      domain: checkpointDomain(args),
      types: checkpointTypes,
      primaryType: "Checkpoint",
      message: args.checkpoint,
      signature: c.signature,
    }).catch(() => false);
    out.push({ signer: c.signer, valid });
  }
  return out;
}
