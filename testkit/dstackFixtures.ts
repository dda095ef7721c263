/**
 * dstack attestations for tests and the bench: the real samples (TDX from dstack's guest agent,
 * SEV-SNP and Nitro Enclave from dstack-attest's tests; provenance in test/fixtures/PROVENANCE.md),
 * and simulated TDX variants whose quotes chain to a simulator root.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createIntelQuoteVerifier } from "../sdk/src/report/index.js";
import { parseCertificate } from "../sdk/src/pki/index.js";
import { createSimulatedTdxEnvironment, simulateDstackGcpTdx, simulateDstackTdxAttestation, stripToLiteLog } from "../sdk/src/simulate/index.js";
import { encodeDstackAttestation, type DstackAttestation, type DstackTdxEvent } from "../sdk/src/dstack/index.js";
import { toBytes } from "../sdk/src/bytes.js";
import type { DstackRuntimeEvent } from "../sdk/src/dstack/index.js";

/**
 * A real "lite" TDX attestation in the SCALE format, assembled from dstack's real
 * `tdx-lite-getquote.json` (quote, event log, report_data, vm_config with tdx_measurement): the
 * event log stripped as dstack strips it for lite (RTMR3 and the RTMR0 ACPI data events). Every
 * signed byte is real; only the envelope is ours.
 */
export function realLiteTdxAttestation(): { attestation: DstackAttestation; bytes: Uint8Array } {
  const j = JSON.parse(fixtureText("dstack/tdx-lite-getquote.json")) as { quote: string; event_log: string; report_data: string; vm_config: string };
  const events = (JSON.parse(j.event_log) as { imr: number; event_type: number; digest: string; event: string; event_payload: string }[]).map(
    (e): DstackTdxEvent => ({ imr: e.imr, eventType: e.event_type, digest: toBytes(e.digest), event: e.event, payload: toBytes(e.event_payload) }),
  );
  const runtimeEvents = events.filter((e) => e.imr === 3).map((e) => ({ event: e.event, payload: e.payload }));
  const attestation: DstackAttestation = {
    version: 0,
    platform: { kind: "tdx", quote: toBytes(j.quote), eventLog: stripToLiteLog(events) },
    runtimeEvents,
    reportData: toBytes(j.report_data),
    config: JSON.stringify({ vm_config: j.vm_config }),
  };
  return { attestation, bytes: encodeDstackAttestation(attestation) };
}

const FIXTURES = join(import.meta.dirname, "..", "test", "fixtures");
export const fixtureBytes = (p: string) => new Uint8Array(readFileSync(join(FIXTURES, p)));
export const fixtureText = (p: string) => readFileSync(join(FIXTURES, p), "utf8");

/** The real TDX sample (guest agent, dstack 0.6.0): no collateral, verify signatures at any time in its PCK chain's validity. */
export const DSTACK_TDX = "dstack/guest-agent-attestation.bin";
export const DSTACK_TDX_AT = 1790000000;
export const DSTACK_TDX_EXPECTED = {
  ppid: "80d4a149124353c7a2bb76551603f31b",
  fmspc: "b0c06f000000",
  appId: "5bb4ff9a3837357f19dc176407a5709c62eb6c56",
  composeHash: "c143116fef3940e7f776bfc0919c256232ae5338a6e948c96b711e0b2383483a",
  osImageHash: "e61be43dd1cc6a6f5edefd7c51b608983780839b0000ce60dd99737dcffe09b9",
  rtmr3Prefix: "f28a1490",
  rtmr3Suffix: "affadf",
};
/** The real SEV-SNP sample: the VCEK/ASK are not carried (cert_chain is empty); pass them. */
export const DSTACK_SNP = "amd/milan-dstack/attestation.scale.bin";
export const dstackSnpCertificates = () => [fixtureText("amd/milan-dstack/vcek.pem"), fixtureText("amd/milan-dstack/ask.pem")];
/** The real Nitro Enclave sample: its leaf certificate lives hours; verify at the document's timestamp. */
export const DSTACK_NITRO = "nitro/dstack-enclave/attestation.scale.bin";
export const DSTACK_NITRO_AT = 1766678659;

export const SAMPLE_RUNTIME_EVENTS: DstackRuntimeEvent[] = [
  { event: "system-preparing", payload: new Uint8Array(0) },
  { event: "app-id", payload: Uint8Array.from({ length: 20 }, (_, i) => i + 1) },
  { event: "compose-hash", payload: Uint8Array.from({ length: 32 }, (_, i) => 0xc0 + (i % 16)) },
  { event: "instance-id", payload: Uint8Array.from({ length: 20 }, (_, i) => 0x40 + i) },
  { event: "boot-mr-done", payload: new Uint8Array(0) },
  { event: "os-image-hash", payload: Uint8Array.from({ length: 32 }, (_, i) => 0x10 + i) },
  { event: "key-provider", payload: new TextEncoder().encode('{"name":"kms","id":"00"}') },
  { event: "system-ready", payload: new Uint8Array(0) },
];

/** A simulated TDX world and a dstack attestation from it (full log unless `lite`), with a verifier pinned to its root. */
export function simulatedDstackTdx(options: { lite?: boolean; runtimeEvents?: DstackRuntimeEvent[] } = {}) {
  const seed = "dstack-attestation-tests";
  const env = createSimulatedTdxEnvironment({ seed });
  const reportData = Uint8Array.from({ length: 64 }, (_, i) => i);
  const sim = simulateDstackTdxAttestation({
    env,
    seed,
    runtimeEvents: options.runtimeEvents ?? SAMPLE_RUNTIME_EVENTS,
    reportData,
    lite: options.lite,
    config: JSON.stringify({ vm_config: JSON.stringify({ os_image_hash: "101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f", image: "dstack-sim" }) }),
  });
  return { env, ...sim, intelVerifier: createIntelQuoteVerifier({ rootCaDer: env.pki.root.der }) };
}

/** The simulated TDX attestation as DstackGcpTdx, its vTPM quote from a simulated TPM; `tpmRoots` pins that TPM's AK CA. */
export async function simulatedDstackGcpTdx(akType: "rsa" | "ecdsa" = "ecdsa") {
  const tdx = simulatedDstackTdx();
  const gcp = await simulateDstackGcpTdx({ seed: "dstack-attestation-tests", attestation: tdx.attestation, akType });
  return { ...tdx, ...gcp, tpmRoots: [parseCertificate(gcp.akCaDer, "simulated AK CA")] };
}
