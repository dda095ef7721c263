/**
 * Replay on another chain: the same deployment (same addresses) on chain 31337 and on chain 1337.
 * A registration made for one chain does not register on the other.
 */
import { describe, it, expect, beforeAll } from "vitest";
import { writeRegisterCvm, readCvm, cvmRegistryActions } from "../../sdk/src/chain/cvmRegistry.js";
import { Cvm, deployCvmWorld, type CvmWorld } from "../../testkit/cvmWorld.js";
import { expectCvmRevert } from "../../testkit/cvmRevert.js";

describe("a registration is bound to its chain", () => {
  let a: CvmWorld;
  let b: CvmWorld;
  beforeAll(async () => {
    a = await deployCvmWorld({ seed: "cross chain" });
    b = await deployCvmWorld({ seed: "cross chain", chainId: 1337 });
    await a.registerHardware();
    await b.registerHardware();
  });

  it("the two deployments share addresses but not chain IDs", () => {
    expect(b.registry.address).toBe(a.registry.address);
    expect(a.target.chainId).toBe(31337);
    expect(b.target.chainId).toBe(1337);
  });

  it("evidence and signature made for chain 31337 are refused on chain 1337, and work on 31337", async () => {
    const cvmA = await Cvm.create(a, "ecdsa", "roaming");
    const cvmB = new Cvm(b, cvmA.tpm, undefined);
    cvmB.identity = cvmA.identity;
    const owner = a.wallets[5]!.account.address;
    const deadline = (await a.now()) + 3600n;
    const forA = await cvmA.registration({ owner, deadline });
    const submit = (w: CvmWorld, r: typeof forA, sig = r.identitySignature) =>
      writeRegisterCvm(w.wallets[6]!, { registry: w.registry.address, ...r.args, tee: r.tee, tpm: r.tpm, identitySignature: sig });
    await expectCvmRevert(submit(b, forA), "InvalidIdentitySignature");
    const forB = await cvmB.registration({ owner, deadline: (await b.now()) + 3600n });
    await expectCvmRevert(submit(b, { ...forB, tee: forA.tee, tpm: forA.tpm, args: { ...forA.args, deadline: forB.args.deadline } }, forB.identitySignature), "ReportDataMismatch");
    await a.pub.waitForTransactionReceipt({ hash: await submit(a, forA) });
    expect((await readCvm(a.pub, { registry: a.registry.address, identity: cvmA.address })).valid).toBe(true);
    expect((await readCvm(b.pub, { registry: b.registry.address, identity: cvmA.address })).statusName).toBe("none");
    // the same reads through the client extension
    const onA = a.pub.extend(cvmRegistryActions({ cvmRegistry: a.registry.address }));
    expect(await onA.readCheckCvm({ identity: cvmA.address })).toMatchObject({ valid: true, hardwareLevel: 2 });
    expect(await onA.readCvmNonce({ identity: cvmA.address })).toBe(1n);
    expect((await onA.readCvmParams()).minHardwareLevel).toBe(1);
  });
});
