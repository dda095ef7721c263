/**
 * X.509 side of DCAP: chains to the pinned Intel SGX Root CA, CRLs, validity windows. Certificates
 * are read by the SDK's one certificate reader (certificate.ts) and held here to Intel's narrow
 * policy: ecdsa-with-SHA256 without parameters, P-256 keys, names compared as DER, chains no longer
 * than Intel issues. CRLs are read here on der.ts (only DCAP uses them). Signatures are checked with
 * Node's synchronous `crypto.verify` where the runtime has it (found through
 * `process.getBuiltinModule`, so browsers never see a `node:` import) and WebCrypto elsewhere: the
 * asynchronous WebCrypto call costs a thread-pool round trip per signature, about half of a cold
 * DCAP verification's time. Results are independent of time; callers check the recorded validity
 * windows against their own `now`.
 */
import { equalBytes, hex } from "../bytes.js";
import { VerificationError } from "../errors.js";
import { Der, OID, type Tlv } from "./der.js";
import { ecdsaSignatureP1363, nameToString, readCertificate } from "./certificate.js";

export type ValidityWindow = { what: string; notBefore: number; notAfter: number };

export type VerifiedCert = {
  der: Uint8Array;
  /** The exact signed bytes (TBSCertificate) and the r || s signature over them. */
  tbs: Uint8Array;
  signature: Uint8Array;
  /** DER of the subject and issuer names (compared byte for byte, as Intel's QVL does). */
  subjectDer: Uint8Array;
  issuerDer: Uint8Array;
  subject: string;
  issuer: string;
  /** Lower-case hex without leading zero bytes. */
  serial: string;
  notBefore: number;
  notAfter: number;
  isCa: boolean;
  /** Value (inner DER) of the SGX extension 1.2.840.113741.1.13.1, if present. */
  sgxExtension?: Uint8Array | undefined;
  key: P256Key;
};

/** A validated P-256 public key, in the form the runtime's verifier takes. */
export type P256Key = { readonly point: Uint8Array; readonly native: unknown };

const P256 = { name: "ECDSA", namedCurve: "P-256" } as const;
const ECDSA_SHA256 = { name: "ECDSA", hash: "SHA-256" } as const;

/** The part of node:crypto used here, typed structurally so the SDK has no `node:` import. */
type NodeCrypto = {
  createPublicKey(key: { key: object; format: "jwk" }): unknown;
  verify(algorithm: string, data: Uint8Array, key: { key: unknown; dsaEncoding: "ieee-p1363" }, signature: Uint8Array): boolean;
};

const nodeCrypto: NodeCrypto | undefined = (() => {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  try {
    return proc?.getBuiltinModule?.("node:crypto") as NodeCrypto | undefined;
  } catch {
    return undefined;
  }
})();

const latin1 = new TextDecoder("latin1");

function base64Url(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

// Imported keys by point. Building a key object (OpenSSL 3: ~80 us) costs as much as checking a
// signature, and Intel's PCK CA and TCB Signing keys are the same in every quote's collateral. Only
// the import is reused: every signature is still checked. Bounded: starts over past 1024 keys.
const importedKeys = new Map<string, Promise<unknown>>();

/**
 * Imports an uncompressed P-256 point (0x04 || x || y); throws (a runtime error) when it is not on
 * the curve: OpenSSL and WebCrypto both check.
 */
async function importPoint(point: Uint8Array): Promise<P256Key> {
  const k = latin1.decode(point);
  let native = importedKeys.get(k);
  if (!native) {
    if (importedKeys.size >= 1024) importedKeys.clear();
    native = nodeCrypto ? Promise.resolve().then(() => nodeImport(point)) : subtle().importKey("raw", point as BufferSource, P256, false, ["verify"]);
    importedKeys.set(k, native);
    native.catch(() => importedKeys.delete(k));
  }
  return { point, native: await native };
}

function nodeImport(point: Uint8Array): unknown {
  if (point.length !== 65 || point[0] !== 4) throw new Error("not an uncompressed P-256 point");
  const jwk = { kty: "EC", crv: "P-256", x: base64Url(point.subarray(1, 33)), y: base64Url(point.subarray(33)) };
  return nodeCrypto!.createPublicKey({ key: jwk, format: "jwk" });
}

export function subtle(): SubtleCrypto {
  const s = globalThis.crypto?.subtle;
  if (!s) throw new VerificationError("crypto.unavailable", "WebCrypto (crypto.subtle) is not available in this runtime");
  return s;
}

/** Imports a raw P-256 public key x || y (64 bytes). */
export async function importRawP256(xy: Uint8Array, what: string): Promise<P256Key> {
  const raw = new Uint8Array(65);
  raw[0] = 4;
  raw.set(xy, 1);
  try {
    return await importPoint(raw);
  } catch (cause) {
    throw new VerificationError(`${what}.key`, `${what}: not a valid P-256 public key`, { cause });
  }
}

/** ECDSA P-256 / SHA-256 over `data` with a 64-byte r || s signature. */
export async function verifyP256(key: P256Key, signature: Uint8Array, data: Uint8Array): Promise<boolean> {
  if (nodeCrypto) {
    try {
      return nodeCrypto.verify("sha256", data, { key: key.native, dsaEncoding: "ieee-p1363" }, signature);
    } catch {
      return false; // a signature of the wrong length: not a valid signature
    }
  }
  return subtle().verify(ECDSA_SHA256, key.native as CryptoKey, signature as BufferSource, data as BufferSource);
}

export function normalizeSerial(bytes: Uint8Array): string {
  return hex(bytes).replace(/^(00)+(?=.)/, "");
}

/** DER ECDSA-Sig-Value inside a BIT STRING to r || s, 32 bytes each. */
function ecdsaSignature(d: Der, bits: Tlv, field: string): Uint8Array {
  const sig = d.bits(bits, field);
  return ecdsaSignatureP1363(sig, 32, d.structure, field, d.base + bits.valueStart + 1);
}

/** AlgorithmIdentifier ecdsa-with-SHA256 with absent parameters, the only form RFC 5758 allows. */
const ECDSA_SHA256_ALGORITHM = "300a" + OID.ecdsaWithSha256;

function requireEcdsaSha256(d: Der, t: Tlv, what: string): void {
  if (hex(d.raw(t)) !== ECDSA_SHA256_ALGORITHM) {
    throw new VerificationError(`${what}.algorithm`, `${what}: signature algorithm is not ecdsa-with-SHA256`);
  }
}

const ECDSA_SHA256_ALGORITHM_DER = new Uint8Array(ECDSA_SHA256_ALGORITHM.match(/../g)!.map((x) => parseInt(x, 16)));
const PRIME256V1 = "1.2.840.10045.3.1.7";
const SGX_EXTENSIONS = "1.2.840.113741.1.13.1";

export async function parseCertificate(der: Uint8Array, what: string): Promise<VerifiedCert> {
  const c = readCertificate(der, what);
  // The reader has checked that the outer and the signed algorithm are the same bytes.
  if (!equalBytes(c.signatureAlgorithm.der, ECDSA_SHA256_ALGORITHM_DER)) {
    throw new VerificationError(`${what}.algorithm`, `${what}: signature algorithm is not ecdsa-with-SHA256`);
  }
  const k = c.publicKey;
  if (k.kind !== "ec") throw new VerificationError(`${what}.algorithm`, `${what}: unexpected public key algorithm`);
  if (k.curve !== PRIME256V1) throw new VerificationError(`${what}.algorithm`, `${what}: unexpected public key curve`);
  let sgxExtension: Uint8Array | undefined;
  for (const e of c.extensions) if (e.oid === SGX_EXTENSIONS) sgxExtension = e.value;
  const signature = ecdsaSignatureP1363(c.signature, 32, what, "signature", c.signatureOffset);
  let key: P256Key;
  try {
    key = await importPoint(k.point);
  } catch (cause) {
    throw new VerificationError(`${what}.key`, `${what}: public key is not a P-256 point`, { cause });
  }
  return {
    der,
    tbs: c.tbs,
    signature,
    subjectDer: c.subjectDer,
    issuerDer: c.issuerDer,
    subject: c.subject,
    issuer: c.issuer,
    serial: normalizeSerial(c.serial),
    notBefore: c.notBefore,
    notAfter: c.notAfter,
    isCa: c.basicConstraints?.cA === true,
    ...(sgxExtension ? { sgxExtension } : {}),
    key,
  };
}

function checkCertSignature(c: VerifiedCert, issuerKey: P256Key): Promise<boolean> {
  return verifyP256(issuerKey, c.signature, c.tbs);
}

export type PinnedRoot = VerifiedCert;

// Loaded pinned roots by DER object (the SDK's Intel root is one constant): parsing the trust anchor
// and checking its self-signature is set-up, not verification of anything a caller sends; the pin
// is what makes it trusted. A copy of the bytes guards against the array changing in place.
const pinnedRoots = new WeakMap<Uint8Array, { bytes: Uint8Array; root: Promise<PinnedRoot> }>();

export function loadPinnedRoot(der: Uint8Array): Promise<PinnedRoot> {
  const known = pinnedRoots.get(der);
  if (known && equalBytes(known.bytes, der)) return known.root;
  const root = (async () => {
    const r = await parseCertificate(der.slice(), "rootCa");
    if (!(await checkCertSignature(r, r.key))) {
      throw new VerificationError("rootCa.signature", "pinned root CA is not self-signed");
    }
    return r;
  })();
  pinnedRoots.set(der, { bytes: der.slice(), root });
  root.catch(() => pinnedRoots.delete(der));
  return root;
}

/** The bytes as a string, one char per byte: a Map key made natively, unlike hex. */
function contentKey(bytes: Uint8Array): string {
  return latin1.decode(bytes);
}

/**
 * Certificates parsed and signatures checked during one verification (or by one long-lived cache):
 * Intel's collateral and the quote carry the same PCK CA certificate, which is then parsed, imported
 * and checked against the root once. Keyed by the full DER (and the issuer's key), successes only,
 * so a failure is raised again, with its own label, wherever the certificate appears.
 */
export class CertificateMemo {
  /** Entries kept per map; past that the map starts over (a long-lived cache sees new chains forever). */
  static readonly MAX = 4096;
  // Keyed by the DER's last 64 bytes (inside the signature: cheap to make, nearly unique); a hit
  // counts only when the whole DER is equal.
  private readonly parsed = new Map<string, { der: Uint8Array; cert: Promise<VerifiedCert> }>();
  private readonly signed = new Map<string, { der: Uint8Array; issuer: Uint8Array; ok: Promise<boolean> }>();

  parse(der: Uint8Array, what: string): Promise<VerifiedCert> {
    const k = contentKey(der.subarray(Math.max(0, der.length - 64)));
    const hit = this.parsed.get(k);
    if (hit && equalBytes(hit.der, der)) return hit.cert;
    if (this.parsed.size >= CertificateMemo.MAX) this.parsed.clear();
    const cert = parseCertificate(der, what);
    this.parsed.set(k, { der, cert });
    cert.catch(() => this.parsed.delete(k));
    return cert;
  }

  signedBy(c: VerifiedCert, issuer: VerifiedCert): Promise<boolean> {
    const k = contentKey(c.signature) + contentKey(issuer.key.point);
    const hit = this.signed.get(k);
    if (hit && equalBytes(hit.der, c.der) && equalBytes(hit.issuer, issuer.key.point)) return hit.ok;
    if (this.signed.size >= CertificateMemo.MAX) this.signed.clear();
    const ok = checkCertSignature(c, issuer.key);
    this.signed.set(k, { der: c.der, issuer: issuer.key.point, ok });
    return ok;
  }
}

/**
 * Verifies a chain (leaf first) up to the pinned root. The chain may end with the root itself, which
 * must then be byte-identical to the pinned one. Returns the verified certificates below the root.
 */
export async function verifyChainToRoot(
  ders: Uint8Array[],
  root: PinnedRoot,
  what: string,
  memo: CertificateMemo = new CertificateMemo(),
): Promise<VerifiedCert[]> {
  const chain = ders.slice();
  if (chain.length > 0 && equalBytes(chain[chain.length - 1]!, root.der)) chain.pop();
  if (chain.length === 0) throw new VerificationError(`${what}.chain`, `${what}: chain holds no certificate below the root`);
  if (chain.length > 2) throw new VerificationError(`${what}.chain`, `${what}: chain is longer than Intel issues`);
  const certs: VerifiedCert[] = [];
  for (const [i, der] of chain.entries()) certs.push(await memo.parse(der, `${what}[${i}]`));
  const checks = certs.map(async (c, i) => {
    const issuer = i + 1 < certs.length ? certs[i + 1]! : root;
    if (!issuer.isCa) throw new VerificationError(`${what}.chain`, `${what}: issuer of certificate ${i} is not a CA`);
    if (!equalBytes(c.issuerDer, issuer.subjectDer)) {
      throw new VerificationError(
        i + 1 === certs.length ? `${what}.root` : `${what}.chain`,
        `${what}: certificate ${i} is issued by "${c.issuer}", next in chain is "${issuer.subject}"`,
      );
    }
    if (!(await memo.signedBy(c, issuer))) {
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
  const d = new Der(der, what);
  const top = d.expect(0, der.length, 0x30, "crl");
  if (top.end !== der.length) throw d.fail("crl", top.end, "end of CRL");
  const [tbsT, algT, sigT, ...rest] = d.children(top, "crl");
  if (!tbsT || !algT || !sigT || rest.length) throw d.fail("crl", 0, "SEQUENCE { tbsCertList, signatureAlgorithm, signature }");
  requireEcdsaSha256(d, algT, what);
  const f = d.children(tbsT, "tbsCertList");
  let i = f[0]?.tag === 0x02 ? 1 : 0;
  const sigAlgT = f[i++];
  const issuerT = f[i++];
  const thisT = f[i++];
  if (!sigAlgT || !issuerT || !thisT) throw d.fail("tbsCertList", tbsT.start, "signature, issuer, thisUpdate");
  requireEcdsaSha256(d, sigAlgT, what);
  const nextT = f[i]?.tag === 0x17 || f[i]?.tag === 0x18 ? f[i++] : undefined;
  const revokedT = f[i]?.tag === 0x30 ? f[i++] : undefined;
  if (f[i] && f[i]!.tag !== 0xa0) throw d.fail("tbsCertList", f[i]!.start, "crlExtensions [0]");
  const issuerDer = d.raw(issuerT);
  if (!equalBytes(issuerDer, issuer.subjectDer)) {
    throw new VerificationError(`${what}.issuer`, `${what}: issued by "${nameToString(d, issuerT, "issuer")}", expected "${issuer.subject}"`);
  }
  if (!(await verifyP256(issuer.key, ecdsaSignature(d, sigT, "signature"), d.raw(tbsT)))) {
    throw new VerificationError(`${what}.signature`, `${what}: signature is invalid`);
  }
  if (!nextT) throw new VerificationError(`${what}.nextUpdate`, `${what}: has no nextUpdate`);
  const revoked = new Set<string>();
  if (revokedT) {
    for (const entry of d.children(revokedT, "revokedCertificates")) {
      const serial = d.children(entry, "revokedCertificate")[0];
      if (!serial || serial.tag !== 0x02) throw d.fail("revokedCertificate", entry.start, "userCertificate INTEGER");
      revoked.add(normalizeSerial(d.value(serial)));
    }
  }
  return {
    issuer: nameToString(d, issuerT, "issuer"),
    issuerDer,
    revoked,
    thisUpdate: d.time(thisT, "thisUpdate"),
    nextUpdate: d.time(nextT, "nextUpdate"),
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
