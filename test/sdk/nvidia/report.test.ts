/** The GPU dimension: GPU evidence alone, CPU (SEV-SNP) and GPU together with the nonce binding, and `poc verify`. */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../../../cli/main.js";
import type { CliIO } from "../../../cli/io.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { parseSnpReport } from "../../../sdk/src/amd/index.js";
import { ParseError } from "../../../sdk/src/errors.js";
import { DIMENSION_NAMES, createIntelQuoteVerifier, decodeEvidenceInput, renderReportText, reportExitCode, verifyEvidence } from "../../../sdk/src/report/index.js";
import { createSimulatedTdxEnvironment } from "../../../sdk/src/simulate/index.js";
import { DRIVER_RIM, GPU_FIXTURES, HOPPER_CHAIN, HOPPER_NONCE, HOPPER_REPORT, HOPPER_VERIFY_AT, VBIOS_RIM, readGpuFixture, simulatedGpu } from "../../../testkit/gpuFixtures.js";

const fixtures = join(import.meta.dirname, "../../fixtures");
const snpReport = new Uint8Array(readFileSync(join(fixtures, "amd/milan-dstack/report.bin")));
const vcek = new Uint8Array(readFileSync(join(fixtures, "amd/milan-dstack/vcek.pem")));
const snpNow = Date.UTC(2026, 10, 22) / 1000;

function capture(cwd: string): CliIO & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (l) => stdout.push(l), err: (l) => stderr.push(l), progress: (l) => stderr.push(l), cwd, env: {} };
}

describe("GPU evidence alone (the hex report as NVIDIA's tools save it)", () => {
  it("is detected, verified and reported in a GPU dimension; the CPU dimensions do not apply", async () => {
    const { evidence, detected } = decodeEvidenceInput({ bytes: readGpuFixture(HOPPER_REPORT) });
    expect(detected.type).toBe("nvidia-gpu");
    const report = await verifyEvidence({ evidence, now: HOPPER_VERIFY_AT, certificates: [readGpuFixture(HOPPER_CHAIN)], gpu: { nonce: HOPPER_NONCE } });
    expect(report).toMatchObject({ evidenceType: "nvidia-gpu", tee: "nvidia-gpu", overall: "partial" });
    expect(report.dimensions.gpu).toMatchObject({ status: "partial", details: { driverVersion: "550.90.07", vbiosVersion: "96.00.9f.00.01", nonceChecked: true } });
    expect(report.dimensions.hardware.applicable).toBe(false);
    expect(reportExitCode(report)).toBe(0);
    expect(reportExitCode(report, { strict: true })).toBe(1);
  });
  it("with the sample RIMs: the GPU dimension fails naming the indices", async () => {
    const report = await verifyEvidence({
      evidence: readGpuFixture(HOPPER_REPORT).length ? decodeEvidenceInput({ bytes: readGpuFixture(HOPPER_REPORT) }).evidence : new Uint8Array(),
      now: HOPPER_VERIFY_AT,
      certificates: [readGpuFixture(HOPPER_CHAIN)],
      gpu: { rims: [readGpuFixture(DRIVER_RIM), readGpuFixture(VBIOS_RIM)] },
    });
    expect(report.overall).toBe("fail");
    expect(report.dimensions.gpu).toMatchObject({ status: "failed", check: "gpu.rim.version" });
    expect(report.dimensions.gpu!.details.mismatchedIndices).toHaveLength(20);
    expect(reportExitCode(report)).toBe(1);
  });
  it("a malformed GPU report is a ParseError (bad input), not a failed dimension", async () => {
    const evidence = decodeEvidenceInput({ bytes: readGpuFixture(HOPPER_REPORT) }).evidence.slice(0, 4000);
    await expect(verifyEvidence({ evidence, now: HOPPER_VERIFY_AT })).rejects.toThrow(ParseError);
  });
  it("every other evidence type's report has the GPU dimension, not applicable", async () => {
    const report = await verifyEvidence({ evidence: snpReport, now: snpNow, certificates: [vcek] });
    expect(report.dimensions.gpu).toMatchObject({ status: "skipped", applicable: false });
    expect(report.overall).not.toBe("fail");
    expect(DIMENSION_NAMES).toContain("gpu");
    expect(renderReportText(report)).toMatch(/SKIP {2}GPU +no GPU evidence given \(n\/a\)/);
  });
});

describe("CPU and GPU together: a SEV-SNP report and a simulated GPU whose nonce the CPU report data carries", () => {
  const reportData = parseSnpReport(snpReport).reportData; // "attest-test-fixture-2026", zero-padded
  const { gpu, roots } = simulatedGpu();
  const gpuOpts = (nonce: Uint8Array, extra = {}) => ({ report: gpu.attest(nonce), certificates: [gpu.pki.deviceChainPem], rims: [gpu.driverRim(), gpu.vbiosRim()], roots, nonce, ...extra });
  it("bound at offset 0: both verify, the GPU dimension passes and says the nonce is bound", async () => {
    const nonce = reportData.slice(0, 32);
    const report = await verifyEvidence({ evidence: snpReport, now: snpNow, certificates: [vcek], gpu: gpuOpts(nonce, { binding: { reportDataOffset: 0, hash: "none" } }) });
    expect(report.dimensions.hardware.status).toBe("passed");
    expect(report.dimensions.gpu).toMatchObject({ status: "passed", details: { binding: "reportData[0..32) = GPU nonce", measurementsMatched: 33 } });
    expect(reportExitCode(report)).toBe(0);
  });
  it("SHA-256 binding: the CPU report data holds SHA-256(nonce)? Not here: gpu.binding fails the report", async () => {
    const nonce = reportData.slice(0, 32);
    const report = await verifyEvidence({ evidence: snpReport, now: snpNow, certificates: [vcek], gpu: gpuOpts(nonce, { binding: { reportDataOffset: 0, hash: "sha256" } }) });
    expect(report.dimensions.gpu).toMatchObject({ status: "failed", check: "gpu.binding" });
    expect(report.overall).toBe("fail");
    expect(Buffer.from(sha256(nonce)).equals(Buffer.from(reportData.slice(0, 32)))).toBe(false);
  });
  it("a GPU report for another nonce than the CPU carries: gpu.binding", async () => {
    const report = await verifyEvidence({ evidence: snpReport, now: snpNow, certificates: [vcek], gpu: gpuOpts(new Uint8Array(32).fill(1), { binding: { reportDataOffset: 32, hash: "none" } }) });
    expect(report.dimensions.gpu!.check).toBe("gpu.binding");
  });
  it("an offset past the report data: gpu.binding.offset", async () => {
    const report = await verifyEvidence({ evidence: snpReport, now: snpNow, certificates: [vcek], gpu: gpuOpts(new Uint8Array(32), { binding: { reportDataOffset: 40, hash: "none" } }) });
    expect(report.dimensions.gpu!.check).toBe("gpu.binding.offset");
  });
  it("without a binding the GPU is verified on its own (the report says the binding was not asked)", async () => {
    const report = await verifyEvidence({ evidence: snpReport, now: snpNow, certificates: [vcek], gpu: gpuOpts(new Uint8Array(32)) });
    expect(report.dimensions.gpu!.status).toBe("passed");
    expect(report.dimensions.gpu!.details.binding).toBeUndefined();
  });
  it("a binding on GPU evidence alone fails: there is no CPU report data", async () => {
    const nonce = new Uint8Array(32);
    const report = await verifyEvidence({ evidence: gpu.attest(nonce), now: snpNow, certificates: [gpu.pki.deviceChainPem], gpu: { roots, binding: { reportDataOffset: 0, hash: "none" } } });
    expect(report.dimensions.gpu!.check).toBe("gpu.binding.cpu");
  });
});

describe("CPU and GPU together: a simulated TDX quote whose report data carries SHA-256 of the GPU nonce", () => {
  it("bound at offset 32 with sha256: the hardware and GPU dimensions pass; another nonce fails gpu.binding", async () => {
    const env = createSimulatedTdxEnvironment({ seed: "gpu binding" });
    const { gpu, roots } = simulatedGpu();
    const nonce = new Uint8Array(32).fill(0x5a);
    const reportData = new Uint8Array(64);
    reportData.set(sha256(nonce), 32);
    const quote = env.issueQuote({ reportData });
    const intelVerifier = createIntelQuoteVerifier({ rootCaDer: env.pki.root.der });
    const gpuOpts = (n: Uint8Array) => ({ report: gpu.attest(n), certificates: [gpu.pki.deviceChainPem], rims: [gpu.driverRim(), gpu.vbiosRim()], roots, binding: { reportDataOffset: 32, hash: "sha256" as const } });
    const ok = await verifyEvidence({ evidence: quote, now: env.verifyAt, collateral: env.collateral, intelVerifier, gpu: gpuOpts(nonce) });
    expect(ok.dimensions.hardware.status).toBe("passed");
    expect(ok.dimensions.gpu).toMatchObject({ status: "passed", details: { binding: "reportData[32..64) = SHA-256(GPU nonce)" } });
    const other = await verifyEvidence({ evidence: quote, now: env.verifyAt, collateral: env.collateral, intelVerifier, gpu: gpuOpts(new Uint8Array(32)) });
    expect(other.dimensions.gpu!.check).toBe("gpu.binding");
    expect(other.overall).toBe("fail");
  });
});

describe("poc verify", () => {
  it("poc verify hopperAttestationReport.txt --certs hopperCertChain.txt: exit 0, GPU PART (no RIMs)", async () => {
    const io = capture(GPU_FIXTURES);
    expect(await main(["verify", HOPPER_REPORT, "--certs", HOPPER_CHAIN], io)).toBe(0);
    const out = io.stdout.join("\n");
    expect(out).toMatch(/evidence: nvidia-gpu/);
    expect(out).toMatch(/PART {2}GPU +report signed by a GPU whose chain ends at the pinned NVIDIA device root; driver 550\.90\.07, VBIOS 96\.00\.9f\.00\.01; measurements not compared with NVIDIA's RIMs \(no RIM given\)/);
    expect(out).toMatch(/overall: PARTIAL/);
  });
  it("--nonce checks the GPU nonce; a wrong one is exit 1 naming gpu.nonce", async () => {
    const ok = capture(GPU_FIXTURES);
    expect(await main(["verify", HOPPER_REPORT, "--certs", HOPPER_CHAIN, "--nonce", HOPPER_NONCE, "--json"], ok)).toBe(0);
    expect(JSON.parse(ok.stdout.join("\n")).dimensions.gpu.details.nonceChecked).toBe(true);
    const bad = capture(GPU_FIXTURES);
    expect(await main(["verify", HOPPER_REPORT, "--certs", HOPPER_CHAIN, "--nonce", "00".repeat(32)], bad)).toBe(1);
    expect(bad.stderr.join("\n")).toMatch(/FAIL: GPU: the GPU report answers another nonce \[gpu\.nonce\]/);
  });
  it("--rim with the sample RIMs at 2025-01-01: exit 1, the indices in --details", async () => {
    const io = capture(GPU_FIXTURES);
    expect(await main(["verify", HOPPER_REPORT, "--certs", HOPPER_CHAIN, "--rim", DRIVER_RIM, "--rim", VBIOS_RIM, "--at", String(HOPPER_VERIFY_AT), "--details"], io)).toBe(1);
    expect(io.stdout.join("\n")).toMatch(/mismatchedIndices: 1 \(vbios\), 2 \(vbios\), 3 \(vbios\), 7 \(driver\), 9 \(vbios\)/);
  });
  it("without --certs: exit 1, the chain is missing; a truncated report: exit 2", async () => {
    const io = capture(GPU_FIXTURES);
    expect(await main(["verify", HOPPER_REPORT], io)).toBe(1);
    expect(io.stderr.join("\n")).toMatch(/gpu\.chain\.empty/);
    const dir = mkdtempSync(join(tmpdir(), "poc-gpu-"));
    writeFileSync(join(dir, "short.txt"), readFileSync(join(GPU_FIXTURES, HOPPER_REPORT), "utf8").slice(0, 8000));
    const io2 = capture(dir);
    expect(await main(["verify", "short.txt"], io2)).toBe(2);
    expect(io2.stderr.join("\n")).toMatch(/short\.txt: NVIDIA GPU attestation report: bad response OpaqueData at offset 3599: expected 422 bytes, got 401 left/);
  });
  it("--gpu beside an SNP report with --gpu-binding: the simulated GPU bound to the report data", async () => {
    const dir = mkdtempSync(join(tmpdir(), "poc-gpu-"));
    const { gpu } = simulatedGpu();
    writeFileSync(join(dir, "gpu.hex"), Buffer.from(gpu.attest(parseSnpReport(snpReport).reportData.slice(0, 32))).toString("hex"));
    writeFileSync(join(dir, "gpu-chain.pem"), gpu.pki.deviceChainPem);
    writeFileSync(join(dir, "report.bin"), snpReport);
    writeFileSync(join(dir, "vcek.pem"), vcek);
    writeFileSync(join(dir, "driver.xml"), gpu.driverRim());
    writeFileSync(join(dir, "vbios.xml"), gpu.vbiosRim());
    writeFileSync(join(dir, "device-root.pem"), gpu.pki.deviceRoot.pem);
    writeFileSync(join(dir, "rim-root.pem"), gpu.pki.rimRoot.pem);
    const args = ["verify", "report.bin", "--certs", "vcek.pem", "--at", String(snpNow), "--gpu", "gpu.hex", "--gpu-certs", "gpu-chain.pem", "--gpu-binding", "0", "--rim", "driver.xml", "--rim", "vbios.xml"];
    // NVIDIA's roots are pinned by default: the simulated GPU is refused.
    const io = capture(dir);
    expect(await main(args, io)).toBe(1);
    expect(io.stderr.join("\n")).toMatch(/FAIL: GPU: .*\[gpu\.chain\.root\]/);
    // With the simulator's roots pinned explicitly: CPU and GPU pass, the nonce is bound, 33 measurements match.
    const ok = capture(dir);
    expect(await main([...args, "--gpu-device-root", "device-root.pem", "--gpu-rim-root", "rim-root.pem", "--details"], ok)).toBe(0);
    const out = ok.stdout.join("\n");
    expect(out).toMatch(/PASS {2}hardware/);
    expect(out).toMatch(/PASS {2}GPU .*all 33 active RIM measurements match; nonce bound to the CPU report data/);
    expect(out).toMatch(/binding: reportData\[0\.\.32\) = GPU nonce/);
    writeFileSync(join(dir, "bad.xml"), "<SoftwareIdentity>");
    const badRim = capture(dir);
    expect(await main([...args.slice(0, -4), "--rim", "bad.xml"], badRim)).toBe(2);
    expect(badRim.stderr.join("\n")).toMatch(/bad\.xml: NVIDIA RIM: bad XML/);
    writeFileSync(join(dir, "short-gpu.hex"), Buffer.from(gpu.attest(new Uint8Array(32)).subarray(0, 500)).toString("hex"));
    const badGpu = capture(dir);
    expect(await main(["verify", "report.bin", "--certs", "vcek.pem", "--gpu", "short-gpu.hex"], badGpu)).toBe(2);
    expect(badGpu.stderr.join("\n")).toMatch(/short-gpu\.hex: NVIDIA GPU attestation report: bad /);
    const usage = capture(dir);
    expect(await main(["verify", "report.bin", "--gpu-binding", "x"], usage)).toBe(2);
    expect(await main(["verify", "report.bin", "--rim", "a.xml"], usage)).toBe(2);
  });
});
