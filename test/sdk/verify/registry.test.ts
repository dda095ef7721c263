/**
 * The Proof-of-Cloud registry dimension of `poc verify` against a real HardwareRegistry on the
 * in-process chain (the command's own viem code over an injected EIP-1193 transport instead of
 * HTTP): the registry knows the tdx-v4 platform and (frozen) the milan-dstack chip, not the TEE.fail
 * hardware. The salt is read from the contract.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { custom, keccak256, stringToBytes, type Address } from "viem";
import { hex } from "../../../sdk/src/bytes.js";
import { registryCalls } from "../../../sdk/src/chain/hardwareRegistry.js";
import { platformKey } from "../../../sdk/src/vocabulary/platformKey.js";
import { ProposalClass } from "../../../sdk/src/chain/proposal.js";
import { makeVerifyCommand } from "../../../cli/commands/verify.js";
import { main } from "../../../cli/main.js";
import type { Command } from "../../../cli/io.js";
import { connectChain, SALT, TDX_PPID, type Connection } from "../../contracts/fixture.js";
import { entry, registryStack } from "../../contracts/registryFixture.js";
import { AT, FIXTURES, PPID, capture, reportOf } from "./helpers.js";

let c: Connection;
let registry: Address;
let verify: Command;
const chip = hex(readFileSync(join(FIXTURES, "amd/milan-dstack/report.bin")).subarray(0x1a0, 0x1e0));
const TDX_KEY = platformKey(1, TDX_PPID, SALT);
const CHIP_KEY = platformKey(2, `0x${chip}`, SALT);

beforeAll(async () => {
  c = await connectChain();
  const s = await registryStack(c, 3);
  registry = s.r;
  const t = await s.now();
  await s.addEntries([entry(TDX_KEY, t - 60n), entry(CHIP_KEY, t - 60n, { kind: 2, level: 1 })]);
  await s.govern([registryCalls.freeze(registry, [CHIP_KEY], keccak256(stringToBytes("under investigation")))], ProposalClass.EmergencyFreeze);
  verify = makeVerifyCommand({ transport: custom(c.publicClient.transport as unknown as { request: (...a: any[]) => Promise<any> }) });
});

async function run(argv: string[], env: Record<string, string> = {}, cwd = FIXTURES) {
  const io = capture(env, cwd);
  const code = await verify.run([...argv, "--json"], io);
  return { io, code, report: reportOf(io) };
}

describe("the registry dimension over JSON-RPC", () => {
  it("tdx-v4 (its PPID is registered, level 2): registry passes with the facility; platformKey from the contract's salt", async () => {
    const { code, report } = await run(["intel/tdx-v4/quote.bin", "--collateral", "intel/tdx-v4/collateral.json", "--at", String(AT.tdxV4), "--registry", registry]);
    expect(code).toBe(0);
    expect(report.dimensions.registry).toMatchObject({
      status: "passed",
      details: { hardwareId: PPID.tdxV4, kind: "intel-ppid", status: "active", level: 2, platformKey: TDX_KEY, facility: "OVHcloud, Gravelines GRA3, FR" },
    });
    expect(report.dimensions.registry.reason).toMatch(/verified facility \(level 2, OVHcloud/);
  });

  it("tdx-v4 with its MRTD allowed and the registry: only the application (no event log) is left unproven", async () => {
    const base = ["intel/tdx-v4/quote.bin", "--collateral", "intel/tdx-v4/collateral.json", "--at", String(AT.tdxV4), "--registry", registry];
    const mrtd = (await run(base)).report.intel!.mrtd!;
    const { report } = await run([...base, "--allowed-os", mrtd]);
    expect(report.dimensions.operatingSystem.status).toBe("passed");
    expect(report.dimensions.registry.status).toBe("passed");
    expect(report.dimensions.application.status).toBe("skipped");
    expect(report.overall).toBe("partial");
  });

  it("the TEE.fail quote: valid signatures, but its hardware is not in the registry → registry failed, overall FAIL, exit 1", async () => {
    const { code, report } = await run(["intel/tdx-v4-tee-fail/quote.bin", "--signatures-only", "--at", String(AT.teeFail), "--registry", registry]);
    expect(report.dimensions.hardware.status).toBe("partial");
    expect(report.hardwareId).toEqual({ kind: "intel-ppid", value: PPID.teeFail });
    expect(report.dimensions.registry).toMatchObject({ status: "failed", check: "registry.unknown", details: { status: "unknown", platformKey: platformKey(1, `0x${PPID.teeFail}`, SALT) } });
    expect(report.overall).toBe("fail");
    expect(code).toBe(1);
    const text = capture();
    expect(await verify.run(["intel/tdx-v4-tee-fail/quote.bin", "--signatures-only", "--at", String(AT.teeFail), "--registry", registry], text)).toBe(1);
    expect(text.stdout).toContainEqual(expect.stringMatching(/^ {2}FAIL {2}Proof-of-Cloud registry +hardware ID is not in the Proof-of-Cloud registry$/));
    expect(text.stderr).toEqual(["FAIL: Proof-of-Cloud registry: hardware ID is not in the Proof-of-Cloud registry [registry.unknown]"]);
  });

  it("milan-dstack: its chip ID is registered but frozen → registry failed (registry.frozen)", async () => {
    const { code, report } = await run(["amd/milan-dstack/report.bin", "--certs", "amd/milan-dstack/vcek.pem", "--at", String(AT.now), "--registry", registry]);
    expect(report.dimensions.hardware.status).toBe("passed");
    expect(report.dimensions.registry).toMatchObject({ status: "failed", check: "registry.frozen", details: { platformKey: CHIP_KEY, level: 0 } });
    expect(code).toBe(1);
  });

  it("the registry address from deployments/<chainId>.json when POC_RPC_URL is set", async () => {
    const dir = mkdtempSync(join(tmpdir(), "poc-verify-book-"));
    mkdirSync(join(dir, "deployments"));
    writeFileSync(join(dir, "deployments", `${c.chainId}.json`), JSON.stringify({ chainId: c.chainId, contracts: { HardwareRegistry: { address: registry } } }));
    const quote = join(FIXTURES, "intel/tdx-v4/quote.bin");
    const coll = join(FIXTURES, "intel/tdx-v4/collateral.json");
    const { code, report } = await run([quote, "--collateral", coll, "--at", String(AT.tdxV4)], { POC_RPC_URL: "http://in-process" }, dir);
    expect(report.dimensions.registry.status).toBe("passed");
    expect(code).toBe(0);
    // POC_RPC_URL alone, without any registry address: the dimension is skipped with the reason.
    const empty = mkdtempSync(join(tmpdir(), "poc-verify-nobook-"));
    const none = await run([quote, "--collateral", coll, "--at", String(AT.tdxV4)], { POC_RPC_URL: "http://in-process" }, empty);
    expect(none.report.dimensions.registry).toMatchObject({ status: "skipped", reason: "no registry given" });
  });

  it("evidence without a registrable hardware ID (TPM, Nitro) skips the registry as not applicable", async () => {
    const { report } = await run(["nitro/dstack-nsm/attestation.bin", "--at", String(AT.nitro), "--registry", registry]);
    expect(report.dimensions.registry).toMatchObject({ status: "skipped", applicable: false });
  });
});

describe("registry errors are bad input (exit 2, one line)", () => {
  it("an unreachable --rpc", async () => {
    const io = capture();
    const code = await main(["verify", "intel/tdx-v4/quote.bin", "--collateral", "intel/tdx-v4/collateral.json", "--at", String(AT.tdxV4), "--rpc", "http://127.0.0.1:1", "--registry", registry], io);
    expect(code).toBe(2);
    expect(io.stderr).toHaveLength(1);
    expect(io.stderr[0]).toMatch(/^poc verify: cannot reach the JSON-RPC endpoint http:\/\/127\.0\.0\.1:1/);
  });
  it("--rpc without any registry address", async () => {
    const io = capture();
    const code = await main(["verify", "intel/tdx-v4/quote.bin", "--rpc", "http://127.0.0.1:1"], io);
    expect(code).toBe(2);
  });
  it("a --registry that is not an address", async () => {
    const io = capture();
    expect(await verify.run(["intel/tdx-v4/quote.bin", "--registry", "0x1234"], io).catch((e: Error) => e.message)).toMatch(/not an address/);
  });
  it("a --registry with no contract behind it is an RPC error (exit 2), not a verdict", async () => {
    const io = capture();
    const code = await verify.run(["intel/tdx-v4/quote.bin", "--collateral", "intel/tdx-v4/collateral.json", "--at", String(AT.tdxV4), "--registry", "0x" + "42".repeat(20)], io);
    expect(code).toBe(2);
    expect(io.stderr).toHaveLength(1);
    expect(io.stderr[0]).toMatch(/^poc verify: registry lookup at 0x4242.* failed/);
  });
});

