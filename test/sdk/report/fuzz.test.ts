/** Arbitrary bytes never crash a parser: each either parses or throws a typed ParseError/VerificationError. */
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, it } from "vitest";
import { parseSnpReport } from "../../../sdk/src/amd/index.js";
import { parseDstackEventLog } from "../../../sdk/src/eventlog/index.js";
import { parseNitroDocument } from "../../../sdk/src/nitro/index.js";
import { detectEvidence, parseCertificates, verifyEvidence } from "../../../sdk/src/report/index.js";
import { parseTcgEventLog, parseTpmsAttest, parseTpmtPublic, parseTpmtSignature } from "../../../sdk/src/tpm/index.js";
import { outcome } from "./mutation.js";

const fixture = (p: string) => new Uint8Array(readFileSync(`test/fixtures/${p}`));
const typed = async (fn: () => unknown) => {
  await outcome(fn); // rethrows anything untyped
};
/** Bytes shaped like `seed`: random splices, so fuzzing reaches past the first header check. */
const near = (seed: Uint8Array) =>
  fc.tuple(fc.nat({ max: seed.length }), fc.nat({ max: seed.length }), fc.uint8Array({ maxLength: 64 })).map(([a, b, ins]) => {
    const [lo, hi] = a < b ? [a, b] : [b, a];
    return new Uint8Array([...seed.subarray(0, lo), ...ins, ...seed.subarray(hi)]);
  });

describe("parsers on arbitrary input (fast-check)", () => {
  const runs = { numRuns: 300 };
  it("SEV-SNP report", async () => {
    const seed = fixture("amd/milan-dstack/report.bin");
    await fc.assert(fc.asyncProperty(fc.oneof(fc.uint8Array({ maxLength: 1300 }), near(seed)), (b) => typed(() => parseSnpReport(b))), runs);
  });
  it("TPMS_ATTEST, TPMT_SIGNATURE, TPMT_PUBLIC", async () => {
    const j = JSON.parse(readFileSync("test/fixtures/tpm/gce-cos-85-nonce9009.json", "utf8"));
    const h = (s: string) => new Uint8Array(Buffer.from(s, "hex"));
    for (const [seed, parse] of [
      [h(j.quotes[0].tpms_attest), parseTpmsAttest],
      [h(j.quotes[0].tpmt_signature), parseTpmtSignature],
      [h(j.ak_pub_tpmt_public), parseTpmtPublic],
    ] as const) {
      await fc.assert(fc.asyncProperty(fc.oneof(fc.uint8Array({ maxLength: 400 }), near(seed)), (b) => typed(() => parse(b))), runs);
    }
  });
  it("TCG event log", async () => {
    const seed = fixture("tpm/gce-cos-85-nonce9009.eventlog.bin").subarray(0, 2000);
    await fc.assert(fc.asyncProperty(fc.oneof(fc.uint8Array({ maxLength: 400 }), near(seed)), (b) => typed(() => parseTcgEventLog(b))), runs);
  });
  it("Nitro document", async () => {
    const seed = fixture("nitro/dstack-nsm/attestation.bin");
    await fc.assert(fc.asyncProperty(fc.oneof(fc.uint8Array({ maxLength: 400 }), near(seed)), (b) => typed(() => parseNitroDocument(b))), runs);
  });
  it("dstack event log JSON", async () => {
    await fc.assert(fc.asyncProperty(fc.oneof(fc.string(), fc.json()), (s) => typed(() => parseDstackEventLog(s))), runs);
  });
  it("certificates (PEM and DER)", async () => {
    const seed = fixture("amd/milan-go-sev-guest/vcek.der");
    await fc.assert(fc.asyncProperty(fc.oneof(fc.uint8Array({ maxLength: 400 }), near(seed), fc.string().map((s) => `-----BEGIN CERTIFICATE-----${s}-----END CERTIFICATE-----`)), (b) => typed(() => parseCertificates(b))), runs);
  });
  it("evidence detection and the whole report pipeline", async () => {
    const seeds = ["amd/milan-dstack/report.bin", "nitro/dstack-nsm/attestation.bin", "tpm/gce-cos-85-nonce9009.json", "tpm/gce-cos-85-nonce9009.pb", "dstack/guest-agent-attestation.bin", "amd/milan-dstack/attestation.scale.bin"].map(fixture);
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.uint8Array({ maxLength: 200 }), ...seeds.map(near)), async (b) => {
        await typed(() => detectEvidence(b));
        await typed(() => verifyEvidence({ evidence: b, now: 1766668537 }));
      }),
      { numRuns: 200 },
    );
  });
});
