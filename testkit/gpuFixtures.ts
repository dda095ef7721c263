/**
 * The real NVIDIA H100 fixtures (test/fixtures/nvidia/: nvtrust's sample report, its chain, three
 * RIMs) and a simulated GPU with its roots in the shape the verifier pins them.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { GpuTrustAnchors } from "../sdk/src/nvidia/index.js";
import { parseCertificates } from "../sdk/src/pki/x509.js";
import { createSimulatedGpu, type CreateSimulatedGpuParameters, type SimulatedGpu } from "../sdk/src/simulate/gpu.js";

export const GPU_FIXTURES = join(import.meta.dirname, "..", "test", "fixtures", "nvidia");
export const readGpuFixture = (name: string): Uint8Array => new Uint8Array(readFileSync(join(GPU_FIXTURES, name)));
export const readGpuFixtureText = (name: string): string => readFileSync(join(GPU_FIXTURES, name), "utf8");

/** The sample report's request nonce. */
export const HOPPER_NONCE = "931d8dd0add203ac3d8b4fbde75e115278eefcdceac5b87671a748f32364dfcb";
/** A time when the sample RIMs' signers are valid (their L4 signer expired 2025-06). */
export const HOPPER_VERIFY_AT = Date.UTC(2025, 0, 1) / 1000;
export const HOPPER_REPORT = "hopperAttestationReport.txt";
export const HOPPER_CHAIN = "hopperCertChain.txt";
export const DRIVER_RIM = "Driver_RIM_test_no_gpu.swidtag";
export const VBIOS_RIM = "1010_0200_882_96005E0001_test_no_gpu.swidtag";
export const VBIOS_RIM_PROD = "1010_0200_882_96005E0001_PROD.swidtag";

/** A simulated GPU and its two roots, ready for `roots:` of verifyGpuAttestation. */
export function simulatedGpu(p: Partial<CreateSimulatedGpuParameters> = {}): { gpu: SimulatedGpu; roots: GpuTrustAnchors; now: number } {
  const gpu = createSimulatedGpu({ seed: "gpu test", ...p });
  const roots = { deviceRoot: parseCertificates(gpu.pki.deviceRoot.pem)[0]!, rimRoot: parseCertificates(gpu.pki.rimRoot.pem)[0]! };
  return { gpu, roots, now: Date.UTC(2026, 0, 1) / 1000 };
}
