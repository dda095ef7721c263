/**
 * `poc log root|prove|verify-receipt`: the registry's transparency log from the command line.
 * root and prove read a chain (rebuilding the tree from LeafAppended events and checking it against
 * the contract); verify-receipt needs no network. Formats: docs/transparency-log.md.
 */
import { readFile, writeFile } from "node:fs/promises";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { createPublicClient, getAddress, http, isAddress, type Address, type Hex, type Transport } from "viem";
import { hex } from "../../bytes.js";
import { VerificationError } from "../../errors.js";
import { parseCosignedCheckpoint } from "../../log/cosigned.js";
import { decodeLogLeaf, logLeafToJson } from "../../log/leaf.js";
import { readLogState, rebuildLog } from "../../log/onchain.js";
import { readRecordedCheckpoints } from "../../log/recorded.js";
import { buildReceipt, verifyReceipt } from "../../log/receipt.js";
import { UsageError, type CliIO, type Command } from "../io.js";

const usage = `usage:
  poc log root [--rpc URL] [--registry ADDRESS] [--quick] [--from-block N] [--page-size N] [--json]
      The log's size and root. Rebuilds the tree from LeafAppended events and checks it against the
      contract's logSize()/logRoot(); --quick only reads the contract.
  poc log prove <index> [--rpc URL] [--registry ADDRESS] [--size N] [--from-block N] [--page-size N]
                [--checkpoint FILE | --recorded] [--out FILE] [--json]
      The leaf at <index> with its inclusion proof to the tree of --size (default: current). With
      --checkpoint (a cosigned checkpoint file) or --recorded (the latest checkpoint the registry
      recorded that covers the leaf) it writes an offline receipt (to --out, or stdout).
  poc log verify-receipt <file> [--trusted-members A,B,...] [--chain-id N] [--registry ADDRESS] [--json]
      Checks an offline receipt with no network. Exit 0 only when it verifies.

  --rpc and --registry default to $POC_RPC and $POC_REGISTRY.`;

export type LogCommandDeps = { transport: (url: string) => Transport };

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

function chainArgs(values: Record<string, unknown>, io: CliIO, deps: LogCommandDeps) {
  const rpc = (values.rpc as string | undefined) ?? io.env.POC_RPC;
  const registry = addressFlag((values.registry as string | undefined) ?? io.env.POC_REGISTRY, "--registry");
  if (!rpc) throw new UsageError("--rpc (or $POC_RPC) is required");
  if (!registry) throw new UsageError("--registry (or $POC_REGISTRY) is required");
  const client = createPublicClient({ transport: deps.transport(rpc) });
  return { client, registry };
}

const chainOptions = {
  rpc: { type: "string" },
  registry: { type: "string" },
  "from-block": { type: "string" },
  "page-size": { type: "string" },
  json: { type: "boolean" },
} as const;

async function rebuild(values: Record<string, unknown>, io: CliIO, deps: LogCommandDeps) {
  const { client, registry } = chainArgs(values, io, deps);
  const fromBlock = uintFlag(values["from-block"] as string | undefined, "--from-block");
  const pageSize = uintFlag(values["page-size"] as string | undefined, "--page-size");
  if (pageSize === 0) throw new UsageError("--page-size must be at least 1");
  let last = 0;
  const rebuilt = await rebuildLog(client, {
    registry,
    ...(fromBlock === undefined ? {} : { fromBlock: BigInt(fromBlock) }),
    ...(pageSize === undefined ? {} : { pageSize: BigInt(pageSize) }),
    onProgress: (p) => {
      if (p.leaves - last >= 10_000) {
        last = p.leaves;
        io.progress(`log: ${p.leaves} leaves through block ${p.toBlock}`);
      }
    },
  });
  return { client, registry, rebuilt, chainId: await client.getChainId() };
}

async function root(argv: string[], io: CliIO, deps: LogCommandDeps): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, options: { ...chainOptions, quick: { type: "boolean" } }, allowPositionals: true });
  if (positionals.length) throw new UsageError(`unexpected argument '${positionals[0]}'`);
  let result: Record<string, unknown>;
  if (values.quick) {
    const { client, registry } = chainArgs(values, io, deps);
    const blockNumber = await client.getBlockNumber();
    const state = await readLogState(client, { registry, blockNumber });
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
    options: { ...chainOptions, size: { type: "string" }, checkpoint: { type: "string" }, recorded: { type: "boolean" }, out: { type: "string" } },
    allowPositionals: true,
  });
  if (positionals.length !== 1) throw new UsageError("prove takes exactly one <index>");
  const index = uintFlag(positionals[0], "<index>")!;
  if (values.out && !values.checkpoint && !values.recorded) throw new UsageError("--out needs --checkpoint or --recorded");
  if (values.checkpoint && values.recorded) throw new UsageError("--checkpoint and --recorded exclude each other");
  if (values.recorded && values.size) throw new UsageError("--size comes from the recorded checkpoint");
  let cosigned = values.checkpoint ? parseCosignedCheckpoint(await readFile(resolve(io.cwd, values.checkpoint), "utf8")) : undefined;
  const { client, registry, rebuilt, chainId } = await rebuild(values, io, deps);
  if (values.recorded) {
    const fromBlock = uintFlag(values["from-block"], "--from-block");
    const recorded = await readRecordedCheckpoints(client, { registry, toBlock: rebuilt.blockNumber, ...(fromBlock === undefined ? {} : { fromBlock: BigInt(fromBlock) }) });
    cosigned = recorded.reverse().find((r) => r.cosigned.checkpoint.size > index)?.cosigned;
    if (!cosigned) {
      io.err(`poc log: no checkpoint recorded by ${registry} covers leaf ${index} yet`);
      return 1;
    }
  }
  const size = cosigned ? cosigned.checkpoint.size : (uintFlag(values.size, "--size") ?? rebuilt.size);
  if (size > rebuilt.size) throw new UsageError(`--size ${size} is beyond the log's ${rebuilt.size} leaves`);
  if (index >= size) throw new UsageError(`leaf ${index} is not in the tree of ${size}`);
  const entry = rebuilt.entries[index]!;

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

async function verifyReceiptCmd(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { "trusted-members": { type: "string" }, "chain-id": { type: "string" }, registry: { type: "string" }, json: { type: "boolean" } },
    allowPositionals: true,
  });
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
  const r = await verifyReceipt(text, {
    ...(trusted ? { trustedMembers: trusted } : {}),
    ...(chainId === undefined ? {} : { chainId }),
    ...(registry ? { registry } : {}),
  });
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
      }),
    );
  } else {
    for (const c of r.checks) io.out(`${c.ok ? "ok  " : "FAIL"}  ${c.name.padEnd(20)} ${c.detail}`);
    for (const s of r.signers) io.out(`      signer ${s.signer}: ${s.status}`);
    io.out(
      r.status === "valid"
        ? `receipt verifies: leaf ${r.index} is in the tree of ${r.treeSize} cosigned by ${r.counted.length} of ${r.receipt.members.list.length} members (${r.required} required)`
        : r.status === "needs-online-check"
          ? `receipt NOT verified offline: the quorum needs contract-wallet signatures (${r.onlineOnly.join(", ")}), which only an ERC-1271 call can check`
          : "receipt does NOT verify",
    );
  }
  return r.ok ? 0 : 1;
}

export function createLogCommand(deps: LogCommandDeps): Command {
  return {
    summary: "transparency log: root, inclusion proofs, offline receipts",
    usage,
    run: async (argv, io) => {
      const [sub, ...rest] = argv;
      try {
        switch (sub) {
          case "root":
            return await root(rest, io, deps);
          case "prove":
            return await prove(rest, io, deps);
          case "verify-receipt":
            return await verifyReceiptCmd(rest, io);
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
        if (e instanceof TypeError && "code" in e && String(e.code).startsWith("ERR_PARSE_ARGS")) throw new UsageError(e.message);
        throw e;
      }
    },
  };
}

export const command: Command = createLogCommand({ transport: (url) => http(url) });
