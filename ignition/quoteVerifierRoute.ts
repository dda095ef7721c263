/**
 * Which quote verifier a deployment routes Intel quotes through: "ours" (our onchain DCAP verifier)
 * or "automata" (Automata's DCAP attestation behind AutomataDcapAdapter). Its own file so that
 * modules/ProofOfCloud.ts and modules/CvmRegistry.ts both import it without importing each other.
 */
export type QuoteVerifierRoute = "ours" | "automata";
