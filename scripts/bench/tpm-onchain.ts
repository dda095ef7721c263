/**
 * Gas of onchain TPM quote verification (TpmQuoteVerifier.verifyQuote, estimated as a transaction:
 * 21,000 base + calldata + execution) on the embedded osaka chain:
 * - onchain.tpm.rsaQuoteVerifyGas: the real GCE quote (RSA 2048 AK, SHA-256 bank, 24 PCRs);
 * - onchain.tpm.rsaQuoteVerify8PcrGas: a simulated RSA quote over 8 SHA-256 PCRs;
 * - onchain.tpm.ecdsaQuoteVerifyGas: a simulated P-256 AK quote over 8 SHA-256 PCRs.
 */
import { network } from "hardhat";
import { bytesToHex, encodeFunctionData, type Hex } from "viem";
import type { BenchSuite } from "../bench.js";
import { tpmQuoteVerifierAbi } from "../../sdk/src/chain/abi/TpmQuoteVerifier.js";
import { createSimulatedTpm, TPM_ALG_SHA256 } from "../../sdk/src/simulate/index.js";
import { concatBytes } from "../../sdk/src/bytes.js";
import { gceQuoteArgs } from "../../testkit/tpmFixtures.js";

export const suite: BenchSuite = {
  name: "onchain.tpm",
  run: async (ctx) => {
    const { viem } = await network.connect();
    const verifier = await viem.deployContract("TpmQuoteVerifier", []);
    const client = await viem.getPublicClient();
    const gasOf = async (args: readonly [Hex, Hex, Hex, Hex, Hex]) =>
      Number(await client.estimateGas({ to: verifier.address, data: encodeFunctionData({ abi: tpmQuoteVerifierAbi, functionName: "verifyQuote", args }) }));

    const real = await gasOf(gceQuoteArgs());
    ctx.log(`  real GCE RSA quote (24 PCRs): ${real} gas`);

    const sel = [{ hashAlg: TPM_ALG_SHA256 as typeof TPM_ALG_SHA256, pcrs: [0, 1, 2, 3, 4, 5, 6, 7] }];
    const nonce = new Uint8Array(32).fill(7);
    const out: Record<string, number> = { "onchain.tpm.rsaQuoteVerifyGas": real };
    for (const [akType, metric] of [
      ["rsa", "onchain.tpm.rsaQuoteVerify8PcrGas"],
      ["ecdsa", "onchain.tpm.ecdsaQuoteVerifyGas"],
    ] as const) {
      const tpm = await createSimulatedTpm({ seed: "bench", akType });
      const sq = await tpm.quote({ qualifyingData: nonce, selection: sel });
      out[metric] = await gasOf([bytesToHex(tpm.akPublic), bytesToHex(sq.attest), bytesToHex(sq.signature), bytesToHex(concatBytes(...sq.pcrValues)), bytesToHex(nonce)]);
      ctx.log(`  simulated ${akType} quote (8 PCRs): ${out[metric]} gas`);
    }
    return out;
  },
};
