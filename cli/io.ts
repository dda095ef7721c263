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
