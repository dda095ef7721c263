/**
 * TCG PC Client crypto-agile event log (TCG PC Client Platform Firmware Profile, section 10): a
 * SHA-1-format TCG_PCR_EVENT carrying the "Spec ID Event03" header, then TCG_PCR_EVENT2 records with
 * one digest per bank, little-endian. Replay: PCR := H(PCR || digest) from the reset value.
 * Byte layouts: docs/tpm.md.
 */
import { ByteReader, concatBytes, equalBytes, hex } from "../bytes.js";
import { ParseError, VerificationError } from "../errors.js";
import { tpmHash } from "./structures.js";

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
