/**
 * The configfs-tsm client against directories laid out as the kernel's: the emulator (simulator
 * TDX quotes) for the TDX path, and hand-written SEV-SNP-shaped reports for the SNP offsets. Bad
 * directories (missing, unknown provider, garbage generation, truncated or foreign outblob) are
 * typed ConfigfsTsmErrors, never a wrong report accepted.
 */
import { describe, it, expect, afterAll } from "vitest";
import fc from "fast-check";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigfsTsm, reportDataOf } from "../../agent/configfsTsm.js";
import { ConfigfsTsmError } from "../../agent/errors.js";
import { createSimulatedTdxEnvironment } from "../../sdk/src/simulate/index.js";
import { startConfigfsTsmEmulator } from "../../testkit/configfsTsmEmulator.js";
import { parseQuote } from "../../sdk/src/intel/quote.js";

const root = mkdtempSync(join(tmpdir(), "tsm-"));
const tdx = createSimulatedTdxEnvironment({ seed: "configfs test", roleNames: "intel" });
const em = startConfigfsTsmEmulator({ root: join(root, "emulated"), tdx });
afterAll(() => em.stop());

/** A kernel stand-in that answers one inblob with `make(inblob)` and bumps generation by `step`. */
function answerOnce(dir: string, provider: string, make: (inblob: Buffer) => Uint8Array, step = 1) {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "provider"), provider + "\n");
  writeFileSync(join(dir, "generation"), "0\n");
  writeFileSync(join(dir, "outblob"), "");
  const t = setInterval(() => {
    try {
      const inblob = readFileSync(join(dir, "inblob"));
      clearInterval(t);
      writeFileSync(join(dir, "outblob"), make(inblob));
      writeFileSync(join(dir, "generation"), `${step}\n`);
    } catch {
      // not written yet
    }
  }, 5);
  return () => clearInterval(t);
}

describe("configfs-tsm client", () => {
  it("TDX: the outblob is a quote whose report data is what we wrote", async () => {
    const tsm = new ConfigfsTsm(em.root, "tdx-1");
    const rd = Uint8Array.from({ length: 64 }, (_, i) => i);
    const r = await tsm.report(rd);
    expect(r).toMatchObject({ provider: "tdx_guest", generation: 1, attempts: 1 });
    const q = parseQuote(r.outblob);
    expect(Buffer.from((q.body as { reportData: Uint8Array }).reportData).equals(Buffer.from(rd))).toBe(true);
    // A second report on the same entry: generation 2.
    expect((await tsm.report(new Uint8Array(64).fill(9))).generation).toBe(2);
  });

  it("SEV-SNP: report data is read at offset 0x50 of the attestation report", async () => {
    const stop = answerOnce(join(root, "snp", "e"), "sev_guest", (inblob) => {
      const report = new Uint8Array(1184);
      report.set(inblob, 0x50);
      return report;
    });
    const r = await new ConfigfsTsm(join(root, "snp"), "e", { settleMs: 2000 }).report(new Uint8Array(64).fill(0x5a));
    stop();
    expect(r.provider).toBe("sev_guest");
    expect(Buffer.from(reportDataOf("sev_guest", r.outblob)!).equals(Buffer.alloc(64, 0x5a))).toBe(true);
  });

  it("a missing configfs is configfs.missing (retryable), naming the path", async () => {
    const e = await new ConfigfsTsm(join(root, "nope"), "e").report(new Uint8Array(64)).catch((x) => x);
    expect(e).toBeInstanceOf(ConfigfsTsmError);
    expect(e).toMatchObject({ code: "configfs.missing", retryable: true });
    expect(e.message).toContain(join(root, "nope"));
  });

  it("an unknown provider, or not the one configured, is configfs.provider (not retryable)", async () => {
    const d = join(root, "prov", "e");
    mkdirSync(d, { recursive: true });
    writeFileSync(join(d, "provider"), "arm_cca_guest\n");
    await expect(new ConfigfsTsm(join(root, "prov"), "e").report(new Uint8Array(64))).rejects.toMatchObject({ code: "configfs.provider", retryable: false });
    writeFileSync(join(d, "provider"), "sev_guest\n");
    await expect(new ConfigfsTsm(join(root, "prov"), "e", { expectProvider: "tdx_guest" }).report(new Uint8Array(64))).rejects.toThrow(/provider sev_guest, but the config names tdx_guest/);
  });

  it("a generation that is not a counter is configfs.io, quoting it", async () => {
    const d = join(root, "gen", "e");
    mkdirSync(d, { recursive: true });
    writeFileSync(join(d, "provider"), "tdx_guest\n");
    writeFileSync(join(d, "generation"), "seven\n");
    await expect(new ConfigfsTsm(join(root, "gen"), "e").report(new Uint8Array(64))).rejects.toThrow(/expected a decimal counter, got "seven"/);
  });

  it("another writer's outblob (generation +2) is retried, then given up on with configfs.race", async () => {
    const stop = answerOnce(join(root, "race", "e"), "tdx_guest", () => tdx.issueQuote({ reportData: new Uint8Array(64).fill(0xee) }), 2);
    const e = await new ConfigfsTsm(join(root, "race"), "e", { attempts: 2, settleMs: 300 }).report(new Uint8Array(64).fill(1)).catch((x) => x);
    stop();
    expect(e).toMatchObject({ code: "configfs.race", retryable: true });
    expect(e.message).toMatch(/gave up after 2 attempts/);
  });

  it("fuzz: a truncated or altered outblob is never taken for ours", async () => {
    const good = tdx.issueQuote({ reportData: new Uint8Array(64).fill(3) });
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.integer({ min: 0, max: 631 }).map((n) => ({ cut: n, flip: -1 })), fc.integer({ min: 568, max: 631 }).map((i) => ({ cut: good.length, flip: i }))), async ({ cut, flip }) => {
        const name = `f-${cut}-${flip}`;
        const stop = answerOnce(join(root, "fuzz", name), "tdx_guest", () => {
          const b = good.slice(0, cut);
          if (flip >= 0) b[flip]! ^= 1;
          return b;
        });
        const e = await new ConfigfsTsm(join(root, "fuzz"), name, { attempts: 1, settleMs: 100 }).report(new Uint8Array(64).fill(3)).catch((x) => x);
        stop();
        expect(e).toBeInstanceOf(ConfigfsTsmError);
      }),
      { numRuns: 25 },
    );
  });
});
