/**
 * The vTPM half of dstack's GCP TDX attestation (DstackGcpTdx): the TPM quote is signed by an AK
 * whose certificate chains to a pinned GCE/GCP vTPM root; its qualifying data is SHA-256 of the TDX
 * quote (binding the two); the PCR values hash to its PCR digest; and the runtime events replay
 * (SHA-256) to PCR14 (dstack-attest `verify_with_time`, GcpTdx). docs/dstack-attestation.md.
 */
import { sha256 } from "@noble/hashes/sha2.js";
import { equalBytes, hex } from "../bytes.js";
import { ParseError, VerificationError } from "../errors.js";
import { parseCertificate, type Certificate } from "../pki/x509.js";
import { verifyAkCertificateChain, verifyTpmQuoteWithAkCertificate, type VerifyTpmQuoteReturnType } from "../tpm/quote.js";
import { parseTpmsAttest, tpmHashAlgByName } from "../tpm/structures.js";
import type { DstackAttestation } from "./attestation.js";
import { replayRuntimeEvents } from "./runtimeEvents.js";

/** The PCR dstack extends runtime events into on GCP's vTPM. */
export const GCP_TDX_RUNTIME_PCR = 14;

export type VerifyDstackGcpTpmParameters = {
  attestation: DstackAttestation;
  now: Date | number;
  /** vTPM roots; the pinned GCE / GCP roots by default. */
  roots?: Certificate[] | undefined;
};

export type VerifyDstackGcpTpmReturnType = { quote: VerifyTpmQuoteReturnType; root: string; akSubject: string };

export type VerifyDstackGcpTpmErrorType = ParseError | VerificationError;

export async function verifyDstackGcpTpm(params: VerifyDstackGcpTpmParameters): Promise<VerifyDstackGcpTpmReturnType> {
  const a = params.attestation;
  if (a.platform.kind !== "gcp-tdx") throw new VerificationError("dstack.platform", `a ${a.platform.kind} attestation has no GCP vTPM quote`);
  const t = a.platform.tpmQuote;
  const akCertificate = parseCertificate(t.akCert, "dstack TPM quote ak_cert");
  const root = await verifyAkCertificateChain({ akCertificate, now: params.now, roots: params.roots });
  // The quoted bank is the one the TPMS_ATTEST selects; the values are given per (index, algorithm).
  const pcrs = new Map<number, Uint8Array>();
  const byBank = new Map<number, Map<number, Uint8Array>>();
  t.pcrValues.forEach((v, i) => {
    const alg = tpmHashAlgByName(v.algorithm);
    if (alg === undefined) throw new ParseError({ structure: "dstack TPM quote", field: `pcr_values[${i}].algorithm`, offset: 0, expected: "sha1, sha256, sha384 or sha512", got: v.algorithm });
    if (!byBank.has(alg)) byBank.set(alg, new Map());
    byBank.get(alg)!.set(v.index, v.value);
  });
  const selected = parseTpmsAttest(t.message).pcrSelections[0];
  for (const [k, v] of byBank.get(selected?.hashAlg ?? -1) ?? []) pcrs.set(k, v);
  const quote = await verifyTpmQuoteWithAkCertificate({ akCertificate, quote: { attest: t.message, signature: t.signature, pcrs }, nonce: sha256(a.platform.quote) });
  const quoted = quote.pcrs.get(GCP_TDX_RUNTIME_PCR);
  if (!quoted) throw new VerificationError("dstack.gcpTpm.pcr14", `the TPM quote does not cover PCR${GCP_TDX_RUNTIME_PCR}`);
  const replayed = replayRuntimeEvents(a.runtimeEvents, "sha256");
  if (quote.bankAlg !== 0x000b || !equalBytes(quoted, replayed)) {
    throw new VerificationError("dstack.gcpTpm.pcr14", `runtime events replay (SHA-256) to ${hex(replayed)}, the quoted PCR${GCP_TDX_RUNTIME_PCR} (${quote.bank}) is ${hex(quoted)}`);
  }
  return { quote, root, akSubject: akCertificate.subject };
}
