/**
 * A simulated NVIDIA H100 in confidential-computing mode: its device PKI and RIM PKI (gpuPki.ts),
 * 64 measurement blocks derived from the seed, SPDM attestation reports for any nonce
 * (gpuReport.ts), and driver / VBIOS RIMs signed over its golden values (gpuRim.ts), so that a
 * positive RIM comparison can be tested end to end with the simulated roots pinned.
 */
import { deriveBytes, type SimulatorSeed } from "./random.js";
import { createSimulatedGpuPki, type SimulatedGpuPki } from "./gpuPki.js";
import { encodeGpuOpaqueData, encodeGpuReport, type GpuOpaqueFields } from "./gpuReport.js";
import { type SimulatedGoldenMeasurement, writeSignedRim } from "./gpuRim.js";

/** RIM indices the driver RIM covers on Hopper (the rest, where active, are the VBIOS RIM's). */
export const SIMULATED_DRIVER_RIM_INDICES: readonly number[] = [7, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40];
export const SIMULATED_VBIOS_RIM_INDICES: readonly number[] = [0, 1, 2, 3, 4, 5, 6, 8, 9, 10, 11, 12];

export type CreateSimulatedGpuParameters = {
  seed: SimulatorSeed;
  driverVersion?: string | undefined;
  vbiosVersion?: string | undefined;
  /** Number of SPDM measurement blocks (Hopper: 64). */
  blocks?: number | undefined;
  notBefore?: Date | undefined;
  notAfter?: Date | undefined;
};

export type SimulatedGpu = {
  pki: SimulatedGpuPki;
  driverVersion: string;
  vbiosVersion: string;
  fwid: Uint8Array;
  /** The GPU's current measurement values: block i + 1 = measurements[i]. */
  measurements: Uint8Array[];
  /** An attestation report answering `nonce` (request || response, signed). */
  attest(nonce: Uint8Array, options?: { measurements?: Uint8Array[]; opaque?: Partial<GpuOpaqueFields> }): Uint8Array;
  /** RIMs signed by the simulated RIM signer; by default golden = the GPU's current values. */
  driverRim(options?: RimOptions): string;
  vbiosRim(options?: RimOptions): string;
};

export type RimOptions = {
  version?: string | undefined;
  /** Replace golden values by RIM index (e.g. to make one index differ). */
  override?: Record<number, Uint8Array[]> | undefined;
  indices?: readonly number[] | undefined;
};

export function createSimulatedGpu(p: CreateSimulatedGpuParameters): SimulatedGpu {
  const driverVersion = p.driverVersion ?? "550.90.07";
  const vbiosVersion = p.vbiosVersion ?? "96.00.9f.00.01";
  const fwid = deriveBytes(p.seed, "gpu/fwid", 48);
  const pki = createSimulatedGpuPki({ seed: p.seed, fwid, notBefore: p.notBefore, notAfter: p.notAfter });
  const count = p.blocks ?? 64;
  const measurements = Array.from({ length: count }, (_, i) => deriveBytes(p.seed, `gpu/measurement/${i}`, 48));
  let counter = 0;
  const rim = (kind: "driver" | "vbios", defaults: readonly number[], o: RimOptions = {}) => {
    const active = new Set(o.indices ?? defaults);
    const golden: SimulatedGoldenMeasurement[] = Array.from({ length: count }, (_, index) => ({
      index,
      active: active.has(index),
      values: o.override?.[index] ?? [active.has(index) ? measurements[index]! : new Uint8Array(48)],
    }));
    return writeSignedRim({
      version: o.version ?? (kind === "driver" ? driverVersion : vbiosVersion),
      tagId: `simulated-${kind}-rim`,
      measurements: golden,
      signer: pki.rimSigner,
      chain: [pki.rimIntermediate, pki.rimRoot],
    });
  };
  return {
    pki,
    driverVersion,
    vbiosVersion,
    fwid,
    measurements,
    attest: (nonce, o = {}) =>
      encodeGpuReport({
        key: pki.attestationKey.key,
        nonce,
        measurements: o.measurements ?? measurements,
        responderNonce: deriveBytes(p.seed, `gpu/responder-nonce/${counter++}`, 32),
        opaqueData: encodeGpuOpaqueData({ driverVersion, vbiosVersion, fwid, ...o.opaque }),
      }),
    driverRim: (o) => rim("driver", SIMULATED_DRIVER_RIM_INDICES, o),
    vbiosRim: (o) => rim("vbios", SIMULATED_VBIOS_RIM_INDICES, o),
  };
}
