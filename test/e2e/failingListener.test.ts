/**
 * A CvmRegistry whose hardware pushes fail (contracts/test/FailingCvmRegistry.sol: the real registry
 * with `onHardwareChanged` reverting) next to a healthy one: a freeze still holds, the failure is
 * recorded, and the failing registry's gate reads the hardware as unknown instead of keeping the stale
 * "active" view (docs/hardware-registry.md#listeners).
 */
import { beforeAll, describe, expect, it } from "vitest";
import { getAddress, keccak256, parseEventLogs, stringToBytes } from "viem";
import { hardwareRegistryAbi } from "../../sdk/src/chain/abi/HardwareRegistry.js";
import { readListenerFailedAt, readLevel, registryCalls } from "../../sdk/src/chain/hardwareRegistry.js";
import { readCheckCvm, readMirroredHardwareStatus, writeRegisterCvm } from "../../sdk/src/chain/cvmRegistry.js";
import { ProposalClass } from "../contracts/fixture.js";
import { Cvm, deployCvmWorld, MAX_TEE_TTL, MAX_TPM_TTL, type CvmWorld } from "../../testkit/cvmWorld.js";

describe("a failing CvmRegistry listener", () => {
  let w: CvmWorld;
  let cvm: Cvm;
  let failing: { address: `0x${string}` };
  const reason = keccak256(stringToBytes("incident 9"));

  beforeAll(async () => {
    w = await deployCvmWorld({ seed: "failing listener" });
    await w.registerHardware({ level: 2 });
    failing = await w.viem.deployContract("FailingCvmRegistry", [w.alliance.address, w.hardware.address, w.workload.address, MAX_TEE_TTL, MAX_TPM_TTL, 1]);
    await w.govern([registryCalls.addListener(w.hardware.address, failing.address)], ProposalClass.SecurityCritical);
    cvm = await Cvm.create(w, "rsa", "failing listener");
    for (const registry of [w.registry.address, failing.address]) {
      const r = await cvm.registration({ owner: w.wallets[5]!.account.address, deadline: (await w.now()) + 3600n, nonce: 0n, target: { chainId: w.target.chainId, registry } });
      const hash = await writeRegisterCvm(w.wallets[6]!, { registry, ...r.args, tee: r.tee, tpm: r.tpm, identitySignature: r.identitySignature });
      expect((await w.pub.waitForTransactionReceipt({ hash })).status).toBe("success");
    }
  }, 120_000);

  it("cannot block a freeze; its failure is recorded and its gate reads the hardware as unknown (level 0)", async () => {
    for (const registry of [w.registry.address, failing.address]) {
      expect(await readCheckCvm(w.pub, { registry, identity: cvm.address })).toMatchObject({ valid: true, hardwareLevel: 2 });
    }
    const receipt = await w.govern([registryCalls.freeze(w.hardware.address, [w.hwKey], reason)], ProposalClass.EmergencyFreeze);
    expect(await readLevel(w.pub, { registry: w.hardware.address, platformKey: w.hwKey })).toBe(0); // the freeze holds
    const failed = parseEventLogs({ abi: hardwareRegistryAbi, logs: receipt.logs, eventName: "ListenerFailed" }).map((e) => e.args);
    expect(failed).toEqual([{ listener: getAddress(failing.address), platformKey: w.hwKey }]);
    const at = (await w.pub.getBlock({ blockNumber: receipt.blockNumber })).timestamp;
    expect(await readListenerFailedAt(w.pub, { registry: w.hardware.address, listener: failing.address, platformKey: w.hwKey })).toBe(at);
    expect(await readListenerFailedAt(w.pub, { registry: w.hardware.address, listener: w.registry.address, platformKey: w.hwKey })).toBe(0n);
    // the healthy mirror took the push; the failing one forgot the hardware (onHardwareFeedLost)
    expect(await readCheckCvm(w.pub, { registry: w.registry.address, identity: cvm.address })).toMatchObject({ valid: false, hardwareLevel: 0 });
    expect((await readMirroredHardwareStatus(w.pub, { registry: w.registry.address, platformKey: w.hwKey })).status.status).toBe(1);
    expect(await readCheckCvm(w.pub, { registry: failing.address, identity: cvm.address })).toMatchObject({ valid: false, hardwareLevel: 0 });
    expect((await readMirroredHardwareStatus(w.pub, { registry: failing.address, platformKey: w.hwKey })).tracked).toBe(false);

    // Unfrozen: the healthy registry's CVM is valid again; the failing one stays unknown (fails closed)
    // until a registration with TEE evidence on that hardware takes a fresh snapshot.
    await w.govern([registryCalls.unfreeze(w.hardware.address, [w.hwKey], reason)], ProposalClass.Ordinary);
    expect(await readCheckCvm(w.pub, { registry: w.registry.address, identity: cvm.address })).toMatchObject({ valid: true, hardwareLevel: 2 });
    expect(await readCheckCvm(w.pub, { registry: failing.address, identity: cvm.address })).toMatchObject({ valid: false, hardwareLevel: 0 });
  });

  it("a removed CvmRegistry cannot be added back: the re-adding proposal reverts with HardwareFeedRetired", async () => {
    await w.govern([registryCalls.removeListener(w.hardware.address, w.registry.address)], ProposalClass.SecurityCritical);
    const listeners = (await w.pub.readContract({ address: w.hardware.address, abi: hardwareRegistryAbi, functionName: "listeners" })) as readonly string[];
    expect(listeners.map((x) => getAddress(x))).not.toContain(getAddress(w.registry.address));
    await expect(w.govern([registryCalls.addListener(w.hardware.address, w.registry.address)], ProposalClass.SecurityCritical)).rejects.toThrow(/HardwareFeedRetired/);
  });
});
