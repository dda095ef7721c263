import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { hex } from "../../../sdk/src/bytes.js";
import type { CliIO } from "../../../sdk/src/cli/io.js";
import { main } from "../../../sdk/src/cli/main.js";
import { FIXTURES, sgxV3, tdxV4, tdxV5NoMatch } from "./fixtures.js";

function capture(): CliIO & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (l) => stdout.push(l), err: (l) => stderr.push(l), progress: (l) => stderr.push(l), cwd: FIXTURES, env: {} };
}

const args = (name: string, at: number, ...more: string[]) => ["verify", `${name}/quote.bin`, "--collateral", `${name}/collateral.json`, "--at", String(at), ...more];

describe("poc verify <quote> --collateral <file> --at <unix> [--json]", () => {
  it("exit 0 and a JSON result naming status, advisoryIds, ppid, fmspc, teeType and the registers", async () => {
    const io = capture();
    expect(await main(args(tdxV4.name, tdxV4.at, "--json"), io)).toBe(0);
    const r = JSON.parse(io.stdout.join(""));
    expect(r).toMatchObject({ ok: true, status: "UpToDate", advisoryIds: [], ppid: `0x${tdxV4.ppid}`, fmspc: `0x${tdxV4.fmspc}`, teeType: "TDX" });
    expect(Object.keys(r.registers)).toEqual(expect.arrayContaining(["mrTd", "rtmr0", "rtmr1", "rtmr2", "rtmr3", "mrConfigId", "mrOwner"]));
  });

  it("an SGX quote with TCB warnings verifies (exit 0) and shows its advisories; --require-up-to-date makes it exit 1", async () => {
    const io = capture();
    expect(await main(args(sgxV3.name, sgxV3.at), io)).toBe(0);
    expect(io.stdout.join("\n")).toMatch(/ConfigurationAndSWHardeningNeeded \(INTEL-SA-00289, INTEL-SA-00615\)/);
    expect(await main(args(sgxV3.name, sgxV3.at, "--require-up-to-date"), capture())).toBe(1);
  });

  it("a quote that fails verification exits 1 with one line naming the check", async () => {
    const io = capture();
    expect(await main(args(tdxV5NoMatch.name, tdxV5NoMatch.at), io)).toBe(1);
    expect(io.stderr).toHaveLength(1);
    expect(io.stderr[0]).toMatch(/^FAIL: .*\[tcb\.noMatch\]$/);
  });

  it("expired collateral (default --at is now) exits 1", async () => {
    expect(await main(["verify", `${tdxV4.name}/quote.bin`, "--collateral", `${tdxV4.name}/collateral.json`], capture())).toBe(1);
  });

  it("--signatures-only checks a quote without collateral (the TEE.fail quote passes it: that is what the registry is for)", async () => {
    const io = capture();
    expect(await main(["verify", "tdx-v4-tee-fail/quote.bin", "--signatures-only", "--at", "1780000000", "--json"], io)).toBe(0);
    expect(JSON.parse(io.stdout.join(""))).toMatchObject({ ok: true, verdict: "signatures-valid", ppid: "0xea13c3903ba2db3b83fed09efb90c417" });
  });

  it("accepts the quote as hex text", async () => {
    const dir = mkdtempSync(join(tmpdir(), "poc-verify-"));
    writeFileSync(join(dir, "quote.hex"), "0x" + hex(tdxV4.quote) + "\n");
    const io = capture();
    expect(await main(["verify", join(dir, "quote.hex"), "--collateral", join(FIXTURES, tdxV4.name, "collateral.json"), "--at", String(tdxV4.at)], io)).toBe(0);
  });

  it("bad input is one clear line and exit 2, never a stack trace", async () => {
    const dir = mkdtempSync(join(tmpdir(), "poc-verify-"));
    const cut = join(dir, "cut.bin");
    writeFileSync(cut, tdxV4.quote.subarray(0, 700));
    const cases: [string[], RegExp][] = [
      [["verify", "missing.bin", "--collateral", "x.json"], /cannot read evidence file missing\.bin/],
      [["verify", cut, "--collateral", `${tdxV4.name}/collateral.json`], /Intel quote: bad .* at offset \d+/],
      [["verify", `${tdxV4.name}/quote.bin`, "--collateral", `${tdxV4.name}/quote.bin`], /Intel collateral: bad json/],
      [["verify", `${tdxV4.name}/quote.bin`], /needs --collateral/],
      [["verify", `${tdxV4.name}/quote.bin`, "--collateral", `${tdxV4.name}/collateral.json`, "--at", "yesterday"], /--at must be a unix time/],
      [["verify", "../PROVENANCE.md", "--collateral", "x"], /not a recognised evidence format/],
    ];
    for (const [argv, message] of cases) {
      const io = capture();
      expect(await main(argv, io), argv.join(" ")).toBe(2);
      expect(io.stderr[0], argv.join(" ")).toMatch(message);
      expect(io.stderr.join("\n")).not.toMatch(/\n\s+at /);
    }
  });
});
