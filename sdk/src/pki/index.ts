/**
 * PKI under every evidence verifier: PEM, DER, X.509 certificates, chains and CRLs (browser-safe:
 * WebCrypto and web globals only). One certificate reader for all of them, certificate.ts, strict
 * DER on the hand-written der.ts (fast enough for the Intel PCK hot path, where asn1js alone cost
 * ~1 ms per certificate); two policies on top: p256Chain.ts, Intel's ECDSA P-256 chains and CRLs,
 * and x509.ts, the RSA PKCS#1 / PSS and ECDSA chains of SEV-SNP, TPM and Nitro. No ASN.1 library.
 * Public: the general certificate API (as report/ exported it before).
 */
export { type Certificate, parseCertificate, parseCertificates, verifyCertificateChain } from "./x509.js";
