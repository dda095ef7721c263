/**
 * RFC 9162 §2.1.1 hashing with SHA-256: leaf hash `SHA-256(0x00 || leaf)`, interior node
 * `SHA-256(0x01 || left || right)`, empty tree `SHA-256("")`. See docs/transparency-log.md.
 */
import { sha256 } from "@noble/hashes/sha2.js";
import { toBytes, type BytesLike } from "../bytes.js";
import { PocError } from "../errors.js";

/** Size of every hash in the log (SHA-256). */
export const HASH_SIZE = 32;

/** MTH({}) = SHA-256 of the empty string. */
export const EMPTY_ROOT: Uint8Array = sha256(new Uint8Array(0));

/** `SHA-256(0x00 || leaf)`: the leaf hash RFC 9162 writes MTH({d0}). */
export function leafHash(leaf: BytesLike): Uint8Array {
  const data = toBytes(leaf, "leaf");
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
  const bytes = toBytes(value, field);
  if (bytes.length !== HASH_SIZE) throw new HashSizeError(field, bytes.length);
  return bytes;
}

/** Largest power of two strictly below n (n >= 2): RFC 9162's split point k. */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}
