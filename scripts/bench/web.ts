/**
 * The web page's weight: the JS a browser loads before any page runs (`web.initialJsGzipBytes`,
 * goal <= 250 KB gzip), and the chunks the default route (Verify: the SDK's verifiers) then loads.
 * Built into a temporary directory with the same build as `npm run web` (web/build.ts).
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { BenchSuite } from "../bench.js";
import { buildWeb } from "../../web/build.js";

export const suite: BenchSuite = {
  name: "web",
  run: async (ctx) => {
    const b = await buildWeb(join(mkdtempSync(join(tmpdir(), "poc-bench-web-")), "dist"));
    ctx.log(`web: ${b.chunks} chunks; initial JS ${b.initialJsBytes} B (${b.initialJsGzipBytes} B gzip); Verify route ${b.verifyRouteJsGzipBytes} B gzip`);
    return { "web.initialJsGzipBytes": b.initialJsGzipBytes, "web.initialJsBytes": b.initialJsBytes, "web.verifyRouteJsGzipBytes": b.verifyRouteJsGzipBytes };
  },
};
