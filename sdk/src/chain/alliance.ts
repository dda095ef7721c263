/**
 * viem actions for the Alliance (contracts/governance/Alliance.sol): reads, onchain proposals and
 * votes, the one-transaction `executeWithSignatures`, and calldata for its governed functions.
 */
import { encodeFunctionData, getAddress, type Account, type Address, type Hash, type Hex } from "viem";
import { readContract } from "viem/actions";
import { allianceAbi } from "./abi/Alliance.js";
import { hardwareRegistryAbi } from "./abi/HardwareRegistry.js";
import { ProposalClass, descriptionHash, type Call, type Proposal } from "./proposal.js";
import type { VoteSignature } from "./votes.js";
import { contractWriter, type AnyClient } from "./write.js";

/**
 * The Alliance ABI plus the registry's errors, so a registry revert bubbled through
 * `executeWithSignatures` decodes to its name (e.g. EntryFrozen) instead of raw bytes.
 */
export const allianceExecuteAbi = [...allianceAbi, ...hardwareRegistryAbi.filter((x) => x.type === "error")] as const;

// ---------------------------------------------------------------- reads

export type AllianceMember = { address: Address; name: string; since: bigint };
export type ReadAllianceStatusParameters = { alliance: Address };
export type ReadAllianceStatusReturnType = {
  members: AllianceMember[];
  thresholds: { emergencyFreeze: number; ordinary: number; securityCritical: number };
  chair: { address: Address | null; termEnd: bigint; inOffice: boolean };
};

/** Members with names, the three thresholds now, and the chair. */
export async function readAllianceStatus(client: AnyClient, { alliance }: ReadAllianceStatusParameters): Promise<ReadAllianceStatusReturnType> {
  const address = getAddress(alliance);
  const list = await readContract(client, { address, abi: allianceAbi, functionName: "members" });
  const members = await Promise.all(
    list.map(async (m) => {
      const info = await readContract(client, { address, abi: allianceAbi, functionName: "memberInfo", args: [m] });
      return { address: m, name: info.name, since: info.since };
    }),
  );
  const [ef, ord, sc] = await Promise.all(
    [ProposalClass.EmergencyFreeze, ProposalClass.Ordinary, ProposalClass.SecurityCritical].map((c) =>
      readContract(client, { address, abi: allianceAbi, functionName: "threshold", args: [c] }),
    ),
  );
  const [chair, termEnd] = await readContract(client, { address, abi: allianceAbi, functionName: "chair" });
  const none = chair === "0x0000000000000000000000000000000000000000";
  const inOffice = none ? false : await readContract(client, { address, abi: allianceAbi, functionName: "isChairInOffice", args: [chair] });
  return {
    members,
    thresholds: { emergencyFreeze: Number(ef), ordinary: Number(ord), securityCritical: Number(sc) },
    chair: { address: none ? null : chair, termEnd, inOffice },
  };
}

export type ReadIsMemberParameters = { alliance: Address; account: Address };
export async function readIsMember(client: AnyClient, { alliance, account }: ReadIsMemberParameters): Promise<boolean> {
  return readContract(client, { address: alliance, abi: allianceAbi, functionName: "isMember", args: [account] });
}

export type ReadProposalExecutedParameters = { alliance: Address; proposalId: bigint };
export async function readProposalExecuted(client: AnyClient, { alliance, proposalId }: ReadProposalExecutedParameters): Promise<boolean> {
  return readContract(client, { address: alliance, abi: allianceAbi, functionName: "executed", args: [proposalId] });
}

export type ReadRequiredClassParameters = { alliance: Address; calls: readonly Call[] };
/** The weakest class the Alliance's class table lets execute all of `calls` (docs/alliance.md, "Class table"). */
export async function readRequiredClass(client: AnyClient, { alliance, calls }: ReadRequiredClassParameters): Promise<ProposalClass> {
  return (await readContract(client, { address: alliance, abi: allianceAbi, functionName: "requiredClass", args: [calls] })) as ProposalClass;
}

// ---------------------------------------------------------------- writes

const writeAlliance = contractWriter(allianceAbi);
const writeAllianceExecute = contractWriter(allianceExecuteAbi);

export type WriteProposeParameters = { alliance: Address; proposal: Proposal; account?: Account };
/** Records a proposal onchain (needed only for onchain `vote`s; signature batches skip it). */
export async function writePropose(client: AnyClient, args: WriteProposeParameters): Promise<Hash> {
  const p = args.proposal;
  return writeAlliance(client, args.alliance, args.account, "propose", [p.calls, p.proposalClass, p.deadline, p.description]);
}

export type WriteVoteParameters = { alliance: Address; proposalId: bigint; support: boolean; account?: Account };
export async function writeVote(client: AnyClient, args: WriteVoteParameters): Promise<Hash> {
  return writeAlliance(client, args.alliance, args.account, "vote", [args.proposalId, args.support]);
}

export type WriteExecuteWithSignaturesParameters = {
  alliance: Address;
  proposal: Proposal;
  votes: readonly VoteSignature[];
  /** ETH sent along (the sum the calls spend beyond the Alliance's balance). */
  value?: bigint | undefined;
  account?: Account | undefined;
  gas?: bigint | undefined;
};
/** Executes a proposal in one transaction with a batch of signed votes (anyone may submit). */
export async function writeExecuteWithSignatures(client: AnyClient, args: WriteExecuteWithSignaturesParameters): Promise<Hash> {
  const p = args.proposal;
  return writeAllianceExecute(client, args.alliance, args.account, "executeWithSignatures", [p.calls, p.proposalClass, p.deadline, descriptionHash(p.description), args.votes], { value: args.value ?? 0n, gas: args.gas });
}

// ---------------------------------------------------------------- governed calls (proposal contents)

function call(alliance: Address, data: Hex): Call {
  return { target: getAddress(alliance), value: 0n, data };
}

/** Calls to put in proposals that change the Alliance itself; the comment gives the minimum class. */
export const allianceCalls = {
  /** Ordinary. */
  addMember: (alliance: Address, account: Address, name: string): Call =>
    call(alliance, encodeFunctionData({ abi: allianceAbi, functionName: "addMember", args: [account, name] })),
  /** Security-critical. */
  removeMember: (alliance: Address, account: Address): Call =>
    call(alliance, encodeFunctionData({ abi: allianceAbi, functionName: "removeMember", args: [account] })),
  /** Ordinary. */
  electChair: (alliance: Address, account: Address): Call =>
    call(alliance, encodeFunctionData({ abi: allianceAbi, functionName: "electChair", args: [account] })),
  /** Security-critical. */
  setChairTerm: (alliance: Address, seconds: bigint): Call =>
    call(alliance, encodeFunctionData({ abi: allianceAbi, functionName: "setChairTerm", args: [seconds] })),
};
