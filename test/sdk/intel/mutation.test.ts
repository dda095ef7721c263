/**
 * Mutated and truncated real quotes: every byte of the signed regions (header, body, signature,
 * attestation key, QE report, its signature, QE auth data, certification data) flipped, and many
 * truncations. Nothing may be accepted, and every rejection must be a typed SDK error.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ParseError, VerificationError } from "../../../sdk/src/errors.js";
import { createIntelVerifierCache, parseQuote, verifyQuote } from "../../../sdk/src/intel/index.js";
import { sgxV3, tdxV4, type IntelFixture } from "./fixtures.js";

type Outcome = "accepted" | "ParseError" | "VerificationError" | `untyped: ${string}`;

async function run(f: IntelFixture, quote: Uint8Array, cache: ReturnType<typeof createIntelVerifierCache>): Promise<Outcome> {
  try {
    await verifyQuote({ quote, collateral: f.collateral!, now: f.at, cache });
    return "accepted";
  } catch (e) {
    if (e instanceof ParseError) return "ParseError";
    if (e instanceof VerificationError) return "VerificationError";
    return `untyped: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`;
  }
}

function flipped(q: Uint8Array, i: number, mask: number): Uint8Array {
  const m = q.slice();
  m[i] ^= mask;
  return m;
}

describe.each([tdxV4, sgxV3])("$name mutated", (f) => {
  const cache = createIntelVerifierCache();

  it("the unmutated quote verifies (control)", async () => {
    expect(await run(f, f.quote, cache)).toBe("accepted");
  });

  it("flipping any single byte of the quote is rejected with a typed error", async () => {
    const q = parseQuote(f.quote);
    // Every byte of the quote belongs to a signed or bound region; report the layout for the record.
    expect(q.signedBytes.length + 4 + 64 + 64).toBeLessThan(f.quote.length);
    const outcomes = new Map<Outcome, number>();
    const accepted: number[] = [];
    const untyped: string[] = [];
    for (let i = 0; i < f.quote.length; i++) {
      const mask = 1 << (i % 8);
      const o = await run(f, flipped(f.quote, i, mask), cache);
      outcomes.set(o, (outcomes.get(o) ?? 0) + 1);
      if (o === "accepted") accepted.push(i);
      if (o.startsWith("untyped")) untyped.push(`${i}: ${o}`);
    }
    expect(accepted).toEqual([]);
    expect(untyped).toEqual([]);
    expect(f.quote.length).toBeGreaterThanOrEqual(2000);
    expect([...outcomes.values()].reduce((a, b) => a + b, 0)).toBe(f.quote.length);
  });

  it("every byte replaced by random values (fast-check) is rejected with a typed error", async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat(f.quote.length - 1), fc.integer({ min: 1, max: 255 }), async (i, mask) => {
        const o = await run(f, flipped(f.quote, i, mask), cache);
        expect(o === "ParseError" || o === "VerificationError").toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it("truncation at any length is a ParseError", async () => {
    const lengths = new Set<number>();
    for (let n = 0; n < f.quote.length; n += 7) lengths.add(n);
    for (const b of [0, 1, 2, 47, 48, 49, 431, 432, 433, 436, 632, 633, 636, 637, 1000, f.quote.length - 1]) lengths.add(b);
    for (const n of lengths) {
      if (n >= f.quote.length) continue;
      const cut = f.quote.slice(0, n);
      // Truncating only NUL padding of the PEM chain leaves a valid quote (tdx-v4 carries 70 NULs).
      const onlyPadding = f.quote.subarray(n).every((b) => b === 0) && n > 1000;
      const o = await run(f, cut, cache);
      if (onlyPadding) continue;
      expect(o, `length ${n}`).toBe("ParseError");
    }
  });

  it("appending bytes is rejected unless they are zero padding", async () => {
    const extra = new Uint8Array(f.quote.length + 3);
    extra.set(f.quote);
    extra[f.quote.length + 1] = 7;
    expect(await run(f, extra, cache)).toBe("ParseError");
  });
});

describe("random bytes", () => {
  it("parseQuote throws only ParseError on arbitrary input", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 6000 }), (b) => {
        try {
          parseQuote(b);
        } catch (e) {
          expect(e).toBeInstanceOf(ParseError);
        }
      }),
      { numRuns: 500 },
    );
  });

  it("a valid header followed by random bytes is a ParseError, never a crash", () => {
    const header = tdxV4.quote.subarray(0, 48);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 6000 }), (b) => {
        const q = new Uint8Array(48 + b.length);
        q.set(header);
        q.set(b, 48);
        expect(() => parseQuote(q)).toThrow(ParseError);
      }),
      { numRuns: 300 },
    );
  });
});
