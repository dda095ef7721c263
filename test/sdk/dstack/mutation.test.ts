/**
 * Mutated, truncated and random dstack attestations: every refusal is a typed SDK error, and no
 * change to a signed or bound byte (the TDX quote, the event log digests, the runtime events, the
 * report data, the SEV-SNP report, the Nitro document) is accepted. Unsigned bytes (the config
 * beyond os_image_hash, boot events' names and payloads) may change: docs/dstack-attestation.md.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { encodeDstackAttestation, parseDstackAttestation, parseDstackAttestationJson, type DstackAttestation, type DstackPlatformEvidence } from "../../../sdk/src/dstack/index.js";
import { ParseError } from "../../../sdk/src/errors.js";
import { createIntelQuoteVerifier, verifyEvidence, type VerificationReport } from "../../../sdk/src/report/index.js";
import { DSTACK_NITRO, DSTACK_NITRO_AT, DSTACK_SNP, DSTACK_TDX, DSTACK_TDX_AT, dstackSnpCertificates, fixtureBytes } from "../../../testkit/dstackFixtures.js";
import { flip, offsets, outcome, truncations } from "../report/mutation.js";

const intelVerifier = createIntelQuoteVerifier();
const tdxBytes = fixtureBytes(DSTACK_TDX);
const tdx = parseDstackAttestation(tdxBytes);

/** Verifies and says whether the mutation was refused: a ParseError, or a report with a failed dimension. */
async function refused(bytes: Uint8Array, now: number, extra: Record<string, unknown> = {}): Promise<boolean> {
  let report: VerificationReport | undefined;
  const o = await outcome(async () => {
    report = await verifyEvidence({ evidence: bytes, now, intelVerifier, ...extra });
  });
  if (o !== "accepted") return true;
  return report!.overall === "fail";
}

/** Byte ranges of the real TDX sample, found by re-encoding parts of it. */
function tdxLayout() {
  const len = (a: DstackAttestation) => encodeDstackAttestation(a).length;
  const total = tdxBytes.length;
  const configLen = total - len({ ...tdx, config: "" }) + 1;
  const runtimeLen = total - len({ ...tdx, runtimeEvents: [] }) + 1;
  const reportDataStart = total - configLen - 64;
  const runtimeStart = reportDataStart - runtimeLen;
  const p = tdx.platform as Extract<DstackPlatformEvidence, { kind: "tdx" }>;
  // 0x00 0x00, compact(5010) in two bytes, the quote, compact(33) in one byte, then the events.
  const quoteStart = 4;
  const quoteSigned = 4940; // the quote proper; 70 zero bytes of padding follow
  const digests: number[] = [];
  let at = quoteStart + p.quote.length + 1;
  const enc = new TextEncoder();
  const compactLen = (n: number) => (n < 64 ? 1 : n < 1 << 14 ? 2 : 4);
  for (const e of p.eventLog) {
    at += 8 + compactLen(e.digest.length);
    for (let i = 0; i < e.digest.length; i++) digests.push(at + i);
    at += e.digest.length;
    const name = enc.encode(e.event).length;
    at += compactLen(name) + name + compactLen(e.payload.length) + e.payload.length;
  }
  expect(at).toBe(runtimeStart);
  return { quoteStart, quoteSigned, digests, runtimeStart, reportDataStart };
}

describe("the real TDX attestation, mutated", () => {
  const L = tdxLayout();

  it("a flip in the signed quote (every 13th byte) is refused", async () => {
    for (const at of offsets(L.quoteStart, L.quoteStart + L.quoteSigned, 13)) expect(await refused(flip(tdxBytes, at), DSTACK_TDX_AT), `quote byte ${at}`).toBe(true);
  });

  it("a non-zero byte in the quote's padding is refused (the quote parser allows only zero padding)", async () => {
    for (const at of offsets(L.quoteStart + L.quoteSigned, L.quoteStart + 5010, 7)) expect(await refused(flip(tdxBytes, at), DSTACK_TDX_AT), `padding byte ${at}`).toBe(true);
  });

  it("a flip in any event-log digest (every 5th byte) is refused", async () => {
    for (const at of L.digests.filter((_, i) => i % 5 === 0)) expect(await refused(flip(tdxBytes, at), DSTACK_TDX_AT), `digest byte ${at}`).toBe(true);
  });

  it("a flip in the runtime events or the report data (every byte) is refused", async () => {
    for (const at of offsets(L.runtimeStart, L.reportDataStart + 64, 1)) expect(await refused(flip(tdxBytes, at), DSTACK_TDX_AT), `byte ${at}`).toBe(true);
  });

  it("every truncation is a ParseError", async () => {
    for (const n of truncations(tdxBytes.length, 97)) expect(await outcome(() => parseDstackAttestation(tdxBytes.slice(0, n))), `length ${n}`).toBe("parse");
  });

  it("flips anywhere else (config, boot event names and payloads) end in a typed outcome", async () => {
    for (const at of offsets(0, tdxBytes.length, 41)) await outcome(() => verifyEvidence({ evidence: flip(tdxBytes, at, 0x80), now: DSTACK_TDX_AT, intelVerifier }));
  });
});

describe("dstack's real lite TDX attestation, mutated", () => {
  const lite = parseDstackAttestationJson(JSON.parse(new TextDecoder().decode(fixtureBytes("dstack/tdx-lite-attestation.json"))) as Record<string, unknown>).bytes;
  /** Byte offset of `needle` (ASCII) in the encoded attestation (not a string index: the quote is binary). */
  const byteIndexOf = (needle: string) => {
    const n = new TextEncoder().encode(needle);
    outer: for (let i = 0; i + n.length <= lite.length; i++) {
      for (let j = 0; j < n.length; j++) if (lite[i + j] !== n[j]) continue outer;
      return i;
    }
    return -1;
  };

  it("a flip in the tdx_measurement document, the checksum file, os_image_hash or memory_size is refused (they bind MRTD and RTMR0–2)", async () => {
    // This config is the VM config itself (no nested vm_config string): find each value's bytes in the encoding.
    const vm = JSON.parse(parseDstackAttestation(lite).config) as { tdx_measurement: { measurement: string; checksum_file: string }; os_image_hash: string; memory_size: number };
    const ranges = [vm.tdx_measurement.measurement, vm.tdx_measurement.checksum_file, vm.os_image_hash, String(vm.memory_size)].map((v) => {
      const at = byteIndexOf(v);
      expect(at, v.slice(0, 20)).toBeGreaterThan(0);
      return [at, at + v.length] as const;
    });
    for (const [from, to] of ranges) {
      for (const at of offsets(from, to, 7)) {
        // Flip to another character of the same class (keeps base64 / hex / digits well-formed most of the time).
        const m = lite.slice();
        m[at] = m[at] === 0x41 ? 0x42 : m[at] === 0x30 ? 0x31 : m[at]! ^ 0x01;
        expect(await refused(m, DSTACK_TDX_AT), `byte ${at}`).toBe(true);
      }
    }
  });
});

describe("the real SEV-SNP and Nitro attestations, mutated", () => {
  it("SEV-SNP: a flip in the report (every 7th byte) is refused", async () => {
    const b = fixtureBytes(DSTACK_SNP);
    for (const at of offsets(4, 4 + 1184, 7)) expect(await refused(flip(b, at), DSTACK_TDX_AT, { certificates: dstackSnpCertificates() }), `report byte ${at}`).toBe(true);
  });

  it("SEV-SNP: a flip in the mr_config document (every 3rd byte) is refused", async () => {
    const b = fixtureBytes(DSTACK_SNP);
    const att = parseDstackAttestation(b);
    const doc = (att.platform as Extract<DstackPlatformEvidence, { kind: "sev-snp" }>).mrConfig.length;
    const start = 4 + 1184 + 1 + 2; // report, empty cert_chain, compact(document length)
    for (const at of offsets(start, start + doc, 3)) expect(await refused(flip(b, at, 0x02), DSTACK_TDX_AT, { certificates: dstackSnpCertificates() }), `mr_config byte ${at}`).toBe(true);
  });

  it("Nitro: a flip in the document (every 11th byte) is refused", async () => {
    const b = fixtureBytes(DSTACK_NITRO);
    const doc = (parseDstackAttestation(b).platform as Extract<DstackPlatformEvidence, { kind: "nitro-enclave" }>).nsmQuote.length;
    for (const at of offsets(4, 4 + doc, 11)) expect(await refused(flip(b, at), DSTACK_NITRO_AT), `document byte ${at}`).toBe(true);
  });
});

// ---- property tests over the decoder ----

const bytesArb = (max: number) => fc.uint8Array({ maxLength: max });
const tdxEventArb = fc.record({ imr: fc.integer({ min: 0, max: 3 }), eventType: fc.nat({ max: 0xffffffff }), digest: bytesArb(48), event: fc.string({ maxLength: 20 }), payload: bytesArb(40) });
const platformArb: fc.Arbitrary<DstackPlatformEvidence> = fc.oneof(
  fc.record({ kind: fc.constant("tdx" as const), quote: bytesArb(300), eventLog: fc.array(tdxEventArb, { maxLength: 5 }) }),
  fc.record({
    kind: fc.constant("gcp-tdx" as const),
    quote: bytesArb(100),
    eventLog: fc.array(tdxEventArb, { maxLength: 3 }),
    tpmQuote: fc.record({
      message: bytesArb(80),
      signature: bytesArb(80),
      pcrValues: fc.array(fc.record({ index: fc.nat({ max: 23 }), algorithm: fc.constantFrom("sha256", "sha384"), value: bytesArb(48) }), { maxLength: 4 }),
      akCert: bytesArb(100),
      platform: fc.constantFrom("dstack" as const, "gcp" as const, "nitro-enclave" as const, "aws-ec2" as const),
      eventLog: fc.array(fc.record({ pcrIndex: fc.nat({ max: 23 }), digest: bytesArb(32) }), { maxLength: 3 }),
    }),
  }),
  fc.record({ kind: fc.constant("nitro-enclave" as const), nsmQuote: bytesArb(200) }),
  fc.record({ kind: fc.constant("sev-snp" as const), report: bytesArb(200), certChain: fc.array(bytesArb(60), { maxLength: 3 }), mrConfig: fc.string({ maxLength: 80 }) }),
  fc.record({ kind: fc.constant("aws-nitro-tpm" as const), attestationDoc: bytesArb(200) }),
);
const attestationArb: fc.Arbitrary<DstackAttestation> = fc.record({
  version: fc.constant(0 as const),
  platform: platformArb,
  runtimeEvents: fc.array(fc.record({ event: fc.string({ maxLength: 20 }), payload: bytesArb(40) }), { maxLength: 6 }),
  reportData: fc.uint8Array({ minLength: 64, maxLength: 64 }),
  config: fc.string({ maxLength: 100 }),
});

describe("property tests (fast-check)", () => {
  it("encode then parse is the identity for every variant", () => {
    fc.assert(
      fc.property(attestationArb, (a) => {
        expect(parseDstackAttestation(encodeDstackAttestation(a))).toEqual(a);
      }),
      { numRuns: 300 },
    );
  });

  it("any encoded attestation cut short, or with a byte appended, is a ParseError", () => {
    fc.assert(
      fc.property(attestationArb, fc.nat(), (a, cut) => {
        const b = encodeDstackAttestation(a);
        expect(() => parseDstackAttestation(b.slice(0, cut % b.length))).toThrow(ParseError);
        expect(() => parseDstackAttestation(new Uint8Array([...b, 0]))).toThrow(ParseError);
      }),
      { numRuns: 200 },
    );
  });

  it("random bytes and random corruption of the real sample: a value or a ParseError, nothing else", () => {
    const near = fc.array(fc.tuple(fc.nat({ max: tdxBytes.length - 1 }), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 6 }).map((edits) => {
      const m = tdxBytes.slice();
      for (const [at, x] of edits) m[at] = m[at]! ^ x;
      return m;
    });
    const prefixed = bytesArb(300).map((b) => new Uint8Array([0, ...b]));
    fc.assert(
      fc.property(fc.oneof(bytesArb(300), prefixed, near), (b) => {
        try {
          parseDstackAttestation(b);
        } catch (e) {
          if (!(e instanceof ParseError)) throw e;
        }
      }),
      { numRuns: 1000 },
    );
  });
});
