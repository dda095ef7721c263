/**
 * A real software TPM for the agent's tests and bench: Debian's `swtpm` (libtpms) on a TCP socket
 * pair, started with `--flags not-need-init,startup-clear` so it is ready at once, its state in a
 * directory (persistent handles survive a restart of the process, as a vTPM's do across reboots).
 * `tpm2` runs a tpm2-tools command against it.
 */
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { connect } from "node:net";

export function swtpmAvailable(): { ok: true } | { ok: false; missing: string[] } {
  const missing = ["swtpm", "tpm2_quote", "tpm2_createak", "tpm2_evictcontrol", "tpm2_pcrextend"].filter((t) => !whichSync(t));
  return missing.length ? { ok: false, missing } : { ok: true };
}

function whichSync(tool: string): boolean {
  return (process.env.PATH ?? "").split(":").some((d) => d !== "" && existsSync(`${d}/${tool}`));
}

export type Swtpm = {
  port: number;
  tcti: string;
  stateDir: string;
  process: ChildProcess;
  /** Runs a tpm2-tools command on this TPM. */
  tpm2(tool: string, args: string[]): Promise<string>;
  /** Kills the swtpm process (the TPM stops answering); `restart` starts it again on the same state. */
  stop(): Promise<void>;
  restart(): Promise<void>;
};

function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const attempt = () => {
      const s = connect({ port, host: "127.0.0.1" });
      s.once("connect", () => {
        s.destroy();
        resolve();
      });
      s.once("error", () => {
        s.destroy();
        if (Date.now() > until) reject(new Error(`swtpm did not listen on ${port} within ${timeoutMs} ms`));
        else setTimeout(attempt, 50);
      });
    };
    attempt();
  });
}

/** Starts swtpm on `port` (server) and `port + 1` (control), state in `stateDir`. */
export async function startSwtpm(p: { port: number; stateDir: string }): Promise<Swtpm> {
  mkdirSync(p.stateDir, { recursive: true });
  const tcti = `swtpm:host=127.0.0.1,port=${p.port}`;
  const launch = async () => {
    const child = spawn("swtpm", ["socket", "--tpm2", "--tpmstate", `dir=${p.stateDir}`, "--server", `type=tcp,port=${p.port},bindaddr=127.0.0.1`, "--ctrl", `type=tcp,port=${p.port + 1},bindaddr=127.0.0.1`, "--flags", "not-need-init,startup-clear"], { stdio: ["ignore", "ignore", "pipe"] });
    let err = "";
    child.stderr!.on("data", (d) => (err += d));
    const exited = new Promise<never>((_, reject) => child.once("exit", (c) => reject(new Error(`swtpm exited (${c}): ${err.trim()}`))));
    await Promise.race([waitForPort(p.port, 10_000), exited]);
    exited.catch(() => {});
    return child;
  };
  const t: Swtpm = {
    port: p.port,
    tcti,
    stateDir: p.stateDir,
    process: await launch(),
    tpm2: (tool, args) =>
      new Promise((resolve, reject) =>
        execFile(tool, args, { env: { ...process.env, TPM2TOOLS_TCTI: tcti }, timeout: 15_000 }, (e, out, err) => (e ? reject(new Error(`${tool} ${args.join(" ")}: ${err || e.message}`)) : resolve(out))),
      ),
    async stop() {
      if (t.process.exitCode !== null || t.process.signalCode !== null) return;
      const gone = new Promise((r) => t.process.once("exit", r));
      t.process.kill("SIGKILL");
      await gone;
    },
    async restart() {
      await t.stop();
      t.process = await launch();
    },
  };
  return t;
}

/** Extends `digest` (32 bytes, hex without 0x) into SHA-256 PCR `pcr`: a measured boot step. */
export async function extendPcr(t: Swtpm, pcr: number, digestHex: string): Promise<void> {
  await t.tpm2("tpm2_pcrextend", [`${pcr}:sha256=${digestHex}`]);
}
