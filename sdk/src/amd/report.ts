/**
 * SEV-SNP ATTESTATION_REPORT (AMD SEV-SNP ABI spec 56860, table "ATTESTATION_REPORT"), versions 2, 3
 * and 5 (4 is read like 3). Byte layout: docs/sev-snp.md.
 */
import { ByteReader, hex } from "../bytes.js";
import { ParseError, VerificationError } from "../errors.js";

export const SNP_REPORT_SIZE = 0x4a0;
/** The signature covers bytes [0, SNP_SIGNED_LENGTH). */
export const SNP_SIGNED_LENGTH = 0x2a0;
export const SNP_SUPPORTED_VERSIONS = [2, 3, 4, 5] as const;

/** TCB_VERSION, a u64 whose byte layout depends on the product line (Turin added an FMC SPL). */
export type SnpTcbVersion = { raw: bigint; bootloader: number; tee: number; snp: number; microcode: number; fmc?: number | undefined };

export type SnpGuestPolicy = {
  raw: bigint;
  abiMinor: number;
  abiMajor: number;
  smt: boolean;
  migrateMa: boolean;
  debug: boolean;
  singleSocket: boolean;
  cxlAllow: boolean;
  memAes256Xts: boolean;
  raplDis: boolean;
  ciphertextHiding: boolean;
  pageSwapDisable: boolean;
};

export type SnpPlatformInfo = {
  raw: bigint;
  smtEnabled: boolean;
  tsmeEnabled: boolean;
  eccEnabled: boolean;
  raplDisabled: boolean;
  ciphertextHidingEnabled: boolean;
  aliasCheckComplete: boolean;
};

export type SnpReport = {
  raw: Uint8Array;
  version: number;
  guestSvn: number;
  policy: SnpGuestPolicy;
  familyId: Uint8Array;
  imageId: Uint8Array;
  vmpl: number;
  signatureAlgo: number;
  /** TCB fields as raw u64; decode with `decodeTcb(raw, productLine)`. */
  currentTcb: bigint;
  platformInfo: SnpPlatformInfo;
  authorKeyEn: boolean;
  maskChipKey: boolean;
  /** 0 VCEK, 1 VLEK, 7 none. */
  signingKey: number;
  reportData: Uint8Array;
  measurement: Uint8Array;
  hostData: Uint8Array;
  idKeyDigest: Uint8Array;
  authorKeyDigest: Uint8Array;
  reportId: Uint8Array;
  reportIdMa: Uint8Array;
  reportedTcb: bigint;
  /** CPUID family/model/stepping, version >= 3 only. */
  cpuid?: { family: number; model: number; stepping: number } | undefined;
  chipId: Uint8Array;
  committedTcb: bigint;
  currentVersion: { major: number; minor: number; build: number };
  committedVersion: { major: number; minor: number; build: number };
  launchTcb: bigint;
  /** Version >= 5 only. */
  launchMitVector?: bigint | undefined;
  currentMitVector?: bigint | undefined;
  /** r and s as big-endian 48-byte integers, converted from the report's 72-byte little-endian fields. */
  signature: { r: Uint8Array; s: Uint8Array };
};

const S = "SEV-SNP attestation report";

export function decodePolicy(raw: bigint): SnpGuestPolicy {
  const bit = (n: number) => ((raw >> BigInt(n)) & 1n) === 1n;
  return {
    raw,
    abiMinor: Number(raw & 0xffn),
    abiMajor: Number((raw >> 8n) & 0xffn),
    smt: bit(16),
    migrateMa: bit(18),
    debug: bit(19),
    singleSocket: bit(20),
    cxlAllow: bit(21),
    memAes256Xts: bit(22),
    raplDis: bit(23),
    ciphertextHiding: bit(24),
    pageSwapDisable: bit(25),
  };
}

function decodePlatformInfo(raw: bigint): SnpPlatformInfo {
  const bit = (n: number) => ((raw >> BigInt(n)) & 1n) === 1n;
  return {
    raw,
    smtEnabled: bit(0),
    tsmeEnabled: bit(1),
    eccEnabled: bit(2),
    raplDisabled: bit(3),
    ciphertextHidingEnabled: bit(4),
    aliasCheckComplete: bit(5),
  };
}

export type SnpProductLine = "Milan" | "Genoa" | "Turin";

/** Splits a TCB_VERSION u64: Milan/Genoa [bl, tee, 0,0,0,0, snp, ucode]; Turin [fmc, bl, tee, snp, 0,0,0, ucode]. */
export function decodeTcb(raw: bigint, productLine: SnpProductLine): SnpTcbVersion {
  const b = (i: number) => Number((raw >> BigInt(8 * i)) & 0xffn);
  if (productLine === "Turin") return { raw, fmc: b(0), bootloader: b(1), tee: b(2), snp: b(3), microcode: b(7) };
  return { raw, bootloader: b(0), tee: b(1), snp: b(6), microcode: b(7) };
}

/** The product line named by CPUID family/model (report version >= 3), or undefined when unknown. */
export function productLineFromCpuid(cpuid: { family: number; model: number }): SnpProductLine | undefined {
  if (cpuid.family === 0x19) {
    if (cpuid.model <= 0x0f) return "Milan";
    if ((cpuid.model >= 0x10 && cpuid.model <= 0x1f) || (cpuid.model >= 0xa0 && cpuid.model <= 0xaf)) return "Genoa";
  }
  if (cpuid.family === 0x1a && cpuid.model <= 0x11) return "Turin";
  return undefined;
}

/** Little-endian 72-byte integer → big-endian 48 bytes; its top 24 bytes must be zero for P-384. */
function leScalar(le: Uint8Array, offset: number, field: string): Uint8Array {
  for (let i = 48; i < 72; i++) {
    if (le[i] !== 0) throw new ParseError({ structure: S, field, offset: offset + i, expected: "zero (P-384 scalar fits in 48 bytes)" });
  }
  const out = new Uint8Array(48);
  for (let i = 0; i < 48; i++) out[i] = le[47 - i]!;
  return out;
}

export function parseSnpReport(bytes: Uint8Array): SnpReport {
  if (bytes.length !== SNP_REPORT_SIZE) {
    throw new ParseError({ structure: S, field: "length", offset: Math.min(bytes.length, SNP_REPORT_SIZE), expected: `${SNP_REPORT_SIZE} bytes`, got: `${bytes.length}` });
  }
  const r = new ByteReader(bytes, S);
  const version = r.u32le("version");
  if (!(SNP_SUPPORTED_VERSIONS as readonly number[]).includes(version)) {
    throw new ParseError({ structure: S, field: "version", offset: 0, expected: "2, 3, 4 or 5", got: String(version) });
  }
  const guestSvn = r.u32le("guest_svn");
  const policyRaw = r.u64le("policy");
  const familyId = r.take(16, "family_id");
  const imageId = r.take(16, "image_id");
  const vmpl = r.u32le("vmpl");
  const signatureAlgo = r.u32le("signature_algo");
  if (signatureAlgo !== 1) throw new ParseError({ structure: S, field: "signature_algo", offset: 0x34, expected: "1 (ECDSA P-384 with SHA-384)", got: String(signatureAlgo) });
  const currentTcb = r.u64le("current_tcb");
  const platformInfo = decodePlatformInfo(r.u64le("platform_info"));
  const keyInfo = r.u32le("signer info");
  const signingKey = (keyInfo >> 2) & 7;
  if (signingKey !== 0 && signingKey !== 1 && signingKey !== 7) {
    throw new ParseError({ structure: S, field: "signing_key", offset: 0x48, expected: "0 (VCEK), 1 (VLEK) or 7 (none)", got: String(signingKey) });
  }
  r.take(4, "reserved");
  const reportData = r.take(64, "report_data");
  const measurement = r.take(48, "measurement");
  const hostData = r.take(32, "host_data");
  const idKeyDigest = r.take(48, "id_key_digest");
  const authorKeyDigest = r.take(48, "author_key_digest");
  const reportId = r.take(32, "report_id");
  const reportIdMa = r.take(32, "report_id_ma");
  const reportedTcb = r.u64le("reported_tcb");
  let cpuid: SnpReport["cpuid"];
  if (version >= 3) {
    const family = r.u8("cpuid_fam_id");
    const model = r.u8("cpuid_mod_id");
    const stepping = r.u8("cpuid_step");
    cpuid = { family, model, stepping };
  }
  r.offset = 0x1a0;
  const chipId = r.take(64, "chip_id");
  const committedTcb = r.u64le("committed_tcb");
  const cur = r.take(4, "current_version");
  const com = r.take(4, "committed_version");
  const launchTcb = r.u64le("launch_tcb");
  let launchMitVector: bigint | undefined;
  let currentMitVector: bigint | undefined;
  if (version >= 5) {
    launchMitVector = r.u64le("launch_mit_vector");
    currentMitVector = r.u64le("current_mit_vector");
  }
  const sigR = leScalar(bytes.subarray(0x2a0, 0x2e8), 0x2a0, "signature.r");
  const sigS = leScalar(bytes.subarray(0x2e8, 0x330), 0x2e8, "signature.s");
  // The rest of the signature field is reserved (MBZ); not covered by the signature, so insist on it.
  for (let i = 0x330; i < SNP_REPORT_SIZE; i++) {
    if (bytes[i] !== 0) throw new ParseError({ structure: S, field: "signature reserved", offset: i, expected: "zero" });
  }
  return {
    raw: bytes,
    version,
    guestSvn,
    policy: decodePolicy(policyRaw),
    familyId,
    imageId,
    vmpl,
    signatureAlgo,
    currentTcb,
    platformInfo,
    authorKeyEn: (keyInfo & 1) === 1,
    maskChipKey: (keyInfo & 2) === 2,
    signingKey,
    reportData,
    measurement,
    hostData,
    idKeyDigest,
    authorKeyDigest,
    reportId,
    reportIdMa,
    reportedTcb,
    cpuid,
    chipId,
    committedTcb,
    currentVersion: { build: cur[0]!, minor: cur[1]!, major: cur[2]! },
    committedVersion: { build: com[0]!, minor: com[1]!, major: com[2]! },
    launchTcb,
    launchMitVector,
    currentMitVector,
    signature: { r: sigR, s: sigS },
  };
}

/** True when the guest policy (MASK_CHIP_ID) zeroed the chip ID, so the report cannot name its hardware. */
export function isChipIdMasked(report: SnpReport): boolean {
  return report.chipId.every((b) => b === 0);
}

/** The chip ID as the hardware ID (hex); throws when masked. */
export function snpHardwareId(report: SnpReport): string {
  if (isChipIdMasked(report)) {
    throw new VerificationError("snp.chipId.masked", "SEV-SNP report has an all-zero chip ID (masked by MASK_CHIP_ID): it cannot name its hardware", {
      details: "chip_id at offset 0x1A0 is 64 zero bytes",
    });
  }
  return hex(report.chipId);
}
