/** What the `poc verify` tests share: a capturing CliIO rooted at test/fixtures, and the JSON report. */
import { join } from "node:path";
import type { CliIO } from "../../../cli/io.js";
import type { VerificationReport } from "../../../sdk/src/report/index.js";

export const FIXTURES = join(import.meta.dirname, "../../fixtures");

export type Captured = CliIO & { stdout: string[]; stderr: string[]; progressLines: string[] };

export function capture(env: Record<string, string | undefined> = {}, cwd = FIXTURES): Captured {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const progressLines: string[] = [];
  return { stdout, stderr, progressLines, out: (l) => stdout.push(l), err: (l) => stderr.push(l), progress: (l) => progressLines.push(l), cwd, env };
}

export const reportOf = (io: { stdout: string[] }): VerificationReport => JSON.parse(io.stdout.join("\n")) as VerificationReport;

/** Verify-at times from test/fixtures/PROVENANCE.md. */
export const AT = {
  sgxV3: 1751626571,
  tdxV4: 1751624163,
  tdxV5: 1772708331,
  teeFail: 1780000000,
  nitro: 1766668537,
  /** Any time the SNP / TPM certificates are valid (2026-11-22). */
  now: 1795305600,
} as const;

export const PPID = {
  sgxV3: "d04ec06d4e6d92dc90d0ad3cf5ee2ddf",
  tdxV4: "811dca2a26b952e85bb6448b097ba4fd",
  teeFail: "ea13c3903ba2db3b83fed09efb90c417",
} as const;
