/**
 * The X.509 library stays general beyond Intel's P-256 PKI: an RSA certificate (the shape of a TPM
 * attestation key's) yields its modulus, exponent, signature and TBS hash for a later RSA check.
 */
import { describe, it, expect } from "vitest";
import { webcrypto } from "node:crypto";
import { AsnConvert } from "@peculiar/asn1-schema";
import {
  AlgorithmIdentifier,
  AttributeTypeAndValue,
  AttributeValue,
  Certificate,
  Name,
  RelativeDistinguishedName,
  SubjectPublicKeyInfo,
  TBSCertificate,

  Validity,
} from "@peculiar/asn1-x509";
import { toHex, type Hex } from "viem";
import { sha256 } from "@noble/hashes/sha2.js";
import { connectAt } from "../../../testkit/intelFixtures.js";

/** A self-signed sha256WithRSAEncryption certificate built with @peculiar/asn1-x509. */
async function rsaCertificate(keys: CryptoKeyPair, cn: string) {
  const spki = AsnConvert.parse(new Uint8Array(await webcrypto.subtle.exportKey("spki", keys.publicKey)), SubjectPublicKeyInfo);
  const name = new Name([new RelativeDistinguishedName([new AttributeTypeAndValue({ type: "2.5.4.3", value: new AttributeValue({ utf8String: cn }) })])]);
  const sigAlg = new AlgorithmIdentifier({ algorithm: "1.2.840.113549.1.1.11", parameters: null });
  const tbsCertificate = new TBSCertificate({
    version: 2,
    serialNumber: new Uint8Array([1]).buffer,
    signature: sigAlg,
    issuer: name,
    validity: new Validity({ notBefore: new Date("2024-01-01T00:00:00Z"), notAfter: new Date("2054-01-01T00:00:00Z") }),
    subject: name,
    subjectPublicKeyInfo: spki,
  });
  const tbs = new Uint8Array(AsnConvert.serialize(tbsCertificate));
  const signature = new Uint8Array(await webcrypto.subtle.sign("RSASSA-PKCS1-v1_5", keys.privateKey, tbs));
  const der = new Uint8Array(AsnConvert.serialize(new Certificate({ tbsCertificate, signatureAlgorithm: sigAlg, signatureValue: signature.buffer })));
  return { der, tbs, signature };
}

describe("X509 on an RSA certificate", () => {
  it("returns modulus, exponent, signature and TBS hash; the signature verifies under them", async () => {
    const alg = { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256", publicExponent: new Uint8Array([1, 0, 1]), modulusLength: 2048 };
    const keys = (await webcrypto.subtle.generateKey(alg, true, ["sign", "verify"])) as CryptoKeyPair;
    // a CN longer than 64 characters, as Google's vTPM CA uses
    const cert = await rsaCertificate(keys, "attestation-key-".repeat(6));
    const der = cert.der;
    const conn = await connectAt(1_751_000_000);
    const h = await conn.viem.deployContract("DcapParserHarness");
    const [e, m, sig, isSha256Rsa, tbsHash] = (await h.read.parseRsa([toHex(der)])) as [Hex, Hex, Hex, boolean, Hex];
    const jwk = await webcrypto.subtle.exportKey("jwk", keys.publicKey);
    expect(Buffer.from(e.slice(2), "hex").toString("base64url")).toBe(jwk.e);
    expect(Buffer.from(m.slice(2), "hex").toString("base64url")).toBe(jwk.n);
    expect(isSha256Rsa).toBe(true);
    expect(sig).toBe(toHex(cert.signature));
    expect(tbsHash).toBe(toHex(sha256(cert.tbs)));
    const ok = await webcrypto.subtle.verify(alg, keys.publicKey, Buffer.from(sig.slice(2), "hex"), cert.tbs);
    expect(ok).toBe(true);
  });
});
