/** Decoding a revert by custom error name, whichever contract on the call path raised it: a thin
 * wrapper over the SDK's decoder (sdk/src/chain/revert.ts), so tests and SDK agree on every name. */
import type { Abi, Hex } from "viem";
import { expect } from "vitest";
import { decodeContractRevert } from "../sdk/src/chain/revert.js";

export type DecodedRevert = {
  /** The custom error's name, "undecoded 0x<selector>" when no known ABI has it, undefined without data. */
  name: string | undefined;
  args: readonly unknown[];
  raw: Hex | undefined;
};

/** What `error` reverted with, decoded against `abi` first, then every ABI the SDK ships. */
export function decodeRevert(error: unknown, abi: Abi): DecodedRevert {
  const r = decodeContractRevert(error, { abi });
  return { name: r?.errorName || undefined, args: r?.args ?? [], raw: r?.raw };
}

/** Awaits `p`, expects it to revert with custom error `name` (one of `abi`'s); returns the decoded args. */
export async function expectRevertIn(abi: Abi, p: Promise<unknown>, name: string): Promise<readonly unknown[]> {
  let error: unknown;
  try {
    await p;
  } catch (e) {
    error = e;
  }
  if (error === undefined) throw new Error(`expected revert ${name}, but the call succeeded`);
  const d = decodeRevert(error, abi);
  expect(d.name, `revert reason (${error instanceof Error ? error.message.split("\n")[0] : String(error)})`).toBe(name);
  return d.args;
}
