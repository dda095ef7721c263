/**
 * configfs-tsm emulated on disk, for the agent's tests and bench. The kernel's interface is a
 * directory per report (`<root>/<name>/` with inblob, outblob, provider, generation); here a plain
 * directory, watched by polling: when an entry's inblob changes, the emulator issues a TDX quote
 * from the simulator (sdk/src/simulate) whose report data is exactly that inblob, writes it to
 * outblob (write + rename, so a reader never sees half a quote) and bumps generation. What is
 * simulated is the TEE quote (a simulator QE signs it, under the simulator's root, which the test
 * world's collateral store pins); the protocol the agent speaks is the kernel's.
 *
 * `raceNext` makes the next answer look like another writer raced in (generation +2 and an outblob
 * for other report data), to test the agent's retry.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { SimulatedTdxEnvironment } from "../sdk/src/simulate/index.js";

export const EMULATED_MRTD = new Uint8Array(48).fill(0x11);
export const EMULATED_RTMRS = [0x20, 0x21, 0x22, 0x23].map((b) => new Uint8Array(48).fill(b));

export type ConfigfsTsmEmulator = {
  root: string;
  /** Answers issued so far. */
  answered: number;
  raceNext: boolean;
  stop(): void;
};

export function startConfigfsTsmEmulator(p: { root: string; tdx: SimulatedTdxEnvironment; pollMs?: number }): ConfigfsTsmEmulator {
  mkdirSync(p.root, { recursive: true });
  const seen = new Map<string, string>();
  const em: ConfigfsTsmEmulator = { root: p.root, answered: 0, raceNext: false, stop: () => clearInterval(timer) };
  const write = (dir: string, name: string, data: Uint8Array | string) => {
    const tmp = join(dir, `.${name}.tmp`);
    writeFileSync(tmp, data);
    renameSync(tmp, join(dir, name));
  };
  const scan = () => {
    if (!existsSync(p.root)) return;
    for (const name of readdirSync(p.root)) {
      const dir = join(p.root, name);
      if (!statSync(dir).isDirectory()) continue;
      // A fresh entry (mkdir): the kernel fills in provider and generation.
      if (!existsSync(join(dir, "provider"))) write(dir, "provider", "tdx_guest\n");
      if (!existsSync(join(dir, "generation"))) write(dir, "generation", "0\n");
      if (!existsSync(join(dir, "outblob"))) write(dir, "outblob", new Uint8Array(0));
      const inblob = join(dir, "inblob");
      if (!existsSync(inblob)) continue;
      const st = statSync(inblob);
      const data = readFileSync(inblob);
      const key = `${st.mtimeMs}:${data.toString("hex")}`;
      if (seen.get(dir) === key) continue;
      seen.set(dir, key);
      if (data.length !== 64) continue; // the kernel refuses more than 64 bytes; shorter is zero-padded there, refused here
      const gen = Number(readFileSync(join(dir, "generation"), "utf8").trim()) || 0;
      let reportData = new Uint8Array(data);
      let next = gen + 1;
      if (em.raceNext) {
        em.raceNext = false;
        reportData = reportData.map((b) => b ^ 0xff);
        next = gen + 2;
      }
      write(dir, "outblob", p.tdx.issueQuote({ reportData, mrTd: EMULATED_MRTD, rtmrs: EMULATED_RTMRS }));
      write(dir, "generation", `${next}\n`);
      em.answered++;
    }
  };
  const timer = setInterval(() => {
    try {
      scan();
    } catch {
      // A file mid-rename: the next pass sees it whole.
    }
  }, p.pollMs ?? 10);
  return em;
}
