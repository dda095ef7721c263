/**
 * The strict DER primitives every PKI reader in the SDK stands on: TLVs with definite minimal
 * lengths and low tag numbers, minimal INTEGERs, times, OIDs, and the typed ParseError (structure,
 * field, offset) a reader throws. Hand-written for speed: asn1js (under @peculiar/asn1-schema) takes
 * ~1 ms per certificate on these machines, more than a whole cold DCAP verification may cost.
 * certificate.ts reads X.509 certificates on it; p256Chain.ts reads Intel's CRLs, pckExtensions.ts
 * the SGX extension.
 */
import { ParseError } from "../errors.js";

export type Tlv = { tag: number; start: number; valueStart: number; end: number };

export class Der {
  /** `base` is added to reported offsets, for a reader over a slice of a larger structure. */
  constructor(
    readonly bytes: Uint8Array,
    readonly structure: string,
    readonly base = 0,
  ) {}

  fail(field: string, offset: number, expected: string): ParseError {
    return new ParseError({ structure: this.structure, field, offset: this.base + offset, expected });
  }

  /** Reads the TLV at `offset`, which must end by `limit`. */
  tlv(offset: number, limit: number, field: string): Tlv {
    const b = this.bytes;
    if (offset + 2 > limit) throw this.fail(field, offset, "a DER element");
    const tag = b[offset]!;
    if ((tag & 0x1f) === 0x1f) throw this.fail(field, offset, "a low tag number");
    let len = b[offset + 1]!;
    let valueStart = offset + 2;
    if (len & 0x80) {
      const n = len & 0x7f;
      if (n === 0 || n > 3 || valueStart + n > limit) throw this.fail(field, offset + 1, "a definite DER length");
      len = 0;
      for (let i = 0; i < n; i++) len = (len << 8) | b[valueStart + i]!;
      if (b[valueStart] === 0 || len < 0x80) throw this.fail(field, offset + 1, "a minimal DER length");
      valueStart += n;
    }
    const end = valueStart + len;
    if (end > limit) throw this.fail(field, offset, `${len} bytes of content`);
    return { tag, start: offset, valueStart, end };
  }

  expect(offset: number, limit: number, tag: number, field: string): Tlv {
    const t = this.tlv(offset, limit, field);
    if (t.tag !== tag) throw this.fail(field, offset, `tag 0x${tag.toString(16)}`);
    return t;
  }

  /** The children of a constructed element. */
  children(t: Tlv, field: string): Tlv[] {
    if ((t.tag & 0x20) === 0) throw this.fail(field, t.start, "a constructed element");
    const out: Tlv[] = [];
    let o = t.valueStart;
    while (o < t.end) {
      const c = this.tlv(o, t.end, field);
      out.push(c);
      o = c.end;
    }
    return out;
  }

  /** Content of an INTEGER that is minimally encoded (DER), as its two's-complement bytes. */
  integer(t: Tlv, field: string): Uint8Array {
    if (t.tag !== 0x02) throw this.fail(field, t.start, "INTEGER");
    const v = this.value(t);
    if (v.length === 0 || (v.length > 1 && ((v[0] === 0 && (v[1]! & 0x80) === 0) || (v[0] === 0xff && (v[1]! & 0x80) !== 0)))) {
      throw this.fail(field, t.start, "a minimal INTEGER");
    }
    return v;
  }

  /** A non-negative INTEGER without its sign byte (unsigned big-endian magnitude). */
  unsigned(t: Tlv, field: string): Uint8Array {
    const v = this.integer(t, field);
    if (v[0]! & 0x80) throw this.fail(field, t.start, "a non-negative INTEGER");
    return v.length > 1 && v[0] === 0 ? v.subarray(1) : v;
  }

  /** A small non-negative INTEGER as a number. */
  smallInt(t: Tlv, field: string): number {
    const v = this.unsigned(t, field);
    if (v.length > 4) throw this.fail(field, t.start, "an INTEGER below 2^32");
    let n = 0;
    for (const x of v) n = n * 256 + x;
    return n;
  }

  /** DER BOOLEAN: 0x00 or 0xff. */
  boolean(t: Tlv, field: string): boolean {
    if (t.tag !== 0x01 || t.end - t.valueStart !== 1) throw this.fail(field, t.start, "BOOLEAN");
    const v = this.bytes[t.valueStart];
    if (v !== 0 && v !== 0xff) throw this.fail(field, t.start, "a DER BOOLEAN (00 or ff)");
    return v === 0xff;
  }

  /** Content of a BIT STRING with no unused bits (keys and signatures). */
  bits(t: Tlv, field: string): Uint8Array {
    if (t.tag !== 0x03 || t.end === t.valueStart || this.bytes[t.valueStart] !== 0) throw this.fail(field, t.start, "a BIT STRING with no unused bits");
    return this.bytes.subarray(t.valueStart + 1, t.end);
  }

  /** An OBJECT IDENTIFIER in dotted form. */
  oid(t: Tlv, field: string): string {
    if (t.tag !== 0x06) throw this.fail(field, t.start, "OBJECT IDENTIFIER");
    const b = this.bytes;
    if (t.end === t.valueStart || (b[t.end - 1]! & 0x80) !== 0) throw this.fail(field, t.start, "an OBJECT IDENTIFIER");
    let out = "";
    let n = 0;
    for (let i = t.valueStart; i < t.end; i++) {
      const x = b[i]!;
      if (n === 0 && x === 0x80) throw this.fail(field, i, "a minimal OID arc");
      n = n * 128 + (x & 0x7f);
      if (n > Number.MAX_SAFE_INTEGER / 128) throw this.fail(field, i, "an OID arc below 2^46");
      if ((x & 0x80) === 0) {
        out += out === "" ? (n < 80 ? `${(n / 40) | 0}.${n % 40}` : `2.${n - 80}`) : `.${n}`;
        n = 0;
      }
    }
    return out;
  }

  value(t: Tlv): Uint8Array {
    return this.bytes.subarray(t.valueStart, t.end);
  }

  raw(t: Tlv): Uint8Array {
    return this.bytes.subarray(t.start, t.end);
  }

  /** UTCTime or GeneralizedTime (Z form) as unix seconds. */
  time(t: Tlv, field: string): number {
    const s = String.fromCharCode(...this.value(t));
    let m: RegExpExecArray | null;
    let year: number;
    if (t.tag === 0x17 && (m = /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(s))) {
      year = Number(m[1]);
      year += year < 50 ? 2000 : 1900;
    } else if (t.tag === 0x18 && (m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(s))) {
      year = Number(m[1]);
    } else {
      throw this.fail(field, t.start, "UTCTime or GeneralizedTime ending in Z");
    }
    const [mo, d, hh, mm, ss] = [m[2], m[3], m[4], m[5], m[6]].map(Number) as [number, number, number, number, number];
    return Date.UTC(year, mo - 1, d, hh, mm, ss) / 1000;
  }
}

/** DER encodings of object identifiers compared as bytes (tag and length included). */
export const OID = {
  ecdsaWithSha256: "06082a8648ce3d040302",
} as const;
