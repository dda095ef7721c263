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
 * RTMR0 (TD HOB and QEMU's ACPI tables) is not recomputed. Layout: docs/dstack-attestation.md.
 */
import { sha256, sha384 } from "@noble/hashes/sha2.js";
import { Decoder } from "cbor-x";
import { concatBytes, equalBytes, hex } from "../bytes.js";
import { ParseError, VerificationError } from "../errors.js";
import { base64Decode } from "../pki/pem.js";

const S = "dstack tdx_measurement";
const cbor = new Decoder({ mapsAsObjects: true, useRecords: false } as ConstructorParameters<typeof Decoder>[0]);
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
export function verifyDstackTdxMeasurement(params: { document: unknown; osImageHash?: string; mrtd: Uint8Array; rtmr1: Uint8Array; rtmr2: Uint8Array }): VerifyDstackTdxMeasurementReturnType {
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
