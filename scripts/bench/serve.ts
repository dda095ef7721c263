/**
 * The verification service under load on loopback: `poc serve` in its own process (so the load
 * generator does not share its event loop), holding the TDX fixture's collateral, answering
 * concurrent `{type: "intel", hex}` verifications of the warm TDX quote. Bounded in count and time
 * and stopped by itself. Goals (docs/service.md): serve.verify.reqPerSec >= 500 on 2 cores,
 * serve.verify.p99Ms <= 50, RSS flat (serve.rssDriftMB: the service's RSS at the end of the run
 * minus at its first quarter). BENCH_SERVE_SECONDS (default 20, at most 60) sets the run's length.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { Agent, request } from "node:http";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { BenchSuite } from "../bench.js";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const FIX = join(ROOT, "test", "fixtures", "intel", "tdx-v4");
const TDX_AT = 1751624163;
const CONCURRENCY = 8;
const MAX_REQUESTS = 60_000;

function startServe(): Promise<{ port: number; stop: () => void }> {
  return new Promise((ok, fail) => {
    const child = spawn(process.execPath, ["--import", "tsx", join(ROOT, "cli", "main.ts"), "serve", "--port", "0", "--rate", "0", "--state-dir", mkdtempSync(join(tmpdir(), "poc-bench-serve-")), "--collateral", join(FIX, "collateral.json"), "--web", tmpdir()], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let err = "";
    child.stderr.on("data", (d) => (err += d));
    child.stdout.on("data", (d) => {
      const m = /listening on http:\/\/127\.0\.0\.1:(\d+)\//.exec(String(d));
      if (m) ok({ port: Number(m[1]), stop: () => child.kill("SIGTERM") });
    });
    child.on("exit", (code) => fail(new Error(`poc serve exited ${code}: ${err}`)));
    setTimeout(() => fail(new Error("poc serve did not start in 60 s")), 60_000).unref();
  });
}

export const suite: BenchSuite = {
  name: "serve",
  run: async (ctx) => {
    const seconds = Math.min(60, Math.max(5, Number(process.env.BENCH_SERVE_SECONDS ?? 20)));
    const body = JSON.stringify({ type: "intel", hex: readFileSync(join(FIX, "quote.bin")).toString("hex"), at: TDX_AT });
    const server = await startServe();
    const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
    const post = (path: string, payload?: string) =>
      new Promise<{ status: number; text: string }>((ok, fail) => {
        const req = request({ host: "127.0.0.1", port: server.port, path, method: payload ? "POST" : "GET", agent, headers: payload ? { "content-type": "application/json", "content-length": Buffer.byteLength(payload) } : {} }, (res) => {
          let text = "";
          res.setEncoding("utf8");
          res.on("data", (c) => (text += c));
          res.on("end", () => ok({ status: res.statusCode ?? 0, text }));
        });
        req.on("error", fail);
        req.end(payload);
      });
    const rss = async () => Number(/process_resident_memory_bytes (\d+)/.exec((await post("/metrics")).text)![1]) / 2 ** 20;
    try {
      const first = JSON.parse((await post("/attestations/verify", body)).text);
      if (!first.success || first.quote.tcb_status !== "UpToDate") throw new Error(`the warm-up verification did not pass: ${JSON.stringify(first).slice(0, 300)}`);
      for (let i = 0; i < 300; i++) await post("/attestations/verify", body);

      const latencies: number[] = [];
      let failures = 0;
      let sent = 0;
      let rssQuarter = 0;
      const t0 = performance.now();
      const deadline = t0 + seconds * 1000;
      let quarterTaken = false;
      const worker = async () => {
        while (sent < MAX_REQUESTS && performance.now() < deadline) {
          sent++;
          const s = performance.now();
          const r = await post("/attestations/verify", body);
          latencies.push(performance.now() - s);
          if (r.status !== 200 || !r.text.startsWith('{"success":true')) failures++;
          if (!quarterTaken && performance.now() > t0 + seconds * 250) {
            quarterTaken = true;
            rssQuarter = await rss();
          }
        }
      };
      await Promise.all(Array.from({ length: CONCURRENCY }, worker));
      const elapsed = (performance.now() - t0) / 1000;
      const rssEnd = await rss();
      latencies.sort((a, b) => a - b);
      const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))]!;
      ctx.log(`serve: ${latencies.length} verifications in ${elapsed.toFixed(1)} s with ${CONCURRENCY} concurrent clients; ${failures} not verified; p50 ${pct(0.5).toFixed(2)} ms, p99 ${pct(0.99).toFixed(2)} ms; RSS ${rssQuarter.toFixed(1)} -> ${rssEnd.toFixed(1)} MiB`);
      if (failures > 0) throw new Error(`${failures} verifications did not pass under load`);
      return {
        "serve.verify.reqPerSec": Math.round(latencies.length / elapsed),
        "serve.verify.p50Ms": Number(pct(0.5).toFixed(2)),
        "serve.verify.p99Ms": Number(pct(0.99).toFixed(2)),
        "serve.verify.requests": latencies.length,
        "serve.rssMB": Number(rssEnd.toFixed(1)),
        "serve.rssDriftMB": Number((rssEnd - rssQuarter).toFixed(1)),
      };
    } finally {
      agent.destroy();
      server.stop();
    }
  },
};
