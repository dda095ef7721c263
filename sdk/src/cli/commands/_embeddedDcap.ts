/**
 * `poc verify --onchain` without --rpc: a fresh in-process chain (Hardhat's EDR, osaka, P-256
 * precompile) whose clock starts an hour before `at`, a CollateralStore pinned to the real Intel
 * SGX Root CA with the quote's collateral uploaded, a DcapQuoteVerifier on that store, and the
 * clock moved to `at`. Hardhat is imported only here, lazily: the SDK library never loads it.
 */
import { sha256 } from "@noble/hashes/sha2.js";
import { toHex, type Account, type Address, type Chain, type PublicClient, type Transport, type WalletClient } from "viem";
import { buildCollateralUploads, uploadCollateral, type QuoteCollateralV3 } from "../../chain/collateralStore.js";
import { INTEL_SGX_ROOT_CA_DER } from "../../intel/index.js";
import type { CliIO } from "../io.js";

export type EmbeddedDcap = {
  publicClient: PublicClient;
  walletClient: WalletClient<Transport, Chain | undefined, Account>;
  verifier: Address;
  store: Address;
  /** Gas of all collateral uploads together. */
  uploadGas: bigint;
};

type Viem = {
  deployContract: (name: string, args?: unknown[]) => Promise<{ address: Address }>;
  getPublicClient: () => Promise<unknown>;
  getWalletClients: () => Promise<unknown[]>;
};
type Helpers = { time: { setNextBlockTimestamp: (t: number) => Promise<void>; latest: () => Promise<number> }; mine: () => Promise<void> };

/** Lead time the chain starts before `at`, so every upload happens while the collateral is current. */
const LEAD_SECONDS = 3600;

export async function deployEmbeddedDcap(collateral: QuoteCollateralV3, at: number, io: CliIO): Promise<EmbeddedDcap> {
  io.progress("starting the embedded chain ...");
  const { network } = await import("hardhat");
  const conn = (await network.create({ network: "default", override: { initialDate: new Date((at - LEAD_SECONDS) * 1000) } } as never)) as unknown as {
    viem: Viem;
    networkHelpers: Helpers;
  };
  const { viem, networkHelpers } = conn;
  io.progress("deploying CollateralParser, CollateralStore (pinned to the Intel SGX Root CA) and DcapQuoteVerifier ...");
  const parser = await viem.deployContract("CollateralParser");
  const store = await viem.deployContract("CollateralStore", [toHex(sha256(INTEL_SGX_ROOT_CA_DER)), parser.address]);
  const verifier = await viem.deployContract("DcapQuoteVerifier", [store.address]);
  const publicClient = (await viem.getPublicClient()) as PublicClient;
  const [walletClient] = (await viem.getWalletClients()) as WalletClient<Transport, Chain | undefined, Account>[];
  const uploads = buildCollateralUploads({ collateral });
  io.progress(`uploading ${uploads.length} collateral items ...`);
  const res = await uploadCollateral(walletClient!, publicClient, { address: store.address, uploads });
  const now = await networkHelpers.time.latest();
  if (now > at) throw new Error(`the embedded chain's clock (${now}) passed --at (${at}) while uploading collateral`);
  await networkHelpers.time.setNextBlockTimestamp(at);
  await networkHelpers.mine();
  return { publicClient, walletClient: walletClient!, verifier: verifier.address, store: store.address, uploadGas: res.gasUsed };
}
