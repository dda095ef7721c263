/**
 * A simulated Google vTPM CA for local chains: a root and an intermediate (RSA-2048,
 * sha256WithRSAEncryption, like Google's EK/AK CAs; the real root is RSA-4096) that issue AK
 * certificates carrying the GCE instance extension 1.3.6.1.4.1.11129.2.1.21 (zone, project,
 * instance), so the GCE verification method can be driven end to end. No bound TDX + GCE vTPM pair
 * from one VM is public; the extension's parser is tested on a real Google certificate
 * (test/fixtures/tpm/gce-cos-85-nonce9009.json). Every name says SIMULATOR: nothing here passes for Google.
 */
import { concatBytes } from "../bytes.js";
import { deriveSerial, type SimulatorSeed } from "./random.js";
import { deriveRsaKey, type SimulatedRsaKey } from "./keys.js";
import { buildName, extensions as ext, issueRsaSignedCertificate, KeyUsageFlags } from "./x509build.js";
import { DEFAULT_NOT_AFTER, DEFAULT_NOT_BEFORE, SIMULATOR_ORGANIZATION } from "./pki.js";
import { GCE_INSTANCE_INFO_OID } from "../tpm/gceInstanceInfo.js";

export type SimulatedGceInstance = {
  zone: string;
  projectNumber: bigint;
  projectId: string;
  instanceId: bigint;
  instanceName: string;
};

export type SimulatedGceCa = {
  root: { der: Uint8Array; key: SimulatedRsaKey };
  intermediate: { der: Uint8Array; key: SimulatedRsaKey };
  /** An AK certificate for `akKey` naming `instance`: returns the chain [AK certificate, intermediate, root]. */
  issueAkCertificate(p: {
    akKey: { modulus: Uint8Array; exponent: number };
    instance: SimulatedGceInstance;
    serialLabel?: string | undefined;
    notBefore?: Date | undefined;
    notAfter?: Date | undefined;
  }): Promise<Uint8Array[]>;
};

// DER for the extension value: a handful of primitives in one SEQUENCE, hand-written because
// @peculiar/asn1-schema needs a schema class per structure for what is five fields here.
function tlv(tag: number, content: Uint8Array): Uint8Array {
  const n = content.length;
  const len = n < 0x80 ? Uint8Array.of(n) : n < 0x100 ? Uint8Array.of(0x81, n) : Uint8Array.of(0x82, n >> 8, n & 255);
  return concatBytes(Uint8Array.of(tag), len, content);
}
function derUint(v: bigint): Uint8Array {
  const bytes: number[] = [];
  do {
    bytes.unshift(Number(v & 255n));
    v >>= 8n;
  } while (v > 0n);
  if (bytes[0]! & 0x80) bytes.unshift(0);
  return tlv(0x02, Uint8Array.from(bytes));
}
const utf8 = (s: string) => tlv(0x0c, new TextEncoder().encode(s));

/** The extension value Google's CA writes (the [0] security properties as in the real certificate). */
export function encodeGceInstanceInfo(i: SimulatedGceInstance): Uint8Array {
  const security = tlv(0xa0, tlv(0x30, Uint8Array.from([0xa0, 0x03, 0x02, 0x01, 0x00, 0xa1, 0x03, 0x01, 0x01, 0xff])));
  return tlv(0x30, concatBytes(utf8(i.zone), derUint(i.projectNumber), utf8(i.projectId), derUint(i.instanceId), utf8(i.instanceName), security));
}

export const SIMULATED_GCE_ROOT_CN = "SIMULATOR Google vTPM Root CA - TEST ONLY";

export async function createSimulatedGceCa(p: { seed: SimulatorSeed }): Promise<SimulatedGceCa> {
  const rootKey = await deriveRsaKey(p.seed, "gce/root");
  const interKey = await deriveRsaKey(p.seed, "gce/intermediate");
  const name = (cn: string) => buildName([["CN", cn], ["O", SIMULATOR_ORGANIZATION], ["C", "ZZ"]]);
  const rootName = name(SIMULATED_GCE_ROOT_CN);
  const interName = name("SIMULATOR Google vTPM AK intermediate - TEST ONLY");
  const pub = (k: SimulatedRsaKey) => ({ kind: "rsa" as const, modulus: k.modulus, exponent: k.exponent });
  const rootDer = await issueRsaSignedCertificate({
    serialNumber: deriveSerial(p.seed, "gce/root"),
    subject: rootName,
    issuer: rootName,
    notBefore: DEFAULT_NOT_BEFORE,
    notAfter: DEFAULT_NOT_AFTER,
    subjectKey: pub(rootKey),
    signer: rootKey,
    extensions: [ext.basicConstraints(true, 1), ext.keyUsage(KeyUsageFlags.keyCertSign | KeyUsageFlags.cRLSign)],
  });
  const interDer = await issueRsaSignedCertificate({
    serialNumber: deriveSerial(p.seed, "gce/intermediate"),
    subject: interName,
    issuer: rootName,
    notBefore: DEFAULT_NOT_BEFORE,
    notAfter: DEFAULT_NOT_AFTER,
    subjectKey: pub(interKey),
    signer: rootKey,
    extensions: [ext.basicConstraints(true, 0), ext.keyUsage(KeyUsageFlags.keyCertSign | KeyUsageFlags.cRLSign)],
  });
  return {
    root: { der: rootDer, key: rootKey },
    intermediate: { der: interDer, key: interKey },
    async issueAkCertificate(a) {
      const akDer = await issueRsaSignedCertificate({
        serialNumber: deriveSerial(p.seed, `gce/ak/${a.serialLabel ?? a.instance.instanceId.toString()}`),
        // Google's AK certificates have an empty subject; the instance is in the extension.
        subject: buildName([]),
        issuer: interName,
        notBefore: a.notBefore ?? DEFAULT_NOT_BEFORE,
        notAfter: a.notAfter ?? DEFAULT_NOT_AFTER,
        subjectKey: { kind: "rsa", modulus: a.akKey.modulus, exponent: a.akKey.exponent },
        signer: interKey,
        extensions: [ext.keyUsage(KeyUsageFlags.digitalSignature), ext.raw(GCE_INSTANCE_INFO_OID, false, encodeGceInstanceInfo(a.instance))],
      });
      return [akDer, interDer, rootDer];
    },
  };
}
