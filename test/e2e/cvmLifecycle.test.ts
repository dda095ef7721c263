/**
 * The CVM lifecycle end to end with simulated evidence on the real verifier code: a TDX quote
 * through DcapQuoteVerifier (pinned to the simulator's root) and an RSA vTPM quote, registered,
 * kept fresh, refreshed, rotated, revoked, with the hardware registry folded into validity and a
 * vault gated on the result. One chain, tests in order (each rule in its own `it`).
 */
import { describe, it, expect, beforeAll } from "vitest";
import { parseEventLogs, keccak256, stringToBytes, zeroAddress, parseEther, getAddress, type Hex } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { sha256 } from "@noble/hashes/sha2.js";
import { cvmRegistryAbi } from "../../sdk/src/chain/abi/CvmRegistry.js";
import { cvmVaultAbi } from "../../sdk/src/chain/abi/CvmVault.js";
import {
  readCvm,
  readCheckCvm,
  readMeasurementHistory,
  readVerifyCvmSignature,
  writeRegisterCvm,
  writeReattestCvm,
  writeRotateCvm,
  writeRevokeCvm,
  writeSetCvmTtls,
  signRotation,
  cvmRegistryCalls,
  workloadVerifierCalls,
  type WriteRegisterCvmParameters,
} from "../../sdk/src/chain/cvmRegistry.js";
import { registryCalls } from "../../sdk/src/chain/hardwareRegistry.js";
import { createSimulatedTpm, TPM_ALG_SHA256 } from "../../sdk/src/simulate/index.js";
import { ProposalClass } from "../contracts/fixture.js";
import { Cvm, deployCvmWorld, DAY, type CvmWorld } from "../../testkit/cvmWorld.js";
import { expectCvmRevert } from "../../testkit/cvmRevert.js";

type Reg = Awaited<ReturnType<Cvm["registration"]>>;

describe("CVM lifecycle on simulated TDX + vTPM evidence", () => {
  let w: CvmWorld;
  let cvm: Cvm;
  let owner: CvmWorld["wallets"][number];
  let relayer: CvmWorld["wallets"][number];
  const reg = (r: Reg, over: Partial<WriteRegisterCvmParameters> = {}) =>
    writeRegisterCvm(relayer, { registry: w.registry.address, ...r.args, tee: r.tee, tpm: r.tpm, identitySignature: r.identitySignature, ...over });
  const receipt = async (hash: Promise<Hex>) => {
    const r = await w.pub.waitForTransactionReceipt({ hash: await hash });
    expect(r.status).toBe("success");
    return r;
  };
  const state = (identity = cvm.address) => readCvm(w.pub, { registry: w.registry.address, identity });
  const deadline = async () => (await w.now()) + 3600n;

  beforeAll(async () => {
    w = await deployCvmWorld();
    cvm = await Cvm.create(w, "rsa");
    owner = w.wallets[5]!;
    relayer = w.wallets[6]!;
  });

  describe("registration", () => {
    it("is refused while the hardware is not in the registry (unregistered PPID)", async () => {
      const r = await cvm.registration({ owner: owner.account.address, deadline: await deadline() });
      const [key, level, required] = await expectCvmRevert(reg(r), "HardwareNotVerified");
      expect([key, level, required]).toEqual([w.hwKey, 0, 1]);
      await w.registerHardware();
    });

    it("is refused after its deadline", async () => {
      const r = await cvm.registration({ owner: owner.account.address, deadline: (await w.now()) - 1n });
      await expectCvmRevert(reg(r), "DeadlineExpired");
    });

    it("is refused when the report data commits to another registration (another owner)", async () => {
      const r = await cvm.registration({ owner: owner.account.address, deadline: await deadline() });
      const other = await cvm.registration({ owner: relayer.account.address, deadline: r.args.deadline });
      // the identity signs the registration for `owner`, but the quote was made for another owner
      await expectCvmRevert(reg({ ...r, tee: other.tee, tpm: other.tpm }), "ReportDataMismatch");
    });

    it("is refused without the identity key's signature", async () => {
      const r = await cvm.registration({ owner: owner.account.address, deadline: await deadline() });
      const stranger = privateKeyToAccount(generatePrivateKey());
      const sig = await stranger.signTypedData({
        domain: { name: "Proof of Cloud CVM Registry", version: "1", chainId: 31337, verifyingContract: w.registry.address },
        types: { Registration: [{ name: "identity", type: "address" }, { name: "owner", type: "address" }, { name: "nonce", type: "uint256" }, { name: "deadline", type: "uint256" }] },
        primaryType: "Registration",
        message: r.args,
      });
      await expectCvmRevert(reg(r, { identitySignature: sig }), "InvalidIdentitySignature");
    });

    it("is refused when the TPM quote's AK is not the one in the report data", async () => {
      const r = await cvm.registration({ owner: owner.account.address, deadline: await deadline() });
      const otherTpm = new Cvm(w, await createSimulatedTpm({ seed: "other tpm", akType: "ecdsa" }));
      await expectCvmRevert(reg({ ...r, tpm: await otherTpm.tpmQuote(r.digest) }), "ReportDataMismatch");
    });

    it("registers: identity, owner, hardware key, the measurement computed offchain, AK binding", async () => {
      const r = await cvm.registration({ owner: owner.account.address, deadline: await deadline() });
      const rc = await receipt(reg(r));
      const [ev] = parseEventLogs({ abi: cvmRegistryAbi, logs: rc.logs, eventName: "CvmRegistered" });
      expect(ev!.args).toMatchObject({ identity: cvm.address, owner: getAddress(owner.account.address), platformKey: w.hwKey, nonce: 0 });
      expect(ev!.args.measurementHash).toBe(cvm.expectedMeasurement());
      expect(ev!.args.teeRegistersHash).toBe(cvm.teeRegistersHash());
      expect(ev!.args.akKeyHash).toBe(`0x${Buffer.from(sha256(cvm.tpm.akPublic)).toString("hex")}`);
      const v = await state();
      expect(v).toMatchObject({ statusName: "active", owner: getAddress(owner.account.address), nonce: 1, platformKey: w.hwKey, hardwareLevel: 2, valid: true, teeType: 1, tcbStatus: 0, measurementCount: 1 });
      expect(v.measurementHash).toBe(cvm.expectedMeasurement());
      expect(await readMeasurementHistory(w.pub, { registry: w.registry.address, identity: cvm.address })).toEqual([cvm.expectedMeasurement()]);
    });

    it("a used registration does not work twice (nonce consumed): same bytes, or a fresh signature on the old quote", async () => {
      const r = await cvm.registration({ owner: owner.account.address, deadline: await deadline(), nonce: 0n });
      await expectCvmRevert(reg(r), "InvalidIdentitySignature");
      const fresh = await cvm.registration({ owner: owner.account.address, deadline: r.args.deadline, nonce: 1n });
      await expectCvmRevert(reg({ ...fresh, tee: r.tee, tpm: r.tpm }), "ReportDataMismatch");
    });

    it("a registration made for another registry is refused here", async () => {
      const other = await w.viem.deployContract("CvmRegistry", [w.alliance.address, w.hardware.address, w.workload.address, 30 * DAY, DAY, 1]);
      const forOther = await cvm.registration({ owner: owner.account.address, deadline: await deadline(), target: { chainId: 31337, registry: other.address } });
      await expectCvmRevert(reg(forOther), "InvalidIdentitySignature");
      const mine = await cvm.registration({ owner: owner.account.address, deadline: forOther.args.deadline });
      await expectCvmRevert(reg({ ...mine, tee: forOther.tee, tpm: forOther.tpm }), "ReportDataMismatch");
    });

    it("a registration made for another chain is refused here", async () => {
      const forOther = await cvm.registration({ owner: owner.account.address, deadline: await deadline(), target: { chainId: 1, registry: w.registry.address } });
      await expectCvmRevert(reg(forOther), "InvalidIdentitySignature");
      const mine = await cvm.registration({ owner: owner.account.address, deadline: forOther.args.deadline });
      await expectCvmRevert(reg({ ...mine, tee: forOther.tee, tpm: forOther.tpm }), "ReportDataMismatch");
    });
  });

  describe("signatures and gating", () => {
    it("verifyCvmSignature: true for the identity's signature, false for anyone else's", async () => {
      const digest = keccak256(stringToBytes("withdraw 1 ETH"));
      const good = await cvm.identity.sign({ hash: digest });
      const bad = await privateKeyToAccount(generatePrivateKey()).sign({ hash: digest });
      expect(await readVerifyCvmSignature(w.pub, { registry: w.registry.address, identity: cvm.address, digest, signature: good })).toBe(true);
      expect(await readVerifyCvmSignature(w.pub, { registry: w.registry.address, identity: cvm.address, digest, signature: bad })).toBe(false);
    });

    it("a policy held in memory (from immutables) gates the same way", async () => {
      const probe = await w.viem.deployContract("CvmGateProbe", [w.registry.address, cvm.expectedMeasurement(), 2, 3600n, 0]);
      expect(Number(await probe.read.measureImmutable([cvm.address]))).toBeGreaterThan(0);
      await expectCvmRevert(probe.read.measureImmutable([privateKeyToAccount(generatePrivateKey()).address]), "CvmNotValid");
      const strict = await w.viem.deployContract("CvmGateProbe", [w.registry.address, cvm.expectedMeasurement(), 3, 3600n, 0]);
      await expectCvmRevert(strict.read.measureImmutable([cvm.address]), "HardwareLevelTooLow");
      const other = await w.viem.deployContract("CvmGateProbe", [w.registry.address, keccak256(stringToBytes("other build")), 1, 0n, 0]);
      await expectCvmRevert(other.read.measureImmutable([cvm.address]), "MeasurementNotAllowed");
    });

    it("a vault releases funds on a request signed inside the CVM, only for allowed measurements", async () => {
      const vault = await w.viem.deployContract("CvmVault", [w.registry.address, owner.account.address, [cvm.expectedMeasurement()], 2, 2 * DAY]);
      await receipt(owner.sendTransaction({ to: vault.address, value: parseEther("2") }));
      const to = privateKeyToAccount(generatePrivateKey()).address;
      const dl = await deadline();
      const digest = (await vault.read.hashRelease([to, parseEther("1"), 7n, dl])) as Hex;
      const signature = await cvm.identity.sign({ hash: digest });
      await receipt(vault.write.release([cvm.address, to, parseEther("1"), 7n, dl, signature], { account: relayer.account }));
      expect(await w.pub.getBalance({ address: to })).toBe(parseEther("1"));
      await expectCvmRevert(vault.write.release([cvm.address, to, parseEther("1"), 7n, dl, signature], { account: relayer.account }), "NonceUsed");
      const forged = await privateKeyToAccount(generatePrivateKey()).sign({ hash: (await vault.read.hashRelease([to, 1n, 8n, dl])) as Hex });
      await expectCvmRevert(vault.write.release([cvm.address, to, 1n, 8n, dl, forged], { account: relayer.account }), "CvmSignatureInvalid");
      await receipt(vault.write.setRule([cvm.expectedMeasurement(), 0, 0n, 0], { account: owner.account }));
      const sig9 = await cvm.identity.sign({ hash: (await vault.read.hashRelease([to, 1n, 9n, dl])) as Hex });
      await expectCvmRevert(vault.write.release([cvm.address, to, 1n, 9n, dl, sig9], { account: relayer.account }), "MeasurementNotAllowed");
      await receipt(vault.write.setRule([cvm.expectedMeasurement(), 3, BigInt(2 * DAY), 0], { account: owner.account }));
      await expectCvmRevert(vault.write.release([cvm.address, to, 1n, 9n, dl, sig9], { account: relayer.account }), "HardwareLevelTooLow");
      await receipt(vault.write.setRule([cvm.expectedMeasurement(), 2, 60n, 0], { account: owner.account }));
      await w.time.increase(120);
      await expectCvmRevert(vault.write.release([cvm.address, to, 1n, 9n, dl, sig9], { account: relayer.account }), "EvidenceTooOld");
      // the CVM sending its own transaction: onlyAttestedCvm on msg.sender
      await receipt(vault.write.setRule([cvm.expectedMeasurement(), 2, 0n, 0], { account: owner.account }));
      const self = await w.cvmWallet(cvm);
      await receipt(self.writeContract({ address: vault.address, abi: cvmVaultAbi, functionName: "withdraw", args: [1n], chain: null }));
      await expectCvmRevert(
        relayer.writeContract({ address: vault.address, abi: cvmVaultAbi, functionName: "withdraw", args: [1n], chain: null }),
        "CvmNotValid",
      );
    });
  });

  describe("freshness", () => {
    it("re-attestation by TPM quote refreshes the TPM side and consumes the nonce", async () => {
      const before = await state();
      await w.time.increase(600);
      const r = await cvm.reattestation();
      const rc = await receipt(writeReattestCvm(relayer, { registry: w.registry.address, identity: cvm.address, tpm: r.tpm, teeRegistersHash: r.teeRegistersHash }));
      const [ev] = parseEventLogs({ abi: cvmRegistryAbi, logs: rc.logs, eventName: "CvmReattested" });
      expect(ev!.args).toMatchObject({ identity: cvm.address, nonce: before.nonce });
      const after = await state();
      expect(after.nonce).toBe(before.nonce + 1);
      expect(after.tpmAttestedAt).toBeGreaterThan(before.tpmAttestedAt);
      expect(after.teeAttestedAt).toBe(before.teeAttestedAt);
      // replaying the same quote: its qualifying data holds the old nonce
      await expectCvmRevert(writeReattestCvm(relayer, { registry: w.registry.address, identity: cvm.address, tpm: r.tpm, teeRegistersHash: r.teeRegistersHash }), "TpmQualifyingDataMismatch");
    });

    it("re-attestation is refused from another AK, or when the PCRs no longer give the measurement", async () => {
      const r = await cvm.reattestation();
      const impostor = new Cvm(w, await createSimulatedTpm({ seed: "impostor", akType: "rsa", label: "impostor" }));
      const fake = await impostor.tpmQuote(r.digest);
      await expectCvmRevert(writeReattestCvm(relayer, { registry: w.registry.address, identity: cvm.address, tpm: fake, teeRegistersHash: r.teeRegistersHash }), "AkMismatch");
      await expectCvmRevert(
        writeReattestCvm(relayer, { registry: w.registry.address, identity: cvm.address, tpm: r.tpm, teeRegistersHash: keccak256(stringToBytes("other registers")) }),
        "MeasurementMismatch",
      );
      const tampered = Cvm.boot(await createSimulatedTpm({ seed: "cvm-0", akType: "rsa", label: "cvm-0" }));
      const same = new Cvm(w, tampered);
      tampered.extendPcr(TPM_ALG_SHA256, 9, sha256(stringToBytes("rootkit")));
      await expectCvmRevert(
        writeReattestCvm(relayer, { registry: w.registry.address, identity: cvm.address, tpm: await same.tpmQuote(r.digest), teeRegistersHash: r.teeRegistersHash }),
        "MeasurementMismatch",
      );
    });

    it("TPM TTL: invalid once the last TPM quote is older than the TTL, valid again after re-attesting", async () => {
      expect((await state()).valid).toBe(true);
      await w.time.increase(DAY + 1);
      expect((await state()).valid).toBe(false);
      const r = await cvm.reattestation();
      await receipt(writeReattestCvm(relayer, { registry: w.registry.address, identity: cvm.address, tpm: r.tpm, teeRegistersHash: r.teeRegistersHash }));
      expect((await state()).valid).toBe(true);
    });

    it("TEE TTL: the owner shortens it within the bounds; past it the CVM is invalid whatever the TPM says", async () => {
      await expectCvmRevert(writeSetCvmTtls(relayer, { registry: w.registry.address, identity: cvm.address, teeTtl: 2 * DAY, tpmTtl: DAY }), "NotOwner");
      await expectCvmRevert(writeSetCvmTtls(owner, { registry: w.registry.address, identity: cvm.address, teeTtl: 31 * DAY, tpmTtl: DAY }), "InvalidTtl");
      await receipt(writeSetCvmTtls(owner, { registry: w.registry.address, identity: cvm.address, teeTtl: 2 * DAY, tpmTtl: DAY }));
      expect((await state()).teeTtl).toBe(2 * DAY);
      await w.time.increase(DAY);
      const r = await cvm.reattestation();
      await receipt(writeReattestCvm(relayer, { registry: w.registry.address, identity: cvm.address, tpm: r.tpm, teeRegistersHash: r.teeRegistersHash }));
      expect((await state()).valid).toBe(false);
    });

    it("new TEE evidence refreshes the TEE side; a new measurement joins the history", async () => {
      const upgraded = new Cvm(w, cvm.tpm, undefined, new Uint8Array(48).fill(0x12));
      upgraded.identity = cvm.identity;
      const r = await upgraded.registration({ owner: owner.account.address, deadline: await deadline() });
      const rc = await receipt(reg(r));
      const [ev] = parseEventLogs({ abi: cvmRegistryAbi, logs: rc.logs, eventName: "CvmTeeRefreshed" });
      expect(ev!.args.measurementHash).toBe(upgraded.expectedMeasurement());
      const v = await state();
      expect(v).toMatchObject({ valid: true, measurementCount: 2, measurementHash: upgraded.expectedMeasurement() });
      expect(await readMeasurementHistory(w.pub, { registry: w.registry.address, identity: cvm.address })).toEqual([cvm.expectedMeasurement(), upgraded.expectedMeasurement()]);
      // a refresh cannot change the owner
      const steal = await upgraded.registration({ owner: relayer.account.address, deadline: await deadline() });
      await expectCvmRevert(reg(steal), "OwnerMismatch");
      cvm = upgraded;
    });

    it("the Alliance's TTL bounds: a lowered TPM bound applies from the identity's next re-attestation", async () => {
      const reattest = async () => {
        const r = await cvm.reattestation();
        await receipt(writeReattestCvm(relayer, { registry: w.registry.address, identity: cvm.address, tpm: r.tpm, teeRegistersHash: r.teeRegistersHash }));
      };
      expect((await state()).tpmTtl).toBe(DAY);
      await w.govern([cvmRegistryCalls.setTtlBounds(w.registry.address, 30 * DAY, 3600)], ProposalClass.SecurityCritical);
      expect((await state()).tpmTtl).toBe(DAY);
      await reattest();
      expect(await state()).toMatchObject({ tpmTtl: 3600, valid: true });
      await w.time.increase(3601);
      expect((await state()).valid).toBe(false);
      await w.govern([cvmRegistryCalls.setTtlBounds(w.registry.address, 30 * DAY, DAY)], ProposalClass.SecurityCritical);
      // a raised bound is not taken up by a re-attestation (one slot read), but by setTtls or new TEE evidence
      await reattest();
      expect(await state()).toMatchObject({ tpmTtl: 3600, valid: true });
      await receipt(writeSetCvmTtls(owner, { registry: w.registry.address, identity: cvm.address, teeTtl: 2 * DAY, tpmTtl: 0 }));
      expect(await state()).toMatchObject({ tpmTtl: DAY, teeTtl: 2 * DAY, valid: true });
      // bounds are stored in 24 bits (~194 days): larger ones are refused
      await expectCvmRevert(w.govern([cvmRegistryCalls.setTtlBounds(w.registry.address, 2 ** 24, DAY)], ProposalClass.SecurityCritical), "InvalidTtl");
    });
  });

  describe("hardware folded into validity", () => {
    it("a frozen platform makes the CVM invalid; unfreezing restores it", async () => {
      const reason = keccak256(stringToBytes("investigation"));
      await w.govern([registryCalls.freeze(w.hardware.address, [w.hwKey], reason)], ProposalClass.EmergencyFreeze);
      expect(await readCheckCvm(w.pub, { registry: w.registry.address, identity: cvm.address })).toMatchObject({ valid: false, hardwareLevel: 0 });
      await w.govern([registryCalls.unfreeze(w.hardware.address, [w.hwKey], reason)], ProposalClass.Ordinary);
      expect((await state()).valid).toBe(true);
    });

    it("a registry-wide level above the platform's (security-critical) applies at the identity's next attestation", async () => {
      const reattest = async () => {
        const r = await cvm.reattestation();
        await receipt(writeReattestCvm(relayer, { registry: w.registry.address, identity: cvm.address, tpm: r.tpm, teeRegistersHash: r.teeRegistersHash }));
      };
      await w.govern([cvmRegistryCalls.setMinHardwareLevel(w.registry.address, 3)], ProposalClass.SecurityCritical);
      // a check reads the identity's own slot, not the registry's parameters: the level in force is the one it attested under
      expect((await state()).valid).toBe(true);
      await reattest();
      expect((await state()).valid).toBe(false);
      await w.govern([cvmRegistryCalls.setMinHardwareLevel(w.registry.address, 1)], ProposalClass.SecurityCritical);
      expect((await state()).valid).toBe(false);
      await reattest();
      expect((await state()).valid).toBe(true);
    });
  });

  describe("rotation", () => {
    it("is refused with a stale nonce or without the old key's signature", async () => {
      const stale = await cvm.rotation(generatePrivateKey(), { nonce: 0n });
      await expectCvmRevert(
        writeRotateCvm(relayer, { registry: w.registry.address, identity: cvm.address, newIdentity: stale.newIdentity, oldKeySignature: stale.oldKeySignature, newKeySignature: stale.newKeySignature, tpm: stale.tpm, teeRegistersHash: stale.teeRegistersHash }),
        "InvalidIdentitySignature",
      );
      const r = await cvm.rotation(generatePrivateKey());
      const notOld = await stale.next.signTypedData({
        domain: { name: "Proof of Cloud CVM Registry", version: "1", chainId: 31337, verifyingContract: w.registry.address },
        types: { Rotation: [{ name: "identity", type: "address" }, { name: "newIdentity", type: "address" }, { name: "nonce", type: "uint256" }] },
        primaryType: "Rotation",
        message: { identity: cvm.address, newIdentity: r.newIdentity, nonce: r.nonce },
      });
      await expectCvmRevert(
        writeRotateCvm(relayer, { registry: w.registry.address, identity: cvm.address, newIdentity: r.newIdentity, oldKeySignature: notOld, newKeySignature: r.newKeySignature, tpm: r.tpm, teeRegistersHash: r.teeRegistersHash }),
        "InvalidIdentitySignature",
      );
      // the TPM quote must name the new identity: a plain re-attestation quote does not rotate
      const plain = await cvm.reattestation({ nonce: r.nonce });
      await expectCvmRevert(
        writeRotateCvm(relayer, { registry: w.registry.address, identity: cvm.address, newIdentity: r.newIdentity, oldKeySignature: r.oldKeySignature, newKeySignature: r.newKeySignature, tpm: plain.tpm, teeRegistersHash: r.teeRegistersHash }),
        "TpmQualifyingDataMismatch",
      );
    });

    it("is refused unless the new key signs too: a target whose key the caller does not hold, or the old key's signature in its place", async () => {
      const rotate = (r: Awaited<ReturnType<Cvm["rotation"]>>, newKeySignature: Hex) =>
        writeRotateCvm(relayer, { registry: w.registry.address, identity: cvm.address, newIdentity: r.newIdentity, oldKeySignature: r.oldKeySignature, newKeySignature, tpm: r.tpm, teeRegistersHash: r.teeRegistersHash });
      // The CVM (old key, TPM) hands its registration to someone else's address: it cannot sign as that key.
      const victim = await cvm.rotation(generatePrivateKey());
      const byStranger = await signRotation(privateKeyToAccount(generatePrivateKey()), w.target, { identity: cvm.address, newIdentity: victim.newIdentity, nonce: victim.nonce });
      const [named] = await expectCvmRevert(rotate(victim, byStranger), "InvalidNewIdentitySignature");
      expect(named).toBe(victim.newIdentity);
      await expectCvmRevert(rotate(victim, victim.oldKeySignature), "InvalidNewIdentitySignature");
      await expectCvmRevert(rotate(victim, "0x"), "InvalidNewIdentitySignature");
      expect((await state()).statusName).toBe("active");
    });

    it("moves the registration to the new key: CvmIdentityRotated, the old identity is retired", async () => {
      const key = generatePrivateKey();
      const r = await cvm.rotation(key);
      const rc = await receipt(
        writeRotateCvm(relayer, { registry: w.registry.address, identity: cvm.address, newIdentity: r.newIdentity, oldKeySignature: r.oldKeySignature, newKeySignature: r.newKeySignature, tpm: r.tpm, teeRegistersHash: r.teeRegistersHash }),
      );
      const [ev] = parseEventLogs({ abi: cvmRegistryAbi, logs: rc.logs, eventName: "CvmIdentityRotated" });
      expect(ev!.args).toMatchObject({ identity: cvm.address, newIdentity: r.newIdentity });
      expect(parseEventLogs({ abi: cvmRegistryAbi, logs: rc.logs, eventName: "CvmReattested" })).toHaveLength(0);
      const old = await state();
      expect(old).toMatchObject({ statusName: "rotated", rotatedTo: r.newIdentity, valid: false });
      const next = await state(r.newIdentity);
      expect(next).toMatchObject({ statusName: "active", valid: true, owner: old.owner, platformKey: old.platformKey, akKeyHash: old.akKeyHash, measurementHash: cvm.expectedMeasurement() });
      const again = await cvm.reattestation();
      await expectCvmRevert(writeReattestCvm(relayer, { registry: w.registry.address, identity: cvm.address, tpm: again.tpm, teeRegistersHash: again.teeRegistersHash }), "IdentityRotated");
      const rotated = new Cvm(w, cvm.tpm, key, cvm.mrTd);
      cvm = rotated;
      const rr = await cvm.reattestation();
      await receipt(writeReattestCvm(relayer, { registry: w.registry.address, identity: cvm.address, tpm: rr.tpm, teeRegistersHash: rr.teeRegistersHash }));
    });
  });

  describe("revocation and governance", () => {
    it("only the owner or a security-critical Alliance proposal revokes", async () => {
      await expectCvmRevert(writeRevokeCvm(relayer, { registry: w.registry.address, identity: cvm.address, reasonHash: keccak256(stringToBytes("x")) }), "NotOwnerOrAlliance");
      // an ordinary proposal cannot: the Alliance passes on the callee's error
      await expectCvmRevert(w.govern([cvmRegistryCalls.revoke(w.registry.address, cvm.address, keccak256(stringToBytes("x")))], ProposalClass.Ordinary), "ClassTooWeak");
      await expectCvmRevert(w.govern([workloadVerifierCalls.setQuoteVerifier(w.workload.address, relayer.account.address)], ProposalClass.Ordinary), "ClassTooWeak");
      await expectCvmRevert(w.govern([cvmRegistryCalls.setTtlBounds(w.registry.address, 365 * DAY, DAY)], ProposalClass.Ordinary), "ClassTooWeak");
      await expectCvmRevert(w.workload.write.setQuoteVerifier([relayer.account.address], { account: owner.account }), "NotAlliance");
      await expectCvmRevert(w.registry.write.setWorkloadVerifier([relayer.account.address], { account: owner.account }), "NotAlliance");
    });

    it("the owner revokes; a revoked identity is invalid and cannot come back", async () => {
      const rc = await receipt(writeRevokeCvm(owner, { registry: w.registry.address, identity: cvm.address, reasonHash: keccak256(stringToBytes("decommissioned")) }));
      expect(parseEventLogs({ abi: cvmRegistryAbi, logs: rc.logs, eventName: "CvmRevoked" })[0]!.args).toMatchObject({ identity: cvm.address, by: getAddress(owner.account.address) });
      expect(await state()).toMatchObject({ statusName: "revoked", valid: false });
      const r = await cvm.registration({ owner: owner.account.address, deadline: await deadline() });
      await expectCvmRevert(reg(r), "IdentityRevoked");
      const rr = await cvm.reattestation();
      await expectCvmRevert(writeReattestCvm(relayer, { registry: w.registry.address, identity: cvm.address, tpm: rr.tpm, teeRegistersHash: rr.teeRegistersHash }), "IdentityRevoked");
    });

    it("the Alliance revokes another CVM by a security-critical vote; a revoked platform invalidates the rest", async () => {
      const second = await Cvm.create(w, "ecdsa", "cvm-2");
      const r = await second.registration({ owner: owner.account.address, deadline: await deadline() });
      await receipt(reg(r));
      expect((await state(second.address)).valid).toBe(true);
      const third = await Cvm.create(w, "ecdsa", "cvm-3");
      await receipt(reg(await third.registration({ owner: owner.account.address, deadline: await deadline() })));
      const rc = await w.govern([cvmRegistryCalls.revoke(w.registry.address, second.address, keccak256(stringToBytes("compromised")))], ProposalClass.SecurityCritical);
      expect(parseEventLogs({ abi: cvmRegistryAbi, logs: rc.logs, eventName: "CvmRevoked" })[0]!.args).toMatchObject({ identity: second.address, by: getAddress(w.alliance.address) });
      expect((await state(second.address)).statusName).toBe("revoked");
      expect((await state(third.address)).valid).toBe(true);
      await w.govern([registryCalls.revoke(w.hardware.address, [w.hwKey], keccak256(stringToBytes("facility breach")))], ProposalClass.SecurityCritical);
      expect(await state(third.address)).toMatchObject({ statusName: "active", valid: false, hardwareLevel: 0 });
      await expectCvmRevert(reg(await third.registration({ owner: owner.account.address, deadline: await deadline() })), "HardwareNotVerified");
    });
  });
});
