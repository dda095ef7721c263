/**
 * The verification module builds for a browser (esbuild, platform "browser"): no Node-only imports.
 * The bundle then runs in a bare V8 context that has only web globals and still verifies a quote.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { tdxV4 } from "./fixtures.js";
import { bundleForBrowser, nodeOnlyInputs, runInWebContext } from "../../../testkit/browserBundle.js";

const entry = join(import.meta.dirname, "../../../sdk/src/intel/index.ts");

describe("browser build of sdk/src/intel", () => {
  it("bundles for platform 'browser' with no Node built-in in its inputs, and verifies a quote in a web-only context", async () => {
    const { errors, inputs, code } = await bundleForBrowser(entry, "PocIntel");
    expect(errors).toEqual([]);
    expect(nodeOnlyInputs(inputs)).toEqual([]);
    expect(code).not.toMatch(/require\(["']node:/);

    const context = runInWebContext(code, "PocIntel", { crypto: globalThis.crypto, TextEncoder, TextDecoder, atob, btoa, URL, console });
    const intel = context.PocIntel as typeof import("../../../sdk/src/intel/index.js");
    const r = await intel.verifyQuote({ quote: tdxV4.quote, collateral: tdxV4.collateral!, now: tdxV4.at });
    expect(r.status).toBe("UpToDate");
    expect(r.ppid).toBe(`0x${tdxV4.ppid}`);
  });
});
