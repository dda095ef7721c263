/**
 * CollateralStore refuses to roll TCB info and QE identity back to an older TCB evaluation: a
 * validly signed item from before a TCB recovery, even issued later, would turn OutOfDate back into
 * UpToDate. Both evaluations are simulated (same platform, same signing key).
 */
import { describe, it, expect, beforeAll } from "vitest";
import type { Hex, PublicClient } from "viem";
import { decodeContractRevert } from "../../../sdk/src/chain/revert.js";
import { buildCollateralUploads, certificateHash, collateralStoreFullAbi, uploadCollateral } from "../../../sdk/src/chain/collateralStore.js";
import { collateralStoreAbi } from "../../../sdk/src/chain/abi/CollateralStore.js";
import { createRollbackWorld, dayAt, type EvaluationParameters } from "../../sdk/intel/rollbackCollateral.js";
import { connectAt, type Connection } from "../../../testkit/intelFixtures.js";

const world = createRollbackWorld();
const ROOT = world.env.pki.root.der;

type Outcome = { stored: true } | { error: string; args: readonly unknown[] };

function uploadOf(p: EvaluationParameters, label: "TCB info" | "QE identity"): Hex {
  return buildCollateralUploads({ collateral: world.collateral(p), rootCertificate: ROOT }).find((u) => u.label === label)!.data;
}

describe("CollateralStore: no rollback to an older TCB evaluation", () => {
  let conn: Connection;
  let store: Hex;

  async function send(data: Hex): Promise<Outcome> {
    const [wallet] = await conn.viem.getWalletClients();
    const pub = await conn.viem.getPublicClient();
    try {
      await pub.call({ account: wallet!.account, to: store, data });
    } catch (e) {
      const r = decodeContractRevert(e, { abi: collateralStoreFullAbi });
      if (!r) throw e;
      return { error: r.errorName, args: r.args };
    }
    const r = await pub.waitForTransactionReceipt({ hash: await wallet!.sendTransaction({ to: store, data }) });
    expect(r.status).toBe("success");
    return { stored: true };
  }

  async function tcbRecord() {
    const pub = await conn.viem.getPublicClient();
    return pub.readContract({ address: store, abi: collateralStoreAbi, functionName: "tcbInfo", args: [1, `0x${Buffer.from(world.env.pck.sgx.fmspc).toString("hex")}`] });
  }

  async function qeRecord() {
    const pub = await conn.viem.getPublicClient();
    return pub.readContract({ address: store, abi: collateralStoreAbi, functionName: "qeIdentity", args: [1] });
  }

  beforeAll(async () => {
    conn = await connectAt(dayAt(0));
    const parser = await conn.viem.deployContract("CollateralParser");
    store = (await conn.viem.deployContract("CollateralStore", [certificateHash(ROOT), parser.address])).address;
    // Root, intermediates and CRLs of the simulated PKI (everything before the TCB info).
    for (const u of buildCollateralUploads({ collateral: world.collateral({ evaluation: 1, issuedDay: 0 }), rootCertificate: ROOT })) {
      if (u.kind === "tcbInfo" || u.kind === "qeIdentity") continue;
      expect(await send(u.data)).toEqual({ stored: true });
    }
  });

  it("TCB info: evaluation N stored, then N-1 issued later is refused CollateralRollback(kind, stored, offered)", async () => {
    expect(await send(uploadOf({ evaluation: 18, issuedDay: 0, platformStatus: "OutOfDate" }, "TCB info"))).toEqual({ stored: true });
    const before = await tcbRecord();
    const older = await send(uploadOf({ evaluation: 17, issuedDay: 5, platformStatus: "UpToDate" }, "TCB info"));
    expect(older).toEqual({ error: "CollateralRollback", args: ["tcb info", 18, 17] });
    expect(await tcbRecord()).toEqual(before);
  });

  it("TCB info: same evaluation keeps the issueDate rule (older or same: NotNewer; later: stored)", async () => {
    expect(await send(uploadOf({ evaluation: 18, issuedDay: 0 }, "TCB info"))).toMatchObject({ error: "NotNewer" });
    expect(await send(uploadOf({ evaluation: 18, issuedDay: -1 }, "TCB info"))).toMatchObject({ error: "NotNewer" });
    expect(await send(uploadOf({ evaluation: 18, issuedDay: 1, platformStatus: "OutOfDate" }, "TCB info"))).toEqual({ stored: true });
    expect((await tcbRecord()).issueDate).toBe(dayAt(1));
  });

  it("TCB info: a higher evaluation replaces the stored one, even one issued earlier", async () => {
    expect(await send(uploadOf({ evaluation: 19, issuedDay: 3 }, "TCB info"))).toEqual({ stored: true });
    expect((await tcbRecord()).issueDate).toBe(dayAt(3));
    // Intel's early and standard feeds overlap: evaluation 20 may carry an earlier issueDate than
    // the latest reissue of 19; moving forward is never a rollback.
    expect(await send(uploadOf({ evaluation: 20, issuedDay: 2 }, "TCB info"))).toEqual({ stored: true });
    expect((await tcbRecord()).issueDate).toBe(dayAt(2));
    expect(await send(uploadOf({ evaluation: 19, issuedDay: 9 }, "TCB info"))).toEqual({ error: "CollateralRollback", args: ["tcb info", 20, 19] });
  });

  it("QE identity: evaluation N stored, then N-1 issued later is refused; same evaluation keeps the issueDate rule; higher is stored", async () => {
    expect(await send(uploadOf({ evaluation: 18, issuedDay: 0 }, "QE identity"))).toEqual({ stored: true });
    const before = await qeRecord();
    expect(await send(uploadOf({ evaluation: 17, issuedDay: 5 }, "QE identity"))).toEqual({ error: "CollateralRollback", args: ["qe identity", 18, 17] });
    expect(await qeRecord()).toEqual(before);
    expect(await send(uploadOf({ evaluation: 18, issuedDay: -1 }, "QE identity"))).toMatchObject({ error: "NotNewer" });
    expect(await send(uploadOf({ evaluation: 18, issuedDay: 0 }, "QE identity"))).toMatchObject({ error: "NotNewer" });
    expect(await send(uploadOf({ evaluation: 19, issuedDay: -2 }, "QE identity"))).toEqual({ stored: true });
    expect((await qeRecord()).issueDate).toBe(dayAt(-2));
  });

  it("uploadCollateral skips items of an older evaluation as already current and changes nothing", async () => {
    const [wallet] = await conn.viem.getWalletClients();
    const pub = (await conn.viem.getPublicClient()) as unknown as PublicClient;
    const [tcb, qe] = [await tcbRecord(), await qeRecord()];
    const outcomes: string[] = [];
    const uploads = buildCollateralUploads({ collateral: world.collateral({ evaluation: 17, issuedDay: 20 }), rootCertificate: ROOT });
    await uploadCollateral(wallet!, pub, { address: store, uploads, onProgress: (u, o) => outcomes.push(`${u.label}:${o}`) });
    expect(outcomes).toContain("TCB info:already-current");
    expect(outcomes).toContain("QE identity:already-current");
    expect([await tcbRecord(), await qeRecord()]).toEqual([tcb, qe]);
  });
});
