/**
 * `poc`: one binary, one subcommand group per module in `./commands/`, registered in the table
 * below. The table holds each module's import rather than the module, so a group is loaded only
 * when invoked: `poc verify` never pays for viem's chain code, nor `poc registry` for the verifiers.
 * Modules starting with "_" are helpers shared by commands, not commands.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { ContractRevertError } from "../sdk/src/chain/revert.js";
import { PocError } from "../sdk/src/errors.js";
import { jsonError, processIO, UsageError, type CliIO, type Command } from "./io.js";

type CommandModule = { command: Command };

const commands: Record<string, () => Promise<CommandModule>> = {
  agent: () => import("./commands/agent.js"),
  alliance: () => import("./commands/alliance.js"),
  collateral: () => import("./commands/collateral.js"),
  cvm: () => import("./commands/cvm.js"),
  log: () => import("./commands/log.js"),
  registry: () => import("./commands/registry.js"),
  serve: () => import("./commands/serve.js"),
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
  io.out("\nRun `poc <command> --help` for a command's usage; `poc --version` for the version.");
}

/** The installed package's version: package.json above this file (cli/ in the repo, dist/cli/ in the package). */
function packageVersion(): string {
  for (const rel of ["../package.json", "../../package.json"]) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(rel, import.meta.url), "utf8")) as { name?: string; version?: string };
      if (pkg.name === "proof-of-cloud" && pkg.version) return pkg.version;
    } catch {
      // not this one
    }
  }
  return "unknown";
}

/** Levenshtein distance, for did-you-mean on a mistyped command or flag. */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const next = Math.min(row[j]! + 1, row[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = row[j]!;
      row[j] = next;
    }
  }
  return row[b.length]!;
}

/** The closest candidate within a typo's reach (a third of the word, at least 1), if any. */
export function didYouMean(word: string, candidates: string[]): string | undefined {
  let best: string | undefined;
  let bestD = Math.max(1, Math.floor(word.length / 3)) + 1;
  for (const c of candidates) {
    const d = c.startsWith(word) && word.length >= 3 ? 0.5 : distance(word, c);
    if (d < bestD) [best, bestD] = [c, d];
  }
  return best;
}

/** The flags a command's usage text names (`--collateral`, `--at`, ...). */
function flagsOf(usage: string): string[] {
  return [...new Set(usage.match(/--[a-z][a-z0-9-]*/g) ?? [])];
}

/**
 * node:util parseArgs errors (the commands parse their own flags) as a one-line usage message: an
 * unknown flag with its nearest match, a value that starts with "-" (`--at -5`) with how to pass it.
 */
function usageMessage(error: unknown, usage: string, argv: string[]): string | undefined {
  const e = error as { code?: string; message?: string };
  // Some commands wrap parseArgs' error in a UsageError with its text: reword both the same way.
  const fromParseArgs = typeof e?.code === "string" && e.code.startsWith("ERR_PARSE_ARGS_");
  if (!(error instanceof UsageError) && !fromParseArgs) return undefined;
  const message = e.message ?? "";
  const unknown = /Unknown option '(-{1,2}[^']+)'/.exec(message);
  if (unknown) {
    const flag = unknown[1]!;
    const hint = didYouMean(flag, flagsOf(usage));
    return `unknown flag ${flag}${hint ? ` (did you mean ${hint}?)` : ""}`;
  }
  const ambiguous = /Option '(--[\w-]+)[^']*' argument is ambiguous/.exec(message);
  if (ambiguous) {
    const flag = ambiguous[1]!;
    const value = argv[argv.indexOf(flag) + 1] ?? "";
    return `${flag} ${value}: a value starting with '-' reads as a flag; to pass it anyway, write ${flag}=${value}`;
  }
  const missing = /Option '(--[\w-]+)[^']*' argument missing/.exec(message);
  if (missing) return `${missing[1]} needs a value`;
  const unexpected = /Unexpected argument '([^']+)'/.exec(message);
  if (unexpected) return `unexpected argument '${unexpected[1]}'`;
  return fromParseArgs ? message.split("\n")[0]!.replace(/\. To specify .*$/, "") : message;
}

/** viem's HTTP transport errors name no endpoint in their short message: find the URL on the cause chain. */
function rpcEndpointOf(error: unknown): string | undefined {
  for (let x = error as { url?: unknown; cause?: unknown; name?: string } | undefined, depth = 0; x && depth < 10; x = x.cause as typeof x, depth++) {
    if (typeof x.url === "string" && /HttpRequestError|TimeoutError|RpcRequestError/.test(x.name ?? "")) return x.url;
  }
  return undefined;
}

type ErrorKind = "usage" | "input" | "refused" | "rpc" | "internal";

/** One error, printed once: a line on stderr, and under --json also `{ "error": ... }` on stdout. */
function report(io: CliIO, json: boolean, name: string, kind: ErrorKind, message: string, extra: { details?: string; hint?: string } = {}): void {
  io.err(`poc ${name}: ${message}`);
  if (extra.details) io.err(`  ${extra.details}`);
  if (extra.hint) io.err(extra.hint);
  if (json) io.out(jsonError(kind, name, message, extra.details));
}

export async function main(argv: string[], io: CliIO = processIO): Promise<number> {
  const [name, ...rest] = argv;
  const json = argv.includes("--json");
  if (!name || name === "--help" || name === "-h" || name === "help") {
    await help(io);
    return name ? 0 : 2;
  }
  if (name === "--version" || name === "-V" || name === "version") {
    io.out(packageVersion());
    return 0;
  }
  const cmd = await loadCommand(name);
  if (!cmd) {
    const hint = didYouMean(name, commandNames());
    report(io, json, name, "usage", `unknown command '${name}'${hint ? `; did you mean '${hint}'?` : ""}`, { hint: `Commands: ${commandNames().join(", ")}` });
    return 2;
  }
  if (rest.includes("--help") || rest.includes("-h")) {
    io.out(cmd.usage);
    return 0;
  }
  try {
    return await cmd.run(rest, io);
  } catch (error) {
    const usage = usageMessage(error, cmd.usage, rest);
    if (usage !== undefined) {
      // A short usage line, not the whole help: the first line of the command's usage.
      const first = cmd.usage.split("\n").find((l) => l.trim()) ?? "";
      report(io, json, name, "usage", usage, { hint: `${first.trim()}\nRun \`poc ${name} --help\` for every option.` });
      return 2;
    }
    // A contract refused the transaction (any command's write the command did not handle itself):
    // a refusal like `poc cvm`'s and `poc log record`'s, exit 1, named with the decoded error.
    if (error instanceof ContractRevertError) {
      report(io, json, name, "refused", `refused: ${error.shortMessage}`);
      return 1;
    }
    const endpoint = rpcEndpointOf(error);
    if (endpoint) {
      const cause = ((error as { shortMessage?: string; message?: string }).shortMessage ?? String(error)).split("\n")[0]!;
      report(io, json, name, "rpc", `the JSON-RPC endpoint ${endpoint} failed: ${cause}`);
      return 2;
    }
    if (error instanceof PocError) {
      report(io, json, name, "input", error.shortMessage, error.details ? { details: error.details } : {});
      return 2;
    }
    const message = error instanceof Error ? error.message : String(error);
    report(io, json, name, "internal", message.split("\n")[0]!);
    if (io.env.POC_DEBUG) io.err(String(error instanceof Error ? error.stack : error));
    return 2;
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  process.exitCode = await main(process.argv.slice(2));
}
