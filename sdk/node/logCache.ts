/**
 * Node-only: the resumable on-disk cache of the log's LeafAppended events and the streaming rebuild
 * over it (layout in docs/transparency-log.md "On-disk cache"). A second run reads only the blocks
 * after the cached ones; the tree is rebuilt from the cache with file-backed levels, so a million
 * leaves need tens of MB, not the ~1 GB of keeping every leaf (sdk/src/log's readLogEntries).
 *
 * Reorgs: only blocks at least `confirmations` below the head are cached; the newer tail is read
 * every run and kept in memory. The hash of the last cached block is stored; if the chain no longer
 * has it, the cache was built on a reorged-out branch and LogCacheError "reorg" says so (the CLI then
 * rescans from the deployment block).
 */
import { createHash } from "node:crypto";
import { closeSync, existsSync, fstatSync, ftruncateSync, mkdirSync, openSync, readFileSync, readSync, renameSync, writeFileSync, writeSync } from "node:fs";
import { join } from "node:path";
import { getAddress, type Address, type Chain, type Client, type Hex, type Transport } from "viem";
import { getBlock, getBlockNumber } from "viem/actions";
import { hex } from "../src/bytes.js";
import { PocError } from "../src/errors.js";
import { bytesOf } from "../src/log/hash.js";
import { readLeafEvents, type LogEntry, type ReadLogEntriesParameters } from "../src/log/onchain.js";
import { MerkleTree } from "../src/log/tree.js";
import { fileHashLevels } from "./hashFiles.js";

type AnyClient = Client<Transport, Chain | undefined>;

export const LOG_CACHE_FORMAT = "proof-of-cloud/log-cache/1";
/** Record header: u32 leaf length, u64 block, u32 log index, 32-byte transaction hash (big-endian). */
const HEADER = 4 + 8 + 4 + 32;

/** The cache cannot be used: `reason` "meta" (unreadable or for another log), "corrupt", "reorg". */
export class LogCacheError extends PocError {
  override name = "LogCacheError";
  constructor(
    readonly reason: "meta" | "corrupt" | "reorg",
    shortMessage: string,
    parameters: { details?: string; cause?: unknown } = {},
  ) {
    super(`log cache: ${shortMessage}`, parameters);
  }
}

type Meta = {
  format: typeof LOG_CACHE_FORMAT;
  chainId: number;
  registry: Address;
  startBlock: string;
  /** Every block from startBlock to this one is in the cache (absent: none yet). */
  scannedThrough?: string | undefined;
  scannedThroughHash?: Hex | undefined;
  leaves: number;
  bytes: number;
};

export type CachedLeaf = { index: number; leaf: Uint8Array; blockNumber: bigint; logIndex: number; transactionHash: Hex };

export class LogCache {
  private meta: Meta;
  private readonly dataFd: number;
  private readonly idxFd: number;

  private constructor(
    readonly dir: string,
    meta: Meta,
  ) {
    this.meta = meta;
    this.dataFd = openSync(join(dir, "leaves.bin"), existsSync(join(dir, "leaves.bin")) ? "r+" : "w+");
    this.idxFd = openSync(join(dir, "leaves.idx"), existsSync(join(dir, "leaves.idx")) ? "r+" : "w+");
    // Bytes written after the last meta commit (a crash mid-chunk) are not part of the cache.
    if (fstatSync(this.dataFd).size < meta.bytes || fstatSync(this.idxFd).size < meta.leaves * 8) {
      throw new LogCacheError("corrupt", `${dir} holds fewer bytes than its meta.json records`);
    }
    ftruncateSync(this.dataFd, meta.bytes);
    ftruncateSync(this.idxFd, meta.leaves * 8);
  }

  /** Opens `dir` for the log of (chainId, registry) starting at `startBlock`; creates it when empty. */
  static open(dir: string, args: { chainId: number; registry: Address; startBlock: bigint }): LogCache {
    mkdirSync(dir, { recursive: true });
    const metaPath = join(dir, "meta.json");
    const fresh: Meta = { format: LOG_CACHE_FORMAT, chainId: args.chainId, registry: getAddress(args.registry), startBlock: args.startBlock.toString(), leaves: 0, bytes: 0 };
    if (!existsSync(metaPath)) {
      writeFileSync(metaPath, JSON.stringify(fresh));
      for (const f of ["leaves.bin", "leaves.idx"]) writeFileSync(join(dir, f), new Uint8Array(0));
      return new LogCache(dir, fresh);
    }
    let meta: Meta;
    try {
      meta = JSON.parse(readFileSync(metaPath, "utf8")) as Meta;
    } catch (cause) {
      throw new LogCacheError("meta", `${metaPath} is not JSON`, { cause });
    }
    if (meta.format !== LOG_CACHE_FORMAT) throw new LogCacheError("meta", `${metaPath}: format is ${JSON.stringify(meta.format)}, expected ${LOG_CACHE_FORMAT}`);
    if (meta.chainId !== args.chainId || getAddress(meta.registry) !== getAddress(args.registry)) {
      throw new LogCacheError("meta", `${dir} caches chain ${meta.chainId} registry ${meta.registry}, not chain ${args.chainId} registry ${getAddress(args.registry)}`);
    }
    if (BigInt(meta.startBlock) !== args.startBlock) throw new LogCacheError("meta", `${dir} starts at block ${meta.startBlock}, this read at ${args.startBlock}`);
    if (!Number.isSafeInteger(meta.leaves) || !Number.isSafeInteger(meta.bytes) || meta.leaves < 0 || meta.bytes < 0) throw new LogCacheError("meta", `${metaPath}: bad leaves/bytes counters`);
    return new LogCache(dir, meta);
  }

  get leaves(): number {
    return this.meta.leaves;
  }
  get startBlock(): bigint {
    return BigInt(this.meta.startBlock);
  }
  get scannedThrough(): bigint | undefined {
    return this.meta.scannedThrough === undefined ? undefined : BigInt(this.meta.scannedThrough);
  }
  get scannedThroughHash(): Hex | undefined {
    return this.meta.scannedThroughHash;
  }

  /** Appends checked entries (indices must continue the cache) and commits `throughBlock` atomically. */
  append(entries: readonly (Pick<LogEntry, "index" | "blockNumber" | "transactionHash" | "logIndex"> & { leaf: Hex | Uint8Array })[], throughBlock: bigint, throughBlockHash?: Hex): void {
    let bytes = this.meta.bytes;
    let leaves = this.meta.leaves;
    const idx = new DataView(new ArrayBuffer(entries.length * 8));
    const parts: Uint8Array[] = [];
    for (const [k, e] of entries.entries()) {
      if (e.index !== leaves) throw new LogCacheError("corrupt", `appending leaf ${e.index}, the cache holds ${leaves}`);
      const leaf = bytesOf(e.leaf, "leaf");
      const rec = new Uint8Array(HEADER + leaf.length);
      const dv = new DataView(rec.buffer);
      dv.setUint32(0, leaf.length);
      dv.setBigUint64(4, e.blockNumber);
      dv.setUint32(12, e.logIndex ?? 0);
      rec.set(bytesOf(e.transactionHash, "transactionHash"), 16);
      rec.set(leaf, HEADER);
      parts.push(rec);
      idx.setBigUint64(k * 8, BigInt(bytes));
      bytes += rec.length;
      leaves++;
    }
    const data = Buffer.concat(parts);
    writeSync(this.dataFd, data, 0, data.length, this.meta.bytes);
    writeSync(this.idxFd, new Uint8Array(idx.buffer), 0, idx.byteLength, this.meta.leaves * 8);
    const meta: Meta = { ...this.meta, leaves, bytes, scannedThrough: throughBlock.toString() };
    if (throughBlockHash) meta.scannedThroughHash = throughBlockHash;
    else delete meta.scannedThroughHash;
    // Data first, then meta by rename: a crash leaves the previous commit, never a torn one.
    const tmp = join(this.dir, "meta.json.tmp");
    writeFileSync(tmp, JSON.stringify(meta));
    renameSync(tmp, join(this.dir, "meta.json"));
    this.meta = meta;
  }

  /** The cached leaf at `index` (one seek through leaves.idx). */
  read(index: number): CachedLeaf {
    if (!Number.isSafeInteger(index) || index < 0 || index >= this.meta.leaves) throw new LogCacheError("corrupt", `leaf ${index} is not cached (${this.meta.leaves} leaves)`);
    const off = new DataView(new ArrayBuffer(8));
    readSync(this.idxFd, new Uint8Array(off.buffer), 0, 8, index * 8);
    const offset = Number(off.getBigUint64(0));
    const head = new Uint8Array(HEADER);
    readSync(this.dataFd, head, 0, HEADER, offset);
    const dv = new DataView(head.buffer);
    const leaf = new Uint8Array(dv.getUint32(0));
    readSync(this.dataFd, leaf, 0, leaf.length, offset + HEADER);
    return { index, leaf, blockNumber: dv.getBigUint64(4), logIndex: dv.getUint32(12), transactionHash: `0x${hex(head.subarray(16, 48))}` as Hex };
  }

  /** Every cached leaf in order, read in 8 MiB blocks: constant memory whatever the size. */
  *iterate(): Generator<CachedLeaf> {
    const BLOCK = 8 << 20;
    let buf = Buffer.alloc(BLOCK);
    let pos = 0; // file offset of buf[0]
    let have = 0;
    let at = 0;
    let index = 0;
    while (index < this.meta.leaves) {
      if (have - at < HEADER || have - at < HEADER + buf.readUInt32BE(at)) {
        // Move the unread tail to the front and refill.
        const rest = buf.subarray(at, have);
        const need = have - at >= HEADER ? HEADER + buf.readUInt32BE(at) : HEADER;
        const next = need > buf.length ? Buffer.alloc(need * 2) : buf;
        rest.copy(next, 0);
        buf = next;
        pos += at;
        have = rest.length;
        at = 0;
        const n = readSync(this.dataFd, buf, have, Math.min(buf.length - have, this.meta.bytes - pos - have), pos + have);
        have += n;
        if (n === 0) throw new LogCacheError("corrupt", `leaves.bin ends inside leaf ${index}`);
        continue;
      }
      const len = buf.readUInt32BE(at);
      const rec = buf.subarray(at, at + HEADER + len);
      yield {
        index,
        leaf: rec.subarray(HEADER),
        blockNumber: rec.readBigUInt64BE(4),
        logIndex: rec.readUInt32BE(12),
        transactionHash: `0x${rec.subarray(16, 48).toString("hex")}` as Hex,
      };
      at += HEADER + len;
      index++;
    }
  }

  close(): void {
    closeSync(this.dataFd);
    closeSync(this.idxFd);
  }
}

/** SHA-256(0x00 || leaf) through node:crypto (the streaming rebuild hashes a million leaves). */
export function leafHashNode(leaf: Uint8Array): Uint8Array {
  return createHash("sha256").update(ZERO).update(leaf).digest();
}
const ZERO = new Uint8Array([0]);

export type SyncLogCacheParameters = Omit<ReadLogEntriesParameters, "fromBlock" | "onProgress"> & {
  /** Blocks below the head that are never cached (default 12): shallower reorgs cannot poison the cache. */
  confirmations?: bigint | undefined;
  onProgress?: ReadLogEntriesParameters["onProgress"] | undefined;
};

export type SyncLogCacheReturnType = {
  /** Checked entries newer than the cached blocks (at most `confirmations` blocks), in memory. */
  tail: LogEntry[];
  blockNumber: bigint;
  /** Blocks actually read this run (the rest came from the cache). */
  blocksRead: bigint;
};

/**
 * Brings the cache up to `toBlock - confirmations` with the SDK's event reader (from the first
 * uncached block, so a second run reads only new blocks) and reads the unconfirmed tail. Checks that
 * the last cached block is still on the chain (LogCacheError "reorg" otherwise).
 */
export async function syncLogCache(client: AnyClient, cache: LogCache, args: SyncLogCacheParameters): Promise<SyncLogCacheReturnType> {
  const toBlock = args.toBlock ?? (await getBlockNumber(client));
  const confirmations = args.confirmations ?? 12n;
  const through = cache.scannedThrough;
  if (through !== undefined && cache.scannedThroughHash) {
    const block = await getBlock(client, { blockNumber: through }).catch(() => undefined);
    if (!block || block.hash !== cache.scannedThroughHash) {
      throw new LogCacheError("reorg", `block ${through} of the cache is no longer on the chain (${block ? `now ${block.hash}` : "missing"}, cached ${cache.scannedThroughHash})`, {
        details: "a reorg deeper than the confirmations: delete the cache directory (or pass --confirmations higher) and run again",
      });
    }
  }
  const from = through === undefined ? cache.startBlock : through + 1n;
  const safe = toBlock - confirmations;
  let blocksRead = 0n;
  const { confirmations: _c, onProgress, ...rest } = args;
  if (safe >= from) {
    let last: bigint | undefined;
    for await (const chunk of readLeafEvents(client, { ...rest, registry: args.registry, fromBlock: from, toBlock: safe, firstIndex: cache.leaves, ...(onProgress ? { onProgress } : {}) })) {
      // The hash is fetched once, for the final commit; intermediate commits only mark progress.
      if (chunk.toBlock === safe) {
        const block = await getBlock(client, { blockNumber: safe });
        cache.append(chunk.entries, chunk.toBlock, block.hash!);
      } else cache.append(chunk.entries, chunk.toBlock);
      last = chunk.toBlock;
    }
    blocksRead += (last ?? from - 1n) - from + 1n;
  }
  const tailFrom = safe >= from ? safe + 1n : from;
  const tail: LogEntry[] = [];
  if (tailFrom <= toBlock) {
    for await (const chunk of readLeafEvents(client, { ...rest, registry: args.registry, fromBlock: tailFrom, toBlock, firstIndex: cache.leaves, ...(onProgress ? { onProgress } : {}) })) {
      for (const { leafHashBytes: _h, ...e } of chunk.entries) tail.push(e);
    }
    blocksRead += toBlock - tailFrom + 1n;
  }
  return { tail, blockNumber: toBlock, blocksRead };
}

export type CachedLog = {
  tree: MerkleTree;
  size: number;
  /** The leaf at `index`: from the cache file or the in-memory tail. */
  entry(index: number): LogEntry;
  close(): void;
};

/**
 * The streaming rebuild: hashes every cached leaf (and the tail) into a tree whose levels live in
 * files under `<cache>/tree/` (`levels: "files"`, default) or in memory. Memory stays O(log n) with
 * files; proofs read O(log n) hashes from disk.
 */
export function rebuildFromCache(cache: LogCache, tail: readonly LogEntry[] = [], options: { levels?: "files" | "memory"; onProgress?: (leaves: number) => void } = {}): CachedLog {
  const files = options.levels === "memory" ? undefined : fileHashLevels(join(cache.dir, "tree"), { truncate: true });
  const tree = new MerkleTree(files?.factory);
  for (const rec of cache.iterate()) {
    tree.appendLeafHash(leafHashNode(rec.leaf));
    if (options.onProgress && rec.index % 100_000 === 0) options.onProgress(rec.index);
  }
  for (const e of tail) tree.appendLeafHash(leafHashNode(bytesOf(e.leaf, "leaf")));
  tree.flush();
  const cached = cache.leaves;
  return {
    tree,
    size: tree.size,
    entry(index: number): LogEntry {
      if (index >= cached && index - cached < tail.length) return tail[index - cached]!;
      const r = cache.read(index);
      const lh = leafHashNode(r.leaf);
      return { index, leaf: `0x${hex(r.leaf)}` as Hex, leafHash: `0x${hex(lh)}` as Hex, blockNumber: r.blockNumber, transactionHash: r.transactionHash, logIndex: r.logIndex };
    },
    close: () => files?.close(),
  };
}
