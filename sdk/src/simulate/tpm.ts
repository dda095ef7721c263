/**
 * A software TPM 2.0 for tests: PCR banks (SHA-1, SHA-256, SHA-384) holding values you choose or
 * extend, an attestation key (RSA 2048 RSASSA-SHA256 or ECC P-256 ECDSA-SHA256) derived from a seed,
 * an AK certificate from a simulated AK CA, and TPM2_Quote output: TPMS_ATTEST (type ATTEST_QUOTE)
 * and TPMT_SIGNATURE, encoded as TPM 2.0 Part 2 defines them (big-endian; docs/tpm-onchain.md).
 */
import { sha256, sha384 } from "@noble/hashes/sha2.js";
import { sha1 } from "@noble/hashes/legacy.js";
import { concatBytes } from "../bytes.js";
import { bytesToBigInt, deriveBytes, deriveSerial, type SimulatorSeed } from "./random.js";
import { deriveP256Key, deriveRsaKey, type SimulatedP256Key, type SimulatedRsaKey } from "./keys.js";
import { buildName, extensions as ext, issueCertificate, KeyUsageFlags, toPem } from "./x509build.js";
import { DEFAULT_NOT_AFTER, DEFAULT_NOT_BEFORE, SIMULATOR_ORGANIZATION, type SimulatedCertificate } from "./pki.js";

export const TPM_ALG_RSA = 0x0001;
export const TPM_ALG_SHA1 = 0x0004;
export const TPM_ALG_SHA256 = 0x000b;
export const TPM_ALG_SHA384 = 0x000c;
export const TPM_ALG_NULL = 0x0010;
export const TPM_ALG_RSASSA = 0x0014;
export const TPM_ALG_ECDSA = 0x0018;
export const TPM_ALG_ECC = 0x0023;
export const TPM_ECC_NIST_P256 = 0x0003;
export const TPM_GENERATED_VALUE = 0xff544347;
export const TPM_ST_ATTEST_QUOTE = 0x8018;
/** fixedTPM | fixedParent | sensitiveDataOrigin | userWithAuth | restricted | sign: a restricted signing AK. */
export const AK_OBJECT_ATTRIBUTES = 0x00050072;
const TPM_RH_ENDORSEMENT = 0x4000000b;

export type PcrHashAlg = typeof TPM_ALG_SHA1 | typeof TPM_ALG_SHA256 | typeof TPM_ALG_SHA384;

const HASHES: Record<number, { fn: (b: Uint8Array) => Uint8Array; size: number }> = {
  [TPM_ALG_SHA1]: { fn: sha1, size: 20 },
  [TPM_ALG_SHA256]: { fn: sha256, size: 32 },
  [TPM_ALG_SHA384]: { fn: sha384, size: 48 },
};

export function pcrDigestSize(alg: number): number {
  const h = HASHES[alg];
  if (!h) throw new RangeError(`unsupported PCR bank 0x${alg.toString(16)}`);
  return h.size;
}

const u8 = (v: number) => Uint8Array.of(v & 255);
const u16 = (v: number) => Uint8Array.of((v >>> 8) & 255, v & 255);
const u32 = (v: number) => Uint8Array.of((v >>> 24) & 255, (v >>> 16) & 255, (v >>> 8) & 255, v & 255);
const u64 = (v: bigint) => concatBytes(u32(Number((v >> 32n) & 0xffffffffn)), u32(Number(v & 0xffffffffn)));
const tpm2b = (b: Uint8Array) => concatBytes(u16(b.length), b);

export type PcrSelection = { hashAlg: PcrHashAlg; pcrs: number[] };

/** TPML_PCR_SELECTION with a 3-byte bitmap per bank (24 PCRs). */
export function encodePcrSelection(sel: PcrSelection[]): Uint8Array {
  const parts: Uint8Array[] = [u32(sel.length)];
  for (const s of sel) {
    const bitmap = new Uint8Array(3);
    for (const i of s.pcrs) {
      if (!Number.isInteger(i) || i < 0 || i > 23) throw new RangeError(`PCR index ${i} out of range`);
      bitmap[i >> 3]! |= 1 << (i & 7);
    }
    parts.push(u16(s.hashAlg), u8(3), bitmap);
  }
  return concatBytes(...parts);
}

/** PCR indexes of a selection in the order TPM2_Quote hashes them (bank by bank, ascending). */
export function normalizeSelection(sel: PcrSelection[]): PcrSelection[] {
  return sel.map((s) => ({ hashAlg: s.hashAlg, pcrs: [...new Set(s.pcrs)].sort((a, b) => a - b) }));
}

export type SimulatedAk = { kind: "rsa"; key: SimulatedRsaKey } | { kind: "ecdsa"; key: SimulatedP256Key };

/** TPMT_PUBLIC of the AK (the exact bytes its TPM name hashes). */
export function encodeAkPublic(ak: SimulatedAk): Uint8Array {
  if (ak.kind === "rsa") {
    return concatBytes(
      u16(TPM_ALG_RSA),
      u16(TPM_ALG_SHA256),
      u32(AK_OBJECT_ATTRIBUTES),
      tpm2b(new Uint8Array(0)),
      u16(TPM_ALG_NULL),
      u16(TPM_ALG_RSASSA),
      u16(TPM_ALG_SHA256),
      u16(ak.key.modulus.length * 8),
      u32(0), // 0 = the default exponent 65537
      tpm2b(ak.key.modulus),
    );
  }
  const pub = ak.key.publicKeyRaw;
  return concatBytes(
    u16(TPM_ALG_ECC),
    u16(TPM_ALG_SHA256),
    u32(AK_OBJECT_ATTRIBUTES),
    tpm2b(new Uint8Array(0)),
    u16(TPM_ALG_NULL),
    u16(TPM_ALG_ECDSA),
    u16(TPM_ALG_SHA256),
    u16(TPM_ECC_NIST_P256),
    u16(TPM_ALG_NULL),
    tpm2b(pub.subarray(0, 32)),
    tpm2b(pub.subarray(32, 64)),
  );
}

export type SimulatedTpmQuote = {
  /** TPMS_ATTEST bytes (what the AK signs). */
  attest: Uint8Array;
  /** TPMT_SIGNATURE bytes. */
  signature: Uint8Array;
  selection: PcrSelection[];
  /** The selected PCR values, bank by bank, ascending index: the order the PCR digest hashes them. */
  pcrValues: Uint8Array[];
  pcrDigest: Uint8Array;
  qualifyingData: Uint8Array;
};

export type SimulatedTpm = {
  ak: SimulatedAk;
  /** TPMT_PUBLIC of the AK. */
  akPublic: Uint8Array;
  /** TPM2B_NAME contents: nameAlg (SHA-256) || SHA-256(akPublic). */
  akName: Uint8Array;
  /** The AK certificate (subject key = the AK), issued by the simulated AK CA. */
  akCertificate: Omit<SimulatedCertificate, "key">;
  akCa: SimulatedCertificate;
  readPcr(hashAlg: PcrHashAlg, index: number): Uint8Array;
  setPcr(hashAlg: PcrHashAlg, index: number, value: Uint8Array): void;
  /** PCR := H(PCR || digest), as TPM2_PCR_Extend. */
  extendPcr(hashAlg: PcrHashAlg, index: number, digest: Uint8Array): void;
  quote(p: { qualifyingData: Uint8Array; selection: PcrSelection[] }): Promise<SimulatedTpmQuote>;
};

export type CreateSimulatedTpmParameters = {
  seed: SimulatorSeed;
  akType?: "rsa" | "ecdsa" | undefined;
  label?: string | undefined;
  firmwareVersion?: bigint | undefined;
};

export const SIMULATED_AK_CA_CN = "Simulated vTPM AK Root CA";

export async function createSimulatedTpm(p: CreateSimulatedTpmParameters): Promise<SimulatedTpm> {
  const label = `tpm/${p.label ?? "tpm-0"}`;
  const akType = p.akType ?? "rsa";
  const ak: SimulatedAk =
    akType === "rsa" ? { kind: "rsa", key: await deriveRsaKey(p.seed, `${label}/ak`) } : { kind: "ecdsa", key: deriveP256Key(p.seed, `${label}/ak`) };
  const akPublic = encodeAkPublic(ak);
  const akName = concatBytes(u16(TPM_ALG_SHA256), sha256(akPublic));
  const qualifiedName = concatBytes(u16(TPM_ALG_SHA256), sha256(concatBytes(u32(TPM_RH_ENDORSEMENT), akName)));

  const caKey = deriveP256Key(p.seed, "tpm/ak-ca");
  const caName = buildName([
    ["CN", SIMULATED_AK_CA_CN],
    ["O", SIMULATOR_ORGANIZATION],
    ["C", "ZZ"],
  ]);
  const caSerial = deriveSerial(p.seed, "tpm/ak-ca");
  const caDer = issueCertificate({
    serialNumber: caSerial,
    subject: caName,
    issuer: caName,
    notBefore: DEFAULT_NOT_BEFORE,
    notAfter: DEFAULT_NOT_AFTER,
    subjectKey: caKey,
    signer: caKey,
    extensions: [ext.basicConstraints(true, 0), ext.keyUsage(KeyUsageFlags.keyCertSign | KeyUsageFlags.cRLSign), ext.subjectKeyIdentifier(caKey)],
  });
  const akSerial = deriveSerial(p.seed, `${label}/ak-cert`);
  const akSubject = buildName([
    ["CN", `Simulated vTPM AK ${p.label ?? "tpm-0"}`],
    ["O", SIMULATOR_ORGANIZATION],
    ["C", "ZZ"],
  ]);
  const akDer = issueCertificate({
    serialNumber: akSerial,
    subject: akSubject,
    issuer: caName,
    notBefore: DEFAULT_NOT_BEFORE,
    notAfter: DEFAULT_NOT_AFTER,
    subjectKey: ak.kind === "rsa" ? { kind: "rsa", modulus: ak.key.modulus, exponent: ak.key.exponent } : ak.key,
    signer: caKey,
    extensions: [ext.basicConstraints(false), ext.keyUsage(KeyUsageFlags.digitalSignature), ext.authorityKeyIdentifier(caKey)],
  });

  const banks = new Map<number, Uint8Array[]>();
  for (const alg of [TPM_ALG_SHA1, TPM_ALG_SHA256, TPM_ALG_SHA384]) {
    banks.set(alg, Array.from({ length: 24 }, () => new Uint8Array(HASHES[alg]!.size)));
  }
  const bank = (alg: number) => {
    const b = banks.get(alg);
    if (!b) throw new RangeError(`unsupported PCR bank 0x${alg.toString(16)}`);
    return b;
  };
  const checkIndex = (i: number) => {
    if (!Number.isInteger(i) || i < 0 || i > 23) throw new RangeError(`PCR index ${i} out of range`);
  };

  let clock = bytesToBigInt(deriveBytes(p.seed, `${label}/clock`, 4)) + 1_000_000n;
  const resetCount = 10;
  const restartCount = 0;
  const firmwareVersion = p.firmwareVersion ?? 0x2016051100162800n;

  return {
    ak,
    akPublic,
    akName,
    akCertificate: { der: akDer, pem: toPem(akDer), serialNumber: akSerial, subject: akSubject },
    akCa: { der: caDer, pem: toPem(caDer), key: caKey, serialNumber: caSerial, subject: caName },
    readPcr(alg, i) {
      checkIndex(i);
      return bank(alg)[i]!.slice();
    },
    setPcr(alg, i, value) {
      checkIndex(i);
      if (value.length !== pcrDigestSize(alg)) throw new RangeError(`PCR value must be ${pcrDigestSize(alg)} bytes`);
      bank(alg)[i] = value.slice();
    },
    extendPcr(alg, i, digest) {
      checkIndex(i);
      if (digest.length !== pcrDigestSize(alg)) throw new RangeError(`digest must be ${pcrDigestSize(alg)} bytes`);
      bank(alg)[i] = HASHES[alg]!.fn(concatBytes(bank(alg)[i]!, digest));
    },
    async quote({ qualifyingData, selection }) {
      if (qualifyingData.length > 64) throw new RangeError("qualifying data is at most 64 bytes");
      const sel = normalizeSelection(selection);
      const pcrValues = sel.flatMap((s) => s.pcrs.map((i) => bank(s.hashAlg)[i]!.slice()));
      // The PCR digest uses the AK's signing hash (SHA-256), whatever the bank.
      const pcrDigest = sha256(concatBytes(...pcrValues));
      clock += 1000n;
      const attest = concatBytes(
        u32(TPM_GENERATED_VALUE),
        u16(TPM_ST_ATTEST_QUOTE),
        tpm2b(qualifiedName),
        tpm2b(qualifyingData),
        u64(clock),
        u32(resetCount),
        u32(restartCount),
        u8(1),
        u64(firmwareVersion),
        encodePcrSelection(sel),
        tpm2b(pcrDigest),
      );
      let signature: Uint8Array;
      if (ak.kind === "rsa") {
        signature = concatBytes(u16(TPM_ALG_RSASSA), u16(TPM_ALG_SHA256), tpm2b(await ak.key.sign(attest)));
      } else {
        const rs = ak.key.sign(attest);
        signature = concatBytes(u16(TPM_ALG_ECDSA), u16(TPM_ALG_SHA256), tpm2b(rs.subarray(0, 32)), tpm2b(rs.subarray(32, 64)));
      }
      return { attest, signature, selection: sel, pcrValues, pcrDigest, qualifyingData: qualifyingData.slice() };
    },
  };
}
