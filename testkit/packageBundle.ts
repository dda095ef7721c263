/**
 * The browser bundle a dApp gets when it imports only `verifyQuote` from the published package:
 * esbuild (platform browser, ESM, minified, tree-shaken under the package's `"sideEffects": false`)
 * resolving `proof-of-cloud` through its exports map from `resolveDir`. The bench bundles the
 * repository's own build (a package can import itself by name); the package suite bundles the copy
 * installed from the tarball in a consumer project.
 */
import { build } from "esbuild";
import { gzipSync } from "node:zlib";

/** `inputs`: the modules esbuild read; `kept`: those that left code in the bundle (the rest were tree-shaken). */
export type VerifyQuoteBundle = { code: string; bytes: number; gzipBytes: number; inputs: string[]; kept: string[] };

export const VERIFY_QUOTE_ENTRY = `export { verifyQuote } from "proof-of-cloud";\n`;

export async function bundleVerifyQuote(resolveDir: string): Promise<VerifyQuoteBundle> {
  const result = await build({
    stdin: { contents: VERIFY_QUOTE_ENTRY, resolveDir, loader: "js", sourcefile: "entry.js" },
    bundle: true,
    platform: "browser",
    format: "esm",
    target: "es2022",
    minify: true,
    write: false,
    metafile: true,
    logLevel: "silent",
  });
  const out = result.outputFiles[0]!.contents;
  const output = Object.values(result.metafile.outputs)[0]!;
  const kept = Object.entries(output.inputs).filter(([, v]) => v.bytesInOutput > 0).map(([k]) => k);
  return { code: result.outputFiles[0]!.text, bytes: out.length, gzipBytes: gzipSync(out, { level: 9 }).length, inputs: Object.keys(result.metafile.inputs), kept };
}
