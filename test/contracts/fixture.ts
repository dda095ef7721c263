/**
 * Shared set-up for the contract tests: an in-process chain, an Alliance of n members, the
 * HardwareRegistry, and helpers that sign votes with the SDK and execute proposals in one call.
 */
import { network } from "hardhat";
import {
  keccak256,
  stringToBytes,
  type Abi,
  type Address,
  type Hex,
  type TransactionReceipt,
} from "viem";
import { expectRevertIn } from "./revert.js";
import { allianceExecuteAbi, writeExecuteWithSignatures } from "../../sdk/src/chain/alliance.js";
import { hardwareRegistryAbi } from "../../sdk/src/chain/abi/HardwareRegistry.js";
import { hashProposal, ProposalClass, type Call, type Proposal } from "../../sdk/src/chain/proposal.js";
import { collectVoteSignatures, signVote, type VoteSignature } from "../../sdk/src/chain/votes.js";

export const SALT: Hex = keccak256(stringToBytes("proof-of-cloud test salt"));
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
  return { viem, networkHelpers, wallets, publicClient, chainId: await publicClient.getChainId() };
}

export type Wallet = Connection["wallets"][number];

export async function deployAlliance(c: Connection, members: readonly Address[]) {
  return c.viem.deployContract("Alliance", [members, members.map((_, i) => `Member ${i + 1}`)]);
}

export async function deployStack(c: Connection, n: number) {
  const members = c.wallets.slice(0, n);
  const alliance = await deployAlliance(c, members.map((w) => w.account.address));
  const registry = await c.viem.deployContract("HardwareRegistry", [alliance.address, SALT]);
  return { alliance, registry, members };
}

export async function now(c: Connection): Promise<bigint> {
  return (await c.publicClient.getBlock()).timestamp;
}

export async function makeProposal(c: Connection, calls: Call[], proposalClass: ProposalClass, description = "test"): Promise<Proposal> {
  return { calls, proposalClass, deadline: (await now(c)) + 3600n, description };
}

/** Signs `proposal` with each signer (SDK signVote), then returns the batch in signing order. */
export async function signAll(c: Connection, alliance: Address, proposal: Proposal, signers: readonly Wallet[]): Promise<VoteSignature[]> {
  const proposalId = hashProposal(proposal);
  const files = await Promise.all(signers.map((w) => signVote(w, { alliance, chainId: c.chainId, proposalId })));
  return collectVoteSignatures({
    alliance,
    chainId: c.chainId,
    proposalId,
    files: files.map((content, i) => ({ name: `vote-${i}`, content })),
  });
}

/** Executes `proposal` with the given votes from a relayer (the last wallet, never a member here). */
export async function execute(
  c: Connection,
  alliance: Address,
  proposal: Proposal,
  votes: readonly VoteSignature[],
  relayer: Wallet = c.wallets[c.wallets.length - 1]!,
): Promise<TransactionReceipt> {
  const hash = await writeExecuteWithSignatures(relayer, { alliance, proposal, votes });
  const receipt = await c.publicClient.waitForTransactionReceipt({ hash });
  if (receipt.status !== "success") throw new Error("execution reverted");
  return receipt;
}

/** Signs with `signers` and executes in one go. */
export async function pass(c: Connection, alliance: Address, calls: Call[], proposalClass: ProposalClass, signers: readonly Wallet[], description = "test") {
  const proposal = await makeProposal(c, calls, proposalClass, description);
  return execute(c, alliance, proposal, await signAll(c, alliance, proposal, signers));
}

export { ProposalClass };
