/**
 * Writes signed NVIDIA-style RIMs: a SWID tag with golden measurements and an enveloped XML-DSig
 * (C14N 1.1, SHA-384, ECDSA P-384) by a simulated RIM signer. The document is written already in
 * canonical form, so its digest is SHA-384 of the text itself and the signer needs no XML library:
 * the verifier's canonicalisation (xmldsigjs) is checked against this independent writer.
 */
import { sha384 } from "@noble/hashes/sha2.js";
import { base64Encode } from "../pki/pem.js";
import type { SimulatedP384Certificate } from "./gpuPki.js";

const SWID = "http://standards.iso.org/iso/19770/-2/2015/schema.xsd";
const HASH_NS = "http://www.w3.org/2001/04/xmlenc#sha384";
const DS = "http://www.w3.org/2000/09/xmldsig#";
const C14N11 = "http://www.w3.org/2006/12/xml-c14n11";

export type SimulatedGoldenMeasurement = { index: number; active: boolean; values: Uint8Array[]; name?: string };

export type WriteSignedRimParameters = {
  /** Meta colloquialVersion: the driver version ("550.90.07") or VBIOS version ("96.00.9f.00.01"). */
  version: string;
  tagId: string;
  measurements: SimulatedGoldenMeasurement[];
  signer: SimulatedP384Certificate;
  /** Certificates after the signer in KeyInfo (intermediate, root). */
  chain: SimulatedP384Certificate[];
};

const hexOf = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/"/g, "&quot;");

/** The RIM as XML text, signed. */
export function writeSignedRim(p: WriteSignedRimParameters): string {
  const resources = [...p.measurements]
    .sort((a, b) => a.index - b.index)
    .map((m) => {
      const hashes = m.values.map((v, i) => [`ns2:Hash${i}`, hexOf(v)] as const).sort(([a], [b]) => (a < b ? -1 : 1));
      const size = m.values[0]?.length ?? 48;
      return (
        `    <ns0:Resource active="${m.active ? "True" : "False"}" alternatives="${m.values.length}" index="${m.index}" name="${esc(m.name ?? `Measurement_${m.index}`)}" size="${size}" type="Measurement"` +
        hashes.map(([k, v]) => ` ${k}="${v}"`).join("") +
        `></ns0:Resource>\n`
      );
    })
    .join("");
  const open = `<SoftwareIdentity xmlns="${SWID}" xmlns:ns0="${SWID}" xmlns:ns2="${HASH_NS}" corpus="false" name="GH100" patch="false" supplemental="false" tagId="${esc(p.tagId)}" tagVersion="0" version="1.0">`;
  const body =
    `\n  <ns0:Entity name="NVIDIA Corporation (simulated)" role="softwareCreator tagCreator"></ns0:Entity>\n` +
    `  <ns0:Meta colloquialVersion="${esc(p.version)}" edition="GPU" product="GH100" revision="r1"></ns0:Meta>\n` +
    `  <ns0:Payload>\n${resources}  </ns0:Payload>\n`;
  const unsigned = `${open}${body}</SoftwareIdentity>`;
  const digest = base64Encode(sha384(new TextEncoder().encode(unsigned)));
  const inner =
    `<ds:CanonicalizationMethod Algorithm="${C14N11}"></ds:CanonicalizationMethod>` +
    `<ds:SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha384"></ds:SignatureMethod>` +
    `<ds:Reference URI=""><ds:Transforms><ds:Transform Algorithm="${DS}enveloped-signature"></ds:Transform><ds:Transform Algorithm="${C14N11}"></ds:Transform></ds:Transforms>` +
    `<ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#sha384"></ds:DigestMethod><ds:DigestValue>${digest}</ds:DigestValue></ds:Reference>`;
  // Inclusive C14N of SignedInfo as a subset renders every namespace in scope, sorted by prefix.
  const canonicalSignedInfo = `<ds:SignedInfo xmlns="${SWID}" xmlns:ds="${DS}" xmlns:ns0="${SWID}" xmlns:ns2="${HASH_NS}">${inner}</ds:SignedInfo>`;
  const signatureValue = base64Encode(p.signer.key.sign(new TextEncoder().encode(canonicalSignedInfo)));
  const certs = [p.signer, ...p.chain].map((c) => `<ds:X509Certificate>${base64Encode(c.der)}</ds:X509Certificate>`).join("");
  const signature = `<ds:Signature xmlns:ds="${DS}"><ds:SignedInfo>${inner}</ds:SignedInfo><ds:SignatureValue>${signatureValue}</ds:SignatureValue><ds:KeyInfo><ds:X509Data>${certs}</ds:X509Data></ds:KeyInfo></ds:Signature>`;
  return `${open}${body}${signature}</SoftwareIdentity>`;
}
