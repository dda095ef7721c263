/** `poc collateral upload` on the embedded chain: JSON output, idempotent items, exit codes. */
import { describe, it, expect } from "vitest";
import { join } from "node:path";
import { main } from "../../../cli/main.js";
import type { CliIO } from "../../../cli/io.js";
import { FIXTURES } from "../../../testkit/intelFixtures.js";

function capture(env: Record<string, string | undefined> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIO = { out: (l) => out.push(l), err: (l) => err.push(l), progress: () => {}, cwd: process.cwd(), env };
  return { io, out, err };
}

describe("poc collateral upload", () => {
  it("uploads every item of a real collateral file to a fresh embedded store (--json)", async () => {
    const c = capture();
    const code = await main(["collateral", "upload", join(FIXTURES, "sgx-v3", "collateral.json"), "--at", "1751626000", "--json"], c.io);
    expect(c.err).toEqual([]);
    expect(code).toBe(0);
    const res = JSON.parse(c.out[0]!);
    expect(res.stored).toBe(7);
    expect(res.items.map((i: { label: string }) => i.label)).toEqual([
      "Intel SGX Root CA",
      "pck_crl_issuer_chain certificate",
      "tcb_info_issuer_chain certificate",
      "root CA CRL",
      "PCK CRL",
      "TCB info",
      "QE identity",
    ]);
    expect(Number(res.gasUsed)).toBeGreaterThan(1_000_000);
  });

  it("exits 2 with one line on a bad file or bad arguments", async () => {
    const missing = capture();
    expect(await main(["collateral", "upload", "/nonexistent.json"], missing.io)).toBe(2);
    expect(missing.err[0]).toMatch(/cannot read/);
    const bad = capture();
    expect(await main(["collateral", "upload", join(FIXTURES, "tdx-v4", "quote.bin")], bad.io)).toBe(2);
    const noStore = capture();
    expect(await main(["collateral", "upload", join(FIXTURES, "tdx-v4", "collateral.json"), "--rpc", "http://127.0.0.1:1"], noStore.io)).toBe(2);
    const noKey = capture();
    expect(await main(["collateral", "upload", join(FIXTURES, "tdx-v4", "collateral.json"), "--rpc", "http://127.0.0.1:1", "--store", "0x" + "11".repeat(20)], noKey.io)).toBe(2);
    expect(noKey.err[0]).toMatch(/POC_PRIVATE_KEY/);
  });
});

describe("deployEmbeddedDcap (for poc verify --onchain)", () => {
  it("deploys store and verifier with collateral; a quote verifies at its time", async () => {
    const { deployEmbeddedDcap } = await import("../../../cli/commands/_embeddedDcap.js");
    const { simulateVerifyQuote } = await import("../../../sdk/src/chain/quoteVerifier.js");
    const { loadFixture } = await import("../../../testkit/intelFixtures.js");
    const fx = loadFixture("sgx-v3");
    const d = await deployEmbeddedDcap({ at: fx.verifyAt, collateral: fx.collateral });
    const r = await simulateVerifyQuote(d.publicClient, { address: d.verifier, quote: fx.quote });
    expect(r.tcbStatus).toBe("ConfigurationAndSWHardeningNeeded");
  });
});
