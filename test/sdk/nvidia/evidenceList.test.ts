/** NVIDIA's GPU evidence list (nvtrust's attestation SDK / remote-verifier request body): one entry per GPU. */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { main } from "../../../cli/main.js";
import type { CliIO } from "../../../cli/io.js";
import { ParseError } from "../../../sdk/src/errors.js";
import { decodeHexReport, parseGpuEvidenceList } from "../../../sdk/src/nvidia/index.js";
import { detectEvidence, reportExitCode, verifyEvidence } from "../../../sdk/src/report/index.js";
import { HOPPER_CHAIN, HOPPER_NONCE, HOPPER_REPORT, HOPPER_VERIFY_AT, readGpuFixtureText, simulatedGpu } from "../../../testkit/gpuFixtures.js";

const b64 = (b: Uint8Array | string) => Buffer.from(b).toString("base64");
const json = (o: unknown) => new TextEncoder().encode(JSON.stringify(o));
// The real sample in the list's shape (built here from the two fixture files, as nvtrust builds it).
const realList = {
  nonce: HOPPER_NONCE,
  evidence_list: [{ evidence: b64(decodeHexReport(readGpuFixtureText(HOPPER_REPORT))), certificate: b64(readGpuFixtureText(HOPPER_CHAIN)) }],
  arch: "HOPPER",
  claims_version: "2.0",
};

describe("the evidence list", () => {
  it("the real H100 as a one-GPU list: detected, verified, exit 0 (GPU partial: no RIMs)", async () => {
    expect(detectEvidence(json(realList)).type).toBe("nvidia-gpu-list");
    const report = await verifyEvidence({ evidence: json(realList), now: HOPPER_VERIFY_AT, gpu: { nonce: HOPPER_NONCE } });
    expect(report.evidenceType).toBe("nvidia-gpu");
    expect(report.dimensions.gpu).toMatchObject({ status: "partial", details: { driverVersion: "550.90.07", nonceChecked: true } });
    expect(reportExitCode(report)).toBe(0);
  });
  it("a list declaring another nonce than its GPU answers: gpu.list.nonce", async () => {
    const report = await verifyEvidence({ evidence: json({ ...realList, nonce: "00".repeat(32) }), now: HOPPER_VERIFY_AT });
    expect(report.dimensions.gpu).toMatchObject({ status: "failed", check: "gpu.list.nonce" });
  });
  const { gpu: a, roots } = simulatedGpu({ seed: "gpu a" });
  const { gpu: b, roots: rootsB } = simulatedGpu({ seed: "gpu b" });
  const nonce = new Uint8Array(32).fill(3);
  const entry = (g: typeof a, report = g.attest(nonce)) => ({ evidence: b64(report), certificate: b64(g.pki.deviceChainPem) });
  it("two simulated GPUs (two PKIs, one root pinned) : the second fails its chain, named by index", async () => {
    const list = { nonce: Buffer.from(nonce).toString("hex"), evidence_list: [entry(a), entry(b)], arch: "HOPPER" };
    const report = await verifyEvidence({ evidence: json(list), now: Date.UTC(2026, 0, 1) / 1000, gpu: { roots, nonce, rims: [a.driverRim(), a.vbiosRim()] } });
    expect(report.dimensions.gpu).toMatchObject({ status: "failed", check: "gpu.chain.root", details: { gpus: 2, "gpu0.status": "passed", "gpu1.status": "failed" } });
    expect(report.dimensions.gpu!.reason).toMatch(/^GPU 1 of 2: /);
    expect(rootsB.deviceRoot.subject).toBe(roots.deviceRoot.subject); // same names, other keys: only the signature tells them apart
  });
  it("two GPUs of one simulated PKI, both matching the RIMs: passed", async () => {
    const list = { evidence_list: [entry(a), entry(a)], arch: "HOPPER" };
    const report = await verifyEvidence({ evidence: json(list), now: Date.UTC(2026, 0, 1) / 1000, gpu: { roots, nonce, rims: [a.driverRim(), a.vbiosRim()] } });
    expect(report.dimensions.gpu).toMatchObject({ status: "passed", details: { gpus: 2, "gpu1.measurementsMatched": 33 } });
    expect(report.dimensions.gpu!.reason).toMatch(/^all 2 GPUs: /);
  });
  it("poc verify list.json: exit 0; --gpu list.json beside CPU evidence is read too", async () => {
    const dir = mkdtempSync(join(tmpdir(), "poc-gpulist-"));
    writeFileSync(join(dir, "list.json"), JSON.stringify(realList));
    const stdout: string[] = [];
    const stderr: string[] = [];
    const io: CliIO = { out: (l) => stdout.push(l), err: (l) => stderr.push(l), progress: () => {}, cwd: dir, env: {} };
    expect(await main(["verify", "list.json", "--nonce", HOPPER_NONCE], io)).toBe(0);
    expect(stdout.join("\n")).toMatch(/PART {2}GPU .*driver 550\.90\.07/);
    writeFileSync(join(dir, "bad.json"), JSON.stringify({ ...realList, arch: "BLACKWELL" }));
    expect(await main(["verify", "bad.json"], io)).toBe(2);
    expect(stderr.join("\n")).toMatch(/bad\.json: NVIDIA GPU evidence list: bad arch/);
    // Beside a SEV-SNP report: two simulated GPUs whose nonce is the report data's first 32 bytes.
    const fixtures = join(import.meta.dirname, "../../fixtures/amd/milan-dstack");
    const snp = new Uint8Array(readFileSync(join(fixtures, "report.bin")));
    const bound = snp.slice(0x50, 0x50 + 32); // report_data starts at 0x50
    writeFileSync(join(dir, "gpus.json"), JSON.stringify({ evidence_list: [entry(a, a.attest(bound)), entry(a, a.attest(bound))], arch: "HOPPER" }));
    writeFileSync(join(dir, "root.pem"), a.pki.deviceRoot.pem);
    stdout.length = 0;
    const args = ["verify", join(fixtures, "report.bin"), "--certs", join(fixtures, "vcek.pem"), "--at", String(Date.UTC(2026, 10, 22) / 1000), "--gpu", "gpus.json", "--gpu-device-root", "root.pem", "--gpu-binding", "0", "--details"];
    expect(await main(args, io)).toBe(0);
    expect(stdout.join("\n")).toMatch(/PART {2}GPU +2 GPUs verified; GPU 0: .*no RIM given/);
    expect(stdout.join("\n")).toMatch(/gpu1\.binding: reportData\[0\.\.32\) = GPU nonce/);
  });
});

describe("malformed lists are ParseErrors", () => {
  it.each([
    ["evidence_list", "empty", { evidence_list: [] }],
    ["evidence_list", "17 entries", { evidence_list: Array(17).fill(realList.evidence_list[0]) }],
    ["arch", "BLACKWELL", { ...realList, arch: "BLACKWELL" }],
    ["nonce", "not hex", { ...realList, nonce: "xyz" }],
    ["evidence_list[0].evidence", "not base64", { evidence_list: [{ evidence: "!!", certificate: realList.evidence_list[0]!.certificate }] }],
    ["evidence_list[0].certificate", "not PEM", { evidence_list: [{ evidence: realList.evidence_list[0]!.evidence, certificate: b64("not pem") }] }],
  ])("%s: %s", (field, _what, input) => {
    try {
      parseGpuEvidenceList(input);
      throw new Error("accepted");
    } catch (e) {
      expect(e).toBeInstanceOf(ParseError);
      expect((e as ParseError).field).toBe(field);
    }
  });
  it("any JSON value: parsed or a ParseError", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        try {
          parseGpuEvidenceList(v);
        } catch (e) {
          if (!(e instanceof ParseError)) throw e;
        }
      }),
      { numRuns: 300 },
    );
  });
  it("a list whose GPU report is truncated: ParseError from verifyEvidence (bad input)", async () => {
    const short = { evidence_list: [{ ...realList.evidence_list[0]!, evidence: b64(decodeHexReport(readGpuFixtureText(HOPPER_REPORT)).subarray(0, 300)) }] };
    await expect(verifyEvidence({ evidence: json(short), now: HOPPER_VERIFY_AT })).rejects.toThrow(ParseError);
  });
});
