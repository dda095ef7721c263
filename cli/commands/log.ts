/**
 * `poc log root|prove|cosign|combine|record|verify-receipt`: the registry's transparency log from
 * the command line. root, prove, cosign and record read a chain (rebuilding the tree from
 * LeafAppended events and checking it against the contract); combine merges cosigned-checkpoint
 * files (sdk/src/log combineCosignedCheckpoints); verify-receipt needs no network unless --online.
 * Arguments, files and exit codes only: the log logic is the SDK's. Formats: docs/transparency-log.md.
 */
import { readFile, rm, writeFile } from "node:fs/promises";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { getAddress, isAddress, isAddressEqual, type Address, type Hex, type LocalAccount } from "viem";
import { waitForTransactionReceipt } from "viem/actions";
import { hex } from "../../sdk/src/bytes.js";
import { writeRecordCheckpoint } from "../../sdk/src/chain/hardwareRegistry.js";
import { decodeContractRevert } from "../../sdk/src/chain/revert.js";
import { VerificationError } from "../../sdk/src/errors.js";
import { signCheckpoint, type Cosignature } from "../../sdk/src/log/checkpoint.js";
import { combineCosignedCheckpoints, createCosignedCheckpoint, parseCosignedCheckpoint, type CosignedCheckpoint } from "../../sdk/src/log/cosigned.js";
import { decodeLogLeaf, logLeafToJson } from "../../sdk/src/log/leaf.js";
import { LogCache, LogCacheError, rebuildFromCache, syncLogCache } from "../../sdk/node/logCache.js";
import { EventReadError, type EventReadProgress } from "../../sdk/src/events/reader.js";
import { LogRebuildError } from "../../sdk/src/log/errors.js";
import { formatTlogProof, signedCheckpointNote } from "../../sdk/src/log/c2sp.js";
import { IndexerError, readIndexedCheckpointTransactions, rebuildLogPreferIndexer } from "../../sdk/src/log/indexer.js";
import { bytesOf } from "../../sdk/src/log/hash.js";
import { writeTiles } from "../../sdk/node/tiles.js";
import { readTreeHead, rebuildLog, verifyCosignaturesOnline, type LogEntry } from "../../sdk/src/log/onchain.js";
import type { MerkleTree } from "../../sdk/src/log/tree.js";
import { verifyReceiptOnline, type VerifyReceiptOnlineReturnType } from "../../sdk/src/log/online.js";
import { readAllianceMembers, readRecordedCheckpoints } from "../../sdk/src/log/recorded.js";
import { buildReceipt, verifyReceipt, type VerifyReceiptReturnType } from "../../sdk/src/log/receipt.js";
import { UsageError, type CliIO, type Command } from "../io.js";
import { chainOptions, chainUsage, connect, signingAccount, walletFor, type ChainDeps } from "./_chain.js";

const usage = `usage:
  poc log root [chain options] [--quick] [--from-block N] [--page-size N] [--json]
      The log's size and root. Rebuilds the tree from LeafAppended events and checks it against the
      contract's logSize()/logRoot(); --quick only reads the contract.
  poc log prove <index> [chain options] [--size N] [--from-block N] [--page-size N]
                [--checkpoint FILE | --recorded] [--out FILE] [--c2sp FILE] [--json]
      The leaf at <index> with its inclusion proof to the tree of --size (default: current). With
      --checkpoint (a cosigned checkpoint file) or --recorded (the latest checkpoint the registry
      recorded that covers the leaf) it writes an offline receipt (to --out, or stdout); --c2sp FILE
      also writes it as a c2sp.org/tlog-proof file (the leaf as its extra data).
  poc log tiles --out DIR [chain options] [--checkpoint FILE] [--json]
      Writes the log as static c2sp.org/tlog-tiles (checkpoint, tile/<L>/<N>, tile/entries/<N>) for
      the latest recorded checkpoint (or --checkpoint; none: the current head, unsigned).
  poc log cosign [chain options] [--size N] [--as WALLET] [--out FILE] [--json]
      Signs the registry's tree head (rebuilt from events; --size: an earlier one) as an EIP-712
      Checkpoint with POC_PRIVATE_KEY and writes a cosigned-checkpoint file with that one signature
      (to --out, or stdout). --as: sign for a contract-wallet member (ERC-1271) that accepts this key.
  poc log combine <file> <file>... [--out FILE] [--json]
      Merges cosigned-checkpoint files of the same checkpoint into one; refuses different
      origins, sizes, roots or member sets and a signer that appears twice.
  poc log record <cosigned-checkpoint file> [chain options] [--json]
      Submits recordCheckpoint (with the consistency proof from its size to the current log) from
      POC_PRIVATE_KEY's account; prints the gas. Exit 1 with the registry's error if it refuses.
  poc log verify-receipt <file> [--trusted-members A,B,...] [--chain-id N] [--registry ADDRESS]
                         [--online [--rpc URL]] [--json]
      Checks an offline receipt with no network. Exit 0 only when it verifies. --online also checks
      contract-wallet cosignatures through the chain (ERC-1271) and the member set against the
      Alliance's current members().

log reading options (root, prove, cosign, record):
  --from-block N        first block to scan (default: the address book's deploymentBlock, else 0)
  --page-size N         first eth_getLogs block range (default 10000); the reader halves it on a
                        provider limit and doubles it back (up to 100000) after successes
  --concurrency N       eth_getLogs requests in flight (default 4)
  --cache DIR           keep the log's events in DIR (env POC_LOG_CACHE): a second run reads only
                        new blocks; the tree is rebuilt from it with files, not memory
  --confirmations N     blocks below the head that are never cached (default 12): reorgs
  --indexer URL         read the leaves from the indexer (indexer/, env POC_INDEXER_URL), checked
                        leaf by leaf and against logSize()/logRoot(); falls back to the chain
  progress: a bar on stderr with blocks/s and leaves/s

${chainUsage}`;

export type LogCommandDeps = ChainDeps;

const hexOf = (b: Uint8Array) => `0x${hex(b)}` as Hex;

function uintFlag(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(Number(value))) throw new UsageError(`${flag} must be a non-negative integer, got '${value}'`);
  return Number(value);
}

function addressFlag(value: string | undefined, flag: string): Address | undefined {
  if (value === undefined) return undefined;
  if (!isAddress(value, { strict: false })) throw new UsageError(`${flag} must be an address, got '${value}'`);
  return getAddress(value);
}

const logChainOptions = {
  ...chainOptions,
  "from-block": { type: "string" },
  "page-size": { type: "string" },
  concurrency: { type: "string" },
  cache: { type: "string" },
  confirmations: { type: "string" },
  indexer: { type: "string" },
} as const;

/** The log as the CLI rebuilt it: checked against logSize()/logRoot() at `blockNumber`. */
type Rebuilt = { tree: MerkleTree; size: number; rootHash: Hex; origin: string; blockNumber: bigint; entry: (index: number) => LogEntry };

/** `[#####-----] 48%  1,234,567/2,500,000 blocks  12,345 blocks/s  4,321 leaves/s`: one stderr line per second. */
export function progressBar(p: { blocksDone: bigint; blocksTotal: bigint; leaves: number; blocksPerSecond: number; logsPerSecond: number; range: bigint }): string {
  const frac = p.blocksTotal === 0n ? 1 : Number(p.blocksDone) / Number(p.blocksTotal);
  const width = 24;
  const filled = Math.round(frac * width);
  const n = (x: number | bigint) => Math.round(Number(x)).toLocaleString("en-US");
  return `log [${"#".repeat(filled)}${"-".repeat(width - filled)}] ${(frac * 100).toFixed(0).padStart(3)}%  ${n(p.blocksDone)}/${n(p.blocksTotal)} blocks  ${n(p.blocksPerSecond)} blocks/s  ${n(p.logsPerSecond)} leaves/s  ${n(p.leaves)} leaves  range ${n(p.range)}`;
}

function readerFlags(values: Record<string, string | boolean | undefined>) {
  const pageSize = uintFlag(values["page-size"] as string | undefined, "--page-size");
  if (pageSize === 0) throw new UsageError("--page-size must be at least 1");
  const concurrency = uintFlag(values.concurrency as string | undefined, "--concurrency");
  if (concurrency === 0) throw new UsageError("--concurrency must be at least 1");
  return { ...(pageSize === undefined ? {} : { initialRange: BigInt(pageSize) }), ...(concurrency === undefined ? {} : { concurrency }) };
}

async function rebuild(values: Record<string, string | boolean | undefined>, io: CliIO, deps: LogCommandDeps) {
  const { client, transport, hardwareRegistry: registry, chainId, book } = await connect(values, io, deps, { registry: true });
  const flag = uintFlag(values["from-block"] as string | undefined, "--from-block");
  // Events start at the deployment: the address book's block, never 0 when a book is at hand.
  const fromBlock = flag !== undefined ? BigInt(flag) : (book?.deploymentBlock ?? book?.contracts.HardwareRegistry?.block ?? 0n);
  const reader = readerFlags(values);
  let lastShown = 0;
  const onProgress = (p: EventReadProgress & { leaves: number }) => {
    const now = Date.now();
    if (now - lastShown >= 1000 || p.doneThrough === p.toBlock) {
      lastShown = now;
      io.progress(progressBar(p));
    }
  };
  const toBlock = await client.getBlockNumber();
  const cacheDir = (values.cache as string | undefined) ?? io.env.POC_LOG_CACHE;
  const indexerUrl = (values.indexer as string | undefined) ?? io.env.POC_INDEXER_URL;
  let rebuilt: Rebuilt;
  if (indexerUrl) {
    // The indexer's leaves, checked leaf by leaf and against logSize()/logRoot(); the chain otherwise.
    const r = await rebuildLogPreferIndexer(client, {
      registry,
      fromBlock,
      toBlock,
      ...reader,
      onProgress,
      indexerUrl,
      onFallback: (e) => io.progress(`log: indexer not used (${e.shortMessage}); reading the chain`),
    });
    if (r.fromIndexer) io.progress(`log: ${r.fromIndexer} leaves from the indexer at ${indexerUrl}, ${r.size - r.fromIndexer} from the chain`);
    rebuilt = { tree: r.tree, size: r.size, rootHash: r.rootHash, origin: r.origin, blockNumber: r.blockNumber, entry: (i) => r.entries[i]! };
  } else if (cacheDir) {
    const confirmations = BigInt(uintFlag(values.confirmations as string | undefined, "--confirmations") ?? 12);
    const dir = resolve(io.cwd, cacheDir, `${chainId}-${registry.toLowerCase()}`);
    const sync = async () => {
      const cache = LogCache.open(dir, { chainId, registry, startBlock: fromBlock });
      try {
        const { tail, blocksRead } = await syncLogCache(client, cache, { registry, toBlock, confirmations, ...reader, onProgress });
        io.progress(`log: ${cache.leaves} leaves cached in ${dir}; read ${blocksRead} blocks this run`);
        return { cache, log: rebuildFromCache(cache, tail) };
      } catch (e) {
        cache.close();
        throw e;
      }
    };
    let opened: Awaited<ReturnType<typeof sync>>;
    try {
      opened = await sync();
    } catch (e) {
      if (!(e instanceof LogCacheError && e.reason === "reorg")) throw e;
      // The cached branch was reorged out: start again from the deployment block.
      io.progress(`log: ${e.shortMessage}; rescanning`);
      await rm(dir, { recursive: true, force: true });
      opened = await sync();
    }
    const { cache, log } = opened;
    const state = await readTreeHead(client, { registry, blockNumber: toBlock });
    const rootHash = hexOf(log.tree.root());
    if (state.size !== log.size) throw new LogRebuildError("rebuild.size", `the registry says logSize() = ${state.size} at block ${toBlock}, the events give ${log.size} leaves`);
    if (rootHash !== state.rootHash.toLowerCase()) throw new LogRebuildError("rebuild.root", `the registry says logRoot() = ${state.rootHash} at block ${toBlock}, the events give ${rootHash}`);
    rebuilt = { tree: log.tree, size: log.size, rootHash, origin: state.origin, blockNumber: toBlock, entry: (i) => log.entry(i) };
    void cache; // files are closed at process exit; the tree reads its levels lazily for proofs
  } else {
    const r = await rebuildLog(client, { registry, fromBlock, toBlock, ...reader, onProgress });
    rebuilt = { tree: r.tree, size: r.size, rootHash: r.rootHash, origin: r.origin, blockNumber: r.blockNumber, entry: (i) => r.entries[i]! };
  }
  return { client, transport, registry, rebuilt, chainId, fromBlock, reader };
}

async function root(argv: string[], io: CliIO, deps: LogCommandDeps): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, options: { ...logChainOptions, quick: { type: "boolean" } }, allowPositionals: true });
  if (positionals.length) throw new UsageError(`unexpected argument '${positionals[0]}'`);
  let result: Record<string, unknown>;
  if (values.quick) {
    const { client, hardwareRegistry: registry } = await connect(values, io, deps, { registry: true });
    const blockNumber = await client.getBlockNumber();
    const state = await readTreeHead(client, { registry, blockNumber });
    result = { registry, blockNumber: Number(blockNumber), size: state.size, rootHash: state.rootHash, origin: state.origin, rebuilt: false };
  } else {
    const { registry, rebuilt } = await rebuild(values, io, deps);
    result = { registry, blockNumber: Number(rebuilt.blockNumber), size: rebuilt.size, rootHash: rebuilt.rootHash, origin: rebuilt.origin, rebuilt: true };
  }
  if (values.json) io.out(JSON.stringify(result));
  else {
    io.out(`origin     ${result.origin}`);
    io.out(`tree size  ${result.size}`);
    io.out(`root hash  ${result.rootHash}`);
    io.out(`at block   ${result.blockNumber}${result.rebuilt ? " (rebuilt from events; matches logSize()/logRoot())" : " (contract read only)"}`);
  }
  return 0;
}

async function prove(argv: string[], io: CliIO, deps: LogCommandDeps): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { ...logChainOptions, size: { type: "string" }, checkpoint: { type: "string" }, recorded: { type: "boolean" }, out: { type: "string" }, c2sp: { type: "string" } },
    allowPositionals: true,
  });
  if (positionals.length !== 1) throw new UsageError("prove takes exactly one <index>");
  const index = uintFlag(positionals[0], "<index>")!;
  if (values.out && !values.checkpoint && !values.recorded) throw new UsageError("--out needs --checkpoint or --recorded");
  if (values.checkpoint && values.recorded) throw new UsageError("--checkpoint and --recorded exclude each other");
  if (values.c2sp && !values.checkpoint && !values.recorded) throw new UsageError("--c2sp needs --checkpoint or --recorded");
  if ((values.recorded || values.checkpoint) && values.size) throw new UsageError("--size comes from the checkpoint");
  let cosigned = values.checkpoint ? parseCosignedCheckpoint(await readFile(resolve(io.cwd, values.checkpoint), "utf8")) : undefined;
  const { client, registry, rebuilt, chainId, fromBlock, reader } = await rebuild(values, io, deps);
  if (values.recorded) {
    const recorded = await readRecordedCheckpoints(client, { registry, toBlock: rebuilt.blockNumber, fromBlock, ...reader, ...(await indexedCheckpoints(values, io)) });
    cosigned = recorded.reverse().find((r) => r.cosigned.checkpoint.size > index)?.cosigned;
    if (!cosigned) {
      io.err(`poc log: no checkpoint recorded by ${registry} covers leaf ${index} yet`);
      return 1;
    }
  }
  const size = cosigned ? cosigned.checkpoint.size : (uintFlag(values.size, "--size") ?? rebuilt.size);
  if (size > rebuilt.size) throw new UsageError(`--size ${size} is beyond the log's ${rebuilt.size} leaves`);
  if (index >= size) throw new UsageError(`leaf ${index} is not in the tree of ${size}`);
  const entry = rebuilt.entry(index);

  if (cosigned) {
    if (cosigned.chainId !== chainId || cosigned.registry.toLowerCase() !== registry.toLowerCase()) {
      throw new UsageError(`the checkpoint file is for chain ${cosigned.chainId} registry ${cosigned.registry}, not chain ${chainId} registry ${registry}`);
    }
    const receipt = buildReceipt({
      chainId,
      registry,
      tree: rebuilt.tree,
      index,
      leaf: entry.leaf,
      checkpoint: { size, rootHash: cosigned.checkpoint.rootHash },
      cosignatures: cosigned.cosignatures,
      members: cosigned.members.list,
      ...(cosigned.members.asOfBlock === undefined ? {} : { asOfBlock: cosigned.members.asOfBlock }),
    });
    const text = JSON.stringify(receipt, null, 2);
    if (values.c2sp) {
      // The same receipt as a c2sp.org/tlog-proof file: the leaf rides as `extra`.
      const note = signedCheckpointNote({ origin: receipt.checkpoint.origin, size, rootHash: receipt.checkpoint.rootHash }, cosigned.cosignatures);
      const proofText = formatTlogProof({ index, proof: rebuilt.tree.inclusionProof(index, size), extra: bytesOf(entry.leaf, "leaf"), note });
      await writeFile(resolve(io.cwd, values.c2sp), proofText);
    }
    if (values.out) {
      await writeFile(resolve(io.cwd, values.out), text + "\n");
      if (values.json) io.out(JSON.stringify({ receipt: values.out, index, treeSize: size, rootHash: receipt.checkpoint.rootHash }));
      else io.out(`receipt for leaf ${index} in the tree of ${size} written to ${values.out}`);
    } else {
      io.out(text);
    }
    return 0;
  }

  const result = {
    index,
    treeSize: size,
    rootHash: hexOf(rebuilt.tree.root(size)),
    leaf: entry.leaf,
    leafHash: entry.leafHash,
    blockNumber: Number(entry.blockNumber),
    transactionHash: entry.transactionHash,
    decoded: logLeafToJson(decodeLogLeaf(entry.leaf)),
    inclusionProof: rebuilt.tree.inclusionProof(index, size).map(hexOf),
  };
  if (values.json) io.out(JSON.stringify(result));
  else {
    io.out(`leaf ${index} (${result.decoded.leafTypeName}, subject ${result.decoded.subject}) in the tree of ${size}`);
    io.out(`root hash  ${result.rootHash}`);
    io.out(`leaf hash  ${result.leafHash}  (block ${result.blockNumber}, tx ${result.transactionHash})`);
    io.out(`inclusion proof (${result.inclusionProof.length} hashes, leaf to root):`);
    for (const h of result.inclusionProof) io.out(`  ${h}`);
  }
  return 0;
}

/** With an indexer, the checkpoint transactions it lists (checked on chain by readRecordedCheckpoints); otherwise a scan. */
async function indexedCheckpoints(values: Record<string, string | boolean | undefined>, io: CliIO): Promise<{ transactions?: Hex[] }> {
  const indexerUrl = (values.indexer as string | undefined) ?? io.env.POC_INDEXER_URL;
  if (!indexerUrl) return {};
  try {
    const transactions = await readIndexedCheckpointTransactions({ indexerUrl });
    io.progress(`log: ${transactions.length} recorded checkpoints from the indexer`);
    return { transactions };
  } catch (e) {
    if (!(e instanceof IndexerError)) throw e;
    io.progress(`log: indexer not used for checkpoints (${e.shortMessage}); scanning the chain`);
    return {};
  }
}

async function tiles(argv: string[], io: CliIO, deps: LogCommandDeps): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, options: { ...logChainOptions, out: { type: "string" }, checkpoint: { type: "string" } }, allowPositionals: true });
  if (positionals.length) throw new UsageError(`unexpected argument '${positionals[0]}'`);
  if (!values.out) throw new UsageError("tiles needs --out DIR");
  const file = values.checkpoint ? await readCheckpointFile(io, values.checkpoint) : undefined;
  const { client, registry, rebuilt, chainId, fromBlock, reader } = await rebuild(values, io, deps);
  let cosigned = file;
  if (cosigned && (cosigned.chainId !== chainId || !isAddressEqual(cosigned.registry, registry))) {
    throw new UsageError(`the checkpoint file is for chain ${cosigned.chainId} registry ${cosigned.registry}, not chain ${chainId} registry ${registry}`);
  }
  if (!cosigned) {
    const recorded = await readRecordedCheckpoints(client, { registry, toBlock: rebuilt.blockNumber, fromBlock, ...reader, ...(await indexedCheckpoints(values, io)) });
    cosigned = recorded[recorded.length - 1]?.cosigned;
  }
  // Without a cosigned checkpoint the tiles describe the current tree under an unsigned note.
  const size = cosigned ? cosigned.checkpoint.size : rebuilt.size;
  if (size > rebuilt.size) throw new UsageError(`the checkpoint's size ${size} is beyond the log's ${rebuilt.size} leaves`);
  const rootHash = hexOf(rebuilt.tree.root(size));
  if (cosigned && rootHash !== cosigned.checkpoint.rootHash.toLowerCase()) {
    io.err(`poc log: the checkpoint's root ${cosigned.checkpoint.rootHash} is not the log's root at size ${size} (${rootHash})`);
    return 1;
  }
  if (!cosigned) io.progress("log: no recorded checkpoint: writing the current tree head as an unsigned note");
  const note = signedCheckpointNote({ origin: rebuilt.origin, size, rootHash }, cosigned?.cosignatures ?? []);
  const leaves = (function* () {
    for (let i = 0; i < size; i++) yield bytesOf(rebuilt.entry(i).leaf, "leaf");
  })();
  const out = resolve(io.cwd, values.out);
  const written = writeTiles(out, { tree: rebuilt.tree, size, leaves, checkpointNote: note });
  const result = { out: values.out, size, rootHash, origin: rebuilt.origin, signed: cosigned ? cosigned.cosignatures.length : 0, ...written };
  if (values.json) io.out(JSON.stringify(result));
  else io.out(`tlog-tiles of the tree of ${size} (root ${rootHash}, ${result.signed} cosignatures) written to ${values.out}: ${written.hashTiles} hash tiles, ${written.entryBundles} entry bundles`);
  return 0;
}

async function readCheckpointFile(io: CliIO, path: string): Promise<CosignedCheckpoint> {
  let text: string;
  try {
    text = await readFile(resolve(io.cwd, path), "utf8");
  } catch (e) {
    throw new UsageError(`cannot read ${path}: ${(e as Error).message}`);
  }
  return parseCosignedCheckpoint(text);
}

async function writeOrPrint(io: CliIO, out: string | undefined, value: unknown): Promise<void> {
  const text = JSON.stringify(value, null, 2);
  if (out) await writeFile(resolve(io.cwd, out), text + "\n");
  else io.out(text);
}

async function cosign(argv: string[], io: CliIO, deps: LogCommandDeps): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { ...logChainOptions, size: { type: "string" }, out: { type: "string" }, as: { type: "string" } },
    allowPositionals: true,
  });
  if (positionals.length) throw new UsageError(`unexpected argument '${positionals[0]}'`);
  if (values.json && !values.out) throw new UsageError("--json prints a summary of the file: it needs --out");
  const account = signingAccount(io) as LocalAccount;
  const as = addressFlag(values.as, "--as");
  const { client, registry, rebuilt, chainId } = await rebuild(values, io, deps);
  const size = uintFlag(values.size, "--size") ?? rebuilt.size;
  if (size > rebuilt.size) throw new UsageError(`--size ${size} is beyond the log's ${rebuilt.size} leaves`);
  const members = await readAllianceMembers(client, { registry, blockNumber: rebuilt.blockNumber });
  const signer = as ?? account.address;
  const member = members.find((m) => isAddressEqual(m.address, signer));
  if (!member) throw new UsageError(`${getAddress(signer)} is not a member of the registry's Alliance`);
  if (as && !member.contract) throw new UsageError(`--as ${getAddress(as)} holds no code: an EOA member signs with its own key, without --as`);

  const rootHash = hexOf(rebuilt.tree.root(size));
  const checkpoint = { origin: rebuilt.origin, size: BigInt(size), rootHash };
  const signed = await signCheckpoint({ chainId, registry, checkpoint, account });
  const cosignature: Cosignature = { signer: getAddress(signer), signature: signed.signature };
  if (as) {
    // A contract wallet decides itself which keys speak for it: ask it now rather than at record time.
    const [check] = await verifyCosignaturesOnline(client, { chainId, registry, checkpoint, cosignatures: [cosignature] });
    if (!check!.valid) {
      io.err(`poc log: the wallet ${cosignature.signer} does not accept ${account.address}'s signature (ERC-1271 isValidSignature)`);
      return 1;
    }
  }
  const file = createCosignedCheckpoint({ chainId, registry, size, rootHash, cosignatures: [cosignature], members, asOfBlock: Number(rebuilt.blockNumber) });
  await writeOrPrint(io, values.out, file);
  if (values.json) io.out(JSON.stringify({ cosignature: values.out, signer: cosignature.signer, size, rootHash, origin: rebuilt.origin }));
  else if (values.out) io.out(`${cosignature.signer} cosigned the tree of ${size} (root ${rootHash}); written to ${values.out}`);
  return 0;
}

async function combine(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, options: { out: { type: "string" }, json: { type: "boolean" } }, allowPositionals: true });
  if (positionals.length < 1) throw new UsageError("combine takes one or more cosigned-checkpoint files");
  if (values.json && !values.out) throw new UsageError("--json prints a summary of the file: it needs --out");
  const files = await Promise.all(positionals.map(async (name) => ({ name, checkpoint: await readCheckpointFile(io, name) })));
  const combined = combineCosignedCheckpoints({ files });
  const { size, rootHash } = combined.checkpoint;
  const signers = combined.cosignatures.map((c) => c.signer);
  await writeOrPrint(io, values.out, combined);
  if (values.json) io.out(JSON.stringify({ checkpoint: values.out, size, rootHash, signers }));
  else if (values.out) io.out(`${signers.length} cosignatures of the tree of ${size} written to ${values.out}`);
  return 0;
}

async function record(argv: string[], io: CliIO, deps: LogCommandDeps): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, options: logChainOptions, allowPositionals: true });
  if (positionals.length !== 1) throw new UsageError("record takes exactly one cosigned-checkpoint <file>");
  const file = await readCheckpointFile(io, positionals[0]!);
  const account = signingAccount(io);
  const { client, transport, registry, rebuilt, chainId } = await rebuild(values, io, deps);
  if (file.chainId !== chainId || !isAddressEqual(file.registry, registry)) {
    throw new UsageError(`the checkpoint file is for chain ${file.chainId} registry ${file.registry}, not chain ${chainId} registry ${registry}`);
  }
  const { size, rootHash } = file.checkpoint;
  if (size > rebuilt.size) {
    io.err(`poc log: the checkpoint's size ${size} is beyond the log's ${rebuilt.size} leaves`);
    return 1;
  }
  if (hexOf(rebuilt.tree.root(size)) !== rootHash.toLowerCase()) {
    io.err(`poc log: the checkpoint's root ${rootHash} is not the log's root at size ${size} (${hexOf(rebuilt.tree.root(size))})`);
    return 1;
  }
  // The contract checks the checkpoint against its current root, so the proof runs to the log's
  // size now; a leaf appended before the transaction lands makes it InconsistentCheckpoint (retry).
  const consistencyProof = rebuilt.tree.consistencyProof(size, rebuilt.size).map(hexOf);
  const wallet = walletFor(transport, account, chainId);
  let hash: Hex;
  try {
    hash = await writeRecordCheckpoint(wallet, { registry, size: BigInt(size), rootHash, consistencyProof, cosignatures: file.cosignatures });
  } catch (e) {
    const revert = decodeContractRevert(e);
    if (!revert) throw e;
    io.err(`poc log: the registry refused the checkpoint: ${revert.reason}`);
    return 1;
  }
  const receipt = await waitForTransactionReceipt(client, { hash });
  if (receipt.status !== "success") {
    io.err(`poc log: recordCheckpoint reverted in ${hash}`);
    return 1;
  }
  const result = { transactionHash: hash, blockNumber: Number(receipt.blockNumber), gasUsed: receipt.gasUsed.toString(), size, rootHash, signers: file.cosignatures.map((c) => c.signer), consistencyProof: consistencyProof.length };
  if (values.json) io.out(JSON.stringify(result));
  else io.out(`recorded the checkpoint of size ${size} with ${result.signers.length} cosignatures in ${hash} (${receipt.gasUsed} gas)`);
  return 0;
}

async function verifyReceiptCmd(argv: string[], io: CliIO, deps: LogCommandDeps): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { "trusted-members": { type: "string" }, "chain-id": { type: "string" }, registry: { type: "string" }, online: { type: "boolean" }, rpc: { type: "string" }, json: { type: "boolean" } },
    allowPositionals: true,
  });
  if (values.rpc && !values.online) throw new UsageError("--rpc needs --online");
  if (positionals.length !== 1) throw new UsageError("verify-receipt takes exactly one <file>");
  const trusted = values["trusted-members"]?.split(",").map((a, i) => addressFlag(a.trim(), `--trusted-members[${i}]`)!);
  const chainId = uintFlag(values["chain-id"], "--chain-id");
  const registry = addressFlag(values.registry, "--registry");
  let text: string;
  try {
    text = await readFile(resolve(io.cwd, positionals[0]!), "utf8");
  } catch (e) {
    throw new UsageError(`cannot read ${positionals[0]}: ${(e as Error).message}`);
  }
  const options = {
    ...(trusted ? { trustedMembers: trusted } : {}),
    ...(chainId === undefined ? {} : { chainId }),
    ...(registry ? { registry } : {}),
  };
  const r: VerifyReceiptReturnType & { online?: VerifyReceiptOnlineReturnType["online"] } = values.online
    ? await verifyReceiptOnline((await connect({ ...(values.rpc ? { rpc: values.rpc } : {}) }, io, deps, {})).client, text, options)
    : await verifyReceipt(text, options);
  if (values.json) {
    io.out(
      JSON.stringify({
        ok: r.ok,
        status: r.status,
        index: r.index,
        treeSize: r.treeSize,
        rootHash: r.rootHash,
        required: r.required,
        counted: r.counted,
        onlineOnly: r.onlineOnly,
        checks: r.checks,
        signers: r.signers,
        entry: r.entry ? logLeafToJson(r.entry) : null,
        ...(r.online ? { online: r.online } : {}),
      }),
    );
  } else {
    for (const c of r.checks) io.out(`${c.ok ? "ok  " : "FAIL"}  ${c.name.padEnd(20)} ${c.detail}`);
    for (const s of r.signers) io.out(`      signer ${s.signer}: ${s.status}`);
    for (const o of r.online ?? []) io.out(`      signer ${o.signer}: ${o.valid ? "valid on chain" : "NOT valid on chain"}`);
    io.out(
      r.status === "valid"
        ? `receipt verifies${r.online ? " (online)" : ""}: leaf ${r.index} is in the tree of ${r.treeSize} cosigned by ${r.counted.length} of ${r.receipt.members.list.length} members (${r.required} required)`
        : r.status === "needs-online-check"
          ? `receipt NOT verified offline: the quorum needs contract-wallet signatures (${r.onlineOnly.join(", ")}), which only an ERC-1271 call can check`
          : "receipt does NOT verify",
    );
  }
  return r.ok ? 0 : 1;
}

export function createLogCommand(deps: LogCommandDeps): Command {
  return {
    summary: "transparency log: root, inclusion proofs, cosigning checkpoints, offline receipts",
    usage,
    run: async (argv, io) => {
      const [sub, ...rest] = argv;
      try {
        switch (sub) {
          case "root":
            return await root(rest, io, deps);
          case "prove":
            return await prove(rest, io, deps);
          case "cosign":
            return await cosign(rest, io, deps);
          case "tiles":
            return await tiles(rest, io, deps);
          case "combine":
            return await combine(rest, io);
          case "record":
            return await record(rest, io, deps);
          case "verify-receipt":
            return await verifyReceiptCmd(rest, io, deps);
          default:
            throw new UsageError(sub ? `unknown subcommand '${sub}'` : "missing subcommand");
        }
      } catch (e) {
        // A log that disagrees with its contract is a failed verification (exit 1), not bad input.
        if (e instanceof VerificationError) {
          io.err(`poc log: ${e.shortMessage}`);
          if (e.details) io.err(`  ${e.details}`);
          return 1;
        }
        // The RPC gave up (after retries, or refuses even one block) or the cache is unusable.
        if (e instanceof EventReadError || e instanceof LogCacheError) {
          io.err(`poc log: ${e.shortMessage}`);
          if (e.details) io.err(`  ${e.details}`);
          return 1;
        }
        if (e instanceof TypeError && "code" in e && String(e.code).startsWith("ERR_PARSE_ARGS")) throw new UsageError(e.message);
        throw e;
      }
    },
  };
}

export const command: Command = createLogCommand({});
