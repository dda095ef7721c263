/**
 * `npm run demo -- --json` as CI runs it: a child process whose stdout is one JSON transcript. The
 * test checks the story's steps in order, each one's outcome, the gas of every transaction step,
 * and that the referee (Story) really fails a step whose outcome differs.
 */
import { describe, it, expect, beforeAll } from "vitest";
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { promisify } from "node:util";
import { DemoStepFailed, Story, type StepRecord } from "../../testkit/story.js";

type Transcript = { demo: string; ok: boolean; chainId: number; durationMs: number; acts: { act: number; title: string }[]; steps: StepRecord[] };

/** Step name → expected outcome, in story order. */
const EXPECTED: [string, string][] = [
  ["alliance-formed", "deployed"],
  ["chair-elected", "passed"],
  ["tdx-quote-checked-offchain", "PPID 0x811dca2a26b952e85bb6448b097ba4fd"],
  ["hardware-registered", "level 1"],
  ["heartbeat-needs-level-3", "refused: NotContinuouslyMonitored"],
  ["dcap-deployed", "deployed"],
  ["collateral-uploaded", "stored"],
  ["tdx-quote-verified-onchain", "UpToDate"],
  ["tdx-hardware-found", "level 1, verified"],
  ["tee-fail-dcap-signatures", "signatures-valid"],
  ["tee-fail-onchain-no-collateral", "refused: CollateralMissing"],
  ["tee-fail-not-registered", "level 0, isVerified false"],
  ["simulated-stack-deployed", "deployed"],
  ["hardware-feed-connected", "connected"],
  ["tee-fail-twin-refused", "refused: HardwareNotVerified"],
  ["simulated-platform-registered", "level 1"],
  ["cvm-registered", "valid"],
  ["vault-release", "succeeded"],
  ["ttl-lapsed", "refused: CvmNotValid"],
  ["reattested", "valid"],
  ["vault-release-again", "succeeded"],
  ["rotated", "old rotated, new valid"],
  ["vault-new-key", "succeeded"],
  ["vault-old-key", "refused: CvmNotValid"],
  ["challenged", "open"],
  ["frozen", "frozen, CVM invalid"],
  ["vault-refused-frozen", "refused: CvmNotValid"],
  ["checkpoint-recorded", "recorded"],
  ["receipt-exported", "written"],
  ["receipt-verified-offline", "valid"],
  ["tampered-receipt-refused", "invalid"],
  ["gce-method-registered", "active, level ≤ 3"],
  ["gce-wrong-zone-refused", "refused: WrongZone"],
  ["gce-enrolled-no-vote", "level 3, no vote"],
  ["gce-stays-level-3", "level 3"],
  ["gce-decays-to-level-2", "level 2"],
];

/** Steps that send a transaction and must report its gas. */
const WITH_GAS = ["chair-elected", "hardware-registered", "collateral-uploaded", "tdx-quote-verified-onchain", "simulated-platform-registered", "cvm-registered", "vault-release", "reattested", "rotated", "frozen", "checkpoint-recorded", "gce-enrolled-no-vote", "gce-stays-level-3"];

describe("npm run demo -- --json", () => {
  let t: Transcript;
  let stderr: string;
  beforeAll(async () => {
    const r = await promisify(execFile)("npx", ["tsx", "scripts/demo.ts", "--json", "--no-build"], { maxBuffer: 16 << 20, timeout: 170_000 });
    stderr = r.stderr;
    t = JSON.parse(r.stdout) as Transcript;
  }, 180_000);

  it("exits 0 with ok true on the embedded chain, all twelve acts told", () => {
    expect(t).toMatchObject({ demo: "proof-of-cloud", ok: true, chainId: 31337 });
    expect(t.acts.map((a) => a.act)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
  });

  it("runs every step in story order with the expected outcome", () => {
    expect(t.steps.map((s) => [s.step, s.outcome])).toEqual(EXPECTED);
    for (const s of t.steps) expect(s, s.step).toMatchObject({ ok: true, expected: s.outcome });
  });

  it("reports the gas of every transaction step; the real TDX quote's onchain verification among them", () => {
    const gas = Object.fromEntries(t.steps.filter((s) => s.gasUsed !== undefined).map((s) => [s.step, s.gasUsed!]));
    for (const step of WITH_GAS) expect(gas[step], step).toBeGreaterThan(21_000);
    expect(gas["tdx-quote-verified-onchain"]).toBeLessThan(5_000_000);
    expect(stderr).toMatch(/verifyQuote\(real TDX quote\) in a transaction: UpToDate, [\d,]+ gas/);
  });

  it("ties the story together: the onchain PPID is the registered one, the TEE.fail PPID is not", () => {
    const step = (name: string) => t.steps.find((s) => s.step === name)!;
    expect(step("tdx-quote-verified-onchain").details.ppid).toBe("0x811dca2a26b952e85bb6448b097ba4fd");
    expect(step("tdx-hardware-found").details.platformKey).toBe(step("hardware-registered").details.platformKey);
    expect(step("tee-fail-dcap-signatures").details.ppid).toBe("0xea13c3903ba2db3b83fed09efb90c417");
    expect(step("tee-fail-twin-refused").details.platformKey).toBe(step("tee-fail-not-registered").details.platformKey);
    expect(existsSync(step("receipt-exported").details.file as string)).toBe(true);
    expect(step("tampered-receipt-refused").details.failed).toContain("inclusion");
  });

  it("the referee fails a step whose outcome differs from the expected one", async () => {
    const s = new Story(() => {});
    await expect(s.step(1, "x", "x", "valid", async () => ({ outcome: "invalid" }))).rejects.toBeInstanceOf(DemoStepFailed);
    await expect(s.step(1, "y", "y", "valid", async () => Promise.reject(new Error("boom")))).rejects.toThrow(/got "error: boom"/);
    expect(s.steps.map((r) => r.ok)).toEqual([false, false]);
  });
});
