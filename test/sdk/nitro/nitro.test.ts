import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { hex } from "../../../sdk/src/bytes.js";
import { ParseError, VerificationError } from "../../../sdk/src/errors.js";
import { extractNitroCoseSign1, parseNitroDocument, pinnedNitroRoot, verifyNitroDocument } from "../../../sdk/src/nitro/index.js";
import { MILAN_ASK_ARK_PEM } from "../../../sdk/src/amd/index.js";
import { parseCertificates } from "../../../sdk/src/pki/x509.js";
import { expectRejected, flip, offsets, truncations } from "../report/mutation.js";

const bin = new Uint8Array(readFileSync("test/fixtures/nitro/dstack-nsm/attestation.bin"));
const AT = 1766668537; // the document's own timestamp (1766668537578 ms)
const cose = extractNitroCoseSign1(bin);

describe("the dstack NSM fixture verifies at its own timestamp", () => {
  it("ES384 over Sig_structure, chain root → 3 intermediates → leaf to the pinned AWS root", async () => {
    const r = await verifyNitroDocument({ document: bin, now: AT });
    expect(r.moduleId).toBe("i-0827e799ec9232d44-enc019b55a68bd2ed4b");
    expect(hex(r.pcrs.get(0)!).startsWith("5cb702954321826d")).toBe(true);
    expect(r.timestamp).toBe(1766668537578);
    expect(r.cose.document.cabundle.length).toBe(4);
    expect(r.debug).toBe(false);
    expect(r.userData!.length).toBe(64);
    expect(r.nonce).toBeUndefined();
    expect(r.publicKey).toBeUndefined();
  });

  it("the payload map is indefinite-length CBOR (0xbf … 0xff) and decodes", () => {
    const p = parseNitroDocument(bin);
    expect(p.payload[0]).toBe(0xbf);
    expect(p.payload.at(-1)).toBe(0xff);
  });

  it("the leaf lived three hours: a day later the chain is expired", async () => {
    const e = await verifyNitroDocument({ document: bin, now: AT + 86400 }).catch((x) => x);
    expect(e).toBeInstanceOf(VerificationError);
    expect(e.check).toBe("nitro.chain.validity");
  });

  it("a document dated after `now` is refused", async () => {
    const e = await verifyNitroDocument({ document: bin, now: AT - 3600 }).catch((x) => x);
    expect(e).toBeInstanceOf(VerificationError);
  });

  it("an expected nonce must be present", async () => {
    const e = await verifyNitroDocument({ document: bin, now: AT, nonce: new Uint8Array([1]) }).catch((x) => x);
    expect(e.check).toBe("nitro.nonce");
  });
});

describe("the AWS root is pinned, never taken from the bundle", () => {
  it("another root is refused even though the bundle carries its own", async () => {
    const other = parseCertificates(MILAN_ASK_ARK_PEM)[1]!;
    const e = await verifyNitroDocument({ document: bin, now: AT, root: other }).catch((x) => x);
    expect(e.check).toBe("nitro.chain.root");
  });
  it("the pinned root is CN=aws.nitro-enclaves", () => {
    expect(pinnedNitroRoot().subject).toContain("CN=aws.nitro-enclaves");
  });
});

describe("framings", () => {
  it("raw COSE_Sign1, tagged COSE_Sign1 (18) and the NSM response map all verify", async () => {
    await verifyNitroDocument({ document: cose, now: AT });
    const tagged = new Uint8Array([0xd2, ...cose]);
    await verifyNitroDocument({ document: tagged, now: AT });
    // {"Attestation": {"document": bstr}}: map(1) text(11) map(1) text(8) bstr(len16).
    const t = (x: string) => [0x60 + x.length, ...new TextEncoder().encode(x)];
    const nsm = new Uint8Array([0xa1, ...t("Attestation"), 0xa1, ...t("document"), 0x59, cose.length >> 8, cose.length & 0xff, ...cose]);
    expect(nsm[0]).toBe(0xa1);
    await verifyNitroDocument({ document: nsm, now: AT });
  });
  it("an empty or unknown framing is a ParseError", () => {
    expect(() => parseNitroDocument(new Uint8Array())).toThrow(ParseError);
    expect(() => parseNitroDocument(new Uint8Array([0x42, 1, 2]))).toThrow(ParseError);
  });
});

describe("mutated and truncated documents are rejected (zero false accepts)", () => {
  const verify = (doc: Uint8Array) => verifyNitroDocument({ document: doc, now: AT });

  it("a bit flip at every third byte of the COSE_Sign1", async () => {
    for (const at of offsets(0, cose.length, 3)) await expectRejected(() => verify(flip(cose, at)), `flip at ${at}`);
  });

  it("high-bit flips at the bytes in between", async () => {
    for (const at of offsets(1, cose.length, 3)) await expectRejected(() => verify(flip(cose, at, 0x80)), `flip at ${at}`);
  });

  it("truncation at many lengths", async () => {
    for (const n of truncations(cose.length, 9)) expect(await expectRejected(() => verify(cose.slice(0, n)), `truncated to ${n}`)).toBe("parse");
    // dstack's framing carries unsigned fields after the document; every cut inside the document fails.
    for (const n of truncations(4 + cose.length, 37)) await expectRejected(() => verify(bin.slice(0, n)), `framed, truncated to ${n}`);
  });

  it("random multi-byte corruption (fast-check)", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fc.nat({ max: cose.length - 1 }), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 4 }), async (edits) => {
        const m = cose.slice();
        for (const [at, x] of edits) m[at] = m[at]! ^ x;
        await expectRejected(() => verify(m), JSON.stringify(edits));
      }),
      { numRuns: 200 },
    );
  });
});
