/**
 * The CvmRegistry's side of a failing or removed hardware feed (IHardwareListener,
 * docs/cvm-registry.md#hardware-mirror): when a push to it fails the HardwareRegistry calls
 * `onHardwareFeedLost(platformKey)`, and when the Alliance removes it, `onHardwareListenerRemoved()`.
 * The tests call those hooks as the HardwareRegistry would, from its address (impersonated: the
 * registry side of the change lands separately), then check what CVMs, gates and `syncHardware` see.
 */
import { describe, it, expect, beforeAll } from "vitest";
import { getAddress, keccak256, parseEther, parseEventLogs, stringToBytes, type Hex } from "viem";
import { generatePrivateKey } from "viem/accounts";
import { cvmRegistryAbi } from "../../sdk/src/chain/abi/CvmRegistry.js";
import {
  readCheckCvm,
  readCvmParams,
  readMirroredHardwareStatus,
  writeReattestCvm,
  writeRegisterCvm,
  writeRotateCvm,
  writeSyncHardware,
} from "../../sdk/src/chain/cvmRegistry.js";
import { readHardwareStatus, registryCalls } from "../../sdk/src/chain/hardwareRegistry.js";
import { ProposalClass } from "../contracts/fixture.js";
import { Cvm, deployCvmWorld, type CvmWorld } from "../../testkit/cvmWorld.js";
import { expectCvmRevert } from "../../testkit/cvmRevert.js";

describe("the CvmRegistry when its hardware feed fails or is removed", () => {
  let w: CvmWorld;
  let cvm: Cvm;
  let relayer: CvmWorld["wallets"][number];
  const reason = keccak256(stringToBytes("feed test"));

  const receipt = async (hash: Promise<Hex>) => {
    const r = await w.pub.waitForTransactionReceipt({ hash: await hash });
    expect(r.status).toBe("success");
    return r;
  };
  /** Sent from the HardwareRegistry's own address, as its hooks are. */
  const asHardwareRegistry = { account: undefined as never };
  const check = () => readCheckCvm(w.pub, { registry: w.registry.address, identity: cvm.address });
  const mirrored = () => readMirroredHardwareStatus(w.pub, { registry: w.registry.address, platformKey: w.hwKey });
  const truth = () => readHardwareStatus(w.pub, { registry: w.hardware.address, platformKey: w.hwKey });
  const sync = (platformKey: Hex = w.hwKey) => writeSyncHardware(relayer, { registry: w.registry.address, platformKey });
  const registration = async (c: Cvm) => {
    const r = await c.registration({ owner: w.wallets[5]!.account.address, deadline: (await w.now()) + 3600n });
    return writeRegisterCvm(relayer, { registry: w.registry.address, ...r.args, tee: r.tee, tpm: r.tpm, identitySignature: r.identitySignature });
  };

  beforeAll(async () => {
    w = await deployCvmWorld({ seed: "hardware feed" });
    relayer = w.wallets[6]!;
    await w.registerHardware();
    cvm = await Cvm.create(w, "rsa", "feed");
    await receipt(registration(cvm));
    await w.conn.networkHelpers.impersonateAccount(w.hardware.address);
    await w.conn.networkHelpers.setBalance(w.hardware.address, parseEther("1"));
    asHardwareRegistry.account = w.hardware.address as never;
  }, 120_000);

  it("the hooks and the feed's state are the HardwareRegistry's alone", async () => {
    await expectCvmRevert(w.registry.write.onHardwareFeedLost([w.hwKey], { account: relayer.account }), "NotHardwareRegistry");
    await expectCvmRevert(w.registry.write.onHardwareListenerRemoved([], { account: relayer.account }), "NotHardwareRegistry");
    await expectCvmRevert(w.registry.write.onHardwareListenerAdded([], { account: relayer.account }), "NotHardwareRegistry");
    expect(await check()).toMatchObject({ valid: true, hardwareLevel: 2 });
  });

  it("after a lost push the platform reads as unknown: HardwareFeedLost, CVMs on it invalid, mirror untracked", async () => {
    const rc = await receipt(w.registry.write.onHardwareFeedLost([w.hwKey], asHardwareRegistry));
    const [ev] = parseEventLogs({ abi: cvmRegistryAbi, logs: rc.logs, eventName: "HardwareFeedLost" });
    expect(ev!.args.platformKey).toBe(w.hwKey);
    expect(await check()).toMatchObject({ valid: false, hardwareLevel: 0 });
    expect((await mirrored()).tracked).toBe(false);
    const probe = await w.viem.deployContract("CvmGateProbe", [w.registry.address, cvm.expectedMeasurement(), 1, 0n, 0]);
    await expectCvmRevert(probe.read.measure([cvm.address]), "CvmNotValid");
    // a loss for a platform it does not mirror changes nothing and says nothing
    const other = await receipt(w.registry.write.onHardwareFeedLost([keccak256(stringToBytes("never mirrored"))], asHardwareRegistry));
    expect(parseEventLogs({ abi: cvmRegistryAbi, logs: other.logs, eventName: "HardwareFeedLost" })).toHaveLength(0);
  });

  it("syncHardware (anyone) mirrors the registry's true status again, including changes made while the feed was lost", async () => {
    // While lost, the platform is frozen: the push is ignored (untracked), so only a sync can bring it in.
    await w.govern([registryCalls.freeze(w.hardware.address, [w.hwKey], reason)], ProposalClass.EmergencyFreeze);
    expect((await mirrored()).tracked).toBe(false);
    const rc = await receipt(sync());
    expect(parseEventLogs({ abi: cvmRegistryAbi, logs: rc.logs, eventName: "HardwareSynced" })[0]!.args.platformKey).toBe(w.hwKey);
    expect(await mirrored()).toEqual({ tracked: true, status: await truth() });
    expect(await check()).toMatchObject({ valid: false, hardwareLevel: 0 }); // frozen, as the registry says
    // tracked again: pushes apply
    await w.govern([registryCalls.unfreeze(w.hardware.address, [w.hwKey], reason)], ProposalClass.Ordinary);
    expect(await mirrored()).toEqual({ tracked: true, status: await truth() });
    expect(await check()).toMatchObject({ valid: true, hardwareLevel: 2 });
    // on a tracked platform a sync is a no-op refresh
    await receipt(sync());
    expect(await mirrored()).toEqual({ tracked: true, status: await truth() });
  });

  it("syncHardware refuses a platform this registry never mirrored", async () => {
    const untracked = keccak256(stringToBytes("registered, no CVM"));
    await w.registerHardware({ platformKey: untracked, level: 2 });
    const [key] = await expectCvmRevert(sync(untracked), "PlatformNotTracked");
    expect(key).toBe(untracked);
    expect((await readMirroredHardwareStatus(w.pub, { registry: w.registry.address, platformKey: untracked })).tracked).toBe(false);
  });

  it("after removal: HardwareFeedDisconnected, and register, reattest, rotate and syncHardware refuse", async () => {
    const re = await cvm.reattestation();
    const rot = await cvm.rotation(generatePrivateKey());
    const fresh = await Cvm.create(w, "ecdsa", "feed-2");
    const rc = await receipt(w.registry.write.onHardwareListenerRemoved([], asHardwareRegistry));
    const [ev] = parseEventLogs({ abi: cvmRegistryAbi, logs: rc.logs, eventName: "HardwareFeedDisconnected" });
    expect(ev!.args.hardwareRegistry).toBe(getAddress(w.hardware.address));
    expect((await readCvmParams(w.pub, { registry: w.registry.address })).hardwareFeedConnected).toBe(false);
    await expectCvmRevert(registration(fresh), "HardwareFeedNotConnected");
    await expectCvmRevert(registration(cvm), "HardwareFeedNotConnected"); // a TEE refresh too
    await expectCvmRevert(writeReattestCvm(relayer, { registry: w.registry.address, identity: cvm.address, tpm: re.tpm, teeRegistersHash: re.teeRegistersHash }), "HardwareFeedNotConnected");
    await expectCvmRevert(
      writeRotateCvm(relayer, { registry: w.registry.address, identity: cvm.address, newIdentity: rot.newIdentity, oldKeySignature: rot.oldKeySignature, newKeySignature: rot.newKeySignature, tpm: rot.tpm, teeRegistersHash: rot.teeRegistersHash }),
      "HardwareFeedNotConnected",
    );
    await expectCvmRevert(sync(), "HardwareFeedNotConnected");
    // Retired for good: changes made while removed never reached its mirrors, so it cannot be connected again.
    expect((await readCvmParams(w.pub, { registry: w.registry.address })).hardwareFeedRetired).toBe(true);
    await expectCvmRevert(w.registry.write.onHardwareListenerAdded([], asHardwareRegistry), "HardwareFeedRetired");
  });
});
