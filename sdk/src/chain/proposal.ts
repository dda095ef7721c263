/**
 * Alliance proposals offchain: the calls a proposal executes, its class and deadline, the id the
 * contract derives (keccak256(abi.encode(calls, class, deadline, descriptionHash))) and the JSON
 * file `poc alliance propose` writes. See docs/alliance.md.
 */
import { encodeAbiParameters, getAddress, isAddress, isHex, keccak256, stringToBytes, toHex, type Address, type Hex } from "viem";
import { ChainInputError } from "./errors.js";

/** Decision classes, ordered by strength (as the contract's `ProposalClass`). */
export const ProposalClass = { EmergencyFreeze: 0, Ordinary: 1, SecurityCritical: 2 } as const;
export type ProposalClass = (typeof ProposalClass)[keyof typeof ProposalClass];

export const proposalClassNames = ["emergency-freeze", "ordinary", "security-critical"] as const;
export type ProposalClassName = (typeof proposalClassNames)[number];

export function parseProposalClass(value: string | number): ProposalClass {
  const v = String(value).toLowerCase();
  const i = proposalClassNames.indexOf(v as ProposalClassName);
  if (i >= 0) return i as ProposalClass;
  if (v === "0" || v === "1" || v === "2") return Number(v) as ProposalClass;
  throw new ChainInputError("class", `expected one of ${proposalClassNames.join(", ")}, got ${JSON.stringify(value)}`);
}

/**
 * Supporters a class needs over n current members: ordinary floor(n/2)+1, security-critical
 * ceil(2n/3), emergency freeze max(2, ceil(n/3)) (1 when n = 1). Mirrors contracts/governance/Quorum.sol.
 */
export function proposalThreshold(proposalClass: ProposalClass, memberCount: number): number {
  const n = memberCount;
  if (proposalClass === ProposalClass.Ordinary) return Math.floor(n / 2) + 1;
  if (proposalClass === ProposalClass.SecurityCritical) return Math.ceil((2 * n) / 3);
  if (n <= 1) return n;
  return Math.max(2, Math.ceil(n / 3));
}

export type Call = { target: Address; value: bigint; data: Hex };

export type Proposal = {
  calls: readonly Call[];
  proposalClass: ProposalClass;
  /** Unix seconds after which the proposal can no longer execute. */
  deadline: bigint;
  description: string;
};

const callsParameter = {
  type: "tuple[]",
  components: [
    { name: "target", type: "address" },
    { name: "value", type: "uint256" },
    { name: "data", type: "bytes" },
  ],
} as const;

export function descriptionHash(description: string): Hex {
  return keccak256(stringToBytes(description));
}

/** The proposal id, equal to `Alliance.hashProposal(calls, class, deadline, keccak256(description))`. */
export function hashProposal(p: Proposal): bigint {
  const encoded = encodeAbiParameters(
    [callsParameter, { type: "uint8" }, { type: "uint64" }, { type: "bytes32" }],
    [p.calls, p.proposalClass, p.deadline, descriptionHash(p.description)],
  );
  return BigInt(keccak256(encoded));
}

/** The file `poc alliance propose` writes and `sign` / `submit` read. */
export type ProposalFile = {
  type: "poc-proposal";
  version: 1;
  chainId: number;
  alliance: Address;
  proposalId: Hex;
  class: ProposalClassName;
  deadline: string;
  description: string;
  calls: { target: Address; value: string; data: Hex }[];
};

export function proposalToFile(p: Proposal, ctx: { chainId: number; alliance: Address }): ProposalFile {
  return {
    type: "poc-proposal",
    version: 1,
    chainId: ctx.chainId,
    alliance: getAddress(ctx.alliance),
    proposalId: toHex(hashProposal(p), { size: 32 }),
    class: proposalClassNames[p.proposalClass],
    deadline: p.deadline.toString(),
    description: p.description,
    calls: p.calls.map((c) => ({ target: getAddress(c.target), value: c.value.toString(), data: c.data })),
  };
}

function need(cond: unknown, field: string, expected: string): asserts cond {
  if (!cond) throw new ChainInputError(field, `expected ${expected}`);
}

/** Parses and checks a proposal file; the stated proposalId must match the contents. */
export function proposalFromFile(json: unknown): { proposal: Proposal; chainId: number; alliance: Address; proposalId: bigint } {
  const f = json as Partial<ProposalFile>;
  need(f && typeof f === "object" && f.type === "poc-proposal" && f.version === 1, "type", '"poc-proposal" version 1');
  need(Number.isSafeInteger(f.chainId) && f.chainId! > 0, "chainId", "a positive integer");
  need(typeof f.alliance === "string" && isAddress(f.alliance), "alliance", "an address");
  need(typeof f.deadline === "string" && /^\d+$/.test(f.deadline), "deadline", "a decimal string");
  need(typeof f.description === "string", "description", "a string");
  need(Array.isArray(f.calls) && f.calls.length > 0, "calls", "a non-empty array");
  const calls = f.calls!.map((c, i) => {
    need(c && isAddress(c.target), `calls[${i}].target`, "an address");
    need(typeof c.value === "string" && /^\d+$/.test(c.value), `calls[${i}].value`, "a decimal string");
    need(typeof c.data === "string" && isHex(c.data) && c.data.length % 2 === 0, `calls[${i}].data`, "0x-hex bytes");
    return { target: getAddress(c.target), value: BigInt(c.value), data: c.data as Hex };
  });
  const proposal: Proposal = {
    calls,
    proposalClass: parseProposalClass(f.class ?? ""),
    deadline: BigInt(f.deadline!),
    description: f.description!,
  };
  const proposalId = hashProposal(proposal);
  need(typeof f.proposalId === "string" && BigInt(f.proposalId) === proposalId, "proposalId", `${toHex(proposalId, { size: 32 })} (the hash of the contents)`);
  return { proposal, chainId: f.chainId!, alliance: getAddress(f.alliance!), proposalId };
}
