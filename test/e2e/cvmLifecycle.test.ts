/**
 * The CVM lifecycle end to end with simulated evidence on the real verifier code: register (TDX
 * quote via DcapQuoteVerifier + RSA TPM quote), validity with the hardware folded in, TPM
 * re-attestation, TEE refresh, rotation, revocation, gating a vault.
 */
import { describe, it, expect, beforeAll } from "vitest";
import { parseEventLogs, keccak256, stringToBytes, zeroAddress, parseEther } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { cvmRegistryAbi } from "../../sdk/src/chain/abi/CvmRegistry.js";
import {
  readCvm,
  readCheckCvm,
  readMeasurementHistory,
  readVerifyCvmSignature,
  writeRegisterCvm,
  writeReattestCvm,
  writeRotateCvm,
  writeRevokeCvm,
} from "../../sdk/src/chain/cvmRegistry.js";
import { Cvm, deployCvmWorld, DAY, type CvmWorld } from "./cvmWorld.js";
import { expectRevert } from "../contracts/fixture.js";

describe("CVM lifecycle on simulated TDX + vTPM evidence", () => {
  let w: CvmWorld;
  let cvm: Cvm;
  let owner: CvmWorld["wallets"][number];
  beforeAll(async () => {
    w = await deployCvmWorld();
    await w.registerHardware();
    cvm = await Cvm.create(w, "rsa");
    owner = w.wallets[5]!;
  });

  it("registers: the registry records the identity, the measurement computed offchain, the hardware key", async () => {
    const deadline = (await w.now()) + 3600n;
    const r = await cvm.registration({ owner: owner.account.address, deadline });
    const hash = await writeRegisterCvm(w.wallets[6]!, { registry: w.registry.address, ...r.args, tee: r.tee, tpm: r.tpm, identitySignature: r.identitySignature });
    const receipt = await w.pub.waitForTransactionReceipt({ hash });
    expect(receipt.status).toBe("success");
    const [ev] = parseEventLogs({ abi: cvmRegistryAbi, logs: receipt.logs, eventName: "CvmRegistered" });
    expect(ev!.args.identity).toBe(cvm.address);
    expect(ev!.args.measurementHash).toBe(cvm.expectedMeasurement());
    expect(ev!.args.teeRegistersHash).toBe(cvm.teeRegistersHash());
    const v = await readCvm(w.pub, { registry: w.registry.address, identity: cvm.address });
    expect(v).toMatchObject({ statusName: "active", owner: owner.account.address, nonce: 1, platformKey: w.hwKey, hardwareLevel: 2, valid: true, teeType: 1, tcbStatus: 0 });
    expect(v.measurementHash).toBe(cvm.expectedMeasurement());
    expect(await readMeasurementHistory(w.pub, { registry: w.registry.address, identity: cvm.address })).toEqual([cvm.expectedMeasurement()]);
  });
});
