/**
 * Shared set-up for the contract tests: an in-process chain, an Alliance of n members, the
 * HardwareRegistry, and helpers that sign votes with the SDK and execute proposals in one call.
 */
import { network } from "hardhat";
import type { Abi, Address, Hex } from "viem";
import { expectRevertIn } from "../../testkit/revert.js";
import { allianceExecuteAbi } from "../../sdk/src/chain/alliance.js";
import { hardwareRegistryAbi } from "../../sdk/src/chain/abi/HardwareRegistry.js";
import { SALT } from "../../testkit/proposals.js";
import { deployHardwareModules } from "../../testkit/deploy.js";

/** The real TDX fixture's PPID (test/fixtures/PROVENANCE.md, intel/tdx-v4). */
export const TDX_PPID: Hex = "0x811dca2a26b952e85bb6448b097ba4fd";
/** The TEE.fail quote's PPID: hardware an attacker held; the registry must not vouch for it. */
export const TEE_FAIL_PPID: Hex = "0xea13c3903ba2db3b83fed09efb90c417";

const errorAbi: Abi = [...allianceExecuteAbi, ...hardwareRegistryAbi.filter((x) => x.type === "error")];

/** Expects `p` to revert with the custom error `name` (decoded from raw revert data), returns its args. */
export function expectRevert(p: Promise<unknown>, name: string): Promise<readonly unknown[]> {
  return expectRevertIn(errorAbi, p, name);
}

export type Connection = Awaited<ReturnType<typeof connectChain>>;

export async function connectChain(chainId?: number) {
  const conn = chainId === undefined ? await network.connect() : await network.connect({ override: { chainId } });
  const { viem, networkHelpers } = conn;
  const wallets = await viem.getWalletClients();
  const publicClient = await viem.getPublicClient();
  return { conn, viem, networkHelpers, wallets, publicClient, chainId: await publicClient.getChainId() };
}

export type Wallet = Connection["wallets"][number];

/**
 * A bare Alliance, for the Alliance's own unit tests (quorum formulas, rejections, coalitions) that
 * deploy hundreds of them with varying members: a single contract's internals, so no module wiring.
 */
export async function deployAlliance(c: Connection, members: readonly Address[]) {
  return c.viem.deployContract("Alliance", [members, members.map((_, i) => `Member ${i + 1}`)]);
}

/** The Alliance and HardwareRegistry of n members, deployed by their Ignition modules (testkit/deploy.ts). */
export async function deployStack(c: Connection, n: number) {
  const members = c.wallets.slice(0, n);
  const { alliance, registry } = await deployHardwareModules(c.conn, members.map((w) => w.account.address), SALT);
  return { alliance, registry, members };
}

export { execute, makeProposal, now, pass, ProposalClass, SALT, signAll, wireCallClasses } from "../../testkit/proposals.js";
