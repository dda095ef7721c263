/**
 * AWS Nitro Enclaves attestation document: COSE_Sign1 (RFC 9052) whose payload is a CBOR map
 * (module_id, digest, timestamp, pcrs, certificate, cabundle, public_key, user_data, nonce), signed
 * ES384 by the leaf certificate, which chains through the cabundle to the pinned AWS root.
 * Framings accepted: raw COSE_Sign1 (tagged or not), the NSM response map
 * {"Attestation": {"document": bstr}}, and dstack's SCALE-framed quote. docs/nitro.md.
 */
import { decode as cborDecode, encode as cborEncode } from "cborg";
import { equalBytes, hex } from "../bytes.js";
import { ParseError, VerificationError } from "../errors.js";
import { type Certificate, importVerifyKey, parseCertificate, parseCertificates, toDate, verifyCertificateChain } from "../pki/x509.js";
import { AWS_NITRO_ROOT_G1_PEM } from "./roots.js";

const S = "Nitro attestation document";
const COSE_ALG_ES384 = -35;

export type NitroAttestationDocument = {
  moduleId: string;
  digest: "SHA384";
  /** Milliseconds since the epoch, as the NSM wrote it. */
  timestamp: number;
  pcrs: Map<number, Uint8Array>;
  certificate: Uint8Array;
  cabundle: Uint8Array[];
  publicKey?: Uint8Array | undefined;
  userData?: Uint8Array | undefined;
  nonce?: Uint8Array | undefined;
};

export type NitroCoseSign1 = {
  /** Bytes of the COSE_Sign1 itself. */
  raw: Uint8Array;
  protectedHeader: Uint8Array;
  payload: Uint8Array;
  signature: Uint8Array;
  document: NitroAttestationDocument;
};

// cborg (pure JavaScript, strict): maps stay Maps (COSE headers have integer keys), trailing bytes
// and unknown tags are refused; tag 18 (COSE_Sign1) is the one tag a document may carry.
const DECODE_OPTIONS = { useMaps: true, rejectDuplicateMapKeys: true, tags: { 18: (inner: () => unknown) => ({ tag: 18, value: inner() }) } };

function cbor(bytes: Uint8Array, field: string, offset: number): unknown {
  try {
    return cborDecode(bytes, DECODE_OPTIONS);
  } catch (cause) {
    throw new ParseError({ structure: S, field, offset, expected: "one well-formed CBOR item", got: cause instanceof Error ? cause.message : undefined, cause });
  }
}

const isBytes = (v: unknown): v is Uint8Array => v instanceof Uint8Array;

/** Finds the COSE_Sign1 bytes inside the framings listed above. */
export function extractNitroCoseSign1(bytes: Uint8Array): Uint8Array {
  if (bytes.length === 0) throw new ParseError({ structure: S, field: "framing", offset: 0, expected: "COSE_Sign1, NSM response or dstack quote" });
  const b0 = bytes[0]!;
  if (b0 === 0x84 || b0 === 0xd2) return bytes;
  if (b0 === 0xa1) {
    const m = cbor(bytes, "NSM response", 0);
    const att = m instanceof Map ? m.get("Attestation") : undefined;
    const doc = att instanceof Map ? att.get("document") : undefined;
    if (!isBytes(doc)) throw new ParseError({ structure: S, field: "NSM response", offset: 0, expected: '{"Attestation": {"document": bstr}}' });
    return doc;
  }
  // dstack VersionedAttestation: u8 version (0), u8 quote variant, SCALE compact length, COSE bytes, then
  // dstack's own unsigned fields (not part of the attestation document).
  if (b0 === 0x00 && bytes.length > 3) {
    const { value, size } = scaleCompact(bytes, 2);
    const start = 2 + size;
    if (start + value > bytes.length) throw new ParseError({ structure: S, field: "dstack quote length", offset: 2, expected: `<= ${bytes.length - start}`, got: String(value) });
    const inner = bytes.subarray(start, start + value);
    if (inner[0] !== 0x84 && inner[0] !== 0xd2) throw new ParseError({ structure: S, field: "dstack quote", offset: start, expected: "a COSE_Sign1 array" });
    return inner;
  }
  throw new ParseError({ structure: S, field: "framing", offset: 0, expected: "COSE_Sign1 (0x84/0xd2), NSM response (0xa1) or dstack quote (0x00)", got: `0x${b0.toString(16)}` });
}

function scaleCompact(b: Uint8Array, at: number): { value: number; size: number } {
  const need = (n: number) => {
    if (at + n > b.length) throw new ParseError({ structure: S, field: "SCALE compact length", offset: at, expected: `${n} bytes` });
  };
  need(1);
  const mode = b[at]! & 3;
  if (mode === 0) return { value: b[at]! >> 2, size: 1 };
  if (mode === 1) {
    need(2);
    return { value: (b[at]! | (b[at + 1]! << 8)) >> 2, size: 2 };
  }
  if (mode === 2) {
    need(4);
    return { value: ((b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24)) >>> 2), size: 4 };
  }
  throw new ParseError({ structure: S, field: "SCALE compact length", offset: at, expected: "a length below 2^30" });
}

function field<T>(m: Map<unknown, unknown>, key: string, ok: (v: unknown) => v is T, expected: string): T {
  const v = m.get(key);
  if (!ok(v)) throw new ParseError({ structure: S, field: key, offset: 0, expected, got: v === undefined ? "missing" : typeof v });
  return v;
}
function optionalBytes(m: Map<unknown, unknown>, key: string, max: number): Uint8Array | undefined {
  const v = m.get(key);
  if (v === undefined || v === null) return undefined;
  if (!isBytes(v) || v.length > max) throw new ParseError({ structure: S, field: key, offset: 0, expected: `null or a byte string of at most ${max} bytes` });
  return v;
}

export function parseNitroDocument(bytes: Uint8Array): NitroCoseSign1 {
  const raw = extractNitroCoseSign1(bytes);
  let cose = cbor(raw, "COSE_Sign1", 0);
  if (cose && typeof cose === "object" && "tag" in cose && "value" in cose) {
    if ((cose as { tag: number }).tag !== 18) throw new ParseError({ structure: S, field: "COSE tag", offset: 0, expected: "18 (COSE_Sign1)" });
    cose = (cose as { value: unknown }).value;
  }
  if (!Array.isArray(cose) || cose.length !== 4) throw new ParseError({ structure: S, field: "COSE_Sign1", offset: 0, expected: "an array of 4 items" });
  const [protectedHeader, unprotected, payload, signature] = cose;
  if (!isBytes(protectedHeader) || !isBytes(payload) || !isBytes(signature) || !(unprotected instanceof Map)) {
    throw new ParseError({ structure: S, field: "COSE_Sign1", offset: 0, expected: "[bstr protected, map unprotected, bstr payload, bstr signature]" });
  }
  const hdr = cbor(protectedHeader, "protected header", 1);
  if (!(hdr instanceof Map) || hdr.get(1) !== COSE_ALG_ES384) throw new ParseError({ structure: S, field: "protected header alg", offset: 1, expected: "-35 (ES384)" });
  if (signature.length !== 96) throw new ParseError({ structure: S, field: "signature", offset: 0, expected: "96 bytes (ES384 r||s)", got: String(signature.length) });
  const m = cbor(payload, "payload", 0);
  if (!(m instanceof Map)) throw new ParseError({ structure: S, field: "payload", offset: 0, expected: "a CBOR map" });
  const moduleId = field(m, "module_id", (v): v is string => typeof v === "string" && v.length > 0, "a non-empty text string");
  const digest = field(m, "digest", (v): v is "SHA384" => v === "SHA384", '"SHA384"');
  const ts = field(m, "timestamp", (v): v is number | bigint => (typeof v === "number" && Number.isInteger(v) && v > 0) || (typeof v === "bigint" && v > 0n), "a positive integer (ms)");
  const pcrMap = field(m, "pcrs", (v): v is Map<unknown, unknown> => v instanceof Map && v.size >= 1 && v.size <= 32, "a map of 1..32 PCRs");
  const pcrs = new Map<number, Uint8Array>();
  for (const [k, v] of pcrMap) {
    if (typeof k !== "number" || !Number.isInteger(k) || k < 0 || k > 31 || !isBytes(v) || ![32, 48, 64].includes(v.length)) {
      throw new ParseError({ structure: S, field: "pcrs", offset: 0, expected: "index 0..31 → 32/48/64-byte value" });
    }
    pcrs.set(k, v);
  }
  const certificate = field(m, "certificate", isBytes, "a DER certificate");
  const cabundle = field(m, "cabundle", (v): v is Uint8Array[] => Array.isArray(v) && v.length >= 1 && v.every(isBytes), "a non-empty array of DER certificates");
  return {
    raw,
    protectedHeader,
    payload,
    signature,
    document: {
      moduleId,
      digest,
      timestamp: Number(ts),
      pcrs,
      certificate,
      cabundle,
      publicKey: optionalBytes(m, "public_key", 1024),
      userData: optionalBytes(m, "user_data", 512),
      nonce: optionalBytes(m, "nonce", 512),
    },
  };
}

let pinnedRoot: Certificate | undefined;
export function pinnedNitroRoot(): Certificate {
  return (pinnedRoot ??= parseCertificates(AWS_NITRO_ROOT_G1_PEM, "pinned AWS Nitro root")[0]!);
}

export type VerifyNitroDocumentParameters = {
  document: Uint8Array | NitroCoseSign1;
  /** Verification time (Date or unix seconds). The leaf lives hours: use the document's `timestamp` for old evidence. */
  now: Date | number;
  /** Expected nonce, when the verifier supplied one. */
  nonce?: Uint8Array | undefined;
  /** Trust anchor; defaults to the pinned AWS Nitro root. */
  root?: Certificate | undefined;
};

export type VerifyNitroDocumentErrorType = ParseError | VerificationError;

export type VerifyNitroDocumentReturnType = {
  cose: NitroCoseSign1;
  moduleId: string;
  timestamp: number;
  pcrs: Map<number, Uint8Array>;
  userData?: Uint8Array | undefined;
  nonce?: Uint8Array | undefined;
  publicKey?: Uint8Array | undefined;
  /** Debug-mode enclaves report all-zero PCR0..2: their memory is readable by the parent. */
  debug: boolean;
  leaf: Certificate;
};

export async function verifyNitroDocument(params: VerifyNitroDocumentParameters): Promise<VerifyNitroDocumentReturnType> {
  const cose = params.document instanceof Uint8Array ? parseNitroDocument(params.document) : params.document;
  const doc = cose.document;
  const root = params.root ?? pinnedNitroRoot();
  const bundle = doc.cabundle.map((c, i) => parseCertificate(c, `Nitro cabundle[${i}]`));
  // The bundle starts with the root; we never trust it, only compare it with the pinned one.
  if (!equalBytes(bundle[0]!.der, root.der)) {
    throw new VerificationError("nitro.chain.root", "the document's cabundle does not start with the pinned AWS Nitro root");
  }
  const leaf = parseCertificate(doc.certificate, "Nitro leaf certificate");
  await verifyCertificateChain({ chain: [leaf, ...bundle.slice(1).reverse()], root, now: params.now, check: "nitro.chain" });
  const tsDate = new Date(doc.timestamp);
  if (tsDate < leaf.notBefore || tsDate > leaf.notAfter) {
    throw new VerificationError("nitro.timestamp", `document timestamp ${tsDate.toISOString()} is outside the leaf certificate's validity`);
  }
  if (tsDate.getTime() > toDate(params.now).getTime() + 5 * 60_000) {
    throw new VerificationError("nitro.timestamp", `document timestamp ${tsDate.toISOString()} is in the future`);
  }
  if (leaf.publicKey.kind !== "ec" || leaf.publicKey.curve !== "P-384") throw new VerificationError("nitro.signature", "leaf certificate key is not P-384");
  const sigStructure = cborEncode(["Signature1", cose.protectedHeader, new Uint8Array(0), cose.payload]);
  const key = await importVerifyKey(leaf.publicKey, { name: "ECDSA", namedCurve: "P-384" });
  if (!(await crypto.subtle.verify({ name: "ECDSA", hash: "SHA-384" }, key, cose.signature as BufferSource, sigStructure))) {
    throw new VerificationError("nitro.signature", "COSE_Sign1 ES384 signature does not verify under the leaf certificate");
  }
  if (params.nonce && (!doc.nonce || !equalBytes(doc.nonce, params.nonce))) {
    throw new VerificationError("nitro.nonce", `document nonce is ${doc.nonce ? hex(doc.nonce) : "absent"}, expected ${hex(params.nonce)}`);
  }
  const zero = (i: number) => doc.pcrs.get(i)?.every((b) => b === 0) ?? false;
  return {
    cose,
    moduleId: doc.moduleId,
    timestamp: doc.timestamp,
    pcrs: doc.pcrs,
    userData: doc.userData,
    nonce: doc.nonce,
    publicKey: doc.publicKey,
    debug: zero(0) && zero(1) && zero(2),
    leaf,
  };
}

