/**
 * The verification module builds for a browser (esbuild, platform "browser"): no Node-only imports.
 * The bundle then runs in a bare V8 context that has only web globals and still verifies a quote.
 */
import { build } from "esbuild";
import { runInNewContext } from "node:vm";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { tdxV4 } from "./fixtures.js";

const entry = join(import.meta.dirname, "../../../sdk/src/intel/index.ts");

describe("browser build of sdk/src/intel", () => {
  it("bundles for platform 'browser' with no Node built-in in its inputs, and verifies a quote in a web-only context", async () => {
    const result = await build({
      entryPoints: [entry],
      bundle: true,
      platform: "browser",
      format: "iife",
      globalName: "PocIntel",
      target: "es2022",
      write: false,
      metafile: true,
      logLevel: "silent",
    });
    expect(result.errors).toEqual([]);
    const inputs = Object.keys(result.metafile!.inputs);
    expect(inputs.filter((i) => i.startsWith("node:") || /(^|\/)node_modules\/(buffer|crypto-browserify|tsyringe|reflect-metadata)\//.test(i))).toEqual([]);
    const code = result.outputFiles[0]!.text;
    expect(code).not.toMatch(/require\(["']node:/);

    const context: Record<string, unknown> = {
      crypto: globalThis.crypto,
      TextEncoder,
      TextDecoder,
      atob,
      btoa,
      URL,
      console,
    };
    runInNewContext(`${code}\nglobalThis.PocIntel = PocIntel;`, context);
    const intel = context.PocIntel as typeof import("../../../sdk/src/intel/index.js");
    const r = await intel.verifyQuote({ quote: tdxV4.quote, collateral: tdxV4.collateral!, now: tdxV4.at });
    expect(r.status).toBe("UpToDate");
    expect(r.ppid).toBe(`0x${tdxV4.ppid}`);
  });
});
