/**
 * The address book `deployments/<chainId>.json` that scripts/deploy.ts writes: every deployed
 * contract's address and deployment block, the parameters it was deployed with and the git commit.
 * Format: docs/deploy.md. Browser-safe: reading a file or URL is the caller's `load` function
 * (Node: `fs.readFile`, browsers: `fetch`), so nothing here imports `node:`.
 *
 * `parseAddressBook` also accepts the older shapes the CLI read before this file existed
 * (`{ contracts: { Alliance: "0x.." } }` or a flat `{ Alliance: "0x.." }`); the CLI reads books
 * only through this file.
 */
import { getAddress, isAddress, isHash, type Address, type Chain, type Client, type Hex, type Transport, type Account } from "viem";
import { getChainId } from "viem/actions";
import { PocError } from "../errors.js";
import type { PocAddresses } from "./decorator.js";

export const ADDRESS_BOOK_FORMAT = "proof-of-cloud/address-book/1";

/** One deployed contract. `block` / `transactionHash` are absent only in the older shapes. */
export type AddressBookContract = {
  address: Address;
  /** Block of the creation transaction: the first block to scan for the contract's events. */
  block?: bigint | undefined;
  transactionHash?: Hex | undefined;
  /** Hardhat Ignition future that deployed it, e.g. "HardwareRegistry#HardwareRegistry". */
  futureId?: string | undefined;
};

export type AddressBook = {
  format: typeof ADDRESS_BOOK_FORMAT | "legacy";
  chainId: number;
  /** Hardhat network name the deployment ran on ("sepolia", "automataTestnet", "localhost"). */
  network?: string | undefined;
  /** Ignition deployment ID (journal under ignition/deployments/<id>). */
  deploymentId?: string | undefined;
  /** Lowest creation block over all contracts, and its hash (tells a restarted local chain apart). */
  deploymentBlock?: bigint | undefined;
  deploymentBlockHash?: Hex | undefined;
  gitCommit?: string | undefined;
  gitDirty?: boolean | undefined;
  /** Keyed by Solidity contract name: Alliance, HardwareRegistry, CollateralStore, ... */
  contracts: Record<string, AddressBookContract>;
  /** The module parameters as deployed (Ignition's shape: module ID -> name -> value). */
  parameters?: Record<string, Record<string, unknown>> | undefined;
};

export class AddressBookError extends PocError {
  override name = "AddressBookError";
  readonly field: string;
  constructor(field: string, shortMessage: string, details?: string) {
    super(`address book ${field}: ${shortMessage}`, details ? { details } : {});
    this.field = field;
  }
}

/** `deployments/<chainId>.json`, relative to the directory holding the books. */
export function addressBookPath(chainId: number | bigint, dir = "deployments"): string {
  return `${dir.replace(/\/+$/, "")}/${Number(chainId)}.json`;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function parseBlock(v: unknown, field: string): bigint {
  if (typeof v === "number" && Number.isSafeInteger(v) && v >= 0) return BigInt(v);
  if (typeof v === "string" && /^(0|[1-9][0-9]*)$/.test(v)) return BigInt(v);
  throw new AddressBookError(field, "expected a block number (non-negative integer or decimal string)", `got ${JSON.stringify(v)}`);
}

function parseAddress(v: unknown, field: string): Address {
  if (typeof v !== "string" || !isAddress(v, { strict: false })) {
    throw new AddressBookError(field, "expected a 20-byte 0x address", `got ${JSON.stringify(v)}`);
  }
  return getAddress(v);
}

function parseContract(v: unknown, field: string): AddressBookContract {
  if (typeof v === "string") return { address: parseAddress(v, field) };
  if (!isObject(v)) throw new AddressBookError(field, "expected an address or { address, block }");
  const out: AddressBookContract = { address: parseAddress(v.address, `${field}.address`) };
  if (v.block !== undefined) out.block = parseBlock(v.block, `${field}.block`);
  if (v.transactionHash !== undefined) {
    if (typeof v.transactionHash !== "string" || !isHash(v.transactionHash)) throw new AddressBookError(`${field}.transactionHash`, "expected a 32-byte 0x hash");
    out.transactionHash = v.transactionHash;
  }
  if (v.futureId !== undefined) {
    if (typeof v.futureId !== "string") throw new AddressBookError(`${field}.futureId`, "expected a string");
    out.futureId = v.futureId;
  }
  return out;
}

/**
 * Validates a parsed `deployments/<chainId>.json`. `expectedChainId`, when given, must match the
 * book's (a book copied to the wrong file name is refused rather than pointing at foreign contracts).
 */
export function parseAddressBook(json: unknown, expectedChainId?: number): AddressBook {
  if (!isObject(json)) throw new AddressBookError("(root)", "expected a JSON object");
  if (json.format === undefined) {
    // Older shapes: { contracts: { Name: "0x.." } } or { Name: "0x.." }; chain ID from the file name.
    if (expectedChainId === undefined) throw new AddressBookError("format", "a book without `format` needs the chain ID it was read for");
    const src = isObject(json.contracts) ? json.contracts : json;
    const contracts: Record<string, AddressBookContract> = {};
    for (const [name, v] of Object.entries(src)) {
      if (typeof v === "string" ? isAddress(v, { strict: false }) : isObject(v) && typeof v.address === "string") {
        contracts[name] = parseContract(v, `contracts.${name}`);
      }
    }
    return { format: "legacy", chainId: expectedChainId, contracts };
  }
  if (json.format !== ADDRESS_BOOK_FORMAT) {
    throw new AddressBookError("format", `unsupported format ${JSON.stringify(json.format)}`, `this SDK reads ${ADDRESS_BOOK_FORMAT}`);
  }
  if (typeof json.chainId !== "number" || !Number.isSafeInteger(json.chainId) || json.chainId <= 0) {
    throw new AddressBookError("chainId", "expected a positive integer");
  }
  if (expectedChainId !== undefined && json.chainId !== expectedChainId) {
    throw new AddressBookError("chainId", `book is for chain ${json.chainId}, not ${expectedChainId}`);
  }
  if (!isObject(json.contracts)) throw new AddressBookError("contracts", "expected an object keyed by contract name");
  const contracts: Record<string, AddressBookContract> = {};
  for (const [name, v] of Object.entries(json.contracts)) contracts[name] = parseContract(v, `contracts.${name}`);
  const book: AddressBook = { format: ADDRESS_BOOK_FORMAT, chainId: json.chainId, contracts };
  for (const k of ["network", "deploymentId", "gitCommit"] as const) {
    if (json[k] !== undefined) {
      if (typeof json[k] !== "string") throw new AddressBookError(k, "expected a string");
      book[k] = json[k] as string;
    }
  }
  if (json.gitDirty !== undefined) {
    if (typeof json.gitDirty !== "boolean") throw new AddressBookError("gitDirty", "expected a boolean");
    book.gitDirty = json.gitDirty;
  }
  if (json.deploymentBlock !== undefined) book.deploymentBlock = parseBlock(json.deploymentBlock, "deploymentBlock");
  if (json.deploymentBlockHash !== undefined) {
    if (typeof json.deploymentBlockHash !== "string" || !isHash(json.deploymentBlockHash)) throw new AddressBookError("deploymentBlockHash", "expected a 32-byte 0x hash");
    book.deploymentBlockHash = json.deploymentBlockHash;
  }
  if (json.parameters !== undefined) {
    if (!isObject(json.parameters)) throw new AddressBookError("parameters", "expected an object keyed by module ID");
    book.parameters = json.parameters as AddressBook["parameters"];
  }
  return book;
}

/** JSON text of a book as scripts/deploy.ts writes it (bigints as decimal strings, stable key order). */
export function serializeAddressBook(book: AddressBook): string {
  return `${JSON.stringify(book, (_k, v) => (typeof v === "bigint" ? v.toString() : v), 2)}\n`;
}

/** The address of `name`, or an AddressBookError naming what is missing. */
export function addressOf(book: AddressBook, name: string): Address {
  const c = book.contracts[name];
  if (!c) throw new AddressBookError(`contracts.${name}`, `no ${name} in the book for chain ${book.chainId}`, `present: ${Object.keys(book.contracts).join(", ") || "none"}`);
  return c.address;
}

/** The address of the first of `names` the book holds; undefined when it holds none. */
export function findAddress(book: AddressBook, ...names: string[]): Address | undefined {
  for (const n of names) if (book.contracts[n]) return book.contracts[n].address;
  return undefined;
}

/**
 * The deployment's Intel quote verifier: `DcapQuoteVerifier` (route "ours") or
 * `AutomataDcapAdapter` (route "automata"); both implement IQuoteVerifier.
 */
export function quoteVerifierOf(book: AddressBook): Address | undefined {
  return findAddress(book, "DcapQuoteVerifier", "AutomataDcapAdapter");
}

/**
 * The addresses `client.extend(pocActions(...))` needs: Alliance and HardwareRegistry (required),
 * and the CvmRegistry and quote verifier when the book has them.
 */
export function pocAddressesFromBook(book: AddressBook): PocAddresses {
  const cvmRegistry = findAddress(book, "CvmRegistry");
  const dcapQuoteVerifier = quoteVerifierOf(book);
  return {
    alliance: addressOf(book, "Alliance"),
    hardwareRegistry: addressOf(book, "HardwareRegistry"),
    ...(cvmRegistry ? { cvmRegistry } : {}),
    ...(dcapQuoteVerifier ? { dcapQuoteVerifier } : {}),
  };
}

/** Loads the text at a path (relative to the books' directory root); undefined when absent. */
export type AddressBookLoader = (path: string) => Promise<string | undefined> | string | undefined;

export type LoadAddressBookParameters = { chainId: number | bigint; load: AddressBookLoader; dir?: string | undefined };

/** Reads and validates `<dir>/<chainId>.json`; undefined when there is no book for that chain. */
export async function loadAddressBook({ chainId, load, dir }: LoadAddressBookParameters): Promise<AddressBook | undefined> {
  const path = addressBookPath(chainId, dir);
  const text = await load(path);
  if (text === undefined) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new AddressBookError("(root)", `${path} is not JSON`, (e as Error).message);
  }
  return parseAddressBook(json, Number(chainId));
}

export type ReadAddressBookParameters = { load: AddressBookLoader; dir?: string | undefined };
export type ReadAddressBookReturnType = AddressBook;

/** The book for the chain `client` is connected to (asks the node its chain ID); throws when none. */
export async function readAddressBook(
  client: Client<Transport, Chain | undefined, Account | undefined>,
  { load, dir }: ReadAddressBookParameters,
): Promise<ReadAddressBookReturnType> {
  const chainId = await getChainId(client);
  const book = await loadAddressBook({ chainId, load, dir });
  if (!book) throw new AddressBookError("(file)", `no address book for chain ${chainId}`, `expected ${addressBookPath(chainId, dir)}; deploy with scripts/deploy.ts (docs/deploy.md)`);
  return book;
}
