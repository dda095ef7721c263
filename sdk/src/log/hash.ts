/**
 * RFC 9162 §2.1.1 hashing with SHA-256: leaf hash `SHA-256(0x00 || leaf)`, interior node
 * `SHA-256(0x01 || left || right)`, empty tree `SHA-256("")`. See docs/transparency-log.md.
 */
import { sha256 } from "@noble/hashes/sha2.js";
import { type BytesLike } from "../bytes.js";
import { ParseError, PocError } from "../errors.js";

const NIBBLE = new Int8Array(128).fill(-1);
for (let i = 0; i < 10; i++) NIBBLE[48 + i] = i;
for (let i = 0; i < 6; i++) NIBBLE[65 + i] = NIBBLE[97 + i] = 10 + i;

/**
 * Bytes from a Uint8Array or hex (0x optional). The shared `toBytes` parses per byte with
 * parseInt; rebuilding a log hashes every event's leaf, so this table-driven decoder is ~10x faster.
 */
export function bytesOf(input: BytesLike, what: string): Uint8Array {
  if (input instanceof Uint8Array) return input;
  const start = input.startsWith("0x") || input.startsWith("0X") ? 2 : 0;
  const n = input.length - start;
  if (n % 2 !== 0) throw new ParseError({ structure: what, field: "hex", offset: 0, expected: "an even-length hex string" });
  const out = new Uint8Array(n / 2);
  for (let i = 0, j = start; i < out.length; i++, j += 2) {
    const hi = NIBBLE[input.charCodeAt(j)] ?? -1;
    const lo = NIBBLE[input.charCodeAt(j + 1)] ?? -1;
    if (hi < 0 || lo < 0) throw new ParseError({ structure: what, field: "hex", offset: i, expected: "hex digits" });
    out[i] = (hi << 4) | lo;
  }
  return out;
}

/** Size of every hash in the log (SHA-256). */
export const HASH_SIZE = 32;

/** MTH({}) = SHA-256 of the empty string. */
export const EMPTY_ROOT: Uint8Array = sha256(new Uint8Array(0));

/** `SHA-256(0x00 || leaf)`: the leaf hash RFC 9162 writes MTH({d0}). */
export function leafHash(leaf: BytesLike): Uint8Array {
  const data = bytesOf(leaf, "leaf");
  const buf = new Uint8Array(data.length + 1);
  buf.set(data, 1);
  return sha256(buf);
}

const nodeBuf = new Uint8Array(1 + 2 * HASH_SIZE);
nodeBuf[0] = 1;

/** `SHA-256(0x01 || left || right)`. Both inputs must be 32 bytes. */
export function nodeHash(left: Uint8Array, right: Uint8Array): Uint8Array {
  if (left.length !== HASH_SIZE || right.length !== HASH_SIZE) {
    throw new HashSizeError(left.length !== HASH_SIZE ? "left" : "right", left.length !== HASH_SIZE ? left.length : right.length);
  }
  nodeBuf.set(left, 1);
  nodeBuf.set(right, 1 + HASH_SIZE);
  return sha256(nodeBuf);
}

/** A hash argument that is not 32 bytes. */
export class HashSizeError extends PocError {
  override name = "HashSizeError";
  constructor(
    readonly field: string,
    readonly got: number,
  ) {
    super(`${field}: expected a ${HASH_SIZE}-byte hash, got ${got} bytes`);
  }
}

/** Parses a 32-byte hash given as bytes or hex; throws HashSizeError naming `field`. */
export function toHash(value: BytesLike, field: string): Uint8Array {
  const bytes = bytesOf(value, field);
  if (bytes.length !== HASH_SIZE) throw new HashSizeError(field, bytes.length);
  return bytes;
}

/** Largest power of two strictly below n (n >= 2): RFC 9162's split point k. */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}
