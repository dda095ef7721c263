/** What a command needs from the outside world; tests pass their own to capture output. */
export type CliIO = {
  out: (line: string) => void;
  err: (line: string) => void;
  /** Progress on anything slow; goes to stderr so `--json` output on stdout stays clean. */
  progress: (line: string) => void;
  cwd: string;
  env: Record<string, string | undefined>;
};

export const processIO: CliIO = {
  out: (line) => process.stdout.write(line + "\n"),
  err: (line) => process.stderr.write(line + "\n"),
  progress: (line) => process.stderr.write(line + "\n"),
  cwd: process.cwd(),
  env: process.env,
};

/** A subcommand group: `poc <name> ...`. Each lives in `commands/<name>.ts`. */
export type Command = {
  summary: string;
  usage: string;
  /** Returns the process exit code: 0 pass, 1 verification failed or a contract refused, 2 usage or input error. */
  run: (argv: string[], io: CliIO) => Promise<number>;
};

/** Thrown for bad arguments; main prints it as one line with the usage, exit code 2. */
export class UsageError extends Error {
  override name = "UsageError";
}

/**
 * Unix seconds from a flag's text: digits only (no sign, exponent or fraction) and within the range a
 * JavaScript Date can hold, so `--at -5` or `--at 1e20` is a usage error naming the flag, not a
 * RangeError from deep inside.
 */
export function parseUnixSeconds(value: string, flag: string): number {
  const max = 8_640_000_000_000; // Date's limit: 8.64e15 ms
  if (!/^\d+$/.test(value) || Number(value) > max) throw new UsageError(`${flag} must be a unix time in seconds (an integer from 0 to ${max}), got '${value}'`);
  return Number(value);
}

/** A 0x-prefixed hex string from a flag or argument that may come without the prefix (as `poc verify` prints IDs). */
export function withHexPrefix(value: string): string {
  return /^0x/i.test(value) ? value : `0x${value}`;
}

/** The `{ "error": ... }` object a command prints on stdout under --json when it fails (exit 2). */
export function jsonError(kind: "usage" | "input" | "refused" | "rpc" | "internal", command: string, message: string, details?: string): string {
  return JSON.stringify({ error: { code: kind, command, message, ...(details ? { details } : {}) } });
}
