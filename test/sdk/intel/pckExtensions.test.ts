/** The SGX extension decoders: @peculiar/asn1-schema (reference) and the fast DER one agree. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { hex } from "../../../sdk/src/bytes.js";
import { ParseError } from "../../../sdk/src/errors.js";
import { parseQuote, parseSgxExtensionValue } from "../../../sdk/src/intel/index.js";
import { readSgxExtension } from "../../../sdk/src/intel/pckExtensions.js";
import { parseCertificate } from "../../../sdk/src/pki/p256Chain.js";
import { sgxV3, teeFail, tdxV4, tdxV5NoMatch } from "./fixtures.js";

const all = [sgxV3, tdxV4, tdxV5NoMatch, teeFail];

async function extensionOf(quote: Uint8Array): Promise<Uint8Array> {
  const leaf = await parseCertificate(parseQuote(quote).pckChain[0]!, "leaf");
  return leaf.sgxExtension!;
}

function outcome(f: () => unknown): unknown {
  try {
    return f();
  } catch (e) {
    expect(e).toBeInstanceOf(ParseError);
    return "ParseError";
  }
}

describe("SGX extension of every fixture's PCK certificate", () => {
  for (const f of all) {
    it(`${f.name}: PPID ${f.ppid}, FMSPC ${f.fmspc}; both decoders agree`, async () => {
      const ext = await extensionOf(f.quote);
      const fast = readSgxExtension(ext);
      expect(hex(fast.ppid)).toBe(f.ppid);
      expect(hex(fast.fmspc)).toBe(f.fmspc);
      expect(hex(fast.pceId)).toBe("0000");
      expect(fast.cpuSvnComponents).toHaveLength(16);
      expect(fast).toEqual(parseSgxExtensionValue(ext));
    });
  }

  it("on mutated extension bytes (fast-check) the decoders agree wherever both decode, and fail only with a ParseError", async () => {
    const ext = await extensionOf(tdxV4.quote);
    fc.assert(
      fc.property(fc.nat(ext.length - 1), fc.integer({ min: 1, max: 255 }), (i, mask) => {
        const m = ext.slice();
        m[i] ^= mask;
        const a = outcome(() => readSgxExtension(m));
        const b = outcome(() => parseSgxExtensionValue(m));
        // Where both decode, they read the same values. (They may differ on accepting odd bytes in
        // fields neither reads, e.g. the Configuration entry; the certificate signature covers those.)
        if (a !== "ParseError" && b !== "ParseError") expect(a).toEqual(b);
      }),
      { numRuns: 1000 },
    );
  });

  it("truncated extension bytes are a ParseError for both", async () => {
    const ext = await extensionOf(sgxV3.quote);
    for (let n = 0; n < ext.length; n += 5) {
      expect(() => readSgxExtension(ext.subarray(0, n))).toThrow(ParseError);
      expect(() => parseSgxExtensionValue(ext.subarray(0, n))).toThrow(ParseError);
    }
  });
});
