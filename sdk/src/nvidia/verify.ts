/**
 * GPU attestation, end to end: the report's certificate chain to NVIDIA's pinned device identity
 * root, the FWID the leaf certifies against the report's, the P-384 signature over the SPDM
 * transcript, the nonce, the driver and VBIOS versions, and with RIMs the measurement blocks against
 * NVIDIA's signed golden values. Every refusal is a ParseError or a VerificationError (check names
 * "gpu.*"). docs/nvidia-gpu.md.
 */
import { equalBytes, hex, isBytes, toBytes } from "../bytes.js";
import { VerificationError } from "../errors.js";
import { type Certificate, importVerifyKey, parseCertificates } from "../pki/x509.js";
import { verifyGpuCertificateChain } from "./deviceChain.js";
import { GpuRimMismatchError, compareGpuMeasurements, type MeasurementComparison } from "./measurements.js";
import { type GpuOpaqueData, parseGpuOpaqueData } from "./opaque.js";
import { type VerifiedGpuRim, verifyGpuRim } from "./rim.js";
import { type GpuTrustAnchors, pinnedGpuRoots } from "./roots.js";
import { type GpuAttestationReport, parseGpuAttestationReport } from "./spdm.js";

export type VerifyGpuAttestationParameters = {
  /** Request || response bytes, their hex text, or a parsed report. */
  report: Uint8Array | string | GpuAttestationReport;
  /** The GPU's certificate chain (PEM text, DER, or parsed), leaf first. */
  certificates: (Uint8Array | string | Certificate)[];
  /** Verification time: certificates (the RIM signers' above all) expire. */
  now: Date | number;
  /** The nonce the verifier sent the GPU (32 bytes). Without it freshness is not established. */
  nonce?: Uint8Array | string | undefined;
  /** The driver RIM and the VBIOS RIM (XML text or bytes); which is which is read from each. */
  rims?: (string | Uint8Array)[] | undefined;
  /** Replace the pinned NVIDIA roots (tests pin the simulator's). */
  roots?: Partial<GpuTrustAnchors> | undefined;
};

export type VerifyGpuAttestationReturnType = {
  report: GpuAttestationReport;
  opaque: GpuOpaqueData;
  leaf: Certificate;
  chain: Certificate[];
  /** Hex of the request nonce. */
  nonce: string;
  /** True when `nonce` was given and equals the request's. */
  nonceChecked: boolean;
  driverVersion?: string | undefined;
  vbiosVersion?: string | undefined;
  /** The FWID the leaf certificate and the report agree on. */
  fwid?: string | undefined;
  rims: VerifiedGpuRim[];
  /** Present when RIMs were given (and then every compared index matched). */
  comparison?: MeasurementComparison | undefined;
};

const certsOf = (list: (Uint8Array | string | Certificate)[]): Certificate[] =>
  list.flatMap((c) => (typeof c === "string" || isBytes(c) ? parseCertificates(c, "GPU certificate chain") : [c]));

/**
 * ECDSA P-384 / SHA-384 over the transcript; r || s (96 bytes). False on any malformed input.
 * WebCrypto, like every other signature check of the SDK's pki/: measured here ~20x faster than
 * @noble/curves' p384.verify (the simulator signs with noble, where determinism matters).
 */
export async function verifyGpuReportSignature(report: GpuAttestationReport, leaf: Certificate): Promise<boolean> {
  if (leaf.publicKey.kind !== "ec" || leaf.publicKey.curve !== "P-384") return false;
  try {
    const key = await importVerifyKey(leaf.publicKey, { name: "ECDSA", namedCurve: "P-384" });
    return await crypto.subtle.verify({ name: "ECDSA", hash: "SHA-384" }, key, report.response.signature as BufferSource, report.signedBytes as BufferSource);
  } catch {
    return false;
  }
}

export async function verifyGpuAttestation(p: VerifyGpuAttestationParameters): Promise<VerifyGpuAttestationReturnType> {
  const report = typeof p.report === "string" || isBytes(p.report) ? parseGpuAttestationReport(p.report) : p.report;
  const opaque = parseGpuOpaqueData(report.response.opaqueData, report.response.opaqueOffset);
  const roots = { ...pinnedGpuRoots(), ...p.roots };

  const { leaf, chain, fwid: certFwid } = await verifyGpuCertificateChain({ certificates: certsOf(p.certificates), root: roots.deviceRoot, now: p.now });
  if (opaque.fwid !== undefined) {
    if (certFwid === undefined) throw new VerificationError("gpu.fwid", `the report names FWID ${opaque.fwid} but the attestation certificate has no FWID extension`);
    if (certFwid !== opaque.fwid) throw new VerificationError("gpu.fwid", "the report's FWID differs from the one its attestation certificate was issued for", { details: `report ${opaque.fwid}, certificate ${certFwid}` });
  }
  if (!(await verifyGpuReportSignature(report, leaf))) {
    throw new VerificationError("gpu.signature", `GPU attestation report signature does not verify under "${leaf.subject}"`);
  }
  let nonceChecked = false;
  if (p.nonce !== undefined) {
    const want = toBytes(p.nonce, "GPU nonce");
    if (!equalBytes(want, report.request.nonce)) {
      throw new VerificationError("gpu.nonce", "the GPU report answers another nonce", { details: `expected ${hex(want)}, report ${hex(report.request.nonce)}` });
    }
    nonceChecked = true;
  }

  const rims: VerifiedGpuRim[] = [];
  for (const [i, rim] of (p.rims ?? []).entries()) {
    const v = await verifyGpuRim({ rim, root: roots.rimRoot, now: p.now, structure: `NVIDIA RIM #${i + 1}` });
    if (rims.some((r) => r.kind === v.kind)) throw new VerificationError("gpu.rim.duplicate", `two ${v.kind} RIMs given; pass one driver RIM and one VBIOS RIM`);
    rims.push(v);
  }
  let comparison: MeasurementComparison | undefined;
  if (rims.length) {
    const versionMismatches = rims.flatMap((r) => {
      const reported = r.kind === "driver" ? opaque.driverVersion : opaque.vbiosVersion;
      return reported?.toLowerCase() === r.version ? [] : [{ source: r.kind, rim: r.version, report: reported ?? null }];
    });
    comparison = compareGpuMeasurements({ blocks: report.response.blocks, rims });
    if (versionMismatches.length || comparison.mismatches.length) throw new GpuRimMismatchError(comparison.mismatches, versionMismatches);
  }
  return {
    report,
    opaque,
    leaf,
    chain,
    nonce: hex(report.request.nonce),
    nonceChecked,
    ...(opaque.driverVersion !== undefined ? { driverVersion: opaque.driverVersion } : {}),
    ...(opaque.vbiosVersion !== undefined ? { vbiosVersion: opaque.vbiosVersion } : {}),
    ...(opaque.fwid !== undefined ? { fwid: opaque.fwid } : {}),
    rims,
    ...(comparison ? { comparison } : {}),
  };
}
