/**
 * sdk/src/nvidia builds for a browser (esbuild, platform "browser"): no Node-only imports. The bundle
 * then runs in a bare V8 context with web globals only (no DOMParser there: @xmldom/xmldom parses)
 * and verifies the real report, its chain and a real RIM's XML signature.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { bundleForBrowser, nodeOnlyInputs, runInWebContext } from "../../../testkit/browserBundle.js";
import { DRIVER_RIM, HOPPER_CHAIN, HOPPER_REPORT, HOPPER_VERIFY_AT, readGpuFixtureText } from "../../../testkit/gpuFixtures.js";

const entry = join(import.meta.dirname, "../../../sdk/src/nvidia/index.ts");

describe("browser build of sdk/src/nvidia", () => {
  it("bundles with no Node built-in, and verifies the H100 report and a RIM in a web-only context", { timeout: 60_000 }, async () => {
    const { errors, inputs, code } = await bundleForBrowser(entry, "PocNvidia");
    expect(errors).toEqual([]);
    expect(nodeOnlyInputs(inputs)).toEqual([]);
    expect(code).not.toMatch(/require\(["']node:/);
    const context = runInWebContext(code, "PocNvidia", { crypto: globalThis.crypto, TextEncoder, TextDecoder, atob, btoa, URL, console });
    const nv = context.PocNvidia as typeof import("../../../sdk/src/nvidia/index.js");
    const v = await nv.verifyGpuAttestation({ report: readGpuFixtureText(HOPPER_REPORT), certificates: [readGpuFixtureText(HOPPER_CHAIN)], now: HOPPER_VERIFY_AT });
    expect(v.driverVersion).toBe("550.90.07");
    const rim = await nv.verifyGpuRim({ rim: readGpuFixtureText(DRIVER_RIM), root: nv.pinnedGpuRoots().rimRoot, now: HOPPER_VERIFY_AT });
    expect(rim.version).toBe("545.00");
  });
});
