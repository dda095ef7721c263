/**
 * Offchain evidence verification speed on the real fixtures: a full verification per iteration
 * (parse, certificate chain to the pinned root, signature, and for TPM/event logs the replay).
 */
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { BenchSuite } from "../bench.js";
import { verifySnpReport } from "../../sdk/src/amd/index.js";
import { parseTpmAttestationJson, verifyTpmAttestation } from "../../sdk/src/tpm/index.js";
import { verifyNitroDocument } from "../../sdk/src/nitro/index.js";
import { verifyDstackEventLog } from "../../sdk/src/eventlog/index.js";
import { rtmrsFromTdxV4Quote } from "../../testkit/tdxQuoteRtmrs.js";
import { msPer } from "../../testkit/benchTiming.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "../../test/fixtures");
const read = (p: string) => new Uint8Array(readFileSync(join(root, p)));


export const suite: BenchSuite = {
  name: "sdk.evidence",
  run: async (ctx) => {
    const now = Date.UTC(2026, 10, 22) / 1000;
    const snpReport = read("amd/milan-dstack/report.bin");
    const vcek = read("amd/milan-dstack/vcek.pem");
    const snp = await msPer(50, () => verifySnpReport({ report: snpReport, certificates: [vcek], now }));
    ctx.log(`  SEV-SNP report (chain + signature + TCB): ${snp} ms`);

    const tpmJson = readFileSync(join(root, "tpm/gce-cos-85-nonce9009.json"), "utf8");
    const log = read("tpm/gce-cos-85-nonce9009.eventlog.bin");
    const tpmAll = await msPer(20, () => verifyTpmAttestation({ attestation: parseTpmAttestationJson(tpmJson), nonce: "9009", now, eventLog: log }));
    const tpm = Number((tpmAll / 3).toFixed(3));
    ctx.log(`  TPM attestation (3 quotes + AK chain + event log): ${tpmAll} ms, ${tpm} ms per quote`);

    const nsm = read("nitro/dstack-nsm/attestation.bin");
    const nitro = await msPer(50, () => verifyNitroDocument({ document: nsm, now: 1766668537 }));
    ctx.log(`  Nitro document (COSE + 4-certificate chain): ${nitro} ms`);

    const dstack = JSON.parse(readFileSync(join(root, "dstack/quote-report.json"), "utf8"));
    const rtmrs = rtmrsFromTdxV4Quote(dstack.quote);
    const replay = await msPer(200, () => verifyDstackEventLog({ events: dstack.event_log, rtmrs }));
    ctx.log(`  dstack event log (28 events, RTMR0-3): ${replay} ms`);

    return {
      "sdk.snp.msPerReport": snp,
      "sdk.tpm.msPerQuote": tpm,
      "sdk.nitro.msPerDocument": nitro,
      "sdk.eventlog.msPerReplay": replay,
    };
  },
};
