/**
 * `poc`: one binary, one subcommand group per file in `./commands/`. A group is loaded only when
 * invoked, so `poc verify` never pays for viem's chain code and vice versa.
 */
import { readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { PocError } from "../errors.js";
import { processIO, UsageError, type CliIO, type Command } from "./io.js";

const commandsDir = join(dirname(fileURLToPath(import.meta.url)), "commands");

function commandNames(): string[] {
  return readdirSync(commandsDir)
    .filter((f) => f.endsWith(".ts") && !f.startsWith("_"))
    .map((f) => f.slice(0, -3))
    .sort();
}

async function loadCommand(name: string): Promise<Command | undefined> {
  if (!/^[a-z][a-z0-9-]*$/.test(name) || !commandNames().includes(name)) return undefined;
  const mod = (await import(join(commandsDir, `${name}.ts`))) as { command: Command };
  return mod.command;
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
