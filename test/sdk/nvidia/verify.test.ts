import { describe, expect, it } from "vitest";
import { ParseError, VerificationError } from "../../../sdk/src/errors.js";
import {
  GpuRimMismatchError,
  NVIDIA_DEVICE_IDENTITY_ROOT_PEM,
  parseGpuRim,
  pinnedGpuRoots,
  verifyGpuAttestation,
  verifyGpuRim,
} from "../../../sdk/src/nvidia/index.js";
import { parseCertificates } from "../../../sdk/src/pki/x509.js";
import {
  DRIVER_RIM,
  HOPPER_CHAIN,
  HOPPER_NONCE,
  HOPPER_REPORT,
  HOPPER_VERIFY_AT,
  VBIOS_RIM,
  VBIOS_RIM_PROD,
  readGpuFixture,
  readGpuFixtureText,
  simulatedGpu,
} from "../../../testkit/gpuFixtures.js";

const report = readGpuFixtureText(HOPPER_REPORT);
const chainPem = readGpuFixtureText(HOPPER_CHAIN);
const chain = parseCertificates(chainPem);
const now = HOPPER_VERIFY_AT;

async function rejection(p: Promise<unknown>): Promise<VerificationError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(VerificationError);
    return e as VerificationError;
  }
  throw new Error("accepted");
}

describe("the real H100 report and chain", () => {
  it("verify to NVIDIA's pinned device identity root: chain, FWID, P-384 signature, nonce, versions", async () => {
    const v = await verifyGpuAttestation({ report, certificates: [chainPem], now, nonce: HOPPER_NONCE });
    expect(v.nonceChecked).toBe(true);
    expect(v).toMatchObject({ driverVersion: "550.90.07", vbiosVersion: "96.00.9f.00.01", nonce: HOPPER_NONCE });
    expect(v.leaf.subject).toMatch(/CN=GH100 A01 GSP FMC LF/);
    expect(v.chain).toHaveLength(4); // the carried root is byte-identical to the pinned one, and dropped
    expect(v.fwid).toMatch(/^f5c384aebb579217/);
    expect(v.comparison).toBeUndefined();
  });
  it("the carried root is byte-identical to the pinned one (compared, not trusted)", () => {
    expect(chain[4]!.der).toEqual(parseCertificates(NVIDIA_DEVICE_IDENTITY_ROOT_PEM)[0]!.der);
  });
  it("verifies today too (notAfter 9999) and without the carried root", async () => {
    await verifyGpuAttestation({ report, certificates: chain.slice(0, 4), now: new Date() });
  });
  it("another nonce: gpu.nonce", async () => {
    const e = await rejection(verifyGpuAttestation({ report, certificates: [chainPem], now, nonce: "00".repeat(32) }));
    expect(e.check).toBe("gpu.nonce");
  });
  it("no chain, a chain missing a link, a chain out of order", async () => {
    expect((await rejection(verifyGpuAttestation({ report, certificates: [], now }))).check).toBe("gpu.chain.empty");
    expect((await rejection(verifyGpuAttestation({ report, certificates: [chain[0]!, chain[2]!, chain[3]!], now }))).check).toBe("gpu.chain.issuer");
    expect((await rejection(verifyGpuAttestation({ report, certificates: [chain[1]!, chain[0]!, chain[2]!, chain[3]!], now }))).check).toMatch(/^gpu\.chain\./);
  });
  it("another root pinned (the simulator's): the real chain does not reach it", async () => {
    const { roots } = simulatedGpu();
    const e = await rejection(verifyGpuAttestation({ report, certificates: [chainPem], now, roots }));
    expect(e.check).toBe("gpu.chain.root"); // the carried NVIDIA root is then just an unpinned self-signed root
  });
  it("a report signed by another GPU (the simulator's) with the real chain: its FWID is not the certificate's", async () => {
    const { gpu } = simulatedGpu();
    const e = await rejection(verifyGpuAttestation({ report: gpu.attest(new Uint8Array(32)), certificates: [chainPem], now }));
    expect(e.check).toBe("gpu.fwid");
  });
  it("...and with the real FWID copied in, the signature refuses it", async () => {
    const { gpu } = simulatedGpu();
    const fwid = Buffer.from("f5c384aebb579217a2c66b17ed0f28e6a9b8d639041acd7b4721cec004f7275494ba94bb5cdfdb3055ee051762b1f75d", "hex");
    const e = await rejection(verifyGpuAttestation({ report: gpu.attest(new Uint8Array(32), { opaque: { fwid } }), certificates: [chainPem], now }));
    expect(e.check).toBe("gpu.signature");
  });
});

describe("the real RIMs (nvtrust samples): signed by NVIDIA, and not this GPU's", () => {
  it.each([DRIVER_RIM, VBIOS_RIM, VBIOS_RIM_PROD])("%s: XML-DSig verifies, signer chains to the pinned RIM root", async (name) => {
    const rim = await verifyGpuRim({ rim: readGpuFixture(name), root: pinnedGpuRoots().rimRoot, now });
    expect(rim.signer.subject).toMatch(/NVIDIA/);
    expect(rim.measurements).toHaveLength(64);
    expect(rim.kind).toBe(name === DRIVER_RIM ? "driver" : "vbios");
  });
  it("versions and active counts as published: driver 545.00 (21 active), VBIOS 96.00.5e.00.01 (12 active)", () => {
    const d = parseGpuRim(readGpuFixture(DRIVER_RIM));
    const b = parseGpuRim(readGpuFixture(VBIOS_RIM));
    expect([d.version, d.measurements.filter((m) => m.active).length]).toEqual(["545.00", 21]);
    expect([b.version, b.measurements.filter((m) => m.active).length]).toEqual(["96.00.5e.00.01", 12]);
  });
  it("the RIM signer expired in 2025-06: refused after that", async () => {
    const e = await rejection(verifyGpuRim({ rim: readGpuFixture(DRIVER_RIM), root: pinnedGpuRoots().rimRoot, now: Date.UTC(2026, 0, 1) / 1000 }));
    expect(e.check).toBe("gpu.rim.chain.validity");
  });
  it("compared with the report: both versions differ, and 20 of 33 active measurements, each named by index", async () => {
    const e = await verifyGpuAttestation({ report, certificates: [chainPem], now, rims: [readGpuFixture(DRIVER_RIM), readGpuFixture(VBIOS_RIM)] }).then(
      () => undefined,
      (x: unknown) => x,
    );
    expect(e).toBeInstanceOf(GpuRimMismatchError);
    const m = e as GpuRimMismatchError;
    expect(m.check).toBe("gpu.rim.version");
    expect(m.versionMismatches).toEqual([
      { source: "driver", rim: "545.00", report: "550.90.07" },
      { source: "vbios", rim: "96.00.5e.00.01", report: "96.00.9f.00.01" },
    ]);
    expect(m.mismatches.map((x) => x.index)).toEqual([1, 2, 3, 7, 9, 11, 21, 22, 25, 26, 27, 29, 30, 31, 32, 34, 36, 37, 39, 40]);
    const seven = m.mismatches.find((x) => x.index === 7)!;
    expect(seven).toMatchObject({ source: "driver", name: "Measurement_7", expected: ["0e0ee161b59bf124ce6b6dca6efa7616d28077862c0e57dca7d5efd63d00eeed4851922941e846a38c464cbedbc168d9"] });
    expect(seven.actual).toMatch(/^80161aac5e7509f0/);
    expect(m.shortMessage).toMatch(/20 measurement\(s\) differ from the RIMs at index 1 \(vbios\), 2 \(vbios\), 3 \(vbios\), 7 \(driver\)/);
  });
  it("the PROD VBIOS RIM: 19 differ (index 3 matches it)", async () => {
    const e = (await verifyGpuAttestation({ report, certificates: [chainPem], now, rims: [readGpuFixture(DRIVER_RIM), readGpuFixture(VBIOS_RIM_PROD)] }).catch((x) => x)) as GpuRimMismatchError;
    expect(e.mismatches.map((x) => x.index)).not.toContain(3);
    expect(e.mismatches).toHaveLength(19);
  });
  it("two VBIOS RIMs: gpu.rim.duplicate; a RIM under another pinned root: gpu.rim.chain.root", async () => {
    expect((await rejection(verifyGpuAttestation({ report, certificates: [chainPem], now, rims: [readGpuFixture(VBIOS_RIM), readGpuFixture(VBIOS_RIM_PROD)] }))).check).toBe("gpu.rim.duplicate");
    const { roots } = simulatedGpu();
    expect((await rejection(verifyGpuAttestation({ report, certificates: [chainPem], now, rims: [readGpuFixture(DRIVER_RIM)], roots: { rimRoot: roots.rimRoot } }))).check).toBe("gpu.rim.chain.root");
  });
});

describe("a simulated GPU: the positive RIM comparison, end to end", () => {
  const { gpu, roots, now: simNow } = simulatedGpu();
  const nonce = new Uint8Array(32).fill(0x42);
  const base = { certificates: [gpu.pki.deviceChainPem], now: simNow, nonce, roots };
  it("report, chain, nonce and both RIMs verify; all 33 active measurements match", async () => {
    const v = await verifyGpuAttestation({ ...base, report: gpu.attest(nonce), rims: [gpu.driverRim(), gpu.vbiosRim()] });
    expect(v.comparison!.matched).toHaveLength(33);
    expect(v.comparison!.mismatches).toEqual([]);
    expect(v.rims.map((r) => r.kind)).toEqual(["driver", "vbios"]);
  });
  it("a RIM with another accepted alternative still matches", async () => {
    const rim = gpu.driverRim({ override: { 7: [new Uint8Array(48).fill(1), gpu.measurements[7]!] } });
    const v = await verifyGpuAttestation({ ...base, report: gpu.attest(nonce), rims: [rim, gpu.vbiosRim()] });
    expect(v.comparison!.matched).toContain(7);
  });
  it("one changed measurement: exactly that index, its RIM, both values", async () => {
    const changed = gpu.measurements.map((m, i) => (i === 22 ? new Uint8Array(48).fill(9) : m)); // block 23 = RIM index 22
    const e = (await verifyGpuAttestation({ ...base, report: gpu.attest(nonce, { measurements: changed }), rims: [gpu.driverRim(), gpu.vbiosRim()] }).catch((x) => x)) as GpuRimMismatchError;
    expect(e).toBeInstanceOf(GpuRimMismatchError);
    expect(e.check).toBe("gpu.rim.measurements");
    expect(e.mismatches).toEqual([{ index: 22, source: "driver", name: "Measurement_22", expected: [Buffer.from(gpu.measurements[22]!).toString("hex")], actual: "09".repeat(48) }]);
  });
  it("a report with fewer blocks than the RIMs name: the missing index has no block", async () => {
    const e = (await verifyGpuAttestation({ ...base, report: gpu.attest(nonce, { measurements: gpu.measurements.slice(0, 40) }), rims: [gpu.driverRim(), gpu.vbiosRim()] }).catch((x) => x)) as GpuRimMismatchError;
    expect(e.mismatches).toMatchObject([{ index: 40, actual: null }]);
  });
  it("a driver RIM for another version: gpu.rim.version", async () => {
    const e = await rejection(verifyGpuAttestation({ ...base, report: gpu.attest(nonce), rims: [gpu.driverRim({ version: "550.90.08" }), gpu.vbiosRim()] }));
    expect(e.check).toBe("gpu.rim.version");
  });
  it("driver and VBIOS RIMs claiming the same active index: gpu.rim.conflict", async () => {
    const e = await rejection(verifyGpuAttestation({ ...base, report: gpu.attest(nonce), rims: [gpu.driverRim(), gpu.vbiosRim({ indices: [0, 7] })] }));
    expect(e.check).toBe("gpu.rim.conflict");
  });
  it("a RIM edited after signing (one golden value swapped): gpu.rim.signature", async () => {
    const rim = gpu.driverRim();
    const v7 = Buffer.from(gpu.measurements[7]!).toString("hex");
    const forged = rim.replace(v7, "00".repeat(48));
    expect(forged).not.toBe(rim);
    expect((await rejection(verifyGpuRim({ rim: forged, root: roots.rimRoot, now: simNow }))).check).toBe("gpu.rim.signature");
  });
  it("signature-wrapping moves are refused before any cryptography", async () => {
    const rim = gpu.driverRim();
    const sig = rim.slice(rim.indexOf("<ds:Signature"), rim.indexOf("</SoftwareIdentity>"));
    const twice = rim.replace("</SoftwareIdentity>", `${sig}</SoftwareIdentity>`);
    await expect(verifyGpuRim({ rim: twice, root: roots.rimRoot, now: simNow })).rejects.toThrow(/exactly one ds:Signature/);
    const fragment = rim.replace('URI=""', 'URI="#x"');
    await expect(verifyGpuRim({ rim: fragment, root: roots.rimRoot, now: simNow })).rejects.toThrow(/ds:Reference URI/);
    const nested = rim.replace("<ds:Signature", "<ns0:Evidence><ds:Signature").replace("</ds:Signature>", "</ds:Signature></ns0:Evidence>");
    await expect(verifyGpuRim({ rim: nested, root: roots.rimRoot, now: simNow })).rejects.toThrow(ParseError);
    const dtd = `<!DOCTYPE x [<!ENTITY a "b">]>${rim}`;
    await expect(verifyGpuRim({ rim: dtd, root: roots.rimRoot, now: simNow })).rejects.toThrow(/no DOCTYPE/);
    const deep = rim.replace("<ns0:Payload>", `${"<a>".repeat(5000)}${"</a>".repeat(5000)}<ns0:Payload>`);
    await expect(verifyGpuRim({ rim: deep, root: roots.rimRoot, now: simNow })).rejects.toThrow(/nested at most 32 deep/);
    await expect(verifyGpuRim({ rim: rim + " ".repeat(1 << 20), root: roots.rimRoot, now: simNow })).rejects.toThrow(/at most 1048576 characters/);
    const xmlId = rim.replace('<ns0:Payload>', '<ns0:Payload xml:id="p">');
    await expect(verifyGpuRim({ rim: xmlId, root: roots.rimRoot, now: simNow })).rejects.toThrow(/xml:id/);
  });
  it("the simulated roots are not NVIDIA's: with the pinned NVIDIA roots the simulated GPU is refused", async () => {
    const e = await rejection(verifyGpuAttestation({ report: gpu.attest(nonce), certificates: [gpu.pki.deviceChainPem], now: simNow }));
    expect(e.check).toBe("gpu.chain.root");
  });
});

describe("the FWID extension", () => {
  it("the real leaf's: Hopper's structure, the report's FWID", async () => {
    const { readHopperFwid } = await import("../../../sdk/src/nvidia/index.js");
    const ext = chain[0]!.extensions.get("2.23.133.5.4.1")!.value;
    expect(Buffer.from(readHopperFwid(ext)).toString("hex")).toMatch(/^f5c384aebb579217/);
    // A value that merely ends with those 48 bytes is not an FWID; nor another hash, nor trailing bytes.
    expect(() => readHopperFwid(Uint8Array.from([0x04, 0x30, ...ext.subarray(ext.length - 48)]))).toThrow(ParseError);
    const sha256Alg = ext.slice();
    sha256Alg[sha256Alg.length - 51] = 0x01; // ...04 02 02 -> ...04 02 01
    expect(() => readHopperFwid(sha256Alg)).toThrow(/SHA-384/);
    expect(() => readHopperFwid(Uint8Array.from([...ext, 0]))).toThrow(ParseError);
  });
});
