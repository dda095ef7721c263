/**
 * dstack attestations (SCALE): decode alone, and a whole verification per iteration of the real
 * samples through `verifyEvidence` (TDX: quote signatures + PCK chain to the Intel root, 33-event
 * replay of RTMR0–3, runtime events; SEV-SNP: ARK chain + signature + HOST_DATA binding).
 * No peer runs here: dstack's own verifier is Rust (dstack-attest) and fetches collateral online.
 */
import type { BenchSuite } from "../bench.js";
import { parseDstackAttestation } from "../../sdk/src/dstack/index.js";
import { createIntelQuoteVerifier, verifyEvidence } from "../../sdk/src/report/index.js";
import { DSTACK_SNP, DSTACK_TDX, DSTACK_TDX_AT, dstackSnpCertificates, fixtureBytes } from "../../testkit/dstackFixtures.js";
import { msPer } from "../../testkit/benchTiming.js";


export const suite: BenchSuite = {
  name: "sdk.dstack",
  run: async (ctx) => {
    const tdx = fixtureBytes(DSTACK_TDX);
    const decode = await msPer(500, () => parseDstackAttestation(tdx));
    ctx.log(`  decode (9504-byte TDX attestation, 33 events): ${decode} ms`);

    const intelVerifier = createIntelQuoteVerifier();
    const verify = await msPer(50, async () => {
      const r = await verifyEvidence({ evidence: tdx, now: DSTACK_TDX_AT, intelVerifier });
      if (r.dimensions.application.status !== "passed") throw new Error("bench: the TDX sample did not verify");
    });
    ctx.log(`  verify TDX attestation (quote signatures + PCK chain, replay, app identity): ${verify} ms`);

    const snp = fixtureBytes(DSTACK_SNP);
    const certificates = dstackSnpCertificates();
    const snpMs = await msPer(50, async () => {
      const r = await verifyEvidence({ evidence: snp, now: DSTACK_TDX_AT, certificates });
      if (r.dimensions.hardware.status !== "passed") throw new Error("bench: the SEV-SNP sample did not verify");
    });
    ctx.log(`  verify SEV-SNP attestation (ARK chain, signature, HOST_DATA = mr_config): ${snpMs} ms`);

    return {
      "sdk.dstack.msPerAttestation": verify,
      "sdk.dstack.msPerDecode": decode,
      "sdk.dstack.msPerSnpAttestation": snpMs,
    };
  },
};
