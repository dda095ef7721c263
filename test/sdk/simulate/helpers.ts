/** Test-side readers for what the simulator issues (node:crypto is fine in tests, not in the SDK). */
import { X509Certificate, createPublicKey, createVerify, verify as nodeVerify } from "node:crypto";
import * as asn1js from "asn1js";
import { AsnConvert } from "@peculiar/asn1-schema";
import { Certificate } from "@peculiar/asn1-x509";

export function pemCerts(text: string): X509Certificate[] {
  return [...text.matchAll(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g)].map((m) => new X509Certificate(m[0]));
}

/** r || s (64 bytes) to DER, for node:crypto. */
export function rsToDer(rs: Uint8Array): Buffer {
  const int = (b: Uint8Array) => {
    let i = 0;
    while (i < b.length - 1 && b[i] === 0) i++;
    const t = b.subarray(i);
    return t[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), t]) : Buffer.from(t);
  };
  const r = int(rs.subarray(0, 32));
  const s = int(rs.subarray(32));
  return Buffer.concat([Buffer.from([0x30, r.length + s.length + 4, 2, r.length]), r, Buffer.from([2, s.length]), s]);
}

export function p256PublicKeyFromRaw(raw64: Uint8Array) {
  const b64u = (b: Uint8Array) => Buffer.from(b).toString("base64url");
  return createPublicKey({ key: { kty: "EC", crv: "P-256", x: b64u(raw64.subarray(0, 32)), y: b64u(raw64.subarray(32)) }, format: "jwk" });
}

export function verifyEcdsaRs(publicKey: ReturnType<typeof createPublicKey>, message: Uint8Array, rs: Uint8Array): boolean {
  return createVerify("SHA256").update(message).verify(publicKey, rsToDer(rs));
}

export { nodeVerify };

/** (OID, ASN.1 tag) pairs of an SGX extension value, depth-first: the extension's layout without values. */
export function sgxExtensionLayout(extnValue: Uint8Array): string[] {
  const out: string[] = [];
  const walk = (node: asn1js.AsnType) => {
    if (node instanceof asn1js.Sequence) {
      const items = node.valueBlock.value;
      if (items.length === 2 && items[0] instanceof asn1js.ObjectIdentifier) {
        const v = items[1]!;
        out.push(`${items[0].valueBlock.toString()}:${v.constructor.name}${v instanceof asn1js.OctetString ? `(${v.valueBlock.valueHexView.length})` : ""}`);
        if (v instanceof asn1js.Sequence) walk(v);
      } else for (const i of items) walk(i);
    }
  };
  walk(asn1js.fromBER(extnValue.slice().buffer).result);
  return out;
}

/** The extnValue of the SGX extension in a certificate (DER). */
export function sgxExtensionOf(cert: X509Certificate): Uint8Array {
  const c = AsnConvert.parse(cert.raw, Certificate);
  const e = c.tbsCertificate.extensions?.find((x) => x.extnID === "1.2.840.113741.1.13.1");
  if (!e) throw new Error("no SGX extension");
  return new Uint8Array(e.extnValue.buffer);
}

/** Offsets and sizes of a TDX v4 quote's parts, read structurally. */
export function tdxV4Layout(q: Uint8Array) {
  const dv = new DataView(q.buffer, q.byteOffset, q.byteLength);
  const sigLen = dv.getUint32(632, true);
  let o = 636;
  const sig = o;
  const ak = (o += 64);
  o += 64;
  const certType = dv.getUint16(o, true);
  const certSize = dv.getUint32(o + 2, true);
  const qeReport = (o += 6);
  const qeReportSig = (o += 384);
  o += 64;
  const authSize = dv.getUint16(o, true);
  const auth = (o += 2);
  o += authSize;
  const innerType = dv.getUint16(o, true);
  const innerSize = dv.getUint32(o + 2, true);
  const chain = o + 6;
  return {
    version: dv.getUint16(0, true),
    attestationKeyType: dv.getUint16(2, true),
    teeType: dv.getUint32(4, true),
    sigLen,
    sigDataEnd: 636 + sigLen,
    sig,
    ak,
    certType,
    certSize,
    qeReport,
    qeReportSig,
    authSize,
    auth,
    innerType,
    innerSize,
    chain,
    chainEnd: chain + innerSize,
    type6End: qeReport + certSize,
  };
}
