import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ParseError } from "../../../sdk/src/errors.js";
import { decodeHexReport, formatVbiosVersion, parseGpuAttestationReport, parseGpuOpaqueData, parseOpaqueEntries } from "../../../sdk/src/nvidia/index.js";
import { encodeVbiosVersion } from "../../../sdk/src/simulate/gpuReport.js";
import { HOPPER_NONCE, HOPPER_REPORT, readGpuFixtureText, simulatedGpu } from "../../../testkit/gpuFixtures.js";
import { outcome, truncations } from "../report/mutation.js";

const text = readGpuFixtureText(HOPPER_REPORT);
const raw = decodeHexReport(text);
const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

describe("the real H100 report (nvtrust sample): layout as NVIDIA's tools save it", () => {
  const r = parseGpuAttestationReport(text);
  it("request: SPDM 1.1 GET_MEASUREMENTS, signature requested, all blocks, the nonce at 4..36, slot 0", () => {
    expect(raw.length).toBe(4117);
    expect(r.request).toMatchObject({ version: 0x11, param1: 1, param2: 0xff, slotId: 0 });
    expect(hex(r.request.nonce)).toBe(HOPPER_NONCE);
  });
  it("response: 64 blocks of a 48-byte DMTF digest, 422 bytes of opaque data, the signature at 4021", () => {
    expect(r.response.blocks).toHaveLength(64);
    expect(r.response.blocks.map((b) => b.index)).toEqual(Array.from({ length: 64 }, (_, i) => i + 1));
    expect(r.response.blocks.every((b) => b.value.length === 48 && b.valueType === 1)).toBe(true);
    expect(hex(r.response.blocks[1]!.value)).toMatch(/^8048dfd18fe229bf/);
    expect(r.response.opaqueData).toHaveLength(422);
    expect(r.signatureOffset).toBe(4021);
    expect(r.signedBytes).toHaveLength(4021);
    expect(r.response.signature).toHaveLength(96);
  });
  it("opaque data: driver 550.90.07, VBIOS 96.00.9f.00.01, project 1010 / SKU 0200 / chip 882, FWID", () => {
    const o = parseGpuOpaqueData(r.response.opaqueData, r.response.opaqueOffset);
    expect(o).toMatchObject({ driverVersion: "550.90.07", vbiosVersion: "96.00.9f.00.01", project: "1010", projectSku: "0200", chipSku: "882", nvdec0Status: 0x55 });
    expect(o.fwid).toBe("f5c384aebb579217a2c66b17ed0f28e6a9b8d639041acd7b4721cec004f7275494ba94bb5cdfdb3055ee051762b1f75d");
    expect(o.measurementCounts).toHaveLength(64);
  });
  it("hex text with 0x, newlines and spaces reads the same; bytes read the same", () => {
    expect(parseGpuAttestationReport(`0x${text.slice(0, 100)}\n ${text.slice(100)}\n`).raw).toEqual(raw);
    expect(parseGpuAttestationReport(raw).signatureOffset).toBe(4021);
  });
});

describe("malformed reports are ParseErrors naming the field and offset", () => {
  const at = (bytes: Uint8Array) => {
    try {
      parseGpuAttestationReport(bytes);
    } catch (e) {
      expect(e).toBeInstanceOf(ParseError);
      return e as ParseError;
    }
    throw new Error("accepted");
  };
  const set = (i: number, v: number) => {
    const b = raw.slice();
    b[i] = v;
    return b;
  };
  it.each([
    [0, 0x12, "request SPDMVersion", 0],
    [1, 0x60, "request RequestResponseCode", 1],
    [2, 0x00, "request Param1", 2],
    [3, 0x01, "request Param2", 3],
    [36, 9, "request SlotIDParam", 36],
    [37, 0x10, "response SPDMVersion", 37],
    [38, 0x61, "response RequestResponseCode", 38],
    [40, 0x01, "response Param2", 40],
    [41, 0x00, "response NumberOfBlocks", 41],
    [45 + 55, 1, "measurement block 1 Index", 100],
    [46, 0x02, "measurement block 1 MeasurementSpecification", 46],
  ])("byte %i = %i: %s", (i, v, field, offset) => {
    const e = at(set(i, v));
    expect(e.field).toBe(field);
    expect(e.offset).toBe(offset);
  });
  it("a record length that is not the sum of its blocks: the short block, or the length itself", () => {
    expect(at(set(42, 0xbf)).field).toBe("measurement block 64 DMTFSpecMeasurementValue");
    const long = at(set(42, 0xc1));
    expect(long.field).toBe("response MeasurementRecordLength");
    expect(long.offset).toBe(42);
  });
  it("a trailing byte after the signature", () => {
    const e = at(Uint8Array.from([...raw, 0]));
    expect(e.field).toBe("trailing bytes after the signature");
    expect(e.offset).toBe(4117);
  });
  it("bad hex text", () => {
    expect(() => parseGpuAttestationReport("11e0zz")).toThrow(ParseError);
    expect(() => parseGpuAttestationReport("11e")).toThrow(ParseError);
  });
  it("every truncation is a ParseError", async () => {
    for (const n of truncations(raw.length, 3)) expect(await outcome(() => parseGpuAttestationReport(raw.subarray(0, n))), `length ${n}`).toBe("parse");
  });
  it("opaque data: a repeated field, a VBIOS field of the wrong size, an unterminated size", () => {
    const entry = (t: number, v: number[]) => [t & 255, t >> 8, v.length & 255, v.length >> 8, ...v];
    expect(() => parseOpaqueEntries(Uint8Array.from([...entry(3, [0x35, 0]), ...entry(3, [0x36, 0])]))).toThrow(/each field once/);
    expect(() => parseGpuOpaqueData(Uint8Array.from(entry(6, [1, 2, 3])))).toThrow(/vbiosVersion DataSize/);
    expect(() => parseOpaqueEntries(Uint8Array.from([3, 0, 9, 0, 1]))).toThrow(ParseError);
    expect(() => parseGpuOpaqueData(Uint8Array.from(entry(3, [0x35, 0x01, 0])))).toThrow(/printable ASCII/);
  });
});

describe("properties", () => {
  it("any bytes: parsed or a ParseError, never another exception", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), fc.boolean(), (tail, prefix) => {
        const bytes = prefix ? Uint8Array.from([...raw.subarray(0, 45), ...tail]) : tail;
        try {
          parseGpuAttestationReport(bytes);
        } catch (e) {
          if (!(e instanceof ParseError)) throw e;
        }
      }),
      { numRuns: 400 },
    );
  });
  it("opaque data of random entries round-trips; random bytes never crash it", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (b) => {
        try {
          parseGpuOpaqueData(b);
        } catch (e) {
          if (!(e instanceof ParseError)) throw e;
        }
      }),
      { numRuns: 400 },
    );
  });
  it("VBIOS versions: printed → wire → printed is the identity", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 5, maxLength: 5 }), (parts) => {
        const v = parts.map((x) => x.toString(16).padStart(2, "0")).join(".");
        expect(formatVbiosVersion(encodeVbiosVersion(v))).toBe(v);
      }),
    );
  });
  it("simulated reports of any block count and nonce parse back to what was written", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 80 }), fc.uint8Array({ minLength: 32, maxLength: 32 }), (blocks, nonce) => {
        const { gpu } = simulatedGpu({ blocks });
        const r = parseGpuAttestationReport(gpu.attest(nonce));
        expect(r.request.nonce).toEqual(nonce);
        expect(r.response.blocks.map((b) => b.value)).toEqual(gpu.measurements);
      }),
      { numRuns: 15 },
    );
  });
});
