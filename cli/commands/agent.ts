/**
 * `poc agent run|check-config|rotate|health`: the CVM agent (agent/, docs/agent.md). Thin: the
 * lifecycle, the TPM and configfs-tsm code live in agent/.
 */
import { parseArgs } from "node:util";
import { resolve } from "node:path";
import { runAgent } from "../../agent/main.js";
import { loadAgentConfig } from "../../agent/config.js";
import { AgentStore } from "../../agent/stateStore.js";
import { UsageError, type CliIO, type Command } from "../io.js";

const usage = `usage:
  poc agent run [--config FILE]            run the agent (JSON logs on stdout; exit 0 on SIGTERM, 2 bad config / fatal error, 3 identity revoked or rotated away)
  poc agent check-config [--config FILE]   validate the config file plus POC_AGENT_* variables; print the result as JSON
  poc agent rotate [--config FILE]         ask the running agent to rotate its identity key (it picks the request up at its next tick)
  poc agent health [--config FILE]         GET the running agent's health endpoint; exit 0 when ok
  Fields and variables: docs/agent.md.`;

async function run(argv: string[], io: CliIO): Promise<number> {
  const { positionals, values } = parseArgs({ args: argv, options: { config: { type: "string" }, help: { type: "boolean" } }, allowPositionals: true });
  const [sub] = positionals;
  if (values.help || !sub) {
    io.out(usage);
    return values.help ? 0 : 2;
  }
  const configPath = values.config === undefined ? undefined : resolve(io.cwd, values.config);
  switch (sub) {
    case "run":
      return runAgent({ configPath, env: io.env, log: (level, event, fields) => io.out(JSON.stringify({ time: new Date().toISOString(), level, event, ...fields }, (_k, v) => (typeof v === "bigint" ? v.toString() : v))) });
    case "check-config": {
      const c = loadAgentConfig(configPath, io.env);
      io.out(JSON.stringify(c, null, 2));
      return 0;
    }
    case "rotate": {
      const c = loadAgentConfig(configPath, io.env);
      new AgentStore(c.stateDir, c.keyPath).requestRotation();
      io.out(`rotation requested (${resolve(c.stateDir, "rotate.request")})`);
      return 0;
    }
    case "health": {
      const c = loadAgentConfig(configPath, io.env);
      const res = await fetch(`http://${c.health.host}:${c.health.port}/health`);
      io.out(await res.text());
      return res.ok ? 0 : 1;
    }
    default:
      throw new UsageError(`unknown subcommand '${sub}'`);
  }
}

export const command: Command = { summary: "the CVM agent: registers, re-attests and rotates this CVM's identity", usage, run };
