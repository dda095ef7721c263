/**
 * Passing Alliance proposals on a local chain in one call: build, sign with the SDK (signVote,
 * collectVoteSignatures) and execute with a batch of signatures. Shared by the contract tests, the
 * end-to-end CVM world and the benches.
 */
import type { Account, Address, Chain, PublicClient, TransactionReceipt, Transport, WalletClient } from "viem";
import { keccak256, stringToBytes, type Hex } from "viem";
import { writeExecuteWithSignatures } from "../sdk/src/chain/alliance.js";
import { hashProposal, ProposalClass, type Call, type Proposal } from "../sdk/src/chain/proposal.js";
import { collectVoteSignatures, signVote, type VoteSignature } from "../sdk/src/chain/votes.js";
import { callClassEntries, type GovernedContract } from "../ignition/callClasses.js";

/** The platform-key salt local worlds use. */
export const SALT: Hex = keccak256(stringToBytes("proof-of-cloud test salt"));

type Wallet = WalletClient<Transport, Chain | undefined, Account>;
/** What the helpers need of a chain connection: its id, a public client and funded wallets. */
export type Connection = { chainId: number; publicClient: PublicClient; wallets: readonly Wallet[] };

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

/**
 * Writes `contract`'s class-table entries (ignition/callClasses.ts) into a hand-wired Alliance, as the
 * Ignition modules do: sent by the Alliance's deployer during its set-up window.
 */
export async function wireCallClasses(
  alliance: { write: { setCallClass: (args: readonly [Address, readonly Hex[], number]) => Promise<Hex> } },
  contract: GovernedContract,
  target: Address,
): Promise<void> {
  for (const entry of callClassEntries(contract)) await alliance.write.setCallClass([target, entry.selectors, entry.proposalClass]);
}

export { ProposalClass };
