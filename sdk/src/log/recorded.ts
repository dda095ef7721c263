/**
 * Checkpoints the registry recorded, read back from the chain so a receipt can be exported without
 * anyone keeping the signatures: the `CheckpointRecorded` event names size, root and signers, the
 * transaction's `recordCheckpoint` calldata carries the signatures, and the Alliance's `members()`
 * at that block gives the member set they were counted against.
 */
import { decodeFunctionData, formatLog, type Log, type RpcLog, getAddress, isAddressEqual, parseEventLogs, toEventSelector, toFunctionSelector, type Address, type Chain, type Client, type Hex, type Transport } from "viem";
import { getBlockNumber, getBytecode, getChainId, getTransaction, getTransactionReceipt, readContract } from "viem/actions";
import { readAllEvents } from "../events/reader.js";
import { PocError } from "../errors.js";
import type { Member } from "./checkpoint.js";
import { createCosignedCheckpoint, type CosignedCheckpoint } from "./cosigned.js";
import { readOptions, rebuildLog, type LogReadOptions } from "./onchain.js";
import { buildReceipt, type LogReceipt } from "./receipt.js";

export const checkpointRecordedEvent = {
  type: "event",
  name: "CheckpointRecorded",
  inputs: [
    { name: "size", type: "uint64", indexed: false },
    { name: "rootHash", type: "bytes32", indexed: false },
    { name: "signers", type: "address[]", indexed: false },
  ],
} as const;

const recordCheckpointAbi = [
  {
    type: "function",
    name: "recordCheckpoint",
    stateMutability: "nonpayable",
    inputs: [
      { name: "size", type: "uint64" },
      { name: "rootHash", type: "bytes32" },
      { name: "consistencyProof", type: "bytes32[]" },
      {
        name: "cosignatures",
        type: "tuple[]",
        components: [
          { name: "signer", type: "address" },
          { name: "signature", type: "bytes" },
        ],
      },
    ],
    outputs: [],
  },
] as const;

const membersAbi = [
  { type: "function", name: "alliance", stateMutability: "view", inputs: [], outputs: [{ name: "", type: "address" }] },
  { type: "function", name: "members", stateMutability: "view", inputs: [], outputs: [{ name: "", type: "address[]" }] },
] as const;

type AnyClient = Client<Transport, Chain | undefined>;

/** A recorded checkpoint whose signatures cannot be recovered from the chain (see message). */
export class RecordedCheckpointError extends PocError {
  override name = "RecordedCheckpointError";
}

export type ReadAllianceMembersParameters = { registry: Address; blockNumber?: bigint };

/**
 * The registry's Alliance `members()` at `blockNumber` (default: latest), each marked
 * `contract: true` when its address holds code (an ERC-1271 wallet, checkable only on chain).
 */
export async function readAllianceMembers(client: AnyClient, args: ReadAllianceMembersParameters): Promise<Member[]> {
  const at = args.blockNumber === undefined ? {} : { blockNumber: args.blockNumber };
  const alliance = await readContract(client, { address: args.registry, abi: membersAbi, functionName: "alliance", ...at });
  const addresses = await readContract(client, { address: alliance, abi: membersAbi, functionName: "members", ...at });
  return Promise.all(
    addresses.map(async (address) => {
      const code = await getBytecode(client, { address, ...at });
      return { address: getAddress(address), ...(code && code !== "0x" ? { contract: true } : {}) };
    }),
  );
}

export type RecordedCheckpoint = { blockNumber: bigint; transactionHash: Hex; cosigned: CosignedCheckpoint };

export type ReadRecordedCheckpointsParameters = LogReadOptions & {
  registry: Address;
  /** First block to scan: the address book's deploymentBlock (default 0). */
  fromBlock?: bigint | undefined;
  toBlock?: bigint | undefined;
  /**
   * The transactions that recorded checkpoints, when an indexer already knows them
   * (readIndexedCheckpointTransactions): no event scan. Not trusted: each must have succeeded and its
   * receipt must hold the registry's CheckpointRecorded event, which is what is read.
   */
  transactions?: readonly Hex[] | undefined;
};

/**
 * Every checkpoint the registry recorded in the block range, oldest first, as cosigned-checkpoint
 * files. The member set is the Alliance's `members()` at the recording block (state after that
 * block). Throws RecordedCheckpointError when `recordCheckpoint` was reached through another
 * contract (the signatures are then not in the transaction's own calldata).
 */
export async function readRecordedCheckpoints(client: AnyClient, args: ReadRecordedCheckpointsParameters): Promise<RecordedCheckpoint[]> {
  const chainId = await getChainId(client);
  const toBlock = args.toBlock ?? (await getBlockNumber(client));
  const topic = toEventSelector(checkpointRecordedEvent);
  let raw: RpcLog[];
  if (args.transactions) {
    raw = [];
    for (const hash of args.transactions) {
      const receipt = await getTransactionReceipt(client, { hash }).catch((cause) => {
        throw new RecordedCheckpointError(`transaction ${hash} has no receipt on this chain`, { cause });
      });
      const found = receipt.logs.filter((l) => isAddressEqual(l.address, args.registry) && l.topics[0] === topic && receipt.status === "success");
      if (found.length === 0) throw new RecordedCheckpointError(`transaction ${hash} did not record a checkpoint in ${getAddress(args.registry)}`);
      if (receipt.blockNumber <= toBlock) raw.push(...(found as unknown as RpcLog[]));
    }
  } else {
    // Through the SDK's event reader: paged to the provider's limits, retried, in block order.
    raw = await readAllEvents(client, { address: args.registry, topics: [topic], fromBlock: args.fromBlock ?? 0n, toBlock, ...readOptions(args) });
  }
  const logs = parseEventLogs({ abi: [checkpointRecordedEvent], logs: raw.map((l) => (typeof l.blockNumber === "bigint" ? (l as unknown as Log) : formatLog(l))), strict: true }).sort((a, b) =>
    a.blockNumber === b.blockNumber ? a.logIndex! - b.logIndex! : a.blockNumber! < b.blockNumber! ? -1 : 1,
  );
  const selector = toFunctionSelector(recordCheckpointAbi[0]);
  const out: RecordedCheckpoint[] = [];
  for (const log of logs) {
    const tx = await getTransaction(client, { hash: log.transactionHash! });
    if (!tx.to || !isAddressEqual(tx.to, args.registry) || !tx.input.startsWith(selector)) {
      throw new RecordedCheckpointError(`checkpoint in transaction ${log.transactionHash} was recorded through another contract`, {
        details: "its signatures are not in the transaction's calldata; export the receipt from a cosigned checkpoint file instead",
      });
    }
    const { args: call } = decodeFunctionData({ abi: recordCheckpointAbi, data: tx.input });
    const [size, rootHash, , cosignatures] = call;
    const signers = log.args.signers.map((a) => getAddress(a));
    const used = cosignatures.filter((c) => signers.some((s) => isAddressEqual(s, c.signer)));
    const members = await readAllianceMembers(client, { registry: args.registry, blockNumber: log.blockNumber! });
    out.push({
      blockNumber: log.blockNumber!,
      transactionHash: log.transactionHash!,
      cosigned: createCosignedCheckpoint({
        chainId,
        registry: args.registry,
        size: Number(size),
        rootHash,
        cosignatures: used,
        members,
        asOfBlock: Number(log.blockNumber!),
      }),
    });
  }
  return out;
}

export type ExportReceiptParameters = LogReadOptions & {
  registry: Address;
  index: number;
  fromBlock?: bigint | undefined;
  /** Use this cosigned checkpoint instead of the latest recorded one covering `index`. */
  cosigned?: CosignedCheckpoint | undefined;
};

/**
 * An offline receipt for leaf `index`: rebuilds the log from events (checked against the contract,
 * see rebuildLog), takes the latest recorded
 * checkpoint whose size covers the leaf (or `cosigned`), proves inclusion to it.
 */
export async function exportReceipt(client: AnyClient, args: ExportReceiptParameters): Promise<LogReceipt> {
  const { tree, entries, blockNumber } = await rebuildLog(client, { ...readOptions(args), registry: args.registry, ...(args.fromBlock === undefined ? {} : { fromBlock: args.fromBlock }) });
  let cosigned = args.cosigned;
  if (!cosigned) {
    const recorded = await readRecordedCheckpoints(client, { ...readOptions(args), registry: args.registry, toBlock: blockNumber, ...(args.fromBlock === undefined ? {} : { fromBlock: args.fromBlock }) });
    cosigned = recorded.reverse().find((r) => r.cosigned.checkpoint.size > args.index)?.cosigned;
    if (!cosigned) throw new RecordedCheckpointError(`no recorded checkpoint covers leaf ${args.index} yet`);
  }
  const entry = entries[args.index];
  if (!entry) throw new RecordedCheckpointError(`the log has no leaf ${args.index}`);
  return buildReceipt({
    chainId: cosigned.chainId,
    registry: args.registry,
    tree,
    index: args.index,
    leaf: entry.leaf,
    checkpoint: { size: cosigned.checkpoint.size, rootHash: cosigned.checkpoint.rootHash },
    cosignatures: cosigned.cosignatures,
    members: cosigned.members.list,
    ...(cosigned.members.asOfBlock === undefined ? {} : { asOfBlock: cosigned.members.asOfBlock }),
  });
}
