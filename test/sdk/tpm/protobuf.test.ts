/**
 * go-tpm-tools' attest.Attestation protobuf: the real GCE .pb verifies exactly as its JSON twin;
 * mutations are typed refusals (none of the signed or certified bytes may change unnoticed); random
 * bytes decode to a value or a ParseError.
 */
import { readFileSync } from "node:fs";
import fc from "fast-check";
import protobuf from "protobufjs";
import { describe, expect, it } from "vitest";
import { hex } from "../../../sdk/src/bytes.js";
import { ParseError } from "../../../sdk/src/errors.js";
import { detectEvidence, verifyEvidence, type VerificationReport } from "../../../sdk/src/report/index.js";
import { GO_TPM_TOOLS_ATTEST_PROTO, parseTpmAttestationJson, parseTpmAttestationProtobuf } from "../../../sdk/src/tpm/index.js";
import { flip, offsets, outcome } from "../report/mutation.js";

const pb = new Uint8Array(readFileSync("test/fixtures/tpm/gce-cos-85-nonce9009.pb"));
const json = new Uint8Array(readFileSync("test/fixtures/tpm/gce-cos-85-nonce9009.json"));
const eventLog = new Uint8Array(readFileSync("test/fixtures/tpm/gce-cos-85-nonce9009.eventlog.bin"));
const NOW = 1790000000;
const NONCE = "9009";

describe("the real GCE attestation as protobuf", () => {
  it("is detected as a TPM attestation and decodes to the same evidence as the JSON twin", () => {
    const d = detectEvidence(pb);
    expect(d).toMatchObject({ type: "tpm-quote", encoding: "protobuf" });
    const fromPb = parseTpmAttestationProtobuf(pb);
    const fromJson = parseTpmAttestationJson(new TextDecoder().decode(json));
    expect(fromPb.akPublic.raw ?? fromPb.akPublic).toEqual(fromJson.akPublic.raw ?? fromJson.akPublic);
    expect(fromPb.quotes.map((q) => [hex(q.attest), hex(q.signature), [...q.pcrs].map(([k, v]) => [k, hex(v)])])).toEqual(
      fromJson.quotes.map((q) => [hex(q.attest), hex(q.signature), [...q.pcrs].map(([k, v]) => [k, hex(v)])]),
    );
    expect(fromPb.akCertificate!.der).toEqual(fromJson.akCertificate!.der);
    expect(fromPb.eventLog).toEqual(eventLog);
  });

  it("verifies to the same report as the JSON twin (nonce 0x9009, event log replayed)", async () => {
    const strip = (r: VerificationReport) => ({ ...r, dimensions: r.dimensions });
    const a = await verifyEvidence({ evidence: pb, now: NOW, tpmNonce: NONCE });
    const b = await verifyEvidence({ evidence: json, now: NOW, tpmNonce: NONCE, tpmEventLog: eventLog });
    expect(strip(a)).toEqual(strip(b));
    expect(a.dimensions.tpmBinding.status).toBe("passed");
    expect(a.dimensions.hardware.status).toBe("passed");
    expect(a.dimensions.operatingSystem.status).toBe("passed");
  });

  it("a wrong nonce fails the same way", async () => {
    const r = await verifyEvidence({ evidence: pb, now: NOW, tpmNonce: "1234" });
    expect(r.dimensions.tpmBinding.check).toBe("tpm.quote.nonce");
  });
});

describe("the field-wise decoder (no protobufjs codegen, so a strict CSP page can run it)", () => {
  const type = protobuf.parse(GO_TPM_TOOLS_ATTEST_PROTO, { keepCase: true }).root.lookupType("attest.Attestation");
  const viaSchema = (b: Uint8Array) => {
    const o = type.toObject(type.decode(b), { longs: String, defaults: false }) as { instance_info?: Record<string, unknown>; ignored?: unknown };
    return o.instance_info;
  };

  it("reads what protobufjs' reflection reads from the schema, on the fixture", () => {
    const a = parseTpmAttestationProtobuf(pb);
    const info = viaSchema(pb);
    expect(a.instanceInfo ?? {}).toEqual(info ? { zone: info.zone, projectId: info.project_id, instanceName: info.instance_name, instanceId: info.instance_id } : {});
    const d = type.decode(pb) as unknown as { quotes: { quote: Uint8Array }[] };
    expect(a.quotes.map((q) => hex(q.attest))).toEqual(d.quotes.map((q) => hex(q.quote)));
  });

  it("does not build code at runtime: parsing works with Function and eval refused", () => {
    const F = globalThis.Function;
    const E = globalThis.eval;
    const refuse = () => {
      throw new EvalError("refused by the test's CSP stand-in");
    };
    (globalThis as { Function: unknown }).Function = refuse;
    (globalThis as { eval: unknown }).eval = refuse;
    try {
      expect(parseTpmAttestationProtobuf(pb).quotes.length).toBeGreaterThan(0);
    } finally {
      (globalThis as { Function: unknown }).Function = F;
      (globalThis as { eval: unknown }).eval = E;
    }
  });

  it("a field with the wrong wire type is a ParseError", () => {
    const bad = pb.slice();
    bad[0] = 0x08; // field 1 (ak_pub) as a varint
    expect(() => parseTpmAttestationProtobuf(bad)).toThrow(ParseError);
  });
});

describe("mutations", () => {
  // The signed and certified fields come first (ak_pub 1, quotes 2); the event log (3) follows.
  const type = protobuf.parse(GO_TPM_TOOLS_ATTEST_PROTO, { keepCase: true }).root.lookupType("attest.Attestation");
  const decoded = type.decode(pb) as unknown as { ak_pub: Uint8Array; quotes: unknown[] };
  const signedEnd = type.encode(type.create({ ak_pub: decoded.ak_pub, quotes: decoded.quotes })).finish().length;

  it("a flip in ak_pub or the quotes (every 3rd byte) is refused", async () => {
    expect(signedEnd).toBeGreaterThan(1000);
    for (const at of offsets(0, signedEnd, 3)) {
      let report: VerificationReport | undefined;
      const o = await outcome(async () => {
        report = await verifyEvidence({ evidence: flip(pb, at), now: NOW, tpmNonce: NONCE });
      });
      if (o === "accepted") expect(report!.overall, `byte ${at}`).toBe("fail");
    }
  });

  it("flips and cuts anywhere end in a typed outcome", async () => {
    for (const at of offsets(signedEnd, pb.length, 29)) await outcome(() => verifyEvidence({ evidence: flip(pb, at, 0x80), now: NOW, tpmNonce: NONCE }));
    for (const n of offsets(1, pb.length, 53)) await outcome(() => verifyEvidence({ evidence: pb.slice(0, n), now: NOW, tpmNonce: NONCE }));
  });

  it("random bytes and corrupted copies: a value or a ParseError (fast-check)", () => {
    const near = fc.array(fc.tuple(fc.nat({ max: pb.length - 1 }), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 5 }).map((edits) => {
      const m = pb.slice();
      for (const [at, x] of edits) m[at] = m[at]! ^ x;
      return m;
    });
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 300 }), near), (b) => {
        try {
          parseTpmAttestationProtobuf(b);
        } catch (e) {
          if (!(e instanceof ParseError)) throw e;
        }
      }),
      { numRuns: 500 },
    );
  });
});
