/**
 * The security review's holes in the HardwareRegistry, each closed at its root
 * (docs/hardware-registry.md): challenge spam cannot make an entry unrevokable (bonds, O(1) closing),
 * a freeze minority cannot renew a lapsed freeze, and listeners are removable and never block a change.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { getAddress, keccak256, parseEther, parseEventLogs, stringToBytes, type Hex } from "viem";
import { hardwareRegistryAbi } from "../../sdk/src/chain/abi/HardwareRegistry.js";
import { writeExecuteWithSignatures } from "../../sdk/src/chain/alliance.js";
import { getLogLeaves, readChallenge, readHardwareEntry, registryCalls, writeChallenge, writeClaimChallengeBond } from "../../sdk/src/chain/hardwareRegistry.js";
import { connectChain, expectRevert, makeProposal, pass, signAll, ProposalClass, type Connection } from "./fixture.js";
import { entry, keyOf, registryStack } from "./registryFixture.js";

let c: Connection;
beforeAll(async () => {
  c = await connectChain();
});
const REASON = keccak256(stringToBytes("incident 7"));
const BOND = parseEther("0.01");
const NO_LAPSE = 2n ** 40n - 1n;
const DAY = 86_400;
const padded = (a: Hex) => `0x${"00".repeat(12)}${a.slice(2).toLowerCase()}`;

describe("challenges cost a refundable bond, and a revocation closes any number of them in O(1)", () => {
  it("revoke gas is the same with 0 and with 1,000 open challenges; all 1,000 read upheld afterwards", async () => {
    const s = await registryStack(c);
    const t = await s.now();
    await s.addEntries([entry(keyOf(1), t), entry(keyOf(2), t)]);
    expect(await s.registry.read.challengeBond()).toBe(BOND);
    const challenger = c.wallets[16]!;
    for (let i = 0; i < 1000; i++) {
      await s.registry.write.challenge([keyOf(2), REASON, `u${i}`], { account: challenger.account, value: BOND, gas: 400_000n });
    }
    expect((await readHardwareEntry(c.publicClient, { registry: s.r, platformKey: keyOf(2) })).openChallenges).toBe(1000);
    // Same state for both: only the revoked key (and the signatures) differ.
    const snapshot = await c.networkHelpers.takeSnapshot();
    const revokeGas = async (key: Hex) => (await s.govern([registryCalls.revoke(s.r, [key], REASON)], ProposalClass.SecurityCritical)).gasUsed;
    const none = await revokeGas(keyOf(1));
    await snapshot.restore();
    const thousand = await revokeGas(keyOf(2));
    console.log(`revoke execution gas: 0 open challenges ${none}, 1000 open challenges ${thousand}`);
    expect(thousand < 16_777_216n).toBe(true);
    expect(Math.abs(Number(thousand - none))).toBeLessThan(300);

    const revokedAt = await s.now();
    expect((await readHardwareEntry(c.publicClient, { registry: s.r, platformKey: keyOf(2) })).openChallenges).toBe(0);
    for (const id of [0n, 500n, 999n]) {
      const ch = await readChallenge(c.publicClient, { registry: s.r, challengeId: id });
      expect(ch).toMatchObject({ outcome: 2, closedAt: Number(revokedAt), bond: BOND, bondSettled: false });
      expect(ch.age).toBe(revokedAt - BigInt(ch.openedAt));
    }
    await c.networkHelpers.time.increase(1000);
    const later = await readChallenge(c.publicClient, { registry: s.r, challengeId: 0n });
    expect(later.age).toBe(revokedAt - BigInt(later.openedAt)); // stopped counting at the revocation
    await expectRevert(s.govern([registryCalls.dismissChallenge(s.r, 7n)], ProposalClass.Ordinary), "ChallengeNotOpen");
    // The revocation is one StatusChanged leaf; nothing per challenge.
    const leaves = await getLogLeaves(c.publicClient, { registry: s.r });
    expect(leaves[leaves.length - 1]!.decoded.leafType).toBe(3);
    expect(leaves.filter((l) => l.decoded.leafType === 6)).toHaveLength(0);
  }, 300_000);

  it("the bond: exactly challengeBond or refused; refunded once when upheld; kept (paid to the Alliance) when dismissed", async () => {
    const s = await registryStack(c);
    const t = await s.now();
    await s.addEntries([entry(keyOf(1), t), entry(keyOf(2), t)]);
    const [challenger, other, stranger] = [c.wallets[16]!, c.wallets[17]!, c.wallets[18]!];
    const balance = (address: Hex) => c.publicClient.getBalance({ address });
    expect(await expectRevert(s.registry.write.challenge([keyOf(1), REASON, "u"], { account: challenger.account, value: 0n }), "WrongChallengeBond")).toEqual([0n, BOND]);
    await expectRevert(s.registry.write.challenge([keyOf(1), REASON, "u"], { account: challenger.account, value: BOND + 1n }), "WrongChallengeBond");
    const open = async (w: typeof challenger, key: Hex) =>
      c.publicClient.waitForTransactionReceipt({ hash: await writeChallenge(w, { registry: s.r, platformKey: key, evidenceHash: REASON, evidenceUri: "https://example.org/r" }) });
    await open(challenger, keyOf(1)); // #0
    await open(other, keyOf(1)); // #1
    await open(challenger, keyOf(2)); // #2
    expect(await balance(s.r)).toBe(3n * BOND);

    const allianceBefore = await balance(s.a);
    await s.govern([registryCalls.dismissChallenge(s.r, 1n)], ProposalClass.Ordinary);
    expect(await balance(s.a)).toBe(allianceBefore + BOND);
    expect(await readChallenge(c.publicClient, { registry: s.r, challengeId: 1n })).toMatchObject({ outcome: 1, bondSettled: true });
    await expectRevert(writeClaimChallengeBond(stranger, { registry: s.r, challengeId: 1n }), "ChallengeNotUpheld");
    await expectRevert(writeClaimChallengeBond(stranger, { registry: s.r, challengeId: 0n }), "ChallengeNotUpheld"); // still open
    await expectRevert(writeClaimChallengeBond(stranger, { registry: s.r, challengeId: 9n }), "UnknownChallenge");

    await s.govern([registryCalls.revoke(s.r, [keyOf(1)], REASON)], ProposalClass.SecurityCritical);
    const challengerBefore = await balance(challenger.account.address);
    const claim = await c.publicClient.waitForTransactionReceipt({ hash: await writeClaimChallengeBond(stranger, { registry: s.r, challengeId: 0n }) });
    expect(await balance(challenger.account.address)).toBe(challengerBefore + BOND); // the stranger paid the gas
    const [ev] = parseEventLogs({ abi: hardwareRegistryAbi, logs: claim.logs, eventName: "ChallengeBondClaimed" });
    expect(ev!.args).toMatchObject({ challengeId: 0n, challenger: getAddress(challenger.account.address), amount: BOND });
    expect(await readChallenge(c.publicClient, { registry: s.r, challengeId: 0n })).toMatchObject({ outcome: 2, bondSettled: true });
    await expectRevert(writeClaimChallengeBond(challenger, { registry: s.r, challengeId: 0n }), "BondAlreadyClaimed");
    expect(await balance(s.r)).toBe(BOND); // #2's, still open

    // The bond is a security-critical parameter; an open challenge keeps what it paid.
    await expectRevert(s.govern([registryCalls.setChallengeBond(s.r, parseEther("0.5"))], ProposalClass.Ordinary), "ClassTooWeak");
    await expectRevert(s.govern([registryCalls.setChallengeBond(s.r, 0n)], ProposalClass.SecurityCritical), "InvalidField");
    const set = await s.govern([registryCalls.setChallengeBond(s.r, parseEther("0.5"))], ProposalClass.SecurityCritical);
    expect(parseEventLogs({ abi: hardwareRegistryAbi, logs: set.logs, eventName: "ChallengeBondSet" })[0]!.args.bond).toBe(parseEther("0.5"));
    await expectRevert(s.registry.write.challenge([keyOf(2), REASON, "u"], { account: other.account, value: BOND }), "WrongChallengeBond");
    await open(other, keyOf(2)); // the SDK reads the new bond
    expect((await readChallenge(c.publicClient, { registry: s.r, challengeId: 3n })).bond).toBe(parseEther("0.5"));
    const before = await balance(s.a);
    await s.govern([registryCalls.dismissChallenge(s.r, 2n)], ProposalClass.Ordinary);
    expect(await balance(s.a)).toBe(before + BOND);
  });
});

describe("a freeze minority cannot keep an entry frozen: only a majority renews or confirms a freeze", () => {
  it("the attack: 2 of 6 freeze, the window passes, the same 2 freeze again: FreezeNeedsMajority", async () => {
    const s = await registryStack(c, 6);
    const t = await s.now();
    await s.addEntries([entry(keyOf(1), t)]);
    const two = s.members.slice(0, 2);
    const freeze = (tag: string) => pass(c, s.a, [registryCalls.freeze(s.r, [keyOf(1)], REASON)], ProposalClass.EmergencyFreeze, two, tag);
    await freeze("first");
    expect(await s.registry.read.levelOf([keyOf(1)])).toBe(0);
    expect(await expectRevert(freeze("while live"), "FreezeNeedsMajority")).toEqual([keyOf(1)]);
    await c.networkHelpers.time.increase(7 * DAY);
    expect(await s.registry.read.levelOf([keyOf(1)])).toBe(2); // lapsed
    expect(await expectRevert(freeze("again"), "FreezeNeedsMajority")).toEqual([keyOf(1)]);
    await expectRevert(pass(c, s.a, [registryCalls.confirmFreeze(s.r, [keyOf(1)], REASON)], ProposalClass.EmergencyFreeze, two, "confirm"), "ClassTooWeak");
    // The majority acknowledges the lapse; after that an emergency freeze works again.
    await s.govern([registryCalls.unfreeze(s.r, [keyOf(1)], REASON)], ProposalClass.Ordinary);
    expect((await readHardwareEntry(c.publicClient, { registry: s.r, platformKey: keyOf(1) })).status).toBe(0);
    await freeze("new incident");
    expect(await s.registry.read.levelOf([keyOf(1)])).toBe(0);
  });

  it("a majority confirms a freeze: no lapse until unfreeze or revoke, pushed to listeners, updates and heartbeats refused meanwhile", async () => {
    const s = await registryStack(c);
    const l = await c.viem.deployContract("RecordingListener");
    await s.govern([registryCalls.addListener(s.r, l.address)], ProposalClass.SecurityCritical);
    const t = await s.now();
    await s.addEntries([entry(keyOf(1), t, { level: 3, cadence: 3600 }), entry(keyOf(2), t)]);
    await s.govern([registryCalls.freeze(s.r, [keyOf(1)], REASON)], ProposalClass.EmergencyFreeze);
    await s.govern([registryCalls.confirmFreeze(s.r, [keyOf(1), keyOf(2)], REASON)], ProposalClass.Ordinary); // keeps one frozen, freezes the other
    for (const key of [keyOf(1), keyOf(2)]) {
      expect(await readHardwareEntry(c.publicClient, { registry: s.r, platformKey: key })).toMatchObject({ status: 1, frozenUntil: NO_LAPSE, effectiveLevel: 0 });
    }
    expect(await l.read.last()).toMatchObject({ status: 1, frozenUntil: Number(NO_LAPSE) });
    const leaves = await getLogLeaves(c.publicClient, { registry: s.r });
    expect(leaves.slice(-2).map((x) => x.decoded)).toMatchObject([
      { leafType: 3, subject: keyOf(1), payload: { status: 1, until: NO_LAPSE, reasonHash: REASON } },
      { leafType: 3, subject: keyOf(2), payload: { status: 1, until: NO_LAPSE, reasonHash: REASON } },
    ]);
    await c.networkHelpers.time.increase(365 * DAY);
    expect(await s.registry.read.levelOf([keyOf(1)])).toBe(0);
    await expectRevert(s.govern([registryCalls.freeze(s.r, [keyOf(1)], REASON)], ProposalClass.EmergencyFreeze), "FreezeNeedsMajority");
    await expectRevert(s.addEntries([entry(keyOf(1), await s.now())]), "EntryFrozen");
    await expectRevert(s.registry.write.heartbeat([[keyOf(1)]], { account: s.members[0]!.account }), "EntryFrozen");
    await s.govern([registryCalls.unfreeze(s.r, [keyOf(2)], REASON)], ProposalClass.Ordinary);
    expect(await s.registry.read.levelOf([keyOf(2)])).toBe(2);
    await s.govern([registryCalls.revoke(s.r, [keyOf(1)], REASON)], ProposalClass.SecurityCritical);
    expect(await readHardwareEntry(c.publicClient, { registry: s.r, platformKey: keyOf(1) })).toMatchObject({ status: 2, frozenUntil: 0n });
    await expectRevert(s.govern([registryCalls.confirmFreeze(s.r, [keyOf(1)], REASON)], ProposalClass.Ordinary), "EntryRevoked");
    await expectRevert(s.govern([registryCalls.unfreeze(s.r, [keyOf(2)], REASON)], ProposalClass.Ordinary), "EntryNotFrozen");
  });

  it("a lapsed freeze is still cleared by an entry update, as before", async () => {
    const s = await registryStack(c);
    const t = await s.now();
    await s.addEntries([entry(keyOf(1), t)]);
    await s.govern([registryCalls.freeze(s.r, [keyOf(1)], REASON)], ProposalClass.EmergencyFreeze);
    await c.networkHelpers.time.increase(7 * DAY);
    await s.addEntries([entry(keyOf(1), await s.now(), { level: 1 })]);
    expect((await readHardwareEntry(c.publicClient, { registry: s.r, platformKey: keyOf(1) })).status).toBe(0);
    await s.govern([registryCalls.freeze(s.r, [keyOf(1)], REASON)], ProposalClass.EmergencyFreeze); // a fresh freeze, not a renewal
    expect(await s.registry.read.levelOf([keyOf(1)])).toBe(0);
  });
});

describe("listeners: removable by a security-critical vote; a failing one never blocks the registry's change", () => {
  const failures = (logs: readonly { data: Hex; topics: readonly Hex[] }[]) =>
    parseEventLogs({ abi: hardwareRegistryAbi, logs: logs as never, eventName: "ListenerFailed" }).map((e) => e.args);

  it("a refusing listener no longer blocks heartbeats, freezes or revocations: the failure is recorded and the listener told its feed is lost", async () => {
    const s = await registryStack(c);
    const bad = await c.viem.deployContract("RecordingListener");
    const good = await c.viem.deployContract("RecordingListener");
    for (const l of [bad, good]) await s.govern([registryCalls.addListener(s.r, l.address)], ProposalClass.SecurityCritical);
    const key = keyOf(3);
    await s.addEntries([entry(key, await s.now(), { level: 3, cadence: 3600 })]);
    await bad.write.setRefuse([true]);

    const hb = await c.publicClient.waitForTransactionReceipt({ hash: await s.registry.write.heartbeat([[key]], { account: s.members[0]!.account }) });
    expect(hb.status).toBe("success");
    const at = (await c.publicClient.getBlock({ blockNumber: hb.blockNumber })).timestamp;
    expect(failures(hb.logs)).toEqual([{ listener: getAddress(bad.address), platformKey: key }]);
    expect(await s.registry.read.listenerFailedAt([bad.address, key])).toBe(at);
    expect(await s.registry.read.listenerFailedAt([good.address, key])).toBe(0n);
    expect(await bad.read.feedLost()).toBe(1n);
    expect(await good.read.pushes()).toBe(1n);

    const fr = await s.govern([registryCalls.freeze(s.r, [key], REASON)], ProposalClass.EmergencyFreeze);
    expect(failures(fr.logs)).toHaveLength(1);
    expect(await s.registry.read.levelOf([key])).toBe(0);
    expect(await bad.read.feedLost()).toBe(2n);
    expect(((await good.read.last()) as { status: number }).status).toBe(1);
    await s.govern([registryCalls.revoke(s.r, [key], REASON)], ProposalClass.SecurityCritical);
    expect((await readHardwareEntry(c.publicClient, { registry: s.r, platformKey: key })).status).toBe(2);
    expect(await bad.read.feedLost()).toBe(3n);
    expect(await bad.read.pushes()).toBe(0n);
    expect(await good.read.pushes()).toBe(3n);
  });

  it("a listener that burns all its gas, or reverts with 150 KB of data, blocks nothing and costs a bounded amount", async () => {
    for (const mode of [0, 1]) {
      const s = await registryStack(c);
      const h = await c.viem.deployContract("HostileListener");
      await h.write.setMode([mode]);
      await s.govern([registryCalls.addListener(s.r, h.address)], ProposalClass.SecurityCritical);
      const key = keyOf(4);
      await s.addEntries([entry(key, await s.now())]);
      const fr = await s.govern([registryCalls.freeze(s.r, [key], REASON)], ProposalClass.EmergencyFreeze);
      console.log(`freeze with a hostile listener (mode ${mode}): ${fr.gasUsed} gas`);
      expect(fr.gasUsed < 400_000n).toBe(true);
      expect(await s.registry.read.levelOf([key])).toBe(0);
      expect(failures(fr.logs)).toEqual([{ listener: getAddress(h.address), platformKey: key }]);
      expect(await h.read.feedLost()).toBe(1n);
      // its removal hook attacks too: the removal still happens, the failure is recorded under key 0
      const rm = await s.govern([registryCalls.removeListener(s.r, h.address)], ProposalClass.SecurityCritical);
      expect(failures(rm.logs)).toEqual([{ listener: getAddress(h.address), platformKey: `0x${"00".repeat(32)}` }]);
      expect(await s.registry.read.listeners()).toEqual([]);
    }
  });

  it("no gas limit a submitter picks makes a well-behaved listener's push fail while the freeze goes through (EIP-150)", async () => {
    const s = await registryStack(c);
    const l = await c.viem.deployContract("RecordingListener");
    await s.govern([registryCalls.addListener(s.r, l.address)], ProposalClass.SecurityCritical);
    const key = keyOf(5);
    await s.addEntries([entry(key, await s.now())]);
    const proposal = await makeProposal(c, [registryCalls.freeze(s.r, [key], REASON)], ProposalClass.EmergencyFreeze, "starve the listener");
    const votes = await signAll(c, s.a, proposal, s.quorum(ProposalClass.EmergencyFreeze));
    const relayer = c.wallets[19]!;
    const send = (gas?: bigint) => writeExecuteWithSignatures(relayer, { alliance: s.a, proposal, votes, gas });
    const attempt = async (gas?: bigint) => {
      const snapshot = await c.networkHelpers.takeSnapshot();
      try {
        let gasUsed: bigint | undefined;
        try {
          const r = await c.publicClient.waitForTransactionReceipt({ hash: await send(gas) });
          if (r.status === "success") gasUsed = r.gasUsed;
        } catch {
          /* refused at submission or reverted: read the state */
        }
        const frozen = (await s.registry.read.levelOf([key])) === 0;
        const failed = (await s.registry.read.listenerFailedAt([l.address, key])) !== 0n;
        const pushed = (await l.read.pushes()) === 1n;
        if (frozen && pushed && !failed && gasUsed !== undefined) return { outcome: "frozen, pushed" as const, gasUsed };
        if (!frozen && !pushed && !failed && gasUsed === undefined) return { outcome: "reverted" as const };
        return { outcome: `bad: frozen ${frozen}, pushed ${pushed}, failure recorded ${failed}, mined ${gasUsed !== undefined}` };
      } finally {
        await snapshot.restore();
      }
    };
    const base = await attempt();
    expect(base.outcome).toBe("frozen, pushed");
    const used = base.gasUsed!;
    const seen = new Map<string, number>();
    let lowestOk = 0n;
    for (let gas = used - 150_000n; gas <= used + 150_000n; gas += 1_999n) {
      const r = await attempt(gas);
      seen.set(r.outcome, (seen.get(r.outcome) ?? 0) + 1);
      expect(r.outcome, `gas limit ${gas}`).not.toMatch(/^bad/);
      if (r.outcome === "frozen, pushed" && lowestOk === 0n) lowestOk = gas;
    }
    // the scan crossed the boundary; pin it down to the gas unit and check just below it too
    expect([...seen.keys()].sort()).toEqual(["frozen, pushed", "reverted"]);
    let [lo, hi] = [lowestOk - 1_999n, lowestOk];
    while (hi - lo > 1n) {
      const mid = (lo + hi) / 2n;
      const r = await attempt(mid);
      expect(r.outcome, `gas limit ${mid}`).not.toMatch(/^bad/);
      if (r.outcome === "reverted") lo = mid;
      else hi = mid;
    }
    console.log(`freeze with a listener: ${used} gas used; lowest gas limit that succeeds ${hi}; scanned ${JSON.stringify(Object.fromEntries(seen))}`);
    const snapshot = await c.networkHelpers.takeSnapshot();
    await expectRevert(send(lo), "InsufficientGasForListeners");
    await snapshot.restore();
  }, 300_000);

  it("no gas limit a member picks for a heartbeat lets a failed listener miss its feed-lost call", async () => {
    const s = await registryStack(c);
    const l = await c.viem.deployContract("RecordingListener");
    await s.govern([registryCalls.addListener(s.r, l.address)], ProposalClass.SecurityCritical);
    const key = keyOf(6);
    await s.addEntries([entry(key, await s.now(), { level: 3, cadence: 3600 })]);
    await l.write.setRefuse([true]);
    const member = s.members[0]!;
    const attempt = async (gas?: bigint) => {
      const snapshot = await c.networkHelpers.takeSnapshot();
      try {
        let gasUsed: bigint | undefined;
        try {
          const r = await c.publicClient.waitForTransactionReceipt({ hash: await s.registry.write.heartbeat([[key]], { account: member.account, gas }) });
          if (r.status === "success") gasUsed = r.gasUsed;
        } catch {
          /* refused or reverted */
        }
        const failed = (await s.registry.read.listenerFailedAt([l.address, key])) !== 0n;
        const told = (await l.read.feedLost()) === 1n;
        if (gasUsed !== undefined && failed && told) return { outcome: "recorded, told" as const, gasUsed };
        if (gasUsed === undefined && !failed && !told) return { outcome: "reverted" as const };
        return { outcome: `bad: mined ${gasUsed !== undefined}, failure recorded ${failed}, feed-lost called ${told}` };
      } finally {
        await snapshot.restore();
      }
    };
    const base = await attempt();
    expect(base.outcome).toBe("recorded, told");
    const seen = new Set<string>();
    for (let gas = base.gasUsed! - 80_000n; gas <= base.gasUsed! + 80_000n; gas += 997n) {
      const r = await attempt(gas);
      seen.add(r.outcome);
      expect(r.outcome, `gas limit ${gas}`).not.toMatch(/^bad/);
    }
    console.log(`heartbeat with a failing listener: ${base.gasUsed} gas used; scanned ${[...seen].join(", ")}`);
    expect([...seen].sort()).toEqual(["recorded, told", "reverted"]);
  }, 300_000);

  it("removal: security-critical, logged (leaf 8), stops pushes, calls the hook; not twice; re-adding obeys MAX_LISTENERS", async () => {
    const s = await registryStack(c);
    const l = await c.viem.deployContract("RecordingListener");
    await s.govern([registryCalls.addListener(s.r, l.address)], ProposalClass.SecurityCritical);
    const key = keyOf(7);
    await s.addEntries([entry(key, await s.now())]);
    await s.addEntries([entry(key, await s.now(), { level: 1 })]);
    expect(await l.read.pushes()).toBe(1n);
    await expectRevert(s.govern([registryCalls.removeListener(s.r, l.address)], ProposalClass.Ordinary), "ClassTooWeak");
    await expectRevert(s.registry.write.removeListener([l.address], { account: s.members[0]!.account }), "NotAlliance");
    const rm = await s.govern([registryCalls.removeListener(s.r, l.address)], ProposalClass.SecurityCritical);
    expect(parseEventLogs({ abi: hardwareRegistryAbi, logs: rm.logs, eventName: "ListenerRemoved" })[0]!.args.listener).toBe(getAddress(l.address));
    expect(await l.read.removed()).toBe(true);
    expect(await s.registry.read.listeners()).toEqual([]);
    const leaves = await getLogLeaves(c.publicClient, { registry: s.r });
    expect(leaves[leaves.length - 1]!.decoded).toMatchObject({ leafType: 8, subject: padded(l.address), payload: { listener: getAddress(l.address) } });
    await s.addEntries([entry(key, await s.now(), { level: 2 })]);
    expect(await l.read.pushes()).toBe(1n); // no longer pushed
    expect(await expectRevert(s.govern([registryCalls.removeListener(s.r, l.address)], ProposalClass.SecurityCritical), "UnknownListener")).toEqual([getAddress(l.address)]);

    // re-adding: the limit counts current listeners, and removal keeps the others in order
    await s.govern([registryCalls.addListener(s.r, l.address)], ProposalClass.SecurityCritical);
    const more: Hex[] = [];
    for (let i = 0; i < 3; i++) {
      const x = await c.viem.deployContract("RecordingListener");
      await s.govern([registryCalls.addListener(s.r, x.address)], ProposalClass.SecurityCritical);
      more.push(x.address);
    }
    const fifth = await c.viem.deployContract("RecordingListener");
    await expectRevert(s.govern([registryCalls.addListener(s.r, fifth.address)], ProposalClass.SecurityCritical), "TooManyListeners");
    await s.govern([registryCalls.removeListener(s.r, more[0]!)], ProposalClass.SecurityCritical);
    expect(await s.registry.read.listeners()).toEqual([l.address, more[1]!, more[2]!].map((a) => getAddress(a)));
    await s.govern([registryCalls.addListener(s.r, fifth.address)], ProposalClass.SecurityCritical);
    await s.addEntries([entry(key, await s.now(), { level: 1 })]);
    expect(await l.read.pushes()).toBe(2n);
    expect(await fifth.read.pushes()).toBe(1n);
  });
});
