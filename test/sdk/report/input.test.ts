/**
 * Input decoding (decodeEvidenceInput): binary, hex and base64 spell the same evidence; bytes after
 * a bare Intel quote are cut and reported, never verified; anything else is a typed error.
 */
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { PocError } from "../../../sdk/src/errors.js";
import { parseQuote } from "../../../sdk/src/intel/index.js";
import { decodeEvidenceInput } from "../../../sdk/src/report/index.js";

const quote = new Uint8Array(readFileSync("test/fixtures/intel/tdx-v4/quote.bin"));
const enc = (s: string) => new TextEncoder().encode(s);

describe("decodeEvidenceInput", () => {
  it("binary, hex, 0x-hex, base64 and URL-safe base64 of a quote give the same evidence", () => {
    const forms = [
      quote,
      enc(Buffer.from(quote).toString("hex")),
      enc(`0x${Buffer.from(quote).toString("hex").toUpperCase()}\n`),
      enc(Buffer.from(quote).toString("base64")),
      enc(Buffer.from(quote).toString("base64url")),
    ];
    const want = ["binary", "hex", "hex", "base64", "base64"];
    forms.forEach((f, i) => {
      const d = decodeEvidenceInput({ bytes: f });
      expect(d.evidence).toEqual(quote);
      expect(d.input.encoding).toBe(want[i]);
      expect(d.input.ignored).toBeUndefined();
    });
  });

  it("any tail after a quote (first byte non-zero) is cut and reported; the strict parser still refuses the whole", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 200 }).filter((t) => t[0] !== 0), fc.boolean(), (tail, asBase64) => {
        const whole = new Uint8Array([...quote, ...tail]);
        const d = decodeEvidenceInput({ bytes: asBase64 ? enc(Buffer.from(whole).toString("base64")) : whole });
        expect(d.evidence).toEqual(quote);
        expect(d.input.ignoredTrailingBytes).toBe(tail.length);
        expect(() => parseQuote(whole)).toThrow(/trailing bytes/);
      }),
      { numRuns: 100 },
    );
  });

  it("random bytes and random text: a value or a typed error", () => {
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 300 }), fc.string({ maxLength: 300 }).map(enc), fc.base64String({ maxLength: 400 }).map(enc)), (b) => {
        try {
          decodeEvidenceInput({ bytes: b });
        } catch (e) {
          if (!(e instanceof PocError)) throw e;
        }
      }),
      { numRuns: 1000 },
    );
  });
});
