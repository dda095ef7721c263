/**
 * TPM 2.0 structures (TCG TPM 2.0 Library Part 2), big-endian: TPMS_ATTEST (quote), TPMT_SIGNATURE,
 * TPMT_PUBLIC. Byte layouts: docs/tpm.md.
 */
import { sha1 } from "@noble/hashes/legacy.js";
import { sha256, sha384, sha512 } from "@noble/hashes/sha2.js";
import { ByteReader } from "../bytes.js";
import { ParseError } from "../errors.js";

export const TPM_GENERATED_VALUE = 0xff544347;
export const TPM_ST_ATTEST_QUOTE = 0x8018;

export const TPM_ALG = {
  RSA: 0x0001,
  SHA1: 0x0004,
  NULL: 0x0010,
  SHA256: 0x000b,
  SHA384: 0x000c,
  SHA512: 0x000d,
  RSASSA: 0x0014,
  RSAPSS: 0x0016,
  ECDSA: 0x0018,
  ECC: 0x0023,
} as const;

export type TpmHashName = "SHA1" | "SHA256" | "SHA384" | "SHA512";
const HASHES: Record<number, { name: TpmHashName; size: number; fn: (m: Uint8Array) => Uint8Array; web: string }> = {
  [TPM_ALG.SHA1]: { name: "SHA1", size: 20, fn: sha1, web: "SHA-1" },
  [TPM_ALG.SHA256]: { name: "SHA256", size: 32, fn: sha256, web: "SHA-256" },
  [TPM_ALG.SHA384]: { name: "SHA384", size: 48, fn: sha384, web: "SHA-384" },
  [TPM_ALG.SHA512]: { name: "SHA512", size: 64, fn: sha512, web: "SHA-512" },
};

export function tpmHash(alg: number): { name: TpmHashName; size: number; fn: (m: Uint8Array) => Uint8Array; web: string } | undefined {
  return HASHES[alg];
}

export function tpmHashAlgByName(name: string): number | undefined {
  for (const [k, v] of Object.entries(HASHES)) if (v.name === name.toUpperCase().replace("-", "")) return Number(k);
  return undefined;
}

function hashAlg(r: ByteReader, field: string): number {
  const at = r.base + r.offset;
  const alg = r.u16be(field);
  if (!HASHES[alg]) throw new ParseError({ structure: r.structure, field, offset: at, expected: "SHA1, SHA256, SHA384 or SHA512", got: `0x${alg.toString(16)}` });
  return alg;
}

function tpm2b(r: ByteReader, field: string, max = 4096): Uint8Array {
  const at = r.base + r.offset;
  const n = r.u16be(`${field}.size`);
  if (n > max) throw new ParseError({ structure: r.structure, field: `${field}.size`, offset: at, expected: `<= ${max}`, got: String(n) });
  return r.take(n, field);
}

export type TpmsPcrSelection = { hashAlg: number; pcrs: number[] };

export type TpmsAttestQuote = {
  raw: Uint8Array;
  qualifiedSigner: Uint8Array;
  extraData: Uint8Array;
  clock: bigint;
  resetCount: number;
  restartCount: number;
  safe: boolean;
  firmwareVersion: bigint;
  pcrSelections: TpmsPcrSelection[];
  pcrDigest: Uint8Array;
};

/** TPMS_ATTEST of type TPM_ST_ATTEST_QUOTE. */
export function parseTpmsAttest(bytes: Uint8Array): TpmsAttestQuote {
  const r = new ByteReader(bytes, "TPMS_ATTEST");
  const magic = r.u32be("magic");
  if (magic !== TPM_GENERATED_VALUE) throw new ParseError({ structure: "TPMS_ATTEST", field: "magic", offset: 0, expected: "0xff544347 (TPM_GENERATED_VALUE)", got: `0x${magic.toString(16)}` });
  const type = r.u16be("type");
  if (type !== TPM_ST_ATTEST_QUOTE) throw new ParseError({ structure: "TPMS_ATTEST", field: "type", offset: 4, expected: "0x8018 (TPM_ST_ATTEST_QUOTE)", got: `0x${type.toString(16)}` });
  const qualifiedSigner = tpm2b(r, "qualifiedSigner", 2 + 64);
  const extraData = tpm2b(r, "extraData", 64);
  const clock = r.u64be("clockInfo.clock");
  const resetCount = r.u32be("clockInfo.resetCount");
  const restartCount = r.u32be("clockInfo.restartCount");
  const safeAt = r.offset;
  const safeByte = r.u8("clockInfo.safe");
  if (safeByte > 1) throw new ParseError({ structure: "TPMS_ATTEST", field: "clockInfo.safe", offset: safeAt, expected: "0 or 1", got: String(safeByte) });
  const firmwareVersion = r.u64be("firmwareVersion");
  const countAt = r.offset;
  const count = r.u32be("pcrSelect.count");
  if (count > 16) throw new ParseError({ structure: "TPMS_ATTEST", field: "pcrSelect.count", offset: countAt, expected: "<= 16", got: String(count) });
  const pcrSelections: TpmsPcrSelection[] = [];
  for (let i = 0; i < count; i++) {
    const alg = hashAlg(r, `pcrSelections[${i}].hash`);
    const sizeAt = r.offset;
    const size = r.u8(`pcrSelections[${i}].sizeofSelect`);
    if (size < 3 || size > 8) throw new ParseError({ structure: "TPMS_ATTEST", field: `pcrSelections[${i}].sizeofSelect`, offset: sizeAt, expected: "3..8", got: String(size) });
    const bitmap = r.take(size, `pcrSelections[${i}].pcrSelect`);
    const pcrs: number[] = [];
    for (let b = 0; b < size * 8; b++) if (bitmap[b >> 3]! & (1 << (b & 7))) pcrs.push(b);
    pcrSelections.push({ hashAlg: alg, pcrs });
  }
  const pcrDigest = tpm2b(r, "pcrDigest", 64);
  r.end();
  return { raw: bytes, qualifiedSigner, extraData, clock, resetCount, restartCount, safe: safeByte === 1, firmwareVersion, pcrSelections, pcrDigest };
}

export type TpmtSignature =
  | { sigAlg: typeof TPM_ALG.RSASSA | typeof TPM_ALG.RSAPSS; hashAlg: number; signature: Uint8Array }
  | { sigAlg: typeof TPM_ALG.ECDSA; hashAlg: number; r: Uint8Array; s: Uint8Array };

export function parseTpmtSignature(bytes: Uint8Array): TpmtSignature {
  const r = new ByteReader(bytes, "TPMT_SIGNATURE");
  const sigAlg = r.u16be("sigAlg");
  let out: TpmtSignature;
  if (sigAlg === TPM_ALG.RSASSA || sigAlg === TPM_ALG.RSAPSS) {
    const h = hashAlg(r, "hash");
    out = { sigAlg, hashAlg: h, signature: tpm2b(r, "sig", 1024) };
  } else if (sigAlg === TPM_ALG.ECDSA) {
    const h = hashAlg(r, "hash");
    out = { sigAlg, hashAlg: h, r: tpm2b(r, "signatureR", 66), s: tpm2b(r, "signatureS", 66) };
  } else {
    throw new ParseError({ structure: "TPMT_SIGNATURE", field: "sigAlg", offset: 0, expected: "RSASSA (0x14), RSAPSS (0x16) or ECDSA (0x18)", got: `0x${sigAlg.toString(16)}` });
  }
  r.end();
  return out;
}

export type TpmtPublic = {
  raw: Uint8Array;
  type: typeof TPM_ALG.RSA | typeof TPM_ALG.ECC;
  nameAlg: number;
  objectAttributes: number;
  authPolicy: Uint8Array;
  /** Signing scheme fixed by the key (TPM_ALG_NULL when any is allowed) and its hash. */
  scheme: { alg: number; hashAlg?: number };
  rsa?: { keyBits: number; exponent: number; modulus: Uint8Array } | undefined;
  ecc?: { curve: "P-256" | "P-384"; x: Uint8Array; y: Uint8Array } | undefined;
};

/** TPMA_OBJECT bits 0, 3, 8, 9, 12-15, 20-31 are reserved. */
const TPMA_OBJECT_RESERVED = 0xfff0f309;
/** An attestation key: fixedTPM (1), fixedParent (4), sensitiveDataOrigin (5), restricted (16), sign (18). */
export const TPMA_AK_REQUIRED = (1 << 1) | (1 << 4) | (1 << 5) | (1 << 16) | (1 << 18);
export const TPMA_OBJECT_DECRYPT = 1 << 17;

const TPM_ECC_NIST_P256 = 0x0003;
const TPM_ECC_NIST_P384 = 0x0004;

function scheme(r: ByteReader, field: string): { alg: number; hashAlg?: number } {
  const alg = r.u16be(`${field}.scheme`);
  if (alg === TPM_ALG.NULL) return { alg };
  return { alg, hashAlg: hashAlg(r, `${field}.details.hashAlg`) };
}

export function parseTpmtPublic(bytes: Uint8Array): TpmtPublic {
  const r = new ByteReader(bytes, "TPMT_PUBLIC");
  const type = r.u16be("type");
  if (type !== TPM_ALG.RSA && type !== TPM_ALG.ECC) throw new ParseError({ structure: "TPMT_PUBLIC", field: "type", offset: 0, expected: "RSA (0x1) or ECC (0x23)", got: `0x${type.toString(16)}` });
  const nameAlg = hashAlg(r, "nameAlg");
  const objectAttributes = r.u32be("objectAttributes");
  if (objectAttributes & TPMA_OBJECT_RESERVED) {
    throw new ParseError({ structure: "TPMT_PUBLIC", field: "objectAttributes", offset: 4, expected: "reserved bits clear", got: `0x${objectAttributes.toString(16)}` });
  }
  const authPolicy = tpm2b(r, "authPolicy", 64);
  const symAt = r.offset;
  const sym = r.u16be("parameters.symmetric.algorithm");
  if (sym !== TPM_ALG.NULL) {
    // A signing key (an AK) has no symmetric algorithm.
    throw new ParseError({ structure: "TPMT_PUBLIC", field: "parameters.symmetric", offset: symAt, expected: "TPM_ALG_NULL (a signing key)", got: `0x${sym.toString(16)}` });
  }
  const sch = scheme(r, "parameters");
  let out: TpmtPublic;
  if (type === TPM_ALG.RSA) {
    const keyBitsAt = r.offset;
    const keyBits = r.u16be("parameters.keyBits");
    if (![1024, 2048, 3072, 4096].includes(keyBits)) throw new ParseError({ structure: "TPMT_PUBLIC", field: "parameters.keyBits", offset: keyBitsAt, expected: "1024, 2048, 3072 or 4096", got: String(keyBits) });
    const exponent = r.u32be("parameters.exponent") || 65537;
    const modAt = r.offset;
    const modulus = tpm2b(r, "unique.rsa", 512);
    if (modulus.length !== keyBits / 8) throw new ParseError({ structure: "TPMT_PUBLIC", field: "unique.rsa", offset: modAt, expected: `${keyBits / 8}-byte modulus`, got: `${modulus.length}` });
    out = { raw: bytes, type, nameAlg, objectAttributes, authPolicy, scheme: sch, rsa: { keyBits, exponent, modulus } };
  } else {
    const curveAt = r.offset;
    const curveId = r.u16be("parameters.curveID");
    const curve = curveId === TPM_ECC_NIST_P256 ? "P-256" : curveId === TPM_ECC_NIST_P384 ? "P-384" : undefined;
    if (!curve) throw new ParseError({ structure: "TPMT_PUBLIC", field: "parameters.curveID", offset: curveAt, expected: "NIST P-256 (3) or P-384 (4)", got: String(curveId) });
    const kdf = r.u16be("parameters.kdf.scheme");
    if (kdf !== TPM_ALG.NULL) hashAlg(r, "parameters.kdf.details.hashAlg");
    const n = curve === "P-256" ? 32 : 48;
    const xAt = r.offset;
    const x = tpm2b(r, "unique.ecc.x", n);
    const y = tpm2b(r, "unique.ecc.y", n);
    if (x.length !== n || y.length !== n) throw new ParseError({ structure: "TPMT_PUBLIC", field: "unique.ecc", offset: xAt, expected: `${n}-byte coordinates` });
    out = { raw: bytes, type, nameAlg, objectAttributes, authPolicy, scheme: sch, ecc: { curve, x, y } };
  }
  r.end();
  return out;
}

/** TPM object Name: nameAlg (u16) || H_nameAlg(TPMT_PUBLIC). */
export function tpmObjectName(pub: TpmtPublic): Uint8Array {
  const h = HASHES[pub.nameAlg]!;
  const out = new Uint8Array(2 + h.size);
  out[0] = pub.nameAlg >> 8;
  out[1] = pub.nameAlg & 0xff;
  out.set(h.fn(pub.raw), 2);
  return out;
}
