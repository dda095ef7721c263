/**
 * Test PKIs for a simulated NVIDIA GPU, both P-384 like NVIDIA's: the device chain (a simulated
 * "Device Identity CA" → "GH100 Identity" → the GPU's attestation key certificate, which carries
 * Hopper's FWID extension) and the RIM chain (a simulated "CoRIM signing Root CA" → RIM CA → RIM
 * signer). Deterministic from the seed; every certificate carries the simulator's Organization,
 * so assertNotProductionParameters refuses to pin these roots outside local chains. docs/simulator.md.
 */
import { p384 } from "@noble/curves/nist.js";
import { AsnConvert, OctetString } from "@peculiar/asn1-schema";
import * as ax from "@peculiar/asn1-x509";
import { ECDSASigValue, ECParameters, id_ecPublicKey, id_ecdsaWithSHA384, id_secp384r1 } from "@peculiar/asn1-ecc";
import { sha1 } from "@noble/hashes/legacy.js";
import { concatBytes, toBytes } from "../bytes.js";
import { simulatorName } from "./pki.js";
import { bigIntToBytes, bytesToBigInt, deriveBytes, deriveSerial, type SimulatorSeed } from "./random.js";
import { derUnsigned, extensions, KeyUsageFlags, toPem } from "./x509build.js";

export type SimulatedP384Key = {
  secretKey: Uint8Array;
  /** 0x04 || x || y (97 bytes). */
  publicKey: Uint8Array;
  /** Deterministic (RFC 6979) ECDSA-SHA384, r || s (96 bytes). */
  sign(message: Uint8Array): Uint8Array;
};

export function deriveP384Key(seed: SimulatorSeed, label: string): SimulatedP384Key {
  const n = p384.Point.CURVE().n;
  const secretKey = bigIntToBytes((bytesToBigInt(deriveBytes(seed, "p384/" + label, 64)) % (n - 1n)) + 1n, 48);
  return {
    secretKey,
    publicKey: p384.getPublicKey(secretKey, false),
    sign: (message) => p384.sign(message, secretKey, { prehash: true, lowS: false }),
  };
}

export type SimulatedP384Certificate = { der: Uint8Array; pem: string; key: SimulatedP384Key; subject: ax.Name };

const ab = (b: Uint8Array): ArrayBuffer => b.slice().buffer;
const ecdsaSha384 = () => new ax.AlgorithmIdentifier({ algorithm: id_ecdsaWithSHA384 });

function spki(key: SimulatedP384Key): ax.SubjectPublicKeyInfo {
  return new ax.SubjectPublicKeyInfo({
    algorithm: new ax.AlgorithmIdentifier({ algorithm: id_ecPublicKey, parameters: AsnConvert.serialize(new ECParameters({ namedCurve: id_secp384r1 })) }),
    subjectPublicKey: ab(key.publicKey),
  });
}

const keyId = (key: SimulatedP384Key) => sha1(key.publicKey);

/** A v3 certificate for `key`, signed ECDSA-SHA384 by `issuer` (itself when self-signed). */
function issue(p: {
  seed: SimulatorSeed;
  label: string;
  subject: ax.Name;
  key: SimulatedP384Key;
  issuer?: SimulatedP384Certificate | undefined;
  ca: boolean;
  notBefore: Date;
  notAfter: Date;
  extra?: ax.Extension[] | undefined;
}): SimulatedP384Certificate {
  const signerKey = p.issuer?.key ?? p.key;
  const tbs = new ax.TBSCertificate({
    version: ax.Version.v3,
    serialNumber: ab(derUnsigned(toBytes(deriveSerial(p.seed, "gpu/" + p.label)))),
    signature: ecdsaSha384(),
    issuer: p.issuer?.subject ?? p.subject,
    validity: new ax.Validity({ notBefore: p.notBefore, notAfter: p.notAfter }),
    subject: p.subject,
    subjectPublicKeyInfo: spki(p.key),
    extensions: new ax.Extensions([
      p.ca ? extensions.basicConstraints(true) : extensions.basicConstraints(false),
      extensions.keyUsage(p.ca ? KeyUsageFlags.keyCertSign | KeyUsageFlags.cRLSign : KeyUsageFlags.digitalSignature),
      new ax.Extension({ extnID: ax.id_ce_subjectKeyIdentifier, critical: false, extnValue: new OctetString(AsnConvert.serialize(new ax.SubjectKeyIdentifier(ab(keyId(p.key))))) }),
      new ax.Extension({
        extnID: ax.id_ce_authorityKeyIdentifier,
        critical: false,
        extnValue: new OctetString(AsnConvert.serialize(new ax.AuthorityKeyIdentifier({ keyIdentifier: new ax.KeyIdentifier(ab(keyId(signerKey))) }))),
      }),
      ...(p.extra ?? []),
    ]),
  });
  const rs = signerKey.sign(new Uint8Array(AsnConvert.serialize(tbs)));
  const sig = AsnConvert.serialize(new ECDSASigValue({ r: ab(derUnsigned(rs.subarray(0, 48))), s: ab(derUnsigned(rs.subarray(48))) }));
  const der = new Uint8Array(AsnConvert.serialize(new ax.Certificate({ tbsCertificate: tbs, signatureAlgorithm: ecdsaSha384(), signatureValue: sig })));
  return { der, pem: toPem(der), key: p.key, subject: p.subject };
}

/**
 * The FWID extension value as Hopper writes it (docs/nvidia-gpu.md): SEQUENCE { INTEGER 1,
 * SubjectPublicKeyInfo of the attestation key, SEQUENCE { OID sha384, OCTET STRING fwid } }.
 */
export function encodeHopperFwidExtension(key: SimulatedP384Key, fwid: Uint8Array): Uint8Array {
  if (fwid.length !== 48) throw new RangeError("FWID must be 48 bytes (SHA-384)");
  const der = (tag: number, body: Uint8Array) => concatBytes(Uint8Array.of(tag), body.length < 0x80 ? Uint8Array.of(body.length) : Uint8Array.of(0x81, body.length), body);
  const sha384Oid = Uint8Array.of(0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x02);
  const spkiDer = new Uint8Array(AsnConvert.serialize(spki(key)));
  return der(0x30, concatBytes(Uint8Array.of(0x02, 0x01, 0x01), spkiDer, der(0x30, concatBytes(sha384Oid, der(0x04, fwid)))));
}

export const SIMULATED_GPU_DEVICE_ROOT_CN = "Simulated NVIDIA Device Identity CA";
export const SIMULATED_GPU_RIM_ROOT_CN = "Simulated NVIDIA CoRIM signing Root CA";

export type SimulatedGpuPki = {
  deviceRoot: SimulatedP384Certificate;
  deviceIntermediate: SimulatedP384Certificate;
  /** The GPU's attestation key certificate (signs the SPDM reports). */
  attestationKey: SimulatedP384Certificate;
  rimRoot: SimulatedP384Certificate;
  rimIntermediate: SimulatedP384Certificate;
  rimSigner: SimulatedP384Certificate;
  /** Leaf → root PEM, as NVIDIA's tools save a GPU's chain (hopperCertChain.txt). */
  deviceChainPem: string;
};

export type CreateSimulatedGpuPkiParameters = {
  seed: SimulatorSeed;
  /** The FWID the attestation key certificate names (48 bytes). */
  fwid: Uint8Array;
  notBefore?: Date | undefined;
  notAfter?: Date | undefined;
};

export function createSimulatedGpuPki(p: CreateSimulatedGpuPkiParameters): SimulatedGpuPki {
  const notBefore = p.notBefore ?? new Date("2024-01-01T00:00:00Z");
  const notAfter = p.notAfter ?? new Date("2049-12-31T23:59:59Z");
  const base = { seed: p.seed, notBefore, notAfter };
  const deviceRoot = issue({ ...base, label: "device-root", subject: simulatorName(SIMULATED_GPU_DEVICE_ROOT_CN), key: deriveP384Key(p.seed, "gpu/device-root"), ca: true });
  const deviceIntermediate = issue({ ...base, label: "device-ica", subject: simulatorName("Simulated GH100 Identity"), key: deriveP384Key(p.seed, "gpu/device-ica"), issuer: deviceRoot, ca: true });
  const akKey = deriveP384Key(p.seed, "gpu/device-ak");
  const attestationKey = issue({
    ...base,
    label: "device-ak",
    subject: simulatorName("Simulated GH100 GSP FMC LF"),
    key: akKey,
    issuer: deviceIntermediate,
    ca: false,
    extra: [extensions.raw("2.23.133.5.4.1", false, encodeHopperFwidExtension(akKey, p.fwid))],
  });
  const rimRoot = issue({ ...base, label: "rim-root", subject: simulatorName(SIMULATED_GPU_RIM_ROOT_CN), key: deriveP384Key(p.seed, "gpu/rim-root"), ca: true });
  const rimIntermediate = issue({ ...base, label: "rim-ica", subject: simulatorName("Simulated NVIDIA Reference Value L3 GH100"), key: deriveP384Key(p.seed, "gpu/rim-ica"), issuer: rimRoot, ca: true });
  const rimSigner = issue({ ...base, label: "rim-signer", subject: simulatorName("Simulated NVIDIA Reference Value L4 GH100"), key: deriveP384Key(p.seed, "gpu/rim-signer"), issuer: rimIntermediate, ca: false });
  return {
    deviceRoot,
    deviceIntermediate,
    attestationKey,
    rimRoot,
    rimIntermediate,
    rimSigner,
    deviceChainPem: attestationKey.pem + deviceIntermediate.pem + deviceRoot.pem,
  };
}
