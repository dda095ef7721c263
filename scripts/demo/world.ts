/**
 * The demo's shared state: the embedded chain (clock started just before the real TDX fixture's
 * verify-at time), the named wallets, the Alliance's governance helper (EIP-712 vote batches
 * relayed in one transaction) and the real Intel fixtures read from test/fixtures.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { network } from "hardhat";
import { toHex, type Address, type Hex, type PublicClient, type TransactionReceipt } from "viem";
import { writeExecuteWithSignatures } from "../../sdk/src/chain/alliance.js";
import { hashProposal, proposalClassNames, type Call, type Proposal, type ProposalClass } from "../../sdk/src/chain/proposal.js";
import { collectVoteSignatures, signVote } from "../../sdk/src/chain/votes.js";
import { parseQuoteCollateralV3, type QuoteCollateralV3 } from "../../sdk/src/chain/collateralStore.js";

export const ROOT = join(import.meta.dirname, "..", "..");
const INTEL = join(ROOT, "test", "fixtures", "intel");

/** test/fixtures/PROVENANCE.md: the time at which the tdx-v4 collateral verifies the tdx-v4 quote. */
export const TDX_VERIFY_AT = 1751624163;
/** The chain starts this long before TDX_VERIFY_AT so governance and uploads happen while the collateral is current. */
export const LEAD_SECONDS = 3600;

export const fixtures = {
  tdxQuote: new Uint8Array(readFileSync(join(INTEL, "tdx-v4", "quote.bin"))),
  tdxCollateral: parseQuoteCollateralV3(readFileSync(join(INTEL, "tdx-v4", "collateral.json"), "utf8")) as QuoteCollateralV3,
  teeFailQuote: new Uint8Array(readFileSync(join(INTEL, "tdx-v4-tee-fail", "quote.bin"))),
};

export const MEMBER_NAMES = ["Northwind Audits", "Contoso Trust Labs", "Fabrikam Security", "Tailspin Research", "Wide World Verifiers"];

export type Connection = Awaited<ReturnType<typeof network.connect>>;
type Viem = Connection["viem"];
export type Wallet = Awaited<ReturnType<Viem["getWalletClients"]>>[number];

export type DemoWorld = Awaited<ReturnType<typeof startWorld>>;

export async function startWorld() {
  const conn = (await network.connect({ network: "default", override: { initialDate: new Date((TDX_VERIFY_AT - LEAD_SECONDS) * 1000) } } as never)) as Connection;
  const { viem, networkHelpers } = conn;
  const pub = (await viem.getPublicClient()) as unknown as PublicClient;
  const wallets = await viem.getWalletClients();
  const chainId = await pub.getChainId();
  const members = wallets.slice(0, MEMBER_NAMES.length);
  const world = {
    conn,
    viem,
    time: networkHelpers.time,
    networkHelpers,
    pub,
    chainId,
    wallets,
    members,
    operator: wallets[5]!,
    cvmOwner: wallets[6]!,
    outsider: wallets[7]!,
    relayer: wallets[9]!,
    /** Filled by act 1. */
    alliance: "0x" as Address,
    hardwareRegistry: "0x" as Address,
    salt: "0x" as Hex,
    now: async () => (await pub.getBlock()).timestamp,
    receipt: async (hash: Hex | Promise<Hex>): Promise<TransactionReceipt> => {
      const r = await pub.waitForTransactionReceipt({ hash: await hash });
      if (r.status !== "success") throw new Error(`transaction ${r.transactionHash} reverted`);
      return r;
    },
    seq: 0,
  };
  return world;
}

export type Governed = { proposalId: Hex; class: string; signatures: number; receipt: TransactionReceipt };

/**
 * Passes a proposal by an EIP-712 signature batch: each signer signs its vote offline
 * (signVote), the files are gathered and checked (collectVoteSignatures), a relayer submits them
 * with the proposal in one transaction (executeWithSignatures).
 */
export async function govern(w: DemoWorld, calls: Call[], proposalClass: ProposalClass, signers: Wallet[], description: string): Promise<Governed> {
  const proposal: Proposal = { calls, proposalClass, deadline: (await w.now()) + 86400n, description: `${++w.seq}: ${description}` };
  const proposalId = hashProposal(proposal);
  const files = await Promise.all(signers.map((s) => signVote(s as never, { alliance: w.alliance, chainId: w.chainId, proposalId })));
  const votes = await collectVoteSignatures({
    alliance: w.alliance,
    chainId: w.chainId,
    proposalId,
    files: files.map((content, i) => ({ name: `vote-${i}.json`, content })),
  });
  const receipt = await w.receipt(writeExecuteWithSignatures(w.relayer as never, { alliance: w.alliance, proposal, votes }));
  return { proposalId: toHex(proposalId, { size: 32 }), class: proposalClassNames[proposalClass], signatures: votes.length, receipt };
}
