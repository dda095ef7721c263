/**
 * Levels 2 and 3 as mechanisms (docs/hardware-registry.md#verification-methods): the GCE method
 * enrols a simulated GCE machine with no vote, keeps it at level 3 through re-attestations (its own,
 * and the CvmRegistry's once that registry is a method too), and every refusal is a typed error.
 * The evidence is the simulator's (TDX quote from a simulated QE, software TPM, simulated Google vTPM
 * CA); the contracts are the deployed ones, the same code real evidence would go through.
 */
import { beforeAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import { decodeContractRevert } from "../../sdk/src/chain/revert.js";
import { parseEventLogs, type Hex } from "viem";
import { writeGceEnrol, writeGceReattest, gceMethodCalls, gceEnrolSubject as gceEnrolSubjectOf } from "../../sdk/src/chain/gceMethod.js";
import { methodRegistryCalls, MethodActionKind, readMethod } from "../../sdk/src/chain/methodRegistry.js";
import { readChallenge, readEntryRecord, readHardwareEntry, registryCalls, writeChallenge, getLogLeaves } from "../../sdk/src/chain/hardwareRegistry.js";
import { writeReattestCvm, writeRegisterCvm } from "../../sdk/src/chain/cvmRegistry.js";
import { hardwareRegistryAbi } from "../../sdk/src/chain/abi/HardwareRegistry.js";
import { parseGceInstanceInfo } from "../../sdk/src/tpm/gceInstanceInfo.js";
import { createSimulatedGceCa } from "../../sdk/src/simulate/index.js";
import { deployGceWorld, GceMachine, GCE_ZONE, reasonHash, type GceWorld } from "../../testkit/gceWorld.js";
import { expectMethodRevert } from "../../testkit/gceRevert.js";
import { Cvm, FACILITY } from "../../testkit/cvmWorld.js";
import { facility } from "../../testkit/registryEntries.js";
import { ProposalClass } from "../../testkit/proposals.js";
import { gceQuoteArgs, loadGceAttestation, TPM_FIXTURES } from "../../testkit/tpmFixtures.js";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { encodeFunctionData, keccak256, stringToBytes, toHex } from "viem";
import { sha256 } from "@noble/hashes/sha2.js";
import { tpmAkCertificateVerifierAbi } from "../../sdk/src/chain/abi/TpmAkCertificateVerifier.js";
import { buildGceEnrolment } from "../../sdk/src/chain/gceMethod.js";
import { dcapEvidence, EvidenceRoute, tpmEvidence, workloadReportData, zkEvidence, ZkVm } from "../../sdk/src/chain/workload.js";
import { devRiscZeroSeal, encodeSnpJournal } from "../../sdk/src/zk/journal.js";
import { zkAttestationVerifierAbi } from "../../sdk/src/chain/abi/ZkAttestationVerifier.js";
import { addressOf } from "../../sdk/src/chain/addressBook.js";
import { platformKey } from "../../sdk/src/vocabulary/platformKey.js";
import { SALT } from "../../testkit/proposals.js";

const HOUR = 3600;

describe("the GCE verification method", () => {
  let w: GceWorld;
  let machine: GceMachine;
  let relayer: GceWorld["wallets"][number];
  let key: Hex;

  const ok = async (hash: Promise<Hex>) => {
    const r = await w.pub.waitForTransactionReceipt({ hash: await hash });
    expect(r.status).toBe("success");
    return r;
  };
  const enrol = (e: Awaited<ReturnType<GceMachine["enrolment"]>>) => writeGceEnrol(relayer, { gceMethod: w.gce.address, evidence: e.evidence, claim: e.claim });
  const methodLeaves = async () =>
    (await getLogLeaves(w.pub, { registry: w.hardware.address })).map((l) => l.decoded).filter((l) => l.leafType === 9);

  beforeAll(async () => {
    w = await deployGceWorld({ seed: "gce e2e" });
    relayer = w.wallets[6]!;
    machine = await GceMachine.create(w, { label: "gce-e2e" });
  }, 180_000);

  it("the simulated AK certificate names what the machine claims (the SDK's parser)", () => {
    const info = parseGceInstanceInfo(machine.akChain[0]!);
    expect(info.zone).toBe(GCE_ZONE);
    expect(info.instanceId).toBe(machine.instance.instanceId);
    expect(info.projectId).toBe(machine.instance.projectId);
  });

  it("registering, suspending and removing a method take the classes the table gives", async () => {
    // Ordinary cannot register (security-critical); the freeze class cannot remove.
    await expect(w.govern([methodRegistryCalls.registerMethod(w.methods.address, w.gce.address, 3, [FACILITY.facilityId])], ProposalClass.Ordinary)).rejects.toThrow();
    await expect(w.govern([methodRegistryCalls.removeMethod(w.methods.address, w.gce.address, reasonHash("x"))], ProposalClass.EmergencyFreeze)).rejects.toThrow();
    const m = await readMethod(w.pub, { methodRegistry: w.methods.address, method: w.gce.address });
    expect(m).toMatchObject({ status: 1, maxLevel: 3, facilities: [FACILITY.facilityId] });
    // Only the MethodRegistry writes method actions; only a registered method enrols.
    await expectMethodRevert(w.hardware.write.methodAction([{ action: 1, method: relayer.account.address, platformKey: w.hwKey, evidenceHash: w.hwKey, facilityId: FACILITY.facilityId, kind: 1, level: 3, cadence: 60 }], { account: relayer.account }), "NotMethodRegistry");
    await expectMethodRevert(w.methods.write.enrol([w.hwKey, 1, FACILITY.facilityId, 3, 60, w.hwKey], { account: relayer.account }), "UnknownMethod");
  });

  it("enrols the machine at level 3 with no vote; the leaf names the method and the evidence hash", async () => {
    const e = await machine.enrolment({ level: 3, cadence: HOUR });
    const r = await ok(enrol(e));
    const [logged] = parseEventLogs({ abi: hardwareRegistryAbi, logs: r.logs, eventName: "MethodActionLogged" });
    key = logged!.args.platformKey;
    expect(key).toBe(w.hwKey);
    expect(logged!.args).toMatchObject({ method: w.gce.address, action: MethodActionKind.Enrolled, evidenceHash: e.evidenceHash });
    const entry = await readEntryRecord(w.pub, { registry: w.hardware.address, platformKey: key });
    expect(entry).toMatchObject({ exists: true, level: 3, effectiveLevel: 3, facilityId: FACILITY.facilityId, cadence: HOUR });
    expect(entry.record).toMatchObject({ method: `method:${w.gce.address}`, evidenceHash: e.evidenceHash, endorsers: [] });
    const leaves = await methodLeaves();
    const last = leaves.at(-1)!;
    expect(last.leafType === 9 && last.payload).toMatchObject({ action: 1, method: w.gce.address, evidenceHash: e.evidenceHash, facilityId: FACILITY.facilityId, hardwareKind: 1, methodLevel: 3, cadence: HOUR });
    // The registration vote is a leaf too.
    expect(leaves.some((l) => l.leafType === 9 && l.payload.action === MethodActionKind.Registered && l.payload.method === w.gce.address)).toBe(true);
    expect(await w.gce.read.enrolledAk([key])).not.toBe(`0x${"0".repeat(64)}`);
  });

  it("replayed evidence is refused, in its window (EvidenceReplayed) and after it (StaleAnchor)", async () => {
    const e = await machine.enrolment({ level: 3, cadence: HOUR });
    await ok(enrol(e));
    await expectMethodRevert(enrol(e), "EvidenceReplayed");
    await w.conn.networkHelpers.mine(65);
    await expectMethodRevert(enrol(e), "StaleAnchor");
    // An anchor from the future (or the current block, whose hash nobody knows yet) too.
    const future = await machine.enrolment({ level: 3, cadence: HOUR, anchor: { anchorBlock: (await w.pub.getBlockNumber()) + 5n, anchorBlockHash: `0x${"0".repeat(64)}` } });
    await expectMethodRevert(enrol(future), "StaleAnchor");
  });

  it("evidence bound to another level or cadence than claimed does not verify (the binding covers the claim)", async () => {
    const e = await machine.enrolment({ level: 3, cadence: HOUR });
    await expectMethodRevert(writeGceEnrol(relayer, { gceMethod: w.gce.address, evidence: e.evidence, claim: { ...e.claim, level: 2 } }), "ReportDataMismatch");
  });

  it("stays at level 3 through re-attestations and decays to level 2 when they stop", async () => {
    await w.time.increase(HOUR + 1);
    const before = await readHardwareEntry(w.pub, { registry: w.hardware.address, platformKey: key });
    const r = await machine.reattestation(key);
    const receipt = await ok(writeGceReattest(relayer, { gceMethod: w.gce.address, platformKey: key, ...r }));
    const [logged] = parseEventLogs({ abi: hardwareRegistryAbi, logs: receipt.logs, eventName: "MethodActionLogged" });
    expect(logged!.args.action).toBe(MethodActionKind.Heartbeat);
    const after = await readHardwareEntry(w.pub, { registry: w.hardware.address, platformKey: key });
    expect(after.lastHeartbeat).toBeGreaterThan(before.lastHeartbeat);
    await expectMethodRevert(writeGceReattest(relayer, { gceMethod: w.gce.address, platformKey: key, ...r }), "EvidenceReplayed");
    // A quote by another AK (another machine on the same platform) is not this enrolment's.
    const other = await GceMachine.create(w, { label: "gce-other" });
    await expectMethodRevert(writeGceReattest(relayer, { gceMethod: w.gce.address, platformKey: key, ...(await other.reattestation(key)) }), "AkNotEnrolled");
    await w.time.increase(2 * HOUR + 1);
    expect(await w.hardware.read.levelOf([key])).toBe(2);
    await ok(writeGceReattest(relayer, { gceMethod: w.gce.address, platformKey: key, ...(await machine.reattestation(key)) }));
    expect(await w.hardware.read.levelOf([key])).toBe(3);
  });

  it("corrupted evidence (one byte of the quote, the TPM quote or the AK certificate) is refused with a named error, or changes nothing (fast-check)", async () => {
    const base = await machine.enrolment({ level: 3, cadence: HOUR });
    const flip = (h: Hex, at: number, x: number): Hex => {
      const b = Buffer.from(h.slice(2), "hex");
      b[at % b.length] = b[at % b.length]! ^ x;
      return `0x${b.toString("hex")}`;
    };
    await fc.assert(
      fc.asyncProperty(fc.constantFrom("quote", "attest", "signature", "akCertificate"), fc.nat(), fc.integer({ min: 1, max: 255 }), async (part, at, x) => {
        const ev = structuredClone(base.evidence) as typeof base.evidence & { akChain: Hex[] };
        if (part === "quote") ev.tee = { ...ev.tee, payload: flip(ev.tee.payload, at, x) };
        if (part === "attest") ev.tpm = { ...ev.tpm, attest: flip(ev.tpm.attest, at, x) };
        if (part === "signature") ev.tpm = { ...ev.tpm, signature: flip(ev.tpm.signature, at, x) };
        if (part === "akCertificate") ev.akChain = [flip(ev.akChain[0]!, at, x), ...ev.akChain.slice(1)];
        try {
          await ok(writeGceEnrol(relayer, { gceMethod: w.gce.address, evidence: ev, claim: base.claim }));
          // A byte no check covers (e.g. an unused field): the entry is still this platform's.
          expect((await readHardwareEntry(w.pub, { registry: w.hardware.address, platformKey: w.hwKey })).exists).toBe(true);
        } catch (e) {
          const r = decodeContractRevert(e);
          expect(r?.errorName, String(e).slice(0, 200)).toMatch(/^[A-Z][A-Za-z0-9]+$/);
        }
      }),
      { numRuns: 16 },
    );
  });

  it("refuses a claimed zone other than the certified one (WrongZone)", async () => {
    await expectMethodRevert(enrol(await machine.enrolment({ level: 2, cadence: 0, zone: "us-central1-a" })), "WrongZone");
  });

  it("refuses a zone with no facility in the table (UnmappedZone)", async () => {
    const m = await GceMachine.create(w, { label: "gce-unmapped", instance: { zone: "asia-east1-b" } });
    await expectMethodRevert(enrol(await m.enrolment({ level: 2, cadence: 0 })), "UnmappedZone");
  });

  it("refuses a zone mapped to a facility the method may not place hardware in (FacilityNotAllowed)", async () => {
    const elsewhere = facility({ name: "elsewhere", provider: "Google", country: "US", site: "somewhere", evidence: "x", evidenceUri: "ipfs://x" });
    await w.govern([registryCalls.setFacilities(w.hardware.address, [elsewhere]), gceMethodCalls.setZoneFacility(w.gce.address, "us-east1-b", elsewhere.facilityId)], ProposalClass.Ordinary);
    const m = await GceMachine.create(w, { label: "gce-elsewhere", instance: { zone: "us-east1-b" } });
    await expectMethodRevert(enrol(await m.enrolment({ level: 2, cadence: 0 })), "FacilityNotAllowed");
  });

  it("refuses an expired AK certificate (CertificateNotValidAt)", async () => {
    const m = await GceMachine.create(w, { label: "gce-expired", notBefore: new Date("2020-01-01T00:00:00Z"), notAfter: new Date("2021-01-01T00:00:00Z") });
    await expectMethodRevert(enrol(await m.enrolment({ level: 2, cadence: 0 })), "CertificateNotValidAt");
  });

  it("refuses an AK certificate for another instance (WrongInstance) or for another AK (AkKeyMismatch)", async () => {
    await expectMethodRevert(enrol(await machine.enrolment({ level: 2, cadence: 0, instanceId: 42n })), "WrongInstance");
    const other = await GceMachine.create(w, { label: "gce-someone-else" });
    const thief = await GceMachine.create(w, { label: "gce-thief", certifiedAk: other.tpm });
    await expectMethodRevert(enrol(await thief.enrolment({ level: 2, cadence: 0 })), "AkKeyMismatch");
  });

  it("refuses a certificate from a CA the Alliance did not pin (RootNotPinned)", async () => {
    const rogue = await createSimulatedGceCa({ seed: "a rogue CA" });
    const m = await GceMachine.create(w, { label: "gce-rogue", ca: rogue });
    await expectMethodRevert(enrol(await m.enrolment({ level: 2, cadence: 0 })), "RootNotPinned");
  });

  it("refuses a revoked AK certificate, to enrol and to re-attest (AkCertificateIsRevoked)", async () => {
    const m = await GceMachine.create(w, { label: "gce-revoked", instance: { instanceId: 77n } });
    const serial = parseGceInstanceInfo(m.akChain[0]!).serialHash;
    await ok(enrol(await m.enrolment({ level: 3, cadence: HOUR })));
    await w.govern([gceMethodCalls.revokeAkCertificate(w.gce.address, serial)], ProposalClass.EmergencyFreeze);
    await expectMethodRevert(enrol(await m.enrolment({ level: 3, cadence: HOUR })), "AkCertificateIsRevoked");
    await expectMethodRevert(writeGceReattest(relayer, { gceMethod: w.gce.address, platformKey: key, ...(await m.reattestation(key)) }), "AkCertificateIsRevoked");
    // The machine's own certificate enrols again (same platform).
    await ok(enrol(await machine.enrolment({ level: 3, cadence: HOUR })));
  });

  it("challenges and freezes work on method-made entries as on others", async () => {
    await ok(writeChallenge(relayer, { registry: w.hardware.address, platformKey: key, evidenceHash: reasonHash("wrong site"), evidenceUri: "ipfs://c" }));
    expect((await readHardwareEntry(w.pub, { registry: w.hardware.address, platformKey: key })).openChallenges).toBe(1);
    await w.govern([registryCalls.freeze(w.hardware.address, [key], reasonHash("investigating"))], ProposalClass.EmergencyFreeze);
    expect(await w.hardware.read.levelOf([key])).toBe(0);
    await expectMethodRevert(enrol(await machine.enrolment({ level: 3, cadence: HOUR })), "EntryFrozen");
    await expectMethodRevert(writeGceReattest(relayer, { gceMethod: w.gce.address, platformKey: key, ...(await machine.reattestation(key)) }), "EntryFrozen");
    await w.govern([registryCalls.unfreeze(w.hardware.address, [key], reasonHash("cleared"))], ProposalClass.Ordinary);
    await ok(writeGceReattest(relayer, { gceMethod: w.gce.address, platformKey: key, ...(await machine.reattestation(key)) }));
  });

  it("a suspended method neither enrols nor refreshes (MethodIsSuspended); re-registering resumes it", async () => {
    await w.govern([methodRegistryCalls.suspendMethod(w.methods.address, w.gce.address, reasonHash("CA incident"))], ProposalClass.EmergencyFreeze);
    await expectMethodRevert(enrol(await machine.enrolment({ level: 3, cadence: HOUR })), "MethodIsSuspended");
    await expectMethodRevert(writeGceReattest(relayer, { gceMethod: w.gce.address, platformKey: key, ...(await machine.reattestation(key)) }), "MethodIsSuspended");
    // The entries it made stay (the freeze and revoke votes deal with them).
    expect((await readHardwareEntry(w.pub, { registry: w.hardware.address, platformKey: key })).exists).toBe(true);
    await w.registerGce(3);
    await ok(enrol(await machine.enrolment({ level: 3, cadence: HOUR })));
  });

  it("a method registered for level 2 cannot grant level 3 nor post heartbeats (LevelAboveMethod)", async () => {
    await w.registerGce(2);
    await expectMethodRevert(enrol(await machine.enrolment({ level: 3, cadence: HOUR })), "LevelAboveMethod");
    await expectMethodRevert(writeGceReattest(relayer, { gceMethod: w.gce.address, platformKey: key, ...(await machine.reattestation(key)) }), "LevelAboveMethod");
    await ok(enrol(await machine.enrolment({ level: 2, cadence: 0 })));
    expect(await w.hardware.read.levelOf([key])).toBe(2);
  });

  it("a removed method is unknown (UnknownMethod), and its removal is a leaf", async () => {
    await w.govern([methodRegistryCalls.removeMethod(w.methods.address, w.gce.address, reasonHash("retired"))], ProposalClass.SecurityCritical);
    await expectMethodRevert(enrol(await machine.enrolment({ level: 2, cadence: 0 })), "UnknownMethod");
    const leaves = await methodLeaves();
    expect(leaves.map((l) => l.leafType === 9 && l.payload.action)).toContain(MethodActionKind.Removed);
    expect(leaves.map((l) => l.leafType === 9 && l.payload.action)).toContain(MethodActionKind.Suspended);
    await w.registerGce(3);
  });

  it("a revocation of a method-made entry is final for the method too (EntryRevoked), and upholds its challenge", async () => {
    await w.govern([registryCalls.revoke(w.hardware.address, [key], reasonHash("wrong site confirmed"))], ProposalClass.SecurityCritical);
    await expectMethodRevert(enrol(await machine.enrolment({ level: 3, cadence: HOUR })), "EntryRevoked");
    await expectMethodRevert(writeGceReattest(relayer, { gceMethod: w.gce.address, platformKey: key, ...(await machine.reattestation(key)) }), "EntryRevoked");
    expect((await readChallenge(w.pub, { registry: w.hardware.address, challengeId: 0n })).outcome).toBe(2);
  });
});

describe("the GCE method on the real Google AK certificate", () => {
  // No bound TDX + GCE vTPM pair from one VM is public: the real chain and extension pass every check
  // up to the binding, which the real TPM quote (nonce 9009) cannot carry.
  it("passes the real chain (AK -> Google intermediate -> pinned root), reads zone us-central1-a, then stops at the binding", async () => {
    const w = await deployGceWorld({ seed: "gce real cert" });
    const gce = loadGceAttestation();
    const root = readFileSync(join(TPM_FIXTURES, "gce-tpm-ek-root-1.cer"));
    const chain = [Buffer.from(gce.ak_cert_der, "hex"), readFileSync(join(TPM_FIXTURES, "gce-tpm-ek-intermediate-2.crt")), root];
    const pin = { target: w.akVerifier, value: 0n, data: encodeFunctionData({ abi: tpmAkCertificateVerifierAbi, functionName: "setRootPinned", args: [toHex(sha256(root)), true] }) };
    await w.govern([pin, gceMethodCalls.setZoneFacility(w.gce.address, "us-central1-a", FACILITY.facilityId)], ProposalClass.SecurityCritical);
    const [akPublic, attest, signature, pcrValues] = gceQuoteArgs(gce);
    const realTpm = tpmEvidence({ akPublic, attest, signature, pcrValues });
    const a = await w.anchor();
    const binding = w.binding(a.anchorBlock, a.anchorBlockHash, gceEnrolSubjectOf(2, 0));
    const quote = w.tdx.issueQuote({ reportData: workloadReportData(binding, Buffer.from(gce.ak_pub_tpmt_public, "hex")) });
    const enrolWith = (zone?: string) => {
      const e = buildGceEnrolment({ tee: dcapEvidence(quote), tpm: realTpm, akChain: chain, level: 2, cadence: 0, anchorBlock: a.anchorBlock, zone });
      return writeGceEnrol(w.wallets[6]!, { gceMethod: w.gce.address, evidence: e.evidence, claim: e.claim });
    };
    const [claimed, certified] = await expectMethodRevert(enrolWith("us-east1-b"), "WrongZone");
    expect([claimed, certified]).toEqual(["us-east1-b", "us-central1-a"]);
    // The certified zone and instance pass; the real quote's qualifying data is nonce 9009, not the binding.
    await expectMethodRevert(enrolWith(), "TpmQualifyingDataMismatch");
  }, 180_000);
});

describe("level 3 by re-attestation through the CvmRegistry", () => {
  let w: GceWorld;
  let cvm: Cvm;
  let relayer: GceWorld["wallets"][number];

  beforeAll(async () => {
    w = await deployGceWorld({ seed: "gce cvm heartbeat" });
    relayer = w.wallets[6]!;
    const machine = await GceMachine.create(w, { label: "gce-cvm" });
    const e = await machine.enrolment({ level: 3, cadence: 2 * HOUR });
    await (async () => {
      const hash = await writeGceEnrol(relayer, { gceMethod: w.gce.address, evidence: e.evidence, claim: e.claim });
      expect((await w.pub.waitForTransactionReceipt({ hash })).status).toBe("success");
    })();
    cvm = await Cvm.create(w, "rsa", "gce-cvm-workload");
    const r = await cvm.registration({ owner: w.wallets[5]!.account.address, deadline: (await w.now()) + 3600n });
    const hash = await writeRegisterCvm(relayer, { registry: w.registry.address, ...r.args, tee: r.tee, tpm: r.tpm, identitySignature: r.identitySignature });
    expect((await w.pub.waitForTransactionReceipt({ hash })).status).toBe("success");
  }, 180_000);

  const reattest = async () => {
    const r = await cvm.reattestation();
    const hash = await writeReattestCvm(relayer, { registry: w.registry.address, identity: cvm.address, tpm: r.tpm, teeRegistersHash: r.teeRegistersHash });
    const receipt = await w.pub.waitForTransactionReceipt({ hash });
    expect(receipt.status).toBe("success");
    return parseEventLogs({ abi: hardwareRegistryAbi, logs: receipt.logs, eventName: "MethodActionLogged" });
  };

  it("without a registration, a CVM re-attestation is no heartbeat (and still succeeds)", async () => {
    await w.time.increase(HOUR + 1);
    expect(await reattest()).toEqual([]);
  });

  it("once the Alliance registers the CvmRegistry as a method (level 3, no facilities), a re-attestation is the platform's heartbeat, at most one per half cadence", async () => {
    await w.govern([methodRegistryCalls.registerMethod(w.methods.address, w.registry.address, 3, [])], ProposalClass.SecurityCritical);
    const logged = await reattest();
    expect(logged.map((l) => l.args)).toMatchObject([{ method: w.registry.address, action: MethodActionKind.Heartbeat, platformKey: w.hwKey }]);
    const hb = (await readHardwareEntry(w.pub, { registry: w.hardware.address, platformKey: w.hwKey })).lastHeartbeat;
    expect(await reattest()).toEqual([]); // within half a cadence: no second heartbeat
    await w.time.increase(HOUR + 1);
    expect(await reattest()).toHaveLength(1);
    expect((await readHardwareEntry(w.pub, { registry: w.hardware.address, platformKey: w.hwKey })).lastHeartbeat).toBeGreaterThan(hb);
    // Kept at level 3 by re-attestations alone, 5 cadences later.
    for (let i = 0; i < 5; i++) {
      await w.time.increase(2 * HOUR);
      await reattest();
    }
    expect(await w.hardware.read.levelOf([w.hwKey])).toBe(3);
  });

  it("a suspended CvmRegistry method's re-attestations stop counting; the hardware decays to level 2", async () => {
    await w.govern([methodRegistryCalls.suspendMethod(w.methods.address, w.registry.address, reasonHash("pause"))], ProposalClass.EmergencyFreeze);
    await w.time.increase(2 * HOUR);
    expect(await reattest()).toEqual([]);
    await w.time.increase(3 * HOUR);
    expect(await w.hardware.read.levelOf([w.hwKey])).toBe(2);
  });
});

describe("the GCE method on an SEV-SNP machine (ZK route; the dev RiscZero verifier stands in for a prover)", () => {
  it("enrols the AMD chip (kind 2) from an SNP journal binding the AK, with the same checks", async () => {
    const w = await deployGceWorld({ seed: "gce snp" });
    const IMAGE = keccak256(stringToBytes("gce snp program image (test)"));
    const ARK = sha256(stringToBytes("pinned ARK (gce test)"));
    const CHIP_ID = new Uint8Array(64).map((_, i) => (i * 11 + 5) & 0xff);
    const zk = addressOf(w.book, "ZkAttestationVerifier");
    const zkCall = (functionName: "setProgram" | "setArkPinned", args: readonly unknown[]) => ({ target: zk, value: 0n, data: encodeFunctionData({ abi: zkAttestationVerifierAbi, functionName, args } as never) });
    await w.govern([zkCall("setProgram", [ZkVm.RiscZero, IMAGE, 2]), zkCall("setArkPinned", [toHex(ARK), true])], ProposalClass.SecurityCritical);
    const machine = await GceMachine.create(w, { label: "gce-snp" });
    const a = await w.anchor();
    const binding = w.binding(a.anchorBlock, a.anchorBlockHash, gceEnrolSubjectOf(3, HOUR));
    const journal = encodeSnpJournal({
      timestamp: (await w.now()) - 5n,
      reportVersion: 3,
      guestSvn: 1,
      policy: 0x30000n,
      vmpl: 0,
      reportedTcb: new Uint8Array(8),
      measurement: new Uint8Array(48).fill(0x5a),
      reportData: workloadReportData(binding, machine.tpm.akPublic),
      hostData: new Uint8Array(32),
      chipId: CHIP_ID,
      reportHash: sha256(stringToBytes("report")),
      vcekHash: sha256(stringToBytes("vcek")),
      askHash: sha256(stringToBytes("ask")),
      arkHash: ARK,
    });
    const tee = zkEvidence(EvidenceRoute.ZkSnpJournal, { zkvm: ZkVm.RiscZero, programId: IMAGE, journal, seal: devRiscZeroSeal(IMAGE, journal) });
    const e = buildGceEnrolment({ tee, tpm: await machine.tpmQuote(binding), akChain: machine.akChain, level: 3, cadence: HOUR, anchorBlock: a.anchorBlock });
    const r = await w.pub.waitForTransactionReceipt({ hash: await writeGceEnrol(w.wallets[6]!, { gceMethod: w.gce.address, evidence: e.evidence, claim: e.claim }) });
    expect(r.status).toBe("success");
    const chipKey = platformKey(2, CHIP_ID, SALT);
    expect(await readHardwareEntry(w.pub, { registry: w.hardware.address, platformKey: chipKey })).toMatchObject({ exists: true, kind: 2, level: 3 });
    // The same refusals apply: another zone claimed.
    await expectMethodRevert(writeGceEnrol(w.wallets[6]!, { gceMethod: w.gce.address, evidence: e.evidence, claim: { ...e.claim, zone: "us-central1-a" } }), "WrongZone");
  }, 180_000);
});

describe("a method's rights are exactly its registration (fast-check)", () => {
  it("enrol succeeds iff level <= maxLevel and the facility is registered for the method; otherwise the typed error", async () => {
    const w = await deployGceWorld({ seed: "method rights", register: false });
    const method = w.wallets[7]!;
    const other = facility({ name: "rights-2", provider: "P", country: "NL", site: "AMS", evidence: "e", evidenceUri: "ipfs://e" });
    await w.govern([registryCalls.setFacilities(w.hardware.address, [other])], ProposalClass.Ordinary);
    const facilities = [FACILITY.facilityId, other.facilityId];
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 3 }), fc.subarray(facilities), fc.integer({ min: 1, max: 3 }), fc.constantFrom(...facilities), async (maxLevel, allowed, level, at) => {
        await w.govern([methodRegistryCalls.registerMethod(w.methods.address, method.account.address, maxLevel, allowed)], ProposalClass.SecurityCritical);
        const key = keccak256(stringToBytes(`rights ${n++}`));
        const p = w.methods.write.enrol([key, 1, at, level, level === 3 ? 60 : 0, key], { account: method.account });
        if (level > maxLevel) await expectMethodRevert(p, "LevelAboveMethod");
        else if (!allowed.includes(at)) await expectMethodRevert(p, "FacilityNotAllowed");
        else {
          await w.pub.waitForTransactionReceipt({ hash: await p });
          expect(await readHardwareEntry(w.pub, { registry: w.hardware.address, platformKey: key })).toMatchObject({ exists: true, level, facilityId: at });
        }
      }),
      { numRuns: 12 },
    );
  }, 180_000);
});
