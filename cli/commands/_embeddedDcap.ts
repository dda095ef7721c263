/**
 * The embedded chain for `poc verify --onchain` and `poc collateral upload` without --rpc: a fresh
 * in-process chain (@ethereumjs/vm at osaka, so the P-256 precompile is at 0x100; see
 * _embeddedEvm.ts), a CollateralStore pinned to the real Intel SGX Root CA, optionally a
 * DcapQuoteVerifier on it and the given collateral uploaded. With `at`, the clock starts an hour
 * before `at` (so uploads happen while the collateral is current) and is then moved to `at`.
 * Pure JavaScript and the bytecode shipped with the package: it runs from an installed package,
 * with no Hardhat, no native binary and no project around it.
 */
import { sha256 } from "@noble/hashes/sha2.js";
import { createPublicClient, createWalletClient, custom, encodeDeployData, toHex, zeroAddress, type Abi, type Account, type Address, type Chain, type Hex, type PublicClient, type Transport, type WalletClient } from "viem";
import { buildCollateralUploads, uploadCollateral, type QuoteCollateralV3 } from "../../sdk/src/chain/collateralStore.js";
import { INTEL_SGX_ROOT_CA_DER } from "../../sdk/src/intel/index.js";
import type { CliIO } from "../io.js";
import { embeddedBytecode, type EmbeddedContractName } from "./_embeddedArtifacts.js";
import { createEmbeddedEvm, EMBEDDED_CHAIN_ID, type EmbeddedEvm } from "./_embeddedEvm.js";

export type EmbeddedDcap = {
  chainId: number;
  publicClient: PublicClient;
  walletClient: WalletClient<Transport, Chain | undefined, Account>;
  store: Address;
  /** The zero address when `withVerifier` was false. */
  verifier: Address;
  /** Gas of all collateral uploads together (0 without collateral). */
  uploadGas: bigint;
};

export type DeployEmbeddedDcapParameters = {
  /** Unix seconds the chain's clock is at when this returns; default: now. */
  at?: number;
  /** Uploaded to the store when given. */
  collateral?: QuoteCollateralV3;
  /** Deploy a DcapQuoteVerifier on the store (default true). */
  withVerifier?: boolean;
  io?: Pick<CliIO, "progress">;
};

/** Lead time the chain starts before `at`, so every upload happens while the collateral is current. */
const LEAD_SECONDS = 3600;

const embeddedChain: Chain = {
  id: EMBEDDED_CHAIN_ID,
  name: "poc embedded chain",
  nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
  rpcUrls: { default: { http: [] } },
};

/** Deploys `name` with constructor `args` (all addresses or bytes32 here) and returns its address. */
async function deploy(evm: EmbeddedEvm, publicClient: PublicClient, name: EmbeddedContractName, abi: Abi, args: unknown[]): Promise<Address> {
  const data = encodeDeployData({ abi, bytecode: embeddedBytecode(name), args });
  const hash = (await evm.request({ method: "eth_sendTransaction", params: [{ from: evm.account, data }] })) as Hex;
  const receipt = await publicClient.getTransactionReceipt({ hash });
  if (receipt.status !== "success" || !receipt.contractAddress) throw new Error(`deploying ${name} on the embedded chain failed`);
  return receipt.contractAddress;
}

const ctor = (...types: string[]): Abi => [{ type: "constructor", stateMutability: "nonpayable", inputs: types.map((type, i) => ({ type, name: `a${i}` })) }];

export async function deployEmbeddedDcap({ at, collateral, withVerifier = true, io }: DeployEmbeddedDcapParameters = {}): Promise<EmbeddedDcap> {
  const progress = io?.progress ?? (() => {});
  progress("starting the embedded chain ...");
  const start = BigInt(at === undefined ? Math.floor(Date.now() / 1000) : at - LEAD_SECONDS);
  const evm = await createEmbeddedEvm({ genesisTimestamp: start });
  const transport = custom({ request: evm.request }, { retryCount: 0 });
  const publicClient = createPublicClient({ chain: embeddedChain, transport, pollingInterval: 10 }) as PublicClient;
  const walletClient = createWalletClient({ chain: embeddedChain, transport, account: evm.account }) as WalletClient<Transport, Chain | undefined, Account>;
  progress(`deploying CollateralParser, CollateralStore (pinned to the Intel SGX Root CA)${withVerifier ? " and DcapQuoteVerifier" : ""} ...`);
  const parser = await deploy(evm, publicClient, "CollateralParser", ctor(), []);
  const store = await deploy(evm, publicClient, "CollateralStore", ctor("bytes32", "address"), [toHex(sha256(INTEL_SGX_ROOT_CA_DER)), parser]);
  const verifier = withVerifier ? await deploy(evm, publicClient, "DcapQuoteVerifier", ctor("address"), [store]) : zeroAddress;
  let uploadGas = 0n;
  if (collateral) {
    const uploads = buildCollateralUploads({ collateral });
    progress(`uploading ${uploads.length} collateral items ...`);
    uploadGas = (await uploadCollateral(walletClient, publicClient, { address: store, uploads })).gasUsed;
  }
  if (at !== undefined) {
    const now = evm.latestTimestamp();
    if (now >= BigInt(at)) throw new Error(`the embedded chain's clock (${now}) passed --at (${at}) while setting up`);
    evm.setNextBlockTimestamp(BigInt(at));
    await evm.mine();
  }
  return { chainId: EMBEDDED_CHAIN_ID, publicClient, walletClient, store, verifier, uploadGas };
}
