/**
 * `Json.key` is one assembly pass standing in for `Json.str` then `Json.expect(":")` (the gas of
 * every JSON member): on any input both must return the same hash and position or revert with the
 * same `JsonMalformed` offset.
 */
import { describe, it, expect, beforeAll } from "vitest";
import fc from "fast-check";
import { type Abi, type Hex, encodeFunctionData, toFunctionSelector, toHex, BaseError } from "viem";
import { connectAt, loadFixture, type Connection } from "../../../testkit/intelFixtures.js";

describe("Json.key matches the str + expect composition it replaced", () => {
  let conn: Connection;
  let harness: `0x${string}`;
  let abi: Abi;

  beforeAll(async () => {
    conn = await connectAt(loadFixture("tdx-v4").verifyAt);
    const h = await conn.viem.deployContract("JsonKeyHarness");
    harness = h.address;
    abi = h.abi as Abi;
  });

  const call = async (fn: string, s: Uint8Array, p: bigint): Promise<string> => {
    const pub = await conn.viem.getPublicClient();
    try {
      const r = await pub.call({ to: harness, data: encodeFunctionData({ abi, functionName: fn, args: [toHex(s), p] }) });
      return `ok ${r.data}`;
    } catch (e) {
      if (!(e instanceof BaseError)) throw e;
      const withData = e.walk((x) => typeof (x as { data?: unknown }).data === "string") as { data?: Hex } | null;
      return `revert ${withData?.data}`;
    }
  };

  const same = async (s: Uint8Array, p: bigint) => {
    const got = await call("key", s, p);
    const want = await call("keyReference", s, p);
    expect(got, `${toHex(s)} at ${p}`).toBe(want);
    if (got.startsWith("revert")) expect(got.startsWith(`revert ${toFunctionSelector("JsonMalformed(uint256)")}`), got).toBe(true);
    return got;
  };

  it("on hand-picked keys and near misses", async () => {
    const cases: [string, number][] = [
      ['"id":1', 0], [' \t\r\n"id" \n: 1', 0], ['{"tcbLevels":[]}', 1], ['"":', 0], ['"a"', 0], ['"a" ', 0],
      ['"a";', 0], ['"a', 0], ['"a\\"":', 0], ['"a\nb":', 0], ["id:", 0], ["", 0], ["   ", 0], ['"a":', 4], ['"a":', 9],
    ];
    const outcomes = new Set<string>();
    for (const [text, p] of cases) outcomes.add((await same(new TextEncoder().encode(text), BigInt(p))).split(" ")[0]!);
    expect([...outcomes].sort()).toEqual(["ok", "revert"]);
  });

  it("on random bytes from the characters that matter", async () => {
    const alphabet = [0x22, 0x3a, 0x20, 0x09, 0x0a, 0x0d, 0x5c, 0x01, 0x1f, 0x61, 0x7b, 0x2c, 0xff];
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.constantFrom(...alphabet), { maxLength: 40 }),
        fc.nat({ max: 45 }),
        async (bytes, p) => {
          await same(Uint8Array.from(bytes), BigInt(p));
        },
      ),
      { numRuns: 300 },
    );
  });
});
