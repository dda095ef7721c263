/** Decoding a revert by custom error name, whichever contract on the call path raised it. */
import { BaseError, ContractFunctionRevertedError, decodeErrorResult, type Abi, type Hex } from "viem";
import { expect } from "vitest";

/** The first revert data (at least a selector) on `e`'s cause chain. */
function rawOf(e: unknown): Hex | undefined {
  for (let x: any = e; x; x = x.cause) {
    const d = x.raw ?? x.data?.data ?? x.data;
    if (typeof d === "string" && d.startsWith("0x") && d.length >= 10) return d as Hex;
  }
  return undefined;
}

export type DecodedRevert = {
  /** The custom error's name, "undecoded 0x<selector>" when `abi` lacks it, undefined without data. */
  name: string | undefined;
  args: readonly unknown[];
  raw: Hex | undefined;
};

/** What `error` reverted with: viem's decoding when it named the error, else the raw data decoded against `abi`. */
export function decodeRevert(error: unknown, abi: Abi): DecodedRevert {
  const r = error instanceof BaseError ? (error.walk((x) => x instanceof ContractFunctionRevertedError) as ContractFunctionRevertedError | null) : null;
  const name = r?.data?.errorName;
  const args: readonly unknown[] = r?.data?.args ?? [];
  const raw = r?.raw ?? rawOf(error);
  if ((name && name !== "Error") || !raw) return { name, args, raw };
  try {
    const d = decodeErrorResult({ abi, data: raw });
    return { name: d.errorName, args: (d.args ?? []) as readonly unknown[], raw };
  } catch {
    return { name: `undecoded ${raw.slice(0, 10)}`, args, raw };
  }
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
