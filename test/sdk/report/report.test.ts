import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { hex } from "../../../sdk/src/bytes.js";
import { ParseError, VerificationError } from "../../../sdk/src/errors.js";
import {
  type IntelQuoteVerifier,
  type RegistryLookup,
  type VerificationReport,
  detectEvidence,
  overallStatus,
  renderReportText,
  verifyEvidence,
} from "../../../sdk/src/report/index.js";
import { parseTcgEventLog } from "../../../sdk/src/tpm/index.js";
import { rtmrsFromTdxV4Quote } from "../../../testkit/tdxQuoteRtmrs.js";
import { expectRejected, flip, offsets } from "./mutation.js";

const NOW = Date.UTC(2026, 10, 22) / 1000;
const file = (p: string) => new Uint8Array(readFileSync(`test/fixtures/${p}`));

/**
 * MOCK (the real Intel DCAP verifier lands in sdk/src/intel from another helper): returns a fixed
 * verdict and the quote's own RTMRs read at fixed offsets. It verifies nothing itself; these tests
 * exercise how the report uses an Intel verdict, not Intel verification.
 */
const mockIntel =
  (verdict: { tcbStatus?: string; ppid?: string; fail?: string } = {}): IntelQuoteVerifier =>
  async ({ quote }) => {
    if (verdict.fail) throw new VerificationError("intel.tcb", verdict.fail);
    const r = rtmrsFromTdxV4Quote(quote);
    return {
      teeType: "TDX",
      tcbStatus: verdict.tcbStatus ?? "UpToDate",
      advisoryIds: [],
      ppid: verdict.ppid,
      reportData: hex(quote.slice(48 + 520, 48 + 584)),
      mrtd: hex(quote.slice(48 + 136, 48 + 184)),
      rtmrs: r.map(hex) as [string, string, string, string],
    };
  };

const registry =
  (entries: Record<string, "active" | "frozen" | "revoked">): RegistryLookup =>
  async (id) => ({ status: entries[id.value] ?? "unknown", level: 2, facility: "test facility" });

describe("evidence type detection", () => {
  it.each([
    ["intel/tdx-v4/quote.bin", "intel-quote"],
    ["intel/sgx-v3/quote.bin", "intel-quote"],
    ["intel/tdx-v5-no-tcb-match/quote.bin", "intel-quote"],
    ["intel/tdx-v4-tee-fail/quote.bin", "intel-quote"],
    ["amd/milan-go-sev-guest/report.bin", "snp-report"],
    ["amd/milan-dstack/report.bin", "snp-report"],
    ["tpm/gce-cos-85-nonce9009.json", "tpm-quote"],
    ["nitro/dstack-nsm/attestation.bin", "dstack-attestation"],
    ["dstack/guest-agent-attestation.bin", "dstack-attestation"],
    ["amd/milan-dstack/attestation.scale.bin", "dstack-attestation"],
    ["dstack/quote-report.json", "dstack"],
    ["dstack/tdx-lite-getquote.json", "dstack"],
  ])("%s is %s", (p, type) => {
    expect(detectEvidence(file(p)).type).toBe(type);
  });

  it("anything else is a ParseError", () => {
    expect(() => detectEvidence(new Uint8Array(10))).toThrow(ParseError);
    expect(() => detectEvidence(new TextEncoder().encode('{"hello":1}'))).toThrow(ParseError);
    expect(() => detectEvidence(file("amd/ark-ask-milan.pem"))).toThrow(ParseError);
  });
});

describe("SEV-SNP reports", () => {
  it("milan-dstack: hardware passes; without a registry the result is partial", async () => {
    const r = await verifyEvidence({ evidence: file("amd/milan-dstack/report.bin"), certificates: [file("amd/milan-dstack/vcek.pem")], now: NOW });
    expect(r.dimensions.hardware.status).toBe("passed");
    expect(r.dimensions.registry.status).toBe("skipped");
    expect(r.hardwareId).toEqual({ kind: "amd-chip-id", value: expect.stringMatching(/^38d174589d2dff97/) });
    expect(r.overall).toBe("partial");
  });

  it("with its measurement allowed and its chip ID in the registry, the result is pass", async () => {
    const report = file("amd/milan-dstack/report.bin");
    const measurement = hex(report.slice(0x90, 0xc0));
    const chip = hex(report.slice(0x1a0, 0x1e0));
    const r = await verifyEvidence({ evidence: report, certificates: [file("amd/milan-dstack/vcek.pem")], now: NOW, allowedOsMeasurements: [measurement], registry: registry({ [chip]: "active" }) });
    expect(r.overall).toBe("pass");
    expect(r.dimensions.registry.details.facility).toBe("test facility");
  });

  it("an unregistered or frozen chip fails the registry dimension", async () => {
    const report = file("amd/milan-dstack/report.bin");
    const chip = hex(report.slice(0x1a0, 0x1e0));
    const unknown = await verifyEvidence({ evidence: report, certificates: [file("amd/milan-dstack/vcek.pem")], now: NOW, registry: registry({}) });
    expect(unknown.dimensions.registry).toMatchObject({ status: "failed", check: "registry.unknown" });
    expect(unknown.overall).toBe("fail");
    const frozen = await verifyEvidence({ evidence: report, certificates: [file("amd/milan-dstack/vcek.pem")], now: NOW, registry: registry({ [chip]: "frozen" }) });
    expect(frozen.dimensions.registry.check).toBe("registry.frozen");
  });

  it("go-sev-guest: the debug policy fails the hardware dimension even though every signature verifies", async () => {
    const r = await verifyEvidence({ evidence: file("amd/milan-go-sev-guest/report.bin"), certificates: [file("amd/milan-go-sev-guest/vcek.der")], now: NOW });
    expect(r.dimensions.hardware).toMatchObject({ status: "failed", check: "snp.policy.debug" });
    expect(r.overall).toBe("fail");
  });

  it("a measurement off the allowed list fails the OS dimension", async () => {
    const r = await verifyEvidence({ evidence: file("amd/milan-dstack/report.bin"), certificates: [file("amd/milan-dstack/vcek.pem")], now: NOW, allowedOsMeasurements: ["00".repeat(48)] });
    expect(r.dimensions.operatingSystem.status).toBe("failed");
  });

  it("without the VCEK, hardware fails with the reason", async () => {
    const r = await verifyEvidence({ evidence: file("amd/milan-dstack/report.bin"), now: NOW });
    expect(r.dimensions.hardware).toMatchObject({ status: "failed", check: "snp.vcek.missing" });
  });
});

describe("TPM, Nitro and dstack evidence", () => {
  it("the GCE TPM attestation with nonce 0x9009 and its event log passes every applicable dimension", async () => {
    const r = await verifyEvidence({ evidence: file("tpm/gce-cos-85-nonce9009.json"), now: NOW, tpmNonce: "9009", tpmEventLog: file("tpm/gce-cos-85-nonce9009.eventlog.bin") });
    expect(r.overall).toBe("pass");
    expect(r.dimensions.tpmBinding.details.banks).toEqual(["SHA1", "SHA256", "SHA384"]);
  });

  it("the TPM report says which event data was verified, partly verified (only a part hashed) or not", async () => {
    const r = await verifyEvidence({ evidence: file("tpm/gce-cos-85-nonce9009.json"), now: NOW, tpmNonce: "9009", tpmEventLog: file("tpm/gce-cos-85-nonce9009.eventlog.bin") });
    const d = r.dimensions.operatingSystem;
    expect(d.reason).toMatch(/event data verified for 22 of 44 events, partly for 18, not for 4/);
    expect(d.details).toMatchObject({ eventDataVerified: 22, eventDataPartlyVerified: 18, eventDataUnverified: 4 });
    expect(d.details.verifiedEventData).toContain("#3 PCR7 EV_EFI_VARIABLE_DRIVER_CONFIG");
    expect(d.details.partlyVerifiedEventData).toContain("#9 PCR1 EV_EFI_VARIABLE_BOOT");
    expect(d.details.unverifiedEventData).toEqual(["#22 PCR4 EV_EFI_BOOT_SERVICES_APPLICATION", "#23 PCR4 EV_EFI_BOOT_SERVICES_APPLICATION", "#39 PCR9 EV_IPL", "#40 PCR4 EV_EFI_BOOT_SERVICES_APPLICATION"]);
  });

  it("an event log whose data lies under consistent digests fails the OS dimension with tpm.eventlog.eventData", async () => {
    const log = file("tpm/gce-cos-85-nonce9009.eventlog.bin");
    const at = secureBootAt(log);
    expect(log[at]).toBe(1);
    const lying = log.slice();
    lying[at] = 0;
    const r = await verifyEvidence({ evidence: file("tpm/gce-cos-85-nonce9009.json"), now: NOW, tpmNonce: "9009", tpmEventLog: lying });
    expect(r.dimensions.operatingSystem).toMatchObject({ status: "failed", check: "tpm.eventlog.eventData" });
    expect(r.dimensions.operatingSystem.reason).toMatch(/event 3 .*PCR 7/);
    expect(r.overall).toBe("fail");
  });

  it("without a nonce the TPM binding is skipped (freshness unproven); a wrong nonce fails it", async () => {
    const none = await verifyEvidence({ evidence: file("tpm/gce-cos-85-nonce9009.json"), now: NOW });
    expect(none.dimensions.tpmBinding.status).toBe("skipped");
    expect(none.overall).toBe("partial");
    const wrong = await verifyEvidence({ evidence: file("tpm/gce-cos-85-nonce9009.json"), now: NOW, tpmNonce: "1234" });
    expect(wrong.dimensions.tpmBinding.check).toBe("tpm.quote.nonce");
    expect(wrong.overall).toBe("fail");
  });

  it("the Nitro document passes at its own timestamp and fails a day later", async () => {
    const ok = await verifyEvidence({ evidence: file("nitro/dstack-nsm/attestation.bin"), now: 1766668537 });
    expect(ok.dimensions.hardware.status).toBe("passed");
    expect(ok.dimensions.hardware.details.moduleId).toBe("i-0827e799ec9232d44-enc019b55a68bd2ed4b");
    const pcr0 = String(ok.dimensions.operatingSystem.details.pcr0);
    const allowed = await verifyEvidence({ evidence: file("nitro/dstack-nsm/attestation.bin"), now: 1766668537, allowedOsMeasurements: [pcr0] });
    expect(allowed.overall).toBe("pass");
    const late = await verifyEvidence({ evidence: file("nitro/dstack-nsm/attestation.bin"), now: 1766668537 + 86400 });
    expect(late.overall).toBe("fail");
  });

  it("dstack quote + event log, with an injected Intel verifier: OS and application come from the replayed log", async () => {
    const r = await verifyEvidence({ evidence: file("dstack/quote-report.json"), now: NOW, intelVerifier: mockIntel({ ppid: "811dca2a26b952e85bb6448b097ba4fd" }) });
    expect(r.dimensions.hardware.status).toBe("passed");
    expect(r.dimensions.operatingSystem.status).toBe("passed");
    expect(r.dimensions.application).toMatchObject({ status: "passed", details: { appId: "3763bc34552cf3a27ff71ad5f7a90471562a1a2d" } });
    expect(r.dimensions.registry.status).toBe("skipped");
    expect(r.overall).toBe("partial");
    const allowed = await verifyEvidence({
      evidence: file("dstack/quote-report.json"),
      now: NOW,
      intelVerifier: mockIntel({ ppid: "811dca2a26b952e85bb6448b097ba4fd" }),
      allowedAppIds: ["00"],
    });
    expect(allowed.dimensions.application.check).toBe("app.appId");
  });

  it("a tampered dstack event log fails OS or application, never passes", async () => {
    const j = JSON.parse(readFileSync("test/fixtures/dstack/quote-report.json", "utf8"));
    const ev = JSON.parse(j.event_log);
    ev[22].event_payload = "00".repeat(32);
    ev[22].digest = "";
    const r = await verifyEvidence({ evidence: new TextEncoder().encode(JSON.stringify({ ...j, event_log: JSON.stringify(ev) })), now: NOW, intelVerifier: mockIntel() });
    expect(r.overall).toBe("fail");
    expect(r.dimensions.application.check).toBe("eventlog.rtmr3");
  });

  it("without an Intel verifier, Intel evidence is partial with the reason", async () => {
    const r = await verifyEvidence({ evidence: file("dstack/quote-report.json"), now: NOW });
    expect(r.dimensions.hardware.reason).toMatch(/no Intel DCAP verifier/);
    expect(r.overall).toBe("partial");
  });
});

describe("the TEE.fail quote: valid signatures, unregistered hardware", () => {
  it("passes hardware (per the injected verifier) and fails the Proof-of-Cloud registry", async () => {
    const r = await verifyEvidence({
      evidence: file("intel/tdx-v4-tee-fail/quote.bin"),
      now: NOW,
      intelVerifier: mockIntel({ ppid: "ea13c3903ba2db3b83fed09efb90c417" }),
      registry: registry({ "811dca2a26b952e85bb6448b097ba4fd": "active" }),
    });
    expect(r.dimensions.hardware.status).toBe("passed");
    expect(r.hardwareId).toEqual({ kind: "intel-ppid", value: "ea13c3903ba2db3b83fed09efb90c417" });
    expect(r.dimensions.registry).toMatchObject({ status: "failed", check: "registry.unknown" });
    expect(r.overall).toBe("fail");
  });

  it("an Intel verifier rejection (e.g. no matching TCB level) fails hardware", async () => {
    const r = await verifyEvidence({ evidence: file("intel/tdx-v5-no-tcb-match/quote.bin"), now: NOW, intelVerifier: mockIntel({ fail: "No matching TCB level found" }) });
    expect(r.dimensions.hardware).toMatchObject({ status: "failed", check: "intel.tcb" });
    expect(r.overall).toBe("fail");
  });

  it("an unaccepted TCB status fails hardware", async () => {
    const r = await verifyEvidence({ evidence: file("intel/tdx-v4/quote.bin"), now: NOW, intelVerifier: mockIntel({ tcbStatus: "OutOfDate" }) });
    expect(r.dimensions.hardware.check).toBe("intel.tcbStatus");
  });
});

describe("overall status and rendering", () => {
  const d = (status: "passed" | "failed" | "skipped", applicable = true) => ({ status, applicable, reason: "r", details: {} });
  it("fail if any failed; pass if all applicable passed; partial otherwise", () => {
    expect(overallStatus({ hardware: d("passed"), operatingSystem: d("passed"), application: d("skipped", false), tpmBinding: d("skipped", false), registry: d("passed") })).toBe("pass");
    expect(overallStatus({ hardware: d("passed"), operatingSystem: d("skipped"), application: d("skipped", false), tpmBinding: d("skipped", false), registry: d("passed") })).toBe("partial");
    expect(overallStatus({ hardware: d("passed"), operatingSystem: d("passed"), application: d("failed"), tpmBinding: d("skipped", false), registry: d("passed") })).toBe("fail");
  });

  it("the text report has one line per dimension and the overall verdict; JSON round-trips", async () => {
    const r: VerificationReport = await verifyEvidence({ evidence: file("amd/milan-dstack/report.bin"), certificates: [file("amd/milan-dstack/vcek.pem")], now: NOW });
    const text = renderReportText(r);
    for (const label of ["hardware", "operating system", "application", "TPM binding", "Proof-of-Cloud registry"]) expect(text).toContain(label);
    expect(text).toMatch(/overall: PARTIAL$/);
    expect(JSON.parse(JSON.stringify(r))).toEqual(r);
    expect(renderReportText(r, { details: true })).toContain("productLine: Milan");
  });
});

describe("mutated evidence never yields a passing report", () => {
  it("SNP report flips: hardware never passes", async () => {
    const report = file("amd/milan-dstack/report.bin");
    for (const at of offsets(0, 0x330, 5)) {
      const o = await expectRejected(async () => {
        const r = await verifyEvidence({ evidence: flip(report, at), certificates: [file("amd/milan-dstack/vcek.pem")], now: NOW });
        if (r.dimensions.hardware.status === "passed") return r;
        throw new VerificationError(r.dimensions.hardware.check ?? "x", r.dimensions.hardware.reason);
      }, `flip ${at}`);
      expect(["parse", "verification"]).toContain(o);
    }
  });
});

/** Event 3 of the GCE log (SecureBoot, PCR 7): its one value byte, 52 bytes into the event data. */
function secureBootAt(log: Uint8Array): number {
  const e = parseTcgEventLog(log).events[2]!;
  return e.offset + 4 + 4 + 4 + (2 + 20) + (2 + 32) + (2 + 48) + 4 + 52;
}
