/**
 * The published package as a dApp's bundler sees it (built by `npm run build:pkg`, which `npm run
 * bench` runs first):
 * - package.bundle.verifyQuoteGzipBytes: a browser bundle of `import { verifyQuote } from
 *   "proof-of-cloud"` (esbuild, minified), gzip -9. Goal: <= 60 KB (61 440 bytes).
 * - package.bundle.verifyQuoteBytes: the same bundle before gzip.
 */
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { BenchSuite } from "../bench.js";
import { bundleVerifyQuote } from "../../testkit/packageBundle.js";

const GOAL_GZIP_BYTES = 60 * 1024;

export const suite: BenchSuite = {
  name: "package",
  async run(ctx) {
    const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
    const bundle = await bundleVerifyQuote(root);
    ctx.log(`package: verifyQuote bundle ${bundle.gzipBytes} bytes gzip (goal <= ${GOAL_GZIP_BYTES}: ${bundle.gzipBytes <= GOAL_GZIP_BYTES ? "met" : "MISSED"})`);
    return { "package.bundle.verifyQuoteGzipBytes": bundle.gzipBytes, "package.bundle.verifyQuoteBytes": bundle.bytes };
  },
};
