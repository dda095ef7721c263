/**
 * dstack's "lite" TDX measurement document (`vm_config.tdx_measurement`): the OS image's static
 * measurement material, so a verifier can recompute MRTD, RTMR1 and RTMR2 without the image
 * (dstack-mr `tdx_measurements_from_measurement_document`). The binding chain, all checked here:
 *   os_image_hash = SHA-256(checksum_file)            (a sha256sum file, base64 in the JSON)
 *   checksum_file lists SHA-256(measurement) for "measurement.tdx.cbor"
 *   measurement (CBOR) = { version: 3, image: { kernel_authenticode, initrd_sha384, cmdline_sha384 },
 *                          tdvf: { mrtd: { single_pass, two_pass }, ... } }
 *   MRTD  ∈ { single_pass, two_pass }                 (which one depends on the QEMU version)
 *   RTMR1 = replay[kernel_authenticode, SHA-384("Calling EFI Application from Boot Option"),
 *                  SHA-384(00000000), SHA-384("Exit Boot Services Invocation"),
 *                  SHA-384("Exit Boot Services Returned with Success")]
 *   RTMR2 = replay[cmdline_sha384, initrd_sha384]
 * RTMR0 (TD HOB from the document's witness and the memory size, firmware constants, the log's ACPI
 * data digests): `tdxLiteRtmr0` below. Layout: docs/dstack-attestation.md.
 */
import { sha256, sha384 } from "@noble/hashes/sha2.js";
import { decode as cborDecode } from "cborg";
import { concatBytes, equalBytes, hex } from "../bytes.js";
import { ParseError, VerificationError } from "../errors.js";
import { base64Decode } from "../pki/pem.js";

const S = "dstack tdx_measurement";
// Text-keyed maps decode to plain objects (cborg, strict: trailing bytes and unknown tags are refused).
const cbor = { decode: (bytes: Uint8Array): unknown => cborDecode(bytes) };
const enc = new TextEncoder();

export type DstackTdxMeasurement = {
  kernelAuthenticode: Uint8Array;
  initrdSha384: Uint8Array;
  cmdlineSha384: Uint8Array;
  mrtdSinglePass: Uint8Array;
  mrtdTwoPass: Uint8Array;
  /** SHA-256 of the sha256sum file: the os_image_hash this document belongs to. */
  osImageHash: string;
};

function b64(v: unknown, field: string): Uint8Array {
  if (typeof v !== "string") throw new ParseError({ structure: S, field, offset: 0, expected: "a base64 string" });
  try {
    return base64Decode(v.replace(/\s+/g, ""));
  } catch (cause) {
    throw new ParseError({ structure: S, field, offset: 0, expected: "base64", cause });
  }
}

function bytes48(o: unknown, path: string[]): Uint8Array {
  let v: unknown = o;
  for (const k of path) v = v && typeof v === "object" ? (v as Record<string, unknown>)[k] : undefined;
  if (!(v instanceof Uint8Array) || v.length !== 48) throw new ParseError({ structure: S, field: `measurement.${path.join(".")}`, offset: 0, expected: "48 bytes" });
  return v;
}

/** Reads `vm_config.tdx_measurement` ({ measurement, checksum_file }, base64) and checks its hash chain. */
export function parseDstackTdxMeasurement(doc: unknown): DstackTdxMeasurement {
  if (!doc || typeof doc !== "object") throw new ParseError({ structure: S, field: "tdx_measurement", offset: 0, expected: "an object" });
  const d = doc as Record<string, unknown>;
  const measurement = b64(d.measurement, "measurement");
  const checksumFile = b64(d.checksum_file, "checksum_file");
  let m: unknown;
  try {
    m = cbor.decode(measurement);
  } catch (cause) {
    throw new ParseError({ structure: S, field: "measurement", offset: 0, expected: "CBOR", cause });
  }
  if (!m || typeof m !== "object" || (m as { version?: unknown }).version !== 3) throw new ParseError({ structure: S, field: "measurement.version", offset: 0, expected: "3" });
  let listed: string | undefined;
  try {
    for (const line of new TextDecoder("utf-8", { fatal: true }).decode(checksumFile).split("\n")) {
      const x = /^([0-9a-f]{64}) [ *](.+)$/.exec(line.trim());
      if (x && x[2] === "measurement.tdx.cbor") listed = x[1];
    }
  } catch (cause) {
    throw new ParseError({ structure: S, field: "checksum_file", offset: 0, expected: "UTF-8 sha256sum lines", cause });
  }
  if (!listed) throw new ParseError({ structure: S, field: "checksum_file", offset: 0, expected: 'a line "<sha256>  measurement.tdx.cbor"' });
  if (listed !== hex(sha256(measurement))) throw new VerificationError("dstack.tdxMeasurement.checksum", `measurement.tdx.cbor hashes to ${hex(sha256(measurement))}, the checksum file lists ${listed}`);
  return {
    kernelAuthenticode: bytes48(m, ["image", "kernel_authenticode"]),
    initrdSha384: bytes48(m, ["image", "initrd_sha384"]),
    cmdlineSha384: bytes48(m, ["image", "cmdline_sha384"]),
    mrtdSinglePass: bytes48(m, ["tdvf", "mrtd", "single_pass"]),
    mrtdTwoPass: bytes48(m, ["tdvf", "mrtd", "two_pass"]),
    osImageHash: hex(sha256(checksumFile)),
  };
}

const replay = (digests: Uint8Array[]) => digests.reduce((r, d) => sha384(concatBytes(r, d)), new Uint8Array(48) as Uint8Array);

/** The MRTD candidates and RTMR1 / RTMR2 the document implies. */
export function tdxMeasurementRegisters(m: DstackTdxMeasurement): { mrtd: Uint8Array[]; rtmr1: Uint8Array; rtmr2: Uint8Array } {
  const rtmr1 = replay([
    m.kernelAuthenticode,
    sha384(enc.encode("Calling EFI Application from Boot Option")),
    sha384(new Uint8Array(4)),
    sha384(enc.encode("Exit Boot Services Invocation")),
    sha384(enc.encode("Exit Boot Services Returned with Success")),
  ]);
  return { mrtd: [m.mrtdSinglePass, m.mrtdTwoPass], rtmr1, rtmr2: replay([m.cmdlineSha384, m.initrdSha384]) };
}

export type VerifyDstackTdxMeasurementReturnType = { osImageHash: string; mrtdVariant: "single_pass" | "two_pass" };

/**
 * Checks a quote's MRTD, RTMR1 and RTMR2 against the document, and the document against the
 * os_image_hash of the same VM config. Throws VerificationError naming the register that differs.
 */
export function verifyDstackTdxMeasurement(params: { document: unknown; osImageHash?: string | undefined; mrtd: Uint8Array; rtmr1: Uint8Array; rtmr2: Uint8Array }): VerifyDstackTdxMeasurementReturnType {
  const m = parseDstackTdxMeasurement(params.document);
  if (params.osImageHash !== undefined && params.osImageHash !== m.osImageHash) {
    throw new VerificationError("dstack.tdxMeasurement.osImageHash", `os_image_hash ${params.osImageHash} is not the hash of this measurement's checksum file (${m.osImageHash})`);
  }
  const r = tdxMeasurementRegisters(m);
  const variant = equalBytes(params.mrtd, m.mrtdSinglePass) ? "single_pass" : equalBytes(params.mrtd, m.mrtdTwoPass) ? "two_pass" : undefined;
  if (!variant) throw new VerificationError("dstack.tdxMeasurement.mrtd", `MRTD ${hex(params.mrtd)} is neither of the image's (${hex(m.mrtdSinglePass)}, ${hex(m.mrtdTwoPass)})`);
  if (!equalBytes(params.rtmr1, r.rtmr1)) throw new VerificationError("dstack.tdxMeasurement.rtmr1", `RTMR1 ${hex(params.rtmr1)} is not the image's kernel measurement ${hex(r.rtmr1)}`);
  if (!equalBytes(params.rtmr2, r.rtmr2)) throw new VerificationError("dstack.tdxMeasurement.rtmr2", `RTMR2 ${hex(params.rtmr2)} is not the image's command line + initrd measurement ${hex(r.rtmr2)}`);
  return { osImageHash: m.osImageHash, mrtdVariant: variant };
}

// ---- RTMR0 of a lite attestation (dstack-mr tdx.rs `measure_td_hob_from_witness_data`, tdvf.rs
// `rtmr0_log_from_td_hob_hash_with_acpi_hashes`, OVMF variant pre202505 only) ----

/** TD HOB witness: LEB128 varuints base_page, td_hob_page_delta, range_count, then (start_page_delta, page_count) per accepted range. */
function tdHobHash(witness: Uint8Array, memorySize: bigint): Uint8Array {
  let at = 0;
  const varuint = (): bigint => {
    let v = 0n;
    for (let shift = 0n; shift < 64n; shift += 7n) {
      if (at >= witness.length) throw new ParseError({ structure: S, field: "measurement.tdvf.td_hob", offset: at, expected: "a LEB128 varuint" });
      const b = witness[at++]!;
      v |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return v;
    }
    throw new ParseError({ structure: S, field: "measurement.tdvf.td_hob", offset: at, expected: "a varuint below 2^64" });
  };
  const basePage = varuint();
  const hobBase = (basePage + varuint()) * 0x1000n;
  const count = varuint();
  if (count > 64n) throw new ParseError({ structure: S, field: "measurement.tdvf.td_hob", offset: at, expected: "at most 64 ranges", got: String(count) });
  // Memory acceptor: [accepted, start, end) ranges over [0, memorySize), sorted by start.
  let ranges: [boolean, bigint, bigint][] = [[false, 0n, memorySize]];
  for (let i = 0n; i < count; i++) {
    const start = (basePage + varuint()) * 0x1000n;
    const end = start + varuint() * 0x1000n;
    if (start >= end) continue;
    const next: [boolean, bigint, bigint][] = [];
    for (const [acc, rs, re] of ranges) {
      if (acc || re <= start || rs >= end) next.push([acc, rs, re]);
      else {
        if (rs < start) next.push([false, rs, start]);
        if (re > end) next.push([false, end, re]);
      }
    }
    next.push([true, start, end]);
    ranges = next.sort((a, b) => (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
  }
  if (at !== witness.length) throw new ParseError({ structure: S, field: "measurement.tdvf.td_hob", offset: at, expected: "no trailing bytes" });
  const u16 = (v: number) => [v & 0xff, (v >> 8) & 0xff];
  const u32 = (v: number) => [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff];
  const u64 = (v: bigint) => Array.from({ length: 8 }, (_, i) => Number((v >> BigInt(8 * i)) & 0xffn));
  const hob: number[] = [0x01, 0x00, ...u16(56), 0, 0, 0, 0, ...u32(9), 0, 0, 0, 0, ...new Array(40).fill(0)];
  const resource = (type: number, start: bigint, length: bigint) => hob.push(0x03, 0x00, ...u16(48), 0, 0, 0, 0, ...new Array(16).fill(0), type, 0, 0, 0, ...u32(7), ...u64(start), ...u64(length));
  const last = ranges.pop()!;
  for (const [acc, start, end] of ranges) resource(acc ? 0x00 : 0x07, start, end - start);
  const [, lastStart, lastEnd] = last;
  if (memorySize >= 0xb0000000n) {
    if (lastStart < 0x80000000n) resource(0x07, lastStart, 0x80000000n - lastStart);
    if (lastEnd > 0x80000000n) resource(0x07, 0x100000000n, lastEnd - 0x80000000n);
  } else resource(0x07, lastStart, lastEnd - lastStart);
  const endOfHobList = u64(hobBase + BigInt(hob.length) + 8n);
  for (let i = 0; i < 8; i++) hob[48 + i] = endOfHobList[i]!;
  return sha384(Uint8Array.from(hob));
}

function guidBytes(guid: string): Uint8Array {
  const parts = guid.split("-").map((h) => Uint8Array.from(h.match(/../g)!, (x) => parseInt(x, 16)));
  return concatBytes(...parts.map((p, i) => (i <= 2 ? p.slice().reverse() : p)));
}
function efiVariableHash(guid: string, name: string): Uint8Array {
  const len = Array.from({ length: 8 }, (_, i) => (i === 0 ? name.length & 0xff : i === 1 ? (name.length >> 8) & 0xff : 0));
  const utf16 = Uint8Array.from([...name].flatMap((c) => [c.charCodeAt(0) & 0xff, c.charCodeAt(0) >> 8]));
  return sha384(concatBytes(guidBytes(guid), Uint8Array.from(len), new Uint8Array(8), utf16));
}
const fromHex = (h: string) => Uint8Array.from(h.match(/../g)!, (x) => parseInt(x, 16));
const CFV_IMAGE_HASH = fromHex("344bc51c980ba621aaa00da3ed7436f7d6e549197dfe699515dfa2c6583d95e6412af21c097d473155875ffd561d6790");
const BOOT0000_PRE202505 = fromHex("23ada07f5261f12f34a0bd8e46760962d6b4d576a416f1fea1c64bc656b1d28eacf7047ae6e967c58fd2a98bfa74c298");
const EFI_GLOBAL = "8BE4DF61-93CA-11D2-AA0D-00E098032B8C";
const EFI_IMAGE_SECURITY_DB = "D719B2CB-3D3A-4596-A3BC-DAD00E67656F";

export type TdxRtmr0AcpiDigests = { loader: Uint8Array; rsdp: Uint8Array; tables: Uint8Array };

/**
 * RTMR0 of a lite TD from the measurement document, the VM's memory size and the three ACPI data
 * digests of its event log: replay[TD HOB, CFV image, SecureBoot, PK, KEK, db, dbx, separator,
 * acpi-loader, acpi-rsdp, acpi-tables, BootOrder, Boot0000]. Only the "pre202505" OVMF is known.
 */
export function tdxLiteRtmr0(params: { document: unknown; memorySize: number | bigint; acpi: TdxRtmr0AcpiDigests }): Uint8Array {
  const d = params.document as { measurement?: unknown };
  let m: { tdvf?: { ovmf?: unknown; td_hob?: unknown } };
  try {
    m = cbor.decode(b64(d?.measurement, "measurement")) as typeof m;
  } catch (cause) {
    if (cause instanceof ParseError) throw cause;
    throw new ParseError({ structure: S, field: "measurement", offset: 0, expected: "CBOR", cause });
  }
  if (m?.tdvf?.ovmf !== "pre202505") throw new VerificationError("dstack.tdxMeasurement.ovmf", `OVMF variant ${String(m?.tdvf?.ovmf)} is not one whose RTMR0 log is known (pre202505)`);
  if (!(m.tdvf.td_hob instanceof Uint8Array)) throw new ParseError({ structure: S, field: "measurement.tdvf.td_hob", offset: 0, expected: "bytes" });
  return replay([
    tdHobHash(m.tdvf.td_hob, BigInt(params.memorySize)),
    CFV_IMAGE_HASH,
    efiVariableHash(EFI_GLOBAL, "SecureBoot"),
    efiVariableHash(EFI_GLOBAL, "PK"),
    efiVariableHash(EFI_GLOBAL, "KEK"),
    efiVariableHash(EFI_IMAGE_SECURITY_DB, "db"),
    efiVariableHash(EFI_IMAGE_SECURITY_DB, "dbx"),
    sha384(new Uint8Array(4)),
    params.acpi.loader,
    params.acpi.rsdp,
    params.acpi.tables,
    sha384(new Uint8Array(2)),
    BOOT0000_PRE202505,
  ]);
}
