/** Report builder for a TPM attestation (GCE-style JSON: AK public, quotes, AK certificate). */
import { hex } from "../bytes.js";
import { VerificationError } from "../errors.js";
import { checkTcgEventData, checkTcgEventLog, parseTcgEventLog } from "../tpm/eventlog.js";
import { parseTpmsAttest } from "../tpm/structures.js";
import { type TpmAttestation, type VerifyTpmQuoteReturnType, verifyTpmAttestation, verifyTpmQuote } from "../tpm/quote.js";
import { type BuildReportOptions, dimension, makeReport } from "./common.js";
import { type VerificationReport, passed, skipped } from "./model.js";

export async function buildTpmReport(attestation: TpmAttestation, options: BuildReportOptions): Promise<VerificationReport> {
  // Quotes first: signature, PCR digest and (when given) the nonce.
  let quotes: VerifyTpmQuoteReturnType[] = [];
  const nonceGiven = options.tpmNonce !== undefined;
  const tpmBinding = await dimension(async () => {
    quotes = [];
    for (const q of attestation.quotes) {
      // Without an expected nonce, check everything else against the quote's own qualifying data.
      const nonce = options.tpmNonce ?? parseTpmsAttest(q.attest).extraData;
      const v = await verifyTpmQuote({ akPublic: attestation.akPublic, quote: q, nonce });
      quotes.push(v);
    }
    const details = { banks: quotes.map((q) => q.bank), extraData: hex(quotes[0]!.attest.extraData) };
    if (!nonceGiven) return skipped("quote signatures and PCR digests verify under the AK, but no nonce was given, so freshness is unproven", true, details);
    return passed(`${quotes.length} quote(s) (${details.banks.join(", ")}) signed by the AK over the expected nonce`, details);
  });
  const hardware = await dimension(async () => {
    if (tpmBinding.status === "failed") return skipped("the quote does not verify", true);
    const r = await verifyTpmAttestation({
      attestation: { ...attestation, eventLog: undefined },
      nonce: nonceGiven ? options.tpmNonce! : hex(quotes[0]!.attest.extraData),
      now: options.now,
      certificates: options.certificates,
    });
    return passed(`AK certificate chains to the pinned vTPM CA "${cn(r.root)}"`, { akSubject: r.akCertificate.subject, root: r.root });
  });
  const logBytes = options.tpmEventLog ?? attestation.eventLog;
  const operatingSystem = await dimension(async () => {
    if (tpmBinding.status === "failed") return skipped("the quote does not verify", true);
    if (!logBytes) return skipped("no TCG event log given", true);
    const log = parseTcgEventLog(logBytes);
    const banks: string[] = [];
    const replayedAlgs: number[] = [];
    for (const q of quotes) {
      if (!log.algorithms.some((a) => a.alg === q.bankAlg)) continue;
      checkTcgEventLog(log, q.bankAlg, q.pcrs);
      banks.push(q.bank);
      replayedAlgs.push(q.bankAlg);
    }
    if (banks.length === 0) throw new VerificationError("tpm.eventlog.bank", "the event log has none of the quoted PCR banks");
    // The replay binds digests only; say per event whether its data is bound too.
    const events = checkTcgEventData(log, replayedAlgs);
    const label = (e: (typeof events)[number]) => `#${e.index} PCR${e.pcrIndex} ${e.typeName}`;
    const verified = events.filter((e) => e.data.verified).map(label);
    const partly = events.filter((e) => !e.data.verified && e.data.checked).map(label);
    const unverified = events.filter((e) => !e.data.verified && !e.data.checked).map(label);
    return passed(
      `event log (${events.length} events) replays to the quoted PCRs in ${banks.join(", ")}; event data verified for ${verified.length} of ${events.length} events, partly for ${partly.length}, not for ${unverified.length}`,
      {
        banks,
        events: events.length,
        eventDataVerified: verified.length,
        eventDataPartlyVerified: partly.length,
        eventDataUnverified: unverified.length,
        verifiedEventData: verified,
        partlyVerifiedEventData: partly,
        unverifiedEventData: unverified,
      },
    );
  });
  return makeReport({
    evidenceType: "tpm-quote",
    tee: "tpm",
    now: options.now,
    dimensions: {
      hardware,
      operatingSystem,
      application: skipped("a TPM quote carries no application identity", false),
      tpmBinding,
      registry: skipped("a vTPM quote names no registrable hardware ID", false),
    },
  });
}

const cn = (name: string) => /CN=(.*)$/.exec(name)?.[1] ?? name;
