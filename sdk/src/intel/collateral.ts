/**
 * Collateral for one quote, accepted in two shapes (docs/intel-collateral.md):
 * - `QuoteCollateralV3` JSON (dcap-qvl / PCCS style): hex DER CRLs, PEM issuer chains, the signed
 *   inner JSON bodies as strings and their r || s signatures as hex;
 * - Intel PCS API responses: `{"tcbInfo":{…},"signature":"…"}` / `{"enclaveIdentity":{…},…}`
 *   bodies, issuer chains from the response headers, CRLs as DER, PEM or hex.
 * Both normalise to `QuoteCollateralV3`; the signed bodies are kept as the exact bytes Intel signed.
 */
import { toBytes } from "../bytes.js";
import { ParseError } from "../errors.js";
import { JsonReader, jsonFail, parseJsonText } from "./json.js";
import { base64Decode, pemBlocks } from "../pki/pem.js";
import { bytesOf, isBytes } from "./input.js";

export type QuoteCollateralV3 = {
  pck_crl_issuer_chain: string;
  root_ca_crl: string | number[];
  pck_crl: string | number[];
  tcb_info_issuer_chain: string;
  tcb_info: string;
  tcb_info_signature: string | number[];
  qe_identity_issuer_chain: string;
  qe_identity: string;
  qe_identity_signature: string | number[];
};

/** Raw Intel PCS / PCCS API responses for one FMSPC. */
export type PcsCollateralResponses = {
  /** Body of GET /sgx|tdx/certification/v4/tcb?fmspc=… */
  tcbInfoBody: string;
  /** `TCB-Info-Issuer-Chain` header (URL-encoded or plain PEM). */
  tcbInfoIssuerChain: string;
  /** Body of GET /sgx|tdx/certification/v4/qe/identity */
  qeIdentityBody: string;
  /** `SGX-Enclave-Identity-Issuer-Chain` header. */
  qeIdentityIssuerChain: string;
  /** Body of GET /sgx/certification/v4/pckcrl?ca=processor|platform: DER bytes, PEM or hex. */
  pckCrl: Uint8Array | string;
  /** `SGX-PCK-CRL-Issuer-Chain` header. */
  pckCrlIssuerChain: string;
  /** Intel SGX Root CA CRL: DER bytes, PEM or hex. */
  rootCaCrl: Uint8Array | string;
};

/** Collateral with every field decoded to bytes; the form the verifier works on. */
export type DecodedCollateral = {
  pckCrlIssuerChain: string;
  rootCaCrl: Uint8Array;
  pckCrl: Uint8Array;
  tcbInfoIssuerChain: string;
  tcbInfoBytes: Uint8Array;
  tcbInfoSignature: Uint8Array;
  qeIdentityIssuerChain: string;
  qeIdentityBytes: Uint8Array;
  qeIdentitySignature: Uint8Array;
};

const S = "Intel collateral";

function bytesField(v: unknown, field: string): Uint8Array {
  if (Array.isArray(v)) {
    if (!v.every((x) => Number.isInteger(x) && x >= 0 && x <= 255)) throw jsonFail(S, field, "an array of bytes");
    return Uint8Array.from(v as number[]);
  }
  if (typeof v !== "string") throw jsonFail(S, field, "hex string or byte array");
  try {
    return toBytes(v, field);
  } catch (cause) {
    throw new ParseError({ structure: S, field, offset: 0, expected: "hex", cause });
  }
}

/** A CRL given as DER bytes, hex, or PEM (`-----BEGIN X509 CRL-----`). */
export function decodeCrl(v: Uint8Array | string | number[], field: string): Uint8Array {
  if (isBytes(v)) {
    if (v[0] === 0x30) return bytesOf(v, field);
    v = new TextDecoder().decode(v);
  }
  if (typeof v === "string" && v.includes("-----BEGIN X509 CRL-----")) {
    const block = pemBlocks(v, "X509 CRL")[0];
    try {
      return base64Decode(block!.base64);
    } catch (cause) {
      throw new ParseError({ structure: S, field, offset: 0, expected: "a PEM CRL", cause });
    }
  }
  return bytesField(v, field);
}

/** Validates the QuoteCollateralV3 shape (object or JSON text). */
export function parseCollateralV3(input: unknown): QuoteCollateralV3 {
  const value = typeof input === "string" ? parseJsonText(input, S) : input;
  const r = JsonReader.of(value, S);
  for (const k of ["root_ca_crl", "pck_crl", "tcb_info_signature", "qe_identity_signature"]) {
    const v = r.obj[k];
    if (typeof v !== "string" && !Array.isArray(v)) throw jsonFail(S, `$.${k}`, "hex string or byte array");
  }
  return {
    pck_crl_issuer_chain: r.string("pck_crl_issuer_chain"),
    root_ca_crl: r.obj.root_ca_crl as string,
    pck_crl: r.obj.pck_crl as string,
    tcb_info_issuer_chain: r.string("tcb_info_issuer_chain"),
    tcb_info: r.string("tcb_info"),
    tcb_info_signature: r.obj.tcb_info_signature as string,
    qe_identity_issuer_chain: r.string("qe_identity_issuer_chain"),
    qe_identity: r.string("qe_identity"),
    qe_identity_signature: r.obj.qe_identity_signature as string,
  };
}

export function decodeCollateral(c: QuoteCollateralV3): DecodedCollateral {
  const enc = new TextEncoder();
  const tcbInfoSignature = bytesField(c.tcb_info_signature, "$.tcb_info_signature");
  const qeIdentitySignature = bytesField(c.qe_identity_signature, "$.qe_identity_signature");
  if (tcbInfoSignature.length !== 64) throw jsonFail(S, "$.tcb_info_signature", "64 bytes (r || s)", String(tcbInfoSignature.length));
  if (qeIdentitySignature.length !== 64) throw jsonFail(S, "$.qe_identity_signature", "64 bytes (r || s)", String(qeIdentitySignature.length));
  return {
    pckCrlIssuerChain: c.pck_crl_issuer_chain,
    rootCaCrl: decodeCrl(c.root_ca_crl, "$.root_ca_crl"),
    pckCrl: decodeCrl(c.pck_crl, "$.pck_crl"),
    tcbInfoIssuerChain: c.tcb_info_issuer_chain,
    tcbInfoBytes: enc.encode(c.tcb_info),
    tcbInfoSignature,
    qeIdentityIssuerChain: c.qe_identity_issuer_chain,
    qeIdentityBytes: enc.encode(c.qe_identity),
    qeIdentitySignature,
  };
}

/**
 * The exact text of the value of top-level `key` in a JSON object text: Intel signs these bytes,
 * so they are cut out of the response rather than re-serialised. JSON.parse validates first.
 */
export function extractJsonValueText(body: string, key: string, structure: string): string {
  const parsed = JsonReader.of(parseJsonText(body, structure), structure);
  parsed.object(key);
  // Scan top-level members, skipping strings, to find `key` at depth 1.
  let depth = 0;
  let i = 0;
  while (i < body.length) {
    const ch = body[i]!;
    if (ch === '"') {
      const start = i;
      i++;
      while (i < body.length && body[i] !== '"') i += body[i] === "\\" ? 2 : 1;
      i++;
      if (depth === 1 && JSON.parse(body.slice(start, i)) === key) {
        let j = i;
        while (/\s/.test(body[j]!)) j++;
        if (body[j] === ":") {
          j++;
          while (/\s/.test(body[j]!)) j++;
          const vStart = j;
          let d = 0;
          for (; j < body.length; j++) {
            const c = body[j]!;
            if (c === '"') {
              j++;
              while (j < body.length && body[j] !== '"') j += body[j] === "\\" ? 2 : 1;
            } else if (c === "{" || c === "[") d++;
            else if (c === "}" || c === "]") {
              d--;
              if (d === 0) return body.slice(vStart, j + 1);
            }
          }
        }
      }
      continue;
    }
    if (ch === "{" || ch === "[") depth++;
    else if (ch === "}" || ch === "]") depth--;
    i++;
  }
  throw jsonFail(structure, `$.${key}`, "an object value");
}

/** Issuer-chain headers are URL-encoded PEM; plain PEM is passed through. */
function decodeHeaderChain(v: string, field: string): string {
  if (!v.includes("%")) return v;
  try {
    return decodeURIComponent(v);
  } catch (cause) {
    throw new ParseError({ structure: S, field, offset: 0, expected: "URL-encoded PEM", cause });
  }
}

/** Converts raw PCS API responses into QuoteCollateralV3. */
export function collateralFromPcsResponses(r: PcsCollateralResponses): QuoteCollateralV3 {
  const tcbStructure = "PCS TCB info response";
  const qeStructure = "PCS QE identity response";
  const tcb = JsonReader.of(parseJsonText(r.tcbInfoBody, tcbStructure), tcbStructure);
  const qe = JsonReader.of(parseJsonText(r.qeIdentityBody, qeStructure), qeStructure);
  const hexOf = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
  const signature = (r: JsonReader) => hexOf(r.hexBytes("signature", 64));
  return {
    pck_crl_issuer_chain: decodeHeaderChain(r.pckCrlIssuerChain, "pckCrlIssuerChain"),
    root_ca_crl: hexOf(decodeCrl(r.rootCaCrl, "rootCaCrl")),
    pck_crl: hexOf(decodeCrl(r.pckCrl, "pckCrl")),
    tcb_info_issuer_chain: decodeHeaderChain(r.tcbInfoIssuerChain, "tcbInfoIssuerChain"),
    tcb_info: extractJsonValueText(r.tcbInfoBody, "tcbInfo", tcbStructure),
    tcb_info_signature: signature(tcb),
    qe_identity_issuer_chain: decodeHeaderChain(r.qeIdentityIssuerChain, "qeIdentityIssuerChain"),
    qe_identity: extractJsonValueText(r.qeIdentityBody, "enclaveIdentity", qeStructure),
    qe_identity_signature: signature(qe),
  };
}

/**
 * Accepts QuoteCollateralV3 (object or JSON text) or a bundle of PCS responses
 * (`PcsCollateralResponses`, e.g. saved by the collateral client) and returns QuoteCollateralV3.
 */
export function parseCollateral(input: unknown): QuoteCollateralV3 {
  const value = typeof input === "string" ? parseJsonText(input, S) : input;
  if (typeof value === "object" && value !== null && "tcbInfoBody" in value) {
    return collateralFromPcsResponses(value as PcsCollateralResponses);
  }
  return parseCollateralV3(value);
}
