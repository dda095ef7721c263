/**
 * Deploys the whole system through Hardhat Ignition on one network connection and returns its
 * address book. Ignition's journal (ignition/deployments/<deploymentId>) makes a re-run resume an
 * interrupted deployment or do nothing; this file adds what Ignition cannot express: the checks of
 * scripts/deploy/parameters.ts, the dev ZK verifiers on local chains, the quote-verifier route
 * (which top-level module; Automata's entrypoint must have code), refusing a journal whose
 * contracts are gone (a restarted local node), the root-certificate upload, and the address book.
 */
import { existsSync, rmSync } from "node:fs";
import path from "node:path";
import { execFileSync } from "node:child_process";
import { listTransactions, status } from "@nomicfoundation/ignition-core";
import { bytesToHex, getAddress, type Address, type Hex, type PublicClient } from "viem";
import type { NetworkConnection } from "hardhat/types/network";
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import { proofOfCloudModule } from "../../ignition/modules/ProofOfCloud.js";
import DevZkVerifiersModule from "../../ignition/modules/DevZkVerifiers.js";
import { collateralStoreAbi } from "../../sdk/src/chain/abi/CollateralStore.js";
import { ADDRESS_BOOK_FORMAT, type AddressBook, type AddressBookContract } from "../../sdk/src/chain/addressBook.js";
import { isLocalChainId } from "../../sdk/src/simulate/guard.js";
import { PocError } from "../../sdk/src/errors.js";
import type { ResolvedDeployParameters } from "./parameters.js";

export class DeployError extends PocError {
  override name = "DeployError";
}

export type DeployProofOfCloudOptions = {
  hre: HardhatRuntimeEnvironment;
  connection: NetworkConnection;
  chainId: number;
  parameters: ResolvedDeployParameters;
  /** Ignition deployment ID; default `chain-<chainId>` (Ignition's own default). */
  deploymentId?: string;
  /** Local chains only: wipe a journal whose contracts no longer exist (a restarted node). */
  reset?: boolean;
  log?: (line: string) => void;
};

export type DeployProofOfCloudReturnType = {
  book: AddressBook;
  /** False for the in-process chain, whose deployment vanishes with the process. */
  persistent: boolean;
};

/** Contracts created by another contract's constructor (no creation transaction of their own): their creator. */
const CREATED_BY: Record<string, string> = { MethodRegistry: "HardwareRegistry" };

/** Ignition's viem results, by module result key (only the address is used). */
type Deployed = Record<string, { address: Address } | undefined>;

// CaRole.Root in ICollateralStore.
const CA_ROLE_ROOT = 1;

export async function deployProofOfCloud(o: DeployProofOfCloudOptions): Promise<DeployProofOfCloudReturnType> {
  const { connection, chainId, parameters } = o;
  const log = o.log ?? (() => {});
  const deploymentId = o.deploymentId ?? `chain-${chainId}`;
  const persistent = connection.networkConfig.type !== "edr-simulated";
  const deploymentDir = path.join(o.hre.config.paths.ignition, "deployments", deploymentId);
  const publicClient = (await connection.viem.getPublicClient()) as unknown as PublicClient;

  if (persistent && existsSync(path.join(deploymentDir, "journal.jsonl"))) await checkJournal(publicClient, deploymentDir, chainId, o.reset === true, log);
  const firstBlock = await publicClient.getBlockNumber();

  // Before anything is sent: Automata's entrypoint must exist on this chain (it cannot be deployed here).
  if (parameters.quoteVerifierRoute === "automata") {
    const a = parameters.automataDcapAttestation!;
    const code = await publicClient.getCode({ address: a });
    if (!code || code === "0x") {
      throw new DeployError(`DcapQuoteVerifier.automataDcapAttestation: no contract at ${a} on chain ${chainId}`, { details: "use the DCAP attestation entrypoint Automata publishes for this chain" });
    }
    log(`Intel quote verifier: AutomataDcapAdapter over Automata's DCAP attestation at ${a}`);
  } else {
    log("Intel quote verifier: ours (DcapQuoteVerifier)");
  }

  const ignitionParameters = structuredClone(parameters.ignition);
  if (parameters.devZkVerifiers) {
    log("ZK routes: dev verifiers (local chain only)");
    const dev = (await connection.ignition.deploy(DevZkVerifiersModule, { deploymentId, displayUi: persistent })) as unknown as Deployed;
    ignitionParameters.ZkAttestationVerifier = {
      ...ignitionParameters.ZkAttestationVerifier,
      riscZeroVerifier: dev.devRiscZeroVerifier!.address,
      sp1Verifier: dev.devSp1Verifier!.address,
    };
  } else {
    for (const k of ["riscZeroVerifier", "sp1Verifier"] as const) {
      const a = ignitionParameters.ZkAttestationVerifier![k] as Address;
      const code = await publicClient.getCode({ address: a });
      if (!code || code === "0x") throw new DeployError(`ZkAttestationVerifier.${k}: no contract at ${a} on chain ${chainId}`, { details: "use the address its vendor publishes for this chain" });
    }
  }

  const proofOfCloud = proofOfCloudModule(parameters.quoteVerifierRoute);
  const deployed = (await connection.ignition.deploy(proofOfCloud, { parameters: ignitionParameters as never, deploymentId, displayUi: persistent })) as unknown as Deployed;

  // The store accepts only the pinned root's bytes, so anyone may upload it; do it once.
  const store = deployed.collateralStore!.address;
  const root = await publicClient.readContract({ address: store, abi: collateralStoreAbi, functionName: "certificate", args: [CA_ROLE_ROOT] });
  if (root.notAfter === 0n) {
    log(`uploading the root certificate (${parameters.rootSource}) to CollateralStore`);
    const [wallet] = await connection.viem.getWalletClients();
    if (!wallet) throw new DeployError("no account to send the root certificate upload from");
    const hash = await wallet.writeContract({
      address: store,
      abi: collateralStoreAbi,
      functionName: "uploadRootCertificate",
      args: [bytesToHex(parameters.rootCertificate)],
      chain: wallet.chain,
      account: wallet.account,
    });
    const receipt = await publicClient.waitForTransactionReceipt({ hash });
    if (receipt.status !== "success") throw new DeployError(`root certificate upload reverted (${hash})`);
  }

  // Every contract the deployment made: the module results plus, on local chains, the dev verifiers.
  const futures: Record<string, { address: Address; futureId: string }> = {};
  for (const [key, future] of Object.entries(proofOfCloud.results)) {
    futures[future.contractName] = { address: getAddress(deployed[key]!.address), futureId: future.id };
  }
  if (parameters.devZkVerifiers) {
    for (const [key, future] of Object.entries(DevZkVerifiersModule.results)) {
      const address = ignitionParameters.ZkAttestationVerifier![key === "devRiscZeroVerifier" ? "riscZeroVerifier" : "sp1Verifier"] as Address;
      futures[future.contractName] = { address: getAddress(address), futureId: future.id };
    }
  }
  const created = persistent ? await creationsFromJournal(publicClient, deploymentDir) : await creationsFromBlocks(publicClient, firstBlock);
  const contracts: Record<string, AddressBookContract> = {};
  for (const [name, f] of Object.entries(futures)) {
    // A contract another one created in its constructor has that one's creation transaction.
    const creator = CREATED_BY[name];
    const c = created.get((creator ? futures[creator]!.address : f.address).toLowerCase());
    if (!c) throw new DeployError(`no creation transaction found for ${name} at ${f.address}`);
    contracts[name] = { address: f.address, block: c.block, transactionHash: c.hash, futureId: f.futureId };
  }
  const deploymentBlock = Object.values(contracts).reduce((m, c) => (c.block! < m ? c.block! : m), BigInt(Number.MAX_SAFE_INTEGER));
  const block = await publicClient.getBlock({ blockNumber: deploymentBlock });

  const recorded = structuredClone(ignitionParameters);
  recorded.CollateralStore = { ...recorded.CollateralStore, rootCertificate: parameters.rootSource };
  recorded.DcapQuoteVerifier = { quoteVerifierRoute: parameters.quoteVerifierRoute };
  const git = gitState();
  const book: AddressBook = {
    format: ADDRESS_BOOK_FORMAT,
    chainId,
    network: connection.networkName,
    deploymentId,
    deploymentBlock,
    deploymentBlockHash: block.hash,
    ...(git ? { gitCommit: git.commit, gitDirty: git.dirty } : {}),
    contracts,
    parameters: recorded,
  };
  return { book, persistent };
}

/**
 * Ignition trusts its journal: after a local node restarts, the journal still lists contracts
 * that are gone and a re-run would "succeed" without deploying. Refuse that, or wipe it when asked
 * (local chains only; a public chain's journal is never wiped here).
 */
async function checkJournal(client: PublicClient, dir: string, chainId: number, reset: boolean, log: (l: string) => void) {
  const st = await status(dir);
  const missing: string[] = [];
  for (const c of Object.values(st.contracts)) {
    const code = await client.getCode({ address: c.address as Address });
    if (!code || code === "0x") missing.push(`${c.id} at ${c.address}`);
  }
  if (missing.length === 0) return;
  if (reset && isLocalChainId(chainId)) {
    log(`wiping ${dir}: its contracts are not on this chain (${missing.length} missing)`);
    rmSync(dir, { recursive: true, force: true });
    return;
  }
  throw new DeployError(`the deployment journal ${dir} lists contracts that are not on chain ${chainId}`, {
    metaMessages: missing.map((m) => `missing: ${m}`),
    details: isLocalChainId(chainId)
      ? "the local node was restarted; re-run with POC_DEPLOY_RESET=1 to deploy afresh"
      : "wrong RPC endpoint, or the journal belongs to another chain; nothing was sent",
  });
}

type Creation = { block: bigint; hash: Hex };

async function creationsFromJournal(client: PublicClient, dir: string): Promise<Map<string, Creation>> {
  const out = new Map<string, Creation>();
  for (const tx of await listTransactions(dir, undefined as never)) {
    if (!tx.address) continue;
    const r = await client.getTransactionReceipt({ hash: tx.txHash as Hex });
    out.set(tx.address.toLowerCase(), { block: r.blockNumber, hash: tx.txHash as Hex });
  }
  return out;
}

/** The in-process chain keeps no journal: read the (few) blocks since the deployment started. */
async function creationsFromBlocks(client: PublicClient, after: bigint): Promise<Map<string, Creation>> {
  const out = new Map<string, Creation>();
  const last = await client.getBlockNumber();
  for (let n = after + 1n; n <= last; n++) {
    const b = await client.getBlock({ blockNumber: n });
    for (const hash of b.transactions) {
      const r = await client.getTransactionReceipt({ hash });
      if (r.contractAddress) out.set(r.contractAddress.toLowerCase(), { block: r.blockNumber, hash });
    }
  }
  return out;
}

function gitState(): { commit: string; dirty: boolean } | undefined {
  try {
    const commit = execFileSync("git", ["rev-parse", "HEAD"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
    const dirty = execFileSync("git", ["status", "--porcelain", "--untracked-files=no"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim() !== "";
    return { commit, dirty };
  } catch {
    return undefined;
  }
}
