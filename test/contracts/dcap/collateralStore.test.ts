/**
 * CollateralStore: anyone may upload, but only what chains to the pinned Intel root is stored, in
 * compact form, and newer replaces older only when issued later.
 */
import { describe, it, expect, beforeAll } from "vitest";
import { toHex, parseEventLogs, type PublicClient } from "viem";
import { buildCollateralUploads, pemCertificates, uploadCollateral, collateralStoreErrorName } from "../../../sdk/src/chain/collateralStore.js";
import { collateralStoreAbi } from "../../../sdk/src/chain/abi/CollateralStore.js";
import { loadFixture, connectAt, deployStore, ROOT_CA, ROOT_CA_HASH, type Connection } from "../../../testkit/intelFixtures.js";

async function send(conn: Connection, to: `0x${string}`, data: `0x${string}`) {
  const [wallet] = await conn.viem.getWalletClients();
  const pub = await conn.viem.getPublicClient();
  try {
    await pub.call({ account: wallet!.account, to, data });
  } catch (e) {
    return collateralStoreErrorName(e) ?? `unnamed: ${(e as Error).message.slice(0, 200)}`;
  }
  const r = await pub.waitForTransactionReceipt({ hash: await wallet!.sendTransaction({ to, data }) });
  return r.status === "success" ? r : "reverted";
}

describe("uploads are checked against the pinned root and its signing chain", () => {
  const fx = loadFixture("tdx-v4");
  const uploads = buildCollateralUploads({ collateral: fx.collateral, rootCertificate: ROOT_CA });
  const byLabel = (l: string) => uploads.find((u) => u.label === l)!;
  let conn: Connection;
  let store: `0x${string}`;
  beforeAll(async () => {
    conn = await connectAt(fx.verifyAt - 3600);
    store = (await deployStore(conn)).store.address;
  });

  it("refuses an intermediate before the root is stored", async () => {
    expect(await send(conn, store, uploads.find((u) => u.kind === "certificate")!.data)).toBe("RootNotUploaded");
  });

  it("refuses a root whose sha256 is not the pinned hash", async () => {
    const [wallet] = await conn.viem.getWalletClients();
    const other = pemCertificates(fx.collateral.pck_crl_issuer_chain)[0]!; // a real Intel certificate, not the root
    const data = buildCollateralUploads({ collateral: fx.collateral, rootCertificate: ROOT_CA })[0]!.data.replace(toHex(ROOT_CA).slice(2), toHex(other).slice(2)) as `0x${string}`;
    expect(wallet).toBeDefined();
    expect(await send(conn, store, data)).toBe("RootHashMismatch");
  });

  it("stores the whole set in order, each item once", async () => {
    const [wallet] = await conn.viem.getWalletClients();
    const pub = (await conn.viem.getPublicClient()) as unknown as PublicClient;
    const labels: string[] = [];
    const res = await uploadCollateral(wallet!, pub, { address: store, uploads, onProgress: (u, o) => labels.push(`${u.label}:${o}`) });
    expect(res.stored).toBe(uploads.length);
    expect(labels.every((l) => l.endsWith(":stored"))).toBe(true);
    const again = await uploadCollateral(wallet!, pub, { address: store, uploads });
    expect(again).toMatchObject({ stored: 0, alreadyCurrent: uploads.length });
  });

  it("keeps TCB info compactly, with its dates, under (TDX, FMSPC)", async () => {
    const pub = await conn.viem.getPublicClient();
    const rec = await pub.readContract({ address: store, abi: collateralStoreAbi, functionName: "tcbInfo", args: [1, "0xb0c06f000000"] });
    const tcb = JSON.parse(fx.collateral.tcb_info);
    expect(rec.issueDate).toBe(Date.parse(tcb.issueDate) / 1000);
    expect(rec.nextUpdate).toBe(Date.parse(tcb.nextUpdate) / 1000);
    const code = await pub.getCode({ address: rec.data });
    expect((code!.length - 2) / 2 - 1).toBeLessThan(fx.collateral.tcb_info.length / 4);
    const none = await pub.readContract({ address: store, abi: collateralStoreAbi, functionName: "tcbInfo", args: [0, "0xb0c06f000000"] });
    expect(none.data).toBe("0x0000000000000000000000000000000000000000");
  });

  it("refuses a TCB info whose JSON changed by one byte (signature over the exact bytes)", async () => {
    const t = byLabel("TCB info");
    const json = fx.collateral.tcb_info.replace('"tcbType":0', '"tcbType":1');
    const u = buildCollateralUploads({ collateral: { ...fx.collateral, tcb_info: json }, rootCertificate: ROOT_CA }).find((x) => x.label === "TCB info")!;
    expect(u.data).not.toBe(t.data);
    expect(await send(conn, store, u.data)).toBe("SignatureInvalid");
  });

  it("refuses a TCB info signed by another key", async () => {
    const u = buildCollateralUploads({ collateral: { ...fx.collateral, tcb_info_signature: fx.collateral.qe_identity_signature }, rootCertificate: ROOT_CA }).find((x) => x.label === "TCB info")!;
    expect(await send(conn, store, u.data)).toBe("SignatureInvalid");
  });

  it("replaces TCB info only with one issued later (same or older: NotNewer)", async () => {
    expect(await send(conn, store, byLabel("TCB info").data)).toBe("NotNewer");
    expect(await send(conn, store, byLabel("QE identity").data)).toBe("NotNewer");
    expect(await send(conn, store, byLabel("PCK CRL").data)).toBe("NotNewer");
  });

  it("takes an older fixture's TCB info for another FMSPC, and emits what it stored", async () => {
    const sgx = loadFixture("sgx-v3");
    const u = buildCollateralUploads({ collateral: sgx.collateral, rootCertificate: ROOT_CA }).find((x) => x.label === "TCB info")!;
    const r = await send(conn, store, u.data);
    expect(typeof r).toBe("object");
    const [ev] = parseEventLogs({ abi: collateralStoreAbi, logs: (r as unknown as { logs: never[] }).logs, eventName: "TcbInfoStored" });
    expect(ev!.args).toMatchObject({ tee: 0, fmspc: "0x00a067110000" });
  });

  it("refuses a CRL that is not signed by the CA it names", async () => {
    const crl = fx.collateral.pck_crl;
    // flip one byte inside the signature value at the end of the DER
    const bytes = crl.slice(0, crl.length - 10) + (crl.slice(-10, -8) === "00" ? "01" : "00") + crl.slice(-8);
    const u = buildCollateralUploads({ collateral: { ...fx.collateral, pck_crl: bytes }, rootCertificate: ROOT_CA }).find((x) => x.label === "PCK CRL")!;
    expect(await send(conn, store, u.data)).toBe("SignatureInvalid");
  });

  it("pins the root at deployment", async () => {
    const pub = await conn.viem.getPublicClient();
    expect(await pub.readContract({ address: store, abi: collateralStoreAbi, functionName: "rootCertHash" })).toBe(ROOT_CA_HASH);
  });
});
