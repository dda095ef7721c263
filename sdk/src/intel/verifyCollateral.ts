/**
 * Time-independent verification of collateral and PCK chains (cached by the verifier): every
 * signature, the chains to the pinned root, CRL contents; validity windows are recorded for the
 * per-quote time check.
 */
import { VerificationError } from "../errors.js";
import { decodeCollateral, type QuoteCollateralV3 } from "./collateral.js";
import { parseJsonText } from "./json.js";
import { readSgxExtension, type PckExtensions } from "./pckExtensions.js";
import { parsePemChain } from "../pki/pem.js";
import {
  CertificateMemo,
  certWindow,
  verifyChainToRoot,
  verifyCrl,
  verifyP256,
  type PinnedRoot,
  type ValidityWindow,
  type VerifiedCert,
} from "../pki/p256Chain.js";
import { parseEnclaveIdentity, parseTcbInfo, type EnclaveIdentity, type TcbInfo } from "./tcbInfo.js";

export type VerifiedCollateral = {
  tcbInfo: TcbInfo;
  qeIdentity: EnclaveIdentity;
  rootCrlRevoked: Set<string>;
  pckCrlRevoked: Set<string>;
  /** Subject of the CA that issued the PCK CRL (Intel SGX PCK Processor CA or Platform CA). */
  pckCrlIssuer: string;
  pckCrlIssuerDer: Uint8Array;
  windows: ValidityWindow[];
  /** Serials of the intermediate certificates in the collateral chains, checked against the root CRL. */
  intermediateSerials: { what: string; serial: string }[];
};

export async function verifyCollateralItems(
  c: QuoteCollateralV3,
  root: PinnedRoot,
  memo: CertificateMemo = new CertificateMemo(),
): Promise<VerifiedCollateral> {
  const d = decodeCollateral(c);
  const chain = (pem: string, what: string) => parsePemChain(pem, { structure: what, lenient: true });
  const rootCrl = await verifyCrl(d.rootCaCrl, root, "rootCaCrl");

  // Intel serves the same TCB signing chain for TCB info and QE identity: verify it once.
  const tcbChainPromise = verifyChainToRoot(chain(d.tcbInfoIssuerChain, "tcbInfoIssuerChain"), root, "tcbInfoIssuerChain", memo);
  const [tcbChain, qeChain, pckCrlChain] = await Promise.all([
    tcbChainPromise,
    d.qeIdentityIssuerChain === d.tcbInfoIssuerChain
      ? tcbChainPromise
      : verifyChainToRoot(chain(d.qeIdentityIssuerChain, "qeIdentityIssuerChain"), root, "qeIdentityIssuerChain", memo),
    verifyChainToRoot(chain(d.pckCrlIssuerChain, "pckCrlIssuerChain"), root, "pckCrlIssuerChain", memo),
  ]);
  const pckCrl = await verifyCrl(d.pckCrl, pckCrlChain[0]!, "pckCrl");

  const [tcbOk, qeOk] = await Promise.all([
    verifyP256(tcbChain[0]!.key, d.tcbInfoSignature, d.tcbInfoBytes),
    verifyP256(qeChain[0]!.key, d.qeIdentitySignature, d.qeIdentityBytes),
  ]);
  if (!tcbOk) throw new VerificationError("tcbInfo.signature", "TCB info signature is invalid");
  if (!qeOk) throw new VerificationError("qeIdentity.signature", "QE identity signature is invalid");

  const tcbInfo = parseTcbInfo(parseJsonText(c.tcb_info, "TCB info"));
  const qeIdentity = parseEnclaveIdentity(parseJsonText(c.qe_identity, "QE identity"));

  const windows: ValidityWindow[] = [
    certWindow("rootCa", root),
    { what: "rootCaCrl", notBefore: rootCrl.thisUpdate, notAfter: rootCrl.nextUpdate },
    { what: "pckCrl", notBefore: pckCrl.thisUpdate, notAfter: pckCrl.nextUpdate },
    { what: "tcbInfo", notBefore: tcbInfo.issueDate, notAfter: tcbInfo.nextUpdate },
    { what: "qeIdentity", notBefore: qeIdentity.issueDate, notAfter: qeIdentity.nextUpdate },
  ];
  const intermediateSerials: { what: string; serial: string }[] = [];
  const add = (what: string, certs: VerifiedCert[]) =>
    certs.forEach((cert, i) => {
      windows.push(certWindow(`${what}[${i}]`, cert));
      intermediateSerials.push({ what: `${what}[${i}]`, serial: cert.serial });
    });
  add("tcbInfoIssuerChain", tcbChain);
  add("qeIdentityIssuerChain", qeChain);
  add("pckCrlIssuerChain", pckCrlChain);
  if (rootCrl.revoked.has(root.serial)) throw new VerificationError("rootCa.revoked", "the root CA is on its own CRL");
  for (const s of intermediateSerials) {
    if (rootCrl.revoked.has(s.serial)) throw new VerificationError(`${s.what}.revoked`, `${s.what} is revoked by the root CA CRL`);
  }

  return {
    tcbInfo,
    qeIdentity,
    rootCrlRevoked: rootCrl.revoked,
    pckCrlRevoked: pckCrl.revoked,
    pckCrlIssuer: pckCrl.issuer,
    pckCrlIssuerDer: pckCrl.issuerDer,
    windows,
    intermediateSerials,
  };
}

export type VerifiedPckChain = {
  leaf: VerifiedCert;
  /** The PCK CA (Processor or Platform) that issued the leaf. */
  ca: VerifiedCert;
  extensions: PckExtensions;
  windows: ValidityWindow[];
  /**
   * QE reports already verified under this PCK key, keyed by their signature (hex). A QE report
   * certifies the attestation key the way a certificate certifies a key, so it is cached like one.
   */
  verifiedQeReports: Map<string, Uint8Array>;
};

/** Verifies the quote's PCK chain (leaf, PCK CA[, root]) to the pinned root and reads the SGX extension. */
export async function verifyPckChain(
  ders: Uint8Array[],
  root: PinnedRoot,
  memo: CertificateMemo = new CertificateMemo(),
): Promise<VerifiedPckChain> {
  const certs = await verifyChainToRoot(ders, root, "pckChain", memo);
  if (certs.length !== 2) throw new VerificationError("pckChain.length", "PCK chain must be leaf, PCK CA and root");
  const [leaf, ca] = certs as [VerifiedCert, VerifiedCert];
  if (!/(^|, )CN=Intel SGX PCK Certificate(,|$)/.test(leaf.subject)) {
    throw new VerificationError("pckChain.leaf", `PCK leaf subject "${leaf.subject}" is not an SGX PCK Certificate`);
  }
  return {
    leaf,
    ca,
    extensions: readSgxExtension(requireSgxExtension(leaf)),
    windows: [certWindow("pckChain.leaf", leaf), certWindow("pckChain.ca", ca)],
    verifiedQeReports: new Map(),
  };
}

function requireSgxExtension(leaf: VerifiedCert): Uint8Array {
  if (!leaf.sgxExtension) throw new VerificationError("pckChain.leaf", "PCK certificate has no SGX extension (1.2.840.113741.1.13.1)");
  return leaf.sgxExtension;
}
