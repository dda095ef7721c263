import fc from "fast-check";
import { getAddress, hexToBytes, toHex, type Hex } from "viem";
import { describe, expect, it } from "vitest";
import { ParseError } from "../../../sdk/src/errors.js";
import { decodeLogLeaf, encodeLogLeaf, logLeafToJson, type LogLeaf } from "../../../sdk/src/log/leaf.js";
import { sampleLeaves } from "./samples.js";

function parseErrorOf(fn: () => unknown): ParseError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ParseError) return e;
    throw e;
  }
  throw new Error("expected a ParseError, decoded fine");
}

/** Sets one byte of a hex leaf. */
function poke(leaf: Hex, offset: number, value: number): Hex {
  const b = hexToBytes(leaf);
  b[offset] = value;
  return toHex(b);
}

describe("leaf encoding (docs/transparency-log.md, version 1)", () => {
  it("every leaf type round-trips, and the head has the documented layout", () => {
    for (const leaf of sampleLeaves) {
      const enc = encodeLogLeaf(leaf);
      const b = hexToBytes(enc);
      expect(b[31]).toBe(1);
      expect(b[63]).toBe(leaf.leafType);
      expect(toHex(b.subarray(96, 128))).toBe(leaf.subject);
      expect(b[159]).toBe(0xa0); // payload offset: right after the five head words
      expect(decodeLogLeaf(enc)).toEqual(leaf);
    }
  });

  it("JSON view turns bigints into decimal strings and names the type", () => {
    const j = logLeafToJson(sampleLeaves[1]!);
    expect(j.leafTypeName).toBe("EntrySet");
    expect(j.payload.verifiedAt).toBe("1763000050");
    expect(j.timestamp).toBe("1763000100");
    expect(JSON.parse(JSON.stringify(j))).toEqual(j);
  });

  it("round-trips random EntrySet leaves", () => {
    const arb = fc.record({
      timestamp: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
      subject: fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => toHex(b)),
      facilityId: fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => toHex(b)),
      kind: fc.constantFrom(1, 2),
      level: fc.constantFrom(1, 2, 3),
      method: fc.string(),
      evidenceUri: fc.string({ unit: "grapheme" }),
      cadence: fc.nat({ max: 2 ** 32 - 1 }),
      endorsers: fc.array(fc.uint8Array({ minLength: 20, maxLength: 20 }).map((b) => getAddress(toHex(b))), { maxLength: 5 }),
      verifiedAt: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
    });
    fc.assert(
      fc.property(arb, (r) => {
        const leaf: LogLeaf = {
          version: 1,
          leafType: 2,
          timestamp: r.timestamp,
          subject: r.subject,
          payload: { facilityId: r.facilityId, kind: r.kind, level: r.level, method: r.method, evidenceHash: r.subject, evidenceUri: r.evidenceUri, cadence: r.cadence, endorsers: r.endorsers, verifiedAt: r.verifiedAt },
        };
        expect(decodeLogLeaf(encodeLogLeaf(leaf))).toEqual(leaf);
      }),
      { numRuns: 200 },
    );
  });
});

describe("a bad leaf is a ParseError naming the field", () => {
  const entry = encodeLogLeaf(sampleLeaves[1]!);

  it("wrong version", () => {
    const e = parseErrorOf(() => decodeLogLeaf(poke(entry, 31, 2)));
    expect([e.field, e.offset]).toEqual(["version", 0]);
  });

  it("unknown leaf type", () => {
    expect(parseErrorOf(() => decodeLogLeaf(poke(entry, 63, 10))).field).toBe("leafType");
    expect(parseErrorOf(() => decodeLogLeaf(poke(entry, 63, 0))).field).toBe("leafType");
  });

  it("dirty high bits in a small integer", () => {
    expect(parseErrorOf(() => decodeLogLeaf(poke(entry, 30, 1))).field).toBe("version");
    expect(parseErrorOf(() => decodeLogLeaf(poke(entry, 64, 1))).field).toBe("timestamp");
    // payload starts at 192; its 2nd word is `kind`, its 3rd `level`.
    const e = parseErrorOf(() => decodeLogLeaf(poke(entry, 192 + 32 + 5, 1)));
    expect([e.field, e.offset]).toEqual(["payload.kind", 192 + 32]);
  });

  it("enum values outside the documented set", () => {
    expect(parseErrorOf(() => decodeLogLeaf(poke(entry, 192 + 63, 3))).field).toBe("payload.kind");
    expect(parseErrorOf(() => decodeLogLeaf(poke(entry, 192 + 95, 4))).field).toBe("payload.level");
  });

  it("a payload offset pointing outside the leaf", () => {
    expect(parseErrorOf(() => decodeLogLeaf(poke(entry, 159, 0xff))).field).toMatch(/^payload/);
    expect(parseErrorOf(() => decodeLogLeaf(poke(entry, 158, 0x10))).field).toMatch(/^payload/);
  });

  it("an endorser with bytes above 160 bits", () => {
    const b = hexToBytes(entry);
    const payload = b.subarray(192);
    const off = Number(BigInt(toHex(payload.subarray(7 * 32, 8 * 32))));
    const e = parseErrorOf(() => decodeLogLeaf(poke(entry, 192 + off + 32, 1)));
    expect(e.field).toBe("payload.endorsers[0]");
  });

  it("invalid UTF-8 in a string", () => {
    const b = hexToBytes(entry);
    const payload = b.subarray(192);
    const off = Number(BigInt(toHex(payload.subarray(3 * 32, 4 * 32))));
    const e = parseErrorOf(() => decodeLogLeaf(poke(entry, 192 + off + 32, 0xff)));
    expect(e.field).toBe("payload.method");
  });

  it("trailing bytes and non-zero padding are not canonical", () => {
    expect(parseErrorOf(() => decodeLogLeaf(entry + "00")).field).toBe("trailing bytes");
    // The FacilitySet leaf ends with evidenceUri (20 bytes), so its last 12 bytes are padding.
    const facility = encodeLogLeaf(sampleLeaves[0]!);
    const e = parseErrorOf(() => decodeLogLeaf(poke(facility, hexToBytes(facility).length - 1, 0x01)));
    expect(e.field).toBe("payload.evidenceUri");
  });

  it("every truncation of every leaf type fails with a ParseError", () => {
    for (const leaf of sampleLeaves) {
      const b = hexToBytes(encodeLogLeaf(leaf));
      for (let n = 0; n < b.length; n++) parseErrorOf(() => decodeLogLeaf(b.subarray(0, n)));
    }
  });

  it("any single-byte change either fails with a ParseError or decodes to a different leaf that re-encodes to the same bytes", () => {
    const encoded = sampleLeaves.map((l) => hexToBytes(encodeLogLeaf(l)));
    fc.assert(
      fc.property(fc.nat(encoded.length - 1), fc.nat(), fc.integer({ min: 1, max: 255 }), (which, at, x) => {
        const b = encoded[which]!.slice();
        b[at % b.length]! ^= x;
        let decoded: LogLeaf;
        try {
          decoded = decodeLogLeaf(b);
        } catch (e) {
          expect(e).toBeInstanceOf(ParseError);
          return;
        }
        expect(encodeLogLeaf(decoded)).toBe(toHex(b));
        expect(decoded).not.toEqual(sampleLeaves[which]);
      }),
      { numRuns: 2000 },
    );
  });
});

describe("arbitrary bytes", () => {
  it("either decode to a leaf that re-encodes to the same bytes or fail with a ParseError", () => {
    const words = fc.array(
      fc.oneof(
        fc.constantFrom(0, 1, 2, 3, 6, 7, 0xa0, 0xc0, 0x20, 32 * 9).map((n) => n.toString(16).padStart(64, "0")),
        fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => toHex(b).slice(2)),
      ),
      { maxLength: 24 },
    );
    fc.assert(
      fc.property(words, fc.uint8Array({ maxLength: 40 }), (ws, tail) => {
        const bytes = hexToBytes(`0x${ws.join("")}${toHex(tail).slice(2)}`);
        try {
          const leaf = decodeLogLeaf(bytes);
          expect(encodeLogLeaf(leaf)).toBe(toHex(bytes));
        } catch (e) {
          expect(e).toBeInstanceOf(ParseError);
        }
      }),
      { numRuns: 3000 },
    );
  });
});
