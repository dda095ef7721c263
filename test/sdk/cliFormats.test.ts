/**
 * `poc verify` on the evidence forms people hold: dstack's SCALE attestation (binary, and hex in
 * JSON), go-tpm-tools' protobuf, Intel quotes saved as base64 or with bytes after them.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../../cli/main.js";
import type { CliIO } from "../../cli/io.js";

const fixtures = join(import.meta.dirname, "../fixtures");
const tmp = mkdtempSync(join(tmpdir(), "poc-formats-"));
const read = (p: string) => new Uint8Array(readFileSync(join(fixtures, p)));
const write = (name: string, data: Uint8Array | string) => {
  const p = join(tmp, name);
  writeFileSync(p, data);
  return p;
};

function capture(): CliIO & { stdout: string[]; stderr: string[]; text: () => string } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (l) => stdout.push(l), err: (l) => stderr.push(l), progress: (l) => stderr.push(l), cwd: fixtures, env: {}, text: () => [...stdout, ...stderr].join("\n") };
}

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

describe("poc verify: dstack attestations", () => {
  it("the SCALE binary (TDX): signatures, replay and the app identity; exit 0 with --signatures-only", async () => {
    const io = capture();
    expect(await main(["verify", "dstack/guest-agent-attestation.bin", "--at", "1790000000", "--signatures-only", "--details"], io)).toBe(0);
    expect(io.text()).toMatch(/evidence: dstack-attestation \(intel-tdx\)/);
    expect(io.text()).toMatch(/appId: 5bb4ff9a3837357f19dc176407a5709c62eb6c56/);
    expect(io.text()).toMatch(/osImageHash: e61be43dd1cc6a6f5edefd7c51b608983780839b0000ce60dd99737dcffe09b9/);
  });

  it("hex in JSON beside an older quote / event_log: the attestation wins and the report names what it ignored", async () => {
    const other = JSON.parse(readFileSync(join(fixtures, "dstack/quote-report.json"), "utf8")) as Record<string, unknown>;
    const path = write("attestation.json", JSON.stringify({ attestation: hex(read("dstack/guest-agent-attestation.bin")), quote: other.quote, event_log: other.event_log }));
    const io = capture();
    expect(await main(["verify", path, "--at", "1790000000", "--signatures-only", "--json"], io)).toBe(0);
    const report = JSON.parse(io.stdout.join("\n"));
    expect(report.intel.ppid).toBe("80d4a149124353c7a2bb76551603f31b");
    expect(report.input.ignored[0]).toMatch(/JSON fields beside "attestation".*event_log, quote/);
  });

  it("dstack's own {\"attestation\": hex} file (lite TDX) verifies with --signatures-only", async () => {
    const io = capture();
    expect(await main(["verify", "dstack/tdx-lite-attestation.json", "--at", "1790000000", "--signatures-only"], io)).toBe(0);
    expect(io.text()).toMatch(/PASS {2}operating system +lite event log: RTMR3 replays; MRTD and RTMR0–2 match/);
  });

  it("SEV-SNP (VCEK and ASK given) and Nitro Enclave (at the document's time) verify", async () => {
    const snp = capture();
    expect(await main(["verify", "amd/milan-dstack/attestation.scale.bin", "--certs", "amd/milan-dstack/vcek.pem", "--certs", "amd/milan-dstack/ask.pem", "--at", "1790000000"], snp)).toBe(0);
    expect(snp.text()).toMatch(/PASS {2}application +mr_config bound by HOST_DATA/);
    const nitro = capture();
    expect(await main(["verify", "nitro/dstack-enclave/attestation.scale.bin", "--at", "1766678659"], nitro)).toBe(0);
  });

  it("a mutated attestation: exit 2 naming the field, or exit 1 naming the check", async () => {
    const b = read("dstack/guest-agent-attestation.bin");
    const cut = write("cut.bin", b.slice(0, 6000));
    const io = capture();
    expect(await main(["verify", cut, "--signatures-only"], io)).toBe(2);
    expect(io.text()).toMatch(/dstack attestation: bad quote\.DstackTdx\.event_log/);
    const flipped = b.slice();
    flipped[b.length - 700] ^= 1; // inside the runtime events
    const io2 = capture();
    const code = await main(["verify", write("flipped.bin", flipped), "--at", "1790000000", "--signatures-only"], io2);
    expect(code === 1 || code === 2).toBe(true);
  });
});

describe("poc verify: the go-tpm-tools protobuf", () => {
  it("verifies like the JSON form, event log included", async () => {
    const io = capture();
    expect(await main(["verify", "tpm/gce-cos-85-nonce9009.pb", "--at", "1795305600", "--nonce", "9009"], io)).toBe(0);
    expect(io.text()).toMatch(/evidence: tpm-quote/);
    expect(io.text()).toMatch(/event data verified for 22 of 44 events/);
  });
});

describe("poc verify: Intel quotes as people save them", () => {
  const quote = read("intel/tdx-v4/quote.bin");
  const base = ["--collateral", "intel/tdx-v4/collateral.json", "--at", "1751624163"];

  it("base64 text (with line breaks) verifies and the report says it was base64", async () => {
    const b64 = Buffer.from(quote).toString("base64").replace(/(.{76})/g, "$1\n");
    const io = capture();
    expect(await main(["verify", write("quote.b64", b64 + "\n"), ...base], io)).toBe(0);
    expect(io.text()).toMatch(/input: base64/);
  });

  it("a trailing newline and text a capture tool appended are cut off, verified without them and reported", async () => {
    const tail = new TextEncoder().encode("\ncaptured by quote-dump 1.2\n");
    const io = capture();
    expect(await main(["verify", write("quote-tail.bin", new Uint8Array([...quote, ...tail])), ...base, "--json"], io)).toBe(0);
    const report = JSON.parse(io.stdout.join("\n"));
    expect(report.input).toMatchObject({ encoding: "binary", ignoredTrailingBytes: tail.length });
    expect(report.input.ignored[0]).toMatch(/text "\\ncaptured by quote-dump/);
    expect(report.dimensions.hardware.status).toBe("passed");
  });

  it("hex text with a trailing newline still works; a quote whose signed bytes changed still fails", async () => {
    const io = capture();
    expect(await main(["verify", write("quote.hex", hex(quote) + "\n"), ...base], io)).toBe(0);
    const bad = quote.slice();
    bad[100] ^= 1;
    const io2 = capture();
    expect(await main(["verify", write("bad.b64", Buffer.from(bad).toString("base64")), ...base], io2)).toBe(1);
  });

  it("an announced signature size past the end is still bad input (exit 2)", async () => {
    const io = capture();
    expect(await main(["verify", write("short.bin", quote.slice(0, 1000)), ...base], io)).toBe(2);
    expect(io.text()).toMatch(/authData\.size/);
  });
});
