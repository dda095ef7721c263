/**
 * A simulated AWS Nitro attestation document signer: a P-384 test root and leaf (clearly named a
 * simulator), and COSE_Sign1 ES384 documents in the NSM's CBOR shape (module_id, digest,
 * timestamp, pcrs, certificate, cabundle, public_key, user_data, nonce). For NitroTPM-style
 * evidence whose PCRs the caller chooses (dstack extends runtime events into PCR14); pin the root
 * with `verifyNitroDocument({ root })`. Never the AWS root: docs/simulator.md, docs/nitro.md.
 */
import { p384 } from "@noble/curves/nist.js";
import { AsnConvert } from "@peculiar/asn1-schema";
import * as ax from "@peculiar/asn1-x509";
import { ECDSASigValue, ECParameters, id_ecPublicKey } from "@peculiar/asn1-ecc";
import { encode as cborEncode } from "cborg";
import { concatBytes } from "../bytes.js";
import { simulatorName } from "./pki.js";
import { deriveBytes, type SimulatorSeed } from "./random.js";
import { extensions, KeyUsageFlags } from "./x509build.js";

const ID_SECP384R1 = "1.3.132.0.34";
const ID_ECDSA_WITH_SHA384 = "1.2.840.10045.4.3.3";
const ab = (b: Uint8Array): ArrayBuffer => b.slice().buffer;
const unsigned = (b: Uint8Array) => {
  let i = 0;
  while (i < b.length - 1 && b[i] === 0) i++;
  const t = b.subarray(i);
  return t[0]! & 0x80 ? concatBytes(Uint8Array.of(0), t) : t.slice();
};
// tagUint8Array: false keeps byte strings plain bstr (as the NSM writes them).
const cbor = { encode: (value: unknown): Uint8Array => cborEncode(value) };

type P384Key = { secretKey: Uint8Array; publicKey: Uint8Array };
function deriveP384Key(seed: SimulatorSeed, label: string): P384Key {
  // Reduce 64 derived bytes into [1, n-1].
  const n = p384.Point.CURVE().n;
  let x = 0n;
  for (const b of deriveBytes(seed, `p384/${label}`, 64)) x = (x << 8n) | BigInt(b);
  const d = (x % (n - 1n)) + 1n;
  const secretKey = Uint8Array.from({ length: 48 }, (_, i) => Number((d >> BigInt(8 * (47 - i))) & 0xffn));
  return { secretKey, publicKey: p384.getPublicKey(secretKey, false) };
}

function issue(p: { serial: number; subject: string; issuer: string; key: P384Key; signer: P384Key; ca: boolean; notBefore: Date; notAfter: Date }): Uint8Array {
  const alg = new ax.AlgorithmIdentifier({ algorithm: ID_ECDSA_WITH_SHA384 });
  const tbs = new ax.TBSCertificate({
    version: ax.Version.v3,
    serialNumber: ab(unsigned(Uint8Array.of(p.serial))),
    signature: alg,
    issuer: simulatorName(p.issuer),
    validity: new ax.Validity({ notBefore: p.notBefore, notAfter: p.notAfter }),
    subject: simulatorName(p.subject),
    subjectPublicKeyInfo: new ax.SubjectPublicKeyInfo({
      algorithm: new ax.AlgorithmIdentifier({ algorithm: id_ecPublicKey, parameters: AsnConvert.serialize(new ECParameters({ namedCurve: ID_SECP384R1 })) }),
      subjectPublicKey: ab(p.key.publicKey),
    }),
    extensions: new ax.Extensions([extensions.basicConstraints(p.ca), extensions.keyUsage(p.ca ? KeyUsageFlags.keyCertSign | KeyUsageFlags.cRLSign : KeyUsageFlags.digitalSignature)]),
  });
  const rs = p384.sign(new Uint8Array(AsnConvert.serialize(tbs)), p.signer.secretKey, { prehash: true, lowS: false });
  const sig = AsnConvert.serialize(new ECDSASigValue({ r: ab(unsigned(rs.subarray(0, 48))), s: ab(unsigned(rs.subarray(48))) }));
  return new Uint8Array(AsnConvert.serialize(new ax.Certificate({ tbsCertificate: tbs, signatureAlgorithm: alg, signatureValue: sig })));
}

export type SimulatedNitroSigner = {
  /** The test root (DER): pin it in place of the AWS Nitro root. */
  rootDer: Uint8Array;
  leafDer: Uint8Array;
  /** A COSE_Sign1 ES384 attestation document over the given PCRs and user data, at `timestamp` (ms). */
  sign(p: { moduleId?: string; timestamp: number; pcrs: Map<number, Uint8Array>; userData?: Uint8Array; nonce?: Uint8Array }): Uint8Array;
};

export function createSimulatedNitroSigner(p: { seed: SimulatorSeed; notBefore?: Date; notAfter?: Date }): SimulatedNitroSigner {
  const notBefore = p.notBefore ?? new Date("2026-01-01T00:00:00Z");
  const notAfter = p.notAfter ?? new Date("2027-01-01T00:00:00Z");
  const rootKey = deriveP384Key(p.seed, "nitro/root");
  const leafKey = deriveP384Key(p.seed, "nitro/leaf");
  const rootDer = issue({ serial: 1, subject: "Simulated Nitro Root", issuer: "Simulated Nitro Root", key: rootKey, signer: rootKey, ca: true, notBefore, notAfter });
  const leafDer = issue({ serial: 2, subject: "Simulated Nitro Module", issuer: "Simulated Nitro Root", key: leafKey, signer: rootKey, ca: false, notBefore, notAfter });
  return {
    rootDer,
    leafDer,
    sign(d) {
      const doc = new Map<string, unknown>([
        ["module_id", d.moduleId ?? "i-simulated-enc0000000000000000"],
        ["digest", "SHA384"],
        ["timestamp", d.timestamp],
        ["pcrs", d.pcrs],
        ["certificate", leafDer],
        ["cabundle", [rootDer]],
        ["public_key", null],
        ["user_data", d.userData ?? null],
        ["nonce", d.nonce ?? null],
      ]);
      const protectedHeader = new Uint8Array(cbor.encode(new Map([[1, -35]])));
      const payload = new Uint8Array(cbor.encode(doc));
      const toSign = new Uint8Array(cbor.encode(["Signature1", protectedHeader, new Uint8Array(0), payload]));
      const signature = p384.sign(toSign, leafKey.secretKey, { prehash: true, lowS: false });
      return new Uint8Array(cbor.encode([protectedHeader, new Map(), payload, signature]));
    },
  };
}
