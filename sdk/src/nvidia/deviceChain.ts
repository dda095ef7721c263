/**
 * The GPU's certificate chain: attestation key certificate (leaf, "GH100 A01 GSP FMC LF") → GSP BROM →
 * Provisioner ICA → GH100 Identity → NVIDIA Device Identity CA, the pinned root. The chain comes with
 * the evidence (NVIDIA's tools save it as PEM text, leaf first, root last); the root it carries is
 * only compared, never trusted. The leaf's TCG DICE FWID extension must name the firmware the
 * report's opaque data names. docs/nvidia-gpu.md.
 */
import { equalBytes, hex } from "../bytes.js";
import { VerificationError } from "../errors.js";
import { type Certificate, verifyCertificateChain } from "../pki/x509.js";

/** TCG DICE TcbInfo (2.23.133.5.4.1), and the older FWID-only OID nvtrust also accepts. */
export const TCG_DICE_TCB_INFO_OID = "2.23.133.5.4.1";
export const TCG_DICE_FWID_OID = "2.23.133.5.4.1.1";
/** Hopper's FWID is SHA-384: the last 48 bytes of the extension (nvtrust cc_admin_utils.extract_fwid). */
export const HOPPER_FWID_LENGTH = 48;

export type VerifyGpuCertificateChainParameters = {
  /** Leaf first, as NVIDIA's tools save them; may end with (a copy of) the root. */
  certificates: Certificate[];
  root: Certificate;
  now: Date | number;
};

export type VerifiedGpuCertificateChain = {
  leaf: Certificate;
  /** The certificates verified, leaf first, without the pinned root. */
  chain: Certificate[];
  /** Hex FWID from the leaf's DICE extension, when it has one. */
  fwid?: string;
};

export async function verifyGpuCertificateChain(p: VerifyGpuCertificateChainParameters): Promise<VerifiedGpuCertificateChain> {
  const chain = p.certificates.filter((c) => !equalBytes(c.der, p.root.der));
  if (chain.length === 0) throw new VerificationError("gpu.chain.empty", "no GPU attestation certificate given (pass the GPU's certificate chain)");
  const rogue = chain.find((c) => equalBytes(c.subjectDer, c.issuerDer));
  if (rogue) {
    throw new VerificationError("gpu.chain.root", `the GPU chain carries a root "${rogue.subject}" that is not the pinned NVIDIA device identity root`);
  }
  await verifyCertificateChain({ chain, root: p.root, now: p.now, check: "gpu.chain" });
  const leaf = chain[0]!;
  if (leaf.publicKey.kind !== "ec" || leaf.publicKey.curve !== "P-384") {
    throw new VerificationError("gpu.chain.key", `GPU attestation certificate "${leaf.subject}" does not hold a P-384 key`);
  }
  const ext = leaf.extensions.get(TCG_DICE_TCB_INFO_OID) ?? leaf.extensions.get(TCG_DICE_FWID_OID);
  const fwid = ext && ext.value.length >= HOPPER_FWID_LENGTH ? hex(ext.value.subarray(ext.value.length - HOPPER_FWID_LENGTH)) : undefined;
  return { leaf, chain, ...(fwid ? { fwid } : {}) };
}
