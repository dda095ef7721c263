/**
 * The ZK routes end to end, through the dev RiscZero verifier (a mock: no prover runs here; real
 * proofs come from RiscZero / SP1 provers; the dev seal is a hash commitment anyone can compute):
 * - an SEV-SNP journal, as the SNP program writes it: the hardware is the AMD chip ID (kind 2);
 * - our DCAP journal for a simulated TDX quote, written by the SDK standing in for our DCAP program
 *   (test/sdk/zk/program.ts): the hardware is the PPID (kind 1), so a CVM registers only on a
 *   registered platform. Its collateral hashes are checked against the world's real CollateralStore.
 */
import { describe, it, expect, beforeAll } from "vitest";
import { bytesToHex, keccak256, stringToBytes, zeroAddress, type Hex } from "viem";
import { sha256 } from "@noble/hashes/sha2.js";
import {
  COLLATERAL_KINDS,
  devRiscZeroSeal,
  encodePocDcapJournal,
  encodeSnpJournal,
  pocDcapJournalFromQuote,
  type PocDcapJournal,
} from "../../sdk/src/zk/journal.js";
import { workloadVerifierAbi } from "../../sdk/src/chain/abi/WorkloadVerifier.js";
import { zkAttestationVerifierAbi } from "../../sdk/src/chain/abi/ZkAttestationVerifier.js";
import { platformKey } from "../../sdk/src/vocabulary/platformKey.js";
import {
  EvidenceRoute,
  TeeType,
  ZkVm,
  measurementHash,
  pcrMaskOf,
  workloadFromPocDcapJournal,
  workloadReportData,
  zkEvidence,
} from "../../sdk/src/chain/workload.js";
import { hashRegistration, readCvm, signRegistration, writeRegisterCvm, workloadVerifierCalls } from "../../sdk/src/chain/cvmRegistry.js";
import {
  TPM_ALG_SHA256,
  createSimulatedQuotingEnclave,
  deriveBytes,
  issuePckCertificate,
  type SimulatedTdxEnvironment,
} from "../../sdk/src/simulate/index.js";
import { ProposalClass, SALT } from "../contracts/fixture.js";
import { Cvm, deployCvmWorld, QUOTED_PCRS, type CvmWorld } from "../../testkit/cvmWorld.js";
import { expectCvmRevert } from "../../testkit/cvmRevert.js";
import { honestPocDcapProgram } from "../sdk/zk/program.js";
import { sgxCollateral, sgxJournal, sgxQuote } from "../sdk/zk/fixtures.js";

const IMAGE: Hex = keccak256(stringToBytes("snp program image (test)"));
const POC_DCAP_IMAGE: Hex = keccak256(stringToBytes("our dcap program image (test)"));
const AUTOMATA_IMAGE: Hex = keccak256(stringToBytes("automata dcap program image (test)"));
const KIND = { Dcap: 1, Snp: 2, PocDcap: 3 } as const;
const MAX_AGE = 3600n;
const CHIP_ID = new Uint8Array(64).map((_, i) => (i * 7 + 3) & 0xff);
const SNP_MEASUREMENT = new Uint8Array(48).fill(0x5a);
const ARK_HASH = sha256(stringToBytes("pinned ARK (test)"));

let w: CvmWorld;
let zkAddress: Hex;
beforeAll(async () => {
  w = await deployCvmWorld({ seed: "snp zk" });
  const risc0 = await w.viem.deployContract("DevRiscZeroVerifier", []);
  const sp1 = await w.viem.deployContract("DevSp1Verifier", []);
  // The world's real CollateralStore (holding the simulator's collateral) answers the DCAP journals' hashes.
  const zk = await w.viem.deployContract("ZkAttestationVerifier", [w.wallets[0]!.account.address, risc0.address, sp1.address, w.store.address, MAX_AGE]);
  await zk.write.setProgram([ZkVm.RiscZero, IMAGE, KIND.Snp]);
  await zk.write.setProgram([ZkVm.RiscZero, POC_DCAP_IMAGE, KIND.PocDcap]);
  await zk.write.setProgram([ZkVm.RiscZero, AUTOMATA_IMAGE, KIND.Dcap]);
  await zk.write.setArkPinned([`0x${Buffer.from(ARK_HASH).toString("hex")}`, true]);
  zkAddress = zk.address;
});

describe("SEV-SNP through the ZK route", () => {
  let cvm: Cvm;
  beforeAll(async () => {
    cvm = await Cvm.create(w, "ecdsa", "snp-cvm");
  });

  const snpEvidence = async (digest: Hex, at: bigint) => {
    const journal = encodeSnpJournal({
      timestamp: at,
      reportVersion: 3,
      guestSvn: 1,
      policy: 0x30000n,
      vmpl: 0,
      reportedTcb: new Uint8Array(8),
      measurement: SNP_MEASUREMENT,
      reportData: workloadReportData(digest, cvm.tpm.akPublic),
      hostData: new Uint8Array(32),
      chipId: CHIP_ID,
      reportHash: sha256(stringToBytes("report")),
      vcekHash: sha256(stringToBytes("vcek")),
      askHash: sha256(stringToBytes("ask")),
      arkHash: ARK_HASH,
    });
    return zkEvidence(EvidenceRoute.ZkSnpJournal, { zkvm: ZkVm.RiscZero, programId: IMAGE, journal, seal: devRiscZeroSeal(IMAGE, journal) });
  };

  it("is disabled without a ZK verifier; only a security-critical decision sets or clears it", async () => {
    const owner = w.wallets[5]!.account.address;
    const deadline = (await w.now()) + 3600n;
    const msg = { identity: cvm.address, owner, nonce: 0n, deadline };
    const digest = hashRegistration(w.target, msg);
    const args = { registry: w.registry.address, ...msg, tee: await snpEvidence(digest, (await w.now()) - 5n), tpm: await cvm.tpmQuote(digest), identitySignature: await signRegistration(cvm.identity, w.target, msg) };
    // The deployment wires its own ZkAttestationVerifier from the start, with no program allowlisted.
    await expectCvmRevert(writeRegisterCvm(w.wallets[6]!, args), "ProgramNotAllowed");
    await expectCvmRevert(w.govern([workloadVerifierCalls.setZkVerifier(w.workload.address, zeroAddress)], ProposalClass.Ordinary), "ClassTooWeak");
    await w.govern([workloadVerifierCalls.setZkVerifier(w.workload.address, zeroAddress)], ProposalClass.SecurityCritical);
    await expectCvmRevert(writeRegisterCvm(w.wallets[6]!, args), "RouteDisabled");
    await expectCvmRevert(w.govern([workloadVerifierCalls.setZkVerifier(w.workload.address, zkAddress)], ProposalClass.Ordinary), "ClassTooWeak");
    await w.govern([workloadVerifierCalls.setZkVerifier(w.workload.address, zkAddress)], ProposalClass.SecurityCritical);
    // the chip is not registered yet
    await expectCvmRevert(writeRegisterCvm(w.wallets[6]!, args), "HardwareNotVerified");
  });

  it("registers a CVM on a registered AMD chip: kind-2 platformKey, SNP measurement hash", async () => {
    const chipKey = platformKey(2, CHIP_ID, SALT);
    await w.registerHardware({ platformKey: chipKey, kind: 2 });
    const owner = w.wallets[5]!.account.address;
    const msg = { identity: cvm.address, owner, nonce: 0n, deadline: (await w.now()) + 3600n };
    const digest = hashRegistration(w.target, msg);
    const hash = await writeRegisterCvm(w.wallets[6]!, {
      registry: w.registry.address,
      ...msg,
      tee: await snpEvidence(digest, (await w.now()) - 5n),
      tpm: await cvm.tpmQuote(digest),
      identitySignature: await signRegistration(cvm.identity, w.target, msg),
    });
    expect((await w.pub.waitForTransactionReceipt({ hash })).status).toBe("success");
    const expected = measurementHash({
      teeType: TeeType.SevSnp,
      teeRegisters: SNP_MEASUREMENT,
      pcrHashAlg: TPM_ALG_SHA256,
      pcrMask: pcrMaskOf(QUOTED_PCRS),
      pcrValues: Uint8Array.from(QUOTED_PCRS.flatMap((i) => Array.from(cvm.tpm.readPcr(TPM_ALG_SHA256, i)))),
    });
    expect(await readCvm(w.pub, { registry: w.registry.address, identity: cvm.address })).toMatchObject({
      statusName: "active",
      valid: true,
      teeType: TeeType.SevSnp,
      platformKey: chipKey,
      measurementHash: expected,
    });
  });

  it("a malformed ZK payload is EvidenceMalformed; a journal the program did not prove is refused", async () => {
    const other = await Cvm.create(w, "ecdsa", "bad-zk");
    const msg = { identity: other.address, owner: w.wallets[5]!.account.address, nonce: 0n, deadline: (await w.now()) + 3600n };
    const digest = hashRegistration(w.target, msg);
    const base = { registry: w.registry.address, ...msg, tpm: await other.tpmQuote(digest), identitySignature: await signRegistration(other.identity, w.target, msg) };
    await expectCvmRevert(writeRegisterCvm(w.wallets[6]!, { ...base, tee: { route: EvidenceRoute.ZkSnpJournal, payload: "0x1234" } }), "EvidenceMalformed");
    const unknownProgram = zkEvidence(EvidenceRoute.ZkSnpJournal, { zkvm: ZkVm.RiscZero, programId: keccak256(stringToBytes("other program")), journal: "0x00", seal: "0x" });
    await expectCvmRevert(writeRegisterCvm(w.wallets[6]!, { ...base, tee: unknownProgram }), "ProgramNotAllowed");
  });
});

describe("TDX through the ZK DCAP route: our journal names the PPID", () => {
  let cvm: Cvm;
  const owner = () => w.wallets[5]!.account.address;

  /** Another platform (its own PCK certificate, PPID and QE) on the world's simulated PKI: same collateral. */
  function otherPlatform(label: string): SimulatedTdxEnvironment {
    const pck = issuePckCertificate(w.tdx.pki, { label });
    const qe = createSimulatedQuotingEnclave({ pki: w.tdx.pki, pck, label });
    const defaults = { teeTcbSvn: w.tdx.teeTcbSvn, mrSeam: deriveBytes(w.seed, "tdx/mrseam", 48) };
    return { ...w.tdx, pck, qe, issueQuote: (fields = {}) => qe.issueTdxQuote({ ...defaults, ...fields }) };
  }

  /**
   * A registration through the ZK DCAP route as the CVM makes it: TDX quote and TPM quote over the
   * registration hash, the quote run through our program (stand-in) and proven (dev seal).
   * `edit` changes the journal before it is proven: what a faulty allowlisted program could prove.
   */
  async function zkRegistration(c: Cvm, o: { timestamp?: bigint; image?: Hex; edit?: (j: PocDcapJournal) => void } = {}) {
    const r = await c.registration({ owner: owner(), deadline: (await w.now()) + 3600n });
    const timestamp = o.timestamp ?? (await w.now()) - 5n;
    const j = await honestPocDcapProgram({ quote: r.quote, collateral: w.tdx.collateral, timestamp, rootCaDer: w.tdx.pki.root.der });
    o.edit?.(j);
    const journal = encodePocDcapJournal(j);
    const image = o.image ?? POC_DCAP_IMAGE;
    const tee = zkEvidence(EvidenceRoute.ZkDcapJournal, { zkvm: ZkVm.RiscZero, programId: image, journal, seal: devRiscZeroSeal(image, journal) });
    const send = () => writeRegisterCvm(w.wallets[6]!, { registry: w.registry.address, ...r.args, tee, tpm: r.tpm, identitySignature: r.identitySignature });
    return { r, j, journal, tee, send };
  }

  beforeAll(async () => {
    // The SNP tests above set the ZK verifier by a security-critical vote; alone, this block does it.
    const current = await w.pub.readContract({ address: w.workload.address, abi: workloadVerifierAbi, functionName: "zkVerifier" });
    if (current.toLowerCase() !== zkAddress.toLowerCase()) {
      await w.govern([workloadVerifierCalls.setZkVerifier(w.workload.address, zkAddress)], ProposalClass.SecurityCritical);
    }
    cvm = await Cvm.create(w, "rsa", "tdx-zk-cvm");
  });

  it("a CVM on a platform whose PPID is not registered is refused: HardwareNotVerified(its kind-1 platformKey)", async () => {
    const unregistered = otherPlatform("platform-unregistered");
    const other = await Cvm.create({ tdx: unregistered, pub: w.pub, target: w.target }, "rsa", "unregistered-cvm");
    const { j, send } = await zkRegistration(other);
    expect(bytesToHex(j.ppid)).toBe(bytesToHex(unregistered.pck.sgx.ppid));
    expect(bytesToHex(j.ppid)).not.toBe(bytesToHex(w.tdx.pck.sgx.ppid));
    const [key, level, required] = await expectCvmRevert(send(), "HardwareNotVerified");
    expect([key, level, required]).toEqual([platformKey(1, unregistered.pck.sgx.ppid, SALT), 0, 1]);
  });

  it("registers a simulated TDX CVM on its registered platform: PPID platformKey, TDX measurement, valid", async () => {
    const before = await zkRegistration(cvm);
    await expectCvmRevert(before.send(), "HardwareNotVerified");
    await w.registerHardware();
    const { j, send } = await zkRegistration(cvm, { timestamp: (await w.now()) - 600n });
    expect(bytesToHex(j.ppid)).toBe(bytesToHex(w.tdx.pck.sgx.ppid));
    const hash = await send();
    expect((await w.pub.waitForTransactionReceipt({ hash })).status).toBe("success");
    // the TEE side dates from the proof's verification time, not the block: its TTL runs from there
    const state = await readCvm(w.pub, { registry: w.registry.address, identity: cvm.address });
    expect(state.teeAttestedAt).toBe(j.dcap.timestamp);
    expect(state.tpmAttestedAt).toBeGreaterThan(j.dcap.timestamp);
    expect(await readCvm(w.pub, { registry: w.registry.address, identity: cvm.address })).toMatchObject({
      statusName: "active",
      valid: true,
      teeType: TeeType.Tdx,
      tcbStatus: 0,
      platformKey: w.hwKey,
      measurementHash: cvm.expectedMeasurement(),
      hardwareLevel: 2,
    });
  });

  it("WorkloadVerifier reads the journal as the SDK does (workloadFromPocDcapJournal), TCB status renumbered", async () => {
    for (let code = 0; code < 6; code++) {
      const { r, journal, tee } = await zkRegistration(cvm, { edit: (j) => (j.dcap.output.tcbStatus = code) });
      const { result } = await w.workload.simulate.verifyWorkload([tee, r.tpm, r.digest]);
      const sdk = workloadFromPocDcapJournal(journal, SALT);
      expect(result, `Automata status ${code}`).toMatchObject({
        teeType: sdk.teeType,
        tcbStatus: sdk.tcbStatus,
        reportData: sdk.reportData,
        teeRegisters: sdk.teeRegisters,
        hardwareKind: sdk.hardwareKind,
        hardwareId: sdk.hardwareId,
        platformKey: sdk.platformKey,
        evidenceTime: sdk.evidenceTime,
        measurementHash: cvm.expectedMeasurement(),
      });
    }
  });

  it("refuses Automata's program, a stale journal, a malformed payload", async () => {
    await expectCvmRevert((await zkRegistration(cvm, { image: AUTOMATA_IMAGE })).send(), "ProgramNotAllowed");
    await expectCvmRevert((await zkRegistration(cvm, { timestamp: (await w.now()) - MAX_AGE - 60n })).send(), "JournalTooOld");
    await expectCvmRevert((await zkRegistration(cvm, { edit: (j) => (j.dcap.collateralHashes.rootCa = keccak256(stringToBytes("other root"))) })).send(), "CollateralHashMismatch");
    const { r } = await zkRegistration(cvm);
    const malformed = { route: EvidenceRoute.ZkDcapJournal, payload: "0x1234" as Hex };
    await expectCvmRevert(writeRegisterCvm(w.wallets[6]!, { registry: w.registry.address, ...r.args, tee: malformed, tpm: r.tpm, identitySignature: r.identitySignature }), "EvidenceMalformed");
  });

  it("an SGX quote's journal is UnsupportedTee: a workload is a confidential VM", async () => {
    // A ZK verifier whose (settable, test-only) collateral hashes hold the real SGX v3 fixture's, and
    // a WorkloadVerifier constructed with it; nothing else differs from the world's.
    const hashes = await w.viem.deployContract("MockCollateralHashes", []);
    const h = sgxJournal(0n).collateralHashes;
    const zero6 = "0x000000000000";
    const kinds = COLLATERAL_KINDS;
    for (const [k, f, v] of [
      [kinds.tcbInfoSgx, "0x00a067110000", h.tcbInfo],
      [kinds.qeIdentitySgx, zero6, h.qeIdentity],
      [kinds.rootCa, zero6, h.rootCa],
      [kinds.tcbSigningCa, zero6, h.tcbSigning],
      [kinds.rootCaCrl, zero6, h.rootCaCrl],
      [kinds.pckCrlProcessor, zero6, h.pckCrl],
    ] as const) await hashes.write.set([k, f, v]);
    const risc0 = await w.viem.deployContract("DevRiscZeroVerifier", []);
    const sp1 = await w.viem.deployContract("DevSp1Verifier", []);
    const zk = await w.viem.deployContract("ZkAttestationVerifier", [w.wallets[0]!.account.address, risc0.address, sp1.address, hashes.address, MAX_AGE]);
    await zk.write.setProgram([ZkVm.RiscZero, POC_DCAP_IMAGE, KIND.PocDcap]);
    const workload = await w.viem.deployContract("WorkloadVerifier", [w.alliance.address, w.hardware.address, w.dcap.address, zk.address]);
    const j = pocDcapJournalFromQuote(sgxQuote, { tcbStatus: "ConfigurationAndSWHardeningNeeded", advisoryIds: ["INTEL-SA-00289", "INTEL-SA-00615"], timestamp: (await w.now()) - 5n, collateral: sgxCollateral });
    const journal = encodePocDcapJournal(j);
    const tee = zkEvidence(EvidenceRoute.ZkDcapJournal, { zkvm: ZkVm.RiscZero, programId: POC_DCAP_IMAGE, journal, seal: devRiscZeroSeal(POC_DCAP_IMAGE, journal) });
    const proven = await w.pub.readContract({
      address: zk.address,
      abi: zkAttestationVerifierAbi,
      functionName: "verifyPocDcapJournal",
      args: [ZkVm.RiscZero, POC_DCAP_IMAGE, bytesToHex(journal), devRiscZeroSeal(POC_DCAP_IMAGE, journal)],
    });
    expect(proven.dcap.teeType).toBe("0x00000000");
    const digest = keccak256(stringToBytes("any binding"));
    const args = await expectCvmRevert(workload.simulate.verifyWorkload([tee, await cvm.tpmQuote(digest), digest]), "UnsupportedTee");
    expect(args).toEqual([0, 1]);
  });
});
