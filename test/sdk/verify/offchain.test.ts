/**
 * `poc verify` on every real fixture (test/fixtures/PROVENANCE.md), offchain: the evidence type is
 * detected, the report's dimensions and JSON fields are the expected ones, and the exit code follows
 * the documented rule (0 verified, 1 failed or not verified, 2 bad input).
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hex } from "../../../sdk/src/bytes.js";
import { main } from "../../../cli/main.js";
import { DIMENSION_LABELS, DIMENSION_NAMES, createIntelQuoteVerifier, verifyEvidence } from "../../../sdk/src/report/index.js";
import { startPcsStandIn, type PcsStandIn } from "../intel/pcsStandIn.js";
import { AT, FIXTURES, PPID, capture, reportOf } from "./helpers.js";

async function verify(...argv: string[]) {
  const io = capture();
  const code = await main(["verify", ...argv], io);
  return { io, code };
}
async function verifyJson(...argv: string[]) {
  const { io, code } = await verify(...argv, "--json");
  return { io, code, report: reportOf(io) };
}

describe("Intel quotes with collateral: exit 0 only for a quote that verifies", () => {
  it("tdx-v4: hardware passes (UpToDate); the JSON names status, advisoryIds, ppid, fmspc, teeType and the registers", async () => {
    const { code, report } = await verifyJson("intel/tdx-v4/quote.bin", "--collateral", "intel/tdx-v4/collateral.json", "--at", String(AT.tdxV4));
    expect(code).toBe(0);
    expect(report).toMatchObject({ schema: "poc.verification-report/1", evidenceType: "intel-quote", tee: "intel-tdx", verifiedAt: AT.tdxV4, overall: "partial" });
    expect(report.dimensions.hardware).toMatchObject({ status: "passed", details: { tcbStatus: "UpToDate", ppid: PPID.tdxV4, fmspc: "b0c06f000000" } });
    expect(report.intel).toMatchObject({ scope: "full", tcbStatus: "UpToDate", advisoryIds: [], ppid: PPID.tdxV4, fmspc: "b0c06f000000", teeType: "TDX", quoteVersion: 4 });
    expect(Object.keys(report.intel!.registers!)).toEqual(expect.arrayContaining(["mrTd", "rtmr0", "rtmr1", "rtmr2", "rtmr3", "mrConfigId", "mrOwner"]));
    expect(report.hardwareId).toEqual({ kind: "intel-ppid", value: PPID.tdxV4 });
    expect(report.dimensions.registry).toMatchObject({ status: "skipped", applicable: true, reason: "no registry given" });
    expect(report.onchain).toBeUndefined();
  });

  it("the text report: one line per dimension with its mark and reason, then the overall result", async () => {
    const { io, code } = await verify("intel/tdx-v4/quote.bin", "--collateral", "intel/tdx-v4/collateral.json", "--at", String(AT.tdxV4));
    expect(code).toBe(0);
    for (const n of DIMENSION_NAMES) expect(io.stdout.filter((l) => l.includes(`  ${DIMENSION_LABELS[n]}  `) || l.includes(`  ${DIMENSION_LABELS[n]} `))).toHaveLength(1);
    expect(io.stdout).toContainEqual(expect.stringMatching(/^ {2}PASS {2}hardware +quote and PCK chain verify to the Intel root; TCB UpToDate$/));
    expect(io.stdout).toContainEqual(expect.stringMatching(/^ {2}SKIP {2}Proof-of-Cloud registry +no registry given$/));
    expect(io.stdout.at(-1)).toBe("overall: PARTIAL");
    expect(io.stderr).toEqual([]);
  });

  it("sgx-v3: TCB warnings pass hardware with the advisories; --require-up-to-date fails it (exit 1)", async () => {
    const { code, report } = await verifyJson("intel/sgx-v3/quote.bin", "--collateral", "intel/sgx-v3/collateral.json", "--at", String(AT.sgxV3));
    expect(code).toBe(0);
    expect(report.tee).toBe("intel-sgx");
    expect(report.intel).toMatchObject({ tcbStatus: "ConfigurationAndSWHardeningNeeded", advisoryIds: ["INTEL-SA-00289", "INTEL-SA-00615"], ppid: PPID.sgxV3, teeType: "SGX" });
    expect(report.dimensions.hardware.reason).toMatch(/INTEL-SA-00289, INTEL-SA-00615/);
    const strictTcb = await verifyJson("intel/sgx-v3/quote.bin", "--collateral", "intel/sgx-v3/collateral.json", "--at", String(AT.sgxV3), "--require-up-to-date");
    expect(strictTcb.code).toBe(1);
    expect(strictTcb.report.dimensions.hardware).toMatchObject({ status: "failed", check: "intel.tcbStatus" });
  });

  it("tdx-v5-no-tcb-match: hardware fails (exit 1) with one stderr line naming the check", async () => {
    const { io, code } = await verify("intel/tdx-v5-no-tcb-match/quote.bin", "--collateral", "intel/tdx-v5-no-tcb-match/collateral.json", "--at", String(AT.tdxV5));
    expect(code).toBe(1);
    expect(io.stderr).toHaveLength(1);
    expect(io.stderr[0]).toMatch(/^FAIL: hardware: .*\[tcb\.noMatch\]$/);
    expect(io.stdout.at(-1)).toBe("overall: FAIL");
  });

  it("expired collateral (default --at is now) fails hardware, exit 1", async () => {
    const { code, report } = await verifyJson("intel/tdx-v4/quote.bin", "--collateral", "intel/tdx-v4/collateral.json");
    expect(code).toBe(1);
    expect(report.dimensions.hardware.status).toBe("failed");
  });

  it("--allowed-os judges MRTD: on the list passes the OS dimension, off it fails (exit 1)", async () => {
    const base = ["intel/tdx-v4/quote.bin", "--collateral", "intel/tdx-v4/collateral.json", "--at", String(AT.tdxV4)];
    const first = await verifyJson(...base);
    const mrtd = String(first.report.dimensions.operatingSystem.details.mrtd);
    expect(mrtd).toBe(first.report.intel!.mrtd);
    const ok = await verifyJson(...base, "--allowed-os", `0x${mrtd}`);
    expect(ok.report.dimensions.operatingSystem.status).toBe("passed");
    expect(ok.code).toBe(0);
    const off = await verifyJson(...base, "--allowed-os", "00".repeat(48));
    expect(off.report.dimensions.operatingSystem).toMatchObject({ status: "failed", check: "os.measurement" });
    expect(off.code).toBe(1);
  });

  it("--strict: exit 0 only for an overall PASS (a bare quote without a registry is PARTIAL)", async () => {
    const { code } = await verify("intel/tdx-v4/quote.bin", "--collateral", "intel/tdx-v4/collateral.json", "--at", String(AT.tdxV4), "--strict");
    expect(code).toBe(1);
  });

  it("accepts the quote as hex text", async () => {
    const dir = mkdtempSync(join(tmpdir(), "poc-verify-"));
    writeFileSync(join(dir, "quote.hex"), "0x" + hex(readFileSync(join(FIXTURES, "intel/tdx-v4/quote.bin"))) + "\n");
    const { code, report } = await verifyJson(join(dir, "quote.hex"), "--collateral", "intel/tdx-v4/collateral.json", "--at", String(AT.tdxV4));
    expect(code).toBe(0);
    expect(report.intel?.ppid).toBe(PPID.tdxV4);
  });

  describe("--collateral <url> (local PCS stand-in: no PCS is reachable here)", () => {
    let pcs: PcsStandIn;
    beforeAll(async () => (pcs = await startPcsStandIn()));
    afterAll(() => pcs.close());
    it("fetches collateral from the URL and verifies", async () => {
      const { io, code, report } = await verifyJson("intel/tdx-v4/quote.bin", "--collateral", pcs.baseUrl, "--at", String(AT.tdxV4));
      expect(code).toBe(0);
      expect(report.intel?.tcbStatus).toBe("UpToDate");
      expect(io.progressLines.join("\n")).toMatch(/fetching collateral/);
    });
    it("an unreachable URL is one line and exit 2", async () => {
      const { io, code } = await verify("intel/tdx-v4/quote.bin", "--collateral", "http://127.0.0.1:1", "--at", String(AT.tdxV4));
      expect(code).toBe(2);
      expect(io.stderr).toHaveLength(1);
      expect(io.stderr[0]).toMatch(/^poc verify: .*collateral fetch failed/);
    });
  });
});

describe("Intel quotes without collateral: signatures only, a partial hardware result", () => {
  it("the TEE.fail quote: signatures and PCK chain verify, TCB not evaluated → PART, exit 1", async () => {
    const { io, code } = await verify("intel/tdx-v4-tee-fail/quote.bin", "--at", String(AT.teeFail));
    expect(code).toBe(1);
    expect(io.stdout).toContainEqual(expect.stringMatching(/^ {2}PART {2}hardware +.*TCB status not evaluated: no collateral given$/));
    expect(io.stderr).toEqual([expect.stringMatching(/^NOT VERIFIED: hardware: /)]);
  });

  it("--signatures-only counts the signature check as verified: exit 0, PPID reported", async () => {
    const { code, report } = await verifyJson("intel/tdx-v4-tee-fail/quote.bin", "--signatures-only", "--at", String(AT.teeFail));
    expect(code).toBe(0);
    expect(report.dimensions.hardware.status).toBe("partial");
    expect(report.intel).toMatchObject({ scope: "signatures", tcbStatus: "NotEvaluated", ppid: PPID.teeFail, fmspc: "c0806f000000" });
    expect(report.overall).toBe("partial");
  });
});

describe("dstack quote + event log", () => {
  for (const name of ["quote-report", "tdx-lite-getquote"]) {
    it(`${name}: the log replays RTMR0–3 of the signature-checked quote; hardware partial without collateral (exit 1, 0 with --signatures-only)`, async () => {
      const { code, report } = await verifyJson(`dstack/${name}.json`, "--at", String(AT.now));
      expect(report.evidenceType).toBe("dstack");
      expect(report.dimensions.hardware.status).toBe("partial");
      expect(report.dimensions.operatingSystem.status).toBe("passed");
      expect(report.dimensions.application.status).toBe("passed");
      expect(report.dimensions.application.details.composeHash).toMatch(/^[0-9a-f]{64}$/);
      expect(code).toBe(1);
      expect((await verify(`dstack/${name}.json`, "--at", String(AT.now), "--signatures-only")).code).toBe(0);
    });
  }

  it("quote-report: --allowed-app with its app-id passes, another app-id fails the application (exit 1)", async () => {
    const args = ["dstack/quote-report.json", "--at", String(AT.now), "--signatures-only"];
    const ok = await verifyJson(...args, "--allowed-app", "3763bc34552cf3a27ff71ad5f7a90471562a1a2d");
    expect(ok.report.dimensions.application.status).toBe("passed");
    expect(ok.code).toBe(0);
    const off = await verifyJson(...args, "--allowed-app", "00".repeat(20));
    expect(off.report.dimensions.application).toMatchObject({ status: "failed", check: "app.appId" });
    expect(off.code).toBe(1);
    const compose = await verifyJson(...args, "--allowed-compose", "11".repeat(32));
    expect(compose.report.dimensions.application.check).toBe("app.composeHash");
  });

  it("--compose with a file that is not the app's compose fails the application", async () => {
    const { code, report } = await verifyJson("dstack/quote-report.json", "--at", String(AT.now), "--signatures-only", "--compose", "PROVENANCE.md");
    expect(report.dimensions.application.status).toBe("failed");
    expect(code).toBe(1);
  });
});

describe("AMD SEV-SNP reports", () => {
  it("milan-dstack with its VCEK (--certs PEM): hardware passes, chip ID named, exit 0", async () => {
    const { code, report } = await verifyJson("amd/milan-dstack/report.bin", "--certs", "amd/milan-dstack/vcek.pem", "--at", String(AT.now));
    expect(code).toBe(0);
    expect(report).toMatchObject({ evidenceType: "snp-report", tee: "amd-sev-snp", overall: "partial" });
    expect(report.dimensions.hardware).toMatchObject({ status: "passed", details: { productLine: "Milan", signingKey: "VCEK" } });
    expect(report.hardwareId?.value).toMatch(/^38d174589d2dff97/);
  });

  it("milan-dstack with --allowed-os set to its measurement: OS passes", async () => {
    const m = hex(readFileSync(join(FIXTURES, "amd/milan-dstack/report.bin")).subarray(0x90, 0xc0));
    const { report } = await verifyJson("amd/milan-dstack/report.bin", "--certs", "amd/milan-dstack/vcek.pem", "--at", String(AT.now), "--allowed-os", m);
    expect(report.dimensions.operatingSystem.status).toBe("passed");
  });

  it("--certs repeated: the VCEK plus the ASK and an ARK bundle (the pinned ARK is compared, never trusted from the file)", async () => {
    const { code, report } = await verifyJson("amd/milan-dstack/report.bin", "--certs", "amd/milan-dstack/vcek.pem", "--certs", "amd/milan-dstack/ask.pem", "--certs", "amd/ark-ask-milan.pem", "--at", String(AT.now));
    expect(code).toBe(0);
    expect(report.dimensions.hardware.details.productLine).toBe("Milan");
  });

  it("--json is exactly the SDK's VerificationReport for the same inputs", async () => {
    const { report } = await verifyJson("amd/milan-dstack/report.bin", "--certs", "amd/milan-dstack/vcek.pem", "--at", String(AT.now));
    const sdk = await verifyEvidence({ evidence: new Uint8Array(readFileSync(join(FIXTURES, "amd/milan-dstack/report.bin"))), certificates: [new Uint8Array(readFileSync(join(FIXTURES, "amd/milan-dstack/vcek.pem")))], now: AT.now, intelVerifier: createIntelQuoteVerifier() });
    expect(report).toEqual(JSON.parse(JSON.stringify(sdk)));
  });

  it("milan-dstack without the VCEK: hardware fails with the reason (exit 1)", async () => {
    const { code, report } = await verifyJson("amd/milan-dstack/report.bin", "--at", String(AT.now));
    expect(code).toBe(1);
    expect(report.dimensions.hardware).toMatchObject({ status: "failed", check: "snp.vcek.missing" });
  });

  it("milan-go-sev-guest (--certs DER): every signature verifies but the debug policy fails hardware (exit 1)", async () => {
    const { code, report } = await verifyJson("amd/milan-go-sev-guest/report.bin", "--certs", "amd/milan-go-sev-guest/vcek.der", "--at", String(AT.now));
    expect(code).toBe(1);
    expect(report.dimensions.hardware).toMatchObject({ status: "failed", check: "snp.policy.debug" });
    expect(report.hardwareId?.value).toMatch(/^3ac3fe21e13fb099/);
  });
});

describe("TPM attestation (GCE vTPM)", () => {
  const tpm = ["tpm/gce-cos-85-nonce9009.json", "--at", String(AT.now)];
  it("with nonce 0x9009 and the event log: every applicable dimension passes, overall PASS, exit 0 (also --strict)", async () => {
    const { code, report } = await verifyJson(...tpm, "--nonce", "0x9009", "--event-log", "tpm/gce-cos-85-nonce9009.eventlog.bin");
    expect(code).toBe(0);
    expect(report.overall).toBe("pass");
    expect(report.dimensions.tpmBinding.details.banks).toEqual(["SHA1", "SHA256", "SHA384"]);
    expect((await verify(...tpm, "--nonce", "9009", "--event-log", "tpm/gce-cos-85-nonce9009.eventlog.bin", "--strict")).code).toBe(0);
  });
  it("without a nonce: the binding is skipped (freshness unproven), exit 0; --strict exits 1", async () => {
    const { code, report } = await verifyJson(...tpm);
    expect(report.dimensions.tpmBinding.status).toBe("skipped");
    expect(code).toBe(0);
    expect((await verify(...tpm, "--strict")).code).toBe(1);
  });
  it("a wrong nonce fails the binding (exit 1)", async () => {
    const { code, report } = await verifyJson(...tpm, "--nonce", "1234");
    expect(report.dimensions.tpmBinding.check).toBe("tpm.quote.nonce");
    expect(code).toBe(1);
  });
});

describe("AWS Nitro attestation document", () => {
  it("at its own timestamp: hardware passes, module ID named, exit 0", async () => {
    const { code, report } = await verifyJson("nitro/dstack-nsm/attestation.bin", "--at", String(AT.nitro));
    expect(code).toBe(0);
    expect(report.dimensions.hardware.details.moduleId).toBe("i-0827e799ec9232d44-enc019b55a68bd2ed4b");
    expect(String(report.dimensions.operatingSystem.details.pcr0)).toMatch(/^5cb702954321826d/);
  });
  it("a day later the leaf certificate has expired: exit 1", async () => {
    const { code, report } = await verifyJson("nitro/dstack-nsm/attestation.bin", "--at", String(AT.nitro + 86400));
    expect(report.overall).toBe("fail");
    expect(code).toBe(1);
  });
});

describe("bad input: one clear line on stderr, exit 2, never a stack trace", () => {
  const dir = mkdtempSync(join(tmpdir(), "poc-verify-bad-"));
  const cut = (src: string, n: number, name: string) => {
    const p = join(dir, name);
    writeFileSync(p, readFileSync(join(FIXTURES, src)).subarray(0, n));
    return p;
  };
  const cases: [string, string[], RegExp][] = [
    ["a missing file", ["missing.bin"], /^poc verify: cannot read evidence file missing\.bin/],
    ["a truncated TDX quote", [cut("intel/tdx-v4/quote.bin", 700, "cut-quote.bin"), "--collateral", "intel/tdx-v4/collateral.json", "--at", String(AT.tdxV4)], /cut-quote\.bin: Intel quote: bad .* at offset \d+/],
    ["a truncated TDX quote without collateral", [cut("intel/tdx-v4/quote.bin", 1200, "cut2.bin")], /cut2\.bin: Intel quote: bad .* at offset \d+/],
    ["a truncated SNP report", [cut("amd/milan-dstack/report.bin", 1000, "cut-snp.bin")], /cut-snp\.bin: evidence: bad format at offset 0/],
    ["a truncated TPM JSON", [cut("tpm/gce-cos-85-nonce9009.json", 5000, "cut-tpm.json")], /cut-tpm\.json: evidence: bad format/],
    ["a truncated Nitro document", [cut("nitro/dstack-nsm/attestation.bin", 2000, "cut-nitro.bin"), "--at", String(AT.nitro)], /cut-nitro\.bin: .*bad .* at offset \d+/],
    ["a truncated dstack JSON", [cut("dstack/quote-report.json", 9000, "cut-dstack.json")], /cut-dstack\.json: evidence: bad format/],
    ["an empty file", [cut("intel/tdx-v4/quote.bin", 0, "empty.bin")], /empty\.bin: evidence: bad format/],
    ["a text file", ["PROVENANCE.md"], /PROVENANCE\.md: evidence: bad format at offset 0: expected an Intel SGX\/TDX quote/],
    ["a quote as collateral", ["intel/tdx-v4/quote.bin", "--collateral", "intel/tdx-v4/quote.bin"], /intel\/tdx-v4\/quote\.bin: Intel collateral: bad json/],
    ["a report as a certificate", ["amd/milan-dstack/report.bin", "--certs", "amd/milan-dstack/report.bin"], /report\.bin: certificate file: bad certificate at offset 0: expected tag 0x30/],
    ["a missing certificate file", ["amd/milan-dstack/report.bin", "--certs", "nope.pem"], /cannot read certificate file nope\.pem/],
  ];
  for (const [what, argv, message] of cases) {
    it(what, async () => {
      const { io, code } = await verify(...argv);
      expect(code).toBe(2);
      expect(io.stderr).toHaveLength(1);
      expect(io.stderr[0]).toMatch(message);
      expect(io.stdout).toEqual([]);
    });
  }

  const usageCases: [string, string[], RegExp][] = [
    ["--at not a number", ["intel/tdx-v4/quote.bin", "--at", "yesterday"], /--at must be a unix time/],
    ["no evidence", [], /expected exactly one evidence file/],
    ["--onchain on an SNP report", ["amd/milan-dstack/report.bin", "--onchain"], /--onchain verifies Intel quotes/],
    ["--collateral for an SNP report", ["amd/milan-dstack/report.bin", "--collateral", "intel/tdx-v4/collateral.json"], /--collateral is Intel collateral/],
    ["--onchain on the embedded chain without collateral", ["intel/tdx-v4/quote.bin", "--onchain"], /needs --collateral/],
    ["--signatures-only with --onchain", ["intel/tdx-v4/quote.bin", "--signatures-only", "--onchain"], /exclude each other/],
    ["--signatures-only with --collateral", ["intel/tdx-v4/quote.bin", "--signatures-only", "--collateral", "intel/tdx-v4/collateral.json"], /exclude each other/],
    ["--verifier without --onchain", ["intel/tdx-v4/quote.bin", "--verifier", "0x" + "11".repeat(20)], /--verifier needs --onchain/],
    ["a non-hex --allowed-os", ["intel/tdx-v4/quote.bin", "--allowed-os", "xyz"], /--allowed-os: not hex/],
    ["an unknown flag", ["intel/tdx-v4/quote.bin", "--frobnicate"], /unknown flag --frobnicate/],
  ];
  for (const [what, argv, message] of usageCases) {
    it(`usage: ${what}`, async () => {
      const { io, code } = await verify(...argv);
      expect(code).toBe(2);
      expect(io.stderr[0]).toMatch(message);
      expect(io.stderr.join("\n")).not.toMatch(/\n\s+at /);
    });
  }

  it("--help documents the exit-code rule", async () => {
    const { io, code } = await verify("--help");
    expect(code).toBe(0);
    const text = io.stdout.join("\n");
    expect(text).toMatch(/exit codes:/);
    expect(text).toMatch(/0 {2}no dimension failed and the evidence itself verified/);
    expect(text).toMatch(/--onchain/);
  });
});
