/**
 * `npm run bench [-- --json] [-- --only <prefix>]`: runs every suite in `scripts/bench/*.ts` and
 * prints their metrics. Each suite exports `run(ctx)` returning named numbers (gas, ms, ratios);
 * with `--json` stdout carries exactly one JSON object of all metrics, progress goes to stderr.
 */
import { readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

export type BenchContext = { log: (line: string) => void };
export type BenchSuite = { name: string; run: (ctx: BenchContext) => Promise<Record<string, number>> };

const { values } = parseArgs({ options: { json: { type: "boolean" }, only: { type: "string" } } });
const dir = join(dirname(fileURLToPath(import.meta.url)), "bench");
const files = readdirSync(dir).filter((f) => f.endsWith(".ts")).sort();
const metrics: Record<string, number> = {};
const ctx: BenchContext = { log: (line) => process.stderr.write(line + "\n") };

for (const file of files) {
  const suite = (await import(join(dir, file))).suite as BenchSuite;
  if (values.only && !suite.name.startsWith(values.only)) continue;
  ctx.log(`bench: ${suite.name} ...`);
  const t0 = performance.now();
  const result = await suite.run(ctx);
  ctx.log(`bench: ${suite.name} done in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  for (const [k, v] of Object.entries(result)) {
    if (typeof v !== "number" || !Number.isFinite(v)) throw new Error(`bench metric ${k} is not a finite number`);
    metrics[k] = v;
  }
}

if (values.json) {
  process.stdout.write(JSON.stringify(metrics) + "\n");
} else {
  const width = Math.max(0, ...Object.keys(metrics).map((k) => k.length));
  for (const [k, v] of Object.entries(metrics)) console.log(`${k.padEnd(width)}  ${v}`);
}
process.exit(0);
