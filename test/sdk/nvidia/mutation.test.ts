/**
 * Mutated and truncated real evidence: every byte of the signed transcript and of the signature
 * flipped, each chain certificate flipped, RIM bytes flipped. Every outcome is a typed refusal
 * (ParseError or VerificationError), never an untyped exception, never an acceptance.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeHexReport, pinnedGpuRoots, verifyGpuAttestation, verifyGpuRim } from "../../../sdk/src/nvidia/index.js";
import { parseCertificates } from "../../../sdk/src/pki/x509.js";
import { DRIVER_RIM, HOPPER_CHAIN, HOPPER_NONCE, HOPPER_REPORT, HOPPER_VERIFY_AT, readGpuFixtureText, simulatedGpu } from "../../../testkit/gpuFixtures.js";
import { expectRejected, flip, offsets, outcome, truncations } from "../report/mutation.js";

const raw = decodeHexReport(readGpuFixtureText(HOPPER_REPORT));
const chain = parseCertificates(readGpuFixtureText(HOPPER_CHAIN));
const now = HOPPER_VERIFY_AT;
const verify = (report: Uint8Array, certificates = chain) => verifyGpuAttestation({ report, certificates, now, nonce: HOPPER_NONCE });

describe("the real H100 report under mutation", () => {
  it("the unmutated report verifies (the baseline the mutations depart from)", async () => {
    expect(await outcome(() => verify(raw))).toBe("accepted");
  });
  it("every byte of request || response (signed) and of the signature, flipped: refused, typed", { timeout: 240_000 }, async () => {
    const counts = { parse: 0, verification: 0 };
    for (const at of offsets(0, raw.length)) {
      const o = await expectRejected(() => verify(flip(raw, at)), `byte ${at} flipped`);
      counts[o as "parse" | "verification"]++;
    }
    expect(counts.parse + counts.verification).toBe(4117);
  });
  it("high-bit flips across the transcript too (another mask), sampled", { timeout: 120_000 }, async () => {
    for (const at of offsets(0, raw.length, 17)) await expectRejected(() => verify(flip(raw, at, 0x80)), `byte ${at} ^ 0x80`);
  });
  it("every truncation: a ParseError", async () => {
    for (const n of truncations(raw.length, 11)) expect(await outcome(() => verify(raw.subarray(0, n))), `length ${n}`).toBe("parse");
  });
  it("each certificate of the chain with a byte flipped (sampled through the DER): refused, typed", { timeout: 120_000 }, async () => {
    for (const [i, c] of chain.slice(0, 4).entries()) {
      for (const at of offsets(0, c.der.length, 13)) {
        await expectRejected(async () => {
          const mutated = parseCertificates(flip(c.der, at))[0]!;
          return verify(raw, chain.map((x, j) => (j === i ? mutated : x)));
        }, `certificate ${i} byte ${at}`);
      }
    }
  });
});

describe("RIMs under mutation", () => {
  it("a small simulated RIM: every byte flipped is refused, typed", { timeout: 240_000 }, async () => {
    const { gpu, roots, now: simNow } = simulatedGpu({ blocks: 2 });
    const rim = new TextEncoder().encode(gpu.driverRim({ indices: [1] }));
    expect(await outcome(() => verifyGpuRim({ rim, root: roots.rimRoot, now: simNow }))).toBe("accepted");
    // Bytes whose flip leaves the canonical document unchanged cannot be refused and are not signed:
    // none exist in this document (no insignificant whitespace inside tags), so every flip must fail.
    for (const at of offsets(0, rim.length)) await expectRejected(() => verifyGpuRim({ rim: flip(rim, at), root: roots.rimRoot, now: simNow }), `RIM byte ${at}`);
  });
  it("the real driver RIM: bytes flipped across the document (sampled), refused, typed", { timeout: 240_000 }, async () => {
    const rim = new TextEncoder().encode(readGpuFixtureText(DRIVER_RIM));
    for (const at of offsets(0, rim.length, 97)) await expectRejected(() => verifyGpuRim({ rim: flip(rim, at), root: pinnedGpuRoots().rimRoot, now }), `RIM byte ${at}`);
  });
  it("RIM truncations: typed", { timeout: 120_000 }, async () => {
    // The file ends with a newline after the document element: not part of the document.
    const rim = readGpuFixtureText(DRIVER_RIM).trimEnd();
    for (const n of truncations(rim.length, 401)) await expectRejected(() => verifyGpuRim({ rim: rim.slice(0, n), root: pinnedGpuRoots().rimRoot, now }), `length ${n}`);
  });
});

describe("properties", () => {
  it("any set of bytes changed anywhere in the real report: refused, typed", { timeout: 120_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fc.integer({ min: 0, max: raw.length - 1 }), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 6 }), async (edits) => {
        const b = raw.slice();
        for (const [at, x] of edits) b[at] = b[at]! ^ x;
        if (b.every((v, i) => v === raw[i])) return; // edits that cancel out
        expect(await outcome(() => verify(b))).not.toBe("accepted");
      }),
      { numRuns: 150 },
    );
  });
  it("text inserted anywhere in a signed RIM: typed; when accepted, the golden values read are the signed ones", { timeout: 120_000 }, async () => {
    const { gpu, roots, now: simNow } = simulatedGpu({ blocks: 3 });
    const rim = gpu.driverRim({ indices: [1] });
    const signed = (await verifyGpuRim({ rim, root: roots.rimRoot, now: simNow })).measurements;
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: rim.length }), fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom(" ", "\n", "<a/>", "&amp;", "<!--x-->", 'x="1"', "<ds:Signature/>")), async (at, text) => {
        const mutated = rim.slice(0, at) + text + rim.slice(at);
        let read: unknown;
        const o = await outcome(async () => (read = (await verifyGpuRim({ rim: mutated, root: roots.rimRoot, now: simNow })).measurements));
        if (o === "accepted") expect(read).toEqual(signed);
      }),
      { numRuns: 200 },
    );
  });
});
