/**
 * A throwaway in-process chain for the CLI: @ethereumjs/vm (pure JavaScript, hardfork osaka, so the
 * P-256 precompile of EIP-7951 sits at 0x100) behind an EIP-1193 `request` function that viem's
 * `custom` transport talks to. It answers the JSON-RPC methods the CLI's viem calls use (call,
 * estimate, send, receipts, blocks) and nothing else; one transaction per block, mined at once.
 *
 * Why hand-written: no maintained package exposes an EIP-1193 provider over an osaka EVM (tevm's
 * memory client pins @ethereumjs/evm 3, before osaka; Hardhat's EDR is a native Node 22 binary that
 * a published package cannot depend on). The EVM itself is the maintained @ethereumjs/vm.
 */
import { createBlock, type Block } from "@ethereumjs/block";
import { createCustomCommon, Hardfork, Mainnet } from "@ethereumjs/common";
import { createFeeMarket1559Tx } from "@ethereumjs/tx";
import { Account, bytesToHex, createAddressFromString, hexToBytes } from "@ethereumjs/util";
import { createVM, runTx, type VM } from "@ethereumjs/vm";
import type { Address, Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";

/** Hardhat's and Anvil's well-known first development key: the chain is local and thrown away. */
const DEV_KEY: Hex = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
/** EIP-7825 (osaka) caps a transaction's gas at 2^24. */
const TX_GAS_CAP = 16_777_216n;
const BLOCK_GAS_LIMIT = 60_000_000n;
const BASE_FEE = 7n;

export const EMBEDDED_CHAIN_ID = 31337;

type Receipt = {
  transactionHash: Hex;
  blockHash: Hex;
  blockNumber: bigint;
  from: Address;
  to: Address | null;
  gasUsed: bigint;
  status: boolean;
  contractAddress: Address | null;
  logs: { address: Hex; topics: Hex[]; data: Hex; logIndex: number }[];
};
type MinedBlock = { hash: Hex; number: bigint; timestamp: bigint; parentHash: Hex; gasUsed: bigint; transactions: Hex[] };

/** A JSON-RPC error as a node sends it; `data` carries revert bytes (viem and decodeContractRevert read it). */
export class EmbeddedRpcError extends Error {
  override name = "EmbeddedRpcError";
  constructor(
    message: string,
    readonly code: number,
    readonly data?: Hex,
  ) {
    super(message);
  }
}

export type EmbeddedEvm = {
  /** The funded development account that signs every transaction. */
  account: Address;
  request: (args: { method: string; params?: readonly unknown[] | object }) => Promise<unknown>;
  /** Unix seconds of the latest block. */
  latestTimestamp: () => bigint;
  /** The next block is mined at `timestamp` (must be later than the latest block). */
  setNextBlockTimestamp: (timestamp: bigint) => void;
  /** Mines an empty block. */
  mine: () => Promise<void>;
};

const hex = (n: bigint | number): Hex => `0x${n.toString(16)}`;

export async function createEmbeddedEvm({ genesisTimestamp }: { genesisTimestamp: bigint }): Promise<EmbeddedEvm> {
  const common = createCustomCommon({ chainId: EMBEDDED_CHAIN_ID, name: "poc-embedded" }, Mainnet, { hardfork: Hardfork.Osaka });
  const vm: VM = await createVM({ common });
  const key = hexToBytes(DEV_KEY);
  const account = privateKeyToAccount(DEV_KEY).address;
  await vm.stateManager.putAccount(createAddressFromString(account), new Account(0n, 10n ** 24n));

  const blocks: MinedBlock[] = [];
  const byHash = new Map<Hex, MinedBlock>();
  const receipts = new Map<Hex, Receipt>();
  let nextTimestamp: bigint | undefined;
  let nonce = 0n;

  const header = (number: bigint, timestamp: bigint, parentHash: Hex) => ({
    number,
    timestamp,
    parentHash: hexToBytes(parentHash),
    gasLimit: BLOCK_GAS_LIMIT,
    baseFeePerGas: BASE_FEE,
    coinbase: createAddressFromString(`0x${"00".repeat(20)}`),
  });
  const record = (block: Block, gasUsed: bigint, transactions: Hex[]): MinedBlock => {
    const b: MinedBlock = { hash: bytesToHex(block.hash()) as Hex, number: block.header.number, timestamp: block.header.timestamp, parentHash: bytesToHex(block.header.parentHash) as Hex, gasUsed, transactions };
    blocks.push(b);
    byHash.set(b.hash, b);
    return b;
  };
  record(createBlock({ header: header(0n, genesisTimestamp, `0x${"00".repeat(32)}`) }, { common }), 0n, []);

  const latest = () => blocks[blocks.length - 1]!;
  /** The block a new transaction goes into: the pinned timestamp, else one second after the latest. */
  const nextBlock = (): Block => {
    const parent = latest();
    const timestamp = nextTimestamp ?? parent.timestamp + 1n;
    nextTimestamp = undefined;
    return createBlock({ header: header(parent.number + 1n, timestamp, parent.hash) }, { common });
  };
  /** The context eth_call and eth_estimateGas run in: the latest block's number and time. */
  const latestContext = (): Block => {
    const b = latest();
    return createBlock({ header: header(b.number, b.timestamp, b.parentHash) }, { common });
  };

  type TxParams = { from?: Address; to?: Address | null; data?: Hex; input?: Hex; value?: Hex; gas?: Hex };
  const signed = (p: TxParams, gasLimit: bigint) =>
    createFeeMarket1559Tx(
      { to: p.to ?? undefined, data: p.data ?? p.input ?? "0x", value: p.value ? BigInt(p.value) : 0n, gasLimit, maxFeePerGas: 10n ** 9n, maxPriorityFeePerGas: 0n, nonce },
      { common },
    ).sign(key);

  const revertError = (returnValue: Uint8Array, what: string) => {
    const data = bytesToHex(returnValue) as Hex;
    return new EmbeddedRpcError(`execution reverted${data === "0x" ? "" : ` (${what})`}`, 3, data);
  };

  async function call(p: TxParams): Promise<Hex> {
    await vm.stateManager.checkpoint();
    try {
      const r = await vm.evm.runCall({
        caller: createAddressFromString(p.from ?? account),
        ...(p.to ? { to: createAddressFromString(p.to) } : {}),
        data: hexToBytes(p.data ?? p.input ?? "0x"),
        value: p.value ? BigInt(p.value) : 0n,
        gasLimit: p.gas ? BigInt(p.gas) : TX_GAS_CAP,
        block: latestContext(),
        skipBalance: true,
      });
      const e = r.execResult;
      if (e.exceptionError) {
        if (e.exceptionError.error === "revert") throw revertError(e.returnValue, "eth_call");
        throw new EmbeddedRpcError(`eth_call failed: ${e.exceptionError.error}`, -32000);
      }
      return bytesToHex(e.returnValue) as Hex;
    } finally {
      await vm.stateManager.revert();
    }
  }

  async function estimate(p: TxParams): Promise<Hex> {
    await vm.stateManager.checkpoint();
    try {
      const r = await runTx(vm, { tx: signed(p, TX_GAS_CAP), block: latestContext(), skipBalance: true, skipNonce: true, skipBlockGasLimitValidation: true });
      if (r.execResult.exceptionError) throw revertError(r.execResult.returnValue, "eth_estimateGas");
      // Headroom for the 63/64 rule on nested calls, as nodes' binary search would find.
      const gas = (r.totalGasSpent * 5n) / 4n;
      return hex(gas > TX_GAS_CAP ? TX_GAS_CAP : gas);
    } finally {
      await vm.stateManager.revert();
    }
  }

  async function send(p: TxParams): Promise<Hex> {
    if (p.from && p.from.toLowerCase() !== account.toLowerCase()) throw new EmbeddedRpcError(`unknown account ${p.from}: the embedded chain signs only for ${account}`, 4100);
    const gas = p.gas ? BigInt(p.gas) : TX_GAS_CAP;
    const tx = signed(p, gas > TX_GAS_CAP ? TX_GAS_CAP : gas);
    const block = nextBlock();
    const r = await runTx(vm, { tx, block });
    nonce++;
    const mined = record(block, r.totalGasSpent, [bytesToHex(tx.hash()) as Hex]);
    const hash = mined.transactions[0]!;
    receipts.set(hash, {
      transactionHash: hash,
      blockHash: mined.hash,
      blockNumber: mined.number,
      from: account,
      to: p.to ?? null,
      gasUsed: r.totalGasSpent,
      status: r.execResult.exceptionError === undefined,
      contractAddress: r.createdAddress ? (r.createdAddress.toString() as Address) : null,
      logs: (r.execResult.logs ?? []).map(([address, topics, data], logIndex) => ({
        address: bytesToHex(address) as Hex,
        topics: topics.map((t) => bytesToHex(t) as Hex),
        data: bytesToHex(data) as Hex,
        logIndex,
      })),
    });
    return hash;
  }

  const formatBlock = (b: MinedBlock) => ({
    hash: b.hash,
    parentHash: b.parentHash,
    number: hex(b.number),
    timestamp: hex(b.timestamp),
    gasLimit: hex(BLOCK_GAS_LIMIT),
    gasUsed: hex(b.gasUsed),
    baseFeePerGas: hex(BASE_FEE),
    transactions: b.transactions,
    miner: "0x" + "00".repeat(20),
    difficulty: "0x0",
    totalDifficulty: "0x0",
    extraData: "0x",
    logsBloom: "0x" + "00".repeat(256),
    nonce: "0x0000000000000000",
    sha3Uncles: "0x" + "00".repeat(32),
    mixHash: "0x" + "00".repeat(32),
    stateRoot: "0x" + "00".repeat(32),
    transactionsRoot: "0x" + "00".repeat(32),
    receiptsRoot: "0x" + "00".repeat(32),
    size: "0x0",
    uncles: [],
  });
  const formatReceipt = (r: Receipt) => ({
    transactionHash: r.transactionHash,
    transactionIndex: "0x0",
    blockHash: r.blockHash,
    blockNumber: hex(r.blockNumber),
    from: r.from,
    to: r.to,
    cumulativeGasUsed: hex(r.gasUsed),
    gasUsed: hex(r.gasUsed),
    effectiveGasPrice: hex(BASE_FEE),
    contractAddress: r.contractAddress,
    logs: r.logs.map((l) => ({ ...l, logIndex: hex(l.logIndex), blockHash: r.blockHash, blockNumber: hex(r.blockNumber), transactionHash: r.transactionHash, transactionIndex: "0x0", removed: false })),
    logsBloom: "0x" + "00".repeat(256),
    status: r.status ? "0x1" : "0x0",
    type: "0x2",
  });
  const blockByTag = (tag: unknown): MinedBlock | undefined => {
    if (tag === undefined || tag === "latest" || tag === "pending" || tag === "safe" || tag === "finalized") return latest();
    if (tag === "earliest") return blocks[0];
    return typeof tag === "string" ? blocks[Number(BigInt(tag))] : undefined;
  };

  async function request({ method, params }: { method: string; params?: readonly unknown[] | object }): Promise<unknown> {
    const args = (Array.isArray(params) ? params : []) as unknown[];
    switch (method) {
      case "eth_chainId":
        return hex(EMBEDDED_CHAIN_ID);
      case "net_version":
        return String(EMBEDDED_CHAIN_ID);
      case "eth_blockNumber":
        return hex(latest().number);
      case "eth_accounts":
      case "eth_requestAccounts":
        return [account];
      case "eth_gasPrice":
      case "eth_maxPriorityFeePerGas":
        return hex(BASE_FEE);
      case "eth_getTransactionCount":
        return hex(nonce);
      case "eth_getBalance":
        return hex((await vm.stateManager.getAccount(createAddressFromString(args[0] as string)))?.balance ?? 0n);
      case "eth_getCode":
        return bytesToHex(await vm.stateManager.getCode(createAddressFromString(args[0] as string)));
      case "eth_call":
        return call(args[0] as TxParams);
      case "eth_estimateGas":
        return estimate(args[0] as TxParams);
      case "eth_sendTransaction":
        return send(args[0] as TxParams);
      case "eth_getTransactionReceipt": {
        const r = receipts.get(args[0] as Hex);
        return r ? formatReceipt(r) : null;
      }
      case "eth_getBlockByNumber": {
        const b = blockByTag(args[0]);
        return b ? formatBlock(b) : null;
      }
      case "eth_getBlockByHash": {
        const b = byHash.get(args[0] as Hex);
        return b ? formatBlock(b) : null;
      }
      default:
        throw new EmbeddedRpcError(`the embedded chain does not implement ${method}`, -32601);
    }
  }

  return {
    account,
    request,
    latestTimestamp: () => latest().timestamp,
    setNextBlockTimestamp: (timestamp) => {
      if (timestamp <= latest().timestamp) throw new EmbeddedRpcError(`next block timestamp ${timestamp} is not after the latest block's ${latest().timestamp}`, -32000);
      nextTimestamp = timestamp;
    },
    mine: async () => {
      const block = nextBlock();
      record(block, 0n, []);
    },
  };
}
