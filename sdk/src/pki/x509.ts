/**
 * X.509 certificates for the SEV-SNP, TPM and Nitro verifiers: RSA PKCS#1 v1.5, RSA-PSS and ECDSA
 * P-256/P-384/P-521 chains, with signature checks through WebCrypto. The bytes are read by the
 * SDK's one certificate reader (certificate.ts, strict DER, shared with the Intel path); this file
 * is the general policy on top: which keys and signature algorithms it accepts and how a chain to
 * a pinned root is verified. No ASN.1 library, so nothing here needs a reflect-metadata polyfill.
 */
import { ParseError, VerificationError } from "../errors.js";
import { equalBytes, hex } from "../bytes.js";
import { pemCertificateBlocks } from "./pem.js";
import { OIDS, ecdsaSignatureP1363, readCertificate, readRsaPssParams } from "./certificate.js";

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
  signatureParams?: Uint8Array | undefined;
  signature: Uint8Array;
  /** extnValue contents by OID. */
  extensions: Map<string, { critical: boolean; value: Uint8Array }>;
  /** basicConstraints cA, undefined when the extension is absent. */
  isCA?: boolean | undefined;
};

const CURVES: Record<string, "P-256" | "P-384" | "P-521"> = {
  "1.2.840.10045.3.1.7": "P-256",
  "1.3.132.0.34": "P-384",
  "1.3.132.0.35": "P-521",
};

/** Value of one attribute (e.g. "CN") in a distinguished name string from `Certificate.subject`. */
export function nameAttribute(name: string, attr: string): string | undefined {
  for (const part of name.split(", ")) if (part.startsWith(attr + "=")) return part.slice(attr.length + 1);
  return undefined;
}

export function parseCertificate(der: Uint8Array, structure = "X.509 certificate"): Certificate {
  const c = readCertificate(der, structure);
  const k = c.publicKey;
  let publicKey: PublicKeyInfo;
  if (k.kind === "rsa") {
    publicKey = { kind: "rsa", modulus: k.modulus, exponent: k.exponent };
  } else if (k.kind === "ec") {
    const curve = k.curve ? CURVES[k.curve] : undefined;
    if (!curve) throw unsupported(structure, `unsupported curve ${k.curve}`);
    publicKey = { kind: "ec", curve, point: k.point };
  } else {
    throw unsupported(structure, `unsupported key algorithm ${k.algorithm.oid}`);
  }
  const extensions = new Map<string, { critical: boolean; value: Uint8Array }>();
  for (const e of c.extensions) extensions.set(e.oid, { critical: e.critical, value: e.value });
  return {
    der,
    tbs: c.tbs,
    subject: c.subject,
    issuer: c.issuer,
    subjectDer: c.subjectDer,
    issuerDer: c.issuerDer,
    serialNumber: hex(c.serial),
    notBefore: new Date(c.notBefore * 1000),
    notAfter: new Date(c.notAfter * 1000),
    publicKey,
    signatureAlgorithm: c.signatureAlgorithm.oid,
    // An explicit NULL (05 00, as RSA PKCS#1 v1.5 carries) reads as no parameters.
    signatureParams: isNull(c.signatureAlgorithm.parameters) ? undefined : c.signatureAlgorithm.parameters,
    signature: c.signature,
    extensions,
    isCA: c.basicConstraints?.cA,
  };
}

function isNull(p: Uint8Array | undefined): boolean {
  return p === undefined || (p.length === 2 && p[0] === 0x05 && p[1] === 0x00);
}

function unsupported(structure: string, got: string): ParseError {
  return new ParseError({ structure, field: "tbsCertificate", offset: 0, expected: "a certificate with an RSA or EC key", got });
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
    if (cert.signatureAlgorithm === OIDS.rsassaPss) {
      if (issuer.publicKey.kind !== "rsa" || !cert.signatureParams) return false;
      const p = readRsaPssParams(cert.signatureParams, "RSASSA-PSS-params");
      const hash = HASH_OIDS[p.hash];
      if (!hash || p.trailerField !== 1 || p.maskGen !== OIDS.mgf1) return false;
      // WebCrypto's RSA-PSS uses MGF1 with the message hash: the certificate must say the same.
      if (p.maskGenHash !== p.hash) return false;
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
    const raw = ecdsaSignatureP1363(cert.signature, n, "ECDSA-Sig-Value", "signature");
    const key = await importVerifyKey(issuer.publicKey, { name: "ECDSA", namedCurve: issuer.publicKey.curve });
    return await crypto.subtle.verify({ name: "ECDSA", hash: alg.hash }, key, raw as BufferSource, cert.tbs as BufferSource);
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
