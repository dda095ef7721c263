/** Byte helpers shared by every parser: hex in and out, bounded reads that fail with a ParseError. */
import { ParseError } from "./errors.js";

export type BytesLike = Uint8Array | string;

/**
 * True for a Uint8Array from any realm (an iframe, a VM context, a worker's transfer): `instanceof`
 * alone misses those, and a parsed structure would then be mistaken for bytes or vice versa.
 */
export function isBytes(value: unknown): value is Uint8Array {
  return (
    value instanceof Uint8Array ||
    (ArrayBuffer.isView(value) && Object.prototype.toString.call(value) === "[object Uint8Array]")
  );
}

/** Accepts a Uint8Array, or hex with or without 0x (whitespace ignored). */
// Hex digit values by char code (-1: not a hex digit): one table read per digit, no substring.
const HEX_VALUE = (() => {
  const t = new Int8Array(128).fill(-1);
  for (let i = 0; i < 10; i++) t[48 + i] = i;
  for (let i = 0; i < 6; i++) t[65 + i] = t[97 + i] = 10 + i;
  return t;
})();

export function toBytes(input: BytesLike, what = "input"): Uint8Array {
  if (isBytes(input)) return input;
  let hex = input.trim().replace(/^0x/i, "");
  if (/\s/.test(hex)) hex = hex.replace(/\s+/g, "");
  const bad = () => new ParseError({ structure: what, field: "hex", offset: 0, expected: "an even-length hex string" });
  if (hex.length % 2 !== 0) throw bad();
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) {
    const a = hex.charCodeAt(2 * i);
    const b = hex.charCodeAt(2 * i + 1);
    const hi = a < 128 ? HEX_VALUE[a]! : -1;
    const lo = b < 128 ? HEX_VALUE[b]! : -1;
    if ((hi | lo) < 0) throw bad();
    out[i] = (hi << 4) | lo;
  }
  return out;
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));

/** Lower-case hex without 0x. */
export function hex(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i < bytes.length; i++) s += HEX[bytes[i]!];
  return s;
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let d = 0;
  for (let i = 0; i < a.length; i++) d |= a[i]! ^ b[i]!;
  return d === 0;
}

/**
 * A cursor over a byte array for fixed-layout structures. Every read checks bounds and, on a short
 * buffer, throws a ParseError naming the structure, the field and the offset.
 */
export class ByteReader {
  offset = 0;
  constructor(
    readonly bytes: Uint8Array,
    readonly structure: string,
    readonly base = 0,
  ) {}

  get remaining(): number {
    return this.bytes.length - this.offset;
  }

  need(n: number, field: string): void {
    if (n < 0 || this.offset + n > this.bytes.length) {
      throw new ParseError({
        structure: this.structure,
        field,
        offset: this.base + this.offset,
        expected: `${n} bytes`,
        got: `${Math.max(0, this.bytes.length - this.offset)} left`,
      });
    }
  }

  take(n: number, field: string): Uint8Array {
    this.need(n, field);
    const v = this.bytes.subarray(this.offset, this.offset + n);
    this.offset += n;
    return v;
  }

  u8(field: string): number {
    this.need(1, field);
    return this.bytes[this.offset++]!;
  }

  u16le(field: string): number {
    this.need(2, field);
    const v = this.bytes[this.offset]! | (this.bytes[this.offset + 1]! << 8);
    this.offset += 2;
    return v;
  }

  u32le(field: string): number {
    this.need(4, field);
    const b = this.bytes;
    const o = this.offset;
    this.offset += 4;
    return (b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16) | (b[o + 3]! << 24)) >>> 0;
  }

  u64le(field: string): bigint {
    const lo = BigInt(this.u32le(field));
    const hi = BigInt(this.u32le(field));
    return (hi << 32n) | lo;
  }

  u16be(field: string): number {
    this.need(2, field);
    const v = (this.bytes[this.offset]! << 8) | this.bytes[this.offset + 1]!;
    this.offset += 2;
    return v;
  }

  u32be(field: string): number {
    this.need(4, field);
    const b = this.bytes;
    const o = this.offset;
    this.offset += 4;
    return ((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0;
  }

  u64be(field: string): bigint {
    const hi = BigInt(this.u32be(field));
    const lo = BigInt(this.u32be(field));
    return (hi << 32n) | lo;
  }

  /** Fails unless the whole buffer was consumed. */
  end(field = "trailing bytes"): void {
    if (this.offset !== this.bytes.length) {
      throw new ParseError({
        structure: this.structure,
        field,
        offset: this.base + this.offset,
        expected: "end of data",
        got: `${this.bytes.length - this.offset} more bytes`,
      });
    }
  }
}
