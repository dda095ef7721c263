/**
 * DCAP quote verification speed: the SDK warm (a long-running verifier: collateral and PCK chain
 * verified once, cached by content), the SDK cold (fresh cache: every certificate, CRL and
 * collateral signature checked), and two peers on the same quote in the same run: Phala's
 * dcap-qvl as pure JavaScript (@phala/dcap-qvl) and its Rust verifier compiled to WebAssembly
 * (@phala/dcap-qvl-web: `initSync` with the .wasm bytes, then `js_verify`).
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

/**
 * Process CPU time per call (every thread: WebCrypto's pool too), in ms. On a machine shared with
 * other jobs, wall time also counts waiting for a core; CPU time is what the verification costs.
 */
async function cpuIt(n: number, f: () => Promise<unknown> | unknown): Promise<number> {
  const c0 = process.cpuUsage();
  for (let i = 0; i < n; i++) await f();
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1000 / n;
}

export const suite: BenchSuite = {
  name: "dcap-sdk",
  run: async (ctx) => {
    const quote = new Uint8Array(readFileSync(join(dir, "quote.bin")));
    const collateralText = readFileSync(join(dir, "collateral.json"), "utf8");
    const collateral = JSON.parse(collateralText);
    const now = 1751624163;
    const peer = require("@phala/dcap-qvl") as { verify: (q: Uint8Array, c: unknown, now: number) => { status: string } };
    const wasmPeer = await import("@phala/dcap-qvl-web");
    wasmPeer.initSync({ module: readFileSync(require.resolve("@phala/dcap-qvl-web/dcap-qvl-web_bg.wasm")) });

    const cache = createIntelVerifierCache();
    const warm = () => verifyQuote({ quote, collateral, now, cache });
    const cold = () => verifyQuote({ quote, collateral: collateralText, now, cache: false });
    const peerRun = () => peer.verify(quote, collateral, now);
    const wasmRun = () => wasmPeer.js_verify(quote, collateral, BigInt(now)) as { status: string };

    // Same quote, same verdict, or the comparison means nothing.
    const sdkStatus = (await cold()).status;
    for (const [who, status] of [["@phala/dcap-qvl", peerRun().status], ["@phala/dcap-qvl-web", wasmRun().status]] as const) {
      if (status !== sdkStatus) throw new Error(`dcap-sdk: ${who} says ${status}, the SDK ${sdkStatus}`);
    }

    // Warm-up: JIT and the warm cache.
    for (let i = 0; i < 200; i++) await warm();
    for (let i = 0; i < 20; i++) await cold();
    for (let i = 0; i < 20; i++) peerRun();
    for (let i = 0; i < 20; i++) wasmRun();

    // Rounds interleave the three measurements so load from other processes hits all of them alike;
    // each metric is the median over rounds, the speedups the median of per-round ratios.
    const rounds = 7;
    const warmMs: number[] = [];
    const coldMs: number[] = [];
    const peerMs: number[] = [];
    const wasmMs: number[] = [];
    const coldCpu: number[] = [];
    const wasmCpu: number[] = [];
    for (let r = 0; r < rounds; r++) {
      warmMs.push(await timeIt(1000, warm));
      coldMs.push(await timeIt(50, cold));
      peerMs.push(await timeIt(50, peerRun));
      wasmMs.push(await timeIt(50, wasmRun));
      coldCpu.push(await cpuIt(50, cold));
      wasmCpu.push(await cpuIt(50, wasmRun));
      ctx.log(
        `dcap-sdk: round ${r + 1}: warm ${warmMs[r]!.toFixed(4)} ms, cold ${coldMs[r]!.toFixed(3)} ms, ` +
          `peer ${peerMs[r]!.toFixed(3)} ms, wasm peer ${wasmMs[r]!.toFixed(3)} ms`,
      );
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
    return {
      "sdk.dcap.tdxV4.msPerQuote": Number(median(warmMs).toFixed(4)),
      "sdk.dcap.tdxV4.msPerQuoteCold": Number(median(coldMs).toFixed(4)),
      "peer.dcap.tdxV4.msPerQuote": Number(median(peerMs).toFixed(4)),
      "sdk.dcap.speedupVsPeer": Number(median(peerMs.map((p, i) => p / warmMs[i]!)).toFixed(1)),
      "sdk.dcap.speedupVsPeerCold": Number(median(peerMs.map((p, i) => p / coldMs[i]!)).toFixed(2)),
      "peer.dcap.wasm.msPerQuote": Number(median(wasmMs).toFixed(4)),
      "sdk.dcap.speedupVsWasmPeer": Number(median(wasmMs.map((p, i) => p / warmMs[i]!)).toFixed(1)),
      "sdk.dcap.speedupVsWasmPeerCold": Number(median(wasmMs.map((p, i) => p / coldMs[i]!)).toFixed(2)),
      // the same comparison in CPU time (see cpuIt)
      "sdk.dcap.tdxV4.cpuMsPerQuoteCold": Number(median(coldCpu).toFixed(4)),
      "peer.dcap.wasm.cpuMsPerQuote": Number(median(wasmCpu).toFixed(4)),
      "sdk.dcap.speedupVsWasmPeerColdCpu": Number(median(wasmCpu.map((p, i) => p / coldCpu[i]!)).toFixed(2)),
    };
  },
};
