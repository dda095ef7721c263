import { describe, expect, it } from "vitest";
import { X509Certificate, createHash, verify as nodeVerify } from "node:crypto";
import {
  createSimulatedTpm,
  isSimulatorCertificate,
  TPM_ALG_SHA1,
  TPM_ALG_SHA256,
  TPM_ALG_SHA384,
  type PcrSelection,
  type SimulatedTpm,
} from "../../../sdk/src/simulate/index.js";
import { rsToDer } from "./helpers.js";

const rsa = await createSimulatedTpm({ seed: "tpm-test", akType: "rsa" });
const ecdsa = await createSimulatedTpm({ seed: "tpm-test", akType: "ecdsa", label: "ec" });

/** Reads TPMS_ATTEST (TPM 2.0 Part 2, 10.12.12) as a test oracle. */
function readAttest(a: Uint8Array) {
  const dv = new DataView(a.buffer, a.byteOffset, a.byteLength);
  let o = 0;
  const magic = dv.getUint32(o);
  const type = dv.getUint16((o += 4));
  const signerLen = dv.getUint16((o += 2));
  const signer = a.subarray(o + 2, o + 2 + signerLen);
  o += 2 + signerLen;
  const extraLen = dv.getUint16(o);
  const extra = a.subarray(o + 2, o + 2 + extraLen);
  o += 2 + extraLen + 17 + 8;
  const count = dv.getUint32(o);
  o += 4;
  const banks: { alg: number; mask: number }[] = [];
  for (let i = 0; i < count; i++) {
    const alg = dv.getUint16(o);
    const size = a[o + 2]!;
    let mask = 0;
    for (let k = 0; k < size; k++) mask |= a[o + 3 + k]! << (8 * k);
    banks.push({ alg, mask });
    o += 3 + size;
  }
  const dLen = dv.getUint16(o);
  return { magic, type, signer, extra, banks, digest: a.subarray(o + 2, o + 2 + dLen), end: o + 2 + dLen };
}

function akKey(tpm: SimulatedTpm) {
  return new X509Certificate(tpm.akCertificate.der).publicKey;
}

describe("the software TPM", () => {
  it("quotes chosen PCRs: TPMS_ATTEST with magic, ATTEST_QUOTE, qualifying data, selection and PCR digest", async () => {
    rsa.setPcr(TPM_ALG_SHA256, 0, new Uint8Array(32).fill(0x11));
    rsa.extendPcr(TPM_ALG_SHA256, 7, new Uint8Array(32).fill(0x22));
    const q = await rsa.quote({ qualifyingData: Uint8Array.of(0x90, 0x09), selection: [{ hashAlg: TPM_ALG_SHA256, pcrs: [7, 0, 14] }] });
    const a = readAttest(q.attest);
    expect(a.magic).toBe(0xff544347);
    expect(a.type).toBe(0x8018);
    expect(Buffer.from(a.extra).toString("hex")).toBe("9009");
    expect(a.banks).toEqual([{ alg: TPM_ALG_SHA256, mask: (1 << 0) | (1 << 7) | (1 << 14) }]);
    expect(a.end).toBe(q.attest.length);
    const expected7 = createHash("sha256").update(Buffer.alloc(32)).update(Buffer.alloc(32, 0x22)).digest();
    expect(Buffer.from(q.pcrValues[1]!).equals(expected7)).toBe(true);
    const digest = createHash("sha256").update(Buffer.concat(q.pcrValues.map((v) => Buffer.from(v)))).digest();
    expect(Buffer.from(a.digest).equals(digest)).toBe(true);
  });

  it("signs with RSASSA-PKCS1-v1_5 SHA-256 under the AK in its certificate", async () => {
    const q = await rsa.quote({ qualifyingData: new Uint8Array(32).fill(1), selection: [{ hashAlg: TPM_ALG_SHA1, pcrs: [0, 1] }, { hashAlg: TPM_ALG_SHA384, pcrs: [23] }] });
    expect(q.signature.subarray(0, 4)).toEqual(Uint8Array.of(0x00, 0x14, 0x00, 0x0b));
    const sig = q.signature.subarray(6);
    expect(sig.length).toBe(256);
    expect(nodeVerify("sha256", q.attest, akKey(rsa), sig)).toBe(true);
    expect(q.pcrValues.map((v) => v.length)).toEqual([20, 20, 48]);
  });

  it("signs with ECDSA P-256 SHA-256 (TPMS_SIGNATURE_ECDSA r, s)", async () => {
    const q = await ecdsa.quote({ qualifyingData: Uint8Array.of(1, 2, 3), selection: [{ hashAlg: TPM_ALG_SHA256, pcrs: [0, 1, 2] }] });
    expect(q.signature.subarray(0, 4)).toEqual(Uint8Array.of(0x00, 0x18, 0x00, 0x0b));
    const r = q.signature.subarray(6, 38);
    const s = q.signature.subarray(40, 72);
    expect(nodeVerify("sha256", q.attest, akKey(ecdsa), rsToDer(new Uint8Array([...r, ...s])))).toBe(true);
  });

  it("names the AK as SHA-256 over its TPMT_PUBLIC and certifies it under a labelled simulated AK CA", () => {
    expect(Buffer.from(rsa.akName).toString("hex")).toBe("000b" + createHash("sha256").update(rsa.akPublic).digest("hex"));
    const ca = new X509Certificate(rsa.akCa.der);
    const cert = new X509Certificate(rsa.akCertificate.der);
    expect(ca.subject).toContain("Simulated vTPM AK Root CA");
    expect(cert.verify(ca.publicKey)).toBe(true);
    expect(isSimulatorCertificate(rsa.akCa.der)).toBe(true);
    // The TPMT_PUBLIC modulus is the certificate's RSA modulus.
    const jwk = cert.publicKey.export({ format: "jwk" });
    expect(Buffer.from(jwk.n!, "base64url").equals(Buffer.from(rsa.akPublic.subarray(rsa.akPublic.length - 256)))).toBe(true);
  });

  it("derives the same AK and quotes from the same seed", async () => {
    const again = await createSimulatedTpm({ seed: "tpm-test", akType: "rsa" });
    expect(again.akPublic).toEqual(rsa.akPublic);
    expect(again.akCertificate.der).toEqual(rsa.akCertificate.der);
    const sel: PcrSelection[] = [{ hashAlg: TPM_ALG_SHA256, pcrs: [1] }];
    const a = await again.quote({ qualifyingData: Uint8Array.of(5), selection: sel });
    const fresh = await createSimulatedTpm({ seed: "tpm-test", akType: "rsa" });
    expect((await fresh.quote({ qualifyingData: Uint8Array.of(5), selection: sel })).attest).toEqual(a.attest);
  });

  it("rejects bad PCR indexes and value sizes", () => {
    expect(() => rsa.setPcr(TPM_ALG_SHA256, 24, new Uint8Array(32))).toThrow(RangeError);
    expect(() => rsa.setPcr(TPM_ALG_SHA256, 1, new Uint8Array(20))).toThrow(RangeError);
  });
});
