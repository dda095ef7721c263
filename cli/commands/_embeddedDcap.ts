/**
 * The embedded chain for `poc verify --onchain` and `poc collateral upload` without --rpc: a fresh
 * in-process chain (Hardhat's EDR, osaka, P-256 precompile), a CollateralStore pinned to the real
 * Intel SGX Root CA, optionally a DcapQuoteVerifier on it and the given collateral uploaded. With
 * `at`, the clock starts an hour before `at` (so uploads happen while the collateral is current)
 * and is then moved to `at`. Hardhat is imported only here, lazily: the SDK library never loads it.
 */
import { sha256 } from "@noble/hashes/sha2.js";
import { toHex, zeroAddress, type Account, type Address, type Chain, type PublicClient, type Transport, type WalletClient } from "viem";
import { buildCollateralUploads, uploadCollateral, type QuoteCollateralV3 } from "../../sdk/src/chain/collateralStore.js";
import { INTEL_SGX_ROOT_CA_DER } from "../../sdk/src/intel/index.js";
import type { CliIO } from "../io.js";

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

type Viem = {
  deployContract: (name: string, args?: unknown[]) => Promise<{ address: Address }>;
  getPublicClient: () => Promise<unknown>;
  getWalletClients: () => Promise<unknown[]>;
};
type Helpers = { time: { setNextBlockTimestamp: (t: number) => Promise<void>; latest: () => Promise<number> }; mine: () => Promise<void> };

/** Lead time the chain starts before `at`, so every upload happens while the collateral is current. */
const LEAD_SECONDS = 3600;

export async function deployEmbeddedDcap({ at, collateral, withVerifier = true, io }: DeployEmbeddedDcapParameters = {}): Promise<EmbeddedDcap> {
  const progress = io?.progress ?? (() => {});
  progress("starting the embedded chain ...");
  const { network } = await import("hardhat");
  const override = at === undefined ? {} : { override: { initialDate: new Date((at - LEAD_SECONDS) * 1000) } };
  const { viem, networkHelpers } = (await network.create({ network: "default", ...override } as never)) as unknown as {
    viem: Viem;
    networkHelpers: Helpers;
  };
  progress(`deploying CollateralParser, CollateralStore (pinned to the Intel SGX Root CA)${withVerifier ? " and DcapQuoteVerifier" : ""} ...`);
  const parser = await viem.deployContract("CollateralParser");
  const store = await viem.deployContract("CollateralStore", [toHex(sha256(INTEL_SGX_ROOT_CA_DER)), parser.address]);
  const verifier = withVerifier ? (await viem.deployContract("DcapQuoteVerifier", [store.address])).address : zeroAddress;
  const publicClient = (await viem.getPublicClient()) as PublicClient;
  const [walletClient] = (await viem.getWalletClients()) as WalletClient<Transport, Chain | undefined, Account>[];
  let uploadGas = 0n;
  if (collateral) {
    const uploads = buildCollateralUploads({ collateral });
    progress(`uploading ${uploads.length} collateral items ...`);
    uploadGas = (await uploadCollateral(walletClient!, publicClient, { address: store.address, uploads })).gasUsed;
  }
  if (at !== undefined) {
    const now = await networkHelpers.time.latest();
    if (now > at) throw new Error(`the embedded chain's clock (${now}) passed --at (${at}) while setting up`);
    await networkHelpers.time.setNextBlockTimestamp(at);
    await networkHelpers.mine();
  }
  return { chainId: await publicClient.getChainId(), publicClient, walletClient: walletClient!, store: store.address, verifier, uploadGas };
}
