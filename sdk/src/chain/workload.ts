/**
 * The workload formats of contracts/verifier/WorkloadVerifier.sol, in TypeScript (docs/workload.md):
 * the golden-measurement hash (EIP-712 struct hash of `Measurement`), the report data a CVM puts in
 * its TEE report (bindingHash || sha256(akPublic)), TEE registers taken from a TDX quote or from our
 * DCAP journal, and the evidence structs the contracts take. The same names as in Solidity.
 */
import { encodeAbiParameters, hashStruct, keccak256, type Hex } from "viem";
import { sha256 } from "@noble/hashes/sha2.js";
import { concatBytes, hex, toBytes, type BytesLike } from "../bytes.js";
import { parseQuote, verifyQuote, verifyQuoteSignatures, type IntelCollateralInput, type IntelQuote, type TdReportBody, type TdxRegisters } from "../intel/index.js";
import { parseTpmsAttest, tpmHash, verifyTpmQuote } from "../tpm/index.js";
import { ParseError, VerificationError } from "../errors.js";
import { ChainInputError } from "./errors.js";
import { platformKey } from "../vocabulary/platformKey.js";
import { TCB_STATUS_NAMES, type TcbStatusName } from "../vocabulary/tcbStatus.js";
import { DCAP_TCB_STATUSES, TEE_TYPE_TDX, decodePocDcapJournal, type PocDcapJournal } from "../zk/journal.js";

/** IWorkloadVerifier.TeeType. */
export const TeeType = { None: 0, Tdx: 1, SevSnp: 2 } as const;
export type TeeType = (typeof TeeType)[keyof typeof TeeType];

/** IWorkloadVerifier.EvidenceRoute. */
export const EvidenceRoute = { DcapQuote: 0, ZkDcapJournal: 1, ZkSnpJournal: 2 } as const;
export type EvidenceRoute = (typeof EvidenceRoute)[keyof typeof EvidenceRoute];

/** IZkAttestationVerifier.ZkVm. */
export const ZkVm = { RiscZero: 0, Sp1: 1 } as const;

/** EIP-712 type of the golden measurement (no domain: the struct hash alone is the measurement hash). */
export const measurementTypes = {
  Measurement: [
    { name: "teeType", type: "uint8" },
    { name: "teeRegisters", type: "bytes" },
    { name: "pcrHashAlg", type: "uint16" },
    { name: "pcrMask", type: "uint32" },
    { name: "pcrValues", type: "bytes" },
  ],
} as const;

export type Measurement = {
  teeType: TeeType;
  /** TDX: MRTD || RTMR0 || RTMR1 || RTMR2 (192 bytes); SNP: MEASUREMENT (48 bytes). */
  teeRegisters: BytesLike;
  /** TPM_ALG_ID of the quoted PCR bank (0x000b SHA-256). */
  pcrHashAlg: number;
  /** Bit i set: PCR i is part of the measurement. */
  pcrMask: number;
  /** The selected PCR values, ascending index, concatenated. */
  pcrValues: BytesLike;
};

const hx = (b: Uint8Array): Hex => `0x${hex(b)}`;

/** The golden-measurement hash; equals WorkloadVerifier.measurementHash / Measurement.hash in Solidity. */
export function measurementHash(m: Measurement): Hex {
  const teeRegisters = toBytes(m.teeRegisters, "teeRegisters");
  const expected = m.teeType === TeeType.Tdx ? 192 : m.teeType === TeeType.SevSnp ? 48 : -1;
  if (teeRegisters.length !== expected) {
    throw new ChainInputError("teeRegisters", `TEE type ${m.teeType} needs ${expected} bytes, got ${teeRegisters.length}`);
  }
  if (!Number.isInteger(m.pcrMask) || m.pcrMask < 0 || m.pcrMask > 0xffffffff) throw new ChainInputError("pcrMask", "expected a uint32");
  if (!Number.isInteger(m.pcrHashAlg) || m.pcrHashAlg < 0 || m.pcrHashAlg > 0xffff) throw new ChainInputError("pcrHashAlg", "expected a uint16");
  return hashStruct({
    types: measurementTypes,
    primaryType: "Measurement",
    data: {
      teeType: m.teeType,
      teeRegisters: hx(teeRegisters),
      pcrHashAlg: m.pcrHashAlg,
      pcrMask: m.pcrMask,
      pcrValues: hx(toBytes(m.pcrValues, "pcrValues")),
    },
  });
}

/** keccak256 of the TEE registers: what `reattest` / `rotate` take as `teeRegistersHash`. */
export function teeRegistersHash(teeRegisters: BytesLike): Hex {
  return keccak256(toBytes(teeRegisters, "teeRegisters"));
}

/** MRTD || RTMR0 || RTMR1 || RTMR2 of a TDX quote (RTMR3 left out: docs/workload.md). */
export function tdxTeeRegisters(quote: BytesLike | IntelQuote): Uint8Array {
  const q = typeof quote === "string" || quote instanceof Uint8Array ? parseQuote(quote) : quote;
  if (q.teeType !== "TDX") throw new ChainInputError("quote", `expected a TDX quote, got ${q.teeType}`);
  const b = q.body as TdReportBody;
  return concatBytes(b.mrTd, b.rtmr0, b.rtmr1, b.rtmr2);
}

/** PCR mask of a list of PCR indices (bit i = PCR i). */
export function pcrMaskOf(pcrs: readonly number[]): number {
  let mask = 0;
  for (const i of pcrs) {
    if (!Number.isInteger(i) || i < 0 || i > 31) throw new ChainInputError("pcrs", `PCR index ${i} out of range 0..31`);
    mask |= 1 << i;
  }
  return mask >>> 0;
}

/** sha256 of the AK's TPMT_PUBLIC (the digest of its TPM name), as TpmQuote returns `akKeyHash`. */
export function akKeyHash(akPublic: BytesLike): Hex {
  return hx(sha256(toBytes(akPublic, "akPublic")));
}

/**
 * The 64 bytes a CVM writes into its TEE report data: `bindingHash` (the EIP-712 Registration hash)
 * then sha256(akPublic), binding the TPM's attestation key to the TEE report (docs/workload.md).
 */
export function workloadReportData(bindingHash: BytesLike, akPublic: BytesLike): Uint8Array {
  const b = toBytes(bindingHash, "bindingHash");
  if (b.length !== 32) throw new ChainInputError("bindingHash", `expected 32 bytes, got ${b.length}`);
  return concatBytes(b, sha256(toBytes(akPublic, "akPublic")));
}

/** IWorkloadVerifier.TeeEvidence as viem takes it. */
export type TeeEvidence = { route: EvidenceRoute; payload: Hex };
/** IWorkloadVerifier.TpmEvidence as viem takes it. */
export type TpmEvidence = { akPublic: Hex; attest: Hex; signature: Hex; pcrValues: Hex };

/** TEE evidence from a raw DCAP (TDX) quote. */
export function dcapEvidence(quote: BytesLike): TeeEvidence {
  return { route: EvidenceRoute.DcapQuote, payload: hx(toBytes(quote, "quote")) };
}

/**
 * TEE evidence from a ZK proof: payload = abi.encode(zkvm, programId, journal, seal). ZkDcapJournal
 * takes our DCAP journal (`encodePocDcapJournal`), ZkSnpJournal the SNP journal (docs/zk-journals.md).
 */
export function zkEvidence(route: typeof EvidenceRoute.ZkDcapJournal | typeof EvidenceRoute.ZkSnpJournal, p: {
  zkvm: number;
  programId: Hex;
  journal: BytesLike;
  seal: BytesLike;
}): TeeEvidence {
  return {
    route,
    payload: encodeAbiParameters(
      [{ type: "uint8" }, { type: "bytes32" }, { type: "bytes" }, { type: "bytes" }],
      [p.zkvm, p.programId, hx(toBytes(p.journal, "journal")), hx(toBytes(p.seal, "seal"))],
    ),
  };
}

/** Offsets in a TD 1.0 / 1.5 report body (docs/intel-quote.md), as WorkloadVerifier reads them. */
const TD_BODY = { mrTd: 136, rtmr0: 328, reportData: 520 } as const;

export type WorkloadFromPocDcapJournalReturnType = {
  teeType: typeof TeeType.Tdx;
  /** IQuoteVerifier.TcbStatus (not Automata's code: 2 and 3 are swapped between the two). */
  tcbStatus: number;
  tcbStatusName: TcbStatusName;
  reportData: Hex;
  teeRegisters: Hex;
  hardwareKind: 1;
  hardwareId: Hex;
  platformKey: Hex;
  /** The journal's timestamp. */
  evidenceTime: bigint;
};

/**
 * The TEE half of what WorkloadVerifier takes from our DCAP journal (route ZkDcapJournal,
 * docs/workload.md): report data and MRTD || RTMR0..2 from the TD body, the PPID as hardware ID
 * (kind 1), the TCB status renumbered to IQuoteVerifier's, the journal time. SGX bodies and the
 * statuses the ZK verifier refuses fail here as they do onchain (UnsupportedTee, TcbStatusRejected).
 */
export function workloadFromPocDcapJournal(journal: BytesLike | PocDcapJournal, salt: BytesLike): WorkloadFromPocDcapJournalReturnType {
  const j = typeof journal === "string" || journal instanceof Uint8Array ? decodePocDcapJournal(journal) : journal;
  const o = j.dcap.output;
  if (o.teeType !== TEE_TYPE_TDX) throw new VerificationError("workload.teeType", `expected a TDX body, got TEE type 0x${o.teeType.toString(16)}`);
  const name = DCAP_TCB_STATUSES[o.tcbStatus];
  const tcbStatus = name === undefined ? -1 : TCB_STATUS_NAMES.indexOf(name as TcbStatusName);
  if (tcbStatus < 0 || name === "Revoked") throw new VerificationError("workload.tcbStatus", `TCB status ${name ?? o.tcbStatus} is refused`);
  const b = o.quoteBody;
  return {
    teeType: TeeType.Tdx,
    tcbStatus,
    tcbStatusName: TCB_STATUS_NAMES[tcbStatus]!,
    reportData: hx(b.subarray(TD_BODY.reportData, TD_BODY.reportData + 64)),
    teeRegisters: hx(concatBytes(b.subarray(TD_BODY.mrTd, TD_BODY.mrTd + 48), b.subarray(TD_BODY.rtmr0, TD_BODY.rtmr0 + 3 * 48))),
    hardwareKind: 1,
    hardwareId: hx(j.ppid),
    platformKey: platformKey(1, j.ppid, salt),
    evidenceTime: j.dcap.timestamp,
  };
}

/** TPM evidence from a quote's parts; `pcrValues` may be given as the list of values (concatenated here). */
export function tpmEvidence(p: {
  akPublic: BytesLike;
  attest: BytesLike;
  signature: BytesLike;
  pcrValues: BytesLike | readonly Uint8Array[];
}): TpmEvidence {
  const pcr = Array.isArray(p.pcrValues) ? concatBytes(...(p.pcrValues as Uint8Array[])) : toBytes(p.pcrValues as BytesLike, "pcrValues");
  return {
    akPublic: hx(toBytes(p.akPublic, "akPublic")),
    attest: hx(toBytes(p.attest, "attest")),
    signature: hx(toBytes(p.signature, "signature")),
    pcrValues: hx(pcr),
  };
}

// ---------------------------------------------------------------- offline verification

export type VerifyWorkloadOfflineParameters = {
  /** A TDX quote. */
  quote: BytesLike;
  /** Intel collateral; absent: signatures and PCK chain only (verdict "signatures-valid"). */
  collateral?: IntelCollateralInput | undefined;
  /** Trust anchor override, for a test PKI only. */
  rootCaDer?: Uint8Array | undefined;
  tpm: TpmEvidence;
  /** What reportData[0:32] and the TPM qualifying data must hold (e.g. the Registration hash). */
  bindingHash: Hex;
  /** The HardwareRegistry's salt, for the platformKey. */
  salt: Hex;
  now: number | bigint | Date;
};

export type VerifyWorkloadOfflineReturnType = {
  verdict: "pass" | "warn" | "signatures-valid";
  tcbStatus?: string | undefined;
  teeType: TeeType;
  reportData: Hex;
  teeRegisters: Hex;
  hardwareKind: 1;
  hardwareId: Hex;
  platformKey: Hex;
  akKeyHash: Hex;
  pcrHashAlg: number;
  pcrMask: number;
  pcrValues: Hex;
  measurementHash: Hex;
};

export type VerifyWorkloadOfflineErrorType = ParseError | VerificationError | ChainInputError;

/**
 * What WorkloadVerifier.verifyWorkload computes (DCAP route), offchain with the SDK's Intel and TPM
 * verifiers: the same report-data binding, measurement hash and platformKey (docs/workload.md).
 */
export async function verifyWorkloadOffline(p: VerifyWorkloadOfflineParameters): Promise<VerifyWorkloadOfflineReturnType> {
  const base = { quote: p.quote, now: p.now, cache: false as const, rootCaDer: p.rootCaDer };
  const intel = p.collateral ? await verifyQuote({ ...base, collateral: p.collateral }) : await verifyQuoteSignatures(base);
  if (intel.teeType !== "TDX") throw new VerificationError("workload.teeType", `expected a TDX quote, got ${intel.teeType}`);
  const reportData = toBytes(intel.reportData, "reportData");
  const binding = toBytes(p.bindingHash, "bindingHash");
  if (binding.length !== 32 || hex(reportData.subarray(0, 32)) !== hex(binding)) {
    throw new VerificationError("workload.reportData.binding", `report data does not start with ${p.bindingHash}`);
  }
  const akPublic = toBytes(p.tpm.akPublic, "akPublic");
  const attest = toBytes(p.tpm.attest, "attest");
  const values = toBytes(p.tpm.pcrValues, "pcrValues");
  const parsed = parseTpmsAttest(attest);
  if (parsed.pcrSelections.length !== 1) {
    throw new VerificationError("workload.tpm.pcrBanks", `the quote selects ${parsed.pcrSelections.length} PCR banks; exactly one is needed`);
  }
  const sel = parsed.pcrSelections[0]!;
  const size = tpmHash(sel.hashAlg)?.size;
  if (!size) throw new VerificationError("workload.tpm.pcrBank", `unsupported PCR bank 0x${sel.hashAlg.toString(16)}`);
  const pcrs = [...sel.pcrs].sort((a, b) => a - b);
  if (values.length !== pcrs.length * size) {
    throw new ParseError({ structure: "pcrValues", field: "length", offset: values.length, expected: `${pcrs.length * size} bytes` });
  }
  const map = new Map(pcrs.map((i, k) => [i, values.subarray(k * size, (k + 1) * size)] as const));
  await verifyTpmQuote({ akPublic, quote: { attest, signature: toBytes(p.tpm.signature, "signature"), pcrs: map }, nonce: binding });
  const ak = akKeyHash(akPublic);
  if (hx(reportData.subarray(32, 64)) !== ak) {
    throw new VerificationError("workload.reportData.ak", `report data bytes 32..63 are not sha256(akPublic) ${ak}`);
  }
  const r = intel.registers as TdxRegisters;
  const teeRegisters = concatBytes(...[r.mrTd, r.rtmr0, r.rtmr1, r.rtmr2].map((x) => toBytes(x, "register")));
  const pcrMask = pcrMaskOf(pcrs);
  return {
    verdict: intel.verdict,
    tcbStatus: "status" in intel ? intel.status : undefined,
    teeType: TeeType.Tdx,
    reportData: hx(reportData),
    teeRegisters: hx(teeRegisters),
    hardwareKind: 1,
    hardwareId: intel.ppid.toLowerCase() as Hex,
    platformKey: platformKey(1, intel.ppid, p.salt),
    akKeyHash: ak,
    pcrHashAlg: sel.hashAlg,
    pcrMask,
    pcrValues: hx(values),
    measurementHash: measurementHash({ teeType: TeeType.Tdx, teeRegisters, pcrHashAlg: sel.hashAlg, pcrMask, pcrValues: values }),
  };
}
