/** Report builder for an AWS Nitro Enclaves attestation document. */
import { hex } from "../bytes.js";
import { parseNitroDocument, verifyNitroDocument, type VerifyNitroDocumentReturnType } from "../nitro/document.js";
import { type BuildReportOptions, dimension, lower, makeReport } from "./common.js";
import { type VerificationReport, failed, passed, skipped } from "./model.js";

export async function buildNitroReport(document: Uint8Array, options: BuildReportOptions): Promise<VerificationReport> {
  const cose = parseNitroDocument(document);
  let r: VerifyNitroDocumentReturnType | undefined;
  const hardware = await dimension(async () => {
    r = await verifyNitroDocument({ document: cose, now: options.now, nonce: options.nitroNonce });
    const details = { moduleId: r.moduleId, timestamp: r.timestamp, debug: r.debug, userData: r.userData ? hex(r.userData) : null, nonce: r.nonce ? hex(r.nonce) : null, publicKey: r.publicKey ? hex(r.publicKey) : null };
    if (r.debug) return failed("document verifies, but the enclave runs in debug mode (all-zero PCRs)", "nitro.debug", details);
    return passed("COSE_Sign1 ES384 signature and certificate chain verify to the pinned AWS Nitro root", details);
  });
  const pcr = (i: number) => (cose.document.pcrs.get(i) ? hex(cose.document.pcrs.get(i)!) : null);
  const pcrDetails = { pcr0: pcr(0), pcr1: pcr(1), pcr2: pcr(2), pcr8: pcr(8) };
  const allowed = lower(options.allowedOsMeasurements);
  const operatingSystem = await dimension(() => {
    if (hardware.status !== "passed") return skipped("hardware not verified, so the PCRs prove nothing", true, pcrDetails);
    if (!allowed) return skipped("no allowed PCR0 list given", true, pcrDetails);
    return allowed.includes(pcrDetails.pcr0 ?? "") ? passed("PCR0 (enclave image) is on the allowed list", pcrDetails) : failed("PCR0 (enclave image) is not on the allowed list", "os.measurement", pcrDetails);
  });
  return makeReport({
    evidenceType: "nitro-document",
    tee: "aws-nitro",
    now: options.now,
    dimensions: {
      hardware,
      operatingSystem,
      application: skipped("the enclave image (PCR0) is the application; see operating system", false),
      tpmBinding: skipped("no TPM quote in this evidence", false),
      registry: skipped("a Nitro document names no registrable hardware ID (module ID is per enclave)", false),
    },
  });
}
