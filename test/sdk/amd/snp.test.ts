import { readFileSync } from "node:fs";
import { X509Certificate } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  GENOA_ASK_ARK_PEM,
  TURIN_ARK_PEM,
  SNP_SIGNED_LENGTH,
  decodeTcb,
  isChipIdMasked,
  parseSnpReport,
  pinnedSnpArks,
  productLineFromCpuid,
  snpHardwareId,
  verifySnpReport,
} from "../../../sdk/src/amd/index.js";
import { ParseError, VerificationError } from "../../../sdk/src/errors.js";
import { parseCertificates } from "../../../sdk/src/pki/x509.js";
import { expectRejected, flip, offsets, truncations } from "../report/mutation.js";

const F = "test/fixtures/amd";
const NOW = Date.UTC(2026, 10, 22) / 1000;
const goReport = new Uint8Array(readFileSync(`${F}/milan-go-sev-guest/report.bin`));
const goVcek = new Uint8Array(readFileSync(`${F}/milan-go-sev-guest/vcek.der`));
const dsReport = new Uint8Array(readFileSync(`${F}/milan-dstack/report.bin`));
const dsVcek = readFileSync(`${F}/milan-dstack/vcek.pem`, "utf8");
const dsAsk = readFileSync(`${F}/milan-dstack/ask.pem`, "utf8");

describe("SEV-SNP fixtures give their expected results", () => {
  it("milan-go-sev-guest (v2): ARK → ASK → VCEK → report verify; chip_id 3ac3fe21e13fb099; the debug policy is refused", async () => {
    const r = await verifySnpReport({ report: goReport, certificates: [goVcek], now: NOW, allowDebug: true });
    expect(r.report.version).toBe(2);
    expect(r.productLine).toBe("Milan");
    expect(r.endorsementKey.kind).toBe("VCEK");
    expect(r.chipId!.startsWith("3ac3fe21e13fb099")).toBe(true);
    expect(r.debug).toBe(true);
    expect(r.reportedTcb).toMatchObject({ bootloader: 2, tee: 0, snp: 5, microcode: 68 });
    // The VCEK here has serial number 0 (non-positive): tolerated.
    expect(r.endorsementKey.certificate.serialNumber).toBe("00");
    const e = await verifySnpReport({ report: goReport, certificates: [goVcek], now: NOW }).catch((x) => x);
    expect(e).toBeInstanceOf(VerificationError);
    expect(e.check).toBe("snp.policy.debug");
  });

  it("milan-dstack (v3): verifies with the Milan ARK; report_data and chip_id as documented", async () => {
    const r = await verifySnpReport({ report: dsReport, certificates: [dsVcek, dsAsk], now: NOW });
    expect(r.report.version).toBe(3);
    expect(r.report.cpuid).toEqual({ family: 0x19, model: 1, stepping: 1 });
    expect(r.chipId!.startsWith("38d174589d2dff97")).toBe(true);
    expect(new TextDecoder().decode(r.report.reportData).replace(/\0+$/, "")).toBe("attest-test-fixture-2026");
    expect(r.debug).toBe(false);
    expect(r.policyFlags).toContain("smt-allowed");
    // Out-of-date TCB is informational: current (snp 24) is newer than reported (snp 23).
    expect(r.currentTcb.snp).toBeGreaterThan(r.reportedTcb.snp);
  });

  it("the pinned ASK is used when the evidence does not carry one", async () => {
    const r = await verifySnpReport({ report: dsReport, certificates: [dsVcek], now: NOW });
    expect(r.productLine).toBe("Milan");
  });
});

describe("trust anchors are pinned per product line", () => {
  it("Milan, Genoa and Turin ARKs are pinned and self-signed", async () => {
    const arks = pinnedSnpArks();
    expect(Object.keys(arks).sort()).toEqual(["Genoa", "Milan", "Turin"]);
    const turin = new X509Certificate(TURIN_ARK_PEM);
    expect(turin.subject).toMatch(/CN=ARK-Turin/);
    expect(turin.verify(turin.publicKey)).toBe(true);
    expect(turin.fingerprint256.replace(/:/g, "").toLowerCase()).toBe("1f084161a44bb6d93778a904877d4819cafa5d05ef4193b2ded9dd9c73dd3f6a");
    const e = await verifySnpReport({ report: dsReport, certificates: [dsVcek], now: NOW, productLine: "Turin" }).catch((x) => x);
    expect(e).toBeInstanceOf(VerificationError);
    // CPUID says Milan: forcing another line is refused before any ARK is consulted.
    expect(e.check).toBe("snp.productLine");
  });

  it("a Milan VCEK does not chain to the Genoa ARK", async () => {
    const [, genoaArk] = parseCertificates(GENOA_ASK_ARK_PEM);
    const e = await verifySnpReport({ report: goReport, certificates: [goVcek], now: NOW, allowDebug: true, arks: { Milan: { ark: genoaArk! } } }).catch((x) => x);
    expect(e).toBeInstanceOf(VerificationError);
  });

  it("a product line without a trust anchor is a clear error", async () => {
    const e = await verifySnpReport({ report: goReport, certificates: [goVcek], now: NOW, productLine: "Turin", arks: { Turin: undefined } }).catch((x) => x);
    expect(e).toBeInstanceOf(VerificationError);
    expect(e.check).toBe("snp.ark.missing");
  });

  it("a Milan VCEK does not chain to the pinned Turin ARK", async () => {
    const e = await verifySnpReport({ report: goReport, certificates: [goVcek], now: NOW, productLine: "Turin", allowDebug: true }).catch((x) => x);
    expect(e).toBeInstanceOf(VerificationError);
    expect(e.check).toMatch(/^snp\.(chain|ask)/);
  });

  it("the ASK is never trusted on its own: an ASK from the evidence must chain to the pinned ARK", async () => {
    const [genoaAsk] = parseCertificates(GENOA_ASK_ARK_PEM);
    // The Genoa ASK has a different subject, so the Milan VCEK finds the pinned Milan ASK instead and still verifies.
    const r = await verifySnpReport({ report: dsReport, certificates: [dsVcek, genoaAsk!], now: NOW });
    expect(r.productLine).toBe("Milan");
  });
});

describe("time is explicit", () => {
  it("before the dstack VCEK's notBefore (2026-06-17) the chain fails", async () => {
    const e = await verifySnpReport({ report: dsReport, certificates: [dsVcek], now: Date.UTC(2026, 0, 1) / 1000 }).catch((x) => x);
    expect(e).toBeInstanceOf(VerificationError);
    expect(e.check).toBe("snp.chain.validity");
  });
  it("after the go-sev-guest VCEK's notAfter (2029-09-24) the chain fails", async () => {
    const e = await verifySnpReport({ report: goReport, certificates: [goVcek], now: new Date("2030-01-01"), allowDebug: true }).catch((x) => x);
    expect(e.check).toBe("snp.chain.validity");
  });
});

describe("the VCEK binds the report", () => {
  it("another chip's VCEK is rejected", async () => {
    await expectRejected(() => verifySnpReport({ report: dsReport, certificates: [goVcek], now: NOW }), "wrong VCEK");
  });
  it("no VCEK at all is a clear error", async () => {
    const e = await verifySnpReport({ report: dsReport, certificates: [], now: NOW }).catch((x) => x);
    expect(e.check).toBe("snp.vcek.missing");
  });
});

describe("parsing", () => {
  it("reads v2 without CPUID and v3 with it; v5 adds the mitigation vectors", () => {
    expect(parseSnpReport(goReport).cpuid).toBeUndefined();
    const v5 = dsReport.slice();
    v5[0] = 5;
    v5.fill(0, 0x1f8, 0x208);
    v5[0x1f8] = 0x0f;
    v5[0x200] = 0x03;
    const p = parseSnpReport(v5);
    expect(p.version).toBe(5);
    expect(p.launchMitVector).toBe(0x0fn);
    expect(p.currentMitVector).toBe(0x03n);
  });

  it("rejects unknown versions and signature algorithms with a ParseError naming the field", () => {
    const v9 = flip(goReport, 0, 0x0b);
    const e = (() => {
      try {
        parseSnpReport(v9);
      } catch (x) {
        return x as ParseError;
      }
    })();
    expect(e).toBeInstanceOf(ParseError);
    expect(e!.field).toBe("version");
    expect(() => parseSnpReport(flip(goReport, 0x34, 0x02))).toThrow(ParseError);
  });

  it("decodes TCB_VERSION per product line (Turin has an FMC SPL first)", () => {
    const raw = 0x4405000000000102n;
    expect(decodeTcb(raw, "Milan")).toMatchObject({ bootloader: 2, tee: 1, snp: 5, microcode: 0x44 });
    expect(decodeTcb(0x4400000005040302n, "Turin")).toMatchObject({ fmc: 2, bootloader: 3, tee: 4, snp: 5, microcode: 0x44 });
    expect(productLineFromCpuid({ family: 0x19, model: 0x11 })).toBe("Genoa");
    expect(productLineFromCpuid({ family: 0x1a, model: 0x02 })).toBe("Turin");
  });

  it("the chip ID is the hardware ID; an all-zero (masked) chip ID is a clear error", () => {
    expect(snpHardwareId(parseSnpReport(dsReport)).startsWith("38d174589d2dff97")).toBe(true);
    const masked = dsReport.slice();
    masked.fill(0, 0x1a0, 0x1e0);
    const p = parseSnpReport(masked);
    expect(isChipIdMasked(p)).toBe(true);
    const e = (() => {
      try {
        snpHardwareId(p);
      } catch (x) {
        return x as VerificationError;
      }
    })();
    expect(e).toBeInstanceOf(VerificationError);
    expect(e!.check).toBe("snp.chipId.masked");
  });
});

describe("mutated and truncated reports are rejected (zero false accepts)", () => {
  const verify = (report: Uint8Array) => verifySnpReport({ report, certificates: [dsVcek, dsAsk], now: NOW });

  it("every single-bit flip in the signed region [0, 0x2A0) and in the signature", async () => {
    for (const at of offsets(0, 0x330)) await expectRejected(() => verify(flip(dsReport, at)), `flip at ${at}`);
  });

  it("high-bit flips across the whole report, including the reserved tail", async () => {
    for (const at of offsets(0, dsReport.length, 3)) await expectRejected(() => verify(flip(dsReport, at, 0x80)), `flip at ${at}`);
  });

  it("truncation at many lengths and extension by one byte", async () => {
    for (const n of truncations(dsReport.length, 5)) {
      const o = await expectRejected(() => verify(dsReport.slice(0, n)), `truncated to ${n}`);
      expect(o).toBe("parse");
    }
    await expectRejected(() => verify(new Uint8Array([...dsReport, 0])), "extended");
  });

  it("random multi-byte corruption (fast-check)", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fc.integer({ min: 0, max: SNP_SIGNED_LENGTH + 143 }), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 6 }), async (edits) => {
        const m = dsReport.slice();
        for (const [at, x] of edits) m[at] = m[at]! ^ x;
        await expectRejected(() => verify(m), JSON.stringify(edits));
      }),
      { numRuns: 150 },
    );
  });

  it("corrupted VCEK certificates are rejected", async () => {
    const der = parseCertificates(dsVcek)[0]!.der;
    for (const at of offsets(0, der.length, 2)) {
      await expectRejected(() => verifySnpReport({ report: dsReport, certificates: [flip(der, at)], now: NOW }), `VCEK flip at ${at}`);
    }
  });
});
