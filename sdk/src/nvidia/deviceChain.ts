/**
 * The GPU's certificate chain: attestation key certificate (leaf, "GH100 A01 GSP FMC LF") → GSP BROM →
 * Provisioner ICA → GH100 Identity → NVIDIA Device Identity CA, the pinned root. The chain comes with
 * the evidence (NVIDIA's tools save it as PEM text, leaf first, root last); the root it carries is
 * only compared, never trusted. The leaf's FWID extension (OID 2.23.133.5.4.1) must name the
 * firmware the report's opaque data names. docs/nvidia-gpu.md.
 */
import { equalBytes, hex } from "../bytes.js";
import { ParseError, VerificationError } from "../errors.js";
import { Der } from "../pki/der.js";
import { type Certificate, verifyCertificateChain } from "../pki/x509.js";

/** TCG DICE TcbInfo (2.23.133.5.4.1), and the older FWID-only OID nvtrust also accepts. */
export const TCG_DICE_TCB_INFO_OID = "2.23.133.5.4.1";
export const TCG_DICE_FWID_OID = "2.23.133.5.4.1.1";
/** Hopper's FWID is SHA-384 (48 bytes). */
export const HOPPER_FWID_LENGTH = 48;
const SHA384_OID = "2.16.840.1.101.3.4.2.2";

/**
 * The FWID of a Hopper attestation certificate's 2.23.133.5.4.1 extension. NVIDIA's layout is
 * SEQUENCE { INTEGER version, SubjectPublicKeyInfo, SEQUENCE { OID sha384, OCTET STRING fwid } }:
 * the FWID is the last element. nvtrust takes "the last 48 bytes"; we read the structure, so a
 * value that merely ends with 48 bytes is not an FWID. Strict DER (pki/der.ts); ParseError otherwise.
 */
export function readHopperFwid(value: Uint8Array): Uint8Array {
  const d = new Der(value, "GPU certificate FWID extension");
  const outer = d.expect(0, value.length, 0x30, "extension value");
  if (outer.end !== value.length) throw d.fail("extension value", outer.end, "no trailing bytes");
  const parts = d.children(outer, "extension value");
  const last = parts[parts.length - 1];
  if (!last || last.tag !== 0x30) throw d.fail("FWID", outer.valueStart, "a last element SEQUENCE { hashAlg, digest }");
  const [alg, digest, extra] = d.children(last, "FWID");
  if (!alg || alg.tag !== 0x06 || !digest || digest.tag !== 0x04 || extra) throw d.fail("FWID", last.start, "SEQUENCE { OBJECT IDENTIFIER, OCTET STRING }");
  if (d.oid(alg, "FWID hashAlg") !== SHA384_OID) throw d.fail("FWID hashAlg", alg.start, `SHA-384 (${SHA384_OID})`);
  const fwid = d.value(digest);
  if (fwid.length !== HOPPER_FWID_LENGTH) throw d.fail("FWID digest", digest.start, "48 bytes");
  return fwid;
}

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
  fwid?: string | undefined;
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
  let fwid: string | undefined;
  if (ext) {
    try {
      fwid = hex(readHopperFwid(ext.value));
    } catch (cause) {
      if (!(cause instanceof ParseError)) throw cause;
      throw new VerificationError("gpu.fwid", `GPU attestation certificate "${leaf.subject}" has an FWID extension that is not Hopper's`, { cause, details: cause.shortMessage });
    }
  }
  return { leaf, chain, ...(fwid ? { fwid } : {}) };
}
