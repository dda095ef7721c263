/**
 * NVIDIA's opaque data in the SPDM MEASUREMENTS response: a list of (u16 type, u16 size, value)
 * entries, little-endian, signed with the rest of the response. It names the driver and VBIOS
 * versions, the board's project / SKU, the FWID the attestation certificate also carries, and more.
 * Type numbers as in NVIDIA's nvtrust verifier; docs/nvidia-gpu.md lists them.
 */
import { ByteReader, hex } from "../bytes.js";
import { ParseError } from "../errors.js";
import type { OpaqueEntry } from "./spdm.js";

const STRUCTURE = "NVIDIA GPU opaque data";

export const OPAQUE_FIELD = {
  certIssuerName: 1,
  certAuthorityKeyIdentifier: 2,
  driverVersion: 3,
  gpuInfo: 4,
  sku: 5,
  vbiosVersion: 6,
  manufacturerId: 7,
  tamperDetection: 8,
  smc: 9,
  vpr: 10,
  nvdec0Status: 11,
  msrsCount: 12,
  cprInfo: 13,
  boardId: 14,
  chipSku: 15,
  chipSkuMod: 16,
  project: 17,
  projectSku: 18,
  projectSkuMod: 19,
  fwid: 20,
  protectedPcieStatus: 21,
  switchPdi: 22,
  floorsweptPorts: 23,
  positionId: 24,
  lockSwitchStatus: 25,
  gpuLinkConn: 32,
  sysEnableStatus: 33,
  opaqueDataVersion: 34,
  chipInfo: 35,
  featureFlag: 36,
} as const;

const NAMES = new Map<number, string>(Object.entries(OPAQUE_FIELD).map(([k, v]) => [v, k]));
export const opaqueFieldName = (type: number): string => NAMES.get(type) ?? `unknown(${type})`;

/** NVDEC0 status values (nvtrust config.py). */
export const NVDEC0_ENABLED = 0xaa;
export const NVDEC0_DISABLED = 0x55;

export type GpuOpaqueData = {
  entries: OpaqueEntry[];
  /** e.g. "550.90.07" (NUL-terminated ASCII on the wire). */
  driverVersion?: string | undefined;
  /** e.g. "96.00.9f.00.01" (8 bytes on the wire; see formatVbiosVersion). */
  vbiosVersion?: string | undefined;
  project?: string | undefined;
  projectSku?: string | undefined;
  chipSku?: string | undefined;
  /** Hex, 48 bytes on Hopper: the last 48 bytes of the attestation certificate's FWID extension. */
  fwid?: string | undefined;
  nvdec0Status?: number | undefined;
  /** Per-measurement counters (u32 LE each), informational. */
  measurementCounts?: number[] | undefined;
};

function bad(field: string, offset: number, expected: string, got?: string): ParseError {
  return new ParseError({ structure: STRUCTURE, field, offset, expected, got });
}

/** Splits the opaque data into entries. `base` is its offset in the report (for error offsets). */
export function parseOpaqueEntries(data: Uint8Array, base = 0): OpaqueEntry[] {
  const r = new ByteReader(data, STRUCTURE, base);
  const out: OpaqueEntry[] = [];
  const seen = new Set<number>();
  while (r.remaining > 0) {
    const offset = base + r.offset;
    const type = r.u16le("entry DataType");
    const size = r.u16le(`${opaqueFieldName(type)} DataSize`);
    const value = r.take(size, `${opaqueFieldName(type)} Data`);
    // One value per field: a second one would make "the driver version" ambiguous.
    if (seen.has(type)) throw bad(`${opaqueFieldName(type)} DataType`, offset, "each field once", "a repeated field");
    seen.add(type);
    out.push({ type, value, offset });
  }
  return out;
}

/** NUL-terminated ASCII; printable characters only before the NUL, zero bytes only after it. */
function cString(e: OpaqueEntry, field: string): string {
  let end = e.value.indexOf(0);
  if (end < 0) end = e.value.length;
  for (let i = 0; i < e.value.length; i++) {
    const b = e.value[i]!;
    if (i < end ? b < 0x20 || b > 0x7e : b !== 0) throw bad(field, e.offset + 4 + i, i < end ? "printable ASCII" : "NUL padding", `0x${b.toString(16)}`);
  }
  return new TextDecoder().decode(e.value.subarray(0, end));
}

/**
 * The VBIOS version as NVIDIA prints it: the 8-byte field read as a little-endian number, whose hex
 * digits are regrouped "b3.b2.b1.b0.b4" (nvtrust utils.format_vbios_version). 00 9f 00 96 01 00 00 00
 * is "96.00.9f.00.01".
 */
export function formatVbiosVersion(v: Uint8Array): string {
  const h = (i: number) => v[i]!.toString(16).padStart(2, "0");
  return [h(3), h(2), h(1), h(0), h(4)].join(".");
}

export function parseGpuOpaqueData(data: Uint8Array, base = 0): GpuOpaqueData {
  const entries = parseOpaqueEntries(data, base);
  const get = (t: number) => entries.find((e) => e.type === t);
  const out: GpuOpaqueData = { entries };
  const driver = get(OPAQUE_FIELD.driverVersion);
  if (driver) out.driverVersion = cString(driver, "driverVersion");
  const vbios = get(OPAQUE_FIELD.vbiosVersion);
  if (vbios) {
    if (vbios.value.length !== 8) throw bad("vbiosVersion DataSize", vbios.offset + 2, "8", String(vbios.value.length));
    out.vbiosVersion = formatVbiosVersion(vbios.value);
  }
  for (const [key, type] of [["project", OPAQUE_FIELD.project], ["projectSku", OPAQUE_FIELD.projectSku], ["chipSku", OPAQUE_FIELD.chipSku]] as const) {
    const e = get(type);
    if (e) out[key] = cString(e, key);
  }
  const fwid = get(OPAQUE_FIELD.fwid);
  if (fwid) {
    if (fwid.value.length !== 48) throw bad("fwid DataSize", fwid.offset + 2, "48 (SHA-384)", String(fwid.value.length));
    out.fwid = hex(fwid.value);
  }
  const nvdec = get(OPAQUE_FIELD.nvdec0Status);
  if (nvdec) {
    if (nvdec.value.length !== 1) throw bad("nvdec0Status DataSize", nvdec.offset + 2, "1", String(nvdec.value.length));
    out.nvdec0Status = nvdec.value[0]!;
  }
  const counts = get(OPAQUE_FIELD.msrsCount);
  if (counts) {
    if (counts.value.length % 4 !== 0) throw bad("msrsCount DataSize", counts.offset + 2, "a multiple of 4", String(counts.value.length));
    const r = new ByteReader(counts.value, STRUCTURE, counts.offset + 4);
    out.measurementCounts = [];
    while (r.remaining > 0) out.measurementCounts.push(r.u32le("msrsCount"));
  }
  return out;
}
