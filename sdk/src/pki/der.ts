/**
 * A strict DER reader for the few X.509 / CRL fields DCAP needs. Hand-written for speed: asn1js
 * (under @peculiar/asn1-schema and @peculiar/x509) takes ~1 ms per certificate on these machines,
 * more than a whole cold verification may cost. Definite minimal lengths, low tag numbers only.
 */
import { ParseError } from "../errors.js";

export type Tlv = { tag: number; start: number; valueStart: number; end: number };

export class Der {
  constructor(
    readonly bytes: Uint8Array,
    readonly structure: string,
  ) {}

  fail(field: string, offset: number, expected: string): ParseError {
    return new ParseError({ structure: this.structure, field, offset, expected });
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

/** DER encodings of the object identifiers we compare against (tag and length included). */
export const OID = {
  ecdsaWithSha256: "06082a8648ce3d040302",
  ecPublicKey: "06072a8648ce3d0201",
  prime256v1: "06082a8648ce3d030107",
  basicConstraints: "0603551d13",
  sgxExtensions: "06092a864886f84d010d01",
  commonName: "0603550403",
} as const;
