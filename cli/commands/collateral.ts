/**
 * `poc collateral upload <collateral.json> [--rpc <url> --store <address>] [--at <unix>] [--json]`:
 * puts Intel DCAP collateral (QuoteCollateralV3 JSON or PCS responses) into the onchain collateral
 * store. With --rpc it sends to a deployed store (signer key in POC_PRIVATE_KEY; items the store
 * already holds are skipped); without it, it deploys a fresh store on the embedded in-process chain
 * (clock at --at, default now) and reports each upload's gas.
 */
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { createPublicClient, createWalletClient, http, isAddress, type Address, type Hex, type PublicClient } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { PocError } from "../../sdk/src/errors.js";
import {
  buildCollateralUploads,
  parseQuoteCollateralV3,
  uploadCollateral,
  CollateralUploadError,
  type CollateralUpload,
} from "../../sdk/src/chain/collateralStore.js";
import { parseUnixSeconds, UsageError, type CliIO, type Command } from "../io.js";
import { addressBookPath, findAddress } from "../../sdk/src/chain/addressBook.js";
import { loadCliAddressBook } from "./_chain.js";
import { deployEmbeddedDcap } from "./_embeddedDcap.js";

const usage = `usage: poc collateral upload <collateral.json> [--rpc <url> [--store <address>]] [--at <unix>] [--json]

  Uploads the root certificate, intermediates, root CA CRL, PCK CRL, TCB info and QE identity of a
  collateral file (QuoteCollateralV3 JSON or Intel PCS responses) to the onchain collateral store.
  --rpc <url>        a JSON-RPC endpoint; needs the signer key in POC_PRIVATE_KEY
  --store <address>  the CollateralStore to feed (with --rpc; default: the address book's)
  --deployments DIR  address books <DIR>/<chainId>.json (default ./deployments)
  --at <unix>        embedded chain only: its clock (default: now)
  --json             one JSON object on stdout`;

type Item = { label: string; outcome: "stored" | "already-current"; gasUsed?: string };

export const command: Command = {
  summary: "upload Intel DCAP collateral to the onchain collateral store",
  usage,
  run: async (argv: string[], io: CliIO): Promise<number> => {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { rpc: { type: "string" }, store: { type: "string" }, deployments: { type: "string" }, at: { type: "string" }, json: { type: "boolean" } },
    });
    const [sub, file, ...extra] = positionals;
    if (sub !== "upload") throw new UsageError(sub ? `unknown subcommand '${sub}'` : "missing subcommand");
    if (!file || extra.length) throw new UsageError("expected exactly one collateral file");
    if (values.store !== undefined && !isAddress(values.store)) throw new UsageError(`--store: not an address: ${values.store}`);
    if (!values.rpc && values.store) throw new UsageError("--store needs --rpc (the embedded chain deploys its own store)");
    const at = values.at === undefined ? undefined : parseUnixSeconds(values.at, "--at");

    let text: string;
    try {
      text = await readFile(resolve(io.cwd, file), "utf8");
    } catch (cause) {
      throw new PocError(`cannot read ${file}`, { details: (cause as Error).message });
    }
    const uploads = buildCollateralUploads({ collateral: parseQuoteCollateralV3(text) });
    const items: Item[] = [];
    const onProgress = (u: CollateralUpload, outcome: Item["outcome"], gas?: bigint) => {
      items.push({ label: u.label, outcome, ...(gas === undefined ? {} : { gasUsed: gas.toString() }) });
      if (!values.json) io.out(`${outcome === "stored" ? "stored " : "current"}  ${u.label}${gas === undefined ? "" : `  (${gas} gas)`}`);
    };

    try {
      const target = values.rpc
        ? await rpcTarget(values.rpc, values.store as Address | undefined, values.deployments, io)
        : await embeddedTarget(at, io);
      io.progress(`uploading ${uploads.length} collateral items to ${target.store} (chain ${target.chainId}) ...`);
      const res = await uploadCollateral(target.wallet as never, target.pub, { address: target.store, uploads, onProgress });
      if (values.json) {
        io.out(JSON.stringify({ store: target.store, chainId: target.chainId, items, stored: res.stored, alreadyCurrent: res.alreadyCurrent, gasUsed: res.gasUsed.toString() }));
      } else {
        io.out(`${res.stored} stored, ${res.alreadyCurrent} already current, ${res.gasUsed} gas, store ${target.store}`);
      }
      return 0;
    } catch (error) {
      if (error instanceof CollateralUploadError) {
        if (values.json) io.out(JSON.stringify({ error: error.shortMessage, details: error.details, items }));
        else io.err(`poc collateral: ${error.shortMessage}${error.details ? `: ${error.details}` : ""}`);
        return 1;
      }
      throw error;
    }
  },
};

type Target = { store: Address; chainId: number; wallet: unknown; pub: PublicClient };

/** A deployed store over --rpc: --store, else the address book's CollateralStore for the node's chain. */
async function rpcTarget(rpc: string, storeFlag: Address | undefined, deployments: string | undefined, io: CliIO): Promise<Target> {
  const key = io.env.POC_PRIVATE_KEY;
  if (!key || !/^0x[0-9a-fA-F]{64}$/.test(key)) throw new UsageError("set POC_PRIVATE_KEY to the signer's 0x-prefixed private key");
  const transport = http(rpc);
  const pub = createPublicClient({ transport }) as PublicClient;
  const chainId = await pub.getChainId();
  const book = storeFlag ? undefined : await loadCliAddressBook(io, chainId, deployments);
  const store = storeFlag ?? (book && findAddress(book, "CollateralStore"));
  if (!store) throw new UsageError(`no CollateralStore address: pass --store or add it to ${addressBookPath(chainId, deployments)}`);
  const chain = { id: chainId, name: `chain ${chainId}`, nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 }, rpcUrls: { default: { http: [rpc] } } };
  const wallet = createWalletClient({ account: privateKeyToAccount(key as Hex), chain, transport });
  return { store, chainId, wallet, pub };
}

/** A fresh in-process chain (@ethereumjs/vm, osaka) with a CollateralStore pinned to Intel's root. */
async function embeddedTarget(at: number | undefined, io: CliIO): Promise<Target> {
  const d = await deployEmbeddedDcap({ at, withVerifier: false, io });
  return { store: d.store, chainId: d.chainId, wallet: d.walletClient, pub: d.publicClient };
}
