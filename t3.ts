import { readFileSync } from "node:fs";
import { verifyEvidence, createIntelQuoteVerifier, renderReportText, parseCertificates } from "./sdk/src/index.ts";
const f = (p: string) => new Uint8Array(readFileSync(p));
const run = async (p: string, now: number, extra: any = {}) => {
  const r = await verifyEvidence({ evidence: f(p), now, intelVerifier: createIntelQuoteVerifier(), ...extra });
  console.log(renderReportText(r, { details: true }));
};
await run("test/fixtures/dstack/guest-agent-attestation.bin", 1790000000);
await run("test/fixtures/amd/milan-dstack/attestation.scale.bin", 1790000000, { certificates: [readFileSync("test/fixtures/amd/milan-dstack/vcek.pem","utf8"), readFileSync("test/fixtures/amd/milan-dstack/ask.pem","utf8")] });
await run("test/fixtures/nitro/dstack-enclave/attestation.scale.bin", 1766000000);
await run("test/fixtures/nitro/dstack-nsm/attestation.bin", 1766668537);
