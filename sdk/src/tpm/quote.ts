/**
 * TPM 2.0 quote verification: the signature under the AK (RSASSA, RSAPSS, ECDSA), the nonce in extraData, the PCR digest over the selected PCR values, the AK
 * certificate chain to a pinned Google vTPM CA, and optionally the TCG event log replay.
 * docs/tpm.md.
 */
import { concatBytes, equalBytes, hex, toBytes } from "../bytes.js";
import { ParseError, VerificationError } from "../errors.js";
import { type Certificate, fixedWidth, importVerifyKey, parseCertificate, parseCertificates, verifyCertificateChain } from "../pki/x509.js";
import { type CheckedTcgEvent, checkTcgEventData, checkTcgEventLog, parseTcgEventLog, type TcgEventLog } from "./eventlog.js";
import { GCE_TPM_EK_INTERMEDIATE_2, GCE_TPM_EK_ROOT_1, GCP_EK_AK_CA_INTERMEDIATE_V3, GCP_EK_AK_CA_ROOT } from "./roots.js";
import {
  TPM_ALG,
  TPMA_AK_REQUIRED,
  TPMA_OBJECT_DECRYPT,
  type TpmHashName,
  type TpmsAttestQuote,
  type TpmtPublic,
  type TpmtSignature,
  parseTpmsAttest,
  parseTpmtPublic,
  parseTpmtSignature,
  tpmHash,
} from "./structures.js";

export type TpmQuoteInput = {
  /** TPMS_ATTEST bytes (what the TPM signed). */
  attest: Uint8Array;
  /** TPMT_SIGNATURE bytes. */
  signature: Uint8Array;
  /** Values of the PCRs the quote selects, by index. */
  pcrs: Map<number, Uint8Array>;
};

export type VerifyTpmQuoteParameters = {
  akPublic: Uint8Array | TpmtPublic;
  quote: TpmQuoteInput;
  /** Expected qualifying data (extraData): the verifier's nonce. */
  nonce: Uint8Array | string;
};

export type VerifyTpmQuoteErrorType = ParseError | VerificationError;
export type VerifyTpmAttestationErrorType = ParseError | VerificationError;

export type VerifyTpmQuoteReturnType = {
  attest: TpmsAttestQuote;
  signature: TpmtSignature;
  /** The PCR bank the quote covers. */
  bank: TpmHashName;
  bankAlg: number;
  pcrs: Map<number, Uint8Array>;
};

const b64u = (b: Uint8Array) => {
  let s = "";
  for (const x of b) s += String.fromCharCode(x);
  return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
};

async function verifySignature(ak: TpmtPublic, sig: TpmtSignature, message: Uint8Array): Promise<boolean> {
  const h = tpmHash(sig.hashAlg)!;
  if (ak.scheme.alg !== TPM_ALG.NULL && (ak.scheme.alg !== sig.sigAlg || ak.scheme.hashAlg !== sig.hashAlg)) return false;
  try {
    if (sig.sigAlg === TPM_ALG.ECDSA) {
      if (!ak.ecc) return false;
      const n = ak.ecc.curve === "P-256" ? 32 : 48;
      const r = fixedWidth(sig.r, n);
      const s = fixedWidth(sig.s, n);
      if (!r || !s) return false;
      const key = await importVerifyKey({ kind: "ec", curve: ak.ecc.curve, point: concatBytes(new Uint8Array([4]), ak.ecc.x, ak.ecc.y) }, { name: "ECDSA", namedCurve: ak.ecc.curve });
      return await crypto.subtle.verify({ name: "ECDSA", hash: h.web }, key, concatBytes(r, s) as BufferSource, message as BufferSource);
    }
    if (!ak.rsa) return false;
    const jwk = { kty: "RSA", n: b64u(ak.rsa.modulus), e: b64u(exponentBytes(ak.rsa.exponent)), ext: true };
    if (sig.sigAlg === TPM_ALG.RSASSA) {
      const key = await crypto.subtle.importKey("jwk", jwk, { name: "RSASSA-PKCS1-v1_5", hash: h.web }, false, ["verify"]);
      return await crypto.subtle.verify("RSASSA-PKCS1-v1_5", key, sig.signature as BufferSource, message as BufferSource);
    }
    const key = await crypto.subtle.importKey("jwk", jwk, { name: "RSA-PSS", hash: h.web }, false, ["verify"]);
    // TPMs salt with the digest size (the FIPS 186-4 maximum); some older ones use the largest salt that fits.
    for (const saltLength of [h.size, ak.rsa.keyBits / 8 - h.size - 2]) {
      if (await crypto.subtle.verify({ name: "RSA-PSS", saltLength }, key, sig.signature as BufferSource, message as BufferSource)) return true;
    }
    return false;
  } catch {
    return false;
  }
}

function exponentBytes(e: number): Uint8Array {
  const out = [(e >>> 24) & 0xff, (e >>> 16) & 0xff, (e >>> 8) & 0xff, e & 0xff];
  while (out.length > 1 && out[0] === 0) out.shift();
  return new Uint8Array(out);
}

/** Verifies one quote under the AK: signature, signer Name, nonce and PCR digest. */
export async function verifyTpmQuote(params: VerifyTpmQuoteParameters): Promise<VerifyTpmQuoteReturnType> {
  const ak = params.akPublic instanceof Uint8Array ? parseTpmtPublic(params.akPublic) : params.akPublic;
  // Only a restricted signing key that never left its TPM can vouch for a quote it did not forge.
  if ((ak.objectAttributes & TPMA_AK_REQUIRED) !== TPMA_AK_REQUIRED || ak.objectAttributes & TPMA_OBJECT_DECRYPT) {
    throw new VerificationError("tpm.ak.attributes", `AK attributes 0x${ak.objectAttributes.toString(16)} are not those of an attestation key (fixedTPM, fixedParent, sensitiveDataOrigin, restricted, sign; no decrypt)`);
  }
  return checkQuote(ak, params);
}

export type VerifyTpmQuoteWithAkCertificateParameters = Omit<VerifyTpmQuoteParameters, "akPublic"> & { akCertificate: Certificate };

/**
 * Verifies a quote under an AK known only by its certificate (dstack's `TpmQuote` carries no
 * TPMT_PUBLIC): signature, nonce and PCR digest as `verifyTpmQuote`. The AK's TPM attributes cannot
 * be read here; the certificate's issuer (checked by the caller up to a pinned vTPM root) is what
 * vouches that the key is a TPM-resident attestation key.
 */
export async function verifyTpmQuoteWithAkCertificate(params: VerifyTpmQuoteWithAkCertificateParameters): Promise<VerifyTpmQuoteReturnType> {
  const k = params.akCertificate.publicKey;
  const base = { raw: new Uint8Array(0), nameAlg: TPM_ALG.SHA256, objectAttributes: TPMA_AK_REQUIRED, authPolicy: new Uint8Array(0), scheme: { alg: TPM_ALG.NULL } };
  let ak: TpmtPublic;
  if (k.kind === "rsa") {
    let e = 0;
    for (const b of k.exponent) e = e * 256 + b;
    ak = { ...base, type: TPM_ALG.RSA, rsa: { keyBits: k.modulus.length * 8, exponent: e, modulus: k.modulus } };
  } else if (k.curve === "P-256" || k.curve === "P-384") {
    const n = k.curve === "P-256" ? 32 : 48;
    ak = { ...base, type: TPM_ALG.ECC, ecc: { curve: k.curve, x: k.point.subarray(1, 1 + n), y: k.point.subarray(1 + n) } };
  } else {
    throw new VerificationError("tpm.ak.certificate", `AK certificate key ${k.curve} is not a TPM signing curve`);
  }
  return checkQuote(ak, params);
}

async function checkQuote(ak: TpmtPublic, params: Omit<VerifyTpmQuoteParameters, "akPublic">): Promise<VerifyTpmQuoteReturnType> {
  const attest = parseTpmsAttest(params.quote.attest);
  const signature = parseTpmtSignature(params.quote.signature);
  if (!(await verifySignature(ak, signature, attest.raw))) {
    throw new VerificationError("tpm.quote.signature", "TPM quote signature does not verify under the AK");
  }
  const nonce = toBytes(params.nonce, "nonce");
  if (!equalBytes(attest.extraData, nonce)) {
    throw new VerificationError("tpm.quote.nonce", `quote's qualifying data is ${hex(attest.extraData)}, expected ${hex(nonce)}`);
  }
  if (attest.pcrSelections.length !== 1) {
    throw new VerificationError("tpm.quote.pcrSelection", `quote selects ${attest.pcrSelections.length} PCR banks; one bank per quote is supported`);
  }
  const sel = attest.pcrSelections[0]!;
  const bank = tpmHash(sel.hashAlg)!;
  const parts: Uint8Array[] = [];
  for (const i of sel.pcrs) {
    const v = params.quote.pcrs.get(i);
    if (!v) throw new VerificationError("tpm.quote.pcrs", `quote selects PCR ${i} but no value was given`);
    if (v.length !== bank.size) throw new VerificationError("tpm.quote.pcrs", `PCR ${i} value is ${v.length} bytes, the ${bank.name} bank has ${bank.size}`);
    parts.push(v);
  }
  for (const i of params.quote.pcrs.keys()) {
    if (!sel.pcrs.includes(i)) throw new VerificationError("tpm.quote.pcrs", `PCR ${i} was given but the quote does not select it`);
  }
  // The PCR digest is computed with the signing scheme's hash, over the PCR values in selection order.
  const digest = tpmHash(signature.hashAlg)!.fn(concatBytes(...parts));
  if (!equalBytes(digest, attest.pcrDigest)) {
    throw new VerificationError("tpm.quote.pcrDigest", "PCR values do not hash to the quote's pcrDigest");
  }
  return { attest, signature, bank: bank.name, bankAlg: sel.hashAlg, pcrs: params.quote.pcrs };
}

/** The pinned vTPM CA roots (old gce-tpm-ek-root-1 and the newer GCP EK/AK CA Root). */
export function pinnedTpmRoots(): Certificate[] {
  return [GCE_TPM_EK_ROOT_1, GCP_EK_AK_CA_ROOT].map((b) => parseCertificate(toB64Bytes(b), "pinned vTPM root"));
}
/** Known intermediates under the pinned roots, used when the evidence does not carry its own. */
export function knownTpmIntermediates(): Certificate[] {
  return [GCE_TPM_EK_INTERMEDIATE_2, GCP_EK_AK_CA_INTERMEDIATE_V3].map((b) => parseCertificate(toB64Bytes(b), "vTPM intermediate"));
}
function toB64Bytes(s: string): Uint8Array {
  const bin = atob(s);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** A GCE-style attestation (go-tpm-tools `attest.Attestation`, JSON with hex fields). */
export type TpmAttestation = {
  akPublic: TpmtPublic;
  quotes: TpmQuoteInput[];
  akCertificate?: Certificate | undefined;
  intermediates: Certificate[];
  eventLog?: Uint8Array | undefined;
};

/** Parses the JSON form used by test/fixtures/tpm (ak_pub_tpmt_public, quotes[], ak_cert_der, ...). */
export function parseTpmAttestationJson(input: string | Uint8Array | Record<string, unknown>): TpmAttestation {
  const S = "TPM attestation JSON";
  let j: Record<string, unknown>;
  try {
    j = typeof input === "object" && !(input instanceof Uint8Array) ? input : JSON.parse(typeof input === "string" ? input : new TextDecoder().decode(input));
  } catch (cause) {
    throw new ParseError({ structure: S, field: "JSON", offset: 0, expected: "valid JSON", cause });
  }
  const hexField = (v: unknown, field: string): Uint8Array => {
    if (typeof v !== "string") throw new ParseError({ structure: S, field, offset: 0, expected: "a hex string" });
    return toBytes(v, `${S} ${field}`);
  };
  if (!Array.isArray(j.quotes) || j.quotes.length === 0) throw new ParseError({ structure: S, field: "quotes", offset: 0, expected: "a non-empty array" });
  const quotes = j.quotes.map((q: Record<string, unknown>, i: number): TpmQuoteInput => {
    if (typeof q !== "object" || q === null || typeof q.pcrs !== "object" || q.pcrs === null) {
      throw new ParseError({ structure: S, field: `quotes[${i}].pcrs`, offset: 0, expected: "an object of PCR index → hex value" });
    }
    const pcrs = new Map<number, Uint8Array>();
    for (const [k, v] of Object.entries(q.pcrs as Record<string, unknown>)) {
      if (!/^\d{1,2}$/.test(k) || Number(k) > 23) throw new ParseError({ structure: S, field: `quotes[${i}].pcrs`, offset: 0, expected: "PCR indexes 0..23", got: k });
      pcrs.set(Number(k), hexField(v, `quotes[${i}].pcrs.${k}`));
    }
    return { attest: hexField(q.tpms_attest, `quotes[${i}].tpms_attest`), signature: hexField(q.tpmt_signature, `quotes[${i}].tpmt_signature`), pcrs };
  });
  const inter = j.intermediate_certs_der;
  if (inter !== undefined && !Array.isArray(inter)) throw new ParseError({ structure: S, field: "intermediate_certs_der", offset: 0, expected: "an array of hex DER" });
  return {
    akPublic: parseTpmtPublic(hexField(j.ak_pub_tpmt_public, "ak_pub_tpmt_public")),
    quotes,
    akCertificate: j.ak_cert_der ? parseCertificate(hexField(j.ak_cert_der, "ak_cert_der"), "AK certificate") : undefined,
    intermediates: (inter ?? []).map((c: unknown, i: number) => parseCertificate(hexField(c, `intermediate_certs_der[${i}]`), "AK intermediate")),
    eventLog: typeof j.event_log === "string" ? hexField(j.event_log, "event_log") : undefined,
  };
}

export type VerifyTpmAttestationParameters = {
  attestation: TpmAttestation;
  nonce: Uint8Array | string;
  now: Date | number;
  /** Extra certificates (AK certificate, intermediates) that the evidence does not carry. */
  certificates?: (Uint8Array | string | Certificate)[] | undefined;
  /** Trust anchors; defaults to `pinnedTpmRoots()`. */
  roots?: Certificate[] | undefined;
  /** TCG event log bytes (overrides one carried in the attestation). */
  eventLog?: Uint8Array | undefined;
};

export type VerifyTpmAttestationReturnType = {
  quotes: VerifyTpmQuoteReturnType[];
  akCertificate: Certificate;
  /** Subject of the pinned root the AK certificate chains to. */
  root: string;
  eventLog?: VerifiedTcgEventLog | undefined;
};

/**
 * The event log after replay and the event data check. There is deliberately no raw `data` here:
 * each event's data says whether it is authenticated (`data.verified`); parse the bytes with
 * `parseTcgEventLog` for the unchecked view.
 */
export type VerifiedTcgEventLog = Omit<TcgEventLog, "events"> & {
  /** Per quoted bank: replayed PCRs, or why the bank was not replayed. */
  banks: { bank: TpmHashName; replayed?: number[]; skipped?: string }[];
  /** Every record after the Spec ID header. Digests are authenticated only in replayed banks. */
  events: CheckedTcgEvent[];
};

/**
 * Chains an AK certificate (directly or through one intermediate: the given ones, then the known
 * GCE/GCP intermediates) to a pinned vTPM root at `now`; returns the root's subject.
 */
export async function verifyAkCertificateChain(params: { akCertificate: Certificate; intermediates?: Certificate[] | undefined; now: Date | number; roots?: Certificate[] | undefined }): Promise<string> {
  const akCert = params.akCertificate;
  const roots = params.roots ?? pinnedTpmRoots();
  const pool = [...(params.intermediates ?? []), ...knownTpmIntermediates()];
  let lastError: unknown;
  for (const root of roots) {
    const inter = pool.find((c) => equalBytes(c.subjectDer, akCert.issuerDer) && equalBytes(c.issuerDer, root.subjectDer));
    const chain = equalBytes(akCert.issuerDer, root.subjectDer) ? [akCert] : inter ? [akCert, inter] : undefined;
    if (!chain) continue;
    try {
      await verifyCertificateChain({ chain, root, now: params.now, check: "tpm.ak.chain" });
      return root.subject;
    } catch (e) {
      lastError = e;
    }
  }
  if (lastError) throw lastError;
  throw new VerificationError("tpm.ak.chain.root", `AK certificate issuer "${akCert.issuer}" does not lead to a pinned vTPM root`);
}

/** Verifies every quote, the AK certificate (key = AK, chain to a pinned root) and the event log. */
export async function verifyTpmAttestation(params: VerifyTpmAttestationParameters): Promise<VerifyTpmAttestationReturnType> {
  const att = params.attestation;
  const quotes: VerifyTpmQuoteReturnType[] = [];
  const banks = new Set<number>();
  for (const q of att.quotes) {
    const v = await verifyTpmQuote({ akPublic: att.akPublic, quote: q, nonce: params.nonce });
    if (banks.has(v.bankAlg)) throw new VerificationError("tpm.quote.pcrSelection", `two quotes cover the ${v.bank} bank`);
    banks.add(v.bankAlg);
    quotes.push(v);
  }
  const extra = (params.certificates ?? []).flatMap((c) => (typeof c === "string" || c instanceof Uint8Array ? parseCertificates(c, "AK certificates") : [c]));
  const akCert = att.akCertificate ?? extra.find((c) => c.isCA !== true);
  if (!akCert) throw new VerificationError("tpm.ak.certificate", "no AK certificate: pass it with the evidence");
  const ak = att.akPublic;
  const sameKey =
    (ak.rsa && akCert.publicKey.kind === "rsa" && equalBytes(akCert.publicKey.modulus, ak.rsa.modulus) && equalBytes(akCert.publicKey.exponent, exponentBytes(ak.rsa.exponent))) ||
    (ak.ecc && akCert.publicKey.kind === "ec" && equalBytes(akCert.publicKey.point, concatBytes(new Uint8Array([4]), ak.ecc.x, ak.ecc.y)));
  if (!sameKey) throw new VerificationError("tpm.ak.certificate", "the AK certificate certifies a different key than the quoting AK");
  const rootName = await verifyAkCertificateChain({ akCertificate: akCert, intermediates: [...att.intermediates, ...extra.filter((c) => c !== akCert)], now: params.now, roots: params.roots });
  const logBytes = params.eventLog ?? att.eventLog;
  let eventLog: VerifyTpmAttestationReturnType["eventLog"];
  if (logBytes) {
    const log = parseTcgEventLog(logBytes);
    const replayedAlgs: number[] = [];
    const perBank = quotes.map((q) => {
      if (!log.algorithms.some((a) => a.alg === q.bankAlg)) return { bank: q.bank, skipped: `the event log has no ${q.bank} bank` };
      const replayed = checkTcgEventLog(log, q.bankAlg, q.pcrs);
      replayedAlgs.push(q.bankAlg);
      return { bank: q.bank, replayed: [...replayed.keys()].sort((a, b) => a - b) };
    });
    const { events: _unchecked, ...header } = log;
    eventLog = { ...header, banks: perBank, events: checkTcgEventData(log, replayedAlgs) };
  }
  return { quotes, akCertificate: akCert, root: rootName, eventLog };
}


