/**
 * ZK route formats (docs/zk-journals.md): encode / decode Automata's DCAP program journal, our DCAP
 * journal (Automata's behind a header naming the PPID) and our SEV-SNP journal, compute the
 * collateral hashes the onchain collateral store is asked for, and build the zkVM programs' inputs.
 * Same names as contracts/verifier/zk/ (DcapJournal, PocDcapJournal, SnpJournal, CollateralKinds).
 * No prover runs here: the dev seals below only satisfy the local dev verifiers.
 */
import { sha256 } from "@noble/hashes/sha2.js";
import { encodeAbiParameters, decodeAbiParameters, keccak256, stringToBytes, type Hex, bytesToHex, hexToBytes } from "viem";
import { ByteReader, concatBytes, toBytes, type BytesLike } from "../bytes.js";
import { ParseError } from "../errors.js";
import { parsePckExtensions, parseQuote } from "../intel/index.js";
import { pemCertificateBlocks } from "../pki/pem.js";

export const TEE_TYPE_SGX = 0x00000000;
export const TEE_TYPE_TDX = 0x00000081;
/** Automata's TCB status codes (the u8 in the DCAP program output). */
export const DCAP_TCB_STATUSES = [
  "UpToDate",
  "SWHardeningNeeded",
  "ConfigurationAndSWHardeningNeeded",
  "ConfigurationNeeded",
  "OutOfDate",
  "OutOfDateConfigurationNeeded",
  "Revoked",
  "Unrecognized",
] as const;
export type DcapTcbStatusName = (typeof DCAP_TCB_STATUSES)[number];

/** keccak256 labels of ICollateralHashes kinds (contracts/verifier/zk/CollateralKinds.sol). */
export const COLLATERAL_KINDS = {
  tcbInfoSgx: keccak256(stringToBytes("poc.collateral.TCB_INFO_SGX")),
  tcbInfoTdx: keccak256(stringToBytes("poc.collateral.TCB_INFO_TDX")),
  qeIdentitySgx: keccak256(stringToBytes("poc.collateral.QE_IDENTITY_SGX")),
  qeIdentityTdx: keccak256(stringToBytes("poc.collateral.QE_IDENTITY_TDX")),
  rootCa: keccak256(stringToBytes("poc.collateral.ROOT_CA")),
  tcbSigningCa: keccak256(stringToBytes("poc.collateral.TCB_SIGNING_CA")),
  rootCaCrl: keccak256(stringToBytes("poc.collateral.ROOT_CA_CRL")),
  pckCrlPlatform: keccak256(stringToBytes("poc.collateral.PCK_CRL_PLATFORM")),
  pckCrlProcessor: keccak256(stringToBytes("poc.collateral.PCK_CRL_PROCESSOR")),
} as const;

export type DcapOutput = {
  quoteVersion: number;
  /** u32 as Automata writes it big-endian: 0 = SGX, 0x81 = TDX. */
  teeType: number;
  tcbStatus: number;
  fmspc: Uint8Array;
  quoteBody: Uint8Array;
  advisoryIds: string[];
};

export type DcapCollateralHashes = { tcbInfo: Hex; qeIdentity: Hex; rootCa: Hex; tcbSigning: Hex; rootCaCrl: Hex; pckCrl: Hex };

export type DcapJournal = { output: DcapOutput; timestamp: bigint; collateralHashes: DcapCollateralHashes };

const HASH_ORDER = ["tcbInfo", "qeIdentity", "rootCa", "tcbSigning", "rootCaCrl", "pckCrl"] as const;

function be(n: number | bigint, size: number): Uint8Array {
  const out = new Uint8Array(size);
  let v = BigInt(n);
  for (let i = size - 1; i >= 0; i--) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}

/** `offset`: where the TEE type sits, for the error (4 in Automata's journal). */
export function dcapBodyLength(teeType: number, quoteVersion: number, offset = 4): number {
  if (teeType === TEE_TYPE_SGX) return 384;
  if (teeType === TEE_TYPE_TDX) return quoteVersion >= 5 ? 648 : 584;
  throw new ParseError({ structure: "DCAP journal", field: "teeType", offset, expected: "0x00000000 (SGX) or 0x00000081 (TDX)", got: `0x${teeType.toString(16)}` });
}

/** The DCAP program output: u16 version || u32 tee || u8 status || fmspc(6) || body || abi.encode(string[])?. */
export function encodeDcapOutput(o: DcapOutput): Uint8Array {
  if (o.fmspc.length !== 6) throw new RangeError("fmspc must be 6 bytes");
  if (o.quoteBody.length !== dcapBodyLength(o.teeType, o.quoteVersion)) throw new RangeError("quote body length does not fit tee type / version");
  const advisories = o.advisoryIds.length ? hexToBytes(encodeAbiParameters([{ type: "string[]" }], [o.advisoryIds])) : new Uint8Array(0);
  return concatBytes(be(o.quoteVersion, 2), be(o.teeType, 4), Uint8Array.of(o.tcbStatus), o.fmspc, o.quoteBody, advisories);
}

export function encodeDcapJournal(j: DcapJournal): Uint8Array {
  const output = encodeDcapOutput(j.output);
  if (output.length > 0xffff) throw new RangeError("DCAP output longer than 65535 bytes");
  return concatBytes(be(output.length, 2), output, be(j.timestamp, 8), ...HASH_ORDER.map((k) => hexToBytes(j.collateralHashes[k])));
}

export function decodeDcapJournal(input: BytesLike): DcapJournal {
  return readDcapJournal(toBytes(input, "DCAP journal"), 0);
}

/** `base`: where the journal starts in the bytes the caller was given (our DCAP journal's header length), for error offsets. */
function readDcapJournal(bytes: Uint8Array, base: number): DcapJournal {
  const r = new ByteReader(bytes, "DCAP journal", base);
  const outputLength = r.u16be("outputLength");
  if (bytes.length !== 2 + outputLength + 200) {
    throw new ParseError({ structure: "DCAP journal", field: "outputLength", offset: base, expected: `journal of ${2 + outputLength + 200} bytes`, got: `${bytes.length}` });
  }
  const out = new ByteReader(r.take(outputLength, "output"), "DCAP output", base + 2);
  const quoteVersion = out.u16be("quoteVersion");
  const teeType = out.u32be("teeType");
  const tcbStatus = out.u8("tcbStatus");
  const fmspc = out.take(6, "fmspc").slice();
  const quoteBody = out.take(dcapBodyLength(teeType, quoteVersion, base + 4), "quoteBody").slice();
  let advisoryIds: string[] = [];
  if (out.remaining > 0) {
    const tailOffset = base + 2 + out.offset;
    try {
      [advisoryIds] = decodeAbiParameters([{ type: "string[]" }], bytesToHex(out.take(out.remaining, "advisoryIds"))) as unknown as [string[]];
    } catch (cause) {
      throw new ParseError({ structure: "DCAP output", field: "advisoryIds", offset: tailOffset, expected: "abi.encode(string[])", cause });
    }
  }
  const timestamp = r.u64be("timestamp");
  const hashes = {} as DcapCollateralHashes;
  for (const k of HASH_ORDER) hashes[k] = bytesToHex(r.take(32, `${k}Hash`));
  r.end();
  return { output: { quoteVersion, teeType, tcbStatus, fmspc, quoteBody, advisoryIds }, timestamp, collateralHashes: hashes };
}

/** The output Automata's program writes for a quote it verified with a given verdict. */
export function dcapOutputFromQuote(quote: BytesLike, verdict: { tcbStatus: DcapTcbStatusName; fmspc: BytesLike; advisoryIds?: string[] | undefined }): DcapOutput {
  const q = toBytes(quote, "quote");
  const r = new ByteReader(q, "quote");
  const quoteVersion = r.u16le("version");
  r.u16le("attestationKeyType");
  const teeType = r.u32le("teeType");
  r.take(40, "header");
  return {
    quoteVersion,
    teeType,
    tcbStatus: DCAP_TCB_STATUSES.indexOf(verdict.tcbStatus),
    fmspc: toBytes(verdict.fmspc, "fmspc"),
    quoteBody: r.take(dcapBodyLength(teeType, quoteVersion), "body").slice(),
    advisoryIds: verdict.advisoryIds ?? [],
  };
}

/**
 * QuoteCollateralV3 fields the hashes are computed from (the shape of test/fixtures/intel/∗/collateral.json);
 * CRLs as hex or a byte array, as `buildCollateralUploads` takes them.
 */
export type CollateralForHashes = {
  tcb_info: string;
  qe_identity: string;
  tcb_info_issuer_chain: string;
  root_ca_crl: string | number[];
  pck_crl: string | number[];
};

function crlBytes(v: string | number[], field: string): Uint8Array {
  return typeof v === "string" ? toBytes(v, field) : Uint8Array.from(v);
}

function pemBlocks(text: string): Uint8Array[] {
  return pemCertificateBlocks(text, "collateral").map((b) => b.der);
}

/**
 * Collateral hashes as our store defines them: keccak256 of the signed TCB info / QE identity JSON
 * bytes, of the root and TCB signing certificates' DER, and of the CRLs' DER: the exact bytes
 * `buildCollateralUploads` sends, which CollateralStore hashes on upload and answers through
 * `collateralHash(kind, fmspc)`.
 */
export function dcapCollateralHashes(c: CollateralForHashes): DcapCollateralHashes {
  const chain = pemBlocks(c.tcb_info_issuer_chain);
  if (chain.length < 2) throw new ParseError({ structure: "collateral", field: "tcb_info_issuer_chain", offset: 0, expected: "signing certificate and root" });
  const enc = new TextEncoder();
  return {
    tcbInfo: keccak256(enc.encode(c.tcb_info)),
    qeIdentity: keccak256(enc.encode(c.qe_identity)),
    rootCa: keccak256(chain[chain.length - 1]!),
    tcbSigning: keccak256(chain[0]!),
    rootCaCrl: keccak256(crlBytes(c.root_ca_crl, "root_ca_crl")),
    pckCrl: keccak256(crlBytes(c.pck_crl, "pck_crl")),
  };
}

// ---------------------------------------------------------------------------------------------
// Our DCAP journal, version 1: u16 version || bytes16 ppid || bytes32 sha256(PCK leaf DER) || Automata's journal.

export const POC_DCAP_JOURNAL_VERSION = 1;
export const POC_DCAP_HEADER_LENGTH = 50;

/** IZkAttestationVerifier.PocDcapZkResult's fields, with Automata's journal as the SDK decodes it. */
export type PocDcapJournal = { ppid: Uint8Array; pckCertHash: Uint8Array; dcap: DcapJournal };

export function encodePocDcapJournal(j: PocDcapJournal): Uint8Array {
  if (j.ppid.length !== 16) throw new RangeError("ppid must be 16 bytes");
  if (j.pckCertHash.length !== 32) throw new RangeError("pckCertHash must be 32 bytes");
  return concatBytes(be(POC_DCAP_JOURNAL_VERSION, 2), j.ppid, j.pckCertHash, encodeDcapJournal(j.dcap));
}

/** Error offsets are from the start of our journal (the inner journal's fields at 50 on). */
export function decodePocDcapJournal(input: BytesLike): PocDcapJournal {
  const bytes = toBytes(input, "PoC DCAP journal");
  const r = new ByteReader(bytes, "PoC DCAP journal");
  const version = r.u16be("journalVersion");
  if (version !== POC_DCAP_JOURNAL_VERSION) {
    throw new ParseError({ structure: "PoC DCAP journal", field: "journalVersion", offset: 0, expected: String(POC_DCAP_JOURNAL_VERSION), got: String(version) });
  }
  const ppid = r.take(16, "ppid").slice();
  const pckCertHash = r.take(32, "pckCertHash").slice();
  return { ppid, pckCertHash, dcap: readDcapJournal(bytes.subarray(POC_DCAP_HEADER_LENGTH), POC_DCAP_HEADER_LENGTH) };
}

export type PocDcapJournalFromQuoteParameters = {
  /** The verdict the program reached (TCB status and advisories, as the SDK's verifyQuote returns them). */
  tcbStatus: DcapTcbStatusName;
  advisoryIds?: string[] | undefined;
  /** The time (unix seconds) the program verified at. */
  timestamp: bigint;
  /** The collateral the program verified with (its hashes go in the journal). */
  collateral: CollateralForHashes;
};

/**
 * The journal an honest program of ours writes for a quote it verified: the PPID and FMSPC from the
 * PCK leaf certificate's SGX extension, sha256 of that certificate's DER, and Automata's journal.
 */
export function pocDcapJournalFromQuote(quote: BytesLike, p: PocDcapJournalFromQuoteParameters): PocDcapJournal {
  const leaf = parseQuote(quote).pckChain[0];
  if (!leaf) throw new ParseError({ structure: "Intel quote", field: "pckChain", offset: 0, expected: "a PCK leaf certificate" });
  const ext = parsePckExtensions(leaf);
  const output = dcapOutputFromQuote(quote, { tcbStatus: p.tcbStatus, fmspc: ext.fmspc, advisoryIds: p.advisoryIds });
  return { ppid: ext.ppid, pckCertHash: sha256(leaf), dcap: { output, timestamp: p.timestamp, collateralHashes: dcapCollateralHashes(p.collateral) } };
}

// ---------------------------------------------------------------------------------------------
// SEV-SNP journal (ours), version 1, 374 bytes, big-endian.

export const SNP_JOURNAL_VERSION = 1;
export const SNP_JOURNAL_LENGTH = 374;

export type SnpJournal = {
  timestamp: bigint;
  reportVersion: number;
  guestSvn: number;
  policy: bigint;
  vmpl: number;
  reportedTcb: Uint8Array;
  measurement: Uint8Array;
  reportData: Uint8Array;
  hostData: Uint8Array;
  chipId: Uint8Array;
  reportHash: Uint8Array;
  vcekHash: Uint8Array;
  askHash: Uint8Array;
  arkHash: Uint8Array;
};

const SNP_FIXED: [keyof SnpJournal, number][] = [
  ["reportedTcb", 8],
  ["measurement", 48],
  ["reportData", 64],
  ["hostData", 32],
  ["chipId", 64],
  ["reportHash", 32],
  ["vcekHash", 32],
  ["askHash", 32],
  ["arkHash", 32],
];

export function encodeSnpJournal(j: SnpJournal): Uint8Array {
  const parts = [be(SNP_JOURNAL_VERSION, 2), be(j.timestamp, 8), be(j.reportVersion, 4), be(j.guestSvn, 4), be(j.policy, 8), be(j.vmpl, 4)];
  for (const [k, n] of SNP_FIXED) {
    const v = j[k] as Uint8Array;
    if (v.length !== n) throw new RangeError(`${k} must be ${n} bytes`);
    parts.push(v);
  }
  return concatBytes(...parts);
}

export function decodeSnpJournal(input: BytesLike): SnpJournal {
  const bytes = toBytes(input, "SNP journal");
  const r = new ByteReader(bytes, "SNP journal");
  const version = r.u16be("version");
  if (version !== SNP_JOURNAL_VERSION) throw new ParseError({ structure: "SNP journal", field: "version", offset: 0, expected: "1", got: String(version) });
  const j = {
    timestamp: r.u64be("timestamp"),
    reportVersion: r.u32be("reportVersion"),
    guestSvn: r.u32be("guestSvn"),
    policy: r.u64be("policy"),
    vmpl: r.u32be("vmpl"),
  } as SnpJournal;
  for (const [k, n] of SNP_FIXED) (j as Record<string, unknown>)[k] = r.take(n, k).slice();
  r.end();
  return j;
}

export type SnpProofInputs = {
  /** The 1184-byte attestation report. */
  report: BytesLike;
  vcek: BytesLike;
  ask: BytesLike;
  ark: BytesLike;
  /** The time (unix seconds) the program checks certificate validity at. */
  timestamp: bigint;
};

/** The journal an honest SNP program writes for these inputs (after it verified them). */
export function snpJournalFromReport(p: SnpProofInputs): SnpJournal {
  const report = toBytes(p.report, "report");
  if (report.length !== 0x4a0) throw new ParseError({ structure: "SNP report", field: "length", offset: 0, expected: "1184 bytes", got: String(report.length) });
  const r = new ByteReader(report, "SNP report");
  const at = (o: number, n: number) => report.slice(o, o + n);
  const le = (o: number, n: number) => {
    r.offset = o;
    return n === 4 ? BigInt(r.u32le("field")) : r.u64le("field");
  };
  return {
    timestamp: p.timestamp,
    reportVersion: Number(le(0x00, 4)),
    guestSvn: Number(le(0x04, 4)),
    policy: le(0x08, 8),
    vmpl: Number(le(0x30, 4)),
    reportedTcb: at(0x180, 8),
    measurement: at(0x90, 48),
    reportData: at(0x50, 64),
    hostData: at(0xc0, 32),
    chipId: at(0x1a0, 64),
    reportHash: sha256(report),
    vcekHash: sha256(toBytes(p.vcek, "vcek")),
    askHash: sha256(toBytes(p.ask, "ask")),
    arkHash: sha256(toBytes(p.ark, "ark")),
  };
}

// ---------------------------------------------------------------------------------------------
// Program inputs.

export type DcapProofInputs = { quote: BytesLike; collateral: object; timestamp: bigint };

/**
 * Input of a DCAP zk program: abi.encode(bytes collateral, bytes quote, uint64 timestamp), the tuple
 * shape of Automata's v1.1 guest input. The collateral slot holds the QuoteCollateralV3 JSON (UTF-8);
 * Automata's guest expects its own serialised collateral there (docs/zk-journals.md).
 */
export function buildDcapProgramInput(p: DcapProofInputs): Hex {
  const collateral = new TextEncoder().encode(JSON.stringify(p.collateral));
  return encodeAbiParameters([{ type: "bytes" }, { type: "bytes" }, { type: "uint64" }], [bytesToHex(collateral), bytesToHex(toBytes(p.quote, "quote")), p.timestamp]);
}

/** Input of the SNP zk program: abi.encode(bytes report, bytes vcek, bytes ask, bytes ark, uint64 timestamp). */
export function buildSnpProgramInput(p: SnpProofInputs): Hex {
  const b = (x: BytesLike, w: string) => bytesToHex(toBytes(x, w));
  return encodeAbiParameters(
    [{ type: "bytes" }, { type: "bytes" }, { type: "bytes" }, { type: "bytes" }, { type: "uint64" }],
    [b(p.report, "report"), b(p.vcek, "vcek"), b(p.ask, "ask"), b(p.ark, "ark"), p.timestamp],
  );
}

/** RiscZero binds a journal by its SHA-256 digest. */
export function riscZeroJournalDigest(journal: BytesLike): Hex {
  return bytesToHex(sha256(toBytes(journal, "journal")));
}

/** DEV ONLY: the seal DevRiscZeroVerifier accepts (a hash commitment, not a proof). */
export function devRiscZeroSeal(imageId: Hex, journal: BytesLike): Hex {
  return keccak256(encodeAbiParameters([{ type: "string" }, { type: "bytes32" }, { type: "bytes32" }], ["poc.dev.risc0", imageId, riscZeroJournalDigest(journal)]));
}

/** DEV ONLY: the proof bytes DevSp1Verifier accepts (a hash commitment, not a proof). */
export function devSp1Proof(programVKey: Hex, publicValues: BytesLike): Hex {
  return keccak256(encodeAbiParameters([{ type: "string" }, { type: "bytes32" }, { type: "bytes32" }], ["poc.dev.sp1", programVKey, keccak256(toBytes(publicValues, "publicValues"))]));
}
