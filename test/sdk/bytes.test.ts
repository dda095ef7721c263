import { describe, it, expect } from "vitest";
import fc from "fast-check";
import { ByteReader, toBytes, hex } from "../../sdk/src/bytes.js";
import { ParseError } from "../../sdk/src/errors.js";

describe("toBytes / hex", () => {
  it("round-trips any bytes through hex, with or without 0x", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (b) => {
        expect(toBytes(hex(b))).toEqual(b);
        expect(toBytes("0x" + hex(b).toUpperCase())).toEqual(b);
      }),
    );
  });
  it("rejects odd-length and non-hex text with a ParseError", () => {
    expect(() => toBytes("abc")).toThrow(ParseError);
    expect(() => toBytes("zz")).toThrow(ParseError);
  });
});

describe("ByteReader", () => {
  it("names the structure, field and offset of a short read", () => {
    const r = new ByteReader(new Uint8Array([1, 2, 3]), "Header", 100);
    expect(r.u16le("version")).toBe(0x0201);
    try {
      r.u32le("teeType");
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ParseError);
      const pe = e as ParseError;
      expect([pe.structure, pe.field, pe.offset]).toEqual(["Header", "teeType", 102]);
    }
  });
  it("never reads past the end, whatever the sequence of reads", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), fc.array(fc.integer({ min: 0, max: 5 }), { maxLength: 30 }), (b, ops) => {
        const r = new ByteReader(b, "S");
        for (const op of ops) {
          try {
            [() => r.u8("f"), () => r.u16le("f"), () => r.u32le("f"), () => r.u64le("f"), () => r.u32be("f"), () => r.take(7, "f")][op]!();
          } catch (e) {
            expect(e).toBeInstanceOf(ParseError);
          }
          expect(r.offset).toBeLessThanOrEqual(b.length);
        }
      }),
    );
  });
});
