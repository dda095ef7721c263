/**
 * Simulated dstack attestations: every platform variant of the SCALE format, built from parts (a
 * simulated or real TDX quote, a real SEV-SNP report, a real Nitro document, a TPM quote). The TDX
 * helper issues a quote from a simulated TDX environment whose RTMRs are the replay of the event
 * log it writes, so the whole chain verifies against the simulator's root. docs/dstack-attestation.md.
 */
import { sha256, sha384 } from "@noble/hashes/sha2.js";
import { concatBytes } from "../bytes.js";
import { encodeDstackAttestation, type DstackAttestation, type DstackPlatformEvidence, type DstackRuntimeEvent, type DstackTdxEvent } from "../dstack/attestation.js";
import { DSTACK_RUNTIME_EVENT_TYPE, runtimeEventDigest } from "../eventlog/dstack.js";
import { deriveBytes, type SimulatorSeed } from "./random.js";
import type { SimulatedTdxEnvironment } from "./tdxEnvironment.js";
import { createSimulatedTpm, TPM_ALG_SHA256 } from "./tpm.js";

/** The ACPI data events dstack keeps in RTMR0 of a "lite" log (cc-eventlog `is_tdx_acpi_data_event`): type 10, payload "ACPI DATA". */
export const TDX_ACPI_DATA_EVENT_TYPE = 10;
const ACPI_DATA = new TextEncoder().encode("ACPI DATA");
const isAcpiData = (e: DstackTdxEvent) => e.imr === 0 && e.eventType === TDX_ACPI_DATA_EVENT_TYPE && e.payload.length === ACPI_DATA.length && e.payload.every((b, i) => b === ACPI_DATA[i]);

/** Builds the DstackTdxEvent list for runtime events (RTMR3, digest = the dstack runtime digest). */
export function dstackRuntimeLog(events: DstackRuntimeEvent[]): DstackTdxEvent[] {
  return events.map((e) => ({ imr: 3, eventType: DSTACK_RUNTIME_EVENT_TYPE, digest: runtimeEventDigest(e.event, e.payload), event: e.event, payload: e.payload }));
}

/** RTMR0–3 the log extends to. */
export function replayTdxLog(log: DstackTdxEvent[]): Uint8Array[] {
  const r = [0, 1, 2, 3].map(() => new Uint8Array(48));
  for (const e of log) r[e.imr] = sha384(concatBytes(r[e.imr]!, e.digest));
  return r;
}

/** A "lite" log: the RTMR0 ACPI data events and RTMR3, nothing of RTMR1/2 (dstack's `strip_tdx_lite_event_log`). */
export function stripToLiteLog(log: DstackTdxEvent[]): DstackTdxEvent[] {
  return log.filter((e) => e.imr === 3 || isAcpiData(e));
}

export type SimulateDstackTdxAttestationParameters = {
  env: SimulatedTdxEnvironment;
  seed: SimulatorSeed;
  runtimeEvents: DstackRuntimeEvent[];
  reportData?: Uint8Array | undefined;
  config?: string | undefined;
  /** Keep only RTMR3 and ACPI events in the carried log (the quote still holds all four RTMRs). */
  lite?: boolean | undefined;
  /** Wrap as DstackGcpTdx with this TPM quote. */
  gcpTpmQuote?: Extract<DstackPlatformEvidence, { kind: "gcp-tdx" }>["tpmQuote"] | undefined;
  mrConfigId?: Uint8Array | undefined;
};

/** A dstack TDX attestation whose quote (from the simulated environment) matches its event log. */
export function simulateDstackTdxAttestation(p: SimulateDstackTdxAttestationParameters): { attestation: DstackAttestation; bytes: Uint8Array } {
  const boot: DstackTdxEvent[] = [
    ...["acpi-loader", "acpi-rsdp", "acpi-tables"].map((event) => ({ imr: 0, eventType: TDX_ACPI_DATA_EVENT_TYPE, digest: deriveBytes(p.seed, `dstack/${event}`, 48), event, payload: ACPI_DATA })),
    { imr: 0, eventType: 0x80000001, digest: deriveBytes(p.seed, "dstack/ovmf", 48), event: "", payload: new Uint8Array(0) },
    { imr: 1, eventType: 0x80000003, digest: deriveBytes(p.seed, "dstack/kernel", 48), event: "", payload: new Uint8Array(0) },
    { imr: 2, eventType: 6, digest: deriveBytes(p.seed, "dstack/cmdline", 48), event: "", payload: new Uint8Array(0) },
  ];
  const full = [...boot, ...dstackRuntimeLog(p.runtimeEvents)];
  const reportData = p.reportData ?? new Uint8Array(64);
  const quote = p.env.issueQuote({ rtmrs: replayTdxLog(full), reportData, ...(p.mrConfigId ? { mrConfigId: p.mrConfigId } : {}) });
  const eventLog = p.lite ? stripToLiteLog(full) : full;
  const platform: DstackPlatformEvidence = p.gcpTpmQuote ? { kind: "gcp-tdx", quote, eventLog, tpmQuote: p.gcpTpmQuote } : { kind: "tdx", quote, eventLog };
  const attestation: DstackAttestation = { version: 0, platform, runtimeEvents: p.runtimeEvents, reportData, config: p.config ?? "" };
  return { attestation, bytes: encodeDstackAttestation(attestation) };
}

/** Wraps any platform evidence as a dstack attestation (e.g. a real SNP report or Nitro document). */
export function wrapDstackAttestation(platform: DstackPlatformEvidence, rest: Partial<Omit<DstackAttestation, "platform" | "version">> = {}): Uint8Array {
  return encodeDstackAttestation({ version: 0, platform, runtimeEvents: rest.runtimeEvents ?? [], reportData: rest.reportData ?? new Uint8Array(64), config: rest.config ?? "" });
}

export type SimulateDstackGcpTdxParameters = { seed: SimulatorSeed; attestation: DstackAttestation; akType?: "rsa" | "ecdsa" };

/**
 * Turns a simulated DstackTdx attestation into DstackGcpTdx: a simulated vTPM extends the runtime
 * events (SHA-256 digests) into PCR14 and quotes it over SHA-256 of the TDX quote, as dstack does on
 * GCP. Returns the attestation and the simulated AK CA root (pin it as the vTPM root).
 */
export async function simulateDstackGcpTdx(p: SimulateDstackGcpTdxParameters): Promise<{ attestation: DstackAttestation; bytes: Uint8Array; akCaDer: Uint8Array }> {
  const platform = p.attestation.platform;
  if (platform.kind !== "tdx") throw new RangeError("simulateDstackGcpTdx needs a DstackTdx attestation");
  const tpm = await createSimulatedTpm({ seed: p.seed, label: "dstack-gcp", akType: p.akType });
  const t = DSTACK_RUNTIME_EVENT_TYPE;
  const enc = new TextEncoder();
  for (const e of p.attestation.runtimeEvents) {
    tpm.extendPcr(TPM_ALG_SHA256, 14, sha256(concatBytes(new Uint8Array([t & 0xff, (t >>> 8) & 0xff, (t >>> 16) & 0xff, (t >>> 24) & 0xff, 0x3a]), enc.encode(e.event), new Uint8Array([0x3a]), e.payload)));
  }
  const q = await tpm.quote({ qualifyingData: sha256(platform.quote), selection: [{ hashAlg: TPM_ALG_SHA256, pcrs: [14] }] });
  const attestation: DstackAttestation = {
    ...p.attestation,
    platform: {
      kind: "gcp-tdx",
      quote: platform.quote,
      eventLog: platform.eventLog,
      tpmQuote: { message: q.attest, signature: q.signature, pcrValues: [{ index: 14, algorithm: "sha256", value: q.pcrValues[0]! }], akCert: tpm.akCertificate.der, platform: "gcp", eventLog: [] },
    },
  };
  return { attestation, bytes: encodeDstackAttestation(attestation), akCaDer: tpm.akCa.der };
}
