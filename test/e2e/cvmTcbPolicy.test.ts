/**
 * A gate's TCB policy (docs/cvm-registry.md#tcb-status): each rule names the weakest TCB status it
 * accepts, and a rule that names none accepts only UpToDate and SWHardeningNeeded. One world per TCB
 * status, each a simulated platform whose collateral gives its quotes that status, so the status a
 * gate sees is the one the onchain DCAP verifier derived from real quote and collateral checks.
 */
import { describe, it, expect, beforeAll } from "vitest";
import { parseEther, type Address, type Hex } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { DEFAULT_WEAKEST_TCB_STATUS, readCheckCvm, tcbStatusAccepted, encodeWeakestTcbStatus, writeRegisterCvm } from "../../sdk/src/chain/cvmRegistry.js";
import {
  TCB_STATUSES_STRONGEST_FIRST,
  TCB_STATUS_NAMES,
  tcbStatusRank,
  type TcbStatusName,
  type WeakestTcbStatusName,
} from "../../sdk/src/vocabulary/tcbStatus.js";
import { createSimulatedTdxEnvironment } from "../../sdk/src/simulate/index.js";
import { Cvm, deployCvmWorld, type CvmWorld } from "../../testkit/cvmWorld.js";
import { expectCvmRevert } from "../../testkit/cvmRevert.js";

type World = { w: CvmWorld; cvm: Cvm };

/** A world whose one platform quotes with `status`, and a CVM registered on it. */
async function worldWith(status: "UpToDate" | "SWHardeningNeeded" | "OutOfDate"): Promise<World> {
  const seed = `tcb policy ${status}`;
  const w = await deployCvmWorld({ seed, tdx: createSimulatedTdxEnvironment({ seed, roleNames: "intel", tcbStatus: status }) });
  await w.registerHardware();
  const cvm = await Cvm.create(w, "rsa", `tcb-${status}`);
  const r = await cvm.registration({ owner: w.wallets[5]!.account.address, deadline: (await w.now()) + 3600n });
  const hash = await writeRegisterCvm(w.wallets[6]!, { registry: w.registry.address, ...r.args, tee: r.tee, tpm: r.tpm, identitySignature: r.identitySignature });
  expect((await w.pub.waitForTransactionReceipt({ hash })).status).toBe("success");
  return { w, cvm };
}

/** A CvmGateProbe allowing the CVM's measurement at level 1, with the given weakest TCB status (undefined: the default). */
const probe = ({ w, cvm }: World, weakest?: WeakestTcbStatusName) =>
  w.viem.deployContract("CvmGateProbe", [w.registry.address, cvm.expectedMeasurement(), 1, 0n, encodeWeakestTcbStatus(weakest)]);

describe("CvmGate TCB policy", () => {
  let outOfDate: World;
  let hardening: World;
  let upToDate: World;

  beforeAll(async () => {
    outOfDate = await worldWith("OutOfDate");
    hardening = await worldWith("SWHardeningNeeded");
    upToDate = await worldWith("UpToDate");
  }, 180_000);

  it("checkCvm returns the identity's TCB status, as registered from the quote", async () => {
    for (const [{ w, cvm }, status] of [[outOfDate, 4], [hardening, 1], [upToDate, 0]] as const) {
      const c = await readCheckCvm(w.pub, { registry: w.registry.address, identity: cvm.address });
      expect(c).toMatchObject({ valid: true, tcbStatus: status, tcbStatusName: TCB_STATUS_NAMES[status] });
    }
  });

  it("the default policy refuses an OutOfDate CVM, naming its status and the weakest accepted", async () => {
    const p = await probe(outOfDate);
    const args = await expectCvmRevert(p.read.measure([outOfDate.cvm.address]), "TcbStatusNotAccepted");
    expect(args).toEqual([outOfDate.cvm.address, 4, 1]);
    await expectCvmRevert(p.read.measureImmutable([outOfDate.cvm.address]), "TcbStatusNotAccepted");
    const digest = `0x${"cd".repeat(32)}` as Hex;
    await expectCvmRevert(p.read.measureSigned([outOfDate.cvm.address, digest, await outOfDate.cvm.identity.sign({ hash: digest })]), "TcbStatusNotAccepted");
  });

  it("a policy naming OutOfDate (or weaker) accepts it; one naming a stronger status does not", async () => {
    for (const weakest of ["OutOfDate", "OutOfDateConfigurationNeeded"] as const) {
      const p = await probe(outOfDate, weakest);
      expect(Number(await p.read.measure([outOfDate.cvm.address]))).toBeGreaterThan(0);
      expect(Number(await p.read.measureImmutable([outOfDate.cvm.address]))).toBeGreaterThan(0);
    }
    const stricter = await probe(outOfDate, "ConfigurationAndSWHardeningNeeded");
    expect(await expectCvmRevert(stricter.read.measure([outOfDate.cvm.address]), "TcbStatusNotAccepted")).toEqual([outOfDate.cvm.address, 4, 3]);
  });

  it("the default policy accepts UpToDate and SWHardeningNeeded; UpToDate-only refuses SWHardeningNeeded", async () => {
    for (const world of [upToDate, hardening]) {
      const p = await probe(world);
      expect(Number(await p.read.measure([world.cvm.address]))).toBeGreaterThan(0);
      expect(Number(await p.read.measureImmutable([world.cvm.address]))).toBeGreaterThan(0);
    }
    const strict = await probe(hardening, "UpToDate");
    expect(await expectCvmRevert(strict.read.measure([hardening.cvm.address]), "TcbStatusNotAccepted")).toEqual([hardening.cvm.address, 1, 0]);
    expect(Number(await (await probe(upToDate, "UpToDate")).read.measure([upToDate.cvm.address]))).toBeGreaterThan(0);
  });

  it("the vault's rules: the default refuses an OutOfDate CVM until its owner names OutOfDate", async () => {
    const { w, cvm } = outOfDate;
    const owner = w.wallets[5]!;
    const vault = await w.viem.deployContract("CvmVault", [w.registry.address, owner.account.address, [cvm.expectedMeasurement()], 1, 0n]);
    await w.pub.waitForTransactionReceipt({ hash: await owner.sendTransaction({ to: vault.address, value: parseEther("1") }) });
    expect(((await vault.read.rule([cvm.expectedMeasurement()])) as { weakestTcbStatus: number }).weakestTcbStatus).toBe(encodeWeakestTcbStatus());
    const to: Address = privateKeyToAccount(generatePrivateKey()).address;
    const dl = (await w.now()) + 3600n;
    const sign = async (nonce: bigint) => cvm.identity.sign({ hash: (await vault.read.hashRelease([to, 1n, nonce, dl])) as Hex });
    await expectCvmRevert(vault.write.release([cvm.address, to, 1n, 1n, dl, await sign(1n)], { account: w.wallets[6]!.account }), "TcbStatusNotAccepted");
    await w.pub.waitForTransactionReceipt({ hash: await vault.write.setRule([cvm.expectedMeasurement(), 1, 0n, encodeWeakestTcbStatus("OutOfDate")], { account: owner.account }) });
    const hash = await vault.write.release([cvm.address, to, 1n, 1n, dl, await sign(1n)], { account: w.wallets[6]!.account });
    expect((await w.pub.waitForTransactionReceipt({ hash })).status).toBe("success");
    expect(await w.pub.getBalance({ address: to })).toBe(1n);
  });

  it("the SDK's order of TCB statuses is the contracts' (TcbStatusRank), and its default the gate's", async () => {
    const p = await probe(upToDate);
    for (let code = 0; code < 9; code++) {
      const name = TCB_STATUS_NAMES[code];
      expect(Number(await p.read.tcbStatusRank([code])), `code ${code}`).toBe(name === undefined ? 255 : tcbStatusRank(name));
    }
    expect(TCB_STATUSES_STRONGEST_FIRST.map(tcbStatusRank)).toEqual([0, 1, 2, 3, 4, 5, 255]);
    expect(DEFAULT_WEAKEST_TCB_STATUS).toBe("SWHardeningNeeded");
    expect(TCB_STATUS_NAMES.filter((s) => tcbStatusAccepted(s))).toEqual(["UpToDate", "SWHardeningNeeded"]);
    expect(TCB_STATUS_NAMES.filter((s) => tcbStatusAccepted(s, "OutOfDate"))).toEqual(["UpToDate", "SWHardeningNeeded", "ConfigurationNeeded", "ConfigurationAndSWHardeningNeeded", "OutOfDate"]);
    expect(tcbStatusAccepted("Revoked", "OutOfDateConfigurationNeeded")).toBe(false);
  });
});
