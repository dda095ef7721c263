/**
 * The SDK's one X.509 certificate reader: the structure of RFC 5280 §4.1 read as strict DER on
 * der.ts, with no policy. Every verifier reads certificates through here (x509.ts for SEV-SNP, TPM
 * and Nitro, p256Chain.ts for Intel DCAP) and lays its own policy on top, so a malformed byte is
 * refused the same way everywhere: a typed ParseError naming the field and the offset.
 *
 * Strict because signatures cover the exact bytes: definite minimal lengths, minimal INTEGERs, DER
 * BOOLEANs, no trailing bytes at any level, DEFAULT values absent, the outer signatureAlgorithm
 * byte-identical to the signed one. Hand-written because it is on the DCAP hot path (see der.ts).
 */
import { equalBytes, hex } from "../bytes.js";
import { Der, type Tlv } from "./der.js";

export type AlgorithmIdentifier = {
  /** Dotted OID. */
  oid: string;
  /** DER of the parameters element (e.g. 05 00 for NULL), absent when the field is omitted. */
  parameters?: Uint8Array | undefined;
  /** DER of the whole AlgorithmIdentifier. */
  der: Uint8Array;
};

export type SubjectPublicKey =
  | { kind: "rsa"; algorithm: AlgorithmIdentifier; modulus: Uint8Array; exponent: Uint8Array }
  /** `curve` is the namedCurve OID, undefined when the parameters are not a named curve. */
  | { kind: "ec"; algorithm: AlgorithmIdentifier; curve?: string; point: Uint8Array }
  | { kind: "other"; algorithm: AlgorithmIdentifier; bits: Uint8Array };

export type Extension = { oid: string; critical: boolean; value: Uint8Array };

export type CertificateFields = {
  der: Uint8Array;
  /** The exact signed bytes (TBSCertificate). */
  tbs: Uint8Array;
  version: 1 | 2 | 3;
  /** The serial number INTEGER's content bytes, as encoded. */
  serial: Uint8Array;
  signatureAlgorithm: AlgorithmIdentifier;
  issuerDer: Uint8Array;
  subjectDer: Uint8Array;
  /** "CN=…, O=…" (multi-valued RDNs joined by "+"), for messages; compare names as DER. */
  issuer: string;
  subject: string;
  /** Unix seconds. */
  notBefore: number;
  notAfter: number;
  publicKey: SubjectPublicKey;
  /** In certificate order; OIDs are unique. */
  extensions: Extension[];
  /** Decoded basicConstraints, absent when the extension is. */
  basicConstraints?: { cA: boolean; pathLenConstraint?: number } | undefined;
  /** The signatureValue BIT STRING's content, and its offset in `der` (for error offsets). */
  signature: Uint8Array;
  signatureOffset: number;
};

export const OIDS = {
  rsaEncryption: "1.2.840.113549.1.1.1",
  rsassaPss: "1.2.840.113549.1.1.10",
  mgf1: "1.2.840.113549.1.1.8",
  sha1: "1.3.14.3.2.26",
  ecPublicKey: "1.2.840.10045.2.1",
  basicConstraints: "2.5.29.19",
} as const;

const NAME_KEYS: Record<string, string> = {
  "2.5.4.3": "CN",
  "2.5.4.6": "C",
  "2.5.4.7": "L",
  "2.5.4.8": "ST",
  "2.5.4.10": "O",
  "2.5.4.11": "OU",
  "2.5.4.5": "serialNumber",
};

const utf8 = new TextDecoder();

function latin1(b: Uint8Array): string {
  let s = "";
  for (const x of b) s += String.fromCharCode(x);
  return s;
}

/** Display form of an attribute value: the string types decoded, anything else as hex of its DER. */
function attributeValue(d: Der, v: Tlv): string {
  const b = d.value(v);
  switch (v.tag) {
    case 0x0c: // UTF8String
      return utf8.decode(b);
    case 0x13: // PrintableString
    case 0x16: // IA5String
    case 0x14: // TeletexString
      return latin1(b);
    case 0x1e: {
      // BMPString (UTF-16BE)
      let s = "";
      for (let i = 0; i + 1 < b.length; i += 2) s += String.fromCharCode((b[i]! << 8) | b[i + 1]!);
      return s;
    }
    case 0x1c: {
      // UniversalString (UTF-32BE)
      let s = "";
      for (let i = 0; i + 3 < b.length; i += 4) s += String.fromCodePoint(((b[i]! << 24) | (b[i + 1]! << 16) | (b[i + 2]! << 8) | b[i + 3]!) >>> 0);
      return s;
    }
    default:
      return hex(d.raw(v));
  }
}

/** Name ::= SEQUENCE OF SET OF AttributeTypeAndValue, checked and rendered for display. */
function readName(d: Der, name: Tlv, field: string): string {
  if (name.tag !== 0x30) throw d.fail(field, name.start, "Name SEQUENCE");
  const rdns: string[] = [];
  for (const rdn of d.children(name, field)) {
    if (rdn.tag !== 0x31) throw d.fail(field, rdn.start, "RelativeDistinguishedName SET");
    const atvs = d.children(rdn, field);
    if (atvs.length === 0) throw d.fail(field, rdn.start, "a non-empty RelativeDistinguishedName");
    const parts: string[] = [];
    for (const atv of atvs) {
      if (atv.tag !== 0x30) throw d.fail(field, atv.start, "AttributeTypeAndValue SEQUENCE");
      const kv = d.children(atv, field);
      if (kv.length !== 2) throw d.fail(field, atv.start, "SEQUENCE { type, value }");
      const type = d.oid(kv[0]!, field);
      parts.push(`${NAME_KEYS[type] ?? type}=${attributeValue(d, kv[1]!)}`);
    }
    rdns.push(parts.join("+"));
  }
  return rdns.join(", ");
}

/** Walks every constructed element under `t`, so each length in it is checked. */
function wellFormed(d: Der, t: Tlv, field: string): void {
  if (t.tag & 0x20) for (const c of d.children(t, field)) wellFormed(d, c, field);
}

function readAlgorithm(d: Der, t: Tlv, field: string): AlgorithmIdentifier {
  if (t.tag !== 0x30) throw d.fail(field, t.start, "AlgorithmIdentifier SEQUENCE");
  const parts = d.children(t, field);
  if (parts.length < 1 || parts.length > 2) throw d.fail(field, t.start, "SEQUENCE { algorithm, parameters OPTIONAL }");
  const oid = d.oid(parts[0]!, field);
  // Parameters are kept as bytes for the caller's policy, but must be DER like the rest.
  if (parts[1]) wellFormed(d, parts[1], field);
  return { oid, ...(parts[1] ? { parameters: d.raw(parts[1]) } : {}), der: d.raw(t) };
}

function readPublicKey(d: Der, spki: Tlv): SubjectPublicKey {
  const field = "subjectPublicKeyInfo";
  if (spki.tag !== 0x30) throw d.fail(field, spki.start, "SubjectPublicKeyInfo SEQUENCE");
  const parts = d.children(spki, field);
  if (parts.length !== 2) throw d.fail(field, spki.start, "SEQUENCE { algorithm, subjectPublicKey }");
  const algorithm = readAlgorithm(d, parts[0]!, "subjectPublicKeyInfo.algorithm");
  const keyT = parts[1]!;
  const bits = d.bits(keyT, "subjectPublicKey");
  if (algorithm.oid === OIDS.ecPublicKey) {
    const params = d.children(parts[0]!, "subjectPublicKeyInfo.algorithm")[1];
    const curve = params?.tag === 0x06 ? d.oid(params, "subjectPublicKeyInfo.algorithm") : undefined;
    return { kind: "ec", algorithm, ...(curve ? { curve } : {}), point: bits };
  }
  if (algorithm.oid === OIDS.rsaEncryption || algorithm.oid === OIDS.rsassaPss) {
    const seq = d.expect(keyT.valueStart + 1, keyT.end, 0x30, "RSAPublicKey");
    if (seq.end !== keyT.end) throw d.fail("RSAPublicKey", seq.end, "end of subjectPublicKey");
    const ne = d.children(seq, "RSAPublicKey");
    if (ne.length !== 2) throw d.fail("RSAPublicKey", seq.start, "SEQUENCE { modulus, publicExponent }");
    return { kind: "rsa", algorithm, modulus: d.unsigned(ne[0]!, "RSAPublicKey.modulus"), exponent: d.unsigned(ne[1]!, "RSAPublicKey.publicExponent") };
  }
  return { kind: "other", algorithm, bits };
}

function readBasicConstraints(d: Der, value: Tlv): { cA: boolean; pathLenConstraint?: number } {
  const field = "basicConstraints";
  const seq = d.expect(value.valueStart, value.end, 0x30, field);
  if (seq.end !== value.end) throw d.fail(field, seq.end, "end of extnValue");
  const parts = d.children(seq, field);
  let i = 0;
  let cA = false;
  // cA FALSE spelled out is tolerated here: some issuers write it, and it does not change the meaning.
  if (parts[i]?.tag === 0x01) cA = d.boolean(parts[i++]!, field);
  const pathLenConstraint = parts[i]?.tag === 0x02 ? d.smallInt(parts[i++]!, field) : undefined;
  if (i !== parts.length) throw d.fail(field, parts[i]!.start, "SEQUENCE { cA, pathLenConstraint }");
  return pathLenConstraint === undefined ? { cA } : { cA, pathLenConstraint };
}

/** Reads one DER certificate. Throws ParseError (`structure`, field, offset) on anything not DER X.509. */
export function readCertificate(der: Uint8Array, structure: string): CertificateFields {
  const d = new Der(der, structure);
  const top = d.expect(0, der.length, 0x30, "certificate");
  if (top.end !== der.length) throw d.fail("certificate", top.end, "end of certificate");
  const outer = d.children(top, "certificate");
  const [tbsT, algT, sigT] = outer;
  if (outer.length !== 3 || tbsT!.tag !== 0x30) throw d.fail("certificate", 0, "SEQUENCE { tbsCertificate, signatureAlgorithm, signature }");
  const f = d.children(tbsT!, "tbsCertificate");
  let i = 0;
  let version: 1 | 2 | 3 = 1;
  if (f[0]?.tag === 0xa0) {
    const [v, ...more] = d.children(f[0], "version");
    if (!v || more.length) throw d.fail("version", f[0].start, "[0] { INTEGER }");
    const n = d.smallInt(v, "version");
    // v1 is the DEFAULT, which DER leaves out.
    if (n !== 1 && n !== 2) throw d.fail("version", v.start, "v2 or v3");
    version = (n + 1) as 2 | 3;
    i++;
  }
  const [serialT, sigAlgT, issuerT, validityT, subjectT, spkiT] = f.slice(i, i + 6);
  if (!spkiT) throw d.fail("tbsCertificate", tbsT!.start, "serial, signature, issuer, validity, subject, subjectPublicKeyInfo");
  i += 6;
  const serial = d.integer(serialT!, "serialNumber");
  const signatureAlgorithm = readAlgorithm(d, sigAlgT!, "tbsCertificate.signature");
  const outerAlgorithm = readAlgorithm(d, algT!, "signatureAlgorithm");
  // RFC 5280 §4.1.1.2: the unsigned outer algorithm must equal the signed one.
  if (!equalBytes(outerAlgorithm.der, signatureAlgorithm.der)) throw d.fail("signatureAlgorithm", algT!.start, "the same AlgorithmIdentifier as tbsCertificate.signature");
  const issuer = readName(d, issuerT!, "issuer");
  if (validityT!.tag !== 0x30) throw d.fail("validity", validityT!.start, "Validity SEQUENCE");
  const times = d.children(validityT!, "validity");
  if (times.length !== 2) throw d.fail("validity", validityT!.start, "SEQUENCE { notBefore, notAfter }");
  const notBefore = d.time(times[0]!, "notBefore");
  const notAfter = d.time(times[1]!, "notAfter");
  const subject = readName(d, subjectT!, "subject");
  const publicKey = readPublicKey(d, spkiT);
  // issuerUniqueID [1] and subjectUniqueID [2] (IMPLICIT BIT STRING), v2 and v3 only.
  for (const tag of [0x81, 0x82]) {
    if (f[i]?.tag === tag) {
      if (version === 1) throw d.fail("tbsCertificate", f[i]!.start, "no unique identifiers in a v1 certificate");
      i++;
    }
  }
  const extensions: Extension[] = [];
  let basicConstraints: CertificateFields["basicConstraints"];
  if (f[i]?.tag === 0xa3) {
    const e = f[i++]!;
    if (version !== 3) throw d.fail("extensions", e.start, "extensions only in a v3 certificate");
    const [list, ...more] = d.children(e, "extensions");
    if (!list || more.length || list.tag !== 0x30) throw d.fail("extensions", e.start, "[3] { SEQUENCE OF Extension }");
    const exts = d.children(list, "extensions");
    if (exts.length === 0) throw d.fail("extensions", list.start, "at least one Extension");
    const seen = new Set<string>();
    for (const ext of exts) {
      if (ext.tag !== 0x30) throw d.fail("extension", ext.start, "Extension SEQUENCE");
      const parts = d.children(ext, "extension");
      if (parts.length < 2 || parts.length > 3) throw d.fail("extension", ext.start, "SEQUENCE { extnID, critical, extnValue }");
      const oid = d.oid(parts[0]!, "extension.extnID");
      let critical = false;
      if (parts.length === 3) {
        critical = d.boolean(parts[1]!, "extension.critical");
        // critical DEFAULT FALSE: DER leaves it out when false.
        if (!critical) throw d.fail("extension.critical", parts[1]!.start, "critical absent when FALSE");
      }
      const value = parts[parts.length - 1]!;
      if (value.tag !== 0x04) throw d.fail("extension", value.start, "extnValue OCTET STRING");
      if (seen.has(oid)) throw d.fail("extension", ext.start, `one extension ${oid}`);
      seen.add(oid);
      extensions.push({ oid, critical, value: d.value(value) });
      if (oid === OIDS.basicConstraints) basicConstraints = readBasicConstraints(d, value);
    }
  }
  if (i !== f.length) throw d.fail("tbsCertificate", f[i]!.start, "end of tbsCertificate");
  const signature = d.bits(sigT!, "signature");
  return {
    der,
    tbs: d.raw(tbsT!),
    version,
    serial,
    signatureAlgorithm,
    issuerDer: d.raw(issuerT!),
    subjectDer: d.raw(subjectT!),
    issuer,
    subject,
    notBefore,
    notAfter,
    publicKey,
    extensions,
    ...(basicConstraints ? { basicConstraints } : {}),
    signature,
    signatureOffset: sigT!.valueStart + 1,
  };
}

/** Display form of a Name's DER (e.g. a CRL issuer), as in CertificateFields.subject. */
export function nameToString(d: Der, name: Tlv, field = "name"): string {
  return readName(d, name, field);
}

/**
 * ECDSA-Sig-Value ::= SEQUENCE { r INTEGER, s INTEGER } (DER, positive, minimal) to the IEEE P1363
 * form r || s of `width` bytes each, as WebCrypto verifies. `offset` places `sig` in its structure.
 */
export function ecdsaSignatureP1363(sig: Uint8Array, width: number, structure: string, field: string, offset = 0): Uint8Array {
  const d = new Der(sig, structure, offset);
  const seq = d.expect(0, sig.length, 0x30, field);
  if (seq.end !== sig.length) throw d.fail(field, seq.end, "end of signature");
  const rs = d.children(seq, field);
  if (rs.length !== 2) throw d.fail(field, seq.start, "SEQUENCE { r, s }");
  const out = new Uint8Array(2 * width);
  for (let k = 0; k < 2; k++) {
    const t = rs[k]!;
    const v = d.unsigned(t, field);
    if (v.length > width || (v.length === 1 && v[0] === 0)) throw d.fail(field, t.start, `a positive scalar of at most ${width} bytes`);
    out.set(v, width * k + width - v.length);
  }
  return out;
}

export type RsaPssParams = { hash: string; maskGen: string; maskGenHash?: string; saltLength: number; trailerField: number };

/**
 * RSASSA-PSS-params (RFC 4055 §3.1) from the DER of an AlgorithmIdentifier's parameters, with the
 * DEFAULTs (SHA-1, MGF1 with SHA-1, salt 20, trailer 1) filled in.
 */
export function readRsaPssParams(params: Uint8Array, structure: string): RsaPssParams {
  const d = new Der(params, structure);
  const seq = d.expect(0, params.length, 0x30, "RSASSA-PSS-params");
  if (seq.end !== params.length) throw d.fail("RSASSA-PSS-params", seq.end, "end of parameters");
  const out: RsaPssParams = { hash: OIDS.sha1, maskGen: OIDS.mgf1, maskGenHash: OIDS.sha1, saltLength: 20, trailerField: 1 };
  let last = 0x9f;
  for (const t of d.children(seq, "RSASSA-PSS-params")) {
    if (t.tag < 0xa0 || t.tag > 0xa3) {
      throw d.fail("RSASSA-PSS-params", t.start, "[0]..[3]");
    }
    if (t.tag <= last) throw d.fail("RSASSA-PSS-params", t.start, "fields [0]..[3] in order");
    last = t.tag;
    const [inner, ...more] = d.children(t, "RSASSA-PSS-params");
    if (!inner || more.length) throw d.fail("RSASSA-PSS-params", t.start, "one explicitly tagged field");
    if (t.tag === 0xa0) out.hash = readAlgorithm(d, inner, "hashAlgorithm").oid;
    else if (t.tag === 0xa1) {
      const mgf = readAlgorithm(d, inner, "maskGenAlgorithm");
      out.maskGen = mgf.oid;
      const p = d.children(inner, "maskGenAlgorithm")[1];
      if (p) out.maskGenHash = readAlgorithm(d, p, "maskGenAlgorithm.parameters").oid;
      else delete out.maskGenHash;
    } else if (t.tag === 0xa2) out.saltLength = d.smallInt(inner, "saltLength");
    else out.trailerField = d.smallInt(inner, "trailerField");
  }
  return out;
}
