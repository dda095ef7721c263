/**
 * The demo's narrator and referee: every step states the outcome it expects, runs, and records
 * what actually happened (outcome, gas, details). A step whose outcome differs fails the demo,
 * so `npm run demo` doubles as an end-to-end check in CI. Progress goes to stderr.
 */
import type { TransactionReceipt } from "viem";
import { decodeContractRevert } from "../sdk/src/chain/revert.js";

export type StepResult = {
  /** The outcome in words the transcript compares, e.g. "verified", "refused: CvmNotValid", "level 1". */
  outcome: string;
  gasUsed?: bigint | number;
  /** One or more lines of progress text. */
  say?: string | string[];
  details?: Record<string, unknown>;
};

export type StepRecord = {
  act: number;
  step: string;
  title: string;
  expected: string;
  outcome: string;
  ok: boolean;
  gasUsed?: number;
  ms: number;
  details: Record<string, unknown>;
};

export class DemoStepFailed extends Error {
  constructor(readonly record: StepRecord) {
    super(`step ${record.step}: expected "${record.expected}", got "${record.outcome}"`);
  }
}

export class Story {
  readonly steps: StepRecord[] = [];
  readonly acts: { act: number; title: string; note?: string }[] = [];
  constructor(private readonly out: (line: string) => void = (l) => process.stderr.write(l + "\n")) {}

  act(act: number, title: string, note?: string): void {
    this.acts.push({ act, title, ...(note ? { note } : {}) });
    this.out(`\n${act}. ${title}`);
    if (note) for (const line of note.split("\n")) this.out(`   │ ${line}`);
  }

  /** Runs one step; throws DemoStepFailed (after recording it) when the outcome is not `expected`. */
  async step(act: number, step: string, title: string, expected: string, run: () => Promise<StepResult>): Promise<StepRecord> {
    const t0 = performance.now();
    let r: StepResult;
    try {
      r = await run();
    } catch (e) {
      r = { outcome: `error: ${e instanceof Error ? e.message.split("\n")[0] : String(e)}` };
    }
    const rec: StepRecord = {
      act,
      step,
      title,
      expected,
      outcome: r.outcome,
      ok: r.outcome === expected,
      ...(r.gasUsed === undefined ? {} : { gasUsed: Number(r.gasUsed) }),
      ms: Math.round(performance.now() - t0),
      details: r.details ?? {},
    };
    this.steps.push(rec);
    const gas = rec.gasUsed === undefined ? "" : `, ${rec.gasUsed.toLocaleString("en-US")} gas`;
    this.out(`   ${rec.ok ? "✓" : "✗"} ${title}: ${rec.outcome}${gas}`);
    for (const line of [r.say ?? []].flat()) this.out(`       ${line}`);
    if (!rec.ok) {
      this.out(`     expected: ${expected}`);
      throw new DemoStepFailed(rec);
    }
    return rec;
  }
}

/** The custom error a failed call or transaction carries, decoded against every contract's ABI. */
export function revertReason(e: unknown): string {
  const r = decodeContractRevert(e);
  if (!r) throw e;
  return r.errorName || "revert without data";
}

/**
 * Awaits a call or a transaction (a hash plus a receipt waiter): "succeeded" with its receipt, or
 * "refused: <CustomError>" with the error's arguments when it reverts.
 */
export async function attempt<T>(p: Promise<T>): Promise<{ outcome: string; value?: T; args?: readonly unknown[] }> {
  try {
    return { outcome: "succeeded", value: await p };
  } catch (e) {
    const r = decodeContractRevert(e);
    if (!r) throw e;
    return { outcome: `refused: ${r.errorName || "revert without data"}`, args: r.args };
  }
}

export const gasOf = (r: TransactionReceipt) => Number(r.gasUsed);

/** JSON with bigints as decimal strings. */
export function toJson(value: unknown): string {
  return JSON.stringify(value, (_, v) => (typeof v === "bigint" ? v.toString() : v), 2);
}
