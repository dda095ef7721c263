/**
 * X.509 side of DCAP: chains to the pinned Intel SGX Root CA, CRLs, validity windows. DER is
 * decoded with @peculiar/asn1-x509 (its `tbsCertificateRaw` / `tbsCertListRaw` give the exact
 * signed bytes) and signatures are checked with WebCrypto. @peculiar/x509 is not used here because
 * it needs a global Reflect-metadata polyfill. Results are independent of time; callers check the
 * recorded validity windows against their own `now`.
 */
import { AsnConvert, AsnIntegerArrayBufferConverter, AsnProp, AsnPropTypes, AsnType, AsnTypeTypes } from "@peculiar/asn1-schema";
import { BasicConstraints, Certificate, CertificateList, id_ce_basicConstraints, type Name } from "@peculiar/asn1-x509";
import { equalBytes, hex } from "../bytes.js";
import { ParseError, VerificationError } from "../errors.js";

export type ValidityWindow = { what: string; notBefore: number; notAfter: number };

export type VerifiedCert = {
  der: Uint8Array;
  cert: Certificate;
  /** DER of the subject and issuer names (compared byte for byte, as Intel's QVL does). */
  subjectDer: Uint8Array;
  issuerDer: Uint8Array;
  subject: string;
  issuer: string;
  /** Lower-case hex without leading zero bytes. */
  serial: string;
  notBefore: number;
  notAfter: number;
  key: CryptoKey;
};

const P256 = { name: "ECDSA", namedCurve: "P-256" } as const;
const ECDSA_SHA256 = { name: "ECDSA", hash: "SHA-256" } as const;
const OID_ECDSA_SHA256 = "1.2.840.10045.4.3.2";
const OID_EC_PUBLIC_KEY = "1.2.840.10045.2.1";
const OID_P256 = "1.2.840.10045.3.1.7";

/** ECDSA-Sig-Value ::= SEQUENCE { r INTEGER, s INTEGER } (RFC 5480). */
class EcdsaSigValue {
  r = new ArrayBuffer(0);
  s = new ArrayBuffer(0);
}
AsnProp({ type: AsnPropTypes.Integer, converter: AsnIntegerArrayBufferConverter })(EcdsaSigValue.prototype, "r");
AsnProp({ type: AsnPropTypes.Integer, converter: AsnIntegerArrayBufferConverter })(EcdsaSigValue.prototype, "s");
AsnType({ type: AsnTypeTypes.Sequence })(EcdsaSigValue);

export function subtle(): SubtleCrypto {
  const s = globalThis.crypto?.subtle;
  if (!s) throw new VerificationError("crypto.unavailable", "WebCrypto (crypto.subtle) is not available in this runtime");
  return s;
}

/** Imports a raw P-256 public key x || y (64 bytes). */
export async function importRawP256(xy: Uint8Array, what: string): Promise<CryptoKey> {
  const raw = new Uint8Array(65);
  raw[0] = 4;
  raw.set(xy, 1);
  try {
    return await subtle().importKey("raw", raw, P256, false, ["verify"]);
  } catch (cause) {
    throw new VerificationError(`${what}.key`, `${what}: not a valid P-256 public key`, { cause });
  }
}

/** ECDSA P-256 / SHA-256 over `data` with a 64-byte r || s signature. */
export async function verifyP256(key: CryptoKey, signature: Uint8Array, data: Uint8Array): Promise<boolean> {
  return subtle().verify(ECDSA_SHA256, key, signature as BufferSource, data as BufferSource);
}

export function normalizeSerial(bytes: Uint8Array): string {
  return hex(bytes).replace(/^(00)+(?=.)/, "");
}

const secs = (d: Date) => Math.floor(d.getTime() / 1000);

const NAME_KEYS: Record<string, string> = { "2.5.4.3": "CN", "2.5.4.10": "O", "2.5.4.11": "OU", "2.5.4.7": "L", "2.5.4.8": "ST", "2.5.4.6": "C" };

export function nameToString(name: Name): string {
  return name
    .map((rdn) => rdn.map((atv) => `${NAME_KEYS[atv.type] ?? atv.type}=${atv.value.toString()}`).join("+"))
    .join(", ");
}

/** DER ECDSA signature (BIT STRING content) to r || s, 32 bytes each; strict: no excess bytes. */
function ecdsaDerToRaw(der: ArrayBuffer, what: string): Uint8Array {
  let v: EcdsaSigValue;
  try {
    v = AsnConvert.parse(der, EcdsaSigValue);
  } catch (cause) {
    throw new ParseError({ structure: what, field: "signatureValue", offset: 0, expected: "ECDSA-Sig-Value", cause });
  }
  if (!equalBytes(new Uint8Array(AsnConvert.serialize(v)), new Uint8Array(der))) {
    throw new ParseError({ structure: what, field: "signatureValue", offset: 0, expected: "DER-encoded ECDSA-Sig-Value" });
  }
  const out = new Uint8Array(64);
  for (const [i, part] of [v.r, v.s].entries()) {
    let b = new Uint8Array(part);
    while (b.length > 32 && b[0] === 0) b = b.subarray(1);
    if (b.length > 32) throw new ParseError({ structure: what, field: "signatureValue", offset: 0, expected: "P-256 r and s" });
    out.set(b, 32 * i + 32 - b.length);
  }
  return out;
}

function requireEcdsaSha256(oid: string, what: string): void {
  if (oid !== OID_ECDSA_SHA256) throw new VerificationError(`${what}.algorithm`, `${what}: signature algorithm ${oid} is not ecdsa-with-SHA256`);
}

export async function parseCertificate(der: Uint8Array, what: string): Promise<VerifiedCert> {
  let cert: Certificate;
  try {
    cert = AsnConvert.parse(der, Certificate);
  } catch (cause) {
    throw new ParseError({ structure: what, field: "certificate", offset: 0, expected: "a DER X.509 certificate", cause });
  }
  const tbs = cert.tbsCertificate;
  requireEcdsaSha256(cert.signatureAlgorithm.algorithm, what);
  requireEcdsaSha256(tbs.signature.algorithm, what);
  const spki = tbs.subjectPublicKeyInfo;
  const params = spki.algorithm.parameters ? new Uint8Array(spki.algorithm.parameters) : new Uint8Array();
  // parameters = OBJECT IDENTIFIER prime256v1 (06 08 2a 86 48 ce 3d 03 01 07)
  if (spki.algorithm.algorithm !== OID_EC_PUBLIC_KEY || hex(params) !== "06082a8648ce3d030107") {
    throw new VerificationError(`${what}.key`, `${what}: public key is not ECDSA P-256`);
  }
  void OID_P256;
  let key: CryptoKey;
  try {
    key = await subtle().importKey("raw", spki.subjectPublicKey, P256, false, ["verify"]);
  } catch (cause) {
    throw new VerificationError(`${what}.key`, `${what}: public key is not a P-256 point`, { cause });
  }
  return {
    der,
    cert,
    subjectDer: new Uint8Array(AsnConvert.serialize(tbs.subject)),
    issuerDer: new Uint8Array(AsnConvert.serialize(tbs.issuer)),
    subject: nameToString(tbs.subject),
    issuer: nameToString(tbs.issuer),
    serial: normalizeSerial(new Uint8Array(tbs.serialNumber)),
    notBefore: secs(tbs.validity.notBefore.getTime()),
    notAfter: secs(tbs.validity.notAfter.getTime()),
    key,
  };
}

async function checkCertSignature(c: VerifiedCert, issuerKey: CryptoKey, what: string): Promise<boolean> {
  const sig = ecdsaDerToRaw(c.cert.signatureValue, what);
  return verifyP256(issuerKey, sig, new Uint8Array(c.cert.tbsCertificateRaw!));
}

function isCa(c: VerifiedCert): boolean {
  const ext = c.cert.tbsCertificate.extensions?.find((e) => e.extnID === id_ce_basicConstraints);
  if (!ext) return false;
  try {
    return AsnConvert.parse(ext.extnValue, BasicConstraints).cA;
  } catch {
    return false;
  }
}

export type PinnedRoot = VerifiedCert;

export async function loadPinnedRoot(der: Uint8Array): Promise<PinnedRoot> {
  const root = await parseCertificate(der, "rootCa");
  if (!(await checkCertSignature(root, root.key, "rootCa"))) {
    throw new VerificationError("rootCa.signature", "pinned root CA is not self-signed");
  }
  return root;
}

/**
 * Verifies a chain (leaf first) up to the pinned root. The chain may end with the root itself, which
 * must then be byte-identical to the pinned one. Returns the verified certificates below the root.
 */
export async function verifyChainToRoot(ders: Uint8Array[], root: PinnedRoot, what: string): Promise<VerifiedCert[]> {
  const chain = ders.slice();
  if (chain.length > 0 && equalBytes(chain[chain.length - 1]!, root.der)) chain.pop();
  if (chain.length === 0) throw new VerificationError(`${what}.chain`, `${what}: chain holds no certificate below the root`);
  if (chain.length > 2) throw new VerificationError(`${what}.chain`, `${what}: chain is longer than Intel issues`);
  const certs: VerifiedCert[] = [];
  for (const [i, der] of chain.entries()) certs.push(await parseCertificate(der, `${what}[${i}]`));
  const checks = certs.map(async (c, i) => {
    const issuer = i + 1 < certs.length ? certs[i + 1]! : root;
    if (!isCa(issuer)) throw new VerificationError(`${what}.chain`, `${what}: issuer of certificate ${i} is not a CA`);
    if (!equalBytes(c.issuerDer, issuer.subjectDer)) {
      throw new VerificationError(
        i + 1 === certs.length ? `${what}.root` : `${what}.chain`,
        `${what}: certificate ${i} is issued by "${c.issuer}", next in chain is "${issuer.subject}"`,
      );
    }
    if (!(await checkCertSignature(c, issuer.key, `${what}[${i}]`))) {
      throw new VerificationError(
        i + 1 === certs.length ? `${what}.root` : `${what}.signature`,
        i + 1 === certs.length ? `${what}: chain does not end at the pinned Intel SGX Root CA` : `${what}: certificate ${i} signature is invalid`,
      );
    }
  });
  await Promise.all(checks);
  return certs;
}

export type VerifiedCrl = {
  issuer: string;
  issuerDer: Uint8Array;
  revoked: Set<string>;
  thisUpdate: number;
  nextUpdate: number;
};

export async function verifyCrl(der: Uint8Array, issuer: VerifiedCert, what: string): Promise<VerifiedCrl> {
  let crl: CertificateList;
  try {
    crl = AsnConvert.parse(der, CertificateList);
  } catch (cause) {
    throw new ParseError({ structure: what, field: "crl", offset: 0, expected: "a DER X.509 CRL", cause });
  }
  const tbs = crl.tbsCertList;
  requireEcdsaSha256(crl.signatureAlgorithm.algorithm, what);
  const issuerDer = new Uint8Array(AsnConvert.serialize(tbs.issuer));
  if (!equalBytes(issuerDer, issuer.subjectDer)) {
    throw new VerificationError(`${what}.issuer`, `${what}: issued by "${nameToString(tbs.issuer)}", expected "${issuer.subject}"`);
  }
  const sig = ecdsaDerToRaw(crl.signature, what);
  if (!(await verifyP256(issuer.key, sig, new Uint8Array(crl.tbsCertListRaw!)))) {
    throw new VerificationError(`${what}.signature`, `${what}: signature is invalid`);
  }
  if (!tbs.nextUpdate) throw new VerificationError(`${what}.nextUpdate`, `${what}: has no nextUpdate`);
  const revoked = new Set<string>();
  for (const e of tbs.revokedCertificates ?? []) revoked.add(normalizeSerial(new Uint8Array(e.userCertificate)));
  return {
    issuer: nameToString(tbs.issuer),
    issuerDer,
    revoked,
    thisUpdate: secs(tbs.thisUpdate.getTime()),
    nextUpdate: secs(tbs.nextUpdate.getTime()),
  };
}

export function certWindow(what: string, c: VerifiedCert): ValidityWindow {
  return { what, notBefore: c.notBefore, notAfter: c.notAfter };
}

/** Throws unless `now` lies in every window; returns the earliest notAfter. */
export function checkWindows(windows: ValidityWindow[], now: number): number {
  let until = Infinity;
  for (const w of windows) {
    if (now < w.notBefore) {
      throw new VerificationError(`${w.what}.notYetValid`, `${w.what} is not valid before ${new Date(w.notBefore * 1000).toISOString()}`);
    }
    if (now > w.notAfter) {
      throw new VerificationError(`${w.what}.expired`, `${w.what} expired at ${new Date(w.notAfter * 1000).toISOString()}`);
    }
    if (w.notAfter < until) until = w.notAfter;
  }
  return until;
}
