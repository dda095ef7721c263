/**
 * CvmRegistry.checkCvm decodes two packed slots by hand (one SLOAD each, for the gate's gas); the
 * bit offsets it uses are the table in docs/cvm-registry.md#storage. This test holds that table
 * against the storage layout the compiler reports, so a reordered or resized field fails here
 * instead of silently decoding the wrong bits.
 */
import { describe, it, expect } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";

type Member = { label: string; slot: string; offset: number; type: string };
type Layout = { storage: Member[]; types: Record<string, { label: string; numberOfBytes: string; members?: Member[] }> };

function cvmRegistryLayout(): Layout {
  const artifacts = join(import.meta.dirname, "..", "..", "..", "artifacts");
  // The build info the current artifact came from (older ones may linger in the folder).
  const { buildInfoId } = JSON.parse(readFileSync(join(artifacts, "contracts", "cvm", "CvmRegistry.sol", "CvmRegistry.json"), "utf8"));
  const out = JSON.parse(readFileSync(join(artifacts, "build-info", `${buildInfoId}.output.json`), "utf8"));
  const layout = out.output?.contracts?.["project/contracts/cvm/CvmRegistry.sol"]?.CvmRegistry?.storageLayout;
  if (!layout) throw new Error("no CvmRegistry storage layout in its build info (hardhat.config.ts selects storageLayout)");
  return layout as Layout;
}

/** [label, first bit, width in bits] as docs/cvm-registry.md#storage and checkCvm have them. */
const VALIDITY: [string, number, number][] = [
  ["status", 0, 8],
  ["minHardwareLevel", 8, 8],
  ["measurementCount", 16, 16],
  ["nonce", 32, 32],
  ["teeValidUntil", 64, 40],
  ["tpmAttestedAt", 104, 40],
  ["tpmTtl", 144, 24],
  ["teeType", 168, 8],
  ["tcbStatus", 176, 8],
  ["platformRef", 184, 64],
];
const HARDWARE_MIRROR: [string, number, number][] = [
  ["level", 0, 8],
  ["status", 8, 8],
  ["frozenUntil", 16, 40],
  ["lastHeartbeat", 56, 40],
  ["cadence", 96, 32],
  ["keyCheck", 128, 128],
];

function structOf(layout: Layout, name: string) {
  const entry = Object.entries(layout.types).find(([, t]) => t.label === `struct CvmRegistry.${name}`);
  if (!entry) throw new Error(`struct ${name} not in the layout`);
  return entry[1];
}

function expectPacked(layout: Layout, name: string, table: [string, number, number][]) {
  const members = structOf(layout, name).members!;
  expect(members.map((m) => m.label)).toEqual(table.map(([label]) => label));
  for (const [label, bit, width] of table) {
    const m = members.find((x) => x.label === label)!;
    expect({ label, slot: m.slot, bit: m.offset * 8, width: Number(layout.types[m.type]!.numberOfBytes) * 8 }).toEqual({ label, slot: "0", bit, width });
  }
}

describe("CvmRegistry storage the gate decodes by hand", () => {
  const layout = cvmRegistryLayout();

  it("Validity: one slot at the documented bit offsets, and the first thing in a Record", () => {
    expectPacked(layout, "Validity", VALIDITY);
    const v = structOf(layout, "Record").members![0]!;
    expect({ label: v.label, slot: v.slot, offset: v.offset }).toEqual({ label: "v", slot: "0", offset: 0 });
  });

  it("HardwareMirror: one slot at the documented bit offsets", () => {
    expectPacked(layout, "HardwareMirror", HARDWARE_MIRROR);
  });

  it("enums the decoder compares are one byte with the documented values", () => {
    // status 1 = Active (checkCvm compares the low byte with it); the mirror's status is IHardwareRegistry.Status.
    const status = structOf(layout, "Validity").members!.find((m) => m.label === "status")!;
    expect(layout.types[status.type]!.label).toBe("enum ICvmRegistry.CvmStatus");
  });
});
