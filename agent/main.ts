/**
 * The agent as a process (`poc agent run`, or `node --import tsx agent/main.ts`): loads and
 * validates the config, starts the health endpoint, runs the lifecycle until SIGTERM / SIGINT or
 * until the identity ends. Exit codes: 0 stopped by a signal, 2 bad config or a non-retryable
 * error, 3 the identity was revoked or rotated away.
 */
import type { Server } from "node:http";
import { Agent, type PausePoint } from "./agent.js";
import { loadAgentConfig } from "./config.js";
import { AgentError } from "./errors.js";
import { startHealthServer } from "./health.js";
import { jsonLogger, type AgentLogger } from "./log.js";

export type RunAgentOptions = { configPath?: string; env: Record<string, string | undefined>; log?: AgentLogger; signal?: AbortSignal };

export async function runAgent(o: RunAgentOptions): Promise<number> {
  const log = o.log ?? jsonLogger();
  let server: Server | undefined;
  try {
    const config = loadAgentConfig(o.configPath, o.env);
    // Test hook: hold at a pause point so a test can kill -9 the process there (docs/agent.md#crash-safety).
    const pauseAt = o.env.POC_AGENT_TEST_PAUSE_AT as PausePoint | undefined;
    const agent = new Agent(config, {
      log,
      pause: pauseAt
        ? async (point, pending) => {
            if (point !== pauseAt) return;
            log("warn", "test.paused", { point, kind: pending.kind, txHash: pending.txHash });
            await new Promise(() => {});
          }
        : undefined,
    });
    server = await startHealthServer(config.health.host, config.health.port, () => agent.healthState);
    const addr = server.address();
    log("info", "agent.starting", { config: o.configPath, health: typeof addr === "object" && addr ? `http://${addr.address}:${addr.port}/health` : undefined, registry: config.registry, chainId: config.chainId });
    const ac = new AbortController();
    o.signal?.addEventListener("abort", () => ac.abort(), { once: true });
    const stop = () => ac.abort();
    process.once("SIGTERM", stop);
    process.once("SIGINT", stop);
    // Start-up failures (TPM not answering, RPC down) are retried like any tick's.
    for (let attempt = 1; ; attempt++) {
      try {
        await agent.start();
        break;
      } catch (e) {
        if (!(e instanceof AgentError) || !e.retryable || ac.signal.aborted) throw e;
        const ms = Math.min(config.schedule.retryMaxSeconds * 1000, config.schedule.retryBaseSeconds * 1000 * 2 ** (attempt - 1));
        agent.healthState.status = "degraded";
        agent.healthState.lastError = { code: e.code, message: e.message.split("\n")[0]!, at: new Date().toISOString(), retryable: true };
        log("warn", "agent.retry", { phase: "start", code: e.code, message: e.message.split("\n")[0], attempt, retryInMs: ms });
        await new Promise((r) => setTimeout(r, ms));
      }
    }
    const code = await agent.run(ac.signal);
    log("info", "agent.exit", { code, status: agent.healthState.status, because: agent.healthState.stoppedBecause });
    return code;
  } catch (e) {
    const err = e as Error & { code?: string; field?: string };
    log("error", "agent.failed", { code: err.code ?? "internal", field: err.field, message: err.message });
    return 2;
  } finally {
    server?.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const i = process.argv.indexOf("--config");
  process.exitCode = await runAgent({ configPath: i > 0 ? process.argv[i + 1] : undefined, env: process.env });
}
