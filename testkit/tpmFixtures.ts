/** The real GCE vTPM attestation (test/fixtures/tpm/gce-cos-85-nonce9009.json) as the onchain TPM contracts take it. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Hex } from "viem";

export const TPM_FIXTURES = join(import.meta.dirname, "..", "test", "fixtures", "tpm");

/** The GCE attestation file: AK public area and certificate, quotes over nonce 0x9009 with their PCRs. */
export function loadGceAttestation(): any {
  return JSON.parse(readFileSync(join(TPM_FIXTURES, "gce-cos-85-nonce9009.json"), "utf8"));
}

/**
 * `TpmQuoteVerifier.verifyQuote`'s arguments for quote `index` of the GCE attestation: AK public area,
 * TPMS_ATTEST, TPMT_SIGNATURE, the PCR values concatenated in index order, the nonce 0x9009.
 */
export function gceQuoteArgs(gce = loadGceAttestation(), index = 1): readonly [Hex, Hex, Hex, Hex, Hex] {
  const q = gce.quotes[index];
  const pcrs: Hex = `0x${Object.keys(q.pcrs)
    .map(Number)
    .sort((a, b) => a - b)
    .map((i) => q.pcrs[String(i)])
    .join("")}`;
  return [`0x${gce.ak_pub_tpmt_public}`, `0x${q.tpms_attest}`, `0x${q.tpmt_signature}`, pcrs, "0x9009"];
}
