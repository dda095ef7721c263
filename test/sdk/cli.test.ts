import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it, expect } from "vitest";
import { main } from "../../cli/main.js";
import { parseTcgEventLog } from "../../sdk/src/tpm/index.js";
import type { CliIO } from "../../cli/io.js";

function capture(): CliIO & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (l) => stdout.push(l), err: (l) => stderr.push(l), progress: (l) => stderr.push(l), cwd: process.cwd(), env: {} };
}

describe("poc", () => {
  it("an unknown command is one clear line and exit code 2", async () => {
    const io = capture();
    expect(await main(["frobnicate"], io)).toBe(2);
    expect(io.stderr[0]).toMatch(/unknown command 'frobnicate'/);
  });
  it("help lists the commands", async () => {
    const io = capture();
    expect(await main(["help"], io)).toBe(0);
    expect(io.stdout.join("\n")).toMatch(/usage: poc/);
  });
});

describe("poc verify on a TPM attestation with its event log", () => {
  const fixtures = join(import.meta.dirname, "../fixtures");
  const args = ["verify", "tpm/gce-cos-85-nonce9009.json", "--at", "1795305600", "--nonce", "9009", "--details", "--event-log"];
  it("--details lists which event data was verified and which was not", async () => {
    const io = { ...capture(), cwd: fixtures };
    expect(await main([...args, "tpm/gce-cos-85-nonce9009.eventlog.bin"], io)).toBe(0);
    const out = io.stdout.join("\n");
    expect(out).toMatch(/event data verified for 22 of 44 events/);
    expect(out).toMatch(/verifiedEventData: #1 PCR0 EV_S_CRTM_VERSION, #2 PCR0 EV_NONHOST_INFO, #3 PCR7 EV_EFI_VARIABLE_DRIVER_CONFIG/);
    expect(out).toMatch(/unverifiedEventData: #22 PCR4 EV_EFI_BOOT_SERVICES_APPLICATION/);
  });
  it("lying event data under consistent digests: exit 1 naming the check", async () => {
    const log = new Uint8Array(readFileSync(join(fixtures, "tpm/gce-cos-85-nonce9009.eventlog.bin")));
    log[secureBootAt(log)] ^= 1; // event 3: SecureBoot's value
    const path = join(mkdtempSync(join(tmpdir(), "poc-tpm-")), "lying.eventlog.bin");
    writeFileSync(path, log);
    const io = { ...capture(), cwd: fixtures };
    expect(await main([...args, path], io)).toBe(1);
    expect(io.stderr.join("\n")).toMatch(/FAIL: operating system: .*event 3.*\[tpm\.eventlog\.eventData\]/);
  });
});

/** Event 3 of the GCE log (SecureBoot, PCR 7): its one value byte, 52 bytes into the event data. */
function secureBootAt(log: Uint8Array): number {
  const e = parseTcgEventLog(log).events[2]!;
  return e.offset + 4 + 4 + 4 + (2 + 20) + (2 + 32) + (2 + 48) + 4 + 52;
}
