/**
 * PKI under every evidence verifier: PEM, DER, X.509 certificates, chains and CRLs (browser-safe:
 * WebCrypto and web globals only). Two certificate readers on purpose: p256Chain.ts on the
 * hand-written DER reader (der.ts) for the Intel PCK path, which is hot (a warm quote costs ~0.2 ms,
 * asn1js alone ~1 ms per certificate), and x509.ts on @peculiar/asn1-x509 for the SEV-SNP, TPM and
 * Nitro chains, which need RSA PKCS#1 / PSS and P-384 and are verified once per report.
 * Public: the general certificate API (as report/ exported it before).
 */
export { type Certificate, parseCertificate, parseCertificates, verifyCertificateChain } from "./x509.js";
