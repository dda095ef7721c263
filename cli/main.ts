/**
 * `poc`: one binary, one subcommand group per module in `./commands/`, registered in the table
 * below. The table holds each module's import rather than the module, so a group is loaded only
 * when invoked: `poc verify` never pays for viem's chain code, nor `poc registry` for the verifiers.
 * Modules starting with "_" are helpers shared by commands, not commands.
 */
import { fileURLToPath } from "node:url";
import { ContractRevertError } from "../sdk/src/chain/revert.js";
import { PocError } from "../sdk/src/errors.js";
import { processIO, UsageError, type CliIO, type Command } from "./io.js";

type CommandModule = { command: Command };

const commands: Record<string, () => Promise<CommandModule>> = {
  agent: () => import("./commands/agent.js"),
  alliance: () => import("./commands/alliance.js"),
  collateral: () => import("./commands/collateral.js"),
  cvm: () => import("./commands/cvm.js"),
  log: () => import("./commands/log.js"),
  registry: () => import("./commands/registry.js"),
  verify: () => import("./commands/verify.js"),
};

function commandNames(): string[] {
  return Object.keys(commands).sort();
}

async function loadCommand(name: string): Promise<Command | undefined> {
  if (!Object.hasOwn(commands, name)) return undefined;
  return (await commands[name]!()).command;
}

async function help(io: CliIO): Promise<void> {
  io.out("usage: poc <command> [args] [--json]\n");
  io.out("commands:");
  for (const name of commandNames()) {
    const cmd = await loadCommand(name);
    if (cmd) io.out(`  ${name.padEnd(12)} ${cmd.summary}`);
  }
  io.out("\nRun `poc <command> --help` for a command's usage.");
}

export async function main(argv: string[], io: CliIO = processIO): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === "--help" || name === "-h" || name === "help") {
    await help(io);
    return name ? 0 : 2;
  }
  const cmd = await loadCommand(name);
  if (!cmd) {
    io.err(`poc: unknown command '${name}'. Commands: ${commandNames().join(", ")}`);
    return 2;
  }
  if (rest.includes("--help") || rest.includes("-h")) {
    io.out(cmd.usage);
    return 0;
  }
  try {
    return await cmd.run(rest, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`poc ${name}: ${error.message}`);
      io.err(cmd.usage);
      return 2;
    }
    // A contract refused the transaction (any command's write the command did not handle itself):
    // a refusal like `poc cvm`'s and `poc log record`'s, exit 1, named with the decoded error.
    if (error instanceof ContractRevertError) {
      io.err(`poc ${name}: refused: ${error.shortMessage}`);
      return 1;
    }
    if (error instanceof PocError) {
      io.err(`poc ${name}: ${error.shortMessage}`);
      if (error.details) io.err(`  ${error.details}`);
      return 2;
    }
    const message = error instanceof Error ? error.message : String(error);
    io.err(`poc ${name}: ${message.split("\n")[0]}`);
    if (io.env.POC_DEBUG) io.err(String(error instanceof Error ? error.stack : error));
    return 2;
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  process.exitCode = await main(process.argv.slice(2));
}
