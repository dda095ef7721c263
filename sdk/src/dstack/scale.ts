/**
 * Checked SCALE decoding (Parity's SCALE codec, as dstack's Rust `parity-scale-codec` writes it) on
 * top of scale-ts. scale-ts supplies the encoders, the compact-integer and fixed-width decoders and
 * the read cursor; its `Bytes`, `str`, `Vector` and `Enum` decoders are not safe on untrusted bytes
 * (a length past the end silently truncates, an unknown enum index is a TypeError, a huge vector
 * count allocates before reading), so those four are re-built here with bounds checks that throw a
 * ParseError naming the field path and the byte offset. Layout notes: docs/dstack-attestation.md.
 */
import { compact, createDecoder, u32 as u32Codec, u8 as u8Codec, type Decoder } from "scale-ts";
import { ParseError } from "../errors.js";

/** scale-ts keeps its read position in `i` on the array it decodes (an internal subclass of Uint8Array). */
type Cursor = Uint8Array & { i: number };

export const SCALE_STRUCTURE = "dstack attestation";

/** Thrown inside a decoder; turned into a ParseError with the full field path by `decodeScale`. */
class ScaleFault extends Error {
  constructor(
    readonly path: string[],
    readonly offset: number,
    readonly expected: string,
    readonly got?: string,
  ) {
    super(expected);
  }
}

function fault(bytes: Cursor, expected: string, got?: string): never {
  throw new ScaleFault([], bytes.i, expected, got);
}

/** Names a field: a fault inside gets the name prepended to its path. */
export function field<T>(name: string, inner: Decoder<T>): Decoder<T> {
  return createDecoder((bytes) => {
    const at = (bytes as Cursor).i;
    try {
      return inner(bytes);
    } catch (e) {
      const path = name === "" ? [] : [name];
      if (e instanceof ScaleFault) throw new ScaleFault([...path, ...e.path], e.offset, e.expected, e.got);
      // A RangeError from a DataView read past the end in scale-ts's integer decoders.
      throw new ScaleFault(path, at, "more bytes", `${Math.max(0, bytes.length - at)} left`);
    }
  });
}

function need(bytes: Cursor, n: number, what: string): void {
  const left = bytes.length - bytes.i;
  if (n > left) fault(bytes, `${n} bytes of ${what}`, `${left} left`);
}

/** A compact length that fits in the bytes that are left (each element takes at least `minSize` bytes). */
function length(bytes: Cursor, minSize: number, what: string): number {
  const at = bytes.i;
  let n: number | bigint;
  try {
    n = compact.dec(bytes);
  } catch {
    bytes.i = at;
    fault(bytes, `a SCALE compact length of ${what}`, "end of input");
  }
  const left = bytes.length - bytes.i;
  if (typeof n === "bigint" || n * minSize > left) {
    bytes.i = at;
    fault(bytes, `a length of ${what} that fits in the ${left} bytes left`, String(n));
  }
  return n;
}

export const u8: Decoder<number> = createDecoder((bytes) => {
  need(bytes as Cursor, 1, "u8");
  return u8Codec.dec(bytes);
});

export const u32: Decoder<number> = createDecoder((bytes) => {
  need(bytes as Cursor, 4, "u32");
  return u32Codec.dec(bytes);
});

/** Vec<u8> (compact length, then the bytes), or `[u8; n]` when `size` is given. */
export function bytes(size?: number): Decoder<Uint8Array> {
  return createDecoder((b) => {
    const c = b as Cursor;
    const n = size ?? length(c, 1, "bytes");
    need(c, n, "bytes");
    // A plain copy: slicing scale-ts's internal array subclass would call its constructor with a length.
    const out = new Uint8Array(c.buffer, c.byteOffset + c.i, n).slice();
    c.i += n;
    return out;
  });
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** String: compact length, then UTF-8 (invalid UTF-8 is refused, as Rust's `String` decoding does). */
export const str: Decoder<string> = createDecoder((b) => {
  const c = b as Cursor;
  const at = c.i;
  const raw = bytes()(c);
  try {
    return utf8.decode(raw);
  } catch {
    c.i = at;
    return fault(c, "a UTF-8 string");
  }
});

/** Vec<T>: compact count, then each element (named by its index). */
export function vector<T>(inner: Decoder<T>, minElementSize: number, what: string): Decoder<T[]> {
  return createDecoder((b) => {
    const c = b as Cursor;
    const n = length(c, minElementSize, what);
    const out: T[] = [];
    for (let i = 0; i < n; i++) out.push(field(`[${i}]`, inner)(c));
    return out;
  });
}

/** A Rust enum: one index byte, then the variant's fields. Unknown indexes are refused. */
export function enumOf<T>(variants: readonly { name: string; decode: Decoder<T> }[], what: string): Decoder<T> {
  return createDecoder((b) => {
    const c = b as Cursor;
    need(c, 1, what);
    const index = c[c.i]!;
    const v = variants[index];
    if (!v) fault(c, `${what} variant 0..${variants.length - 1}`, String(index));
    c.i++;
    return field(v.name, v.decode)(c);
  });
}

/**
 * Decodes `input` completely with `decoder`: a fault becomes a ParseError with the field path and
 * offset; bytes left over are refused (SCALE has no framing, so trailing bytes mean a wrong layout).
 */
export function decodeScale<T>(input: Uint8Array, decoder: Decoder<T>, structure = SCALE_STRUCTURE, rootField = "value"): T {
  // scale-ts reads from `.buffer`: give it an array that owns its whole buffer.
  const own = input.slice();
  const c = own as Cursor;
  let value: T;
  let end = 0;
  const measured = createDecoder((b) => {
    const v = decoder(b);
    end = (b as Cursor).i;
    return v;
  });
  try {
    value = measured(c);
  } catch (e) {
    if (e instanceof ScaleFault) {
      throw new ParseError({ structure, field: e.path.join(".").replace(/\.\[/g, "[") || rootField, offset: e.offset, expected: e.expected, got: e.got });
    }
    throw new ParseError({ structure, field: rootField, offset: 0, expected: "a SCALE value", got: (e as Error).message, cause: e });
  }
  if (end !== input.length) {
    throw new ParseError({ structure, field: "end", offset: end, expected: "no bytes after the value", got: `${input.length - end} trailing bytes` });
  }
  return value;
}
