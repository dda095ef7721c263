/**
 * NVIDIA reference integrity manifests (RIMs): SWID tags (ISO/IEC 19770-2:2015 XML) following the
 * TCG RIM information model, one for the driver and one per VBIOS, each listing golden SHA-384
 * values per measurement index, signed with an enveloped XML-DSig by a certificate that chains to
 * NVIDIA's pinned RIM root. RIM index i is SPDM measurement block i + 1. docs/nvidia-gpu.md.
 */
import { equalBytes } from "../bytes.js";
import { ParseError, VerificationError } from "../errors.js";
import { base64Encode } from "../pki/pem.js";
import { type Certificate, parseCertificate, verifyCertificateChain } from "../pki/x509.js";
import { parseXml, readEnvelopedSignature } from "./xmlDsig.js";

export const SWID_NS = "http://standards.iso.org/iso/19770/-2/2015/schema.xsd";
/** The namespace NVIDIA puts the HashN attributes in. */
export const RIM_SHA384_NS = "http://www.w3.org/2001/04/xmlenc#sha384";
/** Enough for any real RIM (NVIDIA lists up to a few alternatives); bounds the work on hostile input. */
export const MAX_RIM_ALTERNATIVES = 64;

export type GpuRimKind = "driver" | "vbios";

export type GoldenMeasurement = {
  /** RIM index (0-based): compared with SPDM measurement block index + 1. */
  index: number;
  name: string;
  active: boolean;
  /** Size in bytes of each value. */
  size: number;
  /** Acceptable values (lowercase hex). */
  values: string[];
};

export type GpuRim = {
  /** "vbios" when colloquialVersion is a VBIOS version (xx.xx.xx.xx.xx), else "driver". */
  kind: GpuRimKind;
  tagId: string;
  /** SoftwareIdentity name, e.g. "GH100". */
  name: string;
  /** Meta colloquialVersion, lowercased: "550.90.07" or "96.00.9f.00.01". */
  version: string;
  product?: string | undefined;
  measurements: GoldenMeasurement[];
};

export type VerifiedGpuRim = GpuRim & {
  signer: Certificate;
  /** Certificates verified, signer first, without the pinned root. */
  chain: Certificate[];
};

const VBIOS_VERSION = /^[0-9a-f]{2}(\.[0-9a-f]{2}){4}$/;

function text(input: string | Uint8Array, structure: string): string {
  if (typeof input === "string") return input;
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(input);
  } catch (cause) {
    throw new ParseError({ structure, field: "encoding", offset: 0, expected: "UTF-8 text", cause });
  }
}

function bad(structure: string, field: string, expected: string, got?: string): ParseError {
  return new ParseError({ structure, field, offset: 0, expected, got });
}

function swidChildren(el: Element, local: string): Element[] {
  const out: Element[] = [];
  for (let n = el.firstChild; n; n = n.nextSibling) if (n.nodeType === 1 && (n as Element).namespaceURI === SWID_NS && (n as Element).localName === local) out.push(n as Element);
  return out;
}

function intAttr(el: Element, attr: string, structure: string, field: string, max: number): number {
  const v = el.getAttribute(attr);
  if (v === null || !/^(0|[1-9][0-9]{0,5})$/.test(v) || Number(v) > max) throw bad(structure, `${field} ${attr}`, `an integer 0..${max}`, v ?? "absent");
  return Number(v);
}

function readRim(doc: Document, structure: string): GpuRim {
  const root = doc.documentElement;
  if (root.namespaceURI !== SWID_NS || root.localName !== "SoftwareIdentity") {
    throw bad(structure, "document element", `SoftwareIdentity in ${SWID_NS}`, `${root.namespaceURI ?? ""} ${root.localName}`);
  }
  const metas = swidChildren(root, "Meta");
  if (metas.length !== 1) throw bad(structure, "Meta", "exactly one Meta element", String(metas.length));
  const version = (metas[0]!.getAttribute("colloquialVersion") ?? "").toLowerCase();
  if (!version) throw bad(structure, "Meta colloquialVersion", "the driver or VBIOS version");
  const payloads = swidChildren(root, "Payload");
  if (payloads.length !== 1) throw bad(structure, "Payload", "exactly one Payload element", String(payloads.length));
  const measurements: GoldenMeasurement[] = [];
  const seen = new Set<number>();
  for (let n = payloads[0]!.firstChild; n; n = n.nextSibling) {
    if (n.nodeType !== 1) continue;
    const el = n as Element;
    const field = `Payload/${el.localName}[${measurements.length}]`;
    if (el.namespaceURI !== SWID_NS || el.localName !== "Resource" || el.getAttribute("type") !== "Measurement") {
      throw bad(structure, field, 'Resource type="Measurement"', `${el.localName} type=${el.getAttribute("type")}`);
    }
    const index = intAttr(el, "index", structure, field, 253);
    if (seen.has(index)) throw bad(structure, `${field} index`, "an index not used by an earlier Resource", String(index));
    seen.add(index);
    const activeText = el.getAttribute("active");
    if (activeText !== "True" && activeText !== "False") throw bad(structure, `${field} active`, '"True" or "False"', activeText ?? "absent");
    const size = intAttr(el, "size", structure, field, 64);
    const alternatives = intAttr(el, "alternatives", structure, field, MAX_RIM_ALTERNATIVES);
    if (alternatives === 0) throw bad(structure, `${field} alternatives`, "at least 1", "0");
    const values: string[] = [];
    for (let i = 0; i < alternatives; i++) {
      const v = el.getAttributeNS(RIM_SHA384_NS, `Hash${i}`);
      if (v === null || v.length !== 2 * size || !/^[0-9a-fA-F]*$/.test(v)) throw bad(structure, `${field} Hash${i}`, `${size} bytes of hex`, v ?? "absent");
      values.push(v.toLowerCase());
    }
    measurements.push({ index, name: el.getAttribute("name") ?? "", active: activeText === "True", size, values });
  }
  if (measurements.length === 0) throw bad(structure, "Payload", "at least one measurement");
  return {
    kind: VBIOS_VERSION.test(version) ? "vbios" : "driver",
    tagId: root.getAttribute("tagId") ?? "",
    name: root.getAttribute("name") ?? "",
    version,
    ...(metas[0]!.getAttribute("product") ? { product: metas[0]!.getAttribute("product")! } : {}),
    measurements,
  };
}

/** Parses a RIM without checking its signature (for display; verify with verifyGpuRim). */
export function parseGpuRim(input: string | Uint8Array, structure = "NVIDIA RIM"): GpuRim {
  return readRim(parseXml(text(input, structure), structure), structure);
}

export type VerifyGpuRimParameters = {
  rim: string | Uint8Array;
  /** The pinned RIM root (NVIDIA CoRIM signing Root CA, or a test root). */
  root: Certificate;
  now: Date | number;
  /** A name for messages, e.g. the file name. */
  structure?: string | undefined;
};

/**
 * Checks the RIM's XML signature under the first KeyInfo certificate, that certificate's chain to
 * the pinned root, and returns the golden measurements the signature covers.
 */
export async function verifyGpuRim(p: VerifyGpuRimParameters): Promise<VerifiedGpuRim> {
  const structure = p.structure ?? "NVIDIA RIM";
  const doc = parseXml(text(p.rim, structure), structure);
  const rim = readRim(doc, structure);
  const sig = readEnvelopedSignature(doc, structure);
  const certs = sig.certificates.map((der, i) => parseCertificate(der, `${structure} ds:X509Certificate[${i}]`));
  const chain = certs.filter((c) => !equalBytes(c.der, p.root.der));
  if (chain.length === 0) throw new VerificationError("gpu.rim.chain.empty", `${structure}: no signer certificate besides the root`);
  const rogue = chain.find((c) => equalBytes(c.subjectDer, c.issuerDer));
  if (rogue) throw new VerificationError("gpu.rim.chain.root", `${structure}: carries a root "${rogue.subject}" that is not the pinned RIM root`);
  // The signer must be the first certificate: a verifier that picked "any certificate that chains"
  // could be pointed at a CA key.
  await verifyCertificateChain({ chain, root: p.root, now: p.now, check: "gpu.rim.chain" });
  const signer = chain[0]!;
  if (signer.publicKey.kind !== "ec" || signer.publicKey.curve !== "P-384") {
    throw new VerificationError("gpu.rim.key", `${structure}: signer "${signer.subject}" does not hold a P-384 key`);
  }
  const key = await importP384(signer.publicKey.point);
  if (!(await sig.verify(key))) throw new VerificationError("gpu.rim.signature", `${structure}: XML signature does not verify under "${signer.subject}"`);
  return { ...rim, signer, chain };
}

const b64url = (b: Uint8Array) => base64Encode(b).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");

/** Extractable, because xmldsigjs re-imports the key for the SignatureMethod's hash. */
function importP384(point: Uint8Array): Promise<CryptoKey> {
  if (point.length !== 97 || point[0] !== 4) throw new VerificationError("gpu.rim.key", "RIM signer key is not an uncompressed P-384 point");
  const jwk = { kty: "EC", crv: "P-384", x: b64url(point.subarray(1, 49)), y: b64url(point.subarray(49)), ext: true };
  return crypto.subtle.importKey("jwk", jwk, { name: "ECDSA", namedCurve: "P-384" }, true, ["verify"]);
}
