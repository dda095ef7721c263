/**
 * `poc verify <quote> --onchain`: the quote judged by the DcapQuoteVerifier contract, on a fresh
 * embedded chain (collateral uploaded, clock at --at) or on a deployed verifier over JSON-RPC (the
 * in-process chain behind an injected transport). The verdict must equal the SDK's offchain one.
 * Needs compiled contracts (`npx hardhat build`).
 */
import { beforeAll, describe, expect, it } from "vitest";
import { custom, getAddress, type PublicClient } from "viem";
import { makeVerifyCommand } from "../../../cli/commands/verify.js";
import { main } from "../../../cli/main.js";
import type { VerificationReport } from "../../../sdk/src/report/index.js";
import { deployAll, loadFixture } from "../../../testkit/intelFixtures.js";
import { AT, PPID, capture, reportOf } from "./helpers.js";

async function verifyJson(...argv: string[]) {
  const io = capture();
  const code = await main(["verify", ...argv, "--json"], io);
  return { io, code, report: reportOf(io) };
}

/** The fields an onchain and an offchain verdict must share. */
function verdict(r: VerificationReport) {
  const { onchain: _o, ...rest } = r;
  return {
    hardware: r.dimensions.hardware.status,
    tcbStatus: r.intel?.tcbStatus,
    advisoryIds: r.intel?.advisoryIds,
    ppid: r.intel?.ppid,
    fmspc: r.intel?.fmspc,
    reportData: r.intel?.reportData,
    quoteVersion: r.intel?.quoteVersion,
    teeType: r.intel?.teeType,
    registers: r.intel?.registers,
    hardwareId: rest.hardwareId,
    overall: r.overall,
  };
}

describe("--onchain on the embedded chain", () => {
  const tdx = ["intel/tdx-v4/quote.bin", "--collateral", "intel/tdx-v4/collateral.json", "--at", String(AT.tdxV4)];

  it("tdx-v4: the same status, advisories, PPID, FMSPC and registers as offchain; gas and block time reported", async () => {
    const off = await verifyJson(...tdx);
    const on = await verifyJson(...tdx, "--onchain");
    expect(on.code).toBe(0);
    expect(off.code).toBe(0);
    expect(verdict(on.report)).toEqual(verdict(off.report));
    expect(on.report.intel).toMatchObject({ tcbStatus: "UpToDate", ppid: PPID.tdxV4, fmspc: "b0c06f000000" });
    expect(on.report.onchain).toMatchObject({ mode: "embedded", chainId: 31337, verifier: expect.stringMatching(/^0x[0-9a-fA-F]{40}$/) });
    expect(Number(on.report.onchain!.gasUsed)).toBeGreaterThan(100_000);
    expect(Number(on.report.onchain!.gasUsed)).toBeLessThan(5_000_000);
    // The verifying transaction lands right after the block mined at --at.
    expect(on.report.onchain!.blockTimestamp! - AT.tdxV4).toBeGreaterThanOrEqual(0);
    expect(on.report.onchain!.blockTimestamp! - AT.tdxV4).toBeLessThan(5);
    expect(on.report.dimensions.hardware.reason).toMatch(/onchain \(embedded chain, verifier 0x[0-9a-f]{40}, \d+ gas\); TCB UpToDate/);
    expect(on.io.progressLines.join("\n")).toMatch(/uploading 7 collateral items/);
  });

  it("the text report names the chain, verifier and gas", async () => {
    const io = capture();
    expect(await main(["verify", ...tdx, "--onchain"], io)).toBe(0);
    expect(io.stdout).toContainEqual(expect.stringMatching(/^onchain: embedded chain 31337, verifier 0x[0-9a-fA-F]{40}, gas \d+, block time 2025-07-04T/));
  });

  it("sgx-v3: TCB warnings and advisories as offchain", async () => {
    const args = ["intel/sgx-v3/quote.bin", "--collateral", "intel/sgx-v3/collateral.json", "--at", String(AT.sgxV3)];
    const off = await verifyJson(...args);
    const on = await verifyJson(...args, "--onchain");
    expect(verdict(on.report)).toEqual(verdict(off.report));
    expect(on.report.intel?.advisoryIds).toEqual(["INTEL-SA-00289", "INTEL-SA-00615"]);
    expect(on.code).toBe(0);
  });

  it("tdx-v5-no-tcb-match: the contract reverts with its custom error → hardware failed, exit 1", async () => {
    const { code, report } = await verifyJson("intel/tdx-v5-no-tcb-match/quote.bin", "--collateral", "intel/tdx-v5-no-tcb-match/collateral.json", "--at", String(AT.tdxV5), "--onchain");
    expect(code).toBe(1);
    expect(report.dimensions.hardware).toMatchObject({ status: "failed", check: expect.stringMatching(/^onchain\.(TcbLevelNotFound|TdxModuleTcbLevelNotFound)$/) });
  });

  it("a truncated quote is bad input before any chain starts (exit 2, one line)", async () => {
    const { writeFileSync, readFileSync, mkdtempSync } = await import("node:fs");
    const { join } = await import("node:path");
    const { tmpdir } = await import("node:os");
    const dir = mkdtempSync(join(tmpdir(), "poc-onchain-"));
    writeFileSync(join(dir, "cut.bin"), readFileSync(join(import.meta.dirname, "../../fixtures/intel/tdx-v4/quote.bin")).subarray(0, 900));
    const io = capture();
    expect(await main(["verify", join(dir, "cut.bin"), "--collateral", "intel/tdx-v4/collateral.json", "--at", String(AT.tdxV4), "--onchain"], io)).toBe(2);
    expect(io.stderr).toHaveLength(1);
    expect(io.stderr[0]).toMatch(/cut\.bin: Intel quote: bad/);
    expect(io.progressLines).toEqual([]);
  });
});

describe("--onchain --rpc: a deployed verifier (collateral already uploaded)", () => {
  let env: Awaited<ReturnType<typeof deployAll>>;
  beforeAll(async () => {
    env = await deployAll(loadFixture("tdx-v4"));
  });

  it("tdx-v4 against the deployed DcapQuoteVerifier: the offchain verdict, with a gas estimate", async () => {
    const verify = makeVerifyCommand({ transport: custom((env.pub as PublicClient).transport as unknown as { request: (...a: any[]) => Promise<any> }) });
    const io = capture();
    const code = await verify.run(["intel/tdx-v4/quote.bin", "--at", String(AT.tdxV4), "--onchain", "--rpc", "http://in-process", "--verifier", env.verifier.address, "--json"], io);
    expect(io.stderr).toEqual([]);
    expect(code).toBe(0);
    const on = reportOf(io);
    const off = (await verifyJson("intel/tdx-v4/quote.bin", "--collateral", "intel/tdx-v4/collateral.json", "--at", String(AT.tdxV4))).report;
    expect(verdict(on)).toEqual(verdict(off));
    expect(on.onchain).toMatchObject({ mode: "rpc", verifier: getAddress(env.verifier.address) });
    expect(Number(on.onchain!.gasUsed)).toBeGreaterThan(100_000);
  });

  it("the verifier address from deployments/<chainId>.json; a missing one is a usage error", async () => {
    const { mkdtempSync, mkdirSync, writeFileSync } = await import("node:fs");
    const { join } = await import("node:path");
    const { tmpdir } = await import("node:os");
    const dir = mkdtempSync(join(tmpdir(), "poc-onchain-book-"));
    mkdirSync(join(dir, "deployments"));
    const chainId = await env.pub.getChainId();
    writeFileSync(join(dir, "deployments", `${chainId}.json`), JSON.stringify({ chainId, contracts: { DcapQuoteVerifier: { address: env.verifier.address } } }));
    const verify = makeVerifyCommand({ transport: custom((env.pub as PublicClient).transport as unknown as { request: (...a: any[]) => Promise<any> }) });
    const quote = join(import.meta.dirname, "../../fixtures/intel/tdx-v4/quote.bin");
    const io = capture({}, dir);
    expect(await verify.run([quote, "--onchain", "--rpc", "http://in-process", "--json"], io)).toBe(0);
    expect(reportOf(io).onchain?.verifier).toBe(getAddress(env.verifier.address));
    const empty = mkdtempSync(join(tmpdir(), "poc-onchain-nobook-"));
    await expect(verify.run([quote, "--onchain", "--rpc", "http://in-process"], capture({}, empty))).rejects.toThrow(/no DcapQuoteVerifier address/);

    // A route-"automata" deployment's book names AutomataDcapAdapter (same IQuoteVerifier interface).
    // Only the lookup is under test here, so our verifier's address stands in for the adapter's.
    const automata = mkdtempSync(join(tmpdir(), "poc-onchain-automata-book-"));
    mkdirSync(join(automata, "deployments"));
    writeFileSync(
      join(automata, "deployments", `${chainId}.json`),
      JSON.stringify({ format: "proof-of-cloud/address-book/1", chainId, contracts: { AutomataDcapAdapter: { address: env.verifier.address, block: "1" } } }),
    );
    const io2 = capture({}, automata);
    expect(await verify.run([quote, "--onchain", "--rpc", "http://in-process", "--json"], io2)).toBe(0);
    expect(reportOf(io2).onchain?.verifier).toBe(getAddress(env.verifier.address));
    // A malformed book is bad input naming the file and field, not a crash.
    writeFileSync(join(automata, "deployments", `${chainId}.json`), JSON.stringify({ format: "proof-of-cloud/address-book/1", chainId, contracts: { AutomataDcapAdapter: { address: "0x12" } } }));
    await expect(verify.run([quote, "--onchain", "--rpc", "http://in-process"], capture({}, automata))).rejects.toThrow(/31337\.json: address book contracts\.AutomataDcapAdapter\.address/);
  });
});
