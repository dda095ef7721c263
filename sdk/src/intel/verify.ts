/**
 * Offchain verification of an Intel SGX / TDX DCAP quote at an explicit time, as Intel's QVL does
 * it, plus the policy a relying party needs (debug refused, TD attribute rules). Collateral and PCK
 * chains are verified once and cached (see cache.ts); a warm quote costs one P-256 verification (the
 * quote signature) plus the QE report check, itself cached per PCK key like a certificate.
 */
import { sha256 } from "@noble/hashes/sha2.js";
import { equalBytes, hex as toHex, type BytesLike } from "../bytes.js";
import { VerificationError } from "../errors.js";
import { defaultIntelVerifierCache, IntelVerifierCache, type IntelVerifierCache as Cache } from "./cache.js";
import { parseCollateral, type PcsCollateralResponses, type QuoteCollateralV3 } from "./collateral.js";
import { CollateralRatchet } from "./collateralRatchet.js";
import { certWindow, checkWindows, importRawP256, loadPinnedRoot, verifyP256, type PinnedRoot } from "../pki/p256Chain.js";
import { isBytes } from "./input.js";
import { DEFAULT_TD_ATTRIBUTE_POLICY, evaluateTdAttributes, isDebugEnclave, type TdAttributeEvaluation, type TdAttributePolicy } from "./policy.js";
import { parseQuote, type IntelQuote, type SgxReportBody, type TdReportBody } from "./quote.js";
import { INTEL_SGX_ROOT_CA_DER } from "./rootCa.js";
import { evaluateQeIdentity, evaluateTcb } from "./tcb.js";
import type { TcbStatus } from "../vocabulary/tcbStatus.js";
import { verifyCollateralItems, verifyPckChain, type VerifiedCollateral, type VerifiedPckChain } from "./verifyCollateral.js";

export type Hex = `0x${string}`;
const h = (b: Uint8Array): Hex => `0x${toHex(b)}`;

export type TdxRegisters = {
  mrTd: Hex;
  mrConfigId: Hex;
  mrOwner: Hex;
  mrOwnerConfig: Hex;
  rtmr0: Hex;
  rtmr1: Hex;
  rtmr2: Hex;
  rtmr3: Hex;
  mrSeam: Hex;
  mrSignerSeam: Hex;
  seamAttributes: Hex;
  tdAttributes: Hex;
  xfam: Hex;
  teeTcbSvn: Hex;
  /** TD 1.5 bodies only. */
  teeTcbSvn2?: Hex | undefined;
  mrServiceTd?: Hex | undefined;
};

export type SgxRegisters = {
  mrEnclave: Hex;
  mrSigner: Hex;
  isvProdId: number;
  isvSvn: number;
  attributes: Hex;
  miscSelect: number;
  cpuSvn: Hex;
};

export type IntelCollateralInput = QuoteCollateralV3 | PcsCollateralResponses | string;

export type VerifyQuoteParameters = {
  /** Raw quote bytes or hex, or an already parsed quote. */
  quote: BytesLike | IntelQuote;
  /** QuoteCollateralV3 (object or JSON text) or PCS API responses. */
  collateral: IntelCollateralInput;
  /** Verification time, unix seconds (or a Date). */
  now: number | bigint | Date;
  /**
   * Cache of verified collateral and chains; defaults to a process-wide one; `false` disables caching.
   * A cache also remembers the TCB evaluations it verified per TCB info and QE identity, and refuses
   * collateral of an older evaluation at any `now` from the newer one's issueDate on
   * (CollateralRollbackError).
   */
  cache?: Cache | false | undefined;
  /**
   * Trust anchor, DER. Defaults to the pinned Intel SGX Root CA; override only for a test PKI.
   * Never pass a root taken from the quote or collateral.
   */
  rootCaDer?: Uint8Array | undefined;
  /** The TD attribute policy (docs/intel-quote.md "TD attribute policy"); default "strict". */
  tdAttributePolicy?: TdAttributePolicy | undefined;
  /**
   * true (default): a TD that breaks the policy is refused with its VerificationError (td.debug,
   * td.septVeDisable, ...). false: the genuine quote is returned with `tdAttributes` saying which
   * rules it breaks, for callers that report the policy as its own result.
   */
  enforceTdAttributePolicy?: boolean | undefined;
};

export type VerifyQuoteReturnType = {
  /** "pass": UpToDate; "warn": valid signatures and chain but the TCB needs attention (see status). */
  verdict: "pass" | "warn";
  status: TcbStatus;
  advisoryIds: string[];
  teeType: "SGX" | "TDX";
  quoteVersion: 3 | 4 | 5;
  bodyType: "sgx" | "td10" | "td15";
  registers: TdxRegisters | SgxRegisters;
  reportData: Hex;
  /** The platform's hardware ID: PPID from the PCK certificate (16 bytes). */
  ppid: Hex;
  fmspc: Hex;
  pceId: Hex;
  pceSvn: number;
  /** CPUSVN the PCK certificate was issued for (platform TCB), not the enclave report's CPUSVN. */
  pckCpuSvn: Hex;
  platformStatus: TcbStatus;
  qeStatus: TcbStatus;
  tdxModuleStatus?: TcbStatus | undefined;
  /** Date (unix s) of the matched TCB level. */
  tcbDate: number;
  /** Earliest expiry (unix s) among collateral items and certificates used: re-verify before then. */
  collateralValidUntil: number;
  /** The `now` the quote was verified at (unix s). */
  verifiedAt: number;
  /** TDX: the TD attribute policy's evaluation (always satisfied when the policy was enforced). */
  tdAttributes?: TdAttributeEvaluation | undefined;
};

export type VerifyQuoteErrorType = VerificationError | import("../errors.js").ParseError | import("./collateralRatchet.js").CollateralRollbackError;

const rootCaches = new Map<string, IntelVerifierCache>();

function nowSeconds(now: number | bigint | Date): number {
  const n = now instanceof Date ? Math.floor(now.getTime() / 1000) : Number(now);
  if (!Number.isFinite(n) || n < 0) throw new VerificationError("now", "`now` must be a unix time in seconds");
  return n;
}

function getRoot(cache: Cache, der: Uint8Array): Promise<PinnedRoot> {
  if (!cache.root) {
    cache.root = loadPinnedRoot(der);
    cache.root.catch(() => (cache.root = undefined));
  }
  return cache.root;
}

function collateralKey(c: QuoteCollateralV3): string {
  const s = (v: string | number[]) => (typeof v === "string" ? v : v.join(","));
  return [
    c.tcb_info,
    s(c.tcb_info_signature),
    c.qe_identity,
    s(c.qe_identity_signature),
    s(c.root_ca_crl),
    s(c.pck_crl),
    c.tcb_info_issuer_chain,
    c.qe_identity_issuer_chain,
    c.pck_crl_issuer_chain,
  ].join("\u0000");
}

const COLLATERAL_FIELDS = [
  "tcb_info",
  "tcb_info_signature",
  "qe_identity",
  "qe_identity_signature",
  "root_ca_crl",
  "pck_crl",
  "tcb_info_issuer_chain",
  "qe_identity_issuer_chain",
  "pck_crl_issuer_chain",
] as const;

// Per collateral object: the field values it had when verified. A hit needs every field to be the
// same value again (=== on strings is a pointer check when the caller reuses the object), so a
// caller mutating the object falls through to the content-keyed cache instead of a stale result.
const seenObjects = new WeakMap<object, { cache: Cache; values: unknown[]; verified: Promise<VerifiedCollateral> }>();

/** Verified collateral, keyed by its full content. */
function getCollateral(cache: Cache, input: IntelCollateralInput, root: PinnedRoot): Promise<VerifiedCollateral> {
  if (typeof input === "string") {
    // JSON text is its own content key; it is parsed only on a miss.
    return IntelVerifierCache.remember(cache.collateral, `json:${input}`, () => verifyCollateralItems(parseCollateral(input), root, cache.certificates));
  }
  const seen = seenObjects.get(input);
  const fields = input as Record<string, unknown>;
  if (seen && seen.cache === cache && COLLATERAL_FIELDS.every((k, i) => fields[k] === seen.values[i])) return seen.verified;
  const c = parseCollateral(input);
  const verified = IntelVerifierCache.remember(cache.collateral, collateralKey(c), () => verifyCollateralItems(c, root, cache.certificates));
  // Only strings are immutable; byte arrays can change in place, so such objects are not remembered.
  const values = COLLATERAL_FIELDS.map((k) => fields[k]);
  if (values.every((v) => typeof v === "string")) seenObjects.set(input, { cache, values, verified });
  return verified;
}

function registersOf(body: SgxReportBody | TdReportBody): TdxRegisters | SgxRegisters {
  if (body.kind === "sgx") {
    return {
      mrEnclave: h(body.mrEnclave),
      mrSigner: h(body.mrSigner),
      isvProdId: body.isvProdId,
      isvSvn: body.isvSvn,
      attributes: h(body.attributes),
      miscSelect: body.miscSelect,
      cpuSvn: h(body.cpuSvn),
    };
  }
  const r: TdxRegisters = {
    mrTd: h(body.mrTd),
    mrConfigId: h(body.mrConfigId),
    mrOwner: h(body.mrOwner),
    mrOwnerConfig: h(body.mrOwnerConfig),
    rtmr0: h(body.rtmr0),
    rtmr1: h(body.rtmr1),
    rtmr2: h(body.rtmr2),
    rtmr3: h(body.rtmr3),
    mrSeam: h(body.mrSeam),
    mrSignerSeam: h(body.mrSignerSeam),
    seamAttributes: h(body.seamAttributes),
    tdAttributes: h(body.tdAttributes),
    xfam: h(body.xfam),
    teeTcbSvn: h(body.teeTcbSvn),
  };
  if (body.teeTcbSvn2) r.teeTcbSvn2 = h(body.teeTcbSvn2);
  if (body.mrServiceTd) r.mrServiceTd = h(body.mrServiceTd);
  return r;
}

function resolveCache(parameters: { cache?: Cache | false | undefined; rootCaDer?: Uint8Array | undefined }): Cache {
  if (parameters.cache === false) return new IntelVerifierCache();
  if (parameters.rootCaDer && parameters.rootCaDer !== INTEL_SGX_ROOT_CA_DER) {
    // A test PKI's root gets its own cache, so nothing verified under it mixes with Intel's.
    const k = toHex(parameters.rootCaDer);
    const c = rootCaches.get(k) ?? new IntelVerifierCache();
    rootCaches.set(k, c);
    return c;
  }
  return parameters.cache ?? defaultIntelVerifierCache;
}

/**
 * QE report signature by the PCK key (cached per chain like a certificate), the QE report data
 * binding of the attestation key and QE auth data, no debug QE, and the quote signature.
 */
async function checkQuoteSignatures(quote: IntelQuote, chain: VerifiedPckChain, cache: Cache): Promise<void> {
  const akHex = toHex(quote.attestationKey);
  const qeSigHex = toHex(quote.qeReportSignature);
  const known = chain.verifiedQeReports.get(qeSigHex);
  const [qeReportOk, quoteOk] = await Promise.all([
    known && equalBytes(known, quote.qeReportBytes) ? true : verifyP256(chain.leaf.key, quote.qeReportSignature, quote.qeReportBytes),
    IntelVerifierCache.remember(cache.attestationKeys, akHex, () => importRawP256(quote.attestationKey, "attestationKey")).then((key) =>
      verifyP256(key, quote.signature, quote.signedBytes),
    ),
  ]);
  if (!qeReportOk) throw new VerificationError("qeReport.signature", "QE report signature does not verify under the PCK certificate key");
  if (!known) {
    if (chain.verifiedQeReports.size >= 16) chain.verifiedQeReports.clear();
    chain.verifiedQeReports.set(qeSigHex, quote.qeReportBytes.slice());
  }
  const binding = new Uint8Array(64 + quote.qeAuthData.length);
  binding.set(quote.attestationKey, 0);
  binding.set(quote.qeAuthData, 64);
  const digest = sha256(binding);
  for (let i = 0; i < 32; i++) {
    if (digest[i] !== quote.qeReport.reportData[i]) {
      throw new VerificationError("qeReport.reportData", "QE report data does not commit to the attestation key and QE authentication data");
    }
  }
  if (isDebugEnclave(quote.qeReport)) throw new VerificationError("qeReport.debug", "the quoting enclave is a debug enclave");
  if (!quoteOk) throw new VerificationError("quote.signature", "quote signature does not verify under the attestation key");
}

function checkBodyPolicy(quote: IntelQuote, parameters: Pick<VerifyQuoteParameters, "tdAttributePolicy" | "enforceTdAttributePolicy">): { tdAttributes?: TdAttributeEvaluation } {
  if (quote.body.kind === "sgx") {
    if (isDebugEnclave(quote.body)) throw new VerificationError("enclave.debug", "the enclave is a debug enclave");
    return {};
  }
  const tdAttributes = evaluateTdAttributes(quote.body, parameters.tdAttributePolicy ?? DEFAULT_TD_ATTRIBUTE_POLICY);
  const v = tdAttributes.violations[0];
  if (v && parameters.enforceTdAttributePolicy !== false) throw new VerificationError(v.check, v.message);
  return { tdAttributes };
}

function quoteFacts(quote: IntelQuote, chain: VerifiedPckChain, now: number) {
  const ext = chain.extensions;
  return {
    teeType: quote.teeType,
    quoteVersion: quote.header.version,
    bodyType: quote.body.kind,
    registers: registersOf(quote.body),
    reportData: h(quote.body.reportData),
    ppid: h(ext.ppid),
    fmspc: h(ext.fmspc),
    pceId: h(ext.pceId),
    pceSvn: ext.pceSvn,
    pckCpuSvn: h(ext.cpuSvn),
    verifiedAt: now,
  };
}

export type VerifyQuoteSignaturesParameters = Omit<VerifyQuoteParameters, "collateral">;

export type VerifyQuoteSignaturesReturnType = Omit<
  VerifyQuoteReturnType,
  "verdict" | "status" | "advisoryIds" | "platformStatus" | "qeStatus" | "tdxModuleStatus" | "tcbDate" | "collateralValidUntil"
> & {
  /** Only signatures, the PCK chain to the pinned root and the debug / TD attribute policy were checked. */
  verdict: "signatures-valid";
  /** Earliest notAfter of the PCK leaf and PCK CA. */
  pckChainValidUntil: number;
};

/**
 * Checks what can be checked without collateral: the PCK chain to the pinned Intel root (validity
 * windows at `now`, no CRLs), the QE report and quote signatures and their binding, and the debug /
 * TD attribute policy. No TCB status: a quote from compromised hardware (TEE.fail) passes this.
 */
export async function verifyQuoteSignatures(parameters: VerifyQuoteSignaturesParameters): Promise<VerifyQuoteSignaturesReturnType> {
  const now = nowSeconds(parameters.now);
  const cache = resolveCache(parameters);
  const q = parameters.quote;
  const quote: IntelQuote = isBytes(q) || typeof q === "string" ? parseQuote(q) : q;
  const root = await getRoot(cache, parameters.rootCaDer ?? INTEL_SGX_ROOT_CA_DER);
  const chain = await IntelVerifierCache.remember(cache.chains, quote.pckChainPem, () => verifyPckChain(quote.pckChain, root, cache.certificates));
  const pckChainValidUntil = Math.min(checkWindows(chain.windows, now), checkWindows([certWindow("rootCa", root)], now));
  await checkQuoteSignatures(quote, chain, cache);
  const policy = checkBodyPolicy(quote, parameters);
  return { verdict: "signatures-valid", ...quoteFacts(quote, chain, now), pckChainValidUntil, ...policy };
}

/**
 * Verifies an Intel DCAP quote against collateral at `now`. Resolves with the typed result when the
 * quote verifies (verdict "pass" or "warn"); rejects with a ParseError (malformed input) or a
 * VerificationError whose `check` names the failed rule (e.g. "quote.signature", "tcb.noMatch").
 */
export async function verifyQuote(parameters: VerifyQuoteParameters): Promise<VerifyQuoteReturnType> {
  const now = nowSeconds(parameters.now);
  const cache = resolveCache(parameters);
  const q = parameters.quote;
  const quote: IntelQuote = isBytes(q) || typeof q === "string" ? parseQuote(q) : q;
  const root = await getRoot(cache, parameters.rootCaDer ?? INTEL_SGX_ROOT_CA_DER);

  const collateral = await getCollateral(cache, parameters.collateral, root);
  // On every call, cache hit or not: collateral verified before a newer evaluation was seen is
  // still in the LRU, and must not pass once that evaluation has.
  cache.evaluations.admit(CollateralRatchet.offers(collateral.tcbInfo, collateral.qeIdentity), now);
  const chain = await IntelVerifierCache.remember(cache.chains, quote.pckChainPem, () => verifyPckChain(quote.pckChain, root, cache.certificates));
  const collateralValidUntil = Math.min(checkWindows(collateral.windows, now), checkWindows(chain.windows, now));

  if (collateral.rootCrlRevoked.has(chain.ca.serial)) throw new VerificationError("pckChain.ca.revoked", "the PCK CA certificate is revoked by the root CA CRL");
  if (!equalBytes(collateral.pckCrlIssuerDer, chain.leaf.issuerDer)) {
    throw new VerificationError("pckCrl.issuer", `the PCK CRL is issued by "${collateral.pckCrlIssuer}", the PCK certificate by "${chain.leaf.issuer}"`);
  }
  if (collateral.pckCrlRevoked.has(chain.leaf.serial)) throw new VerificationError("pckChain.leaf.revoked", "the PCK certificate is revoked by the PCK CRL");

  const expectedQeId = quote.teeType === "TDX" ? "TD_QE" : "QE";
  if (collateral.qeIdentity.id !== expectedQeId) {
    throw new VerificationError("qeIdentity.id", `QE identity is for ${collateral.qeIdentity.id}, the quote needs ${expectedQeId}`);
  }

  await checkQuoteSignatures(quote, chain, cache);
  const qeLevel = evaluateQeIdentity(quote.qeReport, collateral.qeIdentity);
  const ext = chain.extensions;
  const tcb = evaluateTcb(
    collateral.tcbInfo,
    { cpuSvnComponents: ext.cpuSvnComponents, pceSvn: ext.pceSvn, fmspc: ext.fmspc, pceId: ext.pceId },
    quote.body,
    quote.header.version,
    qeLevel,
  );
  const policy = checkBodyPolicy(quote, parameters);

  return {
    verdict: tcb.status === "UpToDate" ? "pass" : "warn",
    status: tcb.status,
    advisoryIds: tcb.advisoryIds,
    ...quoteFacts(quote, chain, now),
    platformStatus: tcb.platformStatus,
    qeStatus: tcb.qeStatus,
    ...(tcb.tdxModuleStatus ? { tdxModuleStatus: tcb.tdxModuleStatus } : {}),
    tcbDate: tcb.tcbDate ?? 0,
    collateralValidUntil,
    ...policy,
  };
}
