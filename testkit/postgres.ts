/**
 * A throw-away PostgreSQL server for tests: Debian's initdb + pg_ctl on a temp directory, listening
 * on 127.0.0.1:<port> only, trust authentication, one database. As root it runs the server as the
 * `postgres` system user (initdb refuses root). `stop()` shuts it down and removes the directory.
 */
import { execFileSync } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

function pgBin(name: string): string {
  const root = "/usr/lib/postgresql";
  if (existsSync(root)) {
    const versions = readdirSync(root).sort((a, b) => Number(b) - Number(a));
    for (const v of versions) if (existsSync(join(root, v, "bin", name))) return join(root, v, "bin", name);
  }
  return name; // on PATH
}

export type PostgresServer = { url: string; stop: () => void };

export function startPostgres(args: { port: number; database?: string }): PostgresServer {
  const dir = mkdtempSync(join(tmpdir(), "poc-pg-"));
  const data = join(dir, "data");
  const asRoot = process.getuid?.() === 0;
  const run = (bin: string, argv: string[]) => {
    const cmd = asRoot ? ["runuser", ["-u", "postgres", "--", pgBin(bin), ...argv]] : [pgBin(bin), argv];
    return execFileSync(cmd[0] as string, cmd[1] as string[], { stdio: "pipe", encoding: "utf8" });
  };
  if (asRoot) {
    const uid = Number(execFileSync("id", ["-u", "postgres"], { encoding: "utf8" }).trim());
    const gid = Number(execFileSync("id", ["-g", "postgres"], { encoding: "utf8" }).trim());
    chownSync(dir, uid, gid);
  }
  run("initdb", ["-D", data, "-U", "postgres", "--auth=trust", "--no-sync", "-E", "UTF8"]);
  run("pg_ctl", ["-D", data, "-l", join(dir, "server.log"), "-w", "-o", `-p ${args.port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`, "start"]);
  const database = args.database ?? "poc";
  run("createdb", ["-h", "127.0.0.1", "-p", String(args.port), "-U", "postgres", database]);
  return {
    url: `postgresql://postgres@127.0.0.1:${args.port}/${database}`,
    stop: () => {
      try {
        run("pg_ctl", ["-D", data, "-m", "fast", "-w", "stop"]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
