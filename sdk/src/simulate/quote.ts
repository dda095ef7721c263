/**
 * A simulated TDX Quoting Enclave: it holds an ECDSA P-256 attestation key, has its QE report
 * signed by a simulated PCK key, and issues TDX quotes version 4 with a TD 1.0 body, laid out as
 * Intel's TDX DCAP Quote Generation Library documents them (offsets in docs/simulator.md):
 *
 *   header (48) || TD report body (584) || u32 signature data length || signature data, where
 *   signature data = quote signature (64) || attestation key (64) || certification data type 6
 *   { u16 type, u32 size, QE report (384) || QE report signature (64) || u16 auth size || QE auth
 *   data || certification data type 5 { u16 type, u32 size, PEM chain leaf..root, NUL } }.
 */
import { sha256 } from "@noble/hashes/sha2.js";
import { concatBytes, toBytes, type BytesLike } from "../bytes.js";
import { deriveBytes } from "./random.js";
import { deriveP256Key, type SimulatedP256Key } from "./keys.js";
import type { SimulatedDcapPki, SimulatedPckCertificate } from "./pki.js";
import {
  ATTESTATION_KEY_TYPE_ECDSA_P256,
  CERT_DATA_PCK_CHAIN,
  CERT_DATA_QE_REPORT,
  INTEL_QE_VENDOR_ID,
  TEE_TYPE_TDX,
} from "../intel/constants.js";
import type { SgxReportBody } from "../intel/quote.js";

// The layout constants are the verifier's (sdk/src/intel/constants.ts), under the simulator's names.
export {
  QUOTE_HEADER_LEN as QUOTE_HEADER_SIZE,
  TD_REPORT10_LEN as TD10_BODY_SIZE,
  SGX_REPORT_LEN as QE_REPORT_SIZE,
  TEE_TYPE_TDX,
  ATTESTATION_KEY_TYPE_ECDSA_P256,
  CERT_DATA_PCK_CHAIN as CERT_DATA_TYPE_PCK_CHAIN,
  CERT_DATA_QE_REPORT as CERT_DATA_TYPE_QE_REPORT,
  INTEL_QE_VENDOR_ID,
} from "../intel/constants.js";

function u16le(v: number): Uint8Array {
  return Uint8Array.of(v & 255, (v >>> 8) & 255);
}
function u32le(v: number): Uint8Array {
  return Uint8Array.of(v & 255, (v >>> 8) & 255, (v >>> 16) & 255, (v >>> 24) & 255);
}

function fixed(value: BytesLike | undefined, n: number, field: string, fallback?: Uint8Array): Uint8Array {
  const b = value === undefined ? (fallback ?? new Uint8Array(n)) : toBytes(value, field);
  if (b.length !== n) throw new RangeError(`${field} must be ${n} bytes, got ${b.length}`);
  return b;
}

/** The QE report's fields (an SGX REPORT body without its report data, which binds the attestation key). */
export type QeReportFields = Omit<SgxReportBody, "kind" | "reportData">;

/** SGX REPORT body (384 bytes), as the QE's report is laid out. */
export function encodeEnclaveReport(f: QeReportFields, reportData: Uint8Array): Uint8Array {
  return concatBytes(
    fixed(f.cpuSvn, 16, "cpuSvn"),
    u32le(f.miscSelect),
    new Uint8Array(28),
    fixed(f.attributes, 16, "attributes"),
    fixed(f.mrEnclave, 32, "mrEnclave"),
    new Uint8Array(32),
    fixed(f.mrSigner, 32, "mrSigner"),
    new Uint8Array(96),
    u16le(f.isvProdId),
    u16le(f.isvSvn),
    new Uint8Array(60),
    fixed(reportData, 64, "reportData"),
  );
}

export type TdReportFields = {
  teeTcbSvn?: BytesLike | undefined;
  mrSeam?: BytesLike | undefined;
  mrSignerSeam?: BytesLike | undefined;
  seamAttributes?: BytesLike | undefined;
  tdAttributes?: BytesLike | undefined;
  xfam?: BytesLike | undefined;
  mrTd?: BytesLike | undefined;
  mrConfigId?: BytesLike | undefined;
  mrOwner?: BytesLike | undefined;
  mrOwnerConfig?: BytesLike | undefined;
  /** Four 48-byte registers RTMR0..RTMR3. */
  rtmrs?: BytesLike[] | undefined;
  reportData?: BytesLike | undefined;
};

/** TEE_TCB_SVN of the real TDX v4 fixture's platform (TDX module 1.5, SVN 6). */
export const DEFAULT_TEE_TCB_SVN = Uint8Array.from([6, 1, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
/** SEPT_VE_DISABLE (bit 28) set, debug (TUD) clear: what verifiers require of a production TD. */
export const DEFAULT_TD_ATTRIBUTES = Uint8Array.from([0, 0, 0, 0x10, 0, 0, 0, 0]);
export const DEFAULT_XFAM = Uint8Array.from([0xe7, 0x02, 0x06, 0, 0, 0, 0, 0]);

/** TD 1.0 report body (584 bytes). */
export function encodeTd10Body(f: TdReportFields): Uint8Array {
  const rtmrs = f.rtmrs ?? [];
  if (rtmrs.length !== 0 && rtmrs.length !== 4) throw new RangeError("rtmrs must hold 4 registers");
  return concatBytes(
    fixed(f.teeTcbSvn, 16, "teeTcbSvn", DEFAULT_TEE_TCB_SVN),
    fixed(f.mrSeam, 48, "mrSeam"),
    fixed(f.mrSignerSeam, 48, "mrSignerSeam"),
    fixed(f.seamAttributes, 8, "seamAttributes"),
    fixed(f.tdAttributes, 8, "tdAttributes", DEFAULT_TD_ATTRIBUTES),
    fixed(f.xfam, 8, "xfam", DEFAULT_XFAM),
    fixed(f.mrTd, 48, "mrTd"),
    fixed(f.mrConfigId, 48, "mrConfigId"),
    fixed(f.mrOwner, 48, "mrOwner"),
    fixed(f.mrOwnerConfig, 48, "mrOwnerConfig"),
    ...[0, 1, 2, 3].map((i) => fixed(rtmrs[i], 48, `rtmr${i}`)),
    fixed(f.reportData, 64, "reportData"),
  );
}

export type SimulatedQuotingEnclaveParameters = {
  pki: SimulatedDcapPki;
  pck: SimulatedPckCertificate;
  label?: string | undefined;
  /** QE identity of the simulated QE (defaults: seed-derived MRSIGNER/MRENCLAVE, ISVPRODID 2, ISVSVN 4). */
  report?: Partial<QeReportFields> | undefined;
  qeAuthData?: Uint8Array | undefined;
  qeSvn?: number | undefined;
  pceSvn?: number | undefined;
};

export type SimulatedQuotingEnclave = {
  attestationKey: SimulatedP256Key;
  qeReport: Uint8Array;
  qeReportFields: QeReportFields;
  qeReportSignature: Uint8Array;
  qeAuthData: Uint8Array;
  pck: SimulatedPckCertificate;
  /** Header user data (20 bytes): QE ID (16) and 4 zero bytes, as Intel's QE fills it. */
  userData: Uint8Array;
  /** Issues a TDX v4 quote over a TD 1.0 body with the chosen registers and report data. */
  issueTdxQuote(fields: TdReportFields): Uint8Array;
};

export function createSimulatedQuotingEnclave(p: SimulatedQuotingEnclaveParameters): SimulatedQuotingEnclave {
  const label = `dcap/qe/${p.label ?? "qe-0"}`;
  const seed = p.pki.seed;
  const attestationKey = deriveP256Key(seed, `${label}/attestation-key`);
  const qeAuthData = p.qeAuthData ?? Uint8Array.from({ length: 32 }, (_, i) => i);
  const qeReportFields: QeReportFields = {
    cpuSvn: p.report?.cpuSvn ?? p.pck.sgx.cpuSvn,
    miscSelect: p.report?.miscSelect ?? 0,
    attributes: p.report?.attributes ?? Uint8Array.from([0x15, 0, 0, 0, 0, 0, 0, 0, 0xe7, 0, 0, 0, 0, 0, 0, 0]),
    mrEnclave: p.report?.mrEnclave ?? deriveBytes(seed, `${label}/mrenclave`, 32),
    mrSigner: p.report?.mrSigner ?? deriveBytes(seed, "dcap/qe-mrsigner", 32),
    isvProdId: p.report?.isvProdId ?? 2,
    isvSvn: p.report?.isvSvn ?? 4,
  };
  // Binds the attestation key to the QE: report data = sha256(attestation key || QE auth data) || 0^32.
  const reportData = concatBytes(sha256(concatBytes(attestationKey.publicKeyRaw, qeAuthData)), new Uint8Array(32));
  const qeReport = encodeEnclaveReport(qeReportFields, reportData);
  const qeReportSignature = p.pck.key.sign(qeReport);
  const userData = concatBytes(deriveBytes(seed, `${label}/qe-id`, 16), new Uint8Array(4));
  const chain = new TextEncoder().encode(p.pck.pem.trim() + "\n" + p.pki.pckCa.pem.trim() + "\n" + p.pki.root.pem.trim() + "\n\0");
  const qeSvn = p.qeSvn ?? 0;
  const pceSvn = p.pceSvn ?? 0;

  function issueTdxQuote(fields: TdReportFields): Uint8Array {
    const header = concatBytes(
      u16le(4),
      u16le(ATTESTATION_KEY_TYPE_ECDSA_P256),
      u32le(TEE_TYPE_TDX),
      u16le(qeSvn),
      u16le(pceSvn),
      INTEL_QE_VENDOR_ID,
      userData,
    );
    const body = encodeTd10Body(fields);
    const signature = attestationKey.sign(concatBytes(header, body));
    const type5 = concatBytes(u16le(CERT_DATA_PCK_CHAIN), u32le(chain.length), chain);
    const type6Body = concatBytes(qeReport, qeReportSignature, u16le(qeAuthData.length), qeAuthData, type5);
    const sigData = concatBytes(signature, attestationKey.publicKeyRaw, u16le(CERT_DATA_QE_REPORT), u32le(type6Body.length), type6Body);
    return concatBytes(header, body, u32le(sigData.length), sigData);
  }

  return { attestationKey, qeReport, qeReportFields, qeReportSignature, qeAuthData, pck: p.pck, userData, issueTdxQuote };
}
