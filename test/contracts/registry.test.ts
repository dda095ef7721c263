/**
 * HardwareRegistry rules (docs/hardware-registry.md): keys, governed changes, heartbeats and decay,
 * freezes that lapse, challenges, revocation, and nothing ever deleted.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { getAbiItem, getAddress, keccak256, stringToBytes, toFunctionSelector, type Hex } from "viem";
import { hardwareRegistryAbi } from "../../sdk/src/chain/abi/HardwareRegistry.js";
import { getLogLeaves, readChallenge, readEntryRecord, readHardwareEntry, registryCalls, writeChallenge, writeHeartbeat } from "../../sdk/src/chain/hardwareRegistry.js";
import { PlatformKeyError, platformKey } from "../../sdk/src/vocabulary/platformKey.js";
import { MerkleTree } from "../../sdk/src/log/tree.js";
import { connectChain, deployStack, expectRevert, makeProposal, execute, pass, signAll, ProposalClass, SALT, TDX_PPID, TEE_FAIL_PPID, type Connection } from "./fixture.js";
import { entry, FACILITY, keyOf, registryStack } from "./registryFixture.js";

let c: Connection;
beforeAll(async () => {
  c = await connectChain();
});
const REASON = keccak256(stringToBytes("incident 7"));
const hexOf = (b: Uint8Array): Hex => `0x${Buffer.from(b).toString("hex")}`;

describe("platformKey = keccak256(abi.encode(salt, kind, rawId)), lengths checked", () => {
  it("the SDK and the contract agree on the real TDX fixture's PPID; a 16-byte PPID and 64-byte chip ID only", async () => {
    const s = await registryStack(c);
    expect(await s.registry.read.platformKey([1, TDX_PPID])).toBe(platformKey(1, TDX_PPID, SALT));
    const chip = `0x${"3ac3fe21e13fb099".padEnd(128, "0")}` as Hex;
    expect(await s.registry.read.platformKey([2, chip])).toBe(platformKey(2, chip, SALT));
    expect(platformKey(1, TDX_PPID, SALT)).not.toBe(platformKey(1, TDX_PPID, keccak256(stringToBytes("other deployment"))));
    const args = await expectRevert(s.registry.read.platformKey([1, chip]), "InvalidRawIdLength");
    expect(args).toEqual([1, 64n, 16n]);
    await expectRevert(s.registry.read.platformKey([2, TDX_PPID]), "InvalidRawIdLength");
    await expectRevert(s.registry.read.platformKey([3, TDX_PPID]), "UnknownKind");
    expect(() => platformKey(1, chip, SALT)).toThrow(PlatformKeyError);
    expect(() => platformKey(2, TDX_PPID, SALT)).toThrow(/expected 64 bytes for kind 2, got 16/);
    expect(() => platformKey(7, TDX_PPID, SALT)).toThrow(PlatformKeyError);
  });
});

describe("only Alliance proposals change facilities and entries, with the class each function requires", () => {
  it("direct calls are NotAlliance; an emergency-freeze proposal cannot add entries (ClassTooWeak)", async () => {
    const s = await registryStack(c);
    const t = await s.now();
    await expectRevert(s.registry.write.setEntries([[entry(keyOf(1), t)]], { account: s.members[0]!.account }), "NotAlliance");
    const p = await makeProposal(c, [registryCalls.setEntries(s.r, [entry(keyOf(1), t)])], ProposalClass.EmergencyFreeze);
    const args = await expectRevert(execute(c, s.a, p, await signAll(c, s.a, p, s.quorum(ProposalClass.EmergencyFreeze))), "ClassTooWeak");
    expect(args).toEqual([0n, getAddress(s.r), toFunctionSelector(getAbiItem({ abi: hardwareRegistryAbi, name: "setEntries" })), ProposalClass.Ordinary, ProposalClass.EmergencyFreeze]);
    const rv = await makeProposal(c, [registryCalls.revoke(s.r, [keyOf(1)], REASON)], ProposalClass.Ordinary);
    await expectRevert(execute(c, s.a, rv, await signAll(c, s.a, rv, s.quorum(1))), "ClassTooWeak");
    const fw = await makeProposal(c, [registryCalls.setFreezeWindow(s.r, 86400n)], ProposalClass.Ordinary);
    await expectRevert(execute(c, s.a, fw, await signAll(c, s.a, fw, s.quorum(1))), "ClassTooWeak");
  });
});

describe("one proposal adds or updates many entries", () => {
  it("a batch of entries, including the real TDX PPID, lands with every field; the facility reads back", async () => {
    const s = await registryStack(c);
    const t = await s.now();
    const tdxKey = platformKey(1, TDX_PPID, SALT);
    const endorsers = s.members.slice(0, 2).map((w) => getAddress(w.account.address));
    const batch = [entry(tdxKey, t, { level: 3, cadence: 3600, endorsers }), entry(keyOf(1), t), entry(keyOf(2), t, { level: 1 })];
    const sizeBefore = (await s.registry.read.logSize()) as bigint;
    await s.addEntries(batch);
    expect(await s.registry.read.logSize()).toBe(sizeBefore + 3n);
    const e = await readHardwareEntry(c.publicClient, { registry: s.r, platformKey: tdxKey });
    expect(e).toMatchObject({ exists: true, facilityId: FACILITY.facilityId, kind: 1, level: 3, effectiveLevel: 3, status: 0, cadence: 3600, verifiedAt: t, lastHeartbeat: t });
    const rec = await readEntryRecord(c.publicClient, { registry: s.r, platformKey: tdxKey });
    expect(rec.record).toMatchObject({ evidenceHash: batch[0]!.evidenceHash, evidenceUri: batch[0]!.evidenceUri, endorsers, method: "dcap-quote+site-visit", leafIndex: sizeBefore });
    expect(await s.registry.read.levelOf([keyOf(2)])).toBe(1);
    expect(await s.registry.read.levelOf([platformKey(1, TEE_FAIL_PPID, SALT)])).toBe(0);
    expect(await s.registry.read.isVerified([platformKey(1, TEE_FAIL_PPID, SALT), 1, 0n])).toBe(false);
    const f = await s.registry.read.getFacility([FACILITY.facilityId]);
    expect(f).toMatchObject({ provider: "OVHcloud", country: "FR", site: "Gravelines GRA3" });
    // The leaf carries what storage does not: method, URI, endorsers.
    const leaves = await getLogLeaves(c.publicClient, { registry: s.r });
    const last = leaves.find((l) => l.decoded.subject === tdxKey)!.decoded;
    expect(last.leafType).toBe(2);
    if (last.leafType === 2) expect(last.payload).toMatchObject({ method: "dcap-quote+site-visit", endorsers, cadence: 3600, verifiedAt: t });
  });

  it("an update keeps the entry's history: same key, new level and evidence, one more leaf; kind cannot change", async () => {
    const s = await registryStack(c);
    const t = await s.now();
    await s.addEntries([entry(keyOf(1), t)]);
    await s.addEntries([entry(keyOf(1), t, { level: 1, evidenceHash: keccak256(stringToBytes("re-audit")) })]);
    const e = await readEntryRecord(c.publicClient, { registry: s.r, platformKey: keyOf(1) });
    expect(e.level).toBe(1);
    expect(e.entryLeaf).toBe(2n);
    expect(e.record?.evidenceHash).toBe(keccak256(stringToBytes("re-audit")));
    await expectRevert(s.addEntries([entry(keyOf(1), t, { kind: 2 })]), "KindMismatch");
  });

  it("bad entries are refused, each with its own error", async () => {
    const s = await registryStack(c);
    const t = await s.now();
    await expectRevert(s.addEntries([entry(keyOf(1), t, { facilityId: keccak256(stringToBytes("nowhere")) })]), "UnknownFacility");
    await expectRevert(s.addEntries([entry(keyOf(1), t, { level: 4 })]), "InvalidLevel");
    await expectRevert(s.addEntries([entry(keyOf(1), t, { level: 3, cadence: 0 })]), "InvalidLevel");
    await expectRevert(s.addEntries([entry(keyOf(1), t, { kind: 9 })]), "UnknownKind");
    await expectRevert(s.addEntries([entry(keyOf(1), t + 10_000n)]), "InvalidField");
    await expectRevert(s.addEntries([entry(keyOf(1), t, { endorsers: [getAddress(c.wallets[15]!.account.address)] })]), "EndorserNotMember");
  });
});

describe("level-3 heartbeats from members keep an entry at level 3; older than twice the cadence it counts as level 2", () => {
  it("decays at 2 x cadence, heartbeat restores it, isVerified follows level and age", async () => {
    const s = await registryStack(c);
    const t = await s.now();
    await s.addEntries([entry(keyOf(1), t, { level: 3, cadence: 3600 }), entry(keyOf(2), t)]);
    await c.networkHelpers.time.increaseTo(t + 7200n);
    expect(await s.registry.read.levelOf([keyOf(1)])).toBe(3);
    await c.networkHelpers.time.increaseTo(t + 7201n);
    expect(await s.registry.read.levelOf([keyOf(1)])).toBe(2);
    expect(await s.registry.read.isVerified([keyOf(1), 3, 0n])).toBe(false);
    expect(await s.registry.read.isVerified([keyOf(1), 2, 0n])).toBe(true);
    expect(await s.registry.read.isVerified([keyOf(1), 2, 3600n])).toBe(false);
    await c.publicClient.waitForTransactionReceipt({ hash: await writeHeartbeat(s.members[3]!, { registry: s.r, platformKeys: [keyOf(1)] }) });
    expect(await s.registry.read.levelOf([keyOf(1)])).toBe(3);
    expect(await s.registry.read.isVerified([keyOf(1), 3, 60n])).toBe(true);
    const leaves = await getLogLeaves(c.publicClient, { registry: s.r });
    const hb = leaves[leaves.length - 1]!.decoded;
    expect(hb.leafType).toBe(4);
    if (hb.leafType === 4) expect(getAddress(hb.payload.member)).toBe(getAddress(s.members[3]!.account.address));
  });

  it("non-members cannot post heartbeats; heartbeats are for level-3 entries only", async () => {
    const s = await registryStack(c);
    const t = await s.now();
    await s.addEntries([entry(keyOf(1), t, { level: 3, cadence: 60 }), entry(keyOf(2), t)]);
    await expectRevert(writeHeartbeat(c.wallets[15]!, { registry: s.r, platformKeys: [keyOf(1)] }), "NotMember");
    await expectRevert(writeHeartbeat(s.members[0]!, { registry: s.r, platformKeys: [keyOf(1), keyOf(2)] }), "NotContinuouslyMonitored");
    await expectRevert(writeHeartbeat(s.members[0]!, { registry: s.r, platformKeys: [keyOf(3)] }), "UnknownEntry");
  });
});

describe("an emergency freeze by the emergency threshold lapses after the window unless revoked or unfrozen first", () => {
  it("2 of 5 freeze; level 0 while frozen; back after 7 days without any transaction", async () => {
    const s = await registryStack(c);
    const t = await s.now();
    await s.addEntries([entry(keyOf(1), t)]);
    await s.govern([registryCalls.freeze(s.r, [keyOf(1)], REASON)], ProposalClass.EmergencyFreeze);
    const e = await readHardwareEntry(c.publicClient, { registry: s.r, platformKey: keyOf(1) });
    expect(e.status).toBe(1);
    expect(e.effectiveLevel).toBe(0);
    expect(await s.registry.read.isVerified([keyOf(1), 1, 0n])).toBe(false);
    await expectRevert(s.addEntries([entry(keyOf(1), t)]), "EntryFrozen");
    await expectRevert(s.govern([registryCalls.freeze(s.r, [keyOf(1)], REASON)], ProposalClass.EmergencyFreeze), "FreezeNeedsMajority");
    await c.networkHelpers.time.increase(7 * 86400);
    const after = await readHardwareEntry(c.publicClient, { registry: s.r, platformKey: keyOf(1) });
    expect(after.status).toBe(0);
    expect(after.effectiveLevel).toBe(2);
    // the lapse is acknowledged by an ordinary unfreeze (test/contracts/registryHardening.test.ts)
    await s.govern([registryCalls.unfreeze(s.r, [keyOf(1)], REASON)], ProposalClass.Ordinary);
    await expectRevert(s.govern([registryCalls.unfreeze(s.r, [keyOf(1)], REASON)], ProposalClass.Ordinary), "EntryNotFrozen");
  });

  it("an ordinary proposal unfreezes early; a security-critical one sets another window", async () => {
    const s = await registryStack(c);
    const t = await s.now();
    await s.addEntries([entry(keyOf(1), t)]);
    await s.govern([registryCalls.setFreezeWindow(s.r, 3600n)], ProposalClass.SecurityCritical);
    expect(await s.registry.read.freezeWindow()).toBe(3600n);
    await s.govern([registryCalls.freeze(s.r, [keyOf(1)], REASON)], ProposalClass.EmergencyFreeze);
    expect((await readHardwareEntry(c.publicClient, { registry: s.r, platformKey: keyOf(1) })).frozenUntil).toBe((await s.now()) + 3600n);
    await s.govern([registryCalls.unfreeze(s.r, [keyOf(1)], REASON)], ProposalClass.Ordinary);
    expect(await s.registry.read.levelOf([keyOf(1)])).toBe(2);
  });

  it("revocation is final and kept: the entry stays readable as revoked, and nothing can revive it", async () => {
    const s = await registryStack(c);
    const t = await s.now();
    await s.addEntries([entry(keyOf(1), t, { level: 3, cadence: 60 })]);
    await s.govern([registryCalls.freeze(s.r, [keyOf(1)], REASON)], ProposalClass.EmergencyFreeze);
    await s.govern([registryCalls.revoke(s.r, [keyOf(1)], REASON)], ProposalClass.SecurityCritical);
    const e = await readHardwareEntry(c.publicClient, { registry: s.r, platformKey: keyOf(1) });
    expect(e).toMatchObject({ exists: true, status: 2, effectiveLevel: 0, level: 3 });
    await expectRevert(s.addEntries([entry(keyOf(1), t)]), "EntryRevoked");
    await expectRevert(writeHeartbeat(s.members[0]!, { registry: s.r, platformKeys: [keyOf(1)] }), "EntryRevoked");
    await expectRevert(writeChallenge(c.wallets[15]!, { registry: s.r, platformKey: keyOf(1), evidenceHash: REASON, evidenceUri: "x" }), "EntryRevoked");
    await expectRevert(s.govern([registryCalls.revoke(s.r, [keyOf(1)], REASON)], ProposalClass.SecurityCritical), "EntryRevoked");
    const kinds = (await getLogLeaves(c.publicClient, { registry: s.r })).map((l) => l.decoded.leafType);
    expect(kinds).toEqual([1, 2, 3, 3]);
  });
});

describe("anyone challenges an entry; the challenge shows its age until dismissed or upheld by revocation", () => {
  it("open → ages past 72 h → dismissed (ordinary) → age stops; closing twice is ChallengeNotOpen", async () => {
    const s = await registryStack(c);
    const t = await s.now();
    await s.addEntries([entry(keyOf(1), t)]);
    const stranger = c.wallets[16]!;
    await c.publicClient.waitForTransactionReceipt({
      hash: await writeChallenge(stranger, { registry: s.r, platformKey: keyOf(1), evidenceHash: REASON, evidenceUri: "https://example.org/report" }),
    });
    expect(await s.registry.read.challengeCount()).toBe(1n);
    expect((await readHardwareEntry(c.publicClient, { registry: s.r, platformKey: keyOf(1) })).openChallenges).toBe(1);
    await c.networkHelpers.time.increase(73 * 3600);
    const open = await readChallenge(c.publicClient, { registry: s.r, challengeId: 0n });
    expect(open.outcome).toBe(0);
    expect(open.age >= 73n * 3600n).toBe(true);
    expect(getAddress(open.challenger)).toBe(getAddress(stranger.account.address));
    await s.govern([registryCalls.dismissChallenge(s.r, 0n)], ProposalClass.Ordinary);
    const closed = await readChallenge(c.publicClient, { registry: s.r, challengeId: 0n });
    expect(closed.outcome).toBe(1);
    await c.networkHelpers.time.increase(1000);
    expect((await readChallenge(c.publicClient, { registry: s.r, challengeId: 0n })).age).toBe(closed.age);
    expect((await readHardwareEntry(c.publicClient, { registry: s.r, platformKey: keyOf(1) })).openChallenges).toBe(0);
    await expectRevert(s.govern([registryCalls.dismissChallenge(s.r, 0n)], ProposalClass.Ordinary), "ChallengeNotOpen");
    await expectRevert(s.registry.read.getChallenge([5n]), "UnknownChallenge");
    await expectRevert(writeChallenge(stranger, { registry: s.r, platformKey: keyOf(9), evidenceHash: REASON, evidenceUri: "x" }), "UnknownEntry");
  });

  it("revoking the entry upholds its open challenges (no leaf per challenge: the revocation's leaf upholds them)", async () => {
    const s = await registryStack(c);
    const t = await s.now();
    await s.addEntries([entry(keyOf(1), t)]);
    for (let i = 0; i < 2; i++) await writeChallenge(c.wallets[16 + i]!, { registry: s.r, platformKey: keyOf(1), evidenceHash: REASON, evidenceUri: `u${i}` });
    await s.govern([registryCalls.dismissChallenge(s.r, 0n)], ProposalClass.Ordinary);
    await s.govern([registryCalls.revoke(s.r, [keyOf(1)], REASON)], ProposalClass.SecurityCritical);
    expect((await readChallenge(c.publicClient, { registry: s.r, challengeId: 0n })).outcome).toBe(1);
    expect((await readChallenge(c.publicClient, { registry: s.r, challengeId: 1n })).outcome).toBe(2);
    const leaves = (await getLogLeaves(c.publicClient, { registry: s.r })).map((l) => l.decoded);
    expect(leaves.map((l) => l.leafType)).toEqual([1, 2, 5, 5, 6, 3]);
  });
});

describe("listeners: every status change of an existing entry is pushed to them in the same transaction", () => {
  it("the deployer adds one before any other leaf; afterwards only a security-critical vote; at most 4", async () => {
    const s = await deployStack(c, 5);
    const r = s.registry.address;
    const first = await c.viem.deployContract("RecordingListener");
    await expectRevert(s.registry.write.addListener([first.address], { account: s.members[1]!.account }), "NotAlliance");
    await s.registry.write.addListener([first.address]); // the deployer, log empty
    expect(await first.read.added()).toBe(true);
    const [leaf] = await getLogLeaves(c.publicClient, { registry: r });
    expect(leaf!.decoded).toMatchObject({ leafType: 7, subject: `0x${"00".repeat(12)}${first.address.slice(2).toLowerCase()}`, payload: { listener: getAddress(first.address) } });
    await expectRevert(s.registry.write.addListener([first.address]), "InvalidListener");
    const quorum = (cls: ProposalClass) => s.members.slice(0, cls === ProposalClass.Ordinary ? 3 : cls === ProposalClass.SecurityCritical ? 4 : 2);
    await pass(c, s.alliance.address, [registryCalls.setFacilities(r, [FACILITY])], ProposalClass.Ordinary, quorum(ProposalClass.Ordinary), "facility");
    const second = await c.viem.deployContract("RecordingListener");
    await expectRevert(s.registry.write.addListener([second.address]), "NotAlliance"); // the window closed
    const add = async (l: Hex, cls: ProposalClass, tag: string) => pass(c, s.alliance.address, [registryCalls.addListener(r, l)], cls, quorum(cls), tag);
    await expectRevert(add(second.address, ProposalClass.Ordinary, "weak"), "ClassTooWeak");
    await add(second.address, ProposalClass.SecurityCritical, "l2");
    for (let i = 3; i <= 4; i++) await add((await c.viem.deployContract("RecordingListener")).address, ProposalClass.SecurityCritical, `l${i}`);
    const fifth = await c.viem.deployContract("RecordingListener");
    await expectRevert(add(fifth.address, ProposalClass.SecurityCritical, "l5"), "TooManyListeners");
    expect(((await s.registry.read.listeners()) as readonly Hex[]).length).toBe(4);
  });

  it("new entries are not pushed; updates, freezes, unfreezes, heartbeats and revocations are; a refusing listener does not block the change", async () => {
    const s = await registryStack(c);
    const l = await c.viem.deployContract("RecordingListener");
    await s.govern([registryCalls.addListener(s.r, l.address)], ProposalClass.SecurityCritical);
    const key = keyOf(7);
    const t = await s.now();
    await s.addEntries([entry(key, t, { level: 3, cadence: 3600 })]);
    expect(await l.read.pushes()).toBe(0n);
    const expectPushed = async (n: bigint) => {
      expect(await l.read.pushes()).toBe(n);
      expect(await l.read.lastKey()).toBe(key);
      expect(await l.read.last()).toEqual(await s.registry.read.hardwareStatus([key]));
    };
    await s.addEntries([entry(key, t, { level: 2 })]);
    await expectPushed(1n);
    await c.networkHelpers.time.increase(10);
    await expectRevert(s.registry.write.heartbeat([[key]], { account: s.members[0]!.account }), "NotContinuouslyMonitored"); // level 2: nothing pushed
    await expectPushed(1n);
    await s.addEntries([entry(key, await s.now(), { level: 3, cadence: 3600 })]);
    await expectPushed(2n);
    await s.registry.write.heartbeat([[key]], { account: s.members[0]!.account });
    await expectPushed(3n);
    await l.write.setRefuse([true]);
    // the freeze happens anyway; the listener is told it lost the feed for this key
    await s.govern([registryCalls.freeze(s.r, [key], REASON)], ProposalClass.EmergencyFreeze);
    expect(await s.registry.read.levelOf([key])).toBe(0);
    expect(await l.read.feedLost()).toBe(1n);
    expect(await s.registry.read.listenerFailedAt([l.address, key])).toBe(await s.now());
    await l.write.setRefuse([false]);
    await s.govern([registryCalls.unfreeze(s.r, [key], REASON)], ProposalClass.Ordinary);
    await expectPushed(4n);
    await s.govern([registryCalls.freeze(s.r, [key], REASON)], ProposalClass.EmergencyFreeze);
    await expectPushed(5n);
    expect(((await l.read.last()) as { status: number }).status).toBe(1);
    await s.govern([registryCalls.unfreeze(s.r, [key], REASON)], ProposalClass.Ordinary);
    await expectPushed(6n);
    await s.govern([registryCalls.revoke(s.r, [key], REASON)], ProposalClass.SecurityCritical);
    await expectPushed(7n);
    expect(await s.registry.read.hardwareStatus([keyOf(99)])).toEqual({ level: 0, status: 0, frozenUntil: 0, lastHeartbeat: 0, cadence: 0 });
  });
});

describe("every change appends one leaf; the SDK rebuilds the contract's root from the events", () => {
  it("root from LeafAppended events equals logRoot", async () => {
    const s = await registryStack(c);
    const t = await s.now();
    await s.addEntries([1, 2, 3, 4, 5].map((i) => entry(keyOf(i), t, { level: 3, cadence: 600 })));
    await writeHeartbeat(s.members[1]!, { registry: s.r, platformKeys: [keyOf(1), keyOf(3)] });
    const leaves = await getLogLeaves(c.publicClient, { registry: s.r });
    const tree = MerkleTree.fromLeaves(leaves.map((l) => l.leaf));
    expect(tree.size).toBe(Number(await s.registry.read.logSize()));
    expect(hexOf(tree.root())).toBe(await s.registry.read.logRoot());
    leaves.forEach((l, i) => expect(hexOf(tree.leafHash(i))).toBe(l.leafHash));
  });
});
