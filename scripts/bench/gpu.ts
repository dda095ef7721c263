/**
 * NVIDIA GPU attestation speed: the real H100 report and chain (parse, 4-certificate chain to the
 * pinned root, FWID, P-384 signature, nonce), a RIM (XML-DSig + its chain), and the simulated GPU's
 * whole verification with both RIMs compared.
 */
import type { BenchSuite } from "../bench.js";
import { pinnedGpuRoots, verifyGpuAttestation, verifyGpuRim } from "../../sdk/src/nvidia/index.js";
import { DRIVER_RIM, HOPPER_CHAIN, HOPPER_NONCE, HOPPER_REPORT, HOPPER_VERIFY_AT, readGpuFixtureText, simulatedGpu } from "../../testkit/gpuFixtures.js";
import { msPer } from "../../testkit/benchTiming.js";


export const suite: BenchSuite = {
  name: "sdk.gpu",
  run: async (ctx) => {
    const report = readGpuFixtureText(HOPPER_REPORT);
    const chain = readGpuFixtureText(HOPPER_CHAIN);
    const perReport = await msPer(50, () => verifyGpuAttestation({ report, certificates: [chain], now: HOPPER_VERIFY_AT, nonce: HOPPER_NONCE }));
    ctx.log(`  H100 report (hex text, 5-certificate PEM chain, FWID, P-384 signature, nonce): ${perReport} ms`);
    const rim = readGpuFixtureText(DRIVER_RIM);
    const perRim = await msPer(20, () => verifyGpuRim({ rim, root: pinnedGpuRoots().rimRoot, now: HOPPER_VERIFY_AT }));
    ctx.log(`  NVIDIA driver RIM (20 KB SWID, XML-DSig C14N + ECDSA P-384, 4-certificate chain): ${perRim} ms`);
    const { gpu, roots, now } = simulatedGpu();
    const nonce = new Uint8Array(32).fill(1);
    const simReport = gpu.attest(nonce);
    const rims = [gpu.driverRim(), gpu.vbiosRim()];
    const full = await msPer(10, () => verifyGpuAttestation({ report: simReport, certificates: [gpu.pki.deviceChainPem], now, nonce, rims, roots }));
    ctx.log(`  simulated H100 with driver + VBIOS RIMs compared (33 measurements): ${full} ms`);
    return { "sdk.gpu.msPerReport": perReport, "sdk.gpu.msPerRim": perRim, "sdk.gpu.msPerReportWithRims": full };
  },
};
