/**
 * The GCE instance extension (1.3.6.1.4.1.11129.2.1.21) read by Solidity (GceInstanceInfo, through a
 * test harness) and by the SDK (parseGceInstanceInfo): on the real Google AK certificate, against each
 * other on random simulated ones (fast-check), and on broken ones (typed errors, never a crash).
 */
import { beforeAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import { toHex, type Hex } from "viem";
import { parseGceInstanceInfo, GCE_INSTANCE_INFO_OID } from "../../sdk/src/tpm/gceInstanceInfo.js";
import { ParseError } from "../../sdk/src/errors.js";
import { buildName, deriveRsaKey, encodeGceInstanceInfo } from "../../sdk/src/simulate/index.js";
import { extensions as ext, issueRsaSignedCertificate } from "../../sdk/src/simulate/x509build.js";
import { loadGceAttestation } from "../../testkit/tpmFixtures.js";
import { expectMethodRevert } from "../../testkit/gceRevert.js";
import { connectChain, type Connection } from "./fixture.js";

const real = Buffer.from(loadGceAttestation().ak_cert_der, "hex");

describe("GceInstanceInfo (Solidity) and parseGceInstanceInfo (SDK)", () => {
  let c: Connection;
  let harness: { read: { parse: (args: readonly [Hex]) => Promise<{ zone: string; projectNumber: bigint; projectId: string; instanceId: bigint; instanceName: string; serialHash: Hex }> } };
  let key: Awaited<ReturnType<typeof deriveRsaKey>>;
  const certWith = (extensionValue: Uint8Array | undefined) =>
    issueRsaSignedCertificate({
      serialNumber: "1234",
      subject: buildName([]),
      issuer: buildName([["CN", "test"]]),
      notBefore: new Date("2024-01-01T00:00:00Z"),
      notAfter: new Date("2030-01-01T00:00:00Z"),
      subjectKey: { kind: "rsa", modulus: key.modulus, exponent: key.exponent },
      signer: key,
      extensions: extensionValue ? [ext.raw(GCE_INSTANCE_INFO_OID, false, extensionValue)] : [ext.basicConstraints(false)],
    });

  beforeAll(async () => {
    c = await connectChain();
    harness = (await c.viem.deployContract("GceInstanceInfoHarness")) as never;
    key = await deriveRsaKey("gce info test", "key");
  });

  it("reads zone us-central1-a, project google.com:wuale-gcp-testing, instance cos-test from the real certificate, the same in both", async () => {
    const sdk = parseGceInstanceInfo(real);
    expect(sdk).toMatchObject({ zone: "us-central1-a", projectId: "google.com:wuale-gcp-testing", instanceName: "cos-test", projectNumber: 117478743145n, instanceId: 6797026933021542085n });
    expect(await harness.read.parse([toHex(real)])).toEqual(sdk);
  });

  it("agree on random instances (fast-check)", async () => {
    const text = fc.string({ minLength: 0, maxLength: 40, unit: "grapheme" });
    await fc.assert(
      fc.asyncProperty(text, fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), text, fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), text, async (zone, projectNumber, projectId, instanceId, instanceName) => {
        const der = await certWith(encodeGceInstanceInfo({ zone, projectNumber, projectId, instanceId, instanceName }));
        const sdk = parseGceInstanceInfo(der);
        expect(sdk).toMatchObject({ zone, projectNumber, projectId, instanceId, instanceName });
        expect(await harness.read.parse([toHex(der)])).toEqual(sdk);
      }),
      { numRuns: 25 },
    );
  });

  it("a certificate without the extension: GceExtensionMissing / ParseError naming extensions", async () => {
    const der = await certWith(undefined);
    expect(() => parseGceInstanceInfo(der)).toThrow(ParseError);
    await expectMethodRevert(harness.read.parse([toHex(der)]), "GceExtensionMissing");
  });

  it("a field of the wrong type: GceExtensionMalformed(offset) / ParseError naming the field", async () => {
    const utf8 = (s: string) => [0x0c, s.length, ...Buffer.from(s)];
    const int = (n: number) => [0x02, 1, n];
    const seq = (body: number[]) => Uint8Array.from([0x30, body.length, ...body]);
    // instanceId as a UTF8String
    const der = await certWith(seq([...utf8("z"), ...int(1), ...utf8("p"), ...utf8("i"), ...utf8("n")]));
    try {
      parseGceInstanceInfo(der);
      expect.unreachable();
    } catch (e) {
      expect((e as ParseError).field).toBe("instanceId");
    }
    const [offset] = await expectMethodRevert(harness.read.parse([toHex(der)]), "GceExtensionMalformed");
    expect(der[Number(offset)]).toBe(0x0c);
    // A field missing at the end.
    const short = await certWith(seq([...utf8("z"), ...int(1), ...utf8("p"), ...int(2)]));
    expect(() => parseGceInstanceInfo(short)).toThrow(/instanceName/);
    await expectMethodRevert(harness.read.parse([toHex(short)]), "DerMalformed");
    // A 9-byte integer (over 64 bits).
    const big = await certWith(seq([...utf8("z"), 0x02, 9, 1, 0, 0, 0, 0, 0, 0, 0, 0, ...utf8("p"), ...int(2), ...utf8("n")]));
    expect(() => parseGceInstanceInfo(big)).toThrow(/projectNumber/);
    await expectMethodRevert(harness.read.parse([toHex(big)]), "GceExtensionMalformed");
  });

  it("every truncation of the real certificate is a ParseError in the SDK and a typed revert onchain", async () => {
    for (let n = 0; n < real.length; n += 97) {
      const cut = real.subarray(0, n);
      expect(() => parseGceInstanceInfo(cut)).toThrow(ParseError);
      await expect(harness.read.parse([toHex(cut)])).rejects.toThrow(/DerMalformed|DerUnexpectedTag|GceExtension/);
    }
  });

  it("single-byte corruptions of the real certificate never crash the SDK: a ParseError or a parse", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: real.length - 1 }), fc.integer({ min: 1, max: 255 }), (at, x) => {
        const b = Uint8Array.from(real);
        b[at] = b[at]! ^ x;
        try {
          parseGceInstanceInfo(b);
        } catch (e) {
          expect(e).toBeInstanceOf(ParseError);
        }
      }),
      { numRuns: 300 },
    );
  });
});
