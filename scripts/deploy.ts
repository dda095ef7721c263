/**
 * Deploys Proof of Cloud to the network Hardhat is told about, and writes its address book:
 *
 *   npm run deploy -- --network sepolia          (or automataTestnet, localhost; = hardhat run scripts/deploy.ts)
 *
 * Parameters: ignition/parameters/<network>.json, or local.json on chains 31337 / 1337
 * (override with POC_DEPLOY_PARAMETERS=path). Address book: deployments/<chainId>.json (override the
 * directory with POC_DEPLOYMENTS_DIR). Re-running resumes an interrupted deployment or does nothing.
 * Other knobs: POC_DEPLOYMENT_ID (Ignition deployment ID), POC_DEPLOY_RESET=1 (local chains: start
 * over when the node was restarted), HARDHAT_IGNITION_CONFIRM_DEPLOYMENT=1 (public chains: skip the
 * confirmation prompt). Everything else: docs/deploy.md.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { createInterface } from "node:readline/promises";
import hre from "hardhat";
import { parseAddressBook, serializeAddressBook, type AddressBook } from "../sdk/src/chain/addressBook.js";
import { isLocalChainId } from "../sdk/src/simulate/guard.js";
import { PocError } from "../sdk/src/errors.js";
import { resolveDeployParameters } from "./deploy/parameters.js";
import { deployProofOfCloud } from "./deploy/deployProofOfCloud.js";

const log = (line: string) => console.log(`[deploy] ${line}`);

function parametersFile(networkName: string, chainId: number): string {
  if (process.env.POC_DEPLOY_PARAMETERS) return path.resolve(process.env.POC_DEPLOY_PARAMETERS);
  const byName = path.resolve("ignition/parameters", `${networkName}.json`);
  if (existsSync(byName)) return byName;
  if (isLocalChainId(chainId)) return path.resolve("ignition/parameters/local.json");
  throw new PocError(`no parameters for network ${networkName}`, { details: `write ignition/parameters/${networkName}.json (see docs/deploy.md) or set POC_DEPLOY_PARAMETERS` });
}

/** JSON with sorted keys and bigints as strings, so two books compare by content. */
function canonical(v: unknown): string {
  return JSON.stringify(v, (_k, x) =>
    typeof x === "bigint" ? x.toString() : x && typeof x === "object" && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => a.localeCompare(b))) : x,
  );
}

/** Same deployment as the recorded one (git state aside): then the file is left as it is. */
function sameDeployment(a: AddressBook, b: AddressBook): boolean {
  const strip = ({ gitCommit: _c, gitDirty: _d, ...rest }: AddressBook) => canonical(rest);
  return strip(a) === strip(b);
}

/**
 * Public chains cost real gas: ask first, as `hardhat ignition deploy` does, unless
 * HARDHAT_IGNITION_CONFIRM_DEPLOYMENT is set (CI). Without a terminal to ask, refuse.
 */
async function confirmed(question: string): Promise<boolean> {
  if (process.env.HARDHAT_IGNITION_CONFIRM_DEPLOYMENT !== undefined) return true;
  if (!process.stdin.isTTY) {
    log("no terminal to confirm on: set HARDHAT_IGNITION_CONFIRM_DEPLOYMENT=1 to deploy non-interactively");
    return false;
  }
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    return /^y(es)?$/i.test((await rl.question(`${question} (y/N) `)).trim());
  } finally {
    rl.close();
  }
}

async function main() {
  const connection = await hre.network.create();
  const publicClient = await connection.viem.getPublicClient();
  const chainId = await publicClient.getChainId();
  const file = parametersFile(connection.networkName, chainId);
  const source = path.relative(process.cwd(), file);
  log(`network ${connection.networkName} (chain ${chainId}), parameters ${source}`);
  const parameters = resolveDeployParameters(JSON.parse(readFileSync(file, "utf8")), { chainId, source });
  log(`Intel root: ${parameters.rootSource} (sha256 ${parameters.rootCertHash})`);
  log(`quote verifier route: ${parameters.quoteVerifierRoute}${parameters.automataDcapAttestation ? ` (Automata DCAP attestation ${parameters.automataDcapAttestation})` : ""}`);
  if (!isLocalChainId(chainId) && !(await confirmed(`Deploy (or resume) Proof of Cloud on ${connection.networkName} (chain ${chainId})?`))) {
    log("cancelled; nothing sent");
    process.exitCode = 1;
    return;
  }

  const { book, persistent } = await deployProofOfCloud({
    hre,
    connection,
    chainId,
    parameters,
    deploymentId: process.env.POC_DEPLOYMENT_ID,
    reset: process.env.POC_DEPLOY_RESET === "1",
    log,
  });

  for (const [name, c] of Object.entries(book.contracts)) log(`${name.padEnd(22)} ${c.address}  block ${c.block}`);
  if (!persistent && !process.env.POC_DEPLOYMENTS_DIR) {
    log("in-process chain: nothing persists, so no address book is written (use --network localhost)");
    return;
  }
  const dir = path.resolve(process.env.POC_DEPLOYMENTS_DIR ?? "deployments");
  const out = path.join(dir, `${chainId}.json`);
  if (existsSync(out)) {
    const previous = parseAddressBook(JSON.parse(readFileSync(out, "utf8")), chainId);
    if (sameDeployment(previous, book)) {
      log(`${path.relative(process.cwd(), out)} is up to date: nothing deployed`);
      return;
    }
  }
  mkdirSync(dir, { recursive: true });
  writeFileSync(out, serializeAddressBook(book));
  log(`wrote ${path.relative(process.cwd(), out)}`);
}

main().catch((e: unknown) => {
  console.error(e instanceof PocError ? `[deploy] ${e.message}` : e);
  process.exitCode = 1;
});
