/**
 * Enveloped XML-DSig as NVIDIA signs its RIMs: one ds:Signature, a child of the document element,
 * with one Reference to the whole document (URI=""), transforms enveloped-signature then C14N 1.1,
 * SHA-384 digest, ECDSA P-384 with SHA-384 (r || s). The signature mathematics is xmldsigjs
 * (PeculiarVentures, WebCrypto, runs in browsers); this file pins the profile, so a document signed
 * any other way (a second Signature, a Reference to a fragment, another algorithm: the classic
 * signature-wrapping moves) is refused before xmldsigjs is asked. docs/nvidia-gpu.md.
 *
 * C14N 1.1 is registered as xmldsigjs's C14N 1.0 transform: the two differ only in how xml:id and
 * xml:base are inherited into a document subset, so a document without those attributes (checked
 * here) canonicalises identically under both.
 */
import { DOMParser as XmldomParser, XMLSerializer as XmldomSerializer } from "@xmldom/xmldom";
import * as xpath from "xpath";
import * as xmldsig from "xmldsigjs";
import { setNodeDependencies } from "xml-core";
import { base64Decode } from "../pki/pem.js";
import { ParseError, VerificationError } from "../errors.js";

export const XMLDSIG_NS = "http://www.w3.org/2000/09/xmldsig#";
export const C14N11 = "http://www.w3.org/2006/12/xml-c14n11";
export const C14N10 = "http://www.w3.org/TR/2001/REC-xml-c14n-20010315";
export const ENVELOPED = "http://www.w3.org/2000/09/xmldsig#enveloped-signature";
export const ECDSA_SHA384 = "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha384";
export const SHA384_DIGEST = "http://www.w3.org/2001/04/xmldsig-more#sha384";

let configured = false;
function configure(): void {
  if (configured) return;
  setNodeDependencies({ DOMParser: XmldomParser, XMLSerializer: XmldomSerializer, xpath });
  // A wrapper, not globalThis.crypto itself: setEngine writes a `name` property onto what it is given.
  const c = globalThis.crypto;
  xmldsig.Application.setEngine("WebCrypto", { subtle: c.subtle, getRandomValues: c.getRandomValues.bind(c) } as Crypto);
  class XmlDsigC14N11Transform extends xmldsig.XmlDsigC14NTransform {
    constructor() {
      super();
      this.Algorithm = C14N11;
    }
  }
  xmldsig.CryptoConfig.RegisterTransform(C14N11, XmlDsigC14N11Transform as never);
  configured = true;
}

export type EnvelopedSignature = {
  document: Document;
  /** KeyInfo's X509Certificate values (DER), in document order: signer first. */
  certificates: Uint8Array[];
  /** Verifies the signature value and the reference digest under `key`; false when either fails. */
  verify(key: CryptoKey): Promise<boolean>;
};

function fail(structure: string, field: string, expected: string, got?: string): ParseError {
  return new ParseError({ structure, field, offset: 0, expected, got });
}

/** Parses XML text (no DTD: entities are a denial-of-service and an ambiguity we do not need). */
export function parseXml(text: string, structure: string): Document {
  configure();
  if (text.length > MAX_XML_LENGTH) throw new ParseError({ structure, field: "XML", offset: MAX_XML_LENGTH, expected: `at most ${MAX_XML_LENGTH} characters`, got: String(text.length) });
  const dtd = text.search(/<!(DOCTYPE|ENTITY)/);
  if (dtd >= 0) throw new ParseError({ structure, field: "XML", offset: dtd, expected: "no DOCTYPE or ENTITY declaration" });
  // A browser's own DOMParser where there is one (xmldsigjs then works on the native DOM, as it
  // expects there); @xmldom/xmldom elsewhere (Node, workers, bare V8 contexts).
  const Native = (globalThis as { DOMParser?: typeof DOMParser }).DOMParser;
  const errors: string[] = [];
  let doc: Document;
  try {
    doc = Native
      ? new Native().parseFromString(text, "application/xml")
      : (new XmldomParser({ onError: (level, msg) => void (level !== "warning" && errors.push(msg)) }).parseFromString(text, "application/xml") as unknown as Document);
  } catch (cause) {
    throw new ParseError({ structure, field: "XML", offset: 0, expected: "well-formed XML", got: String((cause as Error).message).split("\n")[0], cause });
  }
  if (Native && doc.getElementsByTagName("parsererror").length) errors.push(doc.getElementsByTagName("parsererror")[0]!.textContent ?? "parser error");
  if (errors.length || !doc.documentElement) throw fail(structure, "XML", "well-formed XML", errors[0]?.split("\n")[0]);
  return doc;
}

function children(el: Element, local: string): Element[] {
  const out: Element[] = [];
  for (let n = el.firstChild; n; n = n.nextSibling) if (n.nodeType === 1 && (n as Element).namespaceURI === XMLDSIG_NS && (n as Element).localName === local) out.push(n as Element);
  return out;
}

function one(el: Element, local: string, structure: string): Element {
  const c = children(el, local);
  if (c.length !== 1) throw fail(structure, `ds:${local}`, `exactly one ds:${local} in ds:${el.localName}`, String(c.length));
  return c[0]!;
}

function algorithm(el: Element, local: string, want: string[], structure: string): void {
  const a = one(el, local, structure).getAttribute("Algorithm") ?? "";
  if (!want.includes(a)) throw fail(structure, `ds:${local} Algorithm`, want.join(" or "), a);
}

const XML_NS = "http://www.w3.org/XML/1998/namespace";

/** RIMs nest three levels deep; a hostile document nested thousands deep would overflow the canonicaliser's recursion. */
export const MAX_XML_DEPTH = 32;
/** Real RIMs are ~20 KB. */
export const MAX_XML_LENGTH = 1 << 20;

/**
 * One walk over the elements (iterative, ~40x faster than an XPath here): refuses nesting deeper
 * than MAX_XML_DEPTH and any xml:id / xml:base attribute.
 */
function checkTree(root: Element, structure: string): void {
  const stack: [Element, number][] = [[root, 1]];
  while (stack.length) {
    const [el, depth] = stack.pop()!;
    if (depth > MAX_XML_DEPTH) throw fail(structure, "XML", `elements nested at most ${MAX_XML_DEPTH} deep`);
    const attrs = el.attributes;
    for (let i = 0; i < attrs.length; i++) {
      const a = attrs[i]!;
      if (a.namespaceURI === XML_NS && (a.localName === "id" || a.localName === "base")) throw fail(structure, "xml:id / xml:base", "none (C14N 1.1 would differ from 1.0)");
    }
    for (let n = el.firstChild; n; n = n.nextSibling) if (n.nodeType === 1) stack.push([n as Element, depth + 1]);
  }
}

/** Reads and profile-checks the enveloped signature of `doc`; the cryptography runs in `verify`. */
export function readEnvelopedSignature(doc: Document, structure: string): EnvelopedSignature {
  configure();
  const root = doc.documentElement;
  const all = doc.getElementsByTagNameNS(XMLDSIG_NS, "Signature");
  if (all.length !== 1) throw fail(structure, "ds:Signature", "exactly one ds:Signature", String(all.length));
  const sig = all[0]!;
  if (sig.parentNode !== root) throw fail(structure, "ds:Signature", "a child of the document element (enveloped)");
  checkTree(root, structure);
  const signedInfo = one(sig, "SignedInfo", structure);
  algorithm(signedInfo, "CanonicalizationMethod", [C14N11], structure);
  algorithm(signedInfo, "SignatureMethod", [ECDSA_SHA384], structure);
  const ref = one(signedInfo, "Reference", structure);
  if (ref.getAttribute("URI") !== "") throw fail(structure, "ds:Reference URI", '"" (the whole document)', ref.getAttribute("URI") ?? "absent");
  const transforms = children(one(ref, "Transforms", structure), "Transform").map((t) => t.getAttribute("Algorithm"));
  if (transforms.length !== 2 || transforms[0] !== ENVELOPED || transforms[1] !== C14N11) {
    throw fail(structure, "ds:Transforms", `${ENVELOPED} then ${C14N11}`, transforms.join(", "));
  }
  algorithm(ref, "DigestMethod", [SHA384_DIGEST], structure);
  one(sig, "SignatureValue", structure);
  const x509Data = one(one(sig, "KeyInfo", structure), "X509Data", structure);
  const certificates = children(x509Data, "X509Certificate").map((c, i) => {
    try {
      return base64Decode((c.textContent ?? "").replace(/\s+/g, ""));
    } catch (cause) {
      throw new ParseError({ structure, field: `ds:X509Certificate[${i}]`, offset: 0, expected: "base64 DER", cause });
    }
  });
  if (certificates.length === 0) throw fail(structure, "ds:X509Certificate", "at least one signer certificate");

  return {
    document: doc,
    certificates,
    verify: async (key) => {
      const signed = new xmldsig.SignedXml(doc as never);
      try {
        signed.LoadXml(sig as never);
        // xmldsigjs re-imports the key with the SignatureMethod's parameters, which lack the curve
        // that WebCrypto requires for an EC import (Node refuses it): add it.
        const s = signed as unknown as { Algorithm?: Record<string, unknown> };
        if (s.Algorithm?.name === "ECDSA") s.Algorithm = { ...s.Algorithm, namedCurve: "P-384" };
        return await signed.Verify(key);
      } catch (cause) {
        // xmldsigjs reports a wrong reference digest by throwing (an XmlError, not an Error): the
        // signed content was changed, which is "does not verify". Anything else is typed here too.
        const message = String((cause as { message?: unknown } | undefined)?.message ?? cause);
        if (/Invalid digest/i.test(message)) return false;
        throw new VerificationError("gpu.rim.xmldsig", `${structure}: XML signature could not be checked`, { cause, details: message });
      }
    },
  };
}
