/**
 * Runs the Ponder indexer (indexer/) as a child process for tests: `ponder start` on a loopback
 * port, against an RPC URL (testkit/rpcProxy.ts in front of the embedded chain), on embedded PGlite
 * in a temp directory or on PostgreSQL (`databaseUrl`). Resolves once /poc/status answers.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const repo = resolve(import.meta.dirname, "..");

export type IndexerProcess = { url: string; child: ChildProcess; log: () => string; stop: () => Promise<void> };

export async function startIndexer(args: {
  rpcUrl: string;
  chainId: number;
  registry: string;
  cvmRegistry?: string;
  startBlock?: bigint;
  port: number;
  databaseUrl?: string;
  schema?: string;
}): Promise<IndexerProcess> {
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    PONDER_RPC_URL: args.rpcUrl,
    POC_CHAIN_ID: String(args.chainId),
    POC_REGISTRY: args.registry,
    POC_START_BLOCK: String(args.startBlock ?? 0n),
    PONDER_POLLING_MS: "200",
    PONDER_TELEMETRY_DISABLED: "true",
    PONDER_LOG_LEVEL: process.env.PONDER_LOG_LEVEL ?? "warn",
    NO_COLOR: "1",
    CI: "true",
  };
  if (args.cvmRegistry) env.POC_CVM_REGISTRY = args.cvmRegistry;
  if (args.databaseUrl) env.DATABASE_URL = args.databaseUrl;
  else {
    delete env.DATABASE_URL;
    env.PONDER_PGLITE_DIR = mkdtempSync(join(tmpdir(), "poc-pglite-"));
  }
  const child = spawn(process.execPath, [join(repo, "node_modules/ponder/dist/esm/bin/ponder.js"), "start", "--root", join(repo, "indexer"), "--port", String(args.port), "--hostname", "127.0.0.1", "--schema", args.schema ?? "poc"], {
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (d) => (output += d));
  child.stderr!.on("data", (d) => (output += d));
  const url = `http://127.0.0.1:${args.port}`;
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`ponder exited with ${child.exitCode}:\n${output}`);
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`ponder did not answer within 120 s:\n${output}`);
    }
    const ok = await fetch(`${url}/ready`).then((r) => r.ok).catch(() => false);
    if (ok) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  return {
    url,
    child,
    log: () => output,
    stop: () =>
      new Promise<void>((res) => {
        if (child.exitCode !== null) return res();
        child.once("exit", () => res());
        child.kill("SIGTERM");
        setTimeout(() => child.kill("SIGKILL"), 10_000).unref();
      }),
  };
}

/** Polls `check` until it is true (the indexer follows the chain every 200 ms). */
export async function waitFor(check: () => Promise<boolean>, what: string, ms = 60_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
