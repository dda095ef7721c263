/**
 * SEV-SNP verification: ARK (pinned per product line) → ASK/ASVK → VCEK/VLEK (RSA-PSS SHA-384), the
 * report's ECDSA P-384 signature over its first 0x2A0 bytes, the reported TCB against the VCEK's TCB
 * extensions, the chip ID against the VCEK's hwID, and the guest policy. docs/sev-snp.md.
 */
import { AsnConvert, AsnProp, AsnPropTypes, AsnType, AsnTypeTypes } from "@peculiar/asn1-schema";
import { hex, equalBytes, concatBytes, isBytes } from "../bytes.js";
import { ParseError, VerificationError } from "../errors.js";
import {
  type Certificate,
  importVerifyKey,
  nameAttribute,
  parseCertificates,
  verifyCertificateChain,
} from "../pki/x509.js";
import {
  type SnpProductLine,
  type SnpReport,
  type SnpTcbVersion,
  SNP_SIGNED_LENGTH,
  decodeTcb,
  isChipIdMasked,
  parseSnpReport,
  productLineFromCpuid,
} from "./report.js";
import { GENOA_ASK_ARK_PEM, MILAN_ASK_ARK_PEM, TURIN_ARK_PEM } from "./roots.js";

export const SNP_PRODUCT_LINES: readonly SnpProductLine[] = ["Milan", "Genoa", "Turin"];

// One-field CHOICE schemas for the extension values (decorators applied as plain calls).
class AsnInt {
  value = 0;
}
AsnProp({ type: AsnPropTypes.Integer })(AsnInt.prototype, "value");
AsnType({ type: AsnTypeTypes.Choice })(AsnInt);
class AsnText {
  ia5?: string | undefined;
  utf8?: string | undefined;
}
AsnProp({ type: AsnPropTypes.IA5String })(AsnText.prototype, "ia5");
AsnProp({ type: AsnPropTypes.Utf8String })(AsnText.prototype, "utf8");
AsnType({ type: AsnTypeTypes.Choice })(AsnText);

const OID = {
  structVersion: "1.3.6.1.4.1.3704.1.1",
  productName: "1.3.6.1.4.1.3704.1.2",
  blSpl: "1.3.6.1.4.1.3704.1.3.1",
  teeSpl: "1.3.6.1.4.1.3704.1.3.2",
  snpSpl: "1.3.6.1.4.1.3704.1.3.3",
  ucodeSpl: "1.3.6.1.4.1.3704.1.3.8",
  fmcSpl: "1.3.6.1.4.1.3704.1.3.9",
  hwId: "1.3.6.1.4.1.3704.1.4",
  cspId: "1.3.6.1.4.1.3704.1.5",
};

/** The pinned roots: `ark` is the trust anchor, `ask` a default signing key (checked against `ark`). */
export type SnpTrustAnchors = Partial<Record<SnpProductLine, { ark: Certificate; ask?: Certificate }>>;

let pinned: SnpTrustAnchors | undefined;
/** AMD's ARKs pinned in the SDK: Milan, Genoa (with their ASKs) and Turin (ARK only: its ASK comes with the evidence). */
export function pinnedSnpArks(): SnpTrustAnchors {
  if (!pinned) {
    const [mAsk, mArk] = parseCertificates(MILAN_ASK_ARK_PEM, "pinned Milan ARK");
    const [gAsk, gArk] = parseCertificates(GENOA_ASK_ARK_PEM, "pinned Genoa ARK");
    const [tArk] = parseCertificates(TURIN_ARK_PEM, "pinned Turin ARK");
    pinned = { Milan: { ark: mArk!, ask: mAsk }, Genoa: { ark: gArk!, ask: gAsk }, Turin: { ark: tArk! } };
  }
  return pinned;
}

/** TCB SPLs the VCEK was issued for (its extensions 1.3.6.1.4.1.3704.1.3.x). */
export type SnpCertTcb = { bootloader: number; tee: number; snp: number; microcode: number; fmc?: number | undefined };

export type SnpEndorsementKey = {
  kind: "VCEK" | "VLEK";
  certificate: Certificate;
  productName?: string | undefined;
  tcb: SnpCertTcb;
  /** VCEK only: the chip's 64-byte hardware ID. */
  hwId?: Uint8Array | undefined;
  /** VLEK only: the cloud provider's ID. */
  cspId?: string | undefined;
};

function extInteger(cert: Certificate, oid: string, required: boolean): number | undefined {
  const e = cert.extensions.get(oid);
  if (!e) {
    if (!required) return undefined;
    throw new ParseError({ structure: "VCEK certificate", field: `extension ${oid}`, offset: 0, expected: "present" });
  }
  try {
    const n = AsnConvert.parse(e.value, AsnInt).value;
    if (typeof n !== "number" || n < 0 || n > 255) throw new Error("out of range");
    return n;
  } catch (cause) {
    throw new ParseError({ structure: "VCEK certificate", field: `extension ${oid}`, offset: 0, expected: "INTEGER 0..255", cause });
  }
}

function extString(cert: Certificate, oid: string): string | undefined {
  const e = cert.extensions.get(oid);
  if (!e) return undefined;
  try {
    const t = AsnConvert.parse(e.value, AsnText);
    return t.ia5 ?? t.utf8;
  } catch (cause) {
    throw new ParseError({ structure: "VCEK certificate", field: `extension ${oid}`, offset: 0, expected: "IA5String or UTF8String", cause });
  }
}

export function parseEndorsementKey(cert: Certificate): SnpEndorsementKey {
  const cn = nameAttribute(cert.subject, "CN");
  const kind = cn === "SEV-VLEK" ? "VLEK" : cn === "SEV-VCEK" ? "VCEK" : undefined;
  if (!kind) throw new ParseError({ structure: "VCEK certificate", field: "subject CN", offset: 0, expected: "SEV-VCEK or SEV-VLEK", got: cn });
  if (cert.publicKey.kind !== "ec" || cert.publicKey.curve !== "P-384") {
    throw new ParseError({ structure: "VCEK certificate", field: "subjectPublicKeyInfo", offset: 0, expected: "an ECDSA P-384 key" });
  }
  const tcb: SnpCertTcb = {
    bootloader: extInteger(cert, OID.blSpl, true)!,
    tee: extInteger(cert, OID.teeSpl, true)!,
    snp: extInteger(cert, OID.snpSpl, true)!,
    microcode: extInteger(cert, OID.ucodeSpl, true)!,
    fmc: extInteger(cert, OID.fmcSpl, false),
  };
  const hw = cert.extensions.get(OID.hwId)?.value;
  return {
    kind,
    certificate: cert,
    productName: extString(cert, OID.productName),
    tcb,
    // hwID is stored as the raw 64 bytes (or, in some certificates, as a DER OCTET STRING).
    hwId: hw ? (hw.length === 66 && hw[0] === 0x04 && hw[1] === 0x40 ? hw.subarray(2) : hw) : undefined,
    cspId: extString(cert, OID.cspId),
  };
}

export type VerifySnpReportParameters = {
  /** The 1184-byte report, or one already parsed. */
  report: Uint8Array | SnpReport;
  /**
   * Certificates the report does not carry: the VCEK or VLEK (required), and optionally the ASK/ASVK
   * (PEM text, DER bytes, or parsed). The ARK is never taken from here: it is pinned per product line.
   */
  certificates: (Uint8Array | string | Certificate)[];
  /** Verification time: a Date or unix seconds. */
  now: Date | number;
  /** Force a product line instead of deriving it from the VCEK and the report's CPUID. */
  productLine?: SnpProductLine | undefined;
  /** Extra or replacement trust anchors (e.g. the Turin ARK). Defaults to `pinnedSnpArks()`. */
  arks?: SnpTrustAnchors | undefined;
  /**
   * Debug guests are refused by default (the host can read their memory). `true` returns the result
   * anyway, with `debug: true`, for callers that report the refusal themselves.
   */
  allowDebug?: boolean | undefined;
};

export type VerifySnpReportErrorType = ParseError | VerificationError;

export type VerifySnpReportReturnType = {
  report: SnpReport;
  productLine: SnpProductLine;
  endorsementKey: SnpEndorsementKey;
  reportedTcb: SnpTcbVersion;
  currentTcb: SnpTcbVersion;
  committedTcb: SnpTcbVersion;
  launchTcb: SnpTcbVersion;
  /** Hex chip ID, or undefined when masked (all zeros). */
  chipId?: string | undefined;
  measurement: string;
  reportData: string;
  hostData: string;
  /** Guest policy DEBUG bit; only ever true with `allowDebug`. */
  debug: boolean;
  /** Policy bits other than debug, for the report. */
  policyFlags: string[];
};

function toCerts(list: (Uint8Array | string | Certificate)[]): Certificate[] {
  return list.flatMap((c) => (typeof c === "string" || isBytes(c) ? parseCertificates(c, "SEV-SNP certificates") : [c]));
}

function productLineOf(key: SnpEndorsementKey, report: SnpReport): SnpProductLine | undefined {
  const issuerCn = nameAttribute(key.certificate.issuer, "CN") ?? "";
  for (const p of SNP_PRODUCT_LINES) if (issuerCn.endsWith(`-${p}`) || key.productName?.startsWith(p)) return p;
  return report.cpuid ? productLineFromCpuid(report.cpuid) : undefined;
}

export async function verifySnpReport(params: VerifySnpReportParameters): Promise<VerifySnpReportReturnType> {
  const report = isBytes(params.report) ? parseSnpReport(params.report) : params.report;
  const certs = toCerts(params.certificates);
  const leaves = certs.filter((c) => {
    const cn = nameAttribute(c.subject, "CN");
    return cn === "SEV-VCEK" || cn === "SEV-VLEK";
  });
  const expectedKind = report.signingKey === 1 ? "SEV-VLEK" : "SEV-VCEK";
  if (report.signingKey === 7) throw new VerificationError("snp.signingKey", "SEV-SNP report is unsigned (SIGNING_KEY = none)");
  const leafCert = leaves.find((c) => nameAttribute(c.subject, "CN") === expectedKind);
  if (!leafCert) {
    throw new VerificationError("snp.vcek.missing", `SEV-SNP report is signed by a ${expectedKind.slice(4)} but none was supplied`, {
      details: "pass the VCEK/VLEK certificate (AMD KDS) with the evidence",
    });
  }
  const key = parseEndorsementKey(leafCert);
  const productLine = params.productLine ?? productLineOf(key, report);
  if (!productLine) throw new VerificationError("snp.productLine", "cannot tell the SEV-SNP product line (Milan, Genoa, Turin) from the VCEK or the report");
  if (report.cpuid) {
    const fromCpuid = productLineFromCpuid(report.cpuid);
    if (fromCpuid && fromCpuid !== productLine) {
      throw new VerificationError("snp.productLine", `report CPUID says ${fromCpuid} but the VCEK is for ${productLine}`);
    }
  }
  const anchors = { ...pinnedSnpArks(), ...params.arks }[productLine];
  if (!anchors) {
    throw new VerificationError("snp.ark.missing", `no pinned AMD root key (ARK) for ${productLine}`, {
      details: "pass the product line's ARK certificate in `arks` (AMD KDS /vcek/v1/<product>/cert_chain)",
    });
  }
  const arkCn = nameAttribute(anchors.ark.subject, "CN");
  if (arkCn !== `ARK-${productLine}`) throw new VerificationError("snp.ark", `pinned ARK for ${productLine} has CN ${arkCn}`);
  // The intermediate may come with the evidence; the pinned one is a fallback. Both are checked to the ARK.
  const issuerCandidates = [...certs.filter((c) => c !== leafCert && equalBytes(c.subjectDer, leafCert.issuerDer)), ...(anchors.ask ? [anchors.ask] : [])];
  const ask = issuerCandidates.find((c) => equalBytes(c.subjectDer, leafCert.issuerDer));
  if (!ask) throw new VerificationError("snp.ask.missing", `no ASK/ASVK certificate for "${leafCert.issuer}"`);
  await verifyCertificateChain({ chain: [leafCert, ask], root: anchors.ark, now: params.now, check: "snp.chain" });

  // Report signature: ECDSA P-384, SHA-384, over bytes [0, 0x2A0).
  const vkey = await importVerifyKey(leafCert.publicKey, { name: "ECDSA", namedCurve: "P-384" });
  const ok = await crypto.subtle.verify(
    { name: "ECDSA", hash: "SHA-384" },
    vkey,
    concatBytes(report.signature.r, report.signature.s) as BufferSource,
    report.raw.subarray(0, SNP_SIGNED_LENGTH) as BufferSource,
  );
  if (!ok) throw new VerificationError("snp.signature", "SEV-SNP report signature does not verify under the VCEK");

  const reportedTcb = decodeTcb(report.reportedTcb, productLine);
  const want = key.tcb;
  const mismatches: string[] = [];
  for (const f of ["bootloader", "tee", "snp", "microcode"] as const) {
    if (reportedTcb[f] !== want[f]) mismatches.push(`${f}: report ${reportedTcb[f]}, VCEK ${want[f]}`);
  }
  if (productLine === "Turin" && want.fmc !== undefined && reportedTcb.fmc !== want.fmc) mismatches.push(`fmc: report ${reportedTcb.fmc}, VCEK ${want.fmc}`);
  // A VCEK (and a VLEK) is issued for exactly one TCB: the report must claim that TCB.
  if (mismatches.length) {
    throw new VerificationError("snp.tcb", `reported TCB does not match the ${key.kind}'s TCB`, { metaMessages: mismatches });
  }
  const masked = isChipIdMasked(report);
  if (key.kind === "VCEK" && !masked && (!key.hwId || !equalBytes(key.hwId, report.chipId))) {
    throw new VerificationError("snp.chipId", "report chip ID does not match the VCEK's hwID");
  }
  if (report.policy.debug && !params.allowDebug) {
    throw new VerificationError("snp.policy.debug", "guest policy allows debugging: the host can read guest memory", {
      details: "policy bit 19 (DEBUG) is set; the signature, chain and TCB were checked before this",
    });
  }

  const p = report.policy;
  const policyFlags = [
    `abi>=${p.abiMajor}.${p.abiMinor}`,
    p.smt ? "smt-allowed" : "smt-disallowed",
    p.migrateMa ? "migration-agent" : "",
    p.singleSocket ? "single-socket" : "",
    p.cxlAllow ? "cxl-allowed" : "",
    p.memAes256Xts ? "mem-aes-256-xts" : "",
    p.raplDis ? "rapl-disabled" : "",
    p.ciphertextHiding ? "ciphertext-hiding" : "",
    p.pageSwapDisable ? "page-swap-disabled" : "",
  ].filter(Boolean);
  return {
    report,
    productLine,
    endorsementKey: key,
    reportedTcb,
    currentTcb: decodeTcb(report.currentTcb, productLine),
    committedTcb: decodeTcb(report.committedTcb, productLine),
    launchTcb: decodeTcb(report.launchTcb, productLine),
    chipId: masked ? undefined : hex(report.chipId),
    measurement: hex(report.measurement),
    reportData: hex(report.reportData),
    hostData: hex(report.hostData),
    debug: report.policy.debug,
    policyFlags,
  };
}
