import { describe, expect, it } from "vitest";
import { network } from "hardhat";
import { readFileSync } from "node:fs";
import { createHash } from "node:crypto";
import fc from "fast-check";
import { type Hex, bytesToHex, encodeFunctionData, getContract, toHex } from "viem";
import { tpmQuoteVerifierAbi } from "../../../sdk/src/chain/abi/TpmQuoteVerifier.js";
import { createSimulatedTpm, TPM_ALG_SHA1, TPM_ALG_SHA256, TPM_ALG_SHA384 } from "../../../sdk/src/simulate/index.js";

type Fixture = {
  ak_pub_tpmt_public: string;
  quotes: { pcrs: Record<string, string>; tpms_attest: string; tpmt_signature: string; hash_alg: number }[];
};
const gce = JSON.parse(readFileSync("test/fixtures/tpm/gce-cos-85-nonce9009.json", "utf8")) as Fixture;
const h = (s: string): Hex => `0x${s}`;
const pcrList = (q: Fixture["quotes"][number]): Hex[] =>
  Object.keys(q.pcrs)
    .map(Number)
    .sort((a, b) => a - b)
    .map((i) => h(q.pcrs[String(i)]!));
/** PCR values as the verifier takes them: concatenated in selection order. */
const cat = (values: (Hex | Uint8Array)[]): Hex => `0x${values.map((v) => (typeof v === "string" ? v.slice(2) : Buffer.from(v).toString("hex"))).join("")}`;

const { viem } = await network.connect();
const publicClient = await viem.getPublicClient();
const deployed = await viem.deployContract("TpmQuoteVerifier", []);
// Typed through the exported ABI (hardhat's artifact typings are outside tsconfig).
const verifier = getContract({ address: deployed.address, abi: tpmQuoteVerifierAbi, client: publicClient });

function flip(hex: Hex, byte: number, x = 0x01): Hex {
  const b = Buffer.from(hex.slice(2), "hex");
  b[byte]! ^= x;
  return bytesToHex(b);
}

const AK = h(gce.ak_pub_tpmt_public);
const NONCE: Hex = "0x9009";
const q0 = gce.quotes[1]!; // the SHA-256 bank
const args = (over: Partial<{ ak: Hex; attest: Hex; sig: Hex; pcrs: Hex; nonce: Hex }> = {}) =>
  [over.ak ?? AK, over.attest ?? h(q0.tpms_attest), over.sig ?? h(q0.tpmt_signature), over.pcrs ?? cat(pcrList(q0)), over.nonce ?? NONCE] as const;

describe("real GCE vTPM quotes verify onchain", () => {
  for (const [i, alg, size] of [
    [0, TPM_ALG_SHA1, 20],
    [1, TPM_ALG_SHA256, 32],
    [2, TPM_ALG_SHA384, 48],
  ] as const) {
    it(`quote ${i}: bank 0x${alg.toString(16)} x 24 PCRs, RSASSA-SHA256, nonce 0x9009`, async () => {
      const q = gce.quotes[i]!;
      const r = await verifier.read.verifyQuote([AK, h(q.tpms_attest), h(q.tpmt_signature), cat(pcrList(q)), NONCE]);
      expect(r.akKeyHash).toBe(h(createHash("sha256").update(Buffer.from(gce.ak_pub_tpmt_public, "hex")).digest("hex")));
      expect(r.extraData).toBe(NONCE);
      expect(r.banks).toHaveLength(1);
      expect(r.banks[0]!.hashAlg).toBe(alg);
      expect(r.banks[0]!.pcrMask).toBe(0xffffff);
      expect(r.banks[0]!.values).toBe(cat(pcrList(q)));
      expect((r.banks[0]!.values.length - 2) / 2).toBe(24 * size);
      expect(r.safe).toBe(true);
      expect(r.clock > 0n).toBe(true);
    });
  }
});

describe("mutated inputs revert with custom errors", () => {
  const reverts = (a: ReturnType<typeof args>, error: string) => expect(verifier.read.verifyQuote([...a])).rejects.toThrow(error);

  it("bad magic, not a quote", async () => {
    await reverts(args({ attest: flip(h(q0.tpms_attest), 0) }), "TpmBadMagic");
    await reverts(args({ attest: flip(h(q0.tpms_attest), 5) }), "TpmNotAQuote");
  });

  it("truncated or extended attest, signature and AK public", async () => {
    const a = h(q0.tpms_attest);
    for (let cut = 0; cut < (a.length - 2) / 2; cut++) {
      await reverts(args({ attest: a.slice(0, 2 + 2 * cut) as Hex }), "TpmTruncated");
    }
    await reverts(args({ attest: `${a}00` }), "TpmTrailingBytes");
    await reverts(args({ sig: h(q0.tpmt_signature).slice(0, 100) as Hex }), "TpmTruncated");
    await reverts(args({ sig: `${h(q0.tpmt_signature)}00` }), "TpmTrailingBytes");
    await reverts(args({ ak: AK.slice(0, 60) as Hex }), "TpmTruncated");
  });

  it("a flipped signature byte, a flipped clock byte", async () => {
    await reverts(args({ sig: flip(h(q0.tpmt_signature), 100) }), "TpmSignatureInvalid");
    await reverts(args({ attest: flip(h(q0.tpms_attest), 50) }), "TpmSignatureInvalid");
  });

  it("a wrong, missing or extra PCR value", async () => {
    const pcrs = pcrList(q0);
    await reverts(args({ pcrs: cat([flip(pcrs[0]!, 3), ...pcrs.slice(1)]) }), "TpmPcrDigestMismatch");
    await reverts(args({ pcrs: cat(pcrs.slice(1)) }), "TpmPcrValuesLength");
    await reverts(args({ pcrs: `${cat(pcrs)}00` }), "TpmPcrValuesLength");
    await reverts(args({ pcrs: "0x" }), "TpmPcrValuesLength");
  });

  it("other qualifying data", async () => {
    await reverts(args({ nonce: "0x9008" }), "TpmQualifyingDataMismatch");
    await reverts(args({ nonce: "0x" }), "TpmQualifyingDataMismatch");
  });

  it("an AK that is not a restricted signing key, or of another algorithm", async () => {
    await reverts(args({ ak: flip(AK, 5, 0x04) }), "TpmAkNotRestrictedSigning"); // clear the sign bit (TPMA_OBJECT bit 18)
    await reverts(args({ ak: flip(AK, 1, 0x22) }), "TpmUnsupportedAlgorithm");
  });

  it("any single flipped byte of attest or signature never verifies (property)", async () => {
    const attestLen = (q0.tpms_attest.length / 2) | 0;
    const sigLen = (q0.tpmt_signature.length / 2) | 0;
    await fc.assert(
      fc.asyncProperty(fc.boolean(), fc.nat(), fc.integer({ min: 1, max: 255 }), async (inAttest, pos, x) => {
        const a = inAttest ? args({ attest: flip(h(q0.tpms_attest), pos % attestLen, x) }) : args({ sig: flip(h(q0.tpmt_signature), pos % sigLen, x) });
        await expect(verifier.read.verifyQuote([...a])).rejects.toThrow(/Tpm[A-Za-z]+/);
      }),
      { numRuns: 40 },
    );
  });
});

describe("simulated TPM quotes verify onchain", () => {
  it("RSA AK, two banks in one quote", async () => {
    const tpm = await createSimulatedTpm({ seed: "onchain-tpm", akType: "rsa" });
    tpm.extendPcr(TPM_ALG_SHA256, 14, new Uint8Array(32).fill(9));
    const sel = [
      { hashAlg: TPM_ALG_SHA256 as typeof TPM_ALG_SHA256, pcrs: [0, 14] },
      { hashAlg: TPM_ALG_SHA384 as typeof TPM_ALG_SHA384, pcrs: [4] },
    ];
    const q = await tpm.quote({ qualifyingData: new Uint8Array(32).fill(0xab), selection: sel });
    const r = await verifier.read.verifyQuote([bytesToHex(tpm.akPublic), bytesToHex(q.attest), bytesToHex(q.signature), cat(q.pcrValues), toHex(new Uint8Array(32).fill(0xab))]);
    expect(r.banks.map((b) => [b.hashAlg, b.pcrMask])).toEqual([
      [TPM_ALG_SHA256, (1 << 0) | (1 << 14)],
      [TPM_ALG_SHA384, 1 << 4],
    ]);
    expect(r.banks[0]!.values).toBe(cat([tpm.readPcr(TPM_ALG_SHA256, 0), tpm.readPcr(TPM_ALG_SHA256, 14)]));
    expect(r.banks[1]!.values).toBe(cat([tpm.readPcr(TPM_ALG_SHA384, 4)]));
  });

  it("ECDSA P-256 AK, including signatures with a high s (normalised before OpenZeppelin P256)", async () => {
    const tpm = await createSimulatedTpm({ seed: "onchain-tpm", akType: "ecdsa", label: "ec" });
    const n = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;
    let high = 0;
    for (let i = 0; i < 12; i++) {
      const nonce = Uint8Array.of(i);
      const q = await tpm.quote({ qualifyingData: nonce, selection: [{ hashAlg: TPM_ALG_SHA256, pcrs: [0, 1, 2, 3] }] });
      const s = BigInt(bytesToHex(q.signature.subarray(40, 72)));
      if (s > n / 2n) high++;
      const r = await verifier.read.verifyQuote([bytesToHex(tpm.akPublic), bytesToHex(q.attest), bytesToHex(q.signature), cat(q.pcrValues), bytesToHex(nonce)]);
      expect(r.extraData).toBe(bytesToHex(nonce));
      await expect(
        verifier.read.verifyQuote([bytesToHex(tpm.akPublic), bytesToHex(q.attest), flip(bytesToHex(q.signature), 50), cat(q.pcrValues), bytesToHex(nonce)]),
      ).rejects.toThrow("TpmSignatureInvalid");
    }
    expect(high).toBeGreaterThan(0);
  });

  it("refuses an RSA signature presented for an ECC AK", async () => {
    const ec = await createSimulatedTpm({ seed: "onchain-tpm", akType: "ecdsa", label: "ec" });
    await expect(verifier.read.verifyQuote([bytesToHex(ec.akPublic), h(q0.tpms_attest), h(q0.tpmt_signature), cat(pcrList(q0)), NONCE])).rejects.toThrow(
      "TpmSignatureSchemeMismatch",
    );
  });

  it("costs (gas, estimate of a call)", async () => {
    const gas = await publicClient.estimateGas({
      to: verifier.address,
      data: encodeFunctionData({ abi: verifier.abi, functionName: "verifyQuote", args: [...args()] }),
    });
    expect(gas).toBeLessThan(400_000n);
  });
});
