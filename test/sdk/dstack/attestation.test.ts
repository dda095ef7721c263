/**
 * dstack's SCALE attestation: the real TDX, SEV-SNP and Nitro Enclave samples decode, re-encode
 * byte for byte and verify with the expectations of test/fixtures/PROVENANCE.md; simulated TDX
 * variants (full, lite, GCP) chain to a simulator root; every binding refusal is typed.
 */
import { describe, expect, it } from "vitest";
import { hex } from "../../../sdk/src/bytes.js";
import { encodeDstackAttestation, mrConfigHostData, parseDstackAttestation, parseDstackVmConfig, replayRuntimeEvents, verifyDstackNitro, type DstackAttestation } from "../../../sdk/src/dstack/index.js";
import { parseCertificate } from "../../../sdk/src/pki/index.js";
import { ParseError } from "../../../sdk/src/errors.js";
import { createIntelQuoteVerifier, verifyEvidence } from "../../../sdk/src/report/index.js";
import { createSimulatedNitroSigner, wrapDstackAttestation } from "../../../sdk/src/simulate/index.js";
import {
  DSTACK_NITRO,
  DSTACK_NITRO_AT,
  DSTACK_SNP,
  DSTACK_TDX,
  DSTACK_TDX_AT,
  DSTACK_TDX_EXPECTED as X,
  dstackSnpCertificates,
  fixtureBytes,
  fixtureText,
  realLiteTdxAttestation,
  SAMPLE_RUNTIME_EVENTS,
  simulatedDstackGcpTdx,
  simulatedDstackTdx,
} from "../../../testkit/dstackFixtures.js";

const intelVerifier = createIntelQuoteVerifier();
const tdxBytes = fixtureBytes(DSTACK_TDX);
const tdx = parseDstackAttestation(tdxBytes);

describe("the real TDX attestation (dstack guest agent)", () => {
  it("decodes to the layout the provenance notes describe and re-encodes to the same bytes", () => {
    expect(tdx.version).toBe(0);
    expect(tdx.platform.kind).toBe("tdx");
    const p = tdx.platform as Extract<DstackAttestation["platform"], { kind: "tdx" }>;
    expect(p.quote.length).toBe(5010);
    expect(p.eventLog.length).toBe(33);
    expect(tdx.runtimeEvents.map((e) => e.event)).toEqual(["system-preparing", "app-id", "compose-hash", "instance-id", "boot-mr-done", "os-image-hash", "key-provider", "storage-fs", "system-ready"]);
    expect(hex(tdx.reportData)).toBe("00".repeat(64));
    expect(parseDstackVmConfig(tdx.config)).toMatchObject({ osImageHash: X.osImageHash, image: "dstack-0.6.0" });
    expect(encodeDstackAttestation(tdx)).toEqual(tdxBytes);
  });

  it("verifies: signatures and PCK chain, PPID / FMSPC, RTMR0–3 replay, app identity", async () => {
    const r = await verifyEvidence({ evidence: tdxBytes, now: DSTACK_TDX_AT, intelVerifier });
    expect(r.evidenceType).toBe("dstack-attestation");
    expect(r.dimensions.hardware.status).toBe("partial"); // no collateral in the sample: TCB not evaluated
    expect(r.intel).toMatchObject({ ppid: X.ppid, fmspc: X.fmspc });
    expect(r.intel!.rtmrs![3].startsWith(X.rtmr3Prefix) && r.intel!.rtmrs![3].endsWith(X.rtmr3Suffix)).toBe(true);
    // mr_config_id = 0x01 || compose-hash (dstack's MrConfig V1).
    expect(String(r.intel!.registers!.mrConfigId).slice(0, 66)).toBe(`01${X.composeHash}`);
    expect(r.dimensions.operatingSystem).toMatchObject({ status: "passed", details: { eventLogKind: "full", osImageHash: X.osImageHash, osImageHashSource: "runtime-event" } });
    expect(r.dimensions.application).toMatchObject({ status: "passed", details: { appId: X.appId, composeHash: X.composeHash } });
    expect(r.hardwareId).toEqual({ kind: "intel-ppid", value: X.ppid });
  });

  it("as hex in JSON: the same report; a top-level quote / event_log beside it is ignored and named", async () => {
    const other = JSON.parse(fixtureText("dstack/quote-report.json")) as Record<string, unknown>;
    const json = new TextEncoder().encode(JSON.stringify({ attestation: hex(tdxBytes), quote: other.quote, event_log: other.event_log, vm_config: other.vm_config }));
    const r = await verifyEvidence({ evidence: json, now: DSTACK_TDX_AT, intelVerifier });
    expect(r.evidenceType).toBe("dstack-attestation");
    expect(r.intel!.ppid).toBe(X.ppid); // the attestation's quote, not quote-report.json's
    expect(r.dimensions.application.details.appId).toBe(X.appId);
    expect(r.dimensions.operatingSystem.details.ignoredJsonFields).toEqual(["event_log", "quote", "vm_config"]);
  });

  it("a report_data that is not the quote's, or runtime events that do not replay to RTMR3, fail with their check", async () => {
    const rd = encodeDstackAttestation({ ...tdx, reportData: new Uint8Array(64).fill(1) });
    expect((await verifyEvidence({ evidence: rd, now: DSTACK_TDX_AT, intelVerifier })).dimensions.operatingSystem.check).toBe("dstack.reportData");
    const ev = encodeDstackAttestation({ ...tdx, runtimeEvents: tdx.runtimeEvents.map((e) => (e.event === "app-id" ? { ...e, payload: new Uint8Array(20) } : e)) });
    const r = await verifyEvidence({ evidence: ev, now: DSTACK_TDX_AT, intelVerifier });
    expect(r.dimensions.application.check).toBe("dstack.runtimeEvents");
    expect(r.overall).toBe("fail");
    // The carried event log's own RTMR3 events are replayed too: change a payload there.
    const p = tdx.platform as Extract<DstackAttestation["platform"], { kind: "tdx" }>;
    const log = p.eventLog.map((e) => (e.event === "compose-hash" ? { ...e, payload: new Uint8Array(32) } : e));
    const bad = encodeDstackAttestation({ ...tdx, platform: { ...p, eventLog: log } });
    const r2 = await verifyEvidence({ evidence: bad, now: DSTACK_TDX_AT, intelVerifier });
    expect(r2.overall).toBe("fail");
    expect(r2.dimensions.operatingSystem.check).toMatch(/^eventlog\./);
  });

  it("a config os_image_hash that nothing binds is reported as unsigned and does not satisfy --allowed-os", async () => {
    const other = "ab".repeat(32);
    const cfg = encodeDstackAttestation({ ...tdx, config: JSON.stringify({ vm_config: JSON.stringify({ os_image_hash: other }) }) });
    const r = await verifyEvidence({ evidence: cfg, now: DSTACK_TDX_AT, intelVerifier });
    expect(r.dimensions.operatingSystem.details).toMatchObject({ osImageHash: other, osImageHashSource: "config", osImageHashEvent: X.osImageHash });
    const allowed = await verifyEvidence({ evidence: cfg, now: DSTACK_TDX_AT, intelVerifier, allowedOsMeasurements: [other] });
    expect(allowed.dimensions.operatingSystem.check).toBe("os.measurement");
    const byEvent = await verifyEvidence({ evidence: cfg, now: DSTACK_TDX_AT, intelVerifier, allowedOsMeasurements: [X.osImageHash] });
    expect(byEvent.dimensions.operatingSystem.status).toBe("passed");
  });
});

describe("the real SEV-SNP attestation", () => {
  const bytes = fixtureBytes(DSTACK_SNP);
  const att = parseDstackAttestation(bytes);
  const p = att.platform as Extract<DstackAttestation["platform"], { kind: "sev-snp" }>;

  it("decodes (report at offset 4, no certificates carried) and re-encodes", () => {
    expect(p.kind).toBe("sev-snp");
    expect(p.report).toEqual(fixtureBytes("amd/milan-dstack/report.bin"));
    expect(p.certChain).toEqual([]);
    expect(encodeDstackAttestation(att)).toEqual(bytes);
  });

  it("verifies: ARK chain, report_data, HOST_DATA = hash of mr_config; the app comes from mr_config", async () => {
    const r = await verifyEvidence({ evidence: bytes, now: DSTACK_TDX_AT, certificates: dstackSnpCertificates() });
    expect(r.tee).toBe("amd-sev-snp");
    expect(r.dimensions.hardware.status).toBe("passed");
    expect(r.dimensions.application).toMatchObject({ status: "passed", details: { appId: "86e59625be93207bc2351c4d1bba20037cec8e16", instanceId: "d378c00e65112c4235bfeb46c6a0f98fd02145a3" } });
    expect(r.hardwareId?.value.startsWith("38d174589d2dff97")).toBe(true);
    expect(hex(mrConfigHostData(p.mrConfig))).toBe("783f0057820acb99249af56cc3b07b4e8d80f65183167cba9cf437bb680f742f");
  });

  it("an mr_config other than the one HOST_DATA binds fails; so does another report_data", async () => {
    const other = wrapDstackAttestation({ ...p, mrConfig: p.mrConfig.replace('"kms"', '"local"') }, { ...att });
    const r = await verifyEvidence({ evidence: other, now: DSTACK_TDX_AT, certificates: dstackSnpCertificates() });
    expect(r.dimensions.hardware.check).toBe("dstack.mrConfig");
    const rd = wrapDstackAttestation(p, { ...att, reportData: new Uint8Array(64) });
    expect((await verifyEvidence({ evidence: rd, now: DSTACK_TDX_AT, certificates: dstackSnpCertificates() })).dimensions.hardware.check).toBe("dstack.reportData");
  });

  it("dstack's verifier fixture ({\"attestation\": hex}) carries VCEK and ASK in cert_chain: verifies with no certificates given", async () => {
    const r = await verifyEvidence({ evidence: fixtureBytes("amd/milan-dstack/attestation-with-certs.json"), now: DSTACK_TDX_AT });
    expect(r.dimensions.hardware).toMatchObject({ status: "passed", details: { productLine: "Milan", signingKey: "VCEK" } });
    expect(r.dimensions.application.status).toBe("passed");
  });

  it("certificates carried in cert_chain are used (no --certs needed)", async () => {
    const carried = wrapDstackAttestation({ ...p, certChain: dstackSnpCertificates().map((pem) => Uint8Array.from(atob(pem.replace(/-----[^-]+-----|\s/g, "")), (c) => c.charCodeAt(0))) }, att);
    const r = await verifyEvidence({ evidence: carried, now: DSTACK_TDX_AT });
    expect(r.dimensions.hardware.status).toBe("passed");
  });
});

describe("the real Nitro Enclave attestation, and NitroTPM", () => {
  const bytes = fixtureBytes(DSTACK_NITRO);
  const att = parseDstackAttestation(bytes);

  it("verifies at the document's timestamp; user_data is the report_data", async () => {
    expect(encodeDstackAttestation(att)).toEqual(bytes);
    const r = await verifyEvidence({ evidence: bytes, now: DSTACK_NITRO_AT });
    expect(r.tee).toBe("aws-nitro");
    expect(r.dimensions.hardware).toMatchObject({ status: "passed", details: { moduleId: "i-0827e799ec9232d44-enc019b5640fdf630d6" } });
    expect(r.dimensions.operatingSystem.details.osImageHash).toBe("1894b0b29e94a9db16e88a2914f0923e52bb16c08bf3bb484df786a147e2eb79");
  });

  it("another report_data fails; the same document as NitroTPM evidence has no PCR14 and fails", async () => {
    const rd = encodeDstackAttestation({ ...att, reportData: new Uint8Array(64) });
    expect((await verifyEvidence({ evidence: rd, now: DSTACK_NITRO_AT })).dimensions.hardware.check).toBe("dstack.reportData");
    const doc = (att.platform as Extract<DstackAttestation["platform"], { kind: "nitro-enclave" }>).nsmQuote;
    const tpm = encodeDstackAttestation({ ...att, platform: { kind: "aws-nitro-tpm", attestationDoc: doc } });
    expect(parseDstackAttestation(tpm).platform.kind).toBe("aws-nitro-tpm");
    expect((await verifyEvidence({ evidence: tpm, now: DSTACK_NITRO_AT })).dimensions.hardware.check).toBe("dstack.nitroTpm.pcr14");
  });
});

describe("a real lite TDX attestation (dstack's tdx-lite-getquote.json in the SCALE envelope)", () => {
  const { attestation, bytes } = realLiteTdxAttestation();

  it("RTMR3 replays; MRTD and RTMR0–2 match vm_config.tdx_measurement (RTMR0 with the log's ACPI digests and the memory size), whose hash chain gives the os_image_hash", async () => {
    const r = await verifyEvidence({ evidence: bytes, now: DSTACK_TDX_AT, intelVerifier });
    expect(r.dimensions.operatingSystem).toMatchObject({
      status: "passed",
      details: { eventLogKind: "lite", replayedRtmrs: ["RTMR3"], measuredFromTdxMeasurement: ["RTMR0", "MRTD", "RTMR1", "RTMR2"], mrtdVariant: "two_pass", osImageHashSource: "tdx-measurement", osImageHash: "e6f5cfec20c02e7b97baa213d0f718020b55e040172d90ccbcb946d56c8b09db" },
    });
    expect(r.dimensions.application.status).toBe("passed");
    const allowed = await verifyEvidence({ evidence: bytes, now: DSTACK_TDX_AT, intelVerifier, allowedOsMeasurements: ["e6f5cfec20c02e7b97baa213d0f718020b55e040172d90ccbcb946d56c8b09db"] });
    expect(allowed.dimensions.operatingSystem.status).toBe("passed");
    const other = await verifyEvidence({ evidence: bytes, now: DSTACK_TDX_AT, intelVerifier, allowedOsMeasurements: ["00".repeat(32)] });
    expect(other.dimensions.operatingSystem.check).toBe("os.measurement");
  });

  it("another ACPI digest in the log, or another memory size in the config, breaks RTMR0", async () => {
    const p = attestation.platform as Extract<DstackAttestation["platform"], { kind: "tdx" }>;
    const log = p.eventLog.map((e) => (e.event === "acpi-tables" ? { ...e, digest: e.digest.map((b, i) => (i === 0 ? b ^ 1 : b)) } : e));
    const acpi = await verifyEvidence({ evidence: encodeDstackAttestation({ ...attestation, platform: { ...p, eventLog: log } }), now: DSTACK_TDX_AT, intelVerifier });
    expect(acpi.dimensions.operatingSystem.check).toBe("dstack.tdxMeasurement.rtmr0");
    const vm = JSON.parse((JSON.parse(attestation.config) as { vm_config: string }).vm_config) as Record<string, unknown>;
    const mem = encodeDstackAttestation({ ...attestation, config: JSON.stringify({ vm_config: JSON.stringify({ ...vm, memory_size: 4294967296 }) }) });
    expect((await verifyEvidence({ evidence: mem, now: DSTACK_TDX_AT, intelVerifier })).dimensions.operatingSystem.check).toBe("dstack.tdxMeasurement.rtmr0");
  });

  it("a measurement document of another image, or an os_image_hash it does not hash to, fails", async () => {
    const vm = JSON.parse((JSON.parse(attestation.config) as { vm_config: string }).vm_config) as { os_image_hash: string; tdx_measurement: { measurement: string; checksum_file: string } };
    const withVm = (v: unknown) => encodeDstackAttestation({ ...attestation, config: JSON.stringify({ vm_config: JSON.stringify(v) }) });
    const otherHash = await verifyEvidence({ evidence: withVm({ ...vm, os_image_hash: "00".repeat(32) }), now: DSTACK_TDX_AT, intelVerifier });
    expect(otherHash.dimensions.operatingSystem.check).toBe("dstack.tdxMeasurement.osImageHash");
    const m = Uint8Array.from(atob(vm.tdx_measurement.measurement), (c) => c.charCodeAt(0));
    m[40] ^= 1; // inside cmdline_sha384
    const otherDoc = await verifyEvidence({ evidence: withVm({ ...vm, tdx_measurement: { ...vm.tdx_measurement, measurement: btoa(String.fromCharCode(...m)) } }), now: DSTACK_TDX_AT, intelVerifier });
    expect(otherDoc.dimensions.operatingSystem.check).toBe("dstack.tdxMeasurement.checksum");
  });
});

describe("dstack's own lite TDX attestation (verifier fixture, {\"attestation\": hex})", () => {
  it("verifies: lite log, MRTD and RTMR0–2 from tdx_measurement, app identity", async () => {
    const r = await verifyEvidence({ evidence: fixtureBytes("dstack/tdx-lite-attestation.json"), now: DSTACK_TDX_AT, intelVerifier });
    expect(r.evidenceType).toBe("dstack-attestation");
    expect(r.intel?.ppid).toBe("40deaac75f87cf05e92fbf18224aa576");
    expect(r.dimensions.operatingSystem).toMatchObject({ status: "passed", details: { eventLogKind: "lite", measuredFromTdxMeasurement: ["RTMR0", "MRTD", "RTMR1", "RTMR2"], osImageHashSource: "tdx-measurement" } });
    expect(r.dimensions.application).toMatchObject({ status: "passed", details: { appId: "86b0e55f2fa8e4fb69d890f14f54d5612707646e" } });
  });
});

describe("the real debug-mode Nitro Enclave attestation", () => {
  it("the document verifies but the enclave is in debug mode: hardware fails", async () => {
    const r = await verifyEvidence({ evidence: fixtureBytes("nitro/dstack-enclave/attestation-debug.scale.bin"), now: 1766650846 });
    expect(r.dimensions.hardware.check).toBe("nitro.debug");
    expect(r.overall).toBe("fail");
  });
});

describe("NitroTPM with a simulated Nitro signer (P-384 test root)", () => {
  const signer = createSimulatedNitroSigner({ seed: "dstack-nitro-tpm" });
  const root = parseCertificate(signer.rootDer, "simulated Nitro root");
  const ts = Date.UTC(2026, 5, 1);
  const reportData = new Uint8Array(64).fill(7);
  const build = (events: typeof SAMPLE_RUNTIME_EVENTS, pcr14 = replayRuntimeEvents(SAMPLE_RUNTIME_EVENTS, "sha384")) =>
    parseDstackAttestation(
      encodeDstackAttestation({
        version: 0,
        platform: { kind: "aws-nitro-tpm", attestationDoc: signer.sign({ timestamp: ts, pcrs: new Map([[0, new Uint8Array(48).fill(1)], [14, pcr14]]), userData: reportData }) },
        runtimeEvents: events,
        reportData,
        config: "",
      }),
    );

  it("the document verifies, user_data is the report_data, the runtime events replay to PCR14 and name the app", async () => {
    const r = await verifyDstackNitro({ attestation: build(SAMPLE_RUNTIME_EVENTS), now: ts / 1000, root });
    expect(r.app).toMatchObject({ appId: "0102030405060708090a0b0c0d0e0f1011121314" });
    expect(r.unboundRuntimeEvents).toEqual([]);
    const report = await verifyEvidence({ evidence: encodeDstackAttestation(build(SAMPLE_RUNTIME_EVENTS)), now: ts / 1000, nitroRoot: root });
    expect(report.dimensions.hardware.status).toBe("passed");
    expect(report.dimensions.application).toMatchObject({ status: "passed", reason: expect.stringMatching(/PCR14/) });
  });

  it("a runtime event the PCR does not hold, or the real AWS root, is refused", async () => {
    const changed = SAMPLE_RUNTIME_EVENTS.map((e) => (e.event === "compose-hash" ? { ...e, payload: new Uint8Array(32) } : e));
    await expect(verifyDstackNitro({ attestation: build(changed), now: ts / 1000, root })).rejects.toMatchObject({ check: "dstack.nitroTpm.pcr14" });
    await expect(verifyDstackNitro({ attestation: build(SAMPLE_RUNTIME_EVENTS), now: ts / 1000 })).rejects.toMatchObject({ check: "nitro.chain.root" });
  });
});

describe("simulated TDX variants (quote chained to the simulator root)", () => {
  it("full log with collateral: every dimension but the registry passes", async () => {
    const s = simulatedDstackTdx();
    const r = await verifyEvidence({ evidence: s.bytes, now: s.env.verifyAt, intelVerifier: s.intelVerifier, collateral: s.env.collateral });
    expect(r.dimensions.hardware.status).toBe("passed");
    expect(r.dimensions.operatingSystem.status).toBe("passed");
    expect(r.dimensions.application).toMatchObject({ status: "passed", details: { appId: "0102030405060708090a0b0c0d0e0f1011121314" } });
  });

  it("lite log: RTMR3 and the app verify, the OS dimension is partial (RTMR0–2 not recomputed)", async () => {
    const s = simulatedDstackTdx({ lite: true });
    const kinds = (s.attestation.platform as { eventLog: { imr: number }[] }).eventLog.map((e) => e.imr);
    expect(kinds.includes(1) || kinds.includes(2)).toBe(false);
    const r = await verifyEvidence({ evidence: s.bytes, now: s.env.verifyAt, intelVerifier: s.intelVerifier, collateral: s.env.collateral });
    expect(r.dimensions.operatingSystem).toMatchObject({ status: "partial", details: { eventLogKind: "lite", replayedRtmrs: ["RTMR3"] } });
    expect(r.dimensions.application.status).toBe("passed");
  });

  it("GCP TDX: the TDX quote, the vTPM quote over SHA-256 of it, and the runtime events replayed to PCR14 all verify", async () => {
    for (const akType of ["ecdsa", "rsa"] as const) {
      const s = await simulatedDstackGcpTdx(akType);
      expect(parseDstackAttestation(s.bytes).platform.kind).toBe("gcp-tdx");
      const r = await verifyEvidence({ evidence: s.bytes, now: s.env.verifyAt, intelVerifier: s.intelVerifier, collateral: s.env.collateral, tpmRoots: s.tpmRoots });
      expect(r.dimensions.tpmBinding, akType).toMatchObject({ status: "passed", details: { bank: "SHA256" } });
      expect(r.dimensions.application.status).toBe("passed");
    }
  });

  it("GCP TDX refusals: the pinned Google roots refuse the simulator's AK; another runtime event breaks PCR14; another TDX quote breaks the binding", async () => {
    const s = await simulatedDstackGcpTdx();
    const opts = { now: s.env.verifyAt, intelVerifier: s.intelVerifier, collateral: s.env.collateral };
    expect((await verifyEvidence({ evidence: s.bytes, ...opts })).dimensions.tpmBinding.status).toBe("failed");
    const p = s.attestation.platform as Extract<DstackAttestation["platform"], { kind: "gcp-tdx" }>;
    // Runtime events changed consistently in the TDX log and list would break RTMR3 first; here the list alone changes.
    const events = encodeDstackAttestation({ ...s.attestation, runtimeEvents: [...s.attestation.runtimeEvents, { event: "extra", payload: new Uint8Array(1) }] });
    expect((await verifyEvidence({ evidence: events, ...opts, tpmRoots: s.tpmRoots })).overall).toBe("fail");
    const other = simulatedDstackTdx({ runtimeEvents: s.attestation.runtimeEvents.slice(0, 3) });
    const swapped = encodeDstackAttestation({ ...other.attestation, platform: { ...p, quote: (other.attestation.platform as { quote: Uint8Array }).quote, eventLog: (other.attestation.platform as { eventLog: typeof p.eventLog }).eventLog } });
    const r = await verifyEvidence({ evidence: swapped, now: s.env.verifyAt, intelVerifier: other.intelVerifier, collateral: other.env.collateral, tpmRoots: s.tpmRoots });
    expect(r.dimensions.tpmBinding.check).toBe("tpm.quote.nonce");
  });

  it("the real Intel root refuses the simulator's quote", async () => {
    const s = simulatedDstackTdx();
    const r = await verifyEvidence({ evidence: s.bytes, now: s.env.verifyAt, intelVerifier, collateral: s.env.collateral });
    expect(r.dimensions.hardware.status).toBe("failed");
    expect(r.dimensions.application.status).toBe("skipped");
  });
});

describe("structural refusals are ParseErrors naming the field and offset", () => {
  it.each([
    ["empty", new Uint8Array(0), "version"],
    ["unknown versioned variant", Uint8Array.from([1, 0]), "version"],
    ["unknown platform", Uint8Array.from([0, 5]), "quote"],
    ["msgpack V1", Uint8Array.from([0x83, 1, 2]), "version"],
    ["quote length past the end", Uint8Array.from([0, 0, 0xfd, 0xff, 0xff, 0xff]), "quote.DstackTdx.quote"],
    ["trailing byte", new Uint8Array([...tdxBytes, 0]), "end"],
  ])("%s", (_, bytes, field) => {
    let e: unknown;
    try {
      parseDstackAttestation(bytes);
    } catch (x) {
      e = x;
    }
    expect(e).toBeInstanceOf(ParseError);
    expect((e as ParseError).field.startsWith(field)).toBe(true);
  });

  it("invalid UTF-8 in a string field", () => {
    const a = encodeDstackAttestation({ ...tdx, config: "x" });
    const at = a.length - 1;
    const bad = a.slice();
    bad[at] = 0xff;
    expect(() => parseDstackAttestation(bad)).toThrow(/config/);
  });
});
