/**
 * The TD attribute policy, apart from "the quote is genuine": a simulated TD without
 * SEPT_VE_DISABLE still reports its PPID / FMSPC and its registry entry, fails the strict policy as
 * its own named result, and passes under "allow-sept-ve"; a debug TD fails every policy.
 */
import { describe, expect, it } from "vitest";
import { main } from "../../../cli/main.js";
import type { CliIO } from "../../../cli/io.js";
import { verifyQuote, verifyQuoteSignatures } from "../../../sdk/src/intel/index.js";
import { createIntelQuoteVerifier, reportExitCode, verifyEvidence, type RegistryLookup } from "../../../sdk/src/report/index.js";
import { createSimulatedTdxEnvironment } from "../../../sdk/src/simulate/index.js";

const env = createSimulatedTdxEnvironment({ seed: "td-attribute-policy" });
const intelVerifier = createIntelQuoteVerifier({ rootCaDer: env.pki.root.der });
const noSeptVe = env.issueQuote({ tdAttributes: new Uint8Array(8) });
const debugTd = env.issueQuote({ tdAttributes: Uint8Array.from([1, 0, 0, 0x10, 0, 0, 0, 0]) });
const good = env.issueQuote();
const registry: RegistryLookup = async () => ({ status: "active", level: 1, facility: "sim" });

describe("SDK verifier", () => {
  it("enforces the strict policy by default, as before", async () => {
    await expect(verifyQuoteSignatures({ quote: noSeptVe, now: env.verifyAt, rootCaDer: env.pki.root.der, cache: false })).rejects.toMatchObject({ check: "td.septVeDisable" });
    await expect(verifyQuote({ quote: noSeptVe, collateral: env.collateral, now: env.verifyAt, rootCaDer: env.pki.root.der, cache: false })).rejects.toMatchObject({ check: "td.septVeDisable" });
  });

  it("enforceTdAttributePolicy: false returns the genuine quote with the evaluation; allow-sept-ve accepts it", async () => {
    const r = await verifyQuoteSignatures({ quote: noSeptVe, now: env.verifyAt, rootCaDer: env.pki.root.der, cache: false, enforceTdAttributePolicy: false });
    expect(r.ppid).toMatch(/^0x[0-9a-f]{32}$/);
    expect(r.tdAttributes).toMatchObject({ satisfied: false, septVeDisable: false, violations: [{ check: "td.septVeDisable" }] });
    const relaxed = await verifyQuote({ quote: noSeptVe, collateral: env.collateral, now: env.verifyAt, rootCaDer: env.pki.root.der, cache: false, tdAttributePolicy: "allow-sept-ve" });
    expect(relaxed.tdAttributes).toMatchObject({ satisfied: true, waived: [{ check: "td.septVeDisable" }] });
  });
});

describe("the report", () => {
  it("strict (default): hardware genuine, PPID / FMSPC and registry reported, the policy fails as its own result", async () => {
    const r = await verifyEvidence({ evidence: noSeptVe, now: env.verifyAt, intelVerifier, collateral: env.collateral, registry });
    expect(r.dimensions.hardware.status).toBe("passed");
    expect(r.intel?.ppid).toMatch(/^[0-9a-f]{32}$/);
    expect(r.intel?.fmspc).toBe("b0c06f000000");
    expect(r.hardwareId?.kind).toBe("intel-ppid");
    expect(r.dimensions.registry.status).toBe("passed");
    expect(r.policies).toEqual([expect.objectContaining({ name: "tdAttributes", policy: "strict", status: "failed", check: "td.septVeDisable" })]);
    expect(r.overall).toBe("fail");
    expect(reportExitCode(r)).toBe(1);
  });

  it("signatures only: the PPID is still there (the old behaviour hid it)", async () => {
    const r = await verifyEvidence({ evidence: noSeptVe, now: env.verifyAt, intelVerifier });
    expect(r.dimensions.hardware.status).toBe("partial");
    expect(r.intel?.ppid).toBeDefined();
    expect(reportExitCode(r, { signaturesOnly: true })).toBe(1);
    const relaxed = await verifyEvidence({ evidence: noSeptVe, now: env.verifyAt, intelVerifier, tdAttributePolicy: "allow-sept-ve" });
    expect(relaxed.policies![0]).toMatchObject({ status: "passed", details: { waived: ["td.septVeDisable"] } });
    expect(reportExitCode(relaxed, { signaturesOnly: true })).toBe(0);
  });

  it("a debug TD fails every policy; a production TD passes the strict one", async () => {
    for (const tdAttributePolicy of ["strict", "allow-sept-ve"] as const) {
      const r = await verifyEvidence({ evidence: debugTd, now: env.verifyAt, intelVerifier, collateral: env.collateral, tdAttributePolicy });
      expect(r.policies![0]).toMatchObject({ status: "failed", check: "td.debug" });
    }
    const ok = await verifyEvidence({ evidence: good, now: env.verifyAt, intelVerifier, collateral: env.collateral });
    expect(ok.policies![0]).toMatchObject({ status: "passed", policy: "strict" });
    expect(ok.overall).not.toBe("fail");
  });
});

describe("poc verify --td-attribute-policy", () => {
  const capture = (): CliIO & { lines: string[] } => {
    const lines: string[] = [];
    return { lines, out: (l) => lines.push(l), err: (l) => lines.push(l), progress: () => {}, cwd: process.cwd(), env: {} };
  };
  it("prints the policy result; an unknown policy is a usage error", async () => {
    const io = capture();
    expect(await main(["verify", "test/fixtures/intel/tdx-v4/quote.bin", "--collateral", "test/fixtures/intel/tdx-v4/collateral.json", "--at", "1751624163", "--td-attribute-policy", "allow-sept-ve"], io)).toBe(0);
    expect(io.lines.join("\n")).toMatch(/PASS {2}policy tdAttributes \(allow-sept-ve\): TD attributes satisfy/);
    const bad = capture();
    expect(await main(["verify", "test/fixtures/intel/tdx-v4/quote.bin", "--td-attribute-policy", "lax"], bad)).toBe(2);
    const onchain = capture();
    expect(await main(["verify", "test/fixtures/intel/tdx-v4/quote.bin", "--onchain", "--td-attribute-policy", "allow-sept-ve"], onchain)).toBe(2);
    expect(onchain.lines.join("\n")).toMatch(/enforces the strict policy/);
  });
});
