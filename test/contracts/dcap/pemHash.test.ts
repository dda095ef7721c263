/**
 * The two PEM shortcuts the verifier takes instead of decoding base64: `Pem.encodedHash` (the leaf
 * form's cache key, keccak256 of the canonical PEM block built from the DER a word at a time) equals
 * keccak256 of the SDK's `certificateToPem` for any bytes, and `Pem.blockLengthHint` gives the exact
 * length of a canonical block from its DER header (or 0), never a length past the limit.
 */
import { describe, it, expect, beforeAll } from "vitest";
import fc from "fast-check";
import { keccak256, toHex } from "viem";
import { certificateToPem } from "../../../sdk/src/pki/pem.js";
import { parseQuote } from "../../../sdk/src/intel/index.js";
import { connectAt, loadFixture } from "../../../testkit/intelFixtures.js";

type Harness = {
  read: {
    pemEncodedHash: (a: [`0x${string}`]) => Promise<`0x${string}`>;
    pemBlockLengthHint: (a: [`0x${string}`, bigint, bigint]) => Promise<bigint>;
  };
};

const pemBytes = (der: Uint8Array) => new TextEncoder().encode(certificateToPem(der));

describe("Pem.encodedHash and Pem.blockLengthHint", () => {
  let h: Harness;
  beforeAll(async () => {
    const conn = await connectAt(1_750_000_000);
    h = (await conn.viem.deployContract("DcapParserHarness")) as unknown as Harness;
  });

  it("hashes the real PCK leaves' PEM blocks exactly", async () => {
    for (const name of ["tdx-v4", "sgx-v3"] as const) {
      const leaf = parseQuote(loadFixture(name).quote).pckChain[0]!;
      expect(await h.read.pemEncodedHash([toHex(leaf)])).toBe(keccak256(pemBytes(leaf)));
    }
  });

  it("equals keccak256(certificateToPem(bytes)) for any bytes (every length mod 3 and mod 48)", async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: 1, maxLength: 400 }), async (b) => {
        expect(await h.read.pemEncodedHash([toHex(b)])).toBe(keccak256(pemBytes(b)));
      }),
      { numRuns: 120, seed: 1616 },
    );
    for (const n of [1, 2, 3, 23, 24, 25, 47, 48, 49, 95, 96, 97, 1269, 1270, 1271]) {
      const b = new Uint8Array(n).map((_, i) => (i * 37 + 11) & 0xff);
      expect(await h.read.pemEncodedHash([toHex(b)]), `length ${n}`).toBe(keccak256(pemBytes(b)));
    }
  });

  it("gives a canonical block's exact length from its DER header, with anything after it", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 2, max: 70_000 }).chain((len) => fc.tuple(fc.constant(len), fc.uint8Array({ minLength: 0, maxLength: 40 }))),
        async ([contentLen, tail]) => {
          // SEQUENCE header in the shortest form, then content bytes
          const hdr =
            contentLen < 0x80 ? [0x30, contentLen] : contentLen < 0x100 ? [0x30, 0x81, contentLen] : contentLen < 0x10000 ? [0x30, 0x82, contentLen >> 8, contentLen & 0xff] : [0x30, 0x83, contentLen >> 16, (contentLen >> 8) & 0xff, contentLen & 0xff];
          const der = new Uint8Array(hdr.length + contentLen);
          der.set(hdr);
          const block = pemBytes(der);
          const text = new Uint8Array([...block, ...tail]);
          expect(await h.read.pemBlockLengthHint([toHex(text), 0n, BigInt(text.length)])).toBe(BigInt(block.length));
          // a limit inside the block: no hint
          expect(await h.read.pemBlockLengthHint([toHex(text), 0n, BigInt(block.length - 1)])).toBe(0n);
        },
      ),
      { numRuns: 40, seed: 1617 },
    );
  });

  it("gives no hint for text that is not a block's start (never reverts)", async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: 0, maxLength: 120 }), async (b) => {
        const text = new Uint8Array([...new TextEncoder().encode("-----BEGIN CERTIFICATE-----\n"), ...b]);
        const hint = await h.read.pemBlockLengthHint([toHex(text), 0n, BigInt(text.length)]);
        expect(hint <= BigInt(text.length)).toBe(true);
      }),
      { numRuns: 60, seed: 1618 },
    );
    expect(await h.read.pemBlockLengthHint(["0x00", 0n, 1n])).toBe(0n);
  });
});
