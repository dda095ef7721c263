import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { X509Certificate, createHash, verify as nodeVerify } from "node:crypto";
import { AsnConvert } from "@peculiar/asn1-schema";
import { CertificateList } from "@peculiar/asn1-x509";
import fc from "fast-check";
import {
  assertNotProductionParameters,
  createSimulatedTdxEnvironment,
  isSimulatorCertificate,
  SIMULATOR_ORGANIZATION,
  SIMULATED_ROLE_CNS,
  SimulatorParametersError,
} from "../../../sdk/src/simulate/index.js";
import { verifyQuote } from "../../../sdk/src/intel/index.js";
import { p256PublicKeyFromRaw, pemCerts, rsToDer, sgxExtensionLayout, sgxExtensionOf, tdxV4Layout, verifyEcdsaRs } from "./helpers.js";

// @phala/dcap-qvl is CommonJS; it takes a custom root with QuoteVerifier.newWithRootCa.
const { QuoteVerifier } = (await import("@phala/dcap-qvl")) as unknown as {
  QuoteVerifier: { newWithRootCa(der: Buffer): { verify(q: Uint8Array, c: unknown, now: number): { status: string; advisory_ids: string[] } }; newProd(): { verify(q: Uint8Array, c: unknown, now: number): unknown } };
};

const realQuote = new Uint8Array(readFileSync("test/fixtures/intel/tdx-v4/quote.bin"));
const realCollateral = JSON.parse(readFileSync("test/fixtures/intel/tdx-v4/collateral.json", "utf8")) as Record<string, string>;
const intelRoot = new Uint8Array(readFileSync("test/fixtures/intel/intel-sgx-root-ca.der"));

const env = createSimulatedTdxEnvironment({ seed: "dcap-test" });
const reportData = Uint8Array.from({ length: 64 }, (_, i) => i + 1);
const mrTd = new Uint8Array(48).fill(0xaa);
const rtmrs = [1, 2, 3, 4].map((v) => new Uint8Array(48).fill(v));
const quote = env.issueQuote({ reportData, mrTd, rtmrs });
const peer = QuoteVerifier.newWithRootCa(Buffer.from(env.pki.root.der));

describe("the simulated PKI", () => {
  const root = new X509Certificate(env.pki.root.der);
  const pckCa = new X509Certificate(env.pki.pckCa.der);
  const tcb = new X509Certificate(env.pki.tcbSigning.der);
  const pck = new X509Certificate(env.pck.der);

  it("is labelled a simulator everywhere and is never Intel's root", () => {
    expect(root.subject).toContain("CN=Simulated SGX Root CA");
    for (const c of [root, pckCa, tcb, pck]) expect(c.subject).toContain(`O=${SIMULATOR_ORGANIZATION}`);
    expect(Buffer.from(env.pki.root.der).equals(Buffer.from(intelRoot))).toBe(false);
    expect(isSimulatorCertificate(env.pki.root.der)).toBe(true);
    expect(isSimulatorCertificate(intelRoot)).toBe(false);
  });

  it("names the certificates below the root with Intel's role CNs by default, the root never", () => {
    expect(pckCa.subject).toContain("CN=Intel SGX PCK Platform CA");
    expect(tcb.subject).toContain("CN=Intel SGX TCB Signing");
    expect(pck.subject).toContain("CN=Intel SGX PCK Certificate");
    expect(root.subject).not.toContain("Intel");
    // the Organization still marks them: the guard recognises intermediates and leaves too
    for (const d of [env.pki.pckCa.der, env.pki.tcbSigning.der, env.pck.der]) expect(isSimulatorCertificate(d)).toBe(true);
    expect(() => assertNotProductionParameters({ chainId: 11155111, roots: [env.pki.pckCa.pem] })).toThrow(SimulatorParametersError);
  });

  it('names them "Simulated SGX ..." with roleNames "simulated"', () => {
    const e = createSimulatedTdxEnvironment({ seed: "dcap-test", roleNames: "simulated" });
    expect(e.pki.roleNames).toBe("simulated");
    expect(new X509Certificate(e.pki.pckCa.der).subject).toContain(`CN=${SIMULATED_ROLE_CNS.simulated.platformCa}`);
    expect(new X509Certificate(e.pki.tcbSigning.der).subject).toContain(`CN=${SIMULATED_ROLE_CNS.simulated.tcbSigning}`);
    expect(new X509Certificate(e.pck.der).subject).toContain(`CN=${SIMULATED_ROLE_CNS.simulated.pckLeaf}`);
    expect(Buffer.from(e.pki.root.der).equals(Buffer.from(env.pki.root.der))).toBe(true);
  });

  it("chains: root self-signed, PCK CA and TCB signing by the root, PCK leaf by the PCK CA", () => {
    expect(root.verify(root.publicKey)).toBe(true);
    expect(pckCa.verify(root.publicKey)).toBe(true);
    expect(tcb.verify(root.publicKey)).toBe(true);
    expect(pck.verify(pckCa.publicKey)).toBe(true);
    expect(pck.verify(root.publicKey)).toBe(false);
    expect(root.ca && pckCa.ca).toBe(true);
    expect(pck.ca || tcb.ca).toBe(false);
    expect(pck.checkIssued(pckCa)).toBe(true);
  });

  it("puts the SGX extension in the same ASN.1 layout as a real Intel PCK certificate", () => {
    const realLeaf = pemCerts(new TextDecoder().decode(realQuote.subarray(tdxV4Layout(realQuote).chain)))[0]!;
    expect(sgxExtensionLayout(sgxExtensionOf(pck))).toEqual(sgxExtensionLayout(sgxExtensionOf(realLeaf)));
    const ext = Buffer.from(sgxExtensionOf(pck)).toString("hex");
    expect(ext).toContain(Buffer.from(env.pck.sgx.ppid).toString("hex"));
    expect(ext).toContain("0406b0c06f000000"); // FMSPC OCTET STRING(6)
  });

  it("issues CRLs signed by their issuers, listing revoked serials", () => {
    const revoked = createSimulatedTdxEnvironment({ seed: "dcap-test", revokedPckSerials: [env.pck.serialNumber] });
    for (const [hexDer, issuer, expectRevoked] of [
      [revoked.collateral.root_ca_crl, root, []],
      [revoked.collateral.pck_crl, pckCa, [env.pck.serialNumber]],
    ] as const) {
      const der = Buffer.from(hexDer, "hex");
      const crl = AsnConvert.parse(der, CertificateList);
      const tbs = Buffer.from(AsnConvert.serialize(crl.tbsCertList));
      expect(nodeVerify("sha256", tbs, issuer.publicKey, Buffer.from(crl.signature))).toBe(true);
      const serials = (crl.tbsCertList.revokedCertificates ?? []).map((r) => Buffer.from(r.userCertificate).toString("hex"));
      expect(serials).toEqual(expectRevoked);
    }
  });
});

describe("the simulated collateral", () => {
  it("has exactly the QuoteCollateralV3 fields of the real fixtures", () => {
    expect(Object.keys(env.collateral)).toEqual(Object.keys(realCollateral));
    expect(pemCerts(env.collateral.pck_crl_issuer_chain).map((c) => c.subject)).toEqual(
      [env.pki.pckCa.der, env.pki.root.der].map((d) => new X509Certificate(d).subject),
    );
  });

  it("signs TCB info and QE identity over their exact JSON bytes (r || s) with the TCB signing key", () => {
    const [signer] = pemCerts(env.collateral.tcb_info_issuer_chain);
    for (const [body, sig] of [
      [env.collateral.tcb_info, env.collateral.tcb_info_signature],
      [env.collateral.qe_identity, env.collateral.qe_identity_signature],
    ] as const) {
      expect(sig).toMatch(/^[0-9a-f]{128}$/);
      const der = rsToDer(Buffer.from(sig, "hex"));
      expect(nodeVerify("sha256", Buffer.from(body, "utf8"), signer!.publicKey, der)).toBe(true);
      expect(nodeVerify("sha256", Buffer.from(body + " ", "utf8"), signer!.publicKey, der)).toBe(false);
    }
  });

  it("is a TDX version 3 TCB info with tdxtcbcomponents and TDX module identities, keyed like Intel's", () => {
    const t = JSON.parse(env.collateral.tcb_info);
    const real = JSON.parse(realCollateral.tcb_info!);
    expect(Object.keys(t)).toEqual(Object.keys(real));
    expect(Object.keys(t.tcbLevels[0].tcb)).toEqual(Object.keys(real.tcbLevels[0].tcb));
    expect(t).toMatchObject({ id: "TDX", version: 3, fmspc: "B0C06F000000" });
    expect(t.tcbLevels[0].tcb.tdxtcbcomponents).toHaveLength(16);
    expect(t.tdxModuleIdentities[0].id).toBe("TDX_01");
    const qe = JSON.parse(env.collateral.qe_identity);
    expect(Object.keys(qe)).toEqual(Object.keys(JSON.parse(realCollateral.qe_identity!)));
  });
});

describe("the simulated TDX quote v4", () => {
  const sim = tdxV4Layout(quote);
  const real = tdxV4Layout(realQuote);

  it("has the real quote's layout: header, TD 1.0 body, signature data, type 6 wrapping QE report, auth data and type 5", () => {
    for (const k of ["version", "attestationKeyType", "teeType", "sig", "ak", "certType", "qeReport", "qeReportSig", "authSize", "auth", "innerType", "chain"] as const) {
      expect([k, sim[k]]).toEqual([k, real[k]]);
    }
    expect(sim.type6End).toBe(sim.chainEnd);
    expect(sim.sigDataEnd).toBe(quote.length);
    expect(sim.chainEnd).toBe(quote.length);
    expect(pemCerts(new TextDecoder().decode(quote.subarray(sim.chain, sim.chainEnd)))).toHaveLength(3);
  });

  it("carries the chosen MRTD, RTMRs and report data at the TD 1.0 body offsets", () => {
    expect(quote.subarray(48 + 136, 48 + 184)).toEqual(mrTd);
    rtmrs.forEach((r, i) => expect(quote.subarray(48 + 328 + 48 * i, 48 + 376 + 48 * i)).toEqual(r));
    expect(quote.subarray(48 + 520, 48 + 584)).toEqual(reportData);
  });

  it("binds the attestation key: QE report data = sha256(attestation key || QE auth data) || zeros, signed by the PCK key", () => {
    const ak = quote.subarray(sim.ak, sim.ak + 64);
    const auth = quote.subarray(sim.auth, sim.auth + sim.authSize);
    const qeReport = quote.subarray(sim.qeReport, sim.qeReport + 384);
    const expected = Buffer.concat([createHash("sha256").update(ak).update(auth).digest(), Buffer.alloc(32)]);
    expect(Buffer.from(qeReport.subarray(320, 384)).equals(expected)).toBe(true);
    const pckKey = new X509Certificate(env.pck.der).publicKey;
    expect(nodeVerify("sha256", qeReport, pckKey, rsToDer(quote.subarray(sim.qeReportSig, sim.qeReportSig + 64)))).toBe(true);
    expect(verifyEcdsaRs(p256PublicKeyFromRaw(ak), quote.subarray(0, 632), quote.subarray(sim.sig, sim.sig + 64))).toBe(true);
  });

  it("is byte-identical for the same seed and differs for another seed", () => {
    const again = createSimulatedTdxEnvironment({ seed: "dcap-test" });
    expect(again.issueQuote({ reportData, mrTd, rtmrs })).toEqual(quote);
    expect(again.collateral).toEqual(env.collateral);
    const other = createSimulatedTdxEnvironment({ seed: "another seed" });
    expect(Buffer.from(other.pki.root.der).equals(Buffer.from(env.pki.root.der))).toBe(false);
    expect(Buffer.from(other.pck.sgx.ppid).equals(Buffer.from(env.pck.sgx.ppid))).toBe(false);
  });
});

describe("the peer verifier @phala/dcap-qvl, pinned to the simulated root", () => {
  it("accepts a simulated quote with its collateral: UpToDate", () => {
    expect(peer.verify(quote, env.collateral, env.verifyAt)).toMatchObject({ status: "UpToDate", advisory_ids: [] });
  });

  it("reports the TCB status and advisories the collateral gives", () => {
    const e = createSimulatedTdxEnvironment({ seed: "dcap-test", tcbStatus: "SWHardeningNeeded", advisoryIds: ["INTEL-SA-00615"] });
    const r = QuoteVerifier.newWithRootCa(Buffer.from(e.pki.root.der)).verify(e.issueQuote(), e.collateral, e.verifyAt);
    expect(r).toMatchObject({ status: "SWHardeningNeeded", advisory_ids: ["INTEL-SA-00615"] });
  });

  it("accepts quotes from a Processor-CA platform (no platform instance ID / configuration), issued now", () => {
    const e = createSimulatedTdxEnvironment({ seed: "processor", pckCaKind: "processor", issuedAt: new Date("2030-05-01T12:00:00Z") });
    expect(e.pck.sgx.platformInstanceId).toBeUndefined();
    expect(new X509Certificate(e.pki.pckCa.der).subject).toContain("CN=Intel SGX PCK Processor CA");
    const r = QuoteVerifier.newWithRootCa(Buffer.from(e.pki.root.der)).verify(e.issueQuote(), e.collateral, e.verifyAt);
    expect(r.status).toBe("UpToDate");
  });

  it("refuses it under Intel's real root, with a revoked PCK certificate, and after the collateral expires", () => {
    expect(() => QuoteVerifier.newProd().verify(quote, env.collateral, env.verifyAt)).toThrow();
    const revoked = createSimulatedTdxEnvironment({ seed: "dcap-test", revokedPckSerials: [env.pck.serialNumber] });
    expect(() => peer.verify(quote, revoked.collateral, env.verifyAt)).toThrow(/revoked/);
    expect(() => peer.verify(quote, env.collateral, env.verifyAt + 40 * 86400)).toThrow(/expired/);
  });

  it("refuses any flipped byte in the signed header and body (sampled)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 631 }), fc.integer({ min: 1, max: 255 }), (pos, x) => {
        const m = quote.slice();
        m[pos]! ^= x;
        expect(() => peer.verify(m, env.collateral, env.verifyAt)).toThrow();
      }),
      { numRuns: 60 },
    );
  });

  it("accepts quotes with any report data and MRTD (property)", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 64, maxLength: 64 }), fc.uint8Array({ minLength: 48, maxLength: 48 }), (rd, td) => {
        const q = env.issueQuote({ reportData: rd, mrTd: td });
        expect(peer.verify(q, env.collateral, env.verifyAt).status).toBe("UpToDate");
      }),
      { numRuns: 15 },
    );
  });
});

describe("the SDK's Intel verifier, pinned to the simulated root", () => {
  it("accepts a simulated quote with its collateral, no re-issuing needed", async () => {
    const r = await verifyQuote({ quote, collateral: env.collateral, now: env.verifyAt, rootCaDer: env.pki.root.der, cache: false });
    expect(r.verdict).toBe("pass");
    expect(r.status).toBe("UpToDate");
  });

  it('refuses the PCK leaf when the simulator uses roleNames "simulated" (the leaf role check is real)', async () => {
    const e = createSimulatedTdxEnvironment({ seed: "dcap-test", roleNames: "simulated" });
    await expect(verifyQuote({ quote: e.issueQuote(), collateral: e.collateral, now: e.verifyAt, rootCaDer: e.pki.root.der, cache: false })).rejects.toMatchObject({
      check: "pckChain.leaf",
    });
  });
});

describe("assertNotProductionParameters", () => {
  it("allows simulator roots on local chains 31337 and 1337 only", () => {
    for (const chainId of [31337, 1337, 31337n]) expect(() => assertNotProductionParameters({ chainId, roots: [env.pki.root.der] })).not.toThrow();
    for (const chainId of [1, 11155111, 1398243]) {
      expect(() => assertNotProductionParameters({ chainId, roots: [intelRoot, env.pki.root.pem] })).toThrow(SimulatorParametersError);
    }
  });

  it("lets Intel's real root through on any chain", () => {
    expect(() => assertNotProductionParameters({ chainId: 11155111, roots: [intelRoot] })).not.toThrow();
  });
});
