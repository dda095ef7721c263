/**
 * The GPU dimension: an NVIDIA confidential-computing GPU's attestation report verified beside the
 * CPU evidence (or alone). What it checks and the binding of the GPU nonce to the CPU's report
 * data: docs/nvidia-gpu.md, docs/verification-report.md.
 */
import { sha256 } from "@noble/hashes/sha2.js";
import { equalBytes, hex, toBytes } from "../bytes.js";
import { VerificationError } from "../errors.js";
import {
  GpuRimMismatchError,
  type GpuEvidenceEntry,
  parseGpuAttestationReport,
  parseGpuEvidenceList,
  verifyGpuAttestation,
  type VerifyGpuAttestationReturnType,
} from "../nvidia/index.js";
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
 * Several GPUs (an evidence list) as one dimension: each is verified as above with the shared
 * options; the dimension fails if any GPU fails, is partial if any is, and its details are each
 * GPU's, prefixed "gpu<i>.". A GPU whose report answers another nonce than the list declares fails
 * `gpu.list.nonce` (the declared nonce is the prover's word; only the caller's nonce proves freshness).
 */
export async function gpusDimension(entries: GpuEvidenceEntry[], declaredNonce: string | undefined, gpu: GpuEvidenceOptions, now: Date | number, cpu?: VerificationReport): Promise<DimensionResult> {
  const results: DimensionResult[] = [];
  for (const [i, e] of entries.entries()) {
    const parsed = parseGpuAttestationReport(e.report);
    if (declaredNonce !== undefined && hex(parsed.request.nonce) !== declaredNonce) {
      results.push(failed(`GPU ${i} answers another nonce than the evidence list declares`, "gpu.list.nonce", { nonce: hex(parsed.request.nonce), declaredNonce }));
      continue;
    }
    results.push(await gpuDimension({ ...gpu, report: parsed.raw, certificates: [e.certificates] }, now, cpu));
  }
  if (results.length === 1) return results[0]!;
  const d: DimensionResult["details"] = { gpus: results.length };
  for (const [i, r] of results.entries()) {
    d[`gpu${i}.status`] = r.status;
    for (const [k, v] of Object.entries(r.details)) d[`gpu${i}.${k}`] = v;
  }
  const bad = results.findIndex((r) => r.status === "failed");
  if (bad >= 0) return failed(`GPU ${bad} of ${results.length}: ${results[bad]!.reason}`, results[bad]!.check, d);
  const part = results.findIndex((r) => r.status !== "passed");
  if (part >= 0) return partial(`${results.length} GPUs verified; GPU ${part}: ${results[part]!.reason}`, d);
  return passed(`all ${results.length} GPUs: ${results[0]!.reason}`, d);
}

/**
 * A report for GPU evidence alone (one report, or an evidence list): the GPU dimension is its
 * evidence; the CPU dimensions do not apply (a binding asked for here fails the GPU dimension:
 * there is no CPU report data to bind to).
 */
export async function buildGpuReport(evidence: Uint8Array | Record<string, unknown>, options: BuildReportOptions): Promise<VerificationReport> {
  let gpu: DimensionResult;
  if (evidence instanceof Uint8Array) {
    gpu = await gpuDimension({ ...options.gpu, report: evidence, certificates: [...(options.gpu?.certificates ?? []), ...(options.certificates ?? [])] }, options.now);
  } else {
    const list = parseGpuEvidenceList(evidence);
    gpu = await gpusDimension(list.gpus, list.nonce, options.gpu ?? {}, options.now);
  }
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
  if (!g?.report && !g?.evidenceList) return report;
  let gpu: DimensionResult;
  if (g.evidenceList !== undefined) {
    const list = parseGpuEvidenceList(g.evidenceList);
    gpu = await gpusDimension(list.gpus, list.nonce, g, options.now, report);
  } else {
    gpu = await gpuDimension({ ...g, report: g.report! }, options.now, report);
  }
  const dimensions = { ...report.dimensions, gpu };
  return { ...report, dimensions, overall: overallStatus(dimensions) };
}
