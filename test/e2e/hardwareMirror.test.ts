/**
 * The CvmRegistry's hardware mirror (docs/cvm-registry.md#hardware-mirror) against the
 * HardwareRegistry it mirrors: after any sequence of hardware changes (updates, freezes, unfreezes,
 * revocation, heartbeats, time passing) the mirrored status equals `hardwareStatus`, and the level a
 * gate sees equals `levelOf`. Plus the feed's own rules: who may push, who may connect, and a
 * registry that is not connected refusing registrations.
 */
import { describe, it, expect, beforeAll } from "vitest";
import fc from "fast-check";
import { getAddress, keccak256, stringToBytes, zeroAddress, type Hex } from "viem";
import { registryCalls, readHardwareStatus, readLevel, readHardwareListeners } from "../../sdk/src/chain/hardwareRegistry.js";
import { readCheckCvm, readMirroredHardwareStatus, readCvmParams, writeRegisterCvm } from "../../sdk/src/chain/cvmRegistry.js";
import { ProposalClass } from "../contracts/fixture.js";
import { Cvm, deployCvmWorld, DAY, MAX_TEE_TTL, type CvmWorld } from "../../testkit/cvmWorld.js";
import { expectCvmRevert } from "../../testkit/cvmRevert.js";

type Op =
  | { kind: "update"; level: 1 | 2 | 3; cadence: number }
  | { kind: "freeze" }
  | { kind: "confirmFreeze" }
  | { kind: "unfreeze" }
  | { kind: "revoke" }
  | { kind: "heartbeat" }
  | { kind: "wait"; seconds: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant("update" as const), level: fc.constantFrom(1 as const, 2 as const, 3 as const), cadence: fc.constantFrom(600, 3600) }),
  fc.constant({ kind: "freeze" as const }),
  fc.constant({ kind: "confirmFreeze" as const }),
  fc.constant({ kind: "unfreeze" as const }),
  fc.constant({ kind: "revoke" as const }),
  fc.constant({ kind: "heartbeat" as const }),
  fc.record({ kind: fc.constant("wait" as const), seconds: fc.constantFrom(60, 1500, 7300, 8 * DAY) }),
);

describe("the CvmRegistry's hardware mirror", () => {
  let w: CvmWorld;
  let cvm: Cvm;
  const reason = keccak256(stringToBytes("mirror test"));
  // A second registered platform no CVM runs on: its changes are pushed and ignored.
  const untracked = keccak256(stringToBytes("untracked platform"));

  beforeAll(async () => {
    w = await deployCvmWorld({ seed: "hardware mirror" });
    await w.registerHardware({ level: 3, cadence: 3600 });
    await w.registerHardware({ platformKey: untracked, level: 2 });
    cvm = await Cvm.create(w, "rsa", "mirror");
    const r = await cvm.registration({ owner: w.wallets[5]!.account.address, deadline: (await w.now()) + 3600n });
    await w.pub.waitForTransactionReceipt({ hash: await writeRegisterCvm(w.wallets[6]!, { registry: w.registry.address, ...r.args, tee: r.tee, tpm: r.tpm, identitySignature: r.identitySignature }) });
  }, 120_000);

  const expectMirrorMatches = async () => {
    const truth = await readHardwareStatus(w.pub, { registry: w.hardware.address, platformKey: w.hwKey });
    const mirrored = await readMirroredHardwareStatus(w.pub, { registry: w.registry.address, platformKey: w.hwKey });
    expect(mirrored).toEqual({ tracked: true, status: truth });
    const level = await readLevel(w.pub, { registry: w.hardware.address, platformKey: w.hwKey });
    expect((await readCheckCvm(w.pub, { registry: w.registry.address, identity: cvm.address })).hardwareLevel).toBe(level);
    expect((await readMirroredHardwareStatus(w.pub, { registry: w.registry.address, platformKey: untracked })).tracked).toBe(false);
  };

  /** Applies `o` if the HardwareRegistry allows it in the current state; returns whether it ran. */
  const apply = async (o: Op): Promise<boolean> => {
    const s = await readHardwareStatus(w.pub, { registry: w.hardware.address, platformKey: w.hwKey });
    const now = await w.now();
    const revoked = s.status === 2;
    const frozen = s.status === 1 && BigInt(s.frozenUntil) > now;
    const storedFrozen = s.status === 1; // live or lapsed: an emergency freeze cannot renew it
    const keys = [w.hwKey, untracked];
    switch (o.kind) {
      case "update":
        if (revoked || frozen) return false;
        for (const platformKey of keys) await w.registerHardware({ platformKey, level: o.level, cadence: o.level === 3 ? o.cadence : 0 });
        return true;
      case "freeze":
        if (revoked || storedFrozen) return false;
        await w.govern([registryCalls.freeze(w.hardware.address, keys, reason)], ProposalClass.EmergencyFreeze);
        return true;
      case "confirmFreeze":
        if (revoked) return false;
        await w.govern([registryCalls.confirmFreeze(w.hardware.address, keys, reason)], ProposalClass.Ordinary);
        return true;
      case "unfreeze":
        if (!storedFrozen) return false;
        await w.govern([registryCalls.unfreeze(w.hardware.address, keys, reason)], ProposalClass.Ordinary);
        return true;
      case "revoke":
        if (revoked) return false;
        await w.govern([registryCalls.revoke(w.hardware.address, [w.hwKey], reason)], ProposalClass.SecurityCritical);
        return true;
      case "heartbeat":
        if (revoked || frozen || s.level !== 3) return false;
        await w.pub.waitForTransactionReceipt({ hash: await w.hardware.write.heartbeat([[w.hwKey]], { account: w.members[0]!.account }) });
        return true;
      case "wait":
        await w.time.increase(o.seconds);
        return true;
    }
  };

  it("equals the HardwareRegistry's status after any sequence of changes (fast-check)", async () => {
    await expectMirrorMatches();
    const applied: Record<string, number> = {};
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 8 }), async (ops) => {
        const snapshot = await w.conn.networkHelpers.takeSnapshot();
        try {
          for (const o of ops) {
            if (!(await apply(o))) continue;
            applied[o.kind] = (applied[o.kind] ?? 0) + 1;
            await expectMirrorMatches();
          }
        } finally {
          await snapshot.restore();
        }
      }),
      { numRuns: 12, seed: 20261122 },
    );
    // the seed's sequences exercise every kind of change
    expect(Object.keys(applied).sort()).toEqual(["confirmFreeze", "freeze", "heartbeat", "revoke", "unfreeze", "update", "wait"]);
  }, 300_000);

  it("a freeze reaches the gate in the same transaction; its lapse needs no push", async () => {
    const snapshot = await w.conn.networkHelpers.takeSnapshot();
    try {
      await w.govern([registryCalls.freeze(w.hardware.address, [w.hwKey], reason)], ProposalClass.EmergencyFreeze);
      expect(await readCheckCvm(w.pub, { registry: w.registry.address, identity: cvm.address })).toMatchObject({ valid: false, hardwareLevel: 0 });
      await w.time.increase(7 * DAY + 1); // the freeze window
      await expectMirrorMatches();
      expect((await readCheckCvm(w.pub, { registry: w.registry.address, identity: cvm.address })).hardwareLevel).toBe(2); // level 3 decayed: no heartbeat for a week
    } finally {
      await snapshot.restore();
    }
  });

  it("only the HardwareRegistry pushes; only the deployer (before any other leaf) or a security-critical vote connects", async () => {
    const stranger = w.wallets[7]!;
    const status = { level: 3, status: 0, frozenUntil: 0, lastHeartbeat: Number(await w.now()), cadence: 3600 };
    await expectCvmRevert(w.registry.write.onHardwareChanged([w.hwKey, status], { account: stranger.account }), "NotHardwareRegistry");
    await expectCvmRevert((w.registry.write.onHardwareListenerAdded as unknown as (o: { account: typeof stranger.account }) => Promise<Hex>)({ account: stranger.account }), "NotHardwareRegistry");
    const listeners = async () => (await readHardwareListeners(w.pub, { registry: w.hardware.address })).map((a) => getAddress(a));
    expect(await listeners()).toEqual([getAddress(w.registry.address)]);

    const other = await w.viem.deployContract("CvmRegistry", [w.alliance.address, w.hardware.address, w.workload.address, MAX_TEE_TTL, DAY, 1]);
    expect((await readCvmParams(w.pub, { registry: other.address })).hardwareFeedConnected).toBe(false);
    // not connected: a valid registration for it is refused before its evidence is looked at
    const r = await cvm.registration({ owner: w.wallets[5]!.account.address, deadline: (await w.now()) + 3600n, nonce: 0n, target: { chainId: 31337, registry: other.address } });
    await expectCvmRevert(writeRegisterCvm(w.wallets[6]!, { registry: other.address, ...r.args, tee: r.tee, tpm: r.tpm, identitySignature: r.identitySignature }), "HardwareFeedNotConnected");
    // the deployer's window closed with the first facility leaf; an ordinary vote is too weak
    await expectCvmRevert(w.hardware.write.addListener([other.address]), "NotAlliance");
    await expectCvmRevert(w.govern([registryCalls.addListener(w.hardware.address, other.address)], ProposalClass.Ordinary), "ClassTooWeak");
    await expectCvmRevert(w.govern([registryCalls.addListener(w.hardware.address, w.registry.address)], ProposalClass.SecurityCritical), "InvalidListener");
    await expectCvmRevert(w.govern([registryCalls.addListener(w.hardware.address, zeroAddress)], ProposalClass.SecurityCritical), "InvalidListener");
    await w.govern([registryCalls.addListener(w.hardware.address, other.address)], ProposalClass.SecurityCritical);
    expect((await readCvmParams(w.pub, { registry: other.address })).hardwareFeedConnected).toBe(true);
    expect(await listeners()).toEqual([getAddress(w.registry.address), getAddress(other.address)]);
    // a contract that is no listener cannot be added (the registry calls it back)
    await expectCvmRevert(w.govern([registryCalls.addListener(w.hardware.address, w.alliance.address as Hex)], ProposalClass.SecurityCritical), "CallFailed");
  });
});
