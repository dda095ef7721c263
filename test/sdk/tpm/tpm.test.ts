import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { concatBytes, hex } from "../../../sdk/src/bytes.js";
import { ParseError, VerificationError } from "../../../sdk/src/errors.js";
import { parseCertificate, parseCertificates, verifyCertificateChain } from "../../../sdk/src/pki/x509.js";
import {
  TPM_ALG,
  checkTcgEventLog,
  parseTcgEventLog,
  parseTpmAttestationJson,
  parseTpmsAttest,
  parseTpmtPublic,
  parseTpmtSignature,
  pinnedTpmRoots,
  replayTcgEventLog,
  verifyTpmAttestation,
  verifyTpmQuote,
} from "../../../sdk/src/tpm/index.js";
import { expectRejected, flip, offsets, truncations } from "../report/mutation.js";

const F = "test/fixtures/tpm";
const NOW = Date.UTC(2026, 10, 22) / 1000;
const json = readFileSync(`${F}/gce-cos-85-nonce9009.json`, "utf8");
const raw = JSON.parse(json);
const logBytes = new Uint8Array(readFileSync(`${F}/gce-cos-85-nonce9009.eventlog.bin`));
const att = parseTpmAttestationJson(json);

describe("the real GCE attestation verifies for every bank with nonce 0x9009", () => {
  it("all three quotes (SHA1, SHA256, SHA384 banks), the AK chain and the event log", async () => {
    const r = await verifyTpmAttestation({ attestation: att, nonce: "9009", now: NOW, eventLog: logBytes });
    expect(r.quotes.map((q) => q.bank)).toEqual(["SHA1", "SHA256", "SHA384"]);
    for (const q of r.quotes) {
      expect(hex(q.attest.extraData)).toBe("9009");
      expect(q.signature.sigAlg).toBe(TPM_ALG.RSASSA);
      expect(q.signature.hashAlg).toBe(TPM_ALG.SHA256);
    }
    expect(r.root).toContain("tpm_ek_v1_cloud_host_root-signer");
    expect(r.eventLog!.banks.map((b) => b.replayed)).toEqual([
      [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
      [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
      [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
    ]);
  });

  it("a different nonce is refused", async () => {
    const e = await verifyTpmAttestation({ attestation: att, nonce: "9008", now: NOW }).catch((x) => x);
    expect(e).toBeInstanceOf(VerificationError);
    expect(e.check).toBe("tpm.quote.nonce");
  });

  it("the AK certificate (valid 2021–2051) is checked at `now`", async () => {
    const e = await verifyTpmAttestation({ attestation: att, nonce: "9009", now: Date.UTC(2020, 0, 1) / 1000 }).catch((x) => x);
    expect(e.check).toBe("tpm.ak.chain.validity");
  });
});

describe("AK certificate chains to pinned Google vTPM roots", () => {
  it("both roots are pinned; the old intermediate's CN is longer than 64 characters and still parses", async () => {
    const roots = pinnedTpmRoots();
    expect(roots.map((r) => /CN=([^,]*)/.exec(r.subject)![1])).toEqual(["tpm_ek_v1_cloud_host_root-signer-0-2018-04-06T10:58:26-07:00 K:1", "EK/AK CA Root"]);
    const inter = parseCertificates(readFileSync(`${F}/gce-tpm-ek-intermediate-2.crt`))[0]!;
    const cn = inter.subject.slice(inter.subject.indexOf("CN=") + 3);
    expect(cn.length).toBeGreaterThan(64);
  });

  it("the newer GCP EK/AK CA intermediate chains to the newer pinned root", async () => {
    const inter = parseCertificates(readFileSync(`${F}/gcp-ek-ak-ca-intermediate-v3.crt`))[0]!;
    await verifyCertificateChain({ chain: [inter], root: pinnedTpmRoots()[1]!, now: NOW, check: "tpm" });
  });

  it("without the old root the fixture's AK certificate does not verify", async () => {
    const e = await verifyTpmAttestation({ attestation: att, nonce: "9009", now: NOW, roots: [pinnedTpmRoots()[1]!] }).catch((x) => x);
    expect(e).toBeInstanceOf(VerificationError);
    expect(e.check).toBe("tpm.ak.chain.root");
  });

  it("an AK certificate for another key is refused", async () => {
    const other = parseCertificate(new Uint8Array(readFileSync(`${F}/gce-tpm-ek-intermediate-2.crt`)));
    const e = await verifyTpmAttestation({ attestation: { ...att, akCertificate: other }, nonce: "9009", now: NOW }).catch((x) => x);
    expect(e.check).toBe("tpm.ak.certificate");
  });
});

describe("structures", () => {
  it("TPMT_PUBLIC: RSA 2048 AK with RSASSA-SHA256 scheme", () => {
    const p = parseTpmtPublic(Buffer.from(raw.ak_pub_tpmt_public, "hex"));
    expect(p.type).toBe(TPM_ALG.RSA);
    expect(p.rsa!.keyBits).toBe(2048);
    expect(p.rsa!.exponent).toBe(65537);
    expect(p.scheme).toEqual({ alg: TPM_ALG.RSASSA, hashAlg: TPM_ALG.SHA256 });
  });
  it("TPMS_ATTEST: quote with 24 PCRs selected in one bank", () => {
    const a = parseTpmsAttest(Buffer.from(raw.quotes[1].tpms_attest, "hex"));
    expect(a.pcrSelections).toEqual([{ hashAlg: TPM_ALG.SHA256, pcrs: Array.from({ length: 24 }, (_, i) => i) }]);
    expect(a.pcrDigest.length).toBe(32);
  });
  it("bad magic, type and signature algorithm are ParseErrors naming the field", () => {
    const attest = new Uint8Array(Buffer.from(raw.quotes[0].tpms_attest, "hex"));
    for (const [at, field] of [
      [0, "magic"],
      [5, "type"],
    ] as const) {
      try {
        parseTpmsAttest(flip(attest, at));
        expect.unreachable();
      } catch (e) {
        expect(e).toBeInstanceOf(ParseError);
        expect((e as ParseError).field).toBe(field);
      }
    }
    expect(() => parseTpmtSignature(flip(new Uint8Array(Buffer.from(raw.quotes[0].tpmt_signature, "hex")), 1, 0x40))).toThrow(ParseError);
  });
});

describe("RSAPSS and ECDSA P-256 quote signatures (test keys: no real fixture uses these schemes)", () => {
  const quote = att.quotes[1]!; // SHA256 bank, pcrDigest is SHA-256 over the PCRs
  const u16 = (n: number) => new Uint8Array([n >> 8, n & 0xff]);
  const tpm2b = (b: Uint8Array) => concatBytes(u16(b.length), b);

  it("ECDSA P-256 with SHA-256", async () => {
    const kp = (await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, ["sign", "verify"])) as CryptoKeyPair;
    const point = new Uint8Array(await crypto.subtle.exportKey("raw", kp.publicKey));
    const pub = concatBytes(u16(TPM_ALG.ECC), u16(TPM_ALG.SHA256), new Uint8Array([0, 0x05, 0, 0x72]), u16(0), u16(TPM_ALG.NULL), u16(TPM_ALG.ECDSA), u16(TPM_ALG.SHA256), u16(3), u16(TPM_ALG.NULL), tpm2b(point.subarray(1, 33)), tpm2b(point.subarray(33)));
    const sig = new Uint8Array(await crypto.subtle.sign({ name: "ECDSA", hash: "SHA-256" }, kp.privateKey, quote.attest as BufferSource));
    const tpmtSig = concatBytes(u16(TPM_ALG.ECDSA), u16(TPM_ALG.SHA256), tpm2b(sig.subarray(0, 32)), tpm2b(sig.subarray(32)));
    const r = await verifyTpmQuote({ akPublic: pub, quote: { ...quote, signature: tpmtSig }, nonce: "9009" });
    expect(r.bank).toBe("SHA256");
    await expectRejected(() => verifyTpmQuote({ akPublic: pub, quote: { ...quote, signature: flip(tpmtSig, 10) }, nonce: "9009" }), "bad ECDSA");
    await expectRejected(() => verifyTpmQuote({ akPublic: pub, quote: { ...quote, attest: flip(quote.attest, 40) }, signature: tpmtSig } as never), "bad attest");
  });

  it("RSAPSS with SHA-256 (salt = digest size)", async () => {
    const kp = (await crypto.subtle.generateKey({ name: "RSA-PSS", modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" }, true, ["sign", "verify"])) as CryptoKeyPair;
    const jwk = await crypto.subtle.exportKey("jwk", kp.publicKey);
    const n = new Uint8Array(Buffer.from(jwk.n!, "base64url"));
    const pub = concatBytes(u16(TPM_ALG.RSA), u16(TPM_ALG.SHA256), new Uint8Array([0, 0x05, 0, 0x72]), u16(0), u16(TPM_ALG.NULL), u16(TPM_ALG.RSAPSS), u16(TPM_ALG.SHA256), u16(2048), new Uint8Array(4), tpm2b(n));
    const sig = new Uint8Array(await crypto.subtle.sign({ name: "RSA-PSS", saltLength: 32 }, kp.privateKey, quote.attest as BufferSource));
    const tpmtSig = concatBytes(u16(TPM_ALG.RSAPSS), u16(TPM_ALG.SHA256), tpm2b(sig));
    const r = await verifyTpmQuote({ akPublic: pub, quote: { ...quote, signature: tpmtSig }, nonce: "9009" });
    expect(r.signature.sigAlg).toBe(TPM_ALG.RSAPSS);
    // An RSASSA signature is refused under a key whose scheme is RSAPSS.
    await expectRejected(() => verifyTpmQuote({ akPublic: pub, quote, nonce: "9009" }), "scheme mismatch");
  });
});

describe("TCG event log", () => {
  it("parses the crypto-agile log (SHA1, SHA256, SHA384 banks) and replays to the quoted PCRs", () => {
    const log = parseTcgEventLog(logBytes);
    expect(log.algorithms.map((a) => a.alg)).toEqual([TPM_ALG.SHA1, TPM_ALG.SHA256, TPM_ALG.SHA384]);
    expect(log.events.length).toBe(44);
    const replayed = replayTcgEventLog(log, TPM_ALG.SHA256);
    expect(hex(replayed.get(0)!)).toBe(raw.quotes[1].pcrs["0"]);
  });

  it("a changed digest or a dropped event breaks the replay", () => {
    const log = parseTcgEventLog(logBytes);
    const q = att.quotes[1]!;
    const e = log.events.find((x) => x.pcrIndex === 4)!;
    const d = e.digests.get(TPM_ALG.SHA256)!;
    d[0] ^= 1;
    expect(() => checkTcgEventLog(log, TPM_ALG.SHA256, q.pcrs)).toThrow(VerificationError);
    d[0] ^= 1;
    const dropped = { ...log, events: log.events.filter((x) => x !== e) };
    expect(() => checkTcgEventLog(dropped, TPM_ALG.SHA256, q.pcrs)).toThrow(VerificationError);
    // A log cut before every PCR 9 event cannot hide them: PCR 9 is quoted non-zero.
    const cut = { ...log, events: log.events.filter((x) => x.pcrIndex !== 9) };
    expect(() => checkTcgEventLog(cut, TPM_ALG.SHA256, q.pcrs)).toThrow(/PCR 9/);
  });

  it("corrupted or truncated logs are rejected (digest and header bytes)", async () => {
    const log = parseTcgEventLog(logBytes);
    const q = att.quotes[1]!;
    const check = (b: Uint8Array) => checkTcgEventLog(parseTcgEventLog(b), TPM_ALG.SHA256, q.pcrs);
    // Every byte of every record's pcrIndex, digest count and SHA-256 digest. The TPM extends only the
    // digests, so only they are authenticated by replay; event data is judged separately (eventdata.test.ts).
    const positions: number[] = [];
    for (const e of log.events) {
      if (e.eventType === 3) continue;
      const sha256At = e.offset + 12 + (2 + 20) + 2;
      positions.push(...offsets(e.offset, e.offset + 4), ...offsets(e.offset + 8, e.offset + 12), ...offsets(sha256At, sha256At + 32));
    }
    for (const at of positions) await expectRejected(() => check(flip(logBytes, at)), `flip at ${at}`);
    for (const n of truncations(logBytes.length, 97)) {
      if (n >= log.events.at(-1)!.offset + 1 || n === 0) await expectRejected(() => check(logBytes.slice(0, n)), `truncated to ${n}`);
      else await expectRejected(() => check(logBytes.slice(0, n)), `truncated to ${n}`);
    }
  });
});

describe("mutated and truncated quotes are rejected (zero false accepts)", () => {
  const verify = (mut: (q: (typeof att.quotes)[number]) => (typeof att.quotes)[number], akPublic = att.akPublic.raw) =>
    Promise.all(att.quotes.map((q) => verifyTpmQuote({ akPublic, quote: mut(q), nonce: "9009" })));

  it("every bit flip in TPMS_ATTEST, for every bank", async () => {
    for (let qi = 0; qi < att.quotes.length; qi++) {
      const q = att.quotes[qi]!;
      for (const at of offsets(0, q.attest.length)) {
        await expectRejected(() => verifyTpmQuote({ akPublic: att.akPublic, quote: { ...q, attest: flip(q.attest, at) }, nonce: "9009" }), `quote ${qi} attest flip ${at}`);
      }
    }
  });

  it("flips across TPMT_SIGNATURE, every PCR value and the AK public key", async () => {
    const sig = att.quotes[0]!.signature;
    for (const at of offsets(0, sig.length, 2)) await expectRejected(() => verify((q) => ({ ...q, signature: flip(q.signature, at) })), `sig flip ${at}`);
    for (let pcr = 0; pcr < 24; pcr++) {
      await expectRejected(
        () => verify((q) => ({ ...q, pcrs: new Map([...q.pcrs].map(([k, v]) => [k, k === pcr ? flip(v, 0) : v])) })),
        `PCR ${pcr} flip`,
      );
    }
    const ak = att.akPublic.raw;
    for (const at of offsets(0, ak.length, 3)) {
      // objectAttributes (bytes 4..7): only the AK-defining and reserved bits matter; they are checked below.
      if (at >= 4 && at < 8) continue;
      await expectRejected(() => verify((q) => q, flip(ak, at)), `AK flip ${at}`);
    }
    for (const bit of [0, 1, 3, 4, 5, 8, 9, 12, 13, 14, 15, 16, 17, 18, 20, 24, 31]) {
      const m = ak.slice();
      const v = new DataView(m.buffer);
      v.setUint32(4, v.getUint32(4) ^ (1 << bit));
      await expectRejected(() => verify((q) => q, m), `AK attribute bit ${bit}`);
    }
  });

  it("truncated TPMS_ATTEST / TPMT_SIGNATURE / TPMT_PUBLIC are ParseErrors", async () => {
    const q = att.quotes[0]!;
    for (const n of truncations(q.attest.length, 3)) expect(await expectRejected(() => verify((x) => ({ ...x, attest: x.attest.slice(0, n) })), `attest ${n}`)).toBe("parse");
    for (const n of truncations(q.signature.length, 13)) expect(await expectRejected(() => verify((x) => ({ ...x, signature: x.signature.slice(0, n) })), `sig ${n}`)).toBe("parse");
    for (const n of truncations(att.akPublic.raw.length, 13)) expect(await expectRejected(() => verify((x) => x, att.akPublic.raw.slice(0, n)), `ak ${n}`)).toBe("parse");
  });

  it("random corruption of attest and signature (fast-check)", async () => {
    const q = att.quotes[2]!;
    await fc.assert(
      fc.asyncProperty(fc.boolean(), fc.nat(), fc.integer({ min: 1, max: 255 }), async (which, pos, x) => {
        const target = which ? q.attest : q.signature;
        const m = target.slice();
        m[pos % m.length] ^= x;
        await expectRejected(() => verifyTpmQuote({ akPublic: att.akPublic, quote: which ? { ...q, attest: m } : { ...q, signature: m }, nonce: "9009" }), `${which} ${pos} ${x}`);
      }),
      { numRuns: 200 },
    );
  });

  it("malformed attestation JSON is a ParseError", () => {
    expect(() => parseTpmAttestationJson("{")).toThrow(ParseError);
    expect(() => parseTpmAttestationJson({ ...raw, quotes: [] })).toThrow(ParseError);
    expect(() => parseTpmAttestationJson({ ...raw, ak_pub_tpmt_public: "zz" })).toThrow(ParseError);
    expect(() => parseTpmAttestationJson({ ...raw, quotes: [{ ...raw.quotes[0], pcrs: { "24": "00" } }] })).toThrow(ParseError);
  });
});
