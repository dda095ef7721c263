/**
 * X.509 certificates for the SEV-SNP, TPM and Nitro verifiers: parsing through @peculiar/asn1-x509
 * (no hand-written ASN.1) and signature checks through WebCrypto. We avoid @peculiar/x509 here
 * because it needs a global reflect-metadata polyfill, which a browser-safe SDK must not impose.
 */
import { AsnConvert } from "@peculiar/asn1-schema";
import { AlgorithmIdentifier, Certificate as AsnCertificate, Name, BasicConstraints, id_ce_basicConstraints } from "@peculiar/asn1-x509";
import { RSAPublicKey, RsaSaPssParams, id_RSASSA_PSS, id_rsaEncryption } from "@peculiar/asn1-rsa";
import { ECDSASigValue, ECParameters, id_ecPublicKey } from "@peculiar/asn1-ecc";
import { ParseError, VerificationError } from "../errors.js";
import { equalBytes, hex } from "../bytes.js";
import { pemCertificateBlocks } from "./pem.js";

export type PublicKeyInfo =
  | { kind: "rsa"; modulus: Uint8Array; exponent: Uint8Array }
  | { kind: "ec"; curve: "P-256" | "P-384" | "P-521"; point: Uint8Array };

export type Certificate = {
  der: Uint8Array;
  tbs: Uint8Array;
  subject: string;
  issuer: string;
  subjectDer: Uint8Array;
  issuerDer: Uint8Array;
  serialNumber: string;
  notBefore: Date;
  notAfter: Date;
  publicKey: PublicKeyInfo;
  signatureAlgorithm: string;
  signatureParams?: Uint8Array;
  signature: Uint8Array;
  /** extnValue contents by OID. */
  extensions: Map<string, { critical: boolean; value: Uint8Array }>;
  /** basicConstraints cA, undefined when the extension is absent. */
  isCA?: boolean;
};

const OID_NAMES: Record<string, string> = {
  "2.5.4.3": "CN",
  "2.5.4.6": "C",
  "2.5.4.7": "L",
  "2.5.4.8": "ST",
  "2.5.4.10": "O",
  "2.5.4.11": "OU",
  "2.5.4.5": "serialNumber",
};
const CURVES: Record<string, "P-256" | "P-384" | "P-521"> = {
  "1.2.840.10045.3.1.7": "P-256",
  "1.3.132.0.34": "P-384",
  "1.3.132.0.35": "P-521",
};

function nameToString(name: Name): string {
  return name
    .map((rdn) => rdn.map((atv) => `${OID_NAMES[atv.type] ?? atv.type}=${atv.value.toString()}`).join("+"))
    .join(", ");
}

/** Value of one attribute (e.g. "CN") in a distinguished name string from `Certificate.subject`. */
export function nameAttribute(name: string, attr: string): string | undefined {
  for (const part of name.split(", ")) if (part.startsWith(attr + "=")) return part.slice(attr.length + 1);
  return undefined;
}

export function parseCertificate(der: Uint8Array, structure = "X.509 certificate"): Certificate {
  let asn: AsnCertificate;
  try {
    asn = AsnConvert.parse(der, AsnCertificate);
  } catch (cause) {
    throw new ParseError({ structure, field: "Certificate", offset: 0, expected: "DER X.509 certificate", cause });
  }
  try {
    const tbs = asn.tbsCertificate;
    const raw = asn.tbsCertificateRaw;
    if (!raw) throw new Error("no raw TBS");
    const reencoded = new Uint8Array(AsnConvert.serialize(asn));
    // The signature covers the original bytes; refuse input with trailing data or non-DER framing.
    if (!equalBytes(reencoded, der)) throw new Error("not DER: the certificate does not re-encode to the same bytes");
    // RFC 5280 4.1.1.2: the unsigned outer algorithm must equal the signed one inside the TBS.
    if (!equalBytes(new Uint8Array(AsnConvert.serialize(asn.signatureAlgorithm)), new Uint8Array(AsnConvert.serialize(tbs.signature)))) {
      throw new Error("signatureAlgorithm differs from tbsCertificate.signature");
    }
    const spki = tbs.subjectPublicKeyInfo;
    let publicKey: PublicKeyInfo;
    if (spki.algorithm.algorithm === id_rsaEncryption || spki.algorithm.algorithm === id_RSASSA_PSS) {
      const k = AsnConvert.parse(spki.subjectPublicKey, RSAPublicKey);
      publicKey = { kind: "rsa", modulus: stripZeros(new Uint8Array(k.modulus)), exponent: stripZeros(new Uint8Array(k.publicExponent)) };
    } else if (spki.algorithm.algorithm === id_ecPublicKey) {
      const params = AsnConvert.parse(spki.algorithm.parameters!, ECParameters);
      const curve = params.namedCurve ? CURVES[params.namedCurve] : undefined;
      if (!curve) throw new Error(`unsupported curve ${params.namedCurve}`);
      publicKey = { kind: "ec", curve, point: new Uint8Array(spki.subjectPublicKey) };
    } else {
      throw new Error(`unsupported key algorithm ${spki.algorithm.algorithm}`);
    }
    const extensions = new Map<string, { critical: boolean; value: Uint8Array }>();
    let isCA: boolean | undefined;
    for (const e of tbs.extensions ?? []) {
      const value = new Uint8Array(e.extnValue.buffer);
      extensions.set(e.extnID, { critical: e.critical, value });
      if (e.extnID === id_ce_basicConstraints) isCA = AsnConvert.parse(value, BasicConstraints).cA;
    }
    return {
      der,
      tbs: new Uint8Array(raw),
      subject: nameToString(tbs.subject),
      issuer: nameToString(tbs.issuer),
      subjectDer: new Uint8Array(AsnConvert.serialize(tbs.subject)),
      issuerDer: new Uint8Array(AsnConvert.serialize(tbs.issuer)),
      serialNumber: hex(new Uint8Array(tbs.serialNumber)),
      notBefore: tbs.validity.notBefore.getTime(),
      notAfter: tbs.validity.notAfter.getTime(),
      publicKey,
      signatureAlgorithm: asn.signatureAlgorithm.algorithm,
      signatureParams: asn.signatureAlgorithm.parameters ? new Uint8Array(asn.signatureAlgorithm.parameters) : undefined,
      signature: new Uint8Array(asn.signatureValue),
      extensions,
      isCA,
    };
  } catch (cause) {
    if (cause instanceof ParseError) throw cause;
    throw new ParseError({
      structure,
      field: "tbsCertificate",
      offset: 0,
      expected: "a certificate with an RSA or EC key",
      got: cause instanceof Error ? cause.message : String(cause),
      cause,
    });
  }
}

function stripZeros(b: Uint8Array): Uint8Array {
  let i = 0;
  while (i < b.length - 1 && b[i] === 0) i++;
  return b.subarray(i);
}

function b64(bytes: Uint8Array): string {
  let s = "";
  for (const x of bytes) s += String.fromCharCode(x);
  return btoa(s);
}
function b64url(bytes: Uint8Array): string {
  return b64(bytes).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/**
 * Certificates from PEM text (any number of blocks) or DER bytes (one certificate). `input` may be
 * the file's bytes: PEM is recognised by its "-----BEGIN" marker.
 */
export function parseCertificates(input: Uint8Array | string, structure = "certificates"): Certificate[] {
  const text = typeof input === "string" ? input : looksLikePem(input) ? new TextDecoder().decode(input) : undefined;
  if (text === undefined) return [parseCertificate(input as Uint8Array, structure)];
  const out = pemCertificateBlocks(text, structure).map(({ der }) => parseCertificate(der, structure));
  if (out.length === 0) throw new ParseError({ structure, field: "PEM", offset: 0, expected: "at least one CERTIFICATE block" });
  return out;
}

function looksLikePem(b: Uint8Array): boolean {
  const head = new TextDecoder().decode(b.subarray(0, Math.min(b.length, 200)));
  return head.includes("-----BEGIN");
}

const HASH_OIDS: Record<string, string> = {
  "1.3.14.3.2.26": "SHA-1",
  "2.16.840.1.101.3.4.2.1": "SHA-256",
  "2.16.840.1.101.3.4.2.2": "SHA-384",
  "2.16.840.1.101.3.4.2.3": "SHA-512",
};
const SIG_ALGS: Record<string, { kind: "rsa" | "ec"; hash: string }> = {
  "1.2.840.113549.1.1.11": { kind: "rsa", hash: "SHA-256" },
  "1.2.840.113549.1.1.12": { kind: "rsa", hash: "SHA-384" },
  "1.2.840.113549.1.1.13": { kind: "rsa", hash: "SHA-512" },
  "1.2.840.10045.4.3.2": { kind: "ec", hash: "SHA-256" },
  "1.2.840.10045.4.3.3": { kind: "ec", hash: "SHA-384" },
  "1.2.840.10045.4.3.4": { kind: "ec", hash: "SHA-512" },
};
const CURVE_BYTES = { "P-256": 32, "P-384": 48, "P-521": 66 } as const;

/** Imports a key for WebCrypto `verify` (JWK, so browsers accept RSA-PSS-typed SPKIs too). */
export async function importVerifyKey(key: PublicKeyInfo, algorithm: RsaHashedImportParams | EcKeyImportParams): Promise<CryptoKey> {
  if (key.kind === "rsa") {
    return crypto.subtle.importKey("jwk", { kty: "RSA", n: b64url(key.modulus), e: b64url(key.exponent), ext: true }, algorithm, false, ["verify"]);
  }
  const n = CURVE_BYTES[key.curve];
  if (key.point.length !== 1 + 2 * n || key.point[0] !== 4) throw new VerificationError("x509.key", "EC public key is not an uncompressed point");
  return crypto.subtle.importKey(
    "jwk",
    { kty: "EC", crv: key.curve, x: b64url(key.point.subarray(1, 1 + n)), y: b64url(key.point.subarray(1 + n)), ext: true },
    algorithm,
    false,
    ["verify"],
  );
}

/** Big-endian integer → fixed width (for IEEE P1363 r||s); undefined when it does not fit. */
export function fixedWidth(int: Uint8Array, width: number): Uint8Array | undefined {
  const v = stripZeros(int);
  if (v.length > width) return undefined;
  const out = new Uint8Array(width);
  out.set(v, width - v.length);
  return out;
}

/** Whether `issuer`'s key signed `cert`. Never throws on a bad signature: returns false. */
export async function verifyCertificateSignature(cert: Certificate, issuer: Certificate): Promise<boolean> {
  try {
    if (cert.signatureAlgorithm === id_RSASSA_PSS) {
      if (issuer.publicKey.kind !== "rsa" || !cert.signatureParams) return false;
      const p = AsnConvert.parse(cert.signatureParams, RsaSaPssParams);
      const hash = HASH_OIDS[p.hashAlgorithm.algorithm];
      if (!hash || p.trailerField !== 1 || p.maskGenAlgorithm.algorithm !== "1.2.840.113549.1.1.8") return false;
      // WebCrypto's RSA-PSS uses MGF1 with the message hash: the certificate must say the same.
      const mgfHash = AsnConvert.parse(p.maskGenAlgorithm.parameters!, AlgorithmIdentifier);
      if (mgfHash.algorithm !== p.hashAlgorithm.algorithm) return false;
      const key = await importVerifyKey(issuer.publicKey, { name: "RSA-PSS", hash });
      return await crypto.subtle.verify({ name: "RSA-PSS", saltLength: p.saltLength }, key, cert.signature as BufferSource, cert.tbs as BufferSource);
    }
    const alg = SIG_ALGS[cert.signatureAlgorithm];
    if (!alg || alg.kind !== issuer.publicKey.kind) return false;
    if (alg.kind === "rsa") {
      const key = await importVerifyKey(issuer.publicKey, { name: "RSASSA-PKCS1-v1_5", hash: alg.hash });
      return await crypto.subtle.verify("RSASSA-PKCS1-v1_5", key, cert.signature as BufferSource, cert.tbs as BufferSource);
    }
    if (issuer.publicKey.kind !== "ec") return false;
    const n = CURVE_BYTES[issuer.publicKey.curve];
    const sig = AsnConvert.parse(cert.signature, ECDSASigValue);
    const r = fixedWidth(new Uint8Array(sig.r), n);
    const s = fixedWidth(new Uint8Array(sig.s), n);
    if (!r || !s) return false;
    const key = await importVerifyKey(issuer.publicKey, { name: "ECDSA", namedCurve: issuer.publicKey.curve });
    const raw = new Uint8Array(2 * n);
    raw.set(r);
    raw.set(s, n);
    return await crypto.subtle.verify({ name: "ECDSA", hash: alg.hash }, key, raw, cert.tbs as BufferSource);
  } catch {
    return false;
  }
}

/** `now` as a Date: a Date, or a number of unix seconds. */
export function toDate(now: Date | number): Date {
  return now instanceof Date ? now : new Date(now * 1000);
}

/**
 * Verifies `chain` (leaf first, then intermediates) up to the pinned `root`: each certificate is
 * signed by the next, issuer and subject names match, CAs are CAs, and all are valid at `now`.
 * The root itself must be self-signed and valid at `now`. Throws VerificationError(`${check}.*`).
 */
export async function verifyCertificateChain(args: { chain: Certificate[]; root: Certificate; now: Date | number; check: string }): Promise<void> {
  const { chain, root, check } = args;
  const now = toDate(args.now);
  const all = [...chain, root];
  if (chain.length === 0) throw new VerificationError(`${check}.empty`, `${check}: no certificate to verify`);
  for (let i = 0; i < all.length; i++) {
    const c = all[i]!;
    if (now < c.notBefore || now > c.notAfter) {
      throw new VerificationError(`${check}.validity`, `${check}: certificate "${c.subject}" is not valid at ${now.toISOString()}`, {
        details: `valid ${c.notBefore.toISOString()} – ${c.notAfter.toISOString()}`,
      });
    }
    const issuer = all[Math.min(i + 1, all.length - 1)]!;
    if (!equalBytes(c.issuerDer, issuer.subjectDer)) {
      throw new VerificationError(`${check}.issuer`, `${check}: certificate "${c.subject}" was not issued by "${issuer.subject}"`);
    }
    if (i > 0 && c.isCA === false) throw new VerificationError(`${check}.ca`, `${check}: "${c.subject}" is not a CA certificate`);
    if (!(await verifyCertificateSignature(c, issuer))) {
      throw new VerificationError(`${check}.signature`, `${check}: signature on "${c.subject}" does not verify under "${issuer.subject}"`);
    }
  }
}

export function pemToDer(pem: string): Uint8Array {
  return parseCertificates(pem)[0]!.der;
}
