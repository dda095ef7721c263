import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { network } from "hardhat";
import { bytesToHex, getContract, keccak256, stringToBytes, type Hex } from "viem";
import {
  COLLATERAL_KINDS,
  dcapCollateralHashes,
  devRiscZeroSeal,
  devSp1Proof,
  encodeDcapJournal,
  encodeSnpJournal,
  type DcapJournal,
} from "../../../sdk/src/zk/journal.js";
import { zkAttestationVerifierAbi } from "../../../sdk/src/chain/abi/ZkAttestationVerifier.js";
import { milanArkDer, sgxCollateral, sgxJournal, snpJournal, tdxCollateral, tdxJournal, tdxQuote } from "../../sdk/zk/fixtures.js";
import { createHash } from "node:crypto";

const { viem, networkHelpers } = await network.connect();
const [governor, stranger] = await viem.getWalletClients();
const publicClient = await viem.getPublicClient();

const RISC0 = 0;
const SP1 = 1;
const KIND = { None: 0, Dcap: 1, Snp: 2 } as const;
const DCAP_IMAGE = keccak256(stringToBytes("dcap image id (test)"));
const SNP_IMAGE = keccak256(stringToBytes("snp image id (test)"));
const DCAP_VKEY = keccak256(stringToBytes("dcap sp1 vkey (test)"));
const MAX_AGE = 3600n;

const risc0 = await viem.deployContract("DevRiscZeroVerifier", []);
const sp1 = await viem.deployContract("DevSp1Verifier", []);
const store = await viem.deployContract("MockCollateralHashes", []);
const deployed = await viem.deployContract("ZkAttestationVerifier", [governor!.account.address, risc0.address, sp1.address, store.address, MAX_AGE]);
const zk = getContract({ address: deployed.address, abi: zkAttestationVerifierAbi, client: { public: publicClient, wallet: governor! } });
const asStranger = getContract({ address: deployed.address, abi: zkAttestationVerifierAbi, client: { public: publicClient, wallet: stranger! } });

const ZERO6: Hex = "0x000000000000";
async function storeCollateral(c: Parameters<typeof dcapCollateralHashes>[0], tdx: boolean, fmspc: Hex) {
  const h = dcapCollateralHashes(c);
  const sets: [Hex, Hex, Hex][] = [
    [tdx ? COLLATERAL_KINDS.tcbInfoTdx : COLLATERAL_KINDS.tcbInfoSgx, fmspc, h.tcbInfo],
    [tdx ? COLLATERAL_KINDS.qeIdentityTdx : COLLATERAL_KINDS.qeIdentitySgx, ZERO6, h.qeIdentity],
    [COLLATERAL_KINDS.rootCa, ZERO6, h.rootCa],
    [COLLATERAL_KINDS.tcbSigningCa, ZERO6, h.tcbSigning],
    [COLLATERAL_KINDS.rootCaCrl, ZERO6, h.rootCaCrl],
    [COLLATERAL_KINDS.pckCrlPlatform, ZERO6, h.pckCrl],
  ];
  for (const [k, f, v] of sets) await store.write.set([k, f, v]);
}

async function now(): Promise<bigint> {
  return (await publicClient.getBlock()).timestamp;
}

await zk.write.setProgram([RISC0, DCAP_IMAGE, KIND.Dcap]);
await zk.write.setProgram([SP1, DCAP_VKEY, KIND.Dcap]);
await zk.write.setProgram([RISC0, SNP_IMAGE, KIND.Snp]);
await storeCollateral(tdxCollateral, true, "0xb0c06f000000");

const proveRisc0 = (image: Hex, journal: Uint8Array) => [RISC0, image, bytesToHex(journal), devRiscZeroSeal(image, journal)] as const;

describe("a DCAP journal proven by an allowlisted program", () => {
  it("is accepted through RiscZero and decodes to the real TDX quote's body, status and FMSPC", async () => {
    const journal = encodeDcapJournal(tdxJournal((await now()) - 10n));
    const r = await zk.read.verifyDcapJournal(proveRisc0(DCAP_IMAGE, journal));
    expect(r.quoteVersion).toBe(4);
    expect(r.teeType).toBe("0x00000081");
    expect(r.tcbStatus).toBe(0);
    expect(r.fmspc).toBe("0xb0c06f000000");
    expect(r.quoteBody).toBe(bytesToHex(tdxQuote.subarray(48, 632)));
    expect(r.advisoryIds).toEqual([]);
  });

  it("is accepted through SP1 (public values = the journal)", async () => {
    const journal = encodeDcapJournal(tdxJournal((await now()) - 10n));
    const r = await zk.read.verifyDcapJournal([SP1, DCAP_VKEY, bytesToHex(journal), devSp1Proof(DCAP_VKEY, journal)]);
    expect(r.fmspc).toBe("0xb0c06f000000");
  });

  it("returns the advisory IDs of an SGX journal", async () => {
    await storeCollateral(sgxCollateral, false, "0x00a067110000");
    const journal = encodeDcapJournal(sgxJournal((await now()) - 10n));
    const r = await zk.read.verifyDcapJournal(proveRisc0(DCAP_IMAGE, journal));
    expect(r.teeType).toBe("0x00000000");
    expect(r.advisoryIds).toEqual(["INTEL-SA-00289", "INTEL-SA-00615"]);
    await storeCollateral(tdxCollateral, true, "0xb0c06f000000");
  });
});

describe("refusals", () => {
  const fresh = async (over: (j: DcapJournal) => void = () => {}) => {
    const j = tdxJournal((await now()) - 10n);
    over(j);
    return encodeDcapJournal(j);
  };

  it("a program not on the allowlist, or allowed for the other journal kind", async () => {
    const j = await fresh();
    const other = keccak256(stringToBytes("other"));
    await expect(zk.read.verifyDcapJournal(proveRisc0(other, j))).rejects.toThrow("ProgramNotAllowed");
    await expect(zk.read.verifyDcapJournal(proveRisc0(SNP_IMAGE, j))).rejects.toThrow("ProgramNotAllowed");
    await expect(zk.read.verifyDcapJournal([SP1, DCAP_IMAGE, bytesToHex(j), devSp1Proof(DCAP_IMAGE, j)])).rejects.toThrow("ProgramNotAllowed");
  });

  it("a seal for another journal (any changed byte)", async () => {
    const j = await fresh();
    const m = j.slice();
    m[100]! ^= 1;
    await expect(zk.read.verifyDcapJournal([RISC0, DCAP_IMAGE, bytesToHex(m), devRiscZeroSeal(DCAP_IMAGE, j)])).rejects.toThrow("DevSealMismatch");
    await expect(zk.read.verifyDcapJournal([SP1, DCAP_VKEY, bytesToHex(m), devSp1Proof(DCAP_VKEY, j)])).rejects.toThrow("DevProofMismatch");
  });

  it("collateral the store does not hold, or holds in another version", async () => {
    const j = await fresh((x) => (x.collateralHashes.tcbInfo = keccak256(stringToBytes("older tcb info"))));
    await expect(zk.read.verifyDcapJournal(proveRisc0(DCAP_IMAGE, j))).rejects.toThrow("CollateralHashMismatch");
    const crl = await fresh((x) => (x.collateralHashes.pckCrl = keccak256(stringToBytes("other crl"))));
    await expect(zk.read.verifyDcapJournal(proveRisc0(DCAP_IMAGE, crl))).rejects.toThrow("CollateralHashMismatch");
    const otherFmspc = await fresh((x) => (x.output.fmspc = Uint8Array.of(1, 2, 3, 4, 5, 6)));
    await expect(zk.read.verifyDcapJournal(proveRisc0(DCAP_IMAGE, otherFmspc))).rejects.toThrow("CollateralUnknown");
  });

  it("a journal older than maxJournalAge (time travel) or from the future", async () => {
    const old = encodeDcapJournal(tdxJournal(await now()));
    await networkHelpers.time.increase(Number(MAX_AGE) + 5);
    await expect(zk.read.verifyDcapJournal(proveRisc0(DCAP_IMAGE, old))).rejects.toThrow("JournalTooOld");
    const future = encodeDcapJournal(tdxJournal((await now()) + 1000n));
    await expect(zk.read.verifyDcapJournal(proveRisc0(DCAP_IMAGE, future))).rejects.toThrow("JournalFromTheFuture");
  });

  it("a Revoked or Unrecognized TCB status, an unknown TEE type, a wrong length", async () => {
    for (const s of [6, 7]) {
      const j = await fresh((x) => (x.output.tcbStatus = s));
      await expect(zk.read.verifyDcapJournal(proveRisc0(DCAP_IMAGE, j))).rejects.toThrow("TcbStatusRejected");
    }
    const j = await fresh();
    const tee = j.slice();
    tee[5] = 0x82;
    await expect(zk.read.verifyDcapJournal(proveRisc0(DCAP_IMAGE, tee))).rejects.toThrow("UnknownTeeType");
    const long = new Uint8Array([...j, 0]);
    await expect(zk.read.verifyDcapJournal(proveRisc0(DCAP_IMAGE, long))).rejects.toThrow("JournalLengthMismatch");
    await expect(zk.read.verifyDcapJournal(proveRisc0(DCAP_IMAGE, j.subarray(0, 100)))).rejects.toThrow(/Journal(TooShort|LengthMismatch)/);
  });
});

describe("proven but malformed journals (property)", () => {
  it("a re-proven journal with any flipped header, length or tail byte is refused with a custom error or decodes consistently", async () => {
    const base = encodeDcapJournal(sgxJournal((await now()) - 10n));
    const positions = fc.oneof(fc.integer({ min: 0, max: 14 }), fc.integer({ min: base.length - 260, max: base.length - 1 }));
    await fc.assert(
      fc.asyncProperty(positions, fc.integer({ min: 1, max: 255 }), async (pos, x) => {
        const m = base.slice();
        m[pos]! ^= x;
        try {
          const r = await zk.read.verifyDcapJournal(proveRisc0(DCAP_IMAGE, m));
          expect(r.quoteBody.length).toBe(2 + 2 * 384);
        } catch (e) {
          expect(String(e)).toMatch(/Journal[A-Za-z]+|UnknownTeeType|TcbStatusRejected|Collateral[A-Za-z]+/);
        }
      }),
      { numRuns: 150 },
    );
  });
});

describe("an SEV-SNP journal", () => {
  const arkHash = bytesToHex(createHash("sha256").update(milanArkDer).digest());

  it("is refused until its ARK is pinned, then decodes to the real Milan report's fields", async () => {
    const journal = encodeSnpJournal(snpJournal((await now()) - 10n));
    await expect(zk.read.verifySnpJournal(proveRisc0(SNP_IMAGE, journal))).rejects.toThrow("ArkNotPinned");
    await zk.write.setArkPinned([arkHash, true]);
    const r = await zk.read.verifySnpJournal(proveRisc0(SNP_IMAGE, journal));
    expect(r.arkHash).toBe(arkHash);
    expect(r.reportVersion).toBe(3);
    expect(Buffer.from(r.reportData.slice(2), "hex").toString("utf8").replace(/\0+$/, "")).toBe("attest-test-fixture-2026");
    expect(r.chipId.startsWith("0x38d174589d2dff97")).toBe(true);
    await expect(zk.read.verifyDcapJournal(proveRisc0(SNP_IMAGE, journal))).rejects.toThrow("ProgramNotAllowed");
  });

  it("is refused when stale or of another version", async () => {
    const stale = encodeSnpJournal(snpJournal((await now()) - MAX_AGE - 100n));
    await expect(zk.read.verifySnpJournal(proveRisc0(SNP_IMAGE, stale))).rejects.toThrow("JournalTooOld");
    const v2 = encodeSnpJournal(snpJournal(await now()));
    v2[1] = 2;
    await expect(zk.read.verifySnpJournal(proveRisc0(SNP_IMAGE, v2))).rejects.toThrow("UnsupportedJournalVersion");
  });
});

describe("governance", () => {
  // Here a wallet stands in for the Alliance (AllianceGoverned checks only the caller); which proposal
  // class may reach these setters is the Alliance's class table (test/contracts/classTable.test.ts).
  it("only the Alliance changes programs, ARKs, max age and store; each change emits an event", async () => {
    expect((await zk.read.alliance()).toLowerCase()).toBe(governor!.account.address.toLowerCase());
    await expect(asStranger.write.setProgram([RISC0, DCAP_IMAGE, KIND.None])).rejects.toThrow("NotAlliance");
    await expect(asStranger.write.setArkPinned([keccak256("0x01"), true])).rejects.toThrow("NotAlliance");
    await expect(asStranger.write.setMaxJournalAge([1n])).rejects.toThrow("NotAlliance");
    await expect(asStranger.write.setCollateralStore([stranger!.account.address])).rejects.toThrow("NotAlliance");
    const other = keccak256(stringToBytes("revoked later"));
    const hash = await zk.write.setProgram([SP1, other, KIND.Snp]);
    const receipt = await publicClient.waitForTransactionReceipt({ hash });
    expect(receipt.logs).toHaveLength(1);
    expect(await zk.read.programKind([SP1, other])).toBe(KIND.Snp);
    await zk.write.setProgram([SP1, other, KIND.None]);
    expect(await zk.read.programKind([SP1, other])).toBe(KIND.None);
  });
});

describe("the dev verifiers", () => {
  it("refuse to deploy outside chain IDs 31337 and 1337", async () => {
    const sepolia = await network.connect({ override: { chainId: 11155111 } });
    await expect(sepolia.viem.deployContract("DevRiscZeroVerifier", [])).rejects.toThrow("NotALocalChain");
    await expect(sepolia.viem.deployContract("DevSp1Verifier", [])).rejects.toThrow("NotALocalChain");
    const dev = await network.connect({ override: { chainId: 1337 } });
    await expect(dev.viem.deployContract("DevSp1Verifier", [])).resolves.toBeTruthy();
  });
});
