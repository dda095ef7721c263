/**
 * Deterministic randomness for the simulator: every key, serial number and nonce is derived from a
 * caller's seed and a label, so the same seed always issues byte-identical PKIs, quotes and collateral.
 * Never use these keys outside tests: anyone who knows the seed knows every private key.
 */
import { p256 } from "@noble/curves/nist.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { utf8ToBytes } from "@noble/hashes/utils.js";
import { concatBytes } from "../bytes.js";

export type SimulatorSeed = string | Uint8Array;

export function seedBytes(seed: SimulatorSeed): Uint8Array {
  return typeof seed === "string" ? utf8ToBytes(seed) : seed;
}

/** `n` bytes expanded from (seed, label) with SHA-256 in counter mode. */
export function deriveBytes(seed: SimulatorSeed, label: string, n: number): Uint8Array {
  const base = sha256(concatBytes(utf8ToBytes("poc-simulator/v1\0"), seedBytes(seed), utf8ToBytes("\0" + label)));
  const out = new Uint8Array(n);
  for (let i = 0, o = 0; o < n; i++) {
    const block = sha256(concatBytes(base, new Uint8Array([i >>> 24, (i >>> 16) & 255, (i >>> 8) & 255, i & 255])));
    out.set(block.subarray(0, Math.min(32, n - o)), o);
    o += 32;
  }
  return out;
}

export function bytesToBigInt(b: Uint8Array): bigint {
  let v = 0n;
  for (const x of b) v = (v << 8n) | BigInt(x);
  return v;
}

export function bigIntToBytes(v: bigint, length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = length - 1; i >= 0; i--) {
    out[i] = Number(v & 255n);
    v >>= 8n;
  }
  if (v !== 0n) throw new RangeError(`integer does not fit in ${length} bytes`);
  return out;
}

/** A P-256 secret scalar in [1, n-1], reduced from 48 derived bytes (bias below 2^-128). */
export function deriveP256SecretKey(seed: SimulatorSeed, label: string): Uint8Array {
  const n = p256.Point.CURVE().n;
  const k = (bytesToBigInt(deriveBytes(seed, label, 48)) % (n - 1n)) + 1n;
  return bigIntToBytes(k, 32);
}

/** A positive X.509 serial number (hex, 16 bytes, top bit clear so DER needs no sign byte). */
export function deriveSerial(seed: SimulatorSeed, label: string): string {
  const b = deriveBytes(seed, "serial/" + label, 16);
  b[0] = (b[0]! & 0x7f) | 0x10;
  let s = "";
  for (const x of b) s += x.toString(16).padStart(2, "0");
  return s;
}
