import { describe, expect, it } from "vitest";
import { concat, keccak256, pad, toHex } from "viem";
import { ParseError } from "../../../sdk/src/errors.js";
import { intelPlatformKey } from "../../../sdk/src/vocabulary/index.js";
import { tdxV4 } from "./fixtures.js";

describe("intelPlatformKey = keccak256(abi.encode(bytes32 salt, uint8 1, bytes ppid))", () => {
  const salt = `0x${"ab".repeat(32)}` as const;
  const ppid = `0x${tdxV4.ppid}` as const;

  it("matches the ABI encoding written out word by word", () => {
    // head: salt, kind, offset 0x60; tail: length 16, ppid right-padded to 32 bytes
    const encoded = concat([salt, pad(toHex(1)), pad(toHex(0x60)), pad(toHex(16)), pad(ppid, { dir: "right" })]);
    expect(intelPlatformKey(salt, ppid)).toBe(keccak256(encoded));
  });

  it("differs per salt, so keys do not link across deployments", () => {
    expect(intelPlatformKey(salt, ppid)).not.toBe(intelPlatformKey(`0x${"cd".repeat(32)}`, ppid));
  });

  it("rejects a salt that is not 32 bytes and a PPID that is not 16 bytes", () => {
    expect(() => intelPlatformKey("0x01", ppid)).toThrow(ParseError);
    expect(() => intelPlatformKey(salt, "0x0102")).toThrow(ParseError);
  });
});
