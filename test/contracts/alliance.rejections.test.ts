/**
 * Every way a vote or an execution is refused, each with its own custom error (docs/alliance.md),
 * plus the paths that must work: ERC-1271 members, onchain votes, mixed batches, class gating.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { encodeFunctionData, getAddress, toFunctionSelector, type Address } from "viem";
import { allianceCalls, readAllianceStatus, writePropose, writeVote } from "../../sdk/src/chain/alliance.js";
import { hashProposal, type Proposal } from "../../sdk/src/chain/proposal.js";
import { signVote, type VoteSignature } from "../../sdk/src/chain/votes.js";
import { connectChain, deployAlliance, execute, expectRevert, makeProposal, pass, ProposalClass, signAll, type Connection, type Wallet } from "./fixture.js";

const probeAbi = [{ type: "function", name: "probe", inputs: [], outputs: [], stateMutability: "payable" }] as const;
let c: Connection;
let m: Wallet[];
let outsider: Wallet;

beforeAll(async () => {
  c = await connectChain();
  m = c.wallets.slice(0, 5);
  outsider = c.wallets[10]!;
});

async function setup(n = 5) {
  const alliance = await deployAlliance(c, m.slice(0, n).map((w) => w.account.address));
  const probe = await c.viem.deployContract("ClassProbe", [alliance.address]);
  const call = { target: probe.address, value: 0n, data: encodeFunctionData({ abi: probeAbi, functionName: "probe" }) };
  // Every class may reach the probe: the class table's weakest entry, written in the set-up window.
  await alliance.write.setCallClass([probe.address, [call.data], ProposalClass.EmergencyFreeze]);
  return { alliance, probe, call, a: alliance.address };
}

/** A signature exactly as signed, bypassing the SDK's collection checks. */
async function rawVote(w: Wallet, alliance: Address, proposalId: bigint, chainId = c.chainId, signer?: Address): Promise<VoteSignature> {
  const f = await signVote(w, { alliance, chainId, proposalId, ...(signer ? { signer } : {}) });
  return { signer: f.signer, proposalId, chainId: BigInt(chainId), verifyingContract: getAddress(alliance), signature: f.signature };
}

async function votesFor(p: Proposal, a: Address, ws: Wallet[]) {
  return Promise.all(ws.map((w) => rawVote(w, a, hashProposal(p))));
}

describe("only current members' votes count", () => {
  it("a non-member's signature is refused with NotMember", async () => {
    const { a, call } = await setup();
    const p = await makeProposal(c, [call], ProposalClass.Ordinary);
    const votes = [...(await votesFor(p, a, m.slice(0, 2))), await rawVote(outsider, a, hashProposal(p))];
    const args = await expectRevert(execute(c, a, p, votes), "NotMember");
    expect(getAddress(args[0] as Address)).toBe(getAddress(outsider.account.address));
  });

  it("a removed member's signature is refused with RemovedMember", async () => {
    const { a, call } = await setup();
    await pass(c, a, [allianceCalls.removeMember(a, m[4]!.account.address)], ProposalClass.SecurityCritical, m.slice(0, 4));
    const p = await makeProposal(c, [call], ProposalClass.Ordinary);
    await expectRevert(execute(c, a, p, await votesFor(p, a, [m[0]!, m[4]!, m[1]!])), "RemovedMember");
  });

  it("a removed member's earlier onchain vote no longer counts", async () => {
    const { a, call, probe } = await setup();
    const p = await makeProposal(c, [call], ProposalClass.Ordinary);
    await c.publicClient.waitForTransactionReceipt({ hash: await writePropose(m[0]!, { alliance: a, proposal: p }) });
    for (const w of m.slice(0, 3)) await writeVote(w, { alliance: a, proposalId: hashProposal(p), support: true });
    await pass(c, a, [allianceCalls.removeMember(a, m[2]!.account.address)], ProposalClass.SecurityCritical, m.slice(0, 4));
    // 4 members now: ordinary needs 3; m0, m1 still count, m2's vote is gone.
    const args = await expectRevert(execute(c, a, p, []), "BelowThreshold");
    expect(args[1]).toBe(2n);
    await execute(c, a, p, await votesFor(p, a, [m[3]!]));
    expect(await probe.read.calls()).toBe(1n);
  });

  it("a member removed and re-admitted starts afresh: its old vote stays void", async () => {
    const { a, call } = await setup();
    const p = await makeProposal(c, [call], ProposalClass.Ordinary);
    await writePropose(m[0]!, { alliance: a, proposal: p });
    await writeVote(m[4]!, { alliance: a, proposalId: hashProposal(p), support: true });
    await pass(c, a, [allianceCalls.removeMember(a, m[4]!.account.address)], ProposalClass.SecurityCritical, m.slice(0, 4), "rm");
    await pass(c, a, [allianceCalls.addMember(a, m[4]!.account.address, "back")], ProposalClass.SecurityCritical, m.slice(0, 4), "readd");
    const args = await expectRevert(execute(c, a, p, await votesFor(p, a, [m[0]!, m[1]!])), "BelowThreshold");
    expect(args[1]).toBe(2n);
  });

  // Issue 11, hole 2: the stored YES was checked against the voter's latest epoch, so after a
  // re-admission it came back: counted twice with a new YES, still counted after a new NO.
  async function readmittedAfterYes() {
    const { a, call, probe } = await setup();
    const p = await makeProposal(c, [call], ProposalClass.Ordinary);
    const id = hashProposal(p);
    await writePropose(m[0]!, { alliance: a, proposal: p });
    await writeVote(m[4]!, { alliance: a, proposalId: id, support: true });
    await pass(c, a, [allianceCalls.removeMember(a, m[4]!.account.address)], ProposalClass.SecurityCritical, m.slice(0, 4), "rm");
    await pass(c, a, [allianceCalls.addMember(a, m[4]!.account.address, "back")], ProposalClass.SecurityCritical, m.slice(0, 4), "readd");
    return { a, p, id, probe };
  }

  it("a re-admitted member who votes YES again counts once, not twice", async () => {
    const { a, p, id, probe } = await readmittedAfterYes();
    await writeVote(m[4]!, { alliance: a, proposalId: id, support: true });
    // 5 members, ordinary needs 3: m4's two YES votes (one per epoch) plus m0 must not reach it.
    const args = await expectRevert(execute(c, a, p, await votesFor(p, a, [m[0]!])), "BelowThreshold");
    expect(args[1]).toBe(2n);
    await execute(c, a, p, await votesFor(p, a, [m[0]!, m[1]!]));
    expect(await probe.read.calls()).toBe(1n);
  });

  it("a re-admitted member who votes NO no longer has its old YES counted", async () => {
    const { a, p, id } = await readmittedAfterYes();
    await writeVote(m[4]!, { alliance: a, proposalId: id, support: false });
    const args = await expectRevert(execute(c, a, p, await votesFor(p, a, [m[0]!, m[1]!])), "BelowThreshold");
    expect(args[1]).toBe(2n);
  });
});

describe("a signer counts once", () => {
  it("the same member twice in a batch is refused with DuplicateSigner", async () => {
    const { a, call } = await setup();
    const p = await makeProposal(c, [call], ProposalClass.Ordinary);
    const v = await votesFor(p, a, [m[0]!, m[1]!]);
    await expectRevert(execute(c, a, p, [...v, v[0]!]), "DuplicateSigner");
  });

  it("a member who voted onchain cannot also sign into the batch", async () => {
    const { a, call } = await setup();
    const p = await makeProposal(c, [call], ProposalClass.Ordinary);
    await writePropose(m[0]!, { alliance: a, proposal: p });
    await writeVote(m[1]!, { alliance: a, proposalId: hashProposal(p), support: true });
    await expectRevert(execute(c, a, p, await votesFor(p, a, [m[0]!, m[1]!])), "DuplicateSigner");
  });

  it("an onchain vote twice is refused with AlreadyVoted", async () => {
    const { a, call } = await setup();
    const p = await makeProposal(c, [call], ProposalClass.Ordinary);
    await writePropose(m[0]!, { alliance: a, proposal: p });
    await writeVote(m[1]!, { alliance: a, proposalId: hashProposal(p), support: false });
    await expectRevert(writeVote(m[1]!, { alliance: a, proposalId: hashProposal(p), support: true }), "AlreadyVoted");
  });
});

describe("a signature binds one proposal, one chain and one contract", () => {
  it("a vote for another proposal: WrongProposal as stated, InvalidSignature if restated", async () => {
    const { a, call } = await setup();
    const p = await makeProposal(c, [call], ProposalClass.Ordinary, "this one");
    const other = await makeProposal(c, [call], ProposalClass.Ordinary, "another one");
    const good = await votesFor(p, a, [m[0]!, m[1]!]);
    const foreign = await rawVote(m[2]!, a, hashProposal(other));
    await expectRevert(execute(c, a, p, [...good, foreign]), "WrongProposal");
    await expectRevert(execute(c, a, p, [...good, { ...foreign, proposalId: hashProposal(p) }]), "InvalidSignature");
  });

  it("a vote signed for another chain: WrongChain as stated, InvalidSignature if restated", async () => {
    const { a, call } = await setup();
    const p = await makeProposal(c, [call], ProposalClass.Ordinary);
    const good = await votesFor(p, a, [m[0]!, m[1]!]);
    const foreign = await rawVote(m[2]!, a, hashProposal(p), 11155111);
    await expectRevert(execute(c, a, p, [...good, foreign]), "WrongChain");
    await expectRevert(execute(c, a, p, [...good, { ...foreign, chainId: BigInt(c.chainId) }]), "InvalidSignature");
  });

  it("a vote signed for another Alliance: WrongContract as stated, InvalidSignature if restated", async () => {
    const { a, call } = await setup();
    const twin = await deployAlliance(c, m.map((w) => w.account.address));
    const p = await makeProposal(c, [call], ProposalClass.Ordinary);
    const good = await votesFor(p, a, [m[0]!, m[1]!]);
    const foreign = await rawVote(m[2]!, twin.address, hashProposal(p));
    await expectRevert(execute(c, a, p, [...good, foreign]), "WrongContract");
    await expectRevert(execute(c, a, p, [...good, { ...foreign, verifyingContract: getAddress(a) }]), "InvalidSignature");
  });

  it("a whole batch replayed on another chain (same contract address) fails", async () => {
    const { a, call, probe } = await setup(3);
    const p = await makeProposal(c, [call], ProposalClass.Ordinary);
    const votes = await votesFor(p, a, m.slice(0, 2));
    await execute(c, a, p, votes);
    expect(await probe.read.calls()).toBe(1n);
    // A second chain with another chain id where the same deployer lands the same addresses.
    const other = await connectChain(1398243);
    expect(other.chainId).toBe(1398243);
    const twin = await other.viem.deployContract("Alliance", [m.slice(0, 3).map((w) => w.account.address), ["a", "b", "c"]]);
    const call2 = { ...call, target: getAddress((await other.viem.deployContract("ClassProbe", [twin.address])).address) };
    await twin.write.setCallClass([call2.target, [call2.data], ProposalClass.EmergencyFreeze]);
    const p2 = { ...p, calls: [call2] };
    const replay = (await votesFor(p2, a, m.slice(0, 2))).map((v) => ({ ...v, verifyingContract: getAddress(twin.address) }));
    await expectRevert(execute(other, twin.address, p2, replay), "WrongChain");
    await expectRevert(execute(other, twin.address, p2, replay.map((v) => ({ ...v, chainId: 1398243n }))), "InvalidSignature");
  });
});

describe("a proposal executes once, before its deadline, with enough support", () => {
  it("after the deadline: ProposalExpired", async () => {
    const { a, call } = await setup();
    const p = await makeProposal(c, [call], ProposalClass.Ordinary);
    const votes = await votesFor(p, a, m.slice(0, 3));
    await c.networkHelpers.time.increase(3601);
    await expectRevert(execute(c, a, p, votes), "ProposalExpired");
  });

  it("a second execution: ProposalAlreadyExecuted", async () => {
    const { a, call } = await setup();
    const p = await makeProposal(c, [call], ProposalClass.Ordinary);
    const votes = await votesFor(p, a, m.slice(0, 3));
    await execute(c, a, p, votes);
    await expectRevert(execute(c, a, p, votes), "ProposalAlreadyExecuted");
    expect(await (await c.viem.getContractAt("Alliance", a)).read.executed([hashProposal(p)])).toBe(true);
  });

  it("too few supporters: BelowThreshold with the count and the requirement", async () => {
    const { a, call } = await setup();
    const p = await makeProposal(c, [call], ProposalClass.SecurityCritical);
    const args = await expectRevert(execute(c, a, p, await votesFor(p, a, m.slice(0, 3))), "BelowThreshold");
    expect(args.slice(1)).toEqual([3n, 4n]);
  });

  it("an empty proposal: EmptyProposal; an emergency freeze moving ETH: FreezeCarriesValue", async () => {
    const { a, call } = await setup();
    const empty = await makeProposal(c, [], ProposalClass.Ordinary);
    await expectRevert(execute(c, a, empty, await votesFor(empty, a, m.slice(0, 3))), "EmptyProposal");
    const withValue = await makeProposal(c, [{ ...call, value: 1n }], ProposalClass.EmergencyFreeze);
    await expectRevert(execute(c, a, withValue, await votesFor(withValue, a, m.slice(0, 2))), "FreezeCarriesValue");
  });

  it("onchain votes alone, and onchain votes plus signatures, both execute", async () => {
    const { a, call, probe } = await setup();
    const p = await makeProposal(c, [call], ProposalClass.Ordinary, "onchain");
    await writePropose(m[0]!, { alliance: a, proposal: p });
    await expectRevert(writePropose(m[0]!, { alliance: a, proposal: p }), "ProposalExists");
    for (const w of m.slice(0, 3)) await writeVote(w, { alliance: a, proposalId: hashProposal(p), support: true });
    await execute(c, a, p, []);
    const q = await makeProposal(c, [call], ProposalClass.Ordinary, "mixed");
    await writePropose(m[0]!, { alliance: a, proposal: q });
    await writeVote(m[0]!, { alliance: a, proposalId: hashProposal(q), support: true });
    await writeVote(m[1]!, { alliance: a, proposalId: hashProposal(q), support: false });
    await execute(c, a, q, await votesFor(q, a, [m[3]!, m[4]!]));
    expect(await probe.read.calls()).toBe(2n);
  });

  it("onchain: a non-member cannot propose; votes on unknown proposals are refused", async () => {
    const { a, call } = await setup();
    const p = await makeProposal(c, [call], ProposalClass.Ordinary);
    await expectRevert(writePropose(outsider, { alliance: a, proposal: p }), "NotMember");
    await expectRevert(writeVote(m[0]!, { alliance: a, proposalId: 42n, support: true }), "UnknownProposal");
  });
});

describe("an ERC-1271 contract wallet can be a member", () => {
  it("its owner's signature counts for the wallet; a wallet that refuses gives InvalidSignature", async () => {
    const owner = c.wallets[12]!;
    const wallet = await c.viem.deployContract("ERC1271Wallet", [owner.account.address], { client: { wallet: owner } });
    const alliance = await deployAlliance(c, [m[0]!.account.address, m[1]!.account.address, wallet.address]);
    const probe = await c.viem.deployContract("ClassProbe", [alliance.address]);
    const call = { target: probe.address, value: 0n, data: encodeFunctionData({ abi: probeAbi, functionName: "probe" }) };
    await alliance.write.setCallClass([probe.address, [call.data], ProposalClass.EmergencyFreeze]);
    const a = alliance.address;
    const p = await makeProposal(c, [call], ProposalClass.Ordinary);
    const walletVote = await rawVote(owner, a, hashProposal(p), c.chainId, wallet.address);
    await execute(c, a, p, [await rawVote(m[0]!, a, hashProposal(p)), walletVote]);
    expect(await probe.read.calls()).toBe(1n);
    await wallet.write.setOpen([false], { account: owner.account });
    const q = await makeProposal(c, [call], ProposalClass.Ordinary, "closed");
    await expectRevert(
      execute(c, a, q, [await rawVote(m[0]!, a, hashProposal(q)), await rawVote(owner, a, hashProposal(q), c.chainId, wallet.address)]),
      "InvalidSignature",
    );
  });
});

describe("governed functions need the Alliance executing a proposal of at least their class", () => {
  it("direct calls are NotAlliance; executingClass outside execution is NotExecuting", async () => {
    const { alliance } = await setup();
    await expectRevert(alliance.write.addMember([outsider.account.address, "x"], { account: m[0]!.account }), "NotAlliance");
    await expectRevert(alliance.read.executingClass(), "NotExecuting");
  });

  it("member removal by an ordinary proposal is ClassTooWeak; removing the last member is LastMember", async () => {
    const { a } = await setup(3);
    const p = await makeProposal(c, [allianceCalls.removeMember(a, m[2]!.account.address)], ProposalClass.Ordinary);
    const args = await expectRevert(execute(c, a, p, await signAll(c, a, p, m.slice(0, 3))), "ClassTooWeak");
    expect(args).toEqual([0n, getAddress(a), toFunctionSelector("removeMember(address)"), ProposalClass.SecurityCritical, ProposalClass.Ordinary]);
    const solo = await deployAlliance(c, [m[0]!.account.address]);
    await expectRevert(pass(c, solo.address, [allianceCalls.removeMember(solo.address, m[0]!.account.address)], ProposalClass.SecurityCritical, [m[0]!]), "LastMember");
  });

  it("admission by security-critical vote; a second admission is AlreadyMember; status reports members, thresholds and chair", async () => {
    const { a } = await setup(3);
    await pass(c, a, [allianceCalls.addMember(a, outsider.account.address, "New Org")], ProposalClass.SecurityCritical, m.slice(0, 2));
    const s = await readAllianceStatus(c.publicClient, { alliance: a });
    expect(s.members.map((x) => x.name)).toEqual(["Member 1", "Member 2", "Member 3", "New Org"]);
    expect(s.thresholds).toEqual({ emergencyFreeze: 2, ordinary: 3, securityCritical: 3 });
    expect(s.chair.address).toBeNull();
    await expectRevert(
      pass(c, a, [allianceCalls.addMember(a, outsider.account.address, "again")], ProposalClass.SecurityCritical, m.slice(0, 3), "again"),
      "AlreadyMember",
    );
  });
});

