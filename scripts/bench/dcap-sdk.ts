/**
 * DCAP quote verification speed: the SDK warm (a long-running verifier: collateral and PCK chain
 * verified once, cached by content), the SDK cold (fresh cache: every certificate, CRL and
 * collateral signature checked), and the peer @phala/dcap-qvl on the same quote in the same run.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { BenchSuite } from "../bench.js";
import { createIntelVerifierCache, verifyQuote } from "../../sdk/src/intel/index.js";

const dir = join(dirname(fileURLToPath(import.meta.url)), "../../test/fixtures/intel/tdx-v4");
const require = createRequire(import.meta.url);

async function timeIt(n: number, f: () => Promise<unknown> | unknown): Promise<number> {
  const t0 = performance.now();
  for (let i = 0; i < n; i++) await f();
  return (performance.now() - t0) / n;
}

export const suite: BenchSuite = {
  name: "dcap-sdk",
  run: async (ctx) => {
    const quote = new Uint8Array(readFileSync(join(dir, "quote.bin")));
    const collateralText = readFileSync(join(dir, "collateral.json"), "utf8");
    const collateral = JSON.parse(collateralText);
    const now = 1751624163;
    const peer = require("@phala/dcap-qvl") as { verify: (q: Uint8Array, c: unknown, now: number) => { status: string } };

    const cache = createIntelVerifierCache();
    const warm = () => verifyQuote({ quote, collateral, now, cache });
    const cold = () => verifyQuote({ quote, collateral: collateralText, now, cache: false });
    const peerRun = () => peer.verify(quote, collateral, now);

    // Warm-up: JIT and the warm cache.
    for (let i = 0; i < 200; i++) await warm();
    for (let i = 0; i < 20; i++) await cold();
    for (let i = 0; i < 20; i++) peerRun();

    const rounds = 3;
    let sdkWarm = Infinity;
    let sdkCold = Infinity;
    let peerMs = Infinity;
    for (let r = 0; r < rounds; r++) {
      sdkWarm = Math.min(sdkWarm, await timeIt(2000, warm));
      sdkCold = Math.min(sdkCold, await timeIt(100, cold));
      peerMs = Math.min(peerMs, await timeIt(100, peerRun));
      ctx.log(`dcap-sdk: round ${r + 1}: warm ${sdkWarm.toFixed(4)} ms, cold ${sdkCold.toFixed(3)} ms, peer ${peerMs.toFixed(3)} ms`);
    }
    return {
      "sdk.dcap.tdxV4.msPerQuote": Number(sdkWarm.toFixed(4)),
      "sdk.dcap.tdxV4.msPerQuoteCold": Number(sdkCold.toFixed(4)),
      "peer.dcap.tdxV4.msPerQuote": Number(peerMs.toFixed(4)),
      "sdk.dcap.speedupVsPeer": Number((peerMs / sdkWarm).toFixed(1)),
      "sdk.dcap.speedupVsPeerCold": Number((peerMs / sdkCold).toFixed(2)),
    };
  },
};
