/**
 * The TEE report through Linux's configfs-tsm (Documentation/ABI/testing/configfs-tsm-report):
 * an entry `<configfs>/<name>/` made with mkdir, where writing `inblob` (64 bytes of report data)
 * and reading `outblob` yields the platform's report: a TDX quote (`provider` "tdx_guest") or an
 * SEV-SNP attestation report ("sev_guest"). `generation` counts writes to the entry; if it moved by
 * more than our own write between writing inblob and reading outblob, another writer raced in and
 * the outblob may answer their inblob, so we write again. We also check the outblob's own report
 * data equals what we wrote (TDX: TD report body offset 520 after the 48-byte header; SNP: 0x50),
 * which no race can get past. Offsets: docs/intel-quote.md, docs/sev-snp.md.
 */
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { bytesToHex } from "viem";
import { ConfigfsTsmError } from "./errors.js";

export type TsmProvider = "tdx_guest" | "sev_guest";
export type TsmReport = { provider: TsmProvider; outblob: Uint8Array; generation: number; attempts: number };

const TDX_REPORT_DATA_OFFSET = 48 + 520;
const SNP_REPORT_DATA_OFFSET = 0x50;

/** Where the provider's report carries the 64 bytes written to inblob. */
export function reportDataOf(provider: TsmProvider, outblob: Uint8Array): Uint8Array | undefined {
  const off = provider === "tdx_guest" ? TDX_REPORT_DATA_OFFSET : SNP_REPORT_DATA_OFFSET;
  return outblob.length >= off + 64 ? outblob.subarray(off, off + 64) : undefined;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class ConfigfsTsm {
  constructor(
    readonly root: string,
    readonly entry: string,
    readonly opts: { attempts?: number; pollMs?: number; settleMs?: number; expectProvider?: string } = {},
  ) {}

  get dir(): string {
    return join(this.root, this.entry);
  }

  private read(name: string): Buffer {
    try {
      return readFileSync(join(this.dir, name));
    } catch (e) {
      throw new ConfigfsTsmError("configfs.io", `cannot read ${join(this.dir, name)}: ${(e as Error).message}`, e);
    }
  }

  private generation(): number {
    const t = this.read("generation").toString("utf8").trim();
    if (!/^\d+$/.test(t)) throw new ConfigfsTsmError("configfs.io", `${join(this.dir, "generation")}: expected a decimal counter, got ${JSON.stringify(t.slice(0, 40))}`);
    return Number(t);
  }

  /** Makes the entry when missing (mkdir is how configfs creates one). */
  private ensureEntry(): void {
    if (!existsSync(this.root) || !statSync(this.root).isDirectory())
      throw new ConfigfsTsmError("configfs.missing", `${this.root} does not exist: no configfs-tsm here (kernel ≥ 6.7 with TSM_REPORTS and a TDX or SEV-SNP guest driver, configfs mounted at /sys/kernel/config)`);
    if (!existsSync(this.dir)) {
      try {
        mkdirSync(this.dir);
      } catch (e) {
        throw new ConfigfsTsmError("configfs.io", `cannot create ${this.dir}: ${(e as Error).message}`, e);
      }
    }
  }

  async provider(): Promise<TsmProvider> {
    this.ensureEntry();
    // The kernel's attributes exist as soon as mkdir returns; an emulated directory fills them in shortly after.
    for (const until = Date.now() + (this.opts.settleMs ?? 5000); !existsSync(join(this.dir, "provider")) && Date.now() < until; ) await sleep(this.opts.pollMs ?? 20);
    const p = this.read("provider").toString("utf8").trim();
    if (p !== "tdx_guest" && p !== "sev_guest") throw new ConfigfsTsmError("configfs.provider", `provider ${JSON.stringify(p)}: expected tdx_guest or sev_guest`);
    if (this.opts.expectProvider && p !== this.opts.expectProvider) throw new ConfigfsTsmError("configfs.provider", `provider ${p}, but the config names ${this.opts.expectProvider}`);
    return p;
  }

  /** Writes `reportData` (64 bytes) and returns the report carrying it; retries when another writer raced in. */
  async report(reportData: Uint8Array): Promise<TsmReport> {
    if (reportData.length !== 64) throw new RangeError(`report data must be 64 bytes, got ${reportData.length}`);
    const provider = await this.provider();
    const attempts = this.opts.attempts ?? 5;
    const pollMs = this.opts.pollMs ?? 20;
    // The kernel answers on read; an emulated directory (tests) answers shortly after the write.
    const settleMs = this.opts.settleMs ?? 5000;
    let last = "";
    for (let attempt = 1; attempt <= attempts; attempt++) {
      const g0 = this.generation();
      try {
        writeFileSync(join(this.dir, "inblob"), reportData);
      } catch (e) {
        throw new ConfigfsTsmError("configfs.io", `cannot write ${join(this.dir, "inblob")}: ${(e as Error).message}`, e);
      }
      const until = Date.now() + settleMs;
      for (;;) {
        const out = new Uint8Array(this.read("outblob"));
        const g = this.generation();
        const rd = reportDataOf(provider, out);
        const ours = rd !== undefined && Buffer.compare(Buffer.from(rd), Buffer.from(reportData)) === 0;
        if (g === g0 + 1 && ours) return { provider, outblob: out, generation: g, attempts: attempt };
        if (g > g0 + 1) {
          last = `generation moved ${g0} → ${g} (another writer)`;
          break;
        }
        if (g === g0 + 1 && !ours) {
          last = `outblob at generation ${g} carries report data ${rd ? bytesToHex(rd.subarray(0, 8)) : "(too short)"}..., not ours`;
          break;
        }
        if (Date.now() > until) {
          last = `no report for our inblob after ${settleMs} ms (generation stayed ${g})`;
          break;
        }
        await sleep(pollMs);
      }
    }
    throw new ConfigfsTsmError("configfs.race", `${this.dir}: gave up after ${attempts} attempts: ${last}`);
  }
}
