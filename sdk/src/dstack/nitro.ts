/**
 * The AWS variants of a dstack attestation. Nitro Enclave: the NSM document verifies to the pinned
 * AWS Nitro root and its user_data is the attestation's report_data. NitroTPM: the same COSE
 * document format, plus the runtime events replay (SHA-384) to its PCR14. docs/dstack-attestation.md.
 */
import { equalBytes, hex } from "../bytes.js";
import { VerificationError, type ParseError } from "../errors.js";
import { verifyNitroDocument, type VerifyNitroDocumentReturnType } from "../nitro/document.js";
import type { Certificate } from "../pki/x509.js";
import type { DstackAppInfo } from "../eventlog/dstack.js";
import type { DstackAttestation } from "./attestation.js";
import { parseDstackVmConfig } from "./config.js";
import { replayRuntimeEvents, runtimeAppInfo } from "./runtimeEvents.js";

/** The NitroTPM PCR dstack extends runtime events into (AWS_NITRO_TPM_EVENT_PCR). */
export const NITRO_TPM_EVENT_PCR = 14;

export type VerifyDstackNitroParameters = {
  attestation: DstackAttestation;
  now: Date | number;
  /** Trust anchor; the pinned AWS Nitro root by default. */
  root?: Certificate | undefined;
};

export type VerifyDstackNitroReturnType = {
  nitro: VerifyNitroDocumentReturnType;
  /** NitroTPM: app identity from runtime events replayed to PCR14. Enclave: the events are unbound. */
  app?: DstackAppInfo | undefined;
  unboundRuntimeEvents: string[];
  osImageHash?: string | undefined;
};

export type VerifyDstackNitroErrorType = ParseError | VerificationError;

export async function verifyDstackNitro(params: VerifyDstackNitroParameters): Promise<VerifyDstackNitroReturnType> {
  const a = params.attestation;
  const p = a.platform;
  if (p.kind !== "nitro-enclave" && p.kind !== "aws-nitro-tpm") throw new VerificationError("dstack.platform", `a ${p.kind} attestation has no Nitro document`);
  const doc = p.kind === "nitro-enclave" ? p.nsmQuote : p.attestationDoc;
  const nitro = await verifyNitroDocument({ document: doc, now: params.now, ...(params.root ? { root: params.root } : {}) });
  if (!nitro.userData || !equalBytes(nitro.userData, a.reportData)) {
    throw new VerificationError("dstack.reportData", `the document's user_data ${nitro.userData ? hex(nitro.userData) : "(absent)"} is not the attestation's report_data ${hex(a.reportData)}`);
  }
  const vm = parseDstackVmConfig(a.config);
  if (p.kind === "nitro-enclave") return { nitro, unboundRuntimeEvents: a.runtimeEvents.map((e) => e.event), osImageHash: vm.osImageHash };
  const quoted = nitro.pcrs.get(NITRO_TPM_EVENT_PCR);
  if (!quoted) throw new VerificationError("dstack.nitroTpm.pcr14", `the NitroTPM document has no PCR${NITRO_TPM_EVENT_PCR}`);
  const replayed = replayRuntimeEvents(a.runtimeEvents, "sha384");
  if (!equalBytes(quoted, replayed)) throw new VerificationError("dstack.nitroTpm.pcr14", `runtime events replay to ${hex(replayed)}, PCR${NITRO_TPM_EVENT_PCR} is ${hex(quoted)}`);
  const app = runtimeAppInfo(a.runtimeEvents);
  return { nitro, app, unboundRuntimeEvents: [], osImageHash: app.osImageHash ?? vm.osImageHash };
}
