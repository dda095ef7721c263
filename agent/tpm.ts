/**
 * The vTPM through tpm2-tools (Debian's tpm2-tools 5.x, over the TCTI the config names:
 * `device:/dev/tpmrm0` in a CVM, `swtpm:host=…,port=…` in the tests). We use tpm2-tools rather
 * than marshalling TPM commands by hand: the commands are few and the tools are the maintained
 * reference. There is no resource manager on the swtpm socket, so every step flushes the transient
 * objects and sessions it made (`tpm2_flushcontext -t / -s`); on /dev/tpmrm0 the kernel's resource
 * manager does it and the flushes are no-ops.
 *
 * The AK is an ECC P-256 restricted signing key (ECDSA / SHA-256) under the ECC EK, made once and
 * persisted at the configured handle (0x81010002 by default) so it survives restarts of the agent
 * and of the VM; its TPMT_PUBLIC is what the TEE report commits to (sha256, docs/workload.md).
 */
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { bytesToHex } from "viem";
import { parseTpmtPublic, TPMA_AK_REQUIRED } from "../sdk/src/tpm/structures.js";
import { parseTcgEventLog, replayTcgEventLog } from "../sdk/src/tpm/eventlog.js";
import { TpmAkInvalidError, TpmUnavailableError } from "./errors.js";

const TPM_ALG_SHA256 = 0x000b;
const TPM_ALG_ECC = 0x0023;

export type TpmQuoteOutput = {
  /** TPMS_ATTEST as the TPM signed it. */
  attest: Uint8Array;
  /** TPMT_SIGNATURE. */
  signature: Uint8Array;
  /** The quoted PCR values concatenated (ascending index, SHA-256 bank). */
  pcrValues: Uint8Array;
};

export type EventLogCheck =
  | { present: false; path: string }
  | { present: true; path: string; events: number; sha256Pcrs: number[]; mismatches: number[] };

export class Tpm2Tools {
  private readonly work: string;
  private seq = 0;
  constructor(
    readonly tcti: string,
    readonly akHandle: number,
    scratchDir: string,
    readonly opts: { timeoutMs?: number } = {},
  ) {
    this.work = scratchDir;
    mkdirSync(this.work, { recursive: true, mode: 0o700 });
  }

  get handleHex(): string {
    return `0x${this.akHandle.toString(16)}`;
  }

  private run(tool: string, args: string[]): Promise<{ stdout: string; stderr: string }> {
    return new Promise((resolve, reject) => {
      execFile(tool, args, { env: { ...process.env, TPM2TOOLS_TCTI: this.tcti }, timeout: this.opts.timeoutMs ?? 15_000, cwd: this.work }, (err, stdout, stderr) => {
        if (err) {
          const e = err as NodeJS.ErrnoException & { killed?: boolean };
          const why = e.code === "ENOENT" ? `${tool} is not installed (apt-get install tpm2-tools)` : e.killed ? `no answer within ${this.opts.timeoutMs ?? 15_000} ms` : stderr.trim().split("\n").slice(-3).join(" | ") || e.message;
          reject(Object.assign(new TpmUnavailableError(tool, why, err), { stderr }));
        } else resolve({ stdout, stderr });
      });
    });
  }

  private async flush(): Promise<void> {
    await this.run("tpm2_flushcontext", ["-t"]);
    await this.run("tpm2_flushcontext", ["-s"]);
  }

  private tmp(name: string): string {
    return join(this.work, `${process.pid}-${++this.seq}-${name}`);
  }

  /** TPMT_PUBLIC of the persisted AK, or undefined when the handle holds nothing. */
  async readAkPublic(): Promise<Uint8Array | undefined> {
    const out = this.tmp("ak.pub");
    try {
      await this.run("tpm2_readpublic", ["-c", this.handleHex, "-o", out, "-f", "tss"]);
    } catch (e) {
      // TPM_RC_HANDLE (0x18b) for a missing persistent object; anything else is the TPM or the transport failing.
      if (/0x18b|handle.*(not|does not exist)|TPM_RC_HANDLE/i.test((e as { stderr?: string }).stderr ?? "")) return undefined;
      throw e;
    }
    const b = readFileSync(out);
    rmSync(out, { force: true });
    // tpm2-tools writes TPM2B_PUBLIC: a u16 size, then TPMT_PUBLIC.
    const size = b.readUInt16BE(0);
    if (size !== b.length - 2) throw new TpmUnavailableError("tpm2_readpublic", `TPM2B_PUBLIC size ${size} but ${b.length - 2} bytes follow`);
    return new Uint8Array(b.subarray(2));
  }

  /** The AK: loaded from its persistent handle, or created under the EK and persisted there (first boot). */
  async ensureAk(): Promise<{ akPublic: Uint8Array; created: boolean }> {
    let pub = await this.readAkPublic();
    let created = false;
    if (!pub) {
      const ek = this.tmp("ek.ctx");
      const ak = this.tmp("ak.ctx");
      try {
        await this.run("tpm2_createek", ["-c", ek, "-G", "ecc", "-u", this.tmp("ek.pub")]);
        await this.flush();
        await this.run("tpm2_createak", ["-C", ek, "-c", ak, "-G", "ecc", "-g", "sha256", "-s", "ecdsa", "-u", this.tmp("ak.pub"), "-n", this.tmp("ak.name"), "-r", this.tmp("ak.priv")]);
        await this.flush();
        await this.run("tpm2_evictcontrol", ["-C", "o", "-c", ak, this.handleHex]);
        await this.flush();
      } finally {
        for (const f of [ek, ak]) rmSync(f, { force: true });
      }
      pub = await this.readAkPublic();
      if (!pub) throw new TpmUnavailableError("tpm2_evictcontrol", `the AK is not at ${this.handleHex} after persisting it`);
      created = true;
    }
    let p: ReturnType<typeof parseTpmtPublic>;
    try {
      p = parseTpmtPublic(pub);
    } catch (e) {
      throw new TpmAkInvalidError(this.handleHex, `is not a signing key this agent can use (${(e as Error).message.split("\n")[0]})`, e);
    }
    if ((p.objectAttributes & TPMA_AK_REQUIRED) !== TPMA_AK_REQUIRED || p.type !== TPM_ALG_ECC || p.nameAlg !== TPM_ALG_SHA256)
      throw new TpmAkInvalidError(this.handleHex, `is not an ECC restricted signing AK with SHA-256 names (attributes 0x${p.objectAttributes.toString(16)}, type 0x${p.type.toString(16)})`);
    return { akPublic: pub, created };
  }

  /** TPM2_Quote by the AK over the SHA-256 PCRs `pcrs` with `qualifyingData` (≤ 64 bytes). */
  async quote(qualifyingData: Uint8Array, pcrs: readonly number[]): Promise<TpmQuoteOutput> {
    const m = this.tmp("quote.msg");
    const s = this.tmp("quote.sig");
    const o = this.tmp("quote.pcrs");
    try {
      await this.run("tpm2_quote", ["-c", this.handleHex, "-l", `sha256:${pcrs.join(",")}`, "-q", bytesToHex(qualifyingData).slice(2), "-m", m, "-s", s, "-o", o, "-F", "values", "-g", "sha256"]);
      await this.flush();
      return { attest: new Uint8Array(readFileSync(m)), signature: new Uint8Array(readFileSync(s)), pcrValues: new Uint8Array(readFileSync(o)) };
    } finally {
      for (const f of [m, s, o]) rmSync(f, { force: true });
    }
  }

  /**
   * The firmware's event log: parsed with the SDK and replayed; every quoted PCR the log extends
   * must equal the quoted value (a verifier will check the same, so a mismatch here is logged at
   * once rather than found later). Absent on swtpm without a log, and on some kernels.
   */
  static checkEventLog(path: string | undefined, pcrs: readonly number[], pcrValues: Uint8Array): EventLogCheck {
    if (!path || !existsSync(path)) return { present: false, path: path ?? "" };
    const log = parseTcgEventLog(new Uint8Array(readFileSync(path)));
    const replayed = replayTcgEventLog(log, TPM_ALG_SHA256);
    const mismatches: number[] = [];
    pcrs.forEach((pcr, i) => {
      const r = replayed.get(pcr);
      if (r && Buffer.compare(Buffer.from(r), Buffer.from(pcrValues.subarray(32 * i, 32 * i + 32))) !== 0) mismatches.push(pcr);
    });
    return { present: true, path, events: log.events.length, sha256Pcrs: [...replayed.keys()].sort((a, b) => a - b), mismatches };
  }
}
