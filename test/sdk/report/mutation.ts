/**
 * Shared helpers for the "mutated and truncated evidence is rejected" tests: every rejection must be
 * a typed SDK error (ParseError or VerificationError), never a crash, a hang or a silent pass.
 */
import { expect } from "vitest";
import { ParseError, VerificationError } from "../../../sdk/src/errors.js";

export type Outcome = "parse" | "verification" | "accepted";

/** Runs `fn`; returns how it ended, rethrowing anything that is not a typed SDK error. */
export async function outcome(fn: () => unknown | Promise<unknown>): Promise<Outcome> {
  try {
    await fn();
    return "accepted";
  } catch (e) {
    if (e instanceof ParseError) return "parse";
    if (e instanceof VerificationError) return "verification";
    throw new Error(`untyped error: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`, { cause: e });
  }
}

export async function expectRejected(fn: () => unknown | Promise<unknown>, what: string): Promise<Outcome> {
  const o = await outcome(fn);
  expect(o, what).not.toBe("accepted");
  return o;
}

export function flip(bytes: Uint8Array, at: number, mask = 0x01): Uint8Array {
  const out = bytes.slice();
  out[at] = out[at]! ^ mask;
  return out;
}

/** Offsets from `from` to `to` (exclusive), every `step` bytes. */
export function offsets(from: number, to: number, step = 1): number[] {
  const out: number[] = [];
  for (let i = from; i < to; i += step) out.push(i);
  return out;
}

/** Truncation lengths: every length below 64, then every `step`, then the last 64. */
export function truncations(length: number, step = 7): number[] {
  const set = new Set<number>();
  for (let i = 0; i < Math.min(64, length); i++) set.add(i);
  for (let i = 64; i < length; i += step) set.add(i);
  for (let i = Math.max(0, length - 64); i < length; i++) set.add(i);
  return [...set].sort((a, b) => a - b);
}
