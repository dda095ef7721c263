/**
 * Simulator key pairs derived from a seed: P-256 keys signing deterministically (RFC 6979 through
 * @noble/curves) so that one seed issues byte-identical certificates and quotes, and RSA keys
 * (generated from the seed, signing through WebCrypto's RSASSA-PKCS1-v1_5, itself deterministic).
 */
import { p256 } from "@noble/curves/nist.js";
import { bigIntToBytes, bytesToBigInt, deriveBytes, deriveP256SecretKey, type SimulatorSeed } from "./random.js";

const subtle = (): SubtleCrypto => globalThis.crypto.subtle;

function b64url(b: Uint8Array): string {
  let s = "";
  for (const x of b) s += String.fromCharCode(x);
  return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

export type SimulatedP256Key = {
  kind: "p256";
  secretKey: Uint8Array;
  /** Uncompressed point without the 0x04 prefix: x || y (the 64-byte form quotes carry). */
  publicKeyRaw: Uint8Array;
  /** Deterministic (RFC 6979) ECDSA-SHA256 signature as r || s (64 bytes). */
  sign(message: Uint8Array): Uint8Array;
};

export function deriveP256Key(seed: SimulatorSeed, label: string): SimulatedP256Key {
  const secretKey = deriveP256SecretKey(seed, "p256/" + label);
  const pub = p256.getPublicKey(secretKey, false);
  return {
    kind: "p256",
    secretKey,
    publicKeyRaw: pub.slice(1),
    sign: (message) => p256.sign(message, secretKey, { prehash: true, lowS: false }),
  };
}

export type SimulatedRsaKey = {
  kind: "rsa";
  modulus: Uint8Array;
  exponent: number;
  keys: CryptoKeyPair;
  /** RSASSA-PKCS1-v1_5 with SHA-256 (deterministic by construction). */
  sign(message: Uint8Array): Promise<Uint8Array>;
};

// Miller-Rabin with bases derived from the candidate: the simulator needs reproducible RSA keys and
// WebCrypto cannot generate a key from a seed.
function modPow(b: bigint, e: bigint, m: bigint): bigint {
  let r = 1n;
  b %= m;
  while (e > 0n) {
    if (e & 1n) r = (r * b) % m;
    b = (b * b) % m;
    e >>= 1n;
  }
  return r;
}

const SMALL_PRIMES = (() => {
  const out: bigint[] = [];
  for (let n = 3; out.length < 300; n += 2) if (out.every((p) => BigInt(n) % p !== 0n)) out.push(BigInt(n));
  return out;
})();

function isProbablePrime(n: bigint, seed: SimulatorSeed, label: string): boolean {
  for (const p of SMALL_PRIMES) if (n % p === 0n) return n === p;
  let d = n - 1n;
  let s = 0;
  while ((d & 1n) === 0n) {
    d >>= 1n;
    s++;
  }
  for (let i = 0; i < 24; i++) {
    const a = (bytesToBigInt(deriveBytes(seed, `${label}/mr${i}`, 64)) % (n - 4n)) + 2n;
    let x = modPow(a, d, n);
    if (x === 1n || x === n - 1n) continue;
    let composite = true;
    for (let r = 1; r < s; r++) {
      x = (x * x) % n;
      if (x === n - 1n) {
        composite = false;
        break;
      }
    }
    if (composite) return false;
  }
  return true;
}

function derivePrime(seed: SimulatorSeed, label: string, bits: number, e: bigint): bigint {
  const start = deriveBytes(seed, label, bits / 8);
  start[0]! |= 0xc0; // top two bits set, so p*q has exactly 2*bits bits
  start[start.length - 1]! |= 1;
  for (let c = bytesToBigInt(start); ; c += 2n) {
    if ((c - 1n) % e === 0n) continue;
    if (isProbablePrime(c, seed, label)) return c;
  }
}

function modInverse(a: bigint, m: bigint): bigint {
  let [r0, r1] = [a % m, m];
  let [s0, s1] = [1n, 0n];
  while (r1 !== 0n) {
    const q = r0 / r1;
    [r0, r1] = [r1, r0 - q * r1];
    [s0, s1] = [s1, s0 - q * s1];
  }
  return ((s0 % m) + m) % m;
}

const rsaCache = new Map<string, Promise<SimulatedRsaKey>>();

/** A reproducible RSA key (default 2048 bits, e = 65537) for RSASSA-PKCS1-v1_5 SHA-256. */
export function deriveRsaKey(seed: SimulatorSeed, label: string, bits = 2048): Promise<SimulatedRsaKey> {
  const cacheKey = `${typeof seed === "string" ? seed : Array.from(seed).join(",")}|${label}|${bits}`;
  let p = rsaCache.get(cacheKey);
  if (!p) {
    p = buildRsaKey(seed, label, bits);
    rsaCache.set(cacheKey, p);
  }
  return p;
}

async function buildRsaKey(seed: SimulatorSeed, label: string, bits: number): Promise<SimulatedRsaKey> {
  const e = 65537n;
  const p = derivePrime(seed, `rsa/${label}/p`, bits / 2, e);
  let q = derivePrime(seed, `rsa/${label}/q`, bits / 2, e);
  if (q === p) q = derivePrime(seed, `rsa/${label}/q2`, bits / 2, e);
  const n = p * q;
  const d = modInverse(e, (p - 1n) * (q - 1n));
  const len = bits / 8;
  const enc = (v: bigint, l: number) => b64url(bigIntToBytes(v, l));
  const pub = { kty: "RSA", n: enc(n, len), e: enc(e, 3), ext: true };
  const jwk = {
    ...pub,
    d: enc(d, len),
    p: enc(p, len / 2),
    q: enc(q, len / 2),
    dp: enc(d % (p - 1n), len / 2),
    dq: enc(d % (q - 1n), len / 2),
    qi: enc(modInverse(q, p), len / 2),
  };
  const alg = { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" };
  const privateKey = await subtle().importKey("jwk", jwk, alg, true, ["sign"]);
  const publicKey = await subtle().importKey("jwk", pub, alg, true, ["verify"]);
  return {
    kind: "rsa",
    modulus: bigIntToBytes(n, len),
    exponent: 65537,
    keys: { privateKey, publicKey },
    sign: async (message) => new Uint8Array(await subtle().sign(alg, privateKey, message as BufferSource)),
  };
}
