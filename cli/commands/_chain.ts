/**
 * What the commands that talk to a chain (`poc alliance`, `registry`, `cvm`, `log`, `verify`) share: the
 * common chain flags and their usage text, the RPC client and contract addresses (flags, env, or
 * the `deployments/<chainId>.json` address book), the signing key from POC_PRIVATE_KEY, a wallet
 * client for it, reading JSON input files, and JSON output with bigints. A helper module, not a
 * command: ../main.ts registers only the modules in its table.
 */
import { existsSync, readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { createPublicClient, createWalletClient, getAddress, http, isAddress, type Account, type Address, type Transport } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { UsageError, type CliIO } from "../io.js";
import { AddressBookError, addressBookPath, findAddress, loadAddressBook, type AddressBook } from "../../sdk/src/chain/addressBook.js";

/** Dependencies tests inject: a transport to an in-process chain instead of HTTP. */
export type ChainDeps = { transport?: Transport };

export const chainOptions = {
  rpc: { type: "string" },
  alliance: { type: "string" },
  registry: { type: "string" },
  deployments: { type: "string" },
  json: { type: "boolean" },
} as const;

export const chainUsage = `chain options:
  --rpc URL             JSON-RPC endpoint (env POC_RPC_URL, default http://127.0.0.1:8545)
  --alliance ADDR       Alliance address (env POC_ALLIANCE)
  --registry ADDR       HardwareRegistry address (env POC_REGISTRY)
  --deployments DIR     address books <DIR>/<chainId>.json (default ./deployments)
  signing key: env POC_PRIVATE_KEY (0x-hex), never a flag`;

type ChainValues = { rpc?: string; alliance?: string; registry?: string; deployments?: string };

/**
 * The address book `<dir>/<chainId>.json` (`--deployments`, default ./deployments) through the
 * SDK's reader (sdk/src/chain/addressBook.ts): the deploy's format or the older
 * `{ contracts: { Alliance: "0x.." } }` / flat shapes. Undefined when there is none; a malformed
 * book is bad input (exit 2), naming the file and field.
 */
export async function loadCliAddressBook(io: CliIO, chainId: number, dir = "deployments"): Promise<AddressBook | undefined> {
  const load = (p: string) => readFile(resolve(io.cwd, p), "utf8").catch((e: NodeJS.ErrnoException) => (e.code === "ENOENT" ? undefined : Promise.reject(e)));
  try {
    return await loadAddressBook({ chainId, load, dir });
  } catch (e) {
    if (e instanceof AddressBookError) throw new UsageError(`${addressBookPath(chainId, dir)}: ${e.message}`);
    throw e;
  }
}

function address(value: string | undefined, what: string): Address | undefined {
  if (value === undefined) return undefined;
  if (!isAddress(value)) throw new UsageError(`${what}: not an address: ${value}`);
  return getAddress(value);
}

export async function connect(values: ChainValues, io: CliIO, deps: ChainDeps, need: { alliance?: boolean; registry?: boolean }) {
  const transport = deps.transport ?? http(values.rpc ?? io.env.POC_RPC_URL ?? "http://127.0.0.1:8545");
  const client = createPublicClient({ transport });
  const chainId = await client.getChainId();
  const book = await loadCliAddressBook(io, chainId, values.deployments);
  const alliance = address(values.alliance ?? io.env.POC_ALLIANCE, "--alliance") ?? (book && findAddress(book, "Alliance"));
  const hardwareRegistry = address(values.registry ?? io.env.POC_REGISTRY, "--registry") ?? (book && findAddress(book, "HardwareRegistry"));
  if (need.alliance && !alliance) throw new UsageError(`no Alliance address: pass --alliance, set POC_ALLIANCE or add deployments/${chainId}.json`);
  if (need.registry && !hardwareRegistry) throw new UsageError(`no HardwareRegistry address: pass --registry, set POC_REGISTRY or add deployments/${chainId}.json`);
  return { client, transport, chainId, book, alliance: alliance as Address, hardwareRegistry: hardwareRegistry as Address };
}

export function signingAccount(io: CliIO): Account {
  const key = io.env.POC_PRIVATE_KEY;
  if (!key) throw new UsageError("set POC_PRIVATE_KEY to the signing key (0x + 64 hex digits)");
  if (!/^0x[0-9a-fA-F]{64}$/.test(key)) throw new UsageError("POC_PRIVATE_KEY must be 0x + 64 hex digits");
  return privateKeyToAccount(key as `0x${string}`);
}

export function walletFor(transport: Transport, account: Account, chainId: number) {
  return createWalletClient({
    transport,
    account,
    chain: { id: chainId, name: `chain-${chainId}`, nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 }, rpcUrls: { default: { http: [] } } },
  });
}

export function readJsonFile(io: CliIO, path: string): unknown {
  const file = resolve(io.cwd, path);
  if (!existsSync(file)) throw new UsageError(`no such file: ${path}`);
  try {
    return JSON.parse(readFileSync(file, "utf8"));
  } catch (e) {
    throw new UsageError(`${path}: not JSON (${(e as Error).message})`);
  }
}

/** JSON with bigints as decimal strings. */
export function toJson(value: unknown): string {
  return JSON.stringify(value, (_k, v) => (typeof v === "bigint" ? v.toString() : v), 2);
}

export function isoTime(seconds: bigint | number): string {
  const n = Number(seconds);
  return n === 0 ? "-" : new Date(n * 1000).toISOString().replace(".000Z", "Z");
}
