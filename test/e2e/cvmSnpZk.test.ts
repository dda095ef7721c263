/**
 * The ZK route: an SEV-SNP journal, as the SNP program writes it, proven through the dev RiscZero
 * verifier (a mock: no prover runs here; real proofs come from RiscZero / SP1 provers). The CVM's
 * hardware is its AMD chip ID (platformKey kind 2); the measurement is SNP's MEASUREMENT plus PCRs.
 */
import { describe, it, expect, beforeAll } from "vitest";
import { keccak256, stringToBytes, type Hex } from "viem";
import { sha256 } from "@noble/hashes/sha2.js";
import { encodeSnpJournal, devRiscZeroSeal } from "../../sdk/src/chain/zkJournal.js";
import { platformKey } from "../../sdk/src/chain/platformKey.js";
import {
  EvidenceRoute,
  TeeType,
  ZkVm,
  measurementHash,
  pcrMaskOf,
  workloadReportData,
  zkEvidence,
} from "../../sdk/src/chain/workload.js";
import { hashRegistration, readCvm, signRegistration, writeRegisterCvm, workloadVerifierCalls } from "../../sdk/src/chain/cvmRegistry.js";
import { TPM_ALG_SHA256 } from "../../sdk/src/simulate/index.js";
import { ProposalClass, SALT } from "../contracts/fixture.js";
import { Cvm, deployCvmWorld, QUOTED_PCRS, type CvmWorld } from "./cvmWorld.js";
import { expectCvmRevert } from "./revert.js";

const IMAGE: Hex = keccak256(stringToBytes("snp program image (test)"));
const CHIP_ID = new Uint8Array(64).map((_, i) => (i * 7 + 3) & 0xff);
const SNP_MEASUREMENT = new Uint8Array(48).fill(0x5a);
const ARK_HASH = sha256(stringToBytes("pinned ARK (test)"));

describe("SEV-SNP through the ZK route", () => {
  let w: CvmWorld;
  let cvm: Cvm;
  let zkAddress: Hex;
  beforeAll(async () => {
    w = await deployCvmWorld({ seed: "snp zk" });
    const risc0 = await w.viem.deployContract("DevRiscZeroVerifier", []);
    const sp1 = await w.viem.deployContract("DevSp1Verifier", []);
    const hashes = await w.viem.deployContract("MockCollateralHashes", []);
    const zk = await w.viem.deployContract("ZkAttestationVerifier", [w.wallets[0]!.account.address, risc0.address, sp1.address, hashes.address, 3600n]);
    await zk.write.setProgram([ZkVm.RiscZero, IMAGE, 2]);
    await zk.write.setArkPinned([`0x${Buffer.from(ARK_HASH).toString("hex")}`, true]);
    zkAddress = zk.address;
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

  it("is disabled until the Alliance sets the ZK verifier (security-critical)", async () => {
    const owner = w.wallets[5]!.account.address;
    const deadline = (await w.now()) + 3600n;
    const msg = { identity: cvm.address, owner, nonce: 0n, deadline };
    const digest = hashRegistration(w.target, msg);
    const args = { registry: w.registry.address, ...msg, tee: await snpEvidence(digest, (await w.now()) - 5n), tpm: await cvm.tpmQuote(digest), identitySignature: await signRegistration(cvm.identity, w.target, msg) };
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

  it("a DCAP journal cannot register: Automata's journal carries no PPID", async () => {
    const other = await Cvm.create(w, "ecdsa", "dcap-zk");
    const msg = { identity: other.address, owner: w.wallets[5]!.account.address, nonce: 0n, deadline: (await w.now()) + 3600n };
    const digest = hashRegistration(w.target, msg);
    const tee = zkEvidence(EvidenceRoute.ZkDcapJournal, { zkvm: ZkVm.RiscZero, programId: IMAGE, journal: "0x00", seal: "0x" });
    await expectCvmRevert(
      writeRegisterCvm(w.wallets[6]!, { registry: w.registry.address, ...msg, tee, tpm: await other.tpmQuote(digest), identitySignature: await signRegistration(other.identity, w.target, msg) }),
      "HardwareIdUnavailable",
    );
  });
});
