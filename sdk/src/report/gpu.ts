/**
 * The GPU dimension: an NVIDIA confidential-computing GPU's attestation report verified beside the
 * CPU evidence (or alone). What it checks and the binding of the GPU nonce to the CPU's report
 * data: docs/nvidia-gpu.md, docs/verification-report.md.
 */
import { sha256 } from "@noble/hashes/sha2.js";
import { equalBytes, hex, toBytes } from "../bytes.js";
import { VerificationError } from "../errors.js";
import { GpuRimMismatchError, parseGpuAttestationReport, verifyGpuAttestation, type VerifyGpuAttestationReturnType } from "../nvidia/index.js";
import { type BuildReportOptions, type GpuEvidenceOptions, type GpuNonceBinding, makeReport } from "./common.js";
import { type DimensionResult, type VerificationReport, failed, overallStatus, partial, passed, skipped } from "./model.js";

/** The CPU report data the GPU nonce may be bound to: the Intel verdict's, or the SNP report's. */
export function cpuReportData(report: VerificationReport): Uint8Array | undefined {
  const h = report.intel?.reportData ?? (report.evidenceType === "snp-report" ? report.dimensions.application.details.reportData : undefined);
  return typeof h === "string" && h.length > 0 ? toBytes(h, "CPU report data") : undefined;
}

/** Checks `binding`: report data [offset, offset + 32) equals the GPU nonce (or its SHA-256). */
export function checkGpuNonceBinding(binding: GpuNonceBinding, gpuNonce: Uint8Array, reportData: Uint8Array | undefined): string {
  if (!reportData) throw new VerificationError("gpu.binding.cpu", "the GPU nonce cannot be bound: the CPU evidence's report data was not established");
  const off = binding.reportDataOffset;
  if (!Number.isInteger(off) || off < 0 || off + 32 > reportData.length) {
    throw new VerificationError("gpu.binding.offset", `binding offset ${off} + 32 exceeds the CPU report data (${reportData.length} bytes)`);
  }
  const want = binding.hash === "sha256" ? sha256(gpuNonce) : gpuNonce;
  const got = reportData.subarray(off, off + 32);
  const rule = `reportData[${off}..${off + 32}) = ${binding.hash === "sha256" ? "SHA-256(GPU nonce)" : "GPU nonce"}`;
  if (!equalBytes(want, got)) throw new VerificationError("gpu.binding", `the GPU nonce is not bound to the CPU evidence (${rule})`, { details: `report data has ${hex(got)}, expected ${hex(want)}` });
  return rule;
}

function details(v: VerifyGpuAttestationReturnType): DimensionResult["details"] {
  return {
    driverVersion: v.driverVersion ?? null,
    vbiosVersion: v.vbiosVersion ?? null,
    nonce: v.nonce,
    nonceChecked: v.nonceChecked,
    fwid: v.fwid ?? null,
    attestationCertificate: v.leaf.subject,
    measurementBlocks: v.report.response.blocks.length,
    project: v.opaque.project ?? null,
    projectSku: v.opaque.projectSku ?? null,
    chipSku: v.opaque.chipSku ?? null,
    rims: v.rims.map((r) => `${r.kind} ${r.version} (${r.signer.subject})`),
    measurementsMatched: v.comparison?.matched.length ?? null,
  };
}

/** Verifies GPU evidence and judges it as one dimension. `cpu` is the CPU report, for the binding. */
export async function gpuDimension(gpu: GpuEvidenceOptions & { report: Uint8Array | string }, now: Date | number, cpu?: VerificationReport): Promise<DimensionResult> {
  // Malformed bytes are bad input (ParseError propagates); failed checks become a failed dimension.
  const parsed = parseGpuAttestationReport(gpu.report);
  let v: VerifyGpuAttestationReturnType;
  try {
    v = await verifyGpuAttestation({ report: parsed, certificates: gpu.certificates ?? [], now, nonce: gpu.nonce, rims: gpu.rims, roots: gpu.roots });
  } catch (e) {
    if (e instanceof GpuRimMismatchError) {
      return failed(e.shortMessage, e.check, {
        mismatchedIndices: e.mismatches.map((m) => `${m.index} (${m.source})`),
        versionMismatches: e.versionMismatches.map((m) => `${m.source}: RIM ${m.rim}, GPU ${m.report ?? "none"}`),
      });
    }
    if (e instanceof VerificationError) return failed(e.shortMessage, e.check);
    throw e;
  }
  const d = details(v);
  let bound = "";
  if (gpu.binding) {
    try {
      bound = checkGpuNonceBinding(gpu.binding, parsed.request.nonce, cpu ? cpuReportData(cpu) : undefined);
      d.binding = bound;
    } catch (e) {
      if (e instanceof VerificationError) return failed(e.shortMessage, e.check, d);
      throw e;
    }
  }
  const identity = `report signed by a GPU whose chain ends at the pinned NVIDIA device root; driver ${v.driverVersion ?? "?"}, VBIOS ${v.vbiosVersion ?? "?"}`;
  const kinds = new Set(v.rims.map((r) => r.kind));
  // What keeps the dimension from passing: measurements not compared, or a report that may be a replay.
  const missing: string[] = [];
  if (kinds.size < 2) missing.push(`measurements not compared with NVIDIA's RIMs (${kinds.size === 0 ? "no RIM given" : `no ${kinds.has("driver") ? "VBIOS" : "driver"} RIM given`})`);
  if (!v.nonceChecked && !bound) missing.push("freshness not established (no nonce and no binding given)");
  if (missing.length) return partial(`${identity}; ${missing.join("; ")}`, d);
  const fresh = bound ? "nonce bound to the CPU report data" : "nonce checked";
  return passed(`${identity}; all ${v.comparison!.compared.length} active RIM measurements match; ${fresh}`, d);
}

/**
 * A report for GPU evidence alone: the GPU dimension is its evidence; the CPU dimensions do not
 * apply (a binding asked for here fails the GPU dimension: there is no CPU report data to bind to).
 */
export async function buildGpuReport(bytes: Uint8Array, options: BuildReportOptions): Promise<VerificationReport> {
  const gpu = await gpuDimension({ ...options.gpu, report: bytes, certificates: [...(options.gpu?.certificates ?? []), ...(options.certificates ?? [])] }, options.now);
  const na = (what: string) => skipped(`a GPU attestation report carries no ${what}`, false);
  return makeReport({
    evidenceType: "nvidia-gpu",
    tee: "nvidia-gpu",
    now: options.now,
    dimensions: {
      hardware: na("CPU evidence"),
      operatingSystem: na("OS measurement"),
      application: na("application measurement"),
      tpmBinding: skipped("no TPM quote in this evidence", false),
      registry: skipped("the registry lists CPUs; a GPU report names none", false),
      gpu,
    },
  });
}

/** CPU and GPU together: the CPU report with its GPU dimension filled in. */
export async function withGpuDimension(report: VerificationReport, options: BuildReportOptions): Promise<VerificationReport> {
  const g = options.gpu;
  if (!g?.report) return report;
  const gpu = await gpuDimension({ ...g, report: g.report }, options.now, report);
  const dimensions = { ...report.dimensions, gpu };
  return { ...report, dimensions, overall: overallStatus(dimensions) };
}
