/**
 * Writes NVIDIA GPU attestation reports: the SPDM 1.1 GET_MEASUREMENTS request and the MEASUREMENTS
 * response with NVIDIA's opaque data, signed ECDSA P-384 over request || response-without-signature,
 * byte for byte the layout the verifier reads (docs/nvidia-gpu.md).
 */
import { concatBytes } from "../bytes.js";
import type { SimulatedP384Key } from "./gpuPki.js";

const u16 = (n: number) => Uint8Array.of(n & 255, (n >>> 8) & 255);

export type GpuOpaqueFields = {
  driverVersion: string;
  /** "xx.xx.xx.xx.xx" hex groups, as NVIDIA prints it. */
  vbiosVersion: string;
  project?: string | undefined;
  projectSku?: string | undefined;
  chipSku?: string | undefined;
  fwid: Uint8Array;
  /** 0xAA enabled (default), 0x55 disabled. */
  nvdec0Status?: number | undefined;
};

/** The 8 wire bytes of a printed VBIOS version ("b3.b2.b1.b0.b4"). */
export function encodeVbiosVersion(version: string): Uint8Array {
  const parts = version.split(".").map((x) => parseInt(x, 16));
  if (parts.length !== 5 || parts.some((x) => !(x >= 0 && x <= 255))) throw new RangeError(`not a VBIOS version: ${version}`);
  const [a, b, c, d, e] = parts as [number, number, number, number, number];
  return Uint8Array.of(d, c, b, a, e, 0, 0, 0);
}

const cstr = (s: string, size = s.length + 1) => {
  const out = new Uint8Array(size);
  out.set(new TextEncoder().encode(s));
  return out;
};

/** Opaque data entries in the order a Hopper GPU writes them (the fields the verifier reads). */
export function encodeGpuOpaqueData(f: GpuOpaqueFields): Uint8Array {
  const entries: [number, Uint8Array][] = [
    [6, encodeVbiosVersion(f.vbiosVersion)],
    [15, cstr(f.chipSku ?? "882", 9)],
    [17, cstr(f.project ?? "1010", 5)],
    [18, cstr(f.projectSku ?? "0200", 5)],
    [3, cstr(f.driverVersion)],
    [11, Uint8Array.of(f.nvdec0Status ?? 0xaa)],
    [20, f.fwid],
  ];
  return concatBytes(...entries.map(([t, v]) => concatBytes(u16(t), u16(v.length), v)));
}

export type EncodeGpuReportParameters = {
  key: SimulatedP384Key;
  nonce: Uint8Array;
  /** Block i + 1 carries measurements[i] (48-byte SHA-384 values on Hopper). */
  measurements: Uint8Array[];
  responderNonce: Uint8Array;
  opaqueData: Uint8Array;
};

export function encodeGpuReport(p: EncodeGpuReportParameters): Uint8Array {
  if (p.nonce.length !== 32 || p.responderNonce.length !== 32) throw new RangeError("SPDM nonces are 32 bytes");
  const request = concatBytes(Uint8Array.of(0x11, 0xe0, 0x01, 0xff), p.nonce, Uint8Array.of(0));
  const record = concatBytes(
    ...p.measurements.map((m, i) => concatBytes(Uint8Array.of(i + 1, 0x01), u16(m.length + 3), Uint8Array.of(0x01), u16(m.length), m)),
  );
  const response = concatBytes(
    Uint8Array.of(0x11, 0x60, 0x00, 0x00, p.measurements.length, record.length & 255, (record.length >>> 8) & 255, record.length >>> 16),
    record,
    p.responderNonce,
    u16(p.opaqueData.length),
    p.opaqueData,
  );
  const signed = concatBytes(request, response);
  return concatBytes(signed, p.key.sign(signed));
}
