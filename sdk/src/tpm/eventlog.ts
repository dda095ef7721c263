/**
 * TCG PC Client crypto-agile event log (TCG PC Client Platform Firmware Profile, section 10): a
 * SHA-1-format TCG_PCR_EVENT carrying the "Spec ID Event03" header, then TCG_PCR_EVENT2 records with
 * one digest per bank, little-endian. Replay: PCR := H(PCR || digest) from the reset value.
 * The replay authenticates digests only; `checkTcgEventData` decides, per event type, whether the
 * event data is authenticated too. Byte layouts and the per-type rule: docs/tpm.md.
 */
import { ByteReader, concatBytes, equalBytes, hex } from "../bytes.js";
import { ParseError, VerificationError } from "../errors.js";
import { type TpmHashName, tpmHash } from "./structures.js";

export const EV_NO_ACTION = 0x00000003;
const SPEC_ID_SIGNATURE = "Spec ID Event03\0";
const STARTUP_LOCALITY_SIGNATURE = "StartupLocality\0";
const S = "TCG event log";

export type TcgEvent = {
  /** Record number (0 is the Spec ID header). */
  index: number;
  /** Byte offset of the record in the log. */
  offset: number;
  pcrIndex: number;
  eventType: number;
  /** Digest per TPM hash algorithm ID. */
  digests: Map<number, Uint8Array>;
  /** The logged event data as parsed: nothing authenticates it (see `checkTcgEventData`). */
  data: Uint8Array;
};

export type TcgEventLog = {
  algorithms: { alg: number; size: number }[];
  specVersion: { major: number; minor: number; errata: number };
  /** From a StartupLocality EV_NO_ACTION event: PCR0 starts at 0...0<locality>. */
  startupLocality: number;
  events: TcgEvent[];
};

const ascii = (b: Uint8Array) => String.fromCharCode(...b);

export function parseTcgEventLog(bytes: Uint8Array): TcgEventLog {
  const r = new ByteReader(bytes, S);
  // Header: TCG_PCR_EVENT (SHA-1 layout) whose data is TCG_EfiSpecIDEvent.
  const pcr0 = r.u32le("header.pcrIndex");
  const type0 = r.u32le("header.eventType");
  r.take(20, "header.digest");
  const size0 = r.u32le("header.eventSize");
  if (pcr0 !== 0 || type0 !== EV_NO_ACTION) throw new ParseError({ structure: S, field: "header", offset: 0, expected: "EV_NO_ACTION in PCR 0 (Spec ID event)" });
  const specAt = r.offset;
  const spec = new ByteReader(r.take(size0, "header.event"), S, specAt);
  const sig = ascii(spec.take(16, "SpecIdEvent.signature"));
  if (sig !== SPEC_ID_SIGNATURE) throw new ParseError({ structure: S, field: "SpecIdEvent.signature", offset: specAt, expected: "\"Spec ID Event03\" (crypto-agile log)", got: JSON.stringify(sig) });
  spec.u32le("SpecIdEvent.platformClass");
  const minor = spec.u8("SpecIdEvent.specVersionMinor");
  const major = spec.u8("SpecIdEvent.specVersionMajor");
  const errata = spec.u8("SpecIdEvent.specErrata");
  spec.u8("SpecIdEvent.uintnSize");
  const nAt = specAt + spec.offset;
  const n = spec.u32le("SpecIdEvent.numberOfAlgorithms");
  if (n < 1 || n > 8) throw new ParseError({ structure: S, field: "SpecIdEvent.numberOfAlgorithms", offset: nAt, expected: "1..8", got: String(n) });
  const algorithms: { alg: number; size: number }[] = [];
  const sizes = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const at = specAt + spec.offset;
    const alg = spec.u16le(`SpecIdEvent.digestSizes[${i}].algorithmId`);
    const size = spec.u16le(`SpecIdEvent.digestSizes[${i}].digestSize`);
    const known = tpmHash(alg);
    if (known && known.size !== size) throw new ParseError({ structure: S, field: `SpecIdEvent.digestSizes[${i}]`, offset: at, expected: `${known.size} for ${known.name}`, got: String(size) });
    if (size === 0 || size > 64) throw new ParseError({ structure: S, field: `SpecIdEvent.digestSizes[${i}].digestSize`, offset: at, expected: "1..64", got: String(size) });
    algorithms.push({ alg, size });
    sizes.set(alg, size);
  }
  const vendorSize = spec.u8("SpecIdEvent.vendorInfoSize");
  spec.take(vendorSize, "SpecIdEvent.vendorInfo");
  spec.end("SpecIdEvent");

  const events: TcgEvent[] = [];
  let startupLocality = 0;
  while (r.remaining > 0) {
    const offset = r.offset;
    // Firmware hands over a fixed-size buffer; an all-0xFF or all-zero tail is unused space.
    const first = bytes[offset]!;
    if ((first === 0 || first === 0xff) && bytes.subarray(offset).every((b) => b === first)) break;
    const pcrIndex = r.u32le("TCG_PCR_EVENT2.pcrIndex");
    if (pcrIndex > 23) throw new ParseError({ structure: S, field: "TCG_PCR_EVENT2.pcrIndex", offset, expected: "0..23", got: String(pcrIndex) });
    const eventType = r.u32le("TCG_PCR_EVENT2.eventType");
    const cAt = r.offset;
    const count = r.u32le("TCG_PCR_EVENT2.digests.count");
    if (count !== algorithms.length) throw new ParseError({ structure: S, field: "TCG_PCR_EVENT2.digests.count", offset: cAt, expected: `${algorithms.length} (one per bank in the Spec ID event)`, got: String(count) });
    const digests = new Map<number, Uint8Array>();
    for (let i = 0; i < count; i++) {
      const aAt = r.offset;
      const alg = r.u16le("TCG_PCR_EVENT2.digests.hashAlg");
      const size = sizes.get(alg);
      if (size === undefined || digests.has(alg)) throw new ParseError({ structure: S, field: "TCG_PCR_EVENT2.digests.hashAlg", offset: aAt, expected: "a bank declared once in the Spec ID event", got: `0x${alg.toString(16)}` });
      digests.set(alg, r.take(size, "TCG_PCR_EVENT2.digests.digest"));
    }
    const sAt = r.offset;
    const size = r.u32le("TCG_PCR_EVENT2.eventSize");
    if (size > r.remaining) throw new ParseError({ structure: S, field: "TCG_PCR_EVENT2.eventSize", offset: sAt, expected: `<= ${r.remaining}`, got: String(size) });
    const data = r.take(size, "TCG_PCR_EVENT2.event");
    if (eventType === EV_NO_ACTION && data.length === 17 && ascii(data.subarray(0, 16)) === STARTUP_LOCALITY_SIGNATURE) {
      startupLocality = data[16]!;
    }
    events.push({ index: events.length + 1, offset, pcrIndex, eventType, digests, data });
  }
  return { algorithms, specVersion: { major, minor, errata }, startupLocality, events };
}

/** Replays one bank: PCR values (by index) for every PCR the log extends. */
export function replayTcgEventLog(log: TcgEventLog, hashAlg: number): Map<number, Uint8Array> {
  const h = tpmHash(hashAlg);
  if (!h) throw new VerificationError("tpm.eventlog.bank", `unsupported hash algorithm 0x${hashAlg.toString(16)}`);
  if (!log.algorithms.some((a) => a.alg === hashAlg)) {
    throw new VerificationError("tpm.eventlog.bank", `the event log has no ${h.name} bank`);
  }
  const pcrs = new Map<number, Uint8Array>();
  for (const e of log.events) {
    if (e.eventType === EV_NO_ACTION) continue;
    let cur = pcrs.get(e.pcrIndex);
    if (!cur) {
      cur = new Uint8Array(h.size);
      if (e.pcrIndex === 0) cur[h.size - 1] = log.startupLocality;
    }
    pcrs.set(e.pcrIndex, h.fn(concatBytes(cur, e.digests.get(hashAlg)!)));
  }
  return pcrs;
}

/** PCRs the firmware event log must account for (firmware 0-7, boot loader 8-9); PCR 10+ is the OS's. */
export const EVENT_LOG_PCRS = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9] as const;

/**
 * Replays `hashAlg` and compares every PCR the log touches with `quoted` (values the TPM signed).
 * Every quoted PCR in EVENT_LOG_PCRS that is not at a reset value must come out of the log, so a
 * truncated log cannot hide events. Throws VerificationError("tpm.eventlog.replay").
 */
export function checkTcgEventLog(log: TcgEventLog, hashAlg: number, quoted: Map<number, Uint8Array>): Map<number, Uint8Array> {
  const replayed = replayTcgEventLog(log, hashAlg);
  for (const pcr of EVENT_LOG_PCRS) {
    const q = quoted.get(pcr);
    if (q && !replayed.has(pcr) && !q.every((b) => b === 0) && !q.every((b) => b === 0xff)) {
      throw new VerificationError("tpm.eventlog.replay", `the quote has PCR ${pcr} = ${hex(q)} but the event log never extends it`);
    }
  }
  for (const [pcr, value] of replayed) {
    const q = quoted.get(pcr);
    if (!q) throw new VerificationError("tpm.eventlog.replay", `event log extends PCR ${pcr}, which the quote does not cover`);
    if (!equalBytes(q, value)) {
      throw new VerificationError("tpm.eventlog.replay", `event log replay gives PCR ${pcr} = ${hex(value)}, the quote says ${hex(q)}`);
    }
  }
  return replayed;
}

export const EV_SEPARATOR = 0x00000004;
export const EV_IPL = 0x0000000d;
export const EV_EFI_VARIABLE_DRIVER_CONFIG = 0x80000001;
export const EV_EFI_VARIABLE_BOOT = 0x80000002;
export const EV_EFI_VARIABLE_BOOT2 = 0x8000000c;
export const EV_EFI_VARIABLE_AUTHORITY = 0x800000e0;

const EVENT_TYPE_NAMES: Record<number, string> = {
  0x0: "EV_PREBOOT_CERT",
  0x1: "EV_POST_CODE",
  0x2: "EV_UNUSED",
  0x3: "EV_NO_ACTION",
  0x4: "EV_SEPARATOR",
  0x5: "EV_ACTION",
  0x6: "EV_EVENT_TAG",
  0x7: "EV_S_CRTM_CONTENTS",
  0x8: "EV_S_CRTM_VERSION",
  0x9: "EV_CPU_MICROCODE",
  0xa: "EV_PLATFORM_CONFIG_FLAGS",
  0xb: "EV_TABLE_OF_DEVICES",
  0xc: "EV_COMPACT_HASH",
  0xd: "EV_IPL",
  0xe: "EV_IPL_PARTITION_DATA",
  0xf: "EV_NONHOST_CODE",
  0x10: "EV_NONHOST_CONFIG",
  0x11: "EV_NONHOST_INFO",
  0x12: "EV_OMIT_BOOT_DEVICE_EVENTS",
  0x13: "EV_POST_CODE2",
  0x80000001: "EV_EFI_VARIABLE_DRIVER_CONFIG",
  0x80000002: "EV_EFI_VARIABLE_BOOT",
  0x80000003: "EV_EFI_BOOT_SERVICES_APPLICATION",
  0x80000004: "EV_EFI_BOOT_SERVICES_DRIVER",
  0x80000005: "EV_EFI_RUNTIME_SERVICES_DRIVER",
  0x80000006: "EV_EFI_GPT_EVENT",
  0x80000007: "EV_EFI_ACTION",
  0x80000008: "EV_EFI_PLATFORM_FIRMWARE_BLOB",
  0x80000009: "EV_EFI_HANDOFF_TABLES",
  0x8000000a: "EV_EFI_PLATFORM_FIRMWARE_BLOB2",
  0x8000000b: "EV_EFI_HANDOFF_TABLES2",
  0x8000000c: "EV_EFI_VARIABLE_BOOT2",
  0x8000000d: "EV_EFI_GPT_EVENT2",
  0x80000010: "EV_EFI_HCRTM_EVENT",
  0x800000e0: "EV_EFI_VARIABLE_AUTHORITY",
  0x800000e1: "EV_EFI_SPDM_FIRMWARE_BLOB",
  0x800000e2: "EV_EFI_SPDM_FIRMWARE_CONFIG",
};

/** "EV_IPL", or the hex value for a type the PC Client profile does not name. */
export function tcgEventTypeName(eventType: number): string {
  return EVENT_TYPE_NAMES[eventType] ?? `0x${eventType.toString(16).padStart(8, "0")}`;
}

/**
 * Event data after `checkTcgEventData`. `verified: true` means every byte of `bytes` is what the
 * firmware hashed into each replayed bank's digest; nothing else is. Branch on `verified` before
 * reading `bytes` as evidence.
 */
export type TcgEventData =
  | {
      verified: true;
      /** Exactly the hashed bytes: the logged data, or shim's EV_EFI_VARIABLE_AUTHORITY data without the unhashed last byte. */
      bytes: Uint8Array;
      /** True when the firmware profile defines this type's digest as the hash of its data (a mismatch is refused). */
      required: boolean;
    }
  | {
      verified: false;
      /** The logged data as-is: unauthenticated. */
      bytes: Uint8Array;
      /** Why the data is not authenticated (the digest is of something else, or of only part of it). */
      reason: string;
      /** The part of `bytes` the digests do cover, when only a part is hashed (EFI VariableData, a GRUB string). */
      checked?: Uint8Array | undefined;
    };

export type CheckedTcgEvent = Omit<TcgEvent, "data"> & { typeName: string; data: TcgEventData };

/** An event whose digest the firmware profile defines as the hash of its data, but is not. */
export class TcgEventDataError extends VerificationError {
  override name = "TcgEventDataError";
  /** Record number in the log (1 is the first after the Spec ID header). */
  readonly eventIndex: number;
  readonly pcrIndex: number;
  readonly eventType: number;
  /** The first replayed bank whose digest does not match. */
  readonly bank: TpmHashName;

  constructor(event: TcgEvent, bank: TpmHashName, why: string) {
    super("tpm.eventlog.eventData", `event ${event.index} (${tcgEventTypeName(event.eventType)}, PCR ${event.pcrIndex}): its ${bank} digest is not the hash of its data ${why}`);
    this.eventIndex = event.index;
    this.pcrIndex = event.pcrIndex;
    this.eventType = event.eventType;
    this.bank = bank;
  }
}

// Types whose digest the PC Client Platform Firmware Profile defines as the hash of the event data
// itself: data that does not hash to the digest is a lie about what was measured.
const DATA_IS_DIGESTED = new Set([
  EV_SEPARATOR,
  0x5, // EV_ACTION
  0x6, // EV_EVENT_TAG
  0x8, // EV_S_CRTM_VERSION
  EV_EFI_VARIABLE_DRIVER_CONFIG,
  EV_EFI_VARIABLE_BOOT,
  EV_EFI_VARIABLE_BOOT2,
  EV_EFI_VARIABLE_AUTHORITY,
  0x80000006, // EV_EFI_GPT_EVENT
  0x80000007, // EV_EFI_ACTION
]);
const EFI_VARIABLE_TYPES = new Set([EV_EFI_VARIABLE_DRIVER_CONFIG, EV_EFI_VARIABLE_BOOT, EV_EFI_VARIABLE_BOOT2, EV_EFI_VARIABLE_AUTHORITY]);

/** What the digest of a type is of, when it is not the event data. */
function notDigestedReason(eventType: number): string {
  const name = tcgEventTypeName(eventType);
  switch (eventType) {
    case 0x80000003:
    case 0x80000004:
    case 0x80000005:
      return `the ${name} digest is the PE image's Authenticode hash; the data (UEFI_IMAGE_LOAD_EVENT) only says where the image was loaded from`;
    case 0x1:
    case 0x13:
    case 0x7:
    case 0x9:
    case 0xf:
    case 0x80000008:
    case 0x8000000a:
      return `the ${name} digest is of the code it measured; the data only describes it (a label, or an address and length)`;
    case 0x80000009:
    case 0x8000000b:
      return `the ${name} digest is of the tables the data points to`;
    case EV_IPL:
      return "the EV_IPL digest is of what the boot loader measured (a file, or a string logged with a label), not of this data";
    default:
      return `the PC Client firmware profile does not define the ${name} digest as the hash of its data, and here it is not`;
  }
}

const u32le = (b: Uint8Array, at: number) => (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24)) >>> 0;

/** VariableData of a UEFI_VARIABLE_DATA record (GUID, u64 name length in chars, u64 data length, name, data). */
function efiVariableData(data: Uint8Array): Uint8Array | undefined {
  if (data.length < 32 || u32le(data, 20) !== 0 || u32le(data, 28) !== 0) return undefined;
  const start = 32 + 2 * u32le(data, 16);
  const end = start + u32le(data, 24);
  return end <= data.length ? data.subarray(start, end) : undefined;
}

const GRUB_LABELS = ["grub_cmd: ", "kernel_cmdline: ", "module_cmdline: "].map((l) => new TextEncoder().encode(l));
/** GRUB logs `label || string || NUL` and hashes only the string. */
function grubString(data: Uint8Array): Uint8Array | undefined {
  if (data.length === 0 || data[data.length - 1] !== 0) return undefined;
  const label = GRUB_LABELS.find((l) => data.length > l.length && equalBytes(data.subarray(0, l.length), l));
  return label && data.subarray(label.length, data.length - 1);
}

const SEPARATOR_ERROR = new Uint8Array([1, 0, 0, 0]);

/**
 * Judges every event's data against its digests in `bankAlgs`: the banks whose replay matched a
 * quote, the only digests that are authenticated. Rule per type (docs/tpm.md, "Event data"):
 * verified when every such digest is the hash of the data; for the types the firmware profile
 * defines that way, anything else (beyond the documented firmware variants) throws
 * TcgEventDataError ("tpm.eventlog.eventData"); other types are returned unverified, with why.
 */
export function checkTcgEventData(log: TcgEventLog, bankAlgs: readonly number[]): CheckedTcgEvent[] {
  const banks = bankAlgs.map((alg) => {
    const h = tpmHash(alg);
    if (!h || !log.algorithms.some((a) => a.alg === alg)) throw new VerificationError("tpm.eventlog.bank", `the event log has no bank 0x${alg.toString(16)}`);
    return { alg, h };
  });
  return log.events.map((e) => {
    const { data: _raw, ...rest } = e;
    return { ...rest, typeName: tcgEventTypeName(e.eventType), data: judgeEventData(e, banks) };
  });
}

function judgeEventData(e: TcgEvent, banks: { alg: number; h: NonNullable<ReturnType<typeof tpmHash>> }[]): TcgEventData {
  const data = e.data;
  const unverified = (reason: string, checked?: Uint8Array): TcgEventData => (checked ? { verified: false, bytes: data, reason, checked } : { verified: false, bytes: data, reason });
  if (e.eventType === EV_NO_ACTION) return unverified("EV_NO_ACTION is not extended into any PCR: nothing authenticates it");
  if (banks.length === 0) return unverified("no replayed bank: none of the quoted PCR banks is in the log, so no digest is authenticated");
  // The first bank whose digest is not H(m), or undefined when all match.
  const mismatch = (m: Uint8Array) => banks.find((b) => !equalBytes(b.h.fn(m), e.digests.get(b.alg)!));
  const wrong = mismatch(data);
  const required = DATA_IS_DIGESTED.has(e.eventType);
  if (!wrong) return { verified: true, bytes: data, required };
  if (EFI_VARIABLE_TYPES.has(e.eventType)) {
    // shim (up to 15.x) hashes its UEFI_VARIABLE_DATA record and logs one byte more than it hashed.
    if (e.eventType === EV_EFI_VARIABLE_AUTHORITY && data.length > 0 && !mismatch(data.subarray(0, data.length - 1))) {
      return { verified: true, bytes: data.subarray(0, data.length - 1), required };
    }
    // EDK2 hashes only VariableData for Boot#### and BootOrder: the value is bound, its name is not.
    const value = efiVariableData(data);
    if (value && !mismatch(value)) {
      return unverified("the digest covers only VariableData (as EDK2 measures boot variables): the variable's name and GUID are not authenticated", value);
    }
    throw new TcgEventDataError(e, wrong.h.name, "(UEFI_VARIABLE_DATA, or its VariableData)");
  }
  if (e.eventType === EV_SEPARATOR) {
    // An error separator hashes 0x00000001 and logs what went wrong instead.
    if (!mismatch(SEPARATOR_ERROR)) return unverified("error separator: the digest is of 0x00000001 and the data describes the firmware's error");
    throw new TcgEventDataError(e, wrong.h.name, "(0x00000000 or 0xFFFFFFFF, or 0x00000001 for an error)");
  }
  if (required) throw new TcgEventDataError(e, wrong.h.name, "(the firmware profile defines it so for this type)");
  if (e.eventType === EV_IPL) {
    const s = grubString(data);
    if (s && !mismatch(s)) return unverified("GRUB hashes the string without its label and NUL: the label (grub_cmd, kernel_cmdline, module_cmdline) is not authenticated", s);
  }
  return unverified(notDigestedReason(e.eventType));
}
