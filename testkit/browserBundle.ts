/**
 * The browser-build checks of the SDK (test/sdk/index.test.ts for the whole SDK,
 * test/sdk/intel/browser.test.ts for sdk/src/intel): bundle an entry with esbuild for platform
 * "browser", list what Node-only code it took in, and run it in a bare V8 context with web globals only.
 */
import { build, type Message } from "esbuild";
import { runInNewContext } from "node:vm";

export type BrowserBundle = { errors: Message[]; inputs: string[]; code: string };

/** Bundles `entry` as an IIFE assigning the module to `globalName` (platform browser, ES2022). */
export async function bundleForBrowser(entry: string, globalName: string): Promise<BrowserBundle> {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    platform: "browser",
    format: "iife",
    globalName,
    target: "es2022",
    write: false,
    metafile: true,
    logLevel: "silent",
  });
  return { errors: result.errors, inputs: Object.keys(result.metafile!.inputs), code: result.outputFiles[0]!.text };
}

/** The inputs that have no place in a browser: node: built-ins and Node polyfills (plus `extraPackages`). */
export function nodeOnlyInputs(inputs: string[], extraPackages: string[] = []): string[] {
  const packages = ["buffer", "crypto-browserify", "tsyringe", "reflect-metadata", ...extraPackages].join("|");
  const polyfill = new RegExp(`(^|/)node_modules/(${packages})/`);
  return inputs.filter((i) => i.startsWith("node:") || polyfill.test(i));
}

/** Runs a bundle in a new context holding only `globals`; returns that context, with the module at `globalName`. */
export function runInWebContext(code: string, globalName: string, globals: Record<string, unknown>): Record<string, unknown> {
  const context: Record<string, unknown> = { ...globals };
  runInNewContext(`${code}\nglobalThis.${globalName} = ${globalName};`, context);
  return context;
}
