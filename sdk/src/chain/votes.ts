/**
 * EIP-712 votes `Vote(uint256 proposalId,bool support)` under the Alliance's domain
 * ("ProofOfCloudAlliance", "1", chainId, alliance): signing, the vote file, and collecting many
 * members' files into the one batch `executeWithSignatures` takes.
 */
import {
  getAddress,
  hashTypedData,
  isAddress,
  isAddressEqual,
  isHex,
  toHex,
  type Account,
  type Address,
  type Client,
  type Hex,
  type Transport,
  type Chain,
} from "viem";
import { signTypedData } from "viem/actions";
import { SignatureCollectionError } from "./errors.js";
import { eip712Domain, recoverTypedDataSigner } from "../vocabulary/eip712.js";

export const ALLIANCE_DOMAIN_NAME = "ProofOfCloudAlliance";
export const ALLIANCE_DOMAIN_VERSION = "1";

export const voteTypes = {
  Vote: [
    { name: "proposalId", type: "uint256" },
    { name: "support", type: "bool" },
  ],
} as const;

export function allianceDomain(args: { chainId: number | bigint; alliance: Address }) {
  return eip712Domain(ALLIANCE_DOMAIN_NAME, ALLIANCE_DOMAIN_VERSION, args.chainId, args.alliance);
}

/** The digest a member signs; equals `Alliance.hashVote(proposalId, support)`. */
export function hashVote(args: { chainId: number | bigint; alliance: Address; proposalId: bigint; support?: boolean }): Hex {
  return hashTypedData({
    domain: allianceDomain(args),
    types: voteTypes,
    primaryType: "Vote",
    message: { proposalId: args.proposalId, support: args.support ?? true },
  });
}

/** The contract's `VoteSignature` struct. */
export type VoteSignature = {
  signer: Address;
  proposalId: bigint;
  chainId: bigint;
  verifyingContract: Address;
  signature: Hex;
};

/** One member's vote file, as `poc alliance sign` writes it. */
export type VoteFile = {
  type: "poc-vote";
  version: 1;
  proposalId: Hex;
  chainId: number;
  alliance: Address;
  support: boolean;
  signer: Address;
  signature: Hex;
};

export type SignVoteParameters = {
  alliance: Address;
  chainId: number;
  proposalId: bigint;
  support?: boolean | undefined;
  /** The member address when it differs from the signing key's (an ERC-1271 wallet). */
  signer?: Address | undefined;
  account?: Account | undefined;
};

/** Signs a vote with the client's account (local or JSON-RPC) and returns the vote file. */
export async function signVote<chain extends Chain | undefined, account extends Account | undefined>(
  client: Client<Transport, chain, account>,
  args: SignVoteParameters,
): Promise<VoteFile> {
  const account = args.account ?? client.account;
  if (!account) throw new SignatureCollectionError("vote", "malformed", "no account to sign with");
  const support = args.support ?? true;
  const signature = await signTypedData(client, {
    account,
    domain: allianceDomain(args),
    types: voteTypes,
    primaryType: "Vote",
    message: { proposalId: args.proposalId, support },
  });
  return {
    type: "poc-vote",
    version: 1,
    proposalId: toHex(args.proposalId, { size: 32 }),
    chainId: args.chainId,
    alliance: getAddress(args.alliance),
    support,
    signer: getAddress(args.signer ?? account.address),
    signature,
  };
}

export type CollectVotesParameters = {
  alliance: Address;
  chainId: number;
  proposalId: bigint;
  /** Vote files by name (the name only labels errors). */
  files: { name: string; content: unknown }[];
  /**
   * Whether an address is a contract (its signature can only be checked by ERC-1271 onchain).
   * Without it every signer is treated as an EOA and must recover.
   */
  isContract?: (address: Address) => Promise<boolean>;
};

/**
 * Checks every vote file and returns the batch for `executeWithSignatures`, in file order. Throws
 * SignatureCollectionError naming the file for another proposal, chain or contract, a vote against,
 * a duplicate signer, or an EOA signature that does not recover to its signer.
 */
export async function collectVoteSignatures(args: CollectVotesParameters): Promise<VoteSignature[]> {
  const out: VoteSignature[] = [];
  for (const { name, content } of args.files) {
    const f = content as Partial<VoteFile>;
    if (!f || typeof f !== "object" || f.type !== "poc-vote" || f.version !== 1) {
      throw new SignatureCollectionError(name, "malformed", 'not a "poc-vote" version 1 file');
    }
    if (typeof f.signer !== "string" || !isAddress(f.signer)) throw new SignatureCollectionError(name, "malformed", "signer is not an address");
    if (typeof f.signature !== "string" || !isHex(f.signature)) throw new SignatureCollectionError(name, "malformed", "signature is not hex");
    if (typeof f.proposalId !== "string" || !isHex(f.proposalId) || BigInt(f.proposalId) !== args.proposalId) {
      throw new SignatureCollectionError(name, "wrong-proposal", `signed proposal ${f.proposalId}, not ${toHex(args.proposalId, { size: 32 })}`);
    }
    if (f.chainId !== args.chainId) throw new SignatureCollectionError(name, "wrong-chain", `signed for chain ${f.chainId}, not ${args.chainId}`);
    if (typeof f.alliance !== "string" || !isAddress(f.alliance) || !isAddressEqual(f.alliance, args.alliance)) {
      throw new SignatureCollectionError(name, "wrong-contract", `signed for alliance ${f.alliance}, not ${args.alliance}`);
    }
    if (f.support !== true) throw new SignatureCollectionError(name, "not-support", "a vote against cannot count toward execution");
    const signer = getAddress(f.signer);
    if (out.some((v) => isAddressEqual(v.signer, signer))) throw new SignatureCollectionError(name, "duplicate-signer", `${signer} already voted`);
    const contract = args.isContract ? await args.isContract(signer) : false;
    if (!contract) {
      const recovered = await recoverTypedDataSigner({
        domain: allianceDomain(args),
        types: voteTypes,
        primaryType: "Vote",
        message: { proposalId: args.proposalId, support: true },
        signature: f.signature as Hex,
      });
      if (!recovered || !isAddressEqual(recovered, signer)) {
        throw new SignatureCollectionError(name, "bad-signature", `signature does not recover to ${signer}`, {
          details: recovered ? `recovers to ${recovered}` : "unrecoverable signature",
        });
      }
    }
    out.push({
      signer,
      proposalId: args.proposalId,
      chainId: BigInt(args.chainId),
      verifyingContract: getAddress(args.alliance),
      signature: f.signature as Hex,
    });
  }
  return out;
}
