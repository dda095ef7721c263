/**
 * verifyWorkloadOffline (SDK) and WorkloadVerifier.verifyWorkload (onchain) agree field by field on
 * the same simulated evidence, and the SDK refuses what the contract refuses.
 */
import { describe, it, expect, beforeAll } from "vitest";
import { toHex } from "viem";
import { workloadVerifierAbi } from "../../sdk/src/chain/abi/WorkloadVerifier.js";
import { verifyWorkloadOffline } from "../../sdk/src/chain/workload.js";
import { VerificationError } from "../../sdk/src/errors.js";
import { SALT } from "../contracts/fixture.js";
import { Cvm, deployCvmWorld, type CvmWorld } from "../../testkit/cvmWorld.js";

describe("the offline workload verdict equals the onchain one", () => {
  let w: CvmWorld;
  let cvm: Cvm;
  beforeAll(async () => {
    w = await deployCvmWorld({ seed: "offline" });
    cvm = await Cvm.create(w, "rsa", "offline-cvm");
  });

  it("same measurement hash, platformKey, AK hash, registers and PCRs", async () => {
    const r = await cvm.registration({ owner: w.wallets[5]!.account.address, deadline: (await w.now()) + 3600n });
    const offline = await verifyWorkloadOffline({
      quote: r.quote,
      collateral: w.tdx.collateral,
      rootCaDer: w.tdx.pki.root.der,
      tpm: r.tpm,
      bindingHash: r.digest,
      salt: SALT,
      now: Number(await w.now()),
    });
    const { result: onchain } = await w.pub.simulateContract({
      account: w.wallets[6]!.account,
      address: w.workload.address,
      abi: workloadVerifierAbi,
      functionName: "verifyWorkload",
      args: [r.tee, r.tpm, r.digest],
    });
    expect(offline.verdict).toBe("pass");
    expect(offline.measurementHash).toBe(onchain.measurementHash);
    expect(offline.measurementHash).toBe(cvm.expectedMeasurement());
    expect(offline.platformKey).toBe(onchain.platformKey);
    expect(offline.platformKey).toBe(w.hwKey);
    expect(offline.akKeyHash).toBe(onchain.akKeyHash);
    expect(offline.teeRegisters).toBe(onchain.teeRegisters);
    expect(offline.reportData).toBe(onchain.reportData);
    expect(offline.hardwareId).toBe(onchain.hardwareId);
    expect([offline.pcrHashAlg, offline.pcrMask, offline.pcrValues]).toEqual([onchain.pcrHashAlg, onchain.pcrMask, onchain.pcrValues]);
    expect(onchain.teeType).toBe(offline.teeType);
  });

  it("refuses evidence bound to another message, or a TPM quote from another AK", async () => {
    const r = await cvm.registration({ owner: w.wallets[5]!.account.address, deadline: (await w.now()) + 3600n });
    const base = { quote: r.quote, collateral: w.tdx.collateral, rootCaDer: w.tdx.pki.root.der, tpm: r.tpm, bindingHash: r.digest, salt: SALT, now: Number(await w.now()) };
    await expect(verifyWorkloadOffline({ ...base, bindingHash: toHex(new Uint8Array(32).fill(1)) })).rejects.toMatchObject({ check: "workload.reportData.binding" });
    const other = await Cvm.create(w, "ecdsa", "offline-other");
    await expect(verifyWorkloadOffline({ ...base, tpm: await other.tpmQuote(r.digest) })).rejects.toMatchObject({ check: "workload.reportData.ak" });
    await expect(verifyWorkloadOffline({ ...base, tpm: { ...r.tpm, pcrValues: "0x00" } })).rejects.toThrow(/pcrValues/);
    await expect(verifyWorkloadOffline({ ...base, tpm: await cvm.tpmQuote(toHex(new Uint8Array(32).fill(2))) })).rejects.toBeInstanceOf(VerificationError);
  });
});
