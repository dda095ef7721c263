/**
 * Certificate and CRL issuance on @peculiar/asn1-x509 (the library does all DER), signed with
 * deterministic ECDSA P-256. We do not use @peculiar/x509's generators: that package needs a global
 * reflect-metadata polyfill, which a browser-safe SDK must not impose.
 */
import { AsnConvert, OctetString } from "@peculiar/asn1-schema";
import * as ax from "@peculiar/asn1-x509";
import { ECDSASigValue, ECParameters, id_ecPublicKey, id_ecdsaWithSHA256, id_secp256r1 } from "@peculiar/asn1-ecc";
import { RSAPublicKey, id_rsaEncryption } from "@peculiar/asn1-rsa";
import { sha1 } from "@noble/hashes/legacy.js";
import { concatBytes, toBytes } from "../bytes.js";
import type { SimulatedP256Key, SimulatedRsaKey } from "./keys.js";

export type SubjectKey = { kind: "p256"; publicKeyRaw: Uint8Array } | { kind: "rsa"; modulus: Uint8Array; exponent: number };

const ab = (b: Uint8Array): ArrayBuffer => b.slice().buffer;

/** Minimal two's-complement big-endian bytes of a non-negative integer given unsigned. */
export function derUnsigned(b: Uint8Array): Uint8Array {
  let i = 0;
  while (i < b.length - 1 && b[i] === 0) i++;
  const t = b.subarray(i);
  return t[0]! & 0x80 ? concatBytes(Uint8Array.of(0), t) : t.slice();
}

export function buildName(attrs: [string, string][]): ax.Name {
  const OIDS: Record<string, string> = { CN: "2.5.4.3", O: "2.5.4.10", OU: "2.5.4.11", L: "2.5.4.7", ST: "2.5.4.8", C: "2.5.4.6" };
  return new ax.Name(
    attrs.map(([k, v]) => {
      const value = k === "C" ? new ax.AttributeValue({ printableString: v }) : new ax.AttributeValue({ utf8String: v });
      return new ax.RelativeDistinguishedName([new ax.AttributeTypeAndValue({ type: OIDS[k]!, value })]);
    }),
  );
}

export function subjectPublicKeyInfo(key: SubjectKey): ax.SubjectPublicKeyInfo {
  if (key.kind === "p256") {
    return new ax.SubjectPublicKeyInfo({
      algorithm: new ax.AlgorithmIdentifier({ algorithm: id_ecPublicKey, parameters: AsnConvert.serialize(new ECParameters({ namedCurve: id_secp256r1 })) }),
      subjectPublicKey: ab(concatBytes(Uint8Array.of(4), key.publicKeyRaw)),
    });
  }
  const e = Uint8Array.of((key.exponent >>> 16) & 255, (key.exponent >>> 8) & 255, key.exponent & 255);
  return new ax.SubjectPublicKeyInfo({
    algorithm: new ax.AlgorithmIdentifier({ algorithm: id_rsaEncryption, parameters: null }),
    subjectPublicKey: AsnConvert.serialize(new RSAPublicKey({ modulus: ab(derUnsigned(key.modulus)), publicExponent: ab(derUnsigned(e)) })),
  });
}

/** RFC 5280 method 1 key identifier: SHA-1 of the subjectPublicKey BIT STRING contents. */
export function keyIdentifier(key: SubjectKey): Uint8Array {
  return sha1(new Uint8Array(subjectPublicKeyInfo(key).subjectPublicKey));
}

const ext = (extnID: string, critical: boolean, value: unknown) =>
  new ax.Extension({ extnID, critical, extnValue: new OctetString(AsnConvert.serialize(value)) });

export const extensions = {
  basicConstraints: (cA: boolean, pathLenConstraint?: number) =>
    ext(ax.id_ce_basicConstraints, true, new ax.BasicConstraints(cA ? { cA, ...(pathLenConstraint === undefined ? {} : { pathLenConstraint }) } : {})),
  keyUsage: (flags: number) => ext(ax.id_ce_keyUsage, true, new ax.KeyUsage(flags)),
  subjectKeyIdentifier: (key: SubjectKey) => ext(ax.id_ce_subjectKeyIdentifier, false, new ax.SubjectKeyIdentifier(ab(keyIdentifier(key)))),
  authorityKeyIdentifier: (issuer: SubjectKey) =>
    ext(ax.id_ce_authorityKeyIdentifier, false, new ax.AuthorityKeyIdentifier({ keyIdentifier: new ax.KeyIdentifier(ab(keyIdentifier(issuer))) })),
  crlDistributionPoint: (url: string) =>
    ext(
      ax.id_ce_cRLDistributionPoints,
      false,
      new ax.CRLDistributionPoints([
        new ax.DistributionPoint({ distributionPoint: new ax.DistributionPointName({ fullName: [new ax.GeneralName({ uniformResourceIdentifier: url })] }) }),
      ]),
    ),
  crlNumber: (n: number) => ext(ax.id_ce_cRLNumber, false, new ax.CRLNumber(n)),
  /** An extension whose extnValue is given as DER. */
  raw: (extnID: string, critical: boolean, der: Uint8Array) => new ax.Extension({ extnID, critical, extnValue: new OctetString(ab(der)) }),
};

export const KeyUsageFlags = ax.KeyUsageFlags;

function signEcdsa(signer: SimulatedP256Key, tbs: ArrayBuffer): ArrayBuffer {
  const rs = signer.sign(new Uint8Array(tbs));
  return AsnConvert.serialize(new ECDSASigValue({ r: ab(derUnsigned(rs.subarray(0, 32))), s: ab(derUnsigned(rs.subarray(32))) }));
}

const ecdsaSha256 = () => new ax.AlgorithmIdentifier({ algorithm: id_ecdsaWithSHA256 });

export type IssueCertificateParameters = {
  serialNumber: string;
  subject: ax.Name;
  issuer: ax.Name;
  notBefore: Date;
  notAfter: Date;
  subjectKey: SubjectKey;
  signer: SimulatedP256Key;
  extensions: ax.Extension[];
};

/** DER of a v3 certificate signed with ECDSA-SHA256 by `signer`. */
export function issueCertificate(p: IssueCertificateParameters): Uint8Array {
  const tbs = new ax.TBSCertificate({
    version: ax.Version.v3,
    serialNumber: ab(derUnsigned(toBytes(p.serialNumber))),
    signature: ecdsaSha256(),
    issuer: p.issuer,
    validity: new ax.Validity({ notBefore: p.notBefore, notAfter: p.notAfter }),
    subject: p.subject,
    subjectPublicKeyInfo: subjectPublicKeyInfo(p.subjectKey),
    extensions: new ax.Extensions(p.extensions),
  });
  const cert = new ax.Certificate({ tbsCertificate: tbs, signatureAlgorithm: ecdsaSha256(), signatureValue: signEcdsa(p.signer, AsnConvert.serialize(tbs)) });
  return new Uint8Array(AsnConvert.serialize(cert));
}

/** sha256WithRSAEncryption, parameters NULL (as RFC 4055 and Google's vTPM CAs encode it). */
const rsaSha256 = () => new ax.AlgorithmIdentifier({ algorithm: "1.2.840.113549.1.1.11", parameters: null });

/** DER of a v3 certificate signed with RSASSA-PKCS1-v1_5 SHA-256 by `signer` (e.g. a simulated Google vTPM CA). */
export async function issueRsaSignedCertificate(p: Omit<IssueCertificateParameters, "signer"> & { signer: SimulatedRsaKey }): Promise<Uint8Array> {
  const tbs = new ax.TBSCertificate({
    version: ax.Version.v3,
    serialNumber: ab(derUnsigned(toBytes(p.serialNumber))),
    signature: rsaSha256(),
    issuer: p.issuer,
    validity: new ax.Validity({ notBefore: p.notBefore, notAfter: p.notAfter }),
    subject: p.subject,
    subjectPublicKeyInfo: subjectPublicKeyInfo(p.subjectKey),
    extensions: new ax.Extensions(p.extensions),
  });
  const signature = await p.signer.sign(new Uint8Array(AsnConvert.serialize(tbs)));
  const cert = new ax.Certificate({ tbsCertificate: tbs, signatureAlgorithm: rsaSha256(), signatureValue: ab(signature) });
  return new Uint8Array(AsnConvert.serialize(cert));
}

export type IssueCrlParameters = {
  issuer: ax.Name;
  signer: SimulatedP256Key;
  thisUpdate: Date;
  nextUpdate: Date;
  revokedSerials: string[];
  extensions: ax.Extension[];
};

/** DER of a v2 CRL signed with ECDSA-SHA256. */
export function issueCrl(p: IssueCrlParameters): Uint8Array {
  const tbs = new ax.TBSCertList({
    version: ax.Version.v2,
    signature: ecdsaSha256(),
    issuer: p.issuer,
    thisUpdate: new ax.Time(p.thisUpdate),
    nextUpdate: new ax.Time(p.nextUpdate),
    ...(p.revokedSerials.length
      ? { revokedCertificates: p.revokedSerials.map((s) => new ax.RevokedCertificate({ userCertificate: ab(derUnsigned(toBytes(s))), revocationDate: new ax.Time(p.thisUpdate) })) }
      : {}),
    crlExtensions: p.extensions,
  });
  const crl = new ax.CertificateList({ tbsCertList: tbs, signatureAlgorithm: ecdsaSha256(), signature: signEcdsa(p.signer, AsnConvert.serialize(tbs)) });
  return new Uint8Array(AsnConvert.serialize(crl));
}

export function toPem(der: Uint8Array, label = "CERTIFICATE"): string {
  let s = "";
  for (const x of der) s += String.fromCharCode(x);
  const b64 = btoa(s);
  const lines = b64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join("\n")}\n-----END ${label}-----\n`;
}
