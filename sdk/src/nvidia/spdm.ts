/**
 * NVIDIA GPU attestation report: the SPDM 1.1 GET_MEASUREMENTS request followed by the MEASUREMENTS
 * response, as the GPU driver returns it and NVIDIA's tools save it (hex text). Layout and what is
 * checked: docs/nvidia-gpu.md. Strict: every length is checked against the bytes that carry it, and
 * the report must end exactly after the 96-byte P-384 signature.
 */
import { ByteReader } from "../bytes.js";
import { ParseError } from "../errors.js";

const STRUCTURE = "NVIDIA GPU attestation report";

export const SPDM_VERSION_1_1 = 0x11;
export const SPDM_GET_MEASUREMENTS = 0xe0;
export const SPDM_MEASUREMENTS = 0x60;
/** GET_MEASUREMENTS Param1 bit 0: the requester asks for a signature. */
export const SPDM_SIGNATURE_REQUESTED = 0x01;
/** GET_MEASUREMENTS Param2 0xFF: all measurement blocks. */
export const SPDM_ALL_MEASUREMENTS = 0xff;
export const SPDM_REQUEST_LENGTH = 37;
export const SPDM_NONCE_LENGTH = 32;
/** ECDSA P-384 r || s. */
export const GPU_SIGNATURE_LENGTH = 96;
/** MeasurementSpecification bit 0: the DMTF measurement format. */
export const DMTF_MEASUREMENT_SPECIFICATION = 0x01;

export type SpdmMeasurementRequest = {
  version: number;
  param1: number;
  param2: number;
  /** The requester's 32-byte nonce (offset 4). */
  nonce: Uint8Array;
  slotId: number;
};

export type SpdmMeasurementBlock = {
  /** SPDM index, 1..254. RIM measurement index = this - 1. */
  index: number;
  /** DMTFSpecMeasurementValueType (bit 7: raw bit stream instead of a digest). */
  valueType: number;
  value: Uint8Array;
  /** Offset of this block in the whole report (for error messages and mutation tests). */
  offset: number;
};

/** One opaque-data entry: NVIDIA's type-length-value (u16 type, u16 size, value). */
export type OpaqueEntry = { type: number; value: Uint8Array; offset: number };

export type SpdmMeasurementResponse = {
  version: number;
  param1: number;
  param2: number;
  blocks: SpdmMeasurementBlock[];
  /** The responder's 32-byte nonce. */
  responderNonce: Uint8Array;
  opaqueData: Uint8Array;
  /** Offset of the opaque data in the whole report. */
  opaqueOffset: number;
  /** r || s, 96 bytes. */
  signature: Uint8Array;
};

export type GpuAttestationReport = {
  raw: Uint8Array;
  request: SpdmMeasurementRequest;
  response: SpdmMeasurementResponse;
  /** What the GPU signed: request || response up to the signature (SPDM 1.1 L1/L2 transcript). */
  signedBytes: Uint8Array;
  /** Offset of the signature in `raw`. */
  signatureOffset: number;
};

function bad(field: string, offset: number, expected: string, got?: string): ParseError {
  return new ParseError({ structure: STRUCTURE, field, offset, expected, got });
}

const hex2 = (n: number) => `0x${n.toString(16).padStart(2, "0")}`;

/** Parses request || response. A hex string (as NVIDIA's tools save it; whitespace, 0x allowed) is decoded first. */
export function parseGpuAttestationReport(input: Uint8Array | string): GpuAttestationReport {
  const raw = typeof input === "string" ? decodeHexReport(input) : input;
  const r = new ByteReader(raw, STRUCTURE);

  const version = r.u8("request SPDMVersion");
  if (version !== SPDM_VERSION_1_1) throw bad("request SPDMVersion", 0, `${hex2(SPDM_VERSION_1_1)} (SPDM 1.1)`, hex2(version));
  const code = r.u8("request RequestResponseCode");
  if (code !== SPDM_GET_MEASUREMENTS) throw bad("request RequestResponseCode", 1, `${hex2(SPDM_GET_MEASUREMENTS)} (GET_MEASUREMENTS)`, hex2(code));
  const param1 = r.u8("request Param1");
  if ((param1 & SPDM_SIGNATURE_REQUESTED) === 0 || (param1 & ~SPDM_SIGNATURE_REQUESTED) !== 0) {
    throw bad("request Param1", 2, "0x01 (signature requested)", hex2(param1));
  }
  const param2 = r.u8("request Param2");
  if (param2 !== SPDM_ALL_MEASUREMENTS) throw bad("request Param2", 3, "0xff (all measurement blocks)", hex2(param2));
  const nonce = r.take(SPDM_NONCE_LENGTH, "request Nonce");
  const slotOffset = r.offset;
  const slotId = r.u8("request SlotIDParam");
  if (slotId > 7) throw bad("request SlotIDParam", slotOffset, "a slot 0..7", String(slotId));
  const request: SpdmMeasurementRequest = { version, param1, param2, nonce, slotId };

  const rStart = r.offset;
  const rVersion = r.u8("response SPDMVersion");
  if (rVersion !== version) throw bad("response SPDMVersion", rStart, `the request's version ${hex2(version)}`, hex2(rVersion));
  const rCode = r.u8("response RequestResponseCode");
  if (rCode !== SPDM_MEASUREMENTS) throw bad("response RequestResponseCode", rStart + 1, `${hex2(SPDM_MEASUREMENTS)} (MEASUREMENTS)`, hex2(rCode));
  const rParam1 = r.u8("response Param1");
  // With Param2 = 0xFF the response's Param1 is reserved (0).
  if (rParam1 !== 0) throw bad("response Param1", rStart + 2, "0x00 (reserved when all blocks are requested)", hex2(rParam1));
  const rParam2 = r.u8("response Param2");
  if ((rParam2 & 0x0f) !== slotId || (rParam2 & 0xf0) !== 0) throw bad("response Param2", rStart + 3, `slot ${slotId}, as requested`, hex2(rParam2));
  const numberOfBlocks = r.u8("response NumberOfBlocks");
  if (numberOfBlocks === 0) throw bad("response NumberOfBlocks", rStart + 4, "at least one measurement block", "0");
  const lenOffset = r.offset;
  const recordLength = r.u8("response MeasurementRecordLength") | (r.u8("response MeasurementRecordLength") << 8) | (r.u8("response MeasurementRecordLength") << 16);
  r.need(recordLength, "response MeasurementRecord");
  const recordStart = r.offset;
  const blocks = parseMeasurementRecord(raw.subarray(recordStart, recordStart + recordLength), recordStart, numberOfBlocks, lenOffset);
  r.offset = recordStart + recordLength;
  const responderNonce = r.take(SPDM_NONCE_LENGTH, "response Nonce");
  const opaqueLength = r.u16le("response OpaqueLength");
  // SPDM 1.1: OpaqueLength shall not exceed 1024.
  if (opaqueLength > 1024) throw bad("response OpaqueLength", r.offset - 2, "at most 1024", String(opaqueLength));
  const opaqueOffset = r.offset;
  const opaqueData = r.take(opaqueLength, "response OpaqueData");
  const signatureOffset = r.offset;
  const signature = r.take(GPU_SIGNATURE_LENGTH, "response Signature (96-byte P-384 r||s)");
  r.end("trailing bytes after the signature");

  return {
    raw,
    request,
    response: { version: rVersion, param1: rParam1, param2: rParam2, blocks, responderNonce, opaqueData, opaqueOffset, signature },
    signedBytes: raw.subarray(0, signatureOffset),
    signatureOffset,
  };
}

function parseMeasurementRecord(record: Uint8Array, base: number, count: number, lenOffset: number): SpdmMeasurementBlock[] {
  const r = new ByteReader(record, STRUCTURE, base);
  const blocks: SpdmMeasurementBlock[] = [];
  const seen = new Set<number>();
  for (let i = 0; i < count; i++) {
    const offset = base + r.offset;
    const index = r.u8(`measurement block ${i} Index`);
    if (index === 0 || index === 0xff) throw bad(`measurement block ${i} Index`, offset, "1..254", String(index));
    if (seen.has(index)) throw bad(`measurement block ${i} Index`, offset, "an index not used by an earlier block", String(index));
    seen.add(index);
    const spec = r.u8(`measurement block ${index} MeasurementSpecification`);
    if (spec !== DMTF_MEASUREMENT_SPECIFICATION) throw bad(`measurement block ${index} MeasurementSpecification`, offset + 1, "0x01 (DMTF)", hex2(spec));
    const size = r.u16le(`measurement block ${index} MeasurementSize`);
    const valueType = r.u8(`measurement block ${index} DMTFSpecMeasurementValueType`);
    const valueSize = r.u16le(`measurement block ${index} DMTFSpecMeasurementValueSize`);
    if (size !== valueSize + 3) throw bad(`measurement block ${index} MeasurementSize`, offset + 2, `DMTFSpecMeasurementValueSize + 3 = ${valueSize + 3}`, String(size));
    const value = r.take(valueSize, `measurement block ${index} DMTFSpecMeasurementValue`);
    blocks.push({ index, valueType, value, offset });
  }
  if (r.remaining !== 0) {
    throw bad("response MeasurementRecordLength", lenOffset, `the length of ${count} blocks (${r.offset})`, String(record.length));
  }
  return blocks;
}

/** A hex digit's value (the text was checked to be hex digits only). */
const nibble = (c: number): number => (c <= 0x39 ? c - 0x30 : (c | 0x20) - 0x57);

/** Hex text of a report (NVIDIA's tools write one line of hex). Whitespace and a leading 0x are allowed. */
export function decodeHexReport(text: string): Uint8Array {
  const h = text.trim().replace(/^0x/i, "").replace(/\s+/g, "");
  const badAt = h.search(/[^0-9a-fA-F]/);
  if (badAt >= 0) throw bad("hex text", badAt, "hex digits");
  if (h.length % 2 !== 0) throw bad("hex text", h.length, "an even number of hex digits", String(h.length));
  const out = new Uint8Array(h.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = (nibble(h.charCodeAt(2 * i)) << 4) | nibble(h.charCodeAt(2 * i + 1));
  return out;
}

/** Whether bytes look like a GPU attestation report (for evidence detection; the parser decides). */
export function looksLikeGpuAttestationReport(bytes: Uint8Array): boolean {
  return (
    bytes.length > SPDM_REQUEST_LENGTH + 8 &&
    bytes[0] === SPDM_VERSION_1_1 &&
    bytes[1] === SPDM_GET_MEASUREMENTS &&
    bytes[SPDM_REQUEST_LENGTH] === SPDM_VERSION_1_1 &&
    bytes[SPDM_REQUEST_LENGTH + 1] === SPDM_MEASUREMENTS
  );
}
