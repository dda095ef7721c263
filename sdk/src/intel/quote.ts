/**
 * Intel DCAP quote parser: SGX quote v3, TDX quote v4 and v5 (TD 1.0 and TD 1.5 bodies), ECDSA
 * P-256 attestation keys, certification data type 5 directly (v3) or nested in type 6 (v4/v5).
 * Byte layouts: docs/intel-quote.md. Every field is a view into the input (no copies).
 */
import { ByteReader, type BytesLike } from "../bytes.js";
import { bytesOf } from "./input.js";
import { ParseError } from "../errors.js";
import {
  ATTESTATION_KEY_TYPE_ECDSA_P256,
  BODY_DESCRIPTOR_LEN,
  BODY_TYPE_SGX,
  BODY_TYPE_TD10,
  BODY_TYPE_TD15,
  CERT_DATA_PCK_CHAIN,
  CERT_DATA_QE_REPORT,
  INTEL_QE_VENDOR_ID,
  QUOTE_HEADER_LEN,
  SGX_REPORT_LEN,
  TD_REPORT10_LEN,
  TD_REPORT15_LEN,
  TEE_TYPE_SGX,
  TEE_TYPE_TDX,
} from "./constants.js";
import { parsePemChain, pemTextFromBytes } from "../pki/pem.js";

export type QuoteHeader = {
  version: 3 | 4 | 5;
  attestationKeyType: number;
  /** 0x00 SGX, 0x81 TDX (reserved, always 0, in v3). */
  teeType: number;
  /** QE and PCE security versions of the quoting platform (named "reserved" in the v4 layout). */
  qeSvn: number;
  pceSvn: number;
  qeVendorId: Uint8Array;
  userData: Uint8Array;
};

/** SGX REPORT body: the app enclave of an SGX quote, and the QE report of every quote. */
export type SgxReportBody = {
  kind: "sgx";
  cpuSvn: Uint8Array;
  miscSelect: number;
  attributes: Uint8Array;
  mrEnclave: Uint8Array;
  mrSigner: Uint8Array;
  isvProdId: number;
  isvSvn: number;
  reportData: Uint8Array;
};

export type TdReportBody = {
  kind: "td10" | "td15";
  teeTcbSvn: Uint8Array;
  mrSeam: Uint8Array;
  mrSignerSeam: Uint8Array;
  seamAttributes: Uint8Array;
  tdAttributes: Uint8Array;
  xfam: Uint8Array;
  mrTd: Uint8Array;
  mrConfigId: Uint8Array;
  mrOwner: Uint8Array;
  mrOwnerConfig: Uint8Array;
  rtmr0: Uint8Array;
  rtmr1: Uint8Array;
  rtmr2: Uint8Array;
  rtmr3: Uint8Array;
  reportData: Uint8Array;
  /** TD 1.5 only. */
  teeTcbSvn2?: Uint8Array | undefined;
  /** TD 1.5 only. */
  mrServiceTd?: Uint8Array | undefined;
};

export type IntelQuote = {
  raw: Uint8Array;
  header: QuoteHeader;
  teeType: "SGX" | "TDX";
  /** 1 SGX, 2 TD 1.0, 3 TD 1.5 (explicit in v5, implied by the TEE type in v3/v4). */
  bodyType: 1 | 2 | 3;
  body: SgxReportBody | TdReportBody;
  /** Header and body: the bytes the attestation key signs. */
  signedBytes: Uint8Array;
  /** ECDSA P-256 r || s over signedBytes. */
  signature: Uint8Array;
  /** Raw P-256 public key x || y (64 bytes). */
  attestationKey: Uint8Array;
  qeReportBytes: Uint8Array;
  qeReport: SgxReportBody;
  /** ECDSA P-256 r || s over qeReportBytes by the PCK key. */
  qeReportSignature: Uint8Array;
  qeAuthData: Uint8Array;
  /** Certification data type 5: the PEM text exactly as carried, and the DER certificates, leaf first. */
  pckChainPem: string;
  pckChain: Uint8Array[];
};

function parseSgxReport(r: ByteReader): SgxReportBody {
  const cpuSvn = r.take(16, "cpuSvn");
  const miscSelect = r.u32le("miscSelect");
  r.take(28, "reserved1");
  const attributes = r.take(16, "attributes");
  const mrEnclave = r.take(32, "mrEnclave");
  r.take(32, "reserved2");
  const mrSigner = r.take(32, "mrSigner");
  r.take(96, "reserved3");
  const isvProdId = r.u16le("isvProdId");
  const isvSvn = r.u16le("isvSvn");
  r.take(60, "reserved4");
  const reportData = r.take(64, "reportData");
  return { kind: "sgx", cpuSvn, miscSelect, attributes, mrEnclave, mrSigner, isvProdId, isvSvn, reportData };
}

function parseTdReport(r: ByteReader, td15: boolean): TdReportBody {
  const body: TdReportBody = {
    kind: td15 ? "td15" : "td10",
    teeTcbSvn: r.take(16, "teeTcbSvn"),
    mrSeam: r.take(48, "mrSeam"),
    mrSignerSeam: r.take(48, "mrSignerSeam"),
    seamAttributes: r.take(8, "seamAttributes"),
    tdAttributes: r.take(8, "tdAttributes"),
    xfam: r.take(8, "xfam"),
    mrTd: r.take(48, "mrTd"),
    mrConfigId: r.take(48, "mrConfigId"),
    mrOwner: r.take(48, "mrOwner"),
    mrOwnerConfig: r.take(48, "mrOwnerConfig"),
    rtmr0: r.take(48, "rtmr0"),
    rtmr1: r.take(48, "rtmr1"),
    rtmr2: r.take(48, "rtmr2"),
    rtmr3: r.take(48, "rtmr3"),
    reportData: r.take(64, "reportData"),
  };
  if (td15) {
    body.teeTcbSvn2 = r.take(16, "teeTcbSvn2");
    body.mrServiceTd = r.take(48, "mrServiceTd");
  }
  return body;
}

function bad(field: string, offset: number, expected: string, got?: string): ParseError {
  return new ParseError({ structure: "Intel quote", field, offset, expected, got });
}

/** Parses a quote from bytes or hex. Throws ParseError naming the field and offset on bad input. */
export function parseQuote(input: BytesLike): IntelQuote {
  const raw = bytesOf(input, "Intel quote");
  const r = new ByteReader(raw, "Intel quote");

  const version = r.u16le("header.version");
  if (version !== 3 && version !== 4 && version !== 5) throw bad("header.version", 0, "3, 4 or 5", String(version));
  const attestationKeyType = r.u16le("header.attestationKeyType");
  if (attestationKeyType !== ATTESTATION_KEY_TYPE_ECDSA_P256) {
    throw bad("header.attestationKeyType", 2, "2 (ECDSA P-256)", String(attestationKeyType));
  }
  const teeType = r.u32le("header.teeType");
  if (version === 3 ? teeType !== TEE_TYPE_SGX : teeType !== TEE_TYPE_TDX) {
    throw bad("header.teeType", 4, version === 3 ? "0 (SGX) for v3" : "0x81 (TDX) for v4/v5", `0x${teeType.toString(16)}`);
  }
  const qeSvn = r.u16le("header.qeSvn");
  const pceSvn = r.u16le("header.pceSvn");
  const qeVendorId = r.take(16, "header.qeVendorId");
  for (let i = 0; i < 16; i++) {
    if (qeVendorId[i] !== INTEL_QE_VENDOR_ID[i]) throw bad("header.qeVendorId", 12 + i, "Intel QE vendor ID 939a7233f79c4ca9940a0db3957f0607");
  }
  const userData = r.take(20, "header.userData");
  const header: QuoteHeader = { version, attestationKeyType, teeType, qeSvn, pceSvn, qeVendorId, userData };

  let bodyType: 1 | 2 | 3;
  let body: SgxReportBody | TdReportBody;
  if (version === 5) {
    const bt = r.u16le("body.type");
    const size = r.u32le("body.size");
    if (bt !== BODY_TYPE_TD10 && bt !== BODY_TYPE_TD15) throw bad("body.type", QUOTE_HEADER_LEN, "2 (TD 1.0) or 3 (TD 1.5) for a TDX quote", String(bt));
    const want = bt === BODY_TYPE_TD10 ? TD_REPORT10_LEN : TD_REPORT15_LEN;
    if (size !== want) throw bad("body.size", QUOTE_HEADER_LEN + 2, String(want), String(size));
    bodyType = bt;
    body = parseTdReport(r, bt === BODY_TYPE_TD15);
  } else if (version === 4) {
    bodyType = BODY_TYPE_TD10;
    body = parseTdReport(r, false);
  } else {
    bodyType = BODY_TYPE_SGX;
    body = parseSgxReport(r);
  }
  const signedLen = r.offset;
  const expectedSigned =
    QUOTE_HEADER_LEN +
    (version === 5 ? BODY_DESCRIPTOR_LEN : 0) +
    (bodyType === BODY_TYPE_SGX ? SGX_REPORT_LEN : bodyType === BODY_TYPE_TD10 ? TD_REPORT10_LEN : TD_REPORT15_LEN);
  if (signedLen !== expectedSigned) throw bad("body", QUOTE_HEADER_LEN, `${expectedSigned} signed bytes`);
  const signedBytes = raw.subarray(0, signedLen);

  const authStart = r.offset;
  const authSize = r.u32le("authData.size");
  if (authSize > r.remaining) throw bad("authData.size", authStart, `at most ${r.remaining}`, String(authSize));
  for (let i = r.offset + authSize; i < raw.length; i++) {
    if (raw[i] !== 0) throw bad("trailing bytes", i, "nothing (or zero padding) after the signature data");
  }
  const a = new ByteReader(raw.subarray(r.offset, r.offset + authSize), "Intel quote", r.offset);
  const signature = a.take(64, "authData.signature");
  const attestationKey = a.take(64, "authData.attestationKey");

  let qe: ByteReader = a;
  if (version !== 3) {
    const typeOffset = a.base + a.offset;
    const type = a.u16le("certificationData.type");
    if (type !== CERT_DATA_QE_REPORT) throw bad("certificationData.type", typeOffset, "6 (QE report certification data)", String(type));
    const size = a.u32le("certificationData.size");
    const inner = a.take(size, "certificationData.data");
    a.end("authData (bytes after certification data)");
    qe = new ByteReader(inner, "Intel quote", typeOffset + 6);
  }
  const qeReportBytes = qe.take(SGX_REPORT_LEN, "qeReport");
  const qeReport = parseSgxReport(new ByteReader(qeReportBytes, "Intel quote", qe.base + qe.offset - SGX_REPORT_LEN));
  const qeReportSignature = qe.take(64, "qeReportSignature");
  const qeAuthSize = qe.u16le("qeAuthData.size");
  const qeAuthData = qe.take(qeAuthSize, "qeAuthData");
  const certTypeOffset = qe.base + qe.offset;
  const certType = qe.u16le("pckCertificationData.type");
  if (certType !== CERT_DATA_PCK_CHAIN) {
    throw bad("pckCertificationData.type", certTypeOffset, "5 (PCK certificate chain, PEM)", String(certType));
  }
  const certSize = qe.u32le("pckCertificationData.size");
  const pemBytes = qe.take(certSize, "pckCertificationData.data");
  qe.end("certification data (bytes after the PCK chain)");
  if (qe !== a) a.end();

  const pckChainPem = pemTextFromBytes(pemBytes, "Intel quote", certTypeOffset + 6);
  const pckChain = parsePemChain(pckChainPem, { structure: "Intel quote", base: certTypeOffset + 6 });

  return {
    raw,
    header,
    teeType: version === 3 ? "SGX" : "TDX",
    bodyType,
    body,
    signedBytes,
    signature,
    attestationKey,
    qeReportBytes,
    qeReport,
    qeReportSignature,
    qeAuthData,
    pckChainPem,
    pckChain,
  };
}

/**
 * How many bytes the quote at the start of `input` occupies: header, body and the signature data its
 * authData.size announces. For front ends that meet quotes saved with something after them (a
 * newline, a capture tool's text); `parseQuote` itself stays strict. Throws ParseError when the
 * header or the announced size does not fit.
 */
export function intelQuoteExtent(input: Uint8Array): number {
  const r = new ByteReader(input, "Intel quote");
  const version = r.u16le("header.version");
  if (version !== 3 && version !== 4 && version !== 5) throw bad("header.version", 0, "3, 4 or 5", String(version));
  let body: number;
  if (version === 5) {
    r.take(QUOTE_HEADER_LEN - 2, "header");
    const bt = r.u16le("body.type");
    body = BODY_DESCRIPTOR_LEN + (bt === BODY_TYPE_TD15 ? TD_REPORT15_LEN : bt === BODY_TYPE_TD10 ? TD_REPORT10_LEN : SGX_REPORT_LEN);
  } else body = version === 4 ? TD_REPORT10_LEN : SGX_REPORT_LEN;
  const authAt = QUOTE_HEADER_LEN + body;
  if (input.length < authAt + 4) throw bad("authData.size", authAt, "4 bytes", `${Math.max(0, input.length - authAt)} left`);
  const authSize = (input[authAt]! | (input[authAt + 1]! << 8) | (input[authAt + 2]! << 16) | (input[authAt + 3]! << 24)) >>> 0;
  if (authAt + 4 + authSize > input.length) throw bad("authData.size", authAt, `at most ${input.length - authAt - 4}`, String(authSize));
  return authAt + 4 + authSize;
}
