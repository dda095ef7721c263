/**
 * The GPU's measurement blocks against the golden values of its driver and VBIOS RIMs, as NVIDIA's
 * verifier compares them: every active RIM measurement at index i must equal one of its alternatives
 * in SPDM block i + 1 (same size); the two RIMs must not both claim an index. Each difference is
 * reported by index, RIM and value, never as a bare "mismatch". Every active index is compared,
 * index 35 (NVDEC0) too: nvtrust means to skip it when the opaque data says NVDEC0 is disabled, but
 * its check never fires (it compares bytes with an Enum), so NVIDIA's verifier compares it as well.
 * docs/nvidia-gpu.md.
 */
import { hex } from "../bytes.js";
import { VerificationError } from "../errors.js";
import type { GoldenMeasurement, GpuRimKind } from "./rim.js";
import type { SpdmMeasurementBlock } from "./spdm.js";

export type MeasurementMismatch = {
  /** RIM index (0-based); the SPDM block is index + 1. */
  index: number;
  source: GpuRimKind;
  name: string;
  expected: string[];
  /** Hex of the GPU's value, or null when the report has no block at index + 1. */
  actual: string | null;
};

export type MeasurementComparison = {
  /** Active golden measurements compared, by RIM index. */
  compared: number[];
  matched: number[];
  mismatches: MeasurementMismatch[];
};

export type CompareGpuMeasurementsParameters = {
  blocks: SpdmMeasurementBlock[];
  rims: { kind: GpuRimKind; measurements: GoldenMeasurement[] }[];
};

export function compareGpuMeasurements(p: CompareGpuMeasurementsParameters): MeasurementComparison {
  const golden = new Map<number, { m: GoldenMeasurement; source: GpuRimKind }>();
  for (const rim of p.rims) {
    for (const m of rim.measurements) {
      if (!m.active) continue;
      const other = golden.get(m.index);
      if (other) {
        throw new VerificationError("gpu.rim.conflict", `the ${other.source} and ${rim.kind} RIMs both have an active measurement at index ${m.index}`);
      }
      golden.set(m.index, { m, source: rim.kind });
    }
  }
  const byIndex = new Map(p.blocks.map((b) => [b.index, b] as const));
  const out: MeasurementComparison = { compared: [], matched: [], mismatches: [] };
  for (const index of [...golden.keys()].sort((a, b) => a - b)) {
    const { m, source } = golden.get(index)!;
    out.compared.push(index);
    const block = byIndex.get(index + 1);
    const actual = block ? hex(block.value) : null;
    if (block && block.value.length === m.size && m.values.includes(actual!)) out.matched.push(index);
    else out.mismatches.push({ index, source, name: m.name, expected: m.values, actual });
  }
  return out;
}

/** Thrown when RIMs verified but the GPU differs from them: which versions, which indices. */
export class GpuRimMismatchError extends VerificationError {
  override name = "GpuRimMismatchError";
  constructor(
    readonly mismatches: MeasurementMismatch[],
    readonly versionMismatches: { source: GpuRimKind; rim: string; report: string | null }[],
  ) {
    const idx = mismatches.map((m) => `${m.index} (${m.source})`);
    const parts = [
      ...versionMismatches.map((v) => `${v.source} RIM is for ${v.rim}, the GPU reports ${v.report ?? "none"}`),
      ...(mismatches.length ? [`${mismatches.length} measurement(s) differ from the RIMs at index ${idx.slice(0, 8).join(", ")}${idx.length > 8 ? ", …" : ""}`] : []),
    ];
    super(versionMismatches.length ? "gpu.rim.version" : "gpu.rim.measurements", `GPU does not match its RIMs: ${parts.join("; ")}`, {
      metaMessages: mismatches.map((m) => `index ${m.index} (${m.source} ${m.name}): GPU ${m.actual ?? "has no block"}, RIM ${m.expected.join(" | ")}`),
    });
  }
}
