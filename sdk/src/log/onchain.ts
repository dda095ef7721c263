/**
 * The log as seen through a viem client: rebuild the tree from `LeafAppended` events and compare it
 * with the registry's own `logSize()` / `logRoot()`; check contract-wallet cosignatures (ERC-1271).
 * Only the handful of ABI items the log needs are declared here, so this file does not depend on
 * the generated registry ABI.
 */
import { decodeAbiParameters, numberToHex, toEventSelector, type Address, type Chain, type Client, type Hex, type RpcLog, type Transport } from "viem";
import { getBlockNumber, readContract, verifyTypedData } from "viem/actions";
import { hex } from "../bytes.js";
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

export type LogEntry = { index: number; leaf: Hex; leafHash: Hex; blockNumber: bigint; transactionHash: Hex };

export type ReadLogEntriesParameters = {
  registry: Address;
  /** First block to scan (default 0; pass the deployment block on long chains). */
  fromBlock?: bigint | undefined;
  /** Last block to scan and the block at which size and root are compared (default: latest). */
  toBlock?: bigint;
  /** Blocks per eth_getLogs call (default 10 000); halved on an RPC error down to 1. */
  pageSize?: bigint;
  onProgress?: (p: { toBlock: bigint; leaves: number }) => void;
};

export type ReadLogEntriesReturnType = { tree: MerkleTree; entries: LogEntry[]; blockNumber: bigint };

/**
 * Reads every `LeafAppended` event of `registry` (any contract using the TransparencyLog library) in
 * pages and builds the tree. Throws LogRebuildError when an index is missing or repeated, or when an
 * event's leafHash is not SHA-256(0x00 || leaf). Does not compare with the contract: see rebuildLog.
 */
export async function readLogEntries(client: AnyClient, args: ReadLogEntriesParameters): Promise<ReadLogEntriesReturnType> {
  const toBlock = args.toBlock ?? (await getBlockNumber(client));
  let page = args.pageSize ?? 10_000n;
  const tree = new MerkleTree();
  const entries: LogEntry[] = [];
  for (let from = args.fromBlock ?? 0n; from <= toBlock; ) {
    const to = from + page - 1n < toBlock ? from + page - 1n : toBlock;
    let logs: RpcLog[];
    try {
      // Raw eth_getLogs: viem's per-log event decoding costs ~7x the request itself on large logs;
      // the event has one fixed layout, decoded below with decodeAbiParameters.
      logs = await client.request({
        method: "eth_getLogs",
        params: [{ address: args.registry, topics: [LEAF_APPENDED_TOPIC], fromBlock: numberToHex(from), toBlock: numberToHex(to) }],
      });
    } catch (e) {
      // Providers cap results per call; a smaller range is the standard way around it.
      if (page > 1n) {
        page /= 2n;
        continue;
      }
      throw e;
    }
    const ordered = logs
      .filter((l) => !l.removed)
      .map((l) => ({ log: l, block: BigInt(l.blockNumber!), logIndex: Number(l.logIndex!) }))
      .sort((a, b) => (a.block === b.block ? a.logIndex - b.logIndex : a.block < b.block ? -1 : 1));
    for (const { log, block } of ordered) {
      if (log.topics.length !== 3) throw new LogRebuildError("rebuild.event", `a LeafAppended event in block ${block} has ${log.topics.length} topics, expected 3`);
      let leaf: Hex;
      try {
        [leaf] = decodeAbiParameters(leafDataParameters, log.data);
      } catch (cause) {
        throw new LogRebuildError("rebuild.event", `the LeafAppended event in block ${block} does not decode`, { cause });
      }
      const index = BigInt(log.topics[1]!);
      const eventHash = log.topics[2]!.toLowerCase();
      if (index !== BigInt(tree.size)) {
        throw new LogRebuildError("rebuild.index", `expected leaf index ${tree.size}, the event in block ${block} says ${index}`, {
          details: index > BigInt(tree.size) ? "events are missing (a gap)" : "an index is repeated",
        });
      }
      const lh = leafHash(leaf);
      const computed = `0x${hex(lh)}` as Hex;
      if (computed !== eventHash) {
        throw new LogRebuildError("rebuild.leafHash", `leaf ${index}: event leafHash ${eventHash} is not SHA-256(0x00 || leaf) = ${computed}`);
      }
      tree.appendLeafHash(lh);
      entries.push({ index: Number(index), leaf, leafHash: computed, blockNumber: block, transactionHash: log.transactionHash! });
    }
    args.onProgress?.({ toBlock: to, leaves: tree.size });
    from = to + 1n;
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
