/**
 * Our DCAP journal (version 1: PPID header + Automata's journal) through ZkAttestationVerifier,
 * against the REAL CollateralStore holding the real tdx-v4 fixture's collateral (docs/zk-journals.md).
 * No prover runs here: the journal comes from the SDK standing in for the zkVM program
 * (test/sdk/zk/program.ts), and the seals are the dev verifiers' hash commitments, which stand in
 * for RiscZero / SP1 proofs (DevRiscZeroVerifier / DevSp1Verifier refuse to deploy off local chains).
 * "Re-proven" below means: a seal made for the mutated bytes, i.e. what a faulty allowlisted program
 * could prove, so the contract's own decoding is what is tested.
 */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { bytesToHex, getContract, keccak256, stringToBytes, type Hex } from "viem";
import { sha256 } from "@noble/hashes/sha2.js";
import {
  POC_DCAP_HEADER_LENGTH,
  decodePocDcapJournal,
  devRiscZeroSeal,
  devSp1Proof,
  encodeDcapJournal,
  encodePocDcapJournal,
  type PocDcapJournal,
} from "../../../sdk/src/zk/journal.js";
import { zkAttestationVerifierAbi } from "../../../sdk/src/chain/abi/ZkAttestationVerifier.js";
import { parseQuote } from "../../../sdk/src/intel/index.js";
import { ParseError } from "../../../sdk/src/errors.js";
import { connectAt, deployStore, loadFixture, setTime, uploadAll } from "../../../testkit/intelFixtures.js";
import { decodeRevert, expectRevertIn } from "../../../testkit/revert.js";
import { honestPocDcapProgram } from "../../sdk/zk/program.js";

const RISC0 = 0;
const SP1 = 1;
const KIND = { None: 0, Dcap: 1, Snp: 2, PocDcap: 3 } as const;
const POC_IMAGE = keccak256(stringToBytes("poc dcap image id (test)"));
const POC_VKEY = keccak256(stringToBytes("poc dcap sp1 vkey (test)"));
const AUTOMATA_IMAGE = keccak256(stringToBytes("automata dcap image id (test)"));
const SNP_IMAGE = keccak256(stringToBytes("snp image id (test)"));
const MAX_AGE = 3600n;
const FIXTURE_PPID = "0x811dca2a26b952e85bb6448b097ba4fd";

const fx = loadFixture("tdx-v4");
const conn = await connectAt(fx.verifyAt - 3600);
const { store } = await deployStore(conn);
await uploadAll(conn, store.address, fx.collateral);
const [governor] = await conn.viem.getWalletClients();
const publicClient = await conn.viem.getPublicClient();
const risc0 = await conn.viem.deployContract("DevRiscZeroVerifier");
const sp1 = await conn.viem.deployContract("DevSp1Verifier");
const deployed = await conn.viem.deployContract("ZkAttestationVerifier", [governor!.account.address, risc0.address, sp1.address, store.address, MAX_AGE]);
const zk = getContract({ address: deployed.address, abi: zkAttestationVerifierAbi, client: { public: publicClient, wallet: governor! } });
await zk.write.setProgram([RISC0, POC_IMAGE, KIND.PocDcap]);
await zk.write.setProgram([SP1, POC_VKEY, KIND.PocDcap]);
await zk.write.setProgram([RISC0, AUTOMATA_IMAGE, KIND.Dcap]);
await zk.write.setProgram([RISC0, SNP_IMAGE, KIND.Snp]);
await setTime(conn, fx.verifyAt);

const VERIFY_AT = BigInt(fx.verifyAt);
const journalAt = (timestamp: bigint) => honestPocDcapProgram({ quote: fx.quote, collateral: fx.collateral, timestamp });
const honest = await journalAt(VERIFY_AT - 10n);
const honestBytes = encodePocDcapJournal(honest);

/** Proven by our program on RiscZero (dev seal for exactly these bytes). */
const verifyPoc = (journal: Uint8Array, image: Hex = POC_IMAGE) =>
  zk.read.verifyPocDcapJournal([RISC0, image, bytesToHex(journal), devRiscZeroSeal(image, journal)]);
const expectRevert = (p: Promise<unknown>, name: string) => expectRevertIn(zkAttestationVerifierAbi, p, name);

/** What the contract returns, in the SDK's shape, for comparison with decodePocDcapJournal. */
function sdkView(j: PocDcapJournal) {
  const o = j.dcap.output;
  return {
    ppid: bytesToHex(j.ppid),
    pckCertHash: bytesToHex(j.pckCertHash),
    dcap: {
      quoteVersion: o.quoteVersion,
      teeType: `0x${o.teeType.toString(16).padStart(8, "0")}`,
      tcbStatus: o.tcbStatus,
      fmspc: bytesToHex(o.fmspc),
      quoteBody: bytesToHex(o.quoteBody),
      advisoryIds: o.advisoryIds,
      timestamp: j.dcap.timestamp,
    },
  };
}

describe("the real tdx-v4 quote's journal in our format, against the real CollateralStore", () => {
  it("verifies and names the fixture's PPID and PCK leaf certificate", async () => {
    const r = await verifyPoc(honestBytes);
    expect(r.ppid).toBe(FIXTURE_PPID);
    expect(r.pckCertHash).toBe(bytesToHex(sha256(parseQuote(fx.quote).pckChain[0]!)));
    expect(r.dcap.teeType).toBe("0x00000081");
    expect(r.dcap.quoteVersion).toBe(4);
    expect(r.dcap.tcbStatus).toBe(0);
    expect(r.dcap.fmspc).toBe("0xb0c06f000000");
    expect(r.dcap.quoteBody).toBe(bytesToHex(fx.quote.subarray(48, 48 + 584)));
    expect(r.dcap.timestamp).toBe(VERIFY_AT - 10n);
  });

  it("SDK/contract differential: the contract returns exactly what decodePocDcapJournal reads", async () => {
    expect(honestBytes.length).toBe(POC_DCAP_HEADER_LENGTH + 799);
    expect(await verifyPoc(honestBytes)).toEqual(sdkView(decodePocDcapJournal(honestBytes)));
  });

  it("the inner journal is Automata's, unchanged: an Automata-kind program proving it gets the same output", async () => {
    const inner = honestBytes.subarray(POC_DCAP_HEADER_LENGTH);
    expect(inner).toEqual(encodeDcapJournal(honest.dcap));
    const automata = await zk.read.verifyDcapJournal([RISC0, AUTOMATA_IMAGE, bytesToHex(inner), devRiscZeroSeal(AUTOMATA_IMAGE, inner)]);
    expect(automata).toEqual((await verifyPoc(honestBytes)).dcap);
  });

  it("verifies through SP1 (public values = the journal)", async () => {
    const r = await zk.read.verifyPocDcapJournal([SP1, POC_VKEY, bytesToHex(honestBytes), devSp1Proof(POC_VKEY, honestBytes)]);
    expect(r.ppid).toBe(FIXTURE_PPID);
  });
});

describe("program kinds: Automata's program and ours never stand in for each other", () => {
  it("a program allowed for Automata's journal (or SNP's, or none) cannot prove ours", async () => {
    for (const [image, kind] of [[AUTOMATA_IMAGE, "Automata"], [SNP_IMAGE, "SNP"], [keccak256(stringToBytes("unknown")), "none"]] as const) {
      const args = await expectRevert(verifyPoc(honestBytes, image), "ProgramNotAllowed");
      expect(args, kind).toEqual([RISC0, image, KIND.PocDcap]);
    }
    // Allowed on RiscZero is not allowed on SP1.
    await expectRevert(zk.read.verifyPocDcapJournal([SP1, POC_IMAGE, bytesToHex(honestBytes), devSp1Proof(POC_IMAGE, honestBytes)]), "ProgramNotAllowed");
  });

  it("our program cannot prove Automata's journal", async () => {
    const inner = honestBytes.subarray(POC_DCAP_HEADER_LENGTH);
    const args = await expectRevert(zk.read.verifyDcapJournal([RISC0, POC_IMAGE, bytesToHex(inner), devRiscZeroSeal(POC_IMAGE, inner)]), "ProgramNotAllowed");
    expect(args).toEqual([RISC0, POC_IMAGE, KIND.Dcap]);
  });

  it("our journal proven by Automata's program does not decode as Automata's (the header is no output length)", async () => {
    await expectRevert(zk.read.verifyDcapJournal([RISC0, AUTOMATA_IMAGE, bytesToHex(honestBytes), devRiscZeroSeal(AUTOMATA_IMAGE, honestBytes)]), "JournalLengthMismatch");
  });

  it("the allowlist kind is governed: revoking our program refuses the journal it proved", async () => {
    await zk.write.setProgram([RISC0, POC_IMAGE, KIND.None]);
    try {
      await expectRevert(verifyPoc(honestBytes), "ProgramNotAllowed");
    } finally {
      await zk.write.setProgram([RISC0, POC_IMAGE, KIND.PocDcap]);
    }
    expect((await verifyPoc(honestBytes)).ppid).toBe(FIXTURE_PPID);
  });
});

describe("a bad header", () => {
  it("any version but 1 is UnsupportedJournalVersion(version)", async () => {
    for (const v of [0, 2, 0x0100, 0xffff]) {
      const m = honestBytes.slice();
      m[0] = v >> 8;
      m[1] = v & 0xff;
      expect(await expectRevert(verifyPoc(m), "UnsupportedJournalVersion")).toEqual([v]);
    }
  });

  it("every truncation reverts with a typed error: the header's own below 50 bytes, the inner journal's after", async () => {
    for (let n = 0; n < honestBytes.length; n++) {
      const t = honestBytes.subarray(0, n);
      const err = decodeRevertOf(await failure(verifyPoc(t)));
      if (n < POC_DCAP_HEADER_LENGTH) expect(err, `length ${n}`).toEqual({ name: "JournalHeaderTooShort", args: [BigInt(n), 50n] });
      else expect(err.name, `length ${n}`).toMatch(/^Journal(TooShort|LengthMismatch)$/);
      expect(() => decodePocDcapJournal(t), `SDK, length ${n}`).toThrow(ParseError);
    }
    await expectRevert(verifyPoc(new Uint8Array([...honestBytes, 0])), "JournalLengthMismatch");
  });

  it("a flipped header byte under the original seal is refused by the proof check", async () => {
    const seal = devRiscZeroSeal(POC_IMAGE, honestBytes);
    for (let i = 0; i < POC_DCAP_HEADER_LENGTH; i++) {
      const m = honestBytes.slice();
      m[i]! ^= 0x01 << i % 8;
      await expectRevertIn([...zkAttestationVerifierAbi, ...risc0.abi], zk.read.verifyPocDcapJournal([RISC0, POC_IMAGE, bytesToHex(m), seal]), "DevSealMismatch");
    }
  });

  it("a flipped header byte, re-proven: version bytes are refused, PPID and certificate hash bytes come back as written", async () => {
    for (let i = 0; i < POC_DCAP_HEADER_LENGTH; i++) {
      const m = honestBytes.slice();
      m[i]! ^= 0x80 >> i % 8;
      if (i < 2) {
        await expectRevert(verifyPoc(m), "UnsupportedJournalVersion");
        continue;
      }
      const r = await verifyPoc(m);
      expect(r).toEqual(sdkView(decodePocDcapJournal(m)));
      expect(i < 18 ? r.ppid : r.pckCertHash, `byte ${i}`).not.toBe(i < 18 ? FIXTURE_PPID : bytesToHex(honest.pckCertHash));
    }
  });
});

describe("the same checks as Automata's journal", () => {
  it("time window: older than maxJournalAge is JournalTooOld, later than the block is JournalFromTheFuture", async () => {
    const now = (await publicClient.getBlock()).timestamp;
    await expectRevert(verifyPoc(encodePocDcapJournal(await journalAt(now - MAX_AGE - 60n))), "JournalTooOld");
    await expectRevert(verifyPoc(encodePocDcapJournal(await journalAt(now + 600n))), "JournalFromTheFuture");
    expect((await verifyPoc(encodePocDcapJournal(await journalAt(now - MAX_AGE + 60n)))).ppid).toBe(FIXTURE_PPID);
  });

  it("collateral hashes are checked against the store, TCB status Revoked / Unrecognized refused", async () => {
    const tcb = { ...honest, dcap: { ...honest.dcap, collateralHashes: { ...honest.dcap.collateralHashes, tcbInfo: keccak256(stringToBytes("older tcb info")) } } };
    await expectRevert(verifyPoc(encodePocDcapJournal(tcb)), "CollateralHashMismatch");
    for (const s of [6, 7]) {
      const j = { ...honest, dcap: { ...honest.dcap, output: { ...honest.dcap.output, tcbStatus: s } } };
      expect(await expectRevert(verifyPoc(encodePocDcapJournal(j)), "TcbStatusRejected")).toEqual([s]);
    }
  });
});

describe("random mutations never pass silently (property)", () => {
  const ALLOWED = /^(Journal[A-Za-z]+|UnsupportedJournalVersion|UnknownTeeType|TcbStatusRejected|Collateral[A-Za-z]+)$/;
  type Mutation = { kind: "flip"; at: number; x: number } | { kind: "cut"; at: number } | { kind: "insert"; at: number; x: number };
  const len = honestBytes.length;
  // Bias towards the header, Automata's output header and the collateral hashes, where fields live.
  const position = fc.oneof(fc.integer({ min: 0, max: 70 }), fc.integer({ min: len - 210, max: len - 1 }), fc.integer({ min: 0, max: len - 1 }));
  const mutation: fc.Arbitrary<Mutation> = fc.oneof(
    fc.record({ kind: fc.constant("flip" as const), at: position, x: fc.integer({ min: 1, max: 255 }) }),
    fc.record({ kind: fc.constant("cut" as const), at: position }),
    fc.record({ kind: fc.constant("insert" as const), at: position, x: fc.integer({ min: 0, max: 255 }) }),
  );
  const apply = (b: Uint8Array, m: Mutation): Uint8Array => {
    if (m.kind === "cut") return b.slice(0, m.at);
    if (m.kind === "insert") return new Uint8Array([...b.subarray(0, m.at), m.x, ...b.subarray(m.at)]);
    const out = b.slice();
    out[m.at]! ^= m.x;
    return out;
  };

  it("re-proven mutated journals: a custom error, or exactly what the SDK decodes from the same bytes", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 3 }), async (ms) => {
        const m = ms.reduce(apply, honestBytes);
        let result: Awaited<ReturnType<typeof verifyPoc>> | undefined;
        let error: unknown;
        try {
          result = await verifyPoc(m);
        } catch (e) {
          error = e;
        }
        if (result === undefined) {
          expect(decodeRevert(error, zkAttestationVerifierAbi).name).toMatch(ALLOWED);
          return;
        }
        // It passed: the SDK must decode the same bytes to the same fields.
        expect(result).toEqual(sdkView(decodePocDcapJournal(m)));
      }),
      { numRuns: 200 },
    );
  });
});

// ---- helpers

async function failure(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error("expected a revert, but the call succeeded");
}

function decodeRevertOf(e: unknown) {
  const d = decodeRevert(e, zkAttestationVerifierAbi);
  return { name: d.name, args: d.args };
}
