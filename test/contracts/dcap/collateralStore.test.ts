import { describe, it, expect } from "vitest";
import { loadFixture, deployStore, setTime, uploadAll, connectAt } from "./fixtures.js";

describe("CollateralStore accepts real Intel collateral", () => {
  it("stores the tdx-v4 collateral chain, CRLs, TCB info and QE identity", async () => {
    const fx = loadFixture("tdx-v4");
    const conn = await connectAt(fx.verifyAt - 3600);
    await setTime(conn, fx.verifyAt - 60);
    const { store } = await deployStore(conn);
    const gas = await uploadAll(conn, store.address, fx.collateral);
    console.log(gas);
    const rec = await store.read.tcbInfo([1, "0xb0c06f000000"]);
    expect(rec.data).not.toBe("0x0000000000000000000000000000000000000000");
  });
});
