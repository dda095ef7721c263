/**
 * `poc serve`: the verification service (service/server.ts) on a port, with the built web page
 * when it exists. Parses flags, connects the registry when asked, prints where it listens, and stops
 * cleanly on SIGINT / SIGTERM. Endpoints, limits and state: docs/service.md.
 */
import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { PocError } from "../../sdk/src/errors.js";
import { parseCollateral } from "../../sdk/src/intel/index.js";
import { createRegistryLookup } from "../../sdk/src/report/index.js";
import { serializeAddressBook } from "../../sdk/src/chain/addressBook.js";
import { HeldCollateral } from "../../service/heldCollateral.js";
import { createHardwareLookup } from "../../service/hardwareLookup.js";
import { createCvmBadge } from "../../service/badge.js";
import { createService } from "../../service/server.js";
import { UsageError, type CliIO, type Command } from "../io.js";
import { connect, type ChainDeps } from "./_chain.js";

const usage = `usage: poc serve [options]

Serves POST /attestations/verify (evidence in, the verification report out, also in the response
shape of proofofcloud/verifiers), GET /hardware_id/:id (registry status), GET /health, GET /metrics,
POST /rpc (read-only JSON-RPC to the chain given) and the web page (web/dist, built by npm run web:build).

options:
  --port N               port (default 8080; 0 picks a free one)
  --host ADDR            address to bind (default 127.0.0.1)
  --state-dir DIR        where the held Intel collateral is kept across restarts (default .poc-serve)
  --collateral FILE      Intel collateral (QuoteCollateralV3 JSON) to hold from the start; repeatable
  --web DIR              the built page (default web/dist when it exists)
  --body-limit BYTES     request body limit (default 2097152)
  --rate N               API requests per second per client (default 20), --burst M (default 2N); 0: no limit
  --cors ORIGINS         origins allowed to call the API from a page: * (default) or a comma list
registry (the report's registry dimension and /hardware_id; without them both are unavailable):
  --rpc URL              JSON-RPC endpoint (env POC_RPC_URL)
  --registry ADDR        HardwareRegistry (env POC_REGISTRY, or deployments/<chainId>.json)
  --deployments DIR      address books (default ./deployments)`;

const options = {
  port: { type: "string" },
  host: { type: "string" },
  "state-dir": { type: "string" },
  collateral: { type: "string", multiple: true },
  web: { type: "string" },
  "body-limit": { type: "string" },
  rate: { type: "string" },
  burst: { type: "string" },
  cors: { type: "string" },
  rpc: { type: "string" },
  registry: { type: "string" },
  deployments: { type: "string" },
} as const;

const int = (v: string | undefined, flag: string, dflt: number): number => {
  if (v === undefined) return dflt;
  if (!/^\d+$/.test(v)) throw new UsageError(`${flag} must be a non-negative integer, got '${v}'`);
  return Number(v);
};

export function makeServeCommand(deps: ChainDeps & { onListening?: (port: number, stop: () => Promise<void>) => void } = {}): Command {
  return { summary: "run the verification service (JSON API + the web page)", usage, run: (argv, io) => run(argv, io, deps) };
}

export const command: Command = makeServeCommand();

async function run(argv: string[], io: CliIO, deps: ChainDeps & { onListening?: (port: number, stop: () => Promise<void>) => void }): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({ args: argv, options, allowPositionals: false }));
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const port = int(values.port, "--port", 8080);
  if (port > 65535) throw new UsageError(`--port must be at most 65535, got ${port}`);
  const rate = int(values.rate, "--rate", 20);
  const burst = int(values.burst, "--burst", rate * 2);
  const bodyLimit = int(values["body-limit"], "--body-limit", 2 * 1024 * 1024);
  const cors = values.cors === undefined || values.cors === "*" ? "*" : values.cors.split(",").map((s) => s.trim()).filter((s) => s);
  const stateDir = resolve(io.cwd, values["state-dir"] ?? ".poc-serve");
  const collateral = new HeldCollateral(stateDir, (f, why) => io.err(`poc serve: ${f} in ${stateDir} skipped: ${why}`));
  for (const f of values.collateral ?? []) {
    const path = resolve(io.cwd, f);
    let c;
    try {
      c = parseCollateral(readFileSync(path, "utf8"));
    } catch (e) {
      throw new PocError(`cannot read collateral ${f}`, { details: (e as Error).message.split("\n")[0] });
    }
    await collateral.admit(c);
  }
  const webDir = values.web !== undefined ? resolve(io.cwd, values.web) : resolve(io.cwd, "web", "dist");
  if (values.web !== undefined && !existsSync(webDir)) throw new UsageError(`--web: no such directory: ${values.web}`);

  let registry, hardware, rpc, pageConfig, badge;
  if (values.rpc !== undefined || values.registry !== undefined || io.env.POC_RPC_URL !== undefined || io.env.POC_REGISTRY !== undefined) {
    const chain = await connect(values, io, deps, { registry: true });
    registry = createRegistryLookup(chain.client, { registry: chain.hardwareRegistry });
    hardware = createHardwareLookup(chain.client, chain.hardwareRegistry);
    badge = createCvmBadge(chain.client, chain.chainId);
    rpc = { request: (a: { method: string; params?: unknown }) => chain.client.request(a as never) };
    pageConfig = { chainId: chain.chainId, rpc: "/rpc", ...(chain.book ? { addressBook: JSON.parse(serializeAddressBook(chain.book)) } : { addressBook: { chainId: chain.chainId, contracts: { HardwareRegistry: { address: chain.hardwareRegistry } } } }) };
  }
  const service = createService({
    collateral,
    registry,
    hardware,
    badge,
    rpc,
    pageConfig,
    staticDir: existsSync(webDir) ? webDir : undefined,
    bodyLimit,
    rateLimit: rate === 0 ? false : { perSecond: rate, burst: Math.max(1, burst) },
    corsOrigins: cors,
    log: (l) => io.err(l),
  });
  const bound = await service.listen(port, values.host ?? "127.0.0.1").catch((e: NodeJS.ErrnoException) => {
    throw new PocError(`cannot listen on ${values.host ?? "127.0.0.1"}:${port}`, { details: e.code === "EADDRINUSE" ? "the port is in use: pass another --port" : e.message });
  });
  io.out(`poc serve: listening on http://${values.host ?? "127.0.0.1"}:${bound}/ (state ${stateDir}, ${collateral.size} collateral item(s)${existsSync(webDir) ? `, page ${webDir}` : ", no page: npm run web:build"}${registry ? ", registry connected" : ""})`);
  const stopped = new Promise<void>((ok) => {
    const stop = async () => {
      await service.close();
      ok();
    };
    deps.onListening?.(bound, stop);
    if (!deps.onListening) {
      process.once("SIGINT", stop);
      process.once("SIGTERM", stop);
    }
  });
  await stopped;
  return 0;
}
