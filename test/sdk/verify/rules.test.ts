/**
 * The rules behind `poc verify`'s verdicts: the exit-code rule over report shapes (the SDK's reportExitCode), the registry
 * verdicts (lapsed, revoked) over real evidence, and zero false accepts on random and mutated files.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { main } from "../../../cli/main.js";
import { createIntelQuoteVerifier, overallStatus, reportExitCode, verifyEvidence, type DimensionResult, type DimensionStatus, type RegistryLookup, type VerificationReport } from "../../../sdk/src/report/index.js";
import { AT, FIXTURES, PPID, capture } from "./helpers.js";

const dim = (status: DimensionStatus, applicable = true): DimensionResult => ({ status, applicable, reason: "r", details: {} });

function reportWith(d: Partial<Record<keyof VerificationReport["dimensions"], DimensionResult>>, scope?: "full" | "signatures"): VerificationReport {
  const dimensions = { hardware: dim("passed"), operatingSystem: dim("skipped"), application: dim("skipped", false), tpmBinding: dim("skipped", false), registry: dim("skipped"), ...d };
  return {
    schema: "poc.verification-report/1",
    evidenceType: "intel-quote",
    tee: "intel-tdx",
    verifiedAt: 0,
    overall: overallStatus(dimensions),
    dimensions,
    ...(scope ? { intel: { teeType: "TDX", scope, tcbStatus: "x", advisoryIds: [], reportData: "" } } : {}),
  };
}

describe("exit code: 0 only when nothing failed and the hardware verified", () => {
  it.each([
    ["hardware passed, the rest skipped (partial)", {}, {}, 0],
    ["every applicable dimension passed", { operatingSystem: dim("passed"), registry: dim("passed") }, {}, 0],
    ["a failed registry", { registry: dim("failed") }, {}, 1],
    ["a failed OS with hardware passed", { operatingSystem: dim("failed") }, {}, 1],
    ["hardware skipped", { hardware: dim("skipped") }, {}, 1],
    ["hardware partial (Intel without collateral)", { hardware: dim("partial") }, {}, 1],
    ["--strict and overall partial", {}, { strict: true }, 1],
    ["--strict and overall pass", { operatingSystem: dim("passed"), registry: dim("passed") }, { strict: true }, 0],
  ] as const)("%s → %i", (_what, dims, rule, code) => {
    expect(reportExitCode(reportWith(dims), rule)).toBe(code);
  });

  it("hardware partial counts as verified only with --signatures-only and an Intel signatures-only verdict", () => {
    expect(reportExitCode(reportWith({ hardware: dim("partial") }, "signatures"), { signaturesOnly: true })).toBe(0);
    expect(reportExitCode(reportWith({ hardware: dim("partial") }, "signatures"), {})).toBe(1);
    expect(reportExitCode(reportWith({ hardware: dim("partial") }), { signaturesOnly: true })).toBe(1);
    expect(reportExitCode(reportWith({ hardware: dim("partial"), registry: dim("failed") }, "signatures"), { signaturesOnly: true })).toBe(1);
  });

  it("a partial dimension makes the overall result partial, never pass", () => {
    expect(overallStatus(reportWith({ hardware: dim("partial"), operatingSystem: dim("passed"), registry: dim("passed") }).dimensions)).toBe("partial");
  });
});

describe("registry verdicts on the real tdx-v4 quote (injected lookups)", () => {
  const quote = new Uint8Array(readFileSync(join(FIXTURES, "intel/tdx-v4/quote.bin")));
  const collateral = readFileSync(join(FIXTURES, "intel/tdx-v4/collateral.json"), "utf8");
  const run = (registry: RegistryLookup) => verifyEvidence({ evidence: quote, collateral, intelVerifier: createIntelQuoteVerifier(), now: AT.tdxV4, registry });
  it("active with an effective level of 0 (verification lapsed) fails with registry.lapsed", async () => {
    const r = await run(async () => ({ status: "active", level: 0 }));
    expect(r.dimensions.registry).toMatchObject({ status: "failed", check: "registry.lapsed" });
  });
  it("revoked fails with registry.revoked; the lookup is asked for the quote's PPID", async () => {
    const asked: string[] = [];
    const r = await run(async (id) => (asked.push(`${id.kind}:${id.value}`), { status: "revoked", detail: "facility closed" }));
    expect(asked).toEqual([`intel-ppid:${PPID.tdxV4}`]);
    expect(r.dimensions.registry).toMatchObject({ status: "failed", check: "registry.revoked", reason: "registry entry is revoked: facility closed" });
  });
});

describe("zero false accepts through poc verify", () => {
  const dir = mkdtempSync(join(tmpdir(), "poc-verify-fuzz-"));
  let n = 0;
  async function verifyBytes(bytes: Uint8Array, ...argv: string[]) {
    const p = join(dir, `e${n++}.bin`);
    writeFileSync(p, bytes);
    const io = capture();
    const code = await main(["verify", p, ...argv], io);
    return { code, io };
  }

  it("random bytes: exit 2 (or 1), never 0, and bad input is one stderr line", async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 2000 }), async (b) => {
        const { code, io } = await verifyBytes(b, "--at", String(AT.now));
        expect([1, 2]).toContain(code);
        if (code === 2) expect(io.stderr).toHaveLength(1);
      }),
      { numRuns: 150 },
    );
  });

  it("byte flips in the signed part of the tdx-v4 quote (header + TD report body) never exit 0", async () => {
    const quote = new Uint8Array(readFileSync(join(FIXTURES, "intel/tdx-v4/quote.bin")));
    const coll = join(FIXTURES, "intel/tdx-v4/collateral.json");
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: 48 + 584 - 1 }), fc.integer({ min: 1, max: 255 }), async (at, x) => {
        const m = quote.slice();
        m[at]! ^= x;
        const { code, io } = await verifyBytes(m, "--collateral", coll, "--at", String(AT.tdxV4));
        expect(code, `flip ${at}`).not.toBe(0);
        if (code === 2) expect(io.stderr).toHaveLength(1);
      }),
      { numRuns: 200 },
    );
  });

  it("every byte of the tdx-v4 quote's header and TD report, flipped in its low and high bit, never exits 0", async () => {
    // Exhaustive, not sampled: a high-bit flip of byte 0 turns the header into a CBOR array head, so
    // the file is detected as a Nitro document; that must stay a one-line bad-input error.
    const quote = new Uint8Array(readFileSync(join(FIXTURES, "intel/tdx-v4/quote.bin")));
    const coll = join(FIXTURES, "intel/tdx-v4/collateral.json");
    const wrong: string[] = [];
    for (let at = 0; at < 48 + 584; at++) {
      for (const x of [0x01, 0x80]) {
        const m = quote.slice();
        m[at]! ^= x;
        const { code, io } = await verifyBytes(m, "--collateral", coll, "--at", String(AT.tdxV4));
        if (code === 0 || (code === 2 && io.stderr.length !== 1)) wrong.push(`byte ${at} ^ ${x}: exit ${code}, ${io.stderr.length} stderr lines`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it("byte flips in the signed part of the SNP report never exit 0", async () => {
    const report = new Uint8Array(readFileSync(join(FIXTURES, "amd/milan-dstack/report.bin")));
    const vcek = join(FIXTURES, "amd/milan-dstack/vcek.pem");
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: 0x2a0 - 1 }), fc.integer({ min: 1, max: 255 }), async (at, x) => {
        const m = report.slice();
        m[at]! ^= x;
        const { code } = await verifyBytes(m, "--certs", vcek, "--at", String(AT.now));
        expect(code, `flip ${at}`).not.toBe(0);
      }),
      { numRuns: 150 },
    );
  });
});
