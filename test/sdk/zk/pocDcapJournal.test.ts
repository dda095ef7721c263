/**
 * Our DCAP journal (version 1) in the SDK: the journal an honest program writes for the real
 * fixtures, its byte layout, decoding with typed errors under truncation and mutation, and the
 * workload fields WorkloadVerifier takes from it (docs/zk-journals.md, docs/workload.md).
 */
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { createHash } from "node:crypto";
import fc from "fast-check";
import { bytesToHex, keccak256, stringToBytes } from "viem";
import {
  POC_DCAP_HEADER_LENGTH,
  POC_DCAP_JOURNAL_VERSION,
  decodePocDcapJournal,
  encodeDcapJournal,
  encodePocDcapJournal,
  pocDcapJournalFromQuote,
  type PocDcapJournal,
} from "../../../sdk/src/zk/journal.js";
import { TeeType, tdxTeeRegisters, workloadFromPocDcapJournal } from "../../../sdk/src/chain/workload.js";
import { platformKey } from "../../../sdk/src/vocabulary/platformKey.js";
import { TCB_STATUS_NAMES } from "../../../sdk/src/vocabulary/tcbStatus.js";
import { parseQuote } from "../../../sdk/src/intel/index.js";
import { ParseError, VerificationError } from "../../../sdk/src/errors.js";
import { sgxCollateral, sgxQuote, tdxCollateral, tdxJournal, tdxQuote } from "./fixtures.js";
import { honestPocDcapProgram } from "./program.js";

const AT = 1751624163n; // tdx-v4's verify time (test/fixtures/PROVENANCE.md)
const SALT = keccak256(stringToBytes("poc dcap journal sdk test salt"));
const sha256hex = (b: Uint8Array) => `0x${createHash("sha256").update(b).digest("hex")}`;
const tdx = () => pocDcapJournalFromQuote(tdxQuote, { tcbStatus: "UpToDate", timestamp: AT, collateral: tdxCollateral });
const bytes = encodePocDcapJournal(tdx());

function parseErrorOf(f: () => unknown): ParseError {
  try {
    f();
  } catch (e) {
    if (e instanceof ParseError) return e;
    throw e;
  }
  throw new Error("expected a ParseError, but it decoded");
}

describe("the journal an honest program writes for the real tdx-v4 quote", () => {
  it("names the fixture's PPID and sha256 of the PCK leaf certificate's DER", () => {
    const j = tdx();
    expect(bytesToHex(j.ppid)).toBe("0x811dca2a26b952e85bb6448b097ba4fd");
    expect(bytesToHex(j.pckCertHash)).toBe(sha256hex(parseQuote(tdxQuote).pckChain[0]!));
  });

  it("is u16 1 || PPID || certificate hash || Automata's journal for the same verdict, unchanged", () => {
    const j = tdx();
    expect(bytes.subarray(0, 2)).toEqual(Uint8Array.of(0, 1));
    expect(bytes.subarray(2, 18)).toEqual(j.ppid);
    expect(bytes.subarray(18, 50)).toEqual(j.pckCertHash);
    expect(bytes.subarray(POC_DCAP_HEADER_LENGTH)).toEqual(encodeDcapJournal(tdxJournal(AT)));
    expect(bytes.length).toBe(50 + 2 + 13 + 584 + 200);
  });

  it("is what the program stand-in writes after verifying the quote with its collateral", async () => {
    expect(await honestPocDcapProgram({ quote: tdxQuote, collateral: tdxCollateral, timestamp: AT })).toEqual(tdx());
  });

  it("the stand-in writes nothing for a quote that does not verify (collateral expired at that time)", async () => {
    await expect(honestPocDcapProgram({ quote: tdxQuote, collateral: tdxCollateral, timestamp: AT + 400n * 86_400n })).rejects.toThrow(VerificationError);
  });

  it("round-trips through decode", () => {
    expect(decodePocDcapJournal(bytes)).toEqual(tdx());
    expect(encodePocDcapJournal(decodePocDcapJournal(bytesToHex(bytes)))).toEqual(bytes);
  });

  it("the TEE.fail quote's journal names its PPID, the one a Proof-of-Cloud registry must not hold", () => {
    const teeFail = new Uint8Array(readFileSync("test/fixtures/intel/tdx-v4-tee-fail/quote.bin"));
    const j = pocDcapJournalFromQuote(teeFail, { tcbStatus: "UpToDate", timestamp: AT, collateral: tdxCollateral });
    expect(bytesToHex(j.ppid)).toBe("0xea13c3903ba2db3b83fed09efb90c417");
    expect(bytesToHex(j.dcap.output.fmspc)).toBe("0xc0806f000000");
  });

  it("a quote that does not parse gives a ParseError, not a journal", () => {
    expect(() => pocDcapJournalFromQuote(tdxQuote.subarray(0, 700), { tcbStatus: "UpToDate", timestamp: AT, collateral: tdxCollateral })).toThrow(ParseError);
  });
});

describe("decoding refuses bad bytes with a ParseError naming field and offset", () => {
  it("a version other than 1", () => {
    for (const v of [0, 2, 0xffff]) {
      const m = bytes.slice();
      m[0] = v >> 8;
      m[1] = v & 0xff;
      expect(parseErrorOf(() => decodePocDcapJournal(m))).toMatchObject({ field: "journalVersion", offset: 0, expected: String(POC_DCAP_JOURNAL_VERSION) });
    }
  });

  it("every truncation: the header field it cuts, or the inner journal at offsets from our journal's start", () => {
    for (let n = 0; n < bytes.length; n++) {
      const e = parseErrorOf(() => decodePocDcapJournal(bytes.subarray(0, n)));
      if (n < 2) expect(e, `length ${n}`).toMatchObject({ field: "journalVersion", offset: 0 });
      else if (n < 18) expect(e, `length ${n}`).toMatchObject({ field: "ppid", offset: 2 });
      else if (n < 50) expect(e, `length ${n}`).toMatchObject({ field: "pckCertHash", offset: 18 });
      else expect(e.offset, `length ${n}`).toBeGreaterThanOrEqual(50);
    }
    expect(parseErrorOf(() => decodePocDcapJournal(new Uint8Array([...bytes, 0])))).toMatchObject({ field: "outputLength", offset: 50 });
  });

  it("an unknown TEE type is reported at its offset in our journal (50 + 2 + 2)", () => {
    const m = bytes.slice();
    m[57] = 0x82;
    expect(parseErrorOf(() => decodePocDcapJournal(m))).toMatchObject({ field: "teeType", offset: 54 });
  });

  it("random mutations either decode or throw a ParseError inside the journal, never anything else (property)", () => {
    const position = fc.oneof(fc.integer({ min: 0, max: 70 }), fc.integer({ min: 0, max: bytes.length - 1 }));
    fc.assert(
      fc.property(fc.array(fc.tuple(position, fc.integer({ min: 1, max: 255 }), fc.boolean()), { minLength: 1, maxLength: 4 }), (ops) => {
        let m = bytes.slice();
        for (const [at, x, cut] of ops) {
          if (cut) m = m.slice(0, at);
          else if (at < m.length) m[at]! ^= x;
        }
        try {
          const d = decodePocDcapJournal(m);
          expect(encodePocDcapJournal(d)).toEqual(m);
        } catch (e) {
          expect(e).toBeInstanceOf(ParseError);
          expect((e as ParseError).offset).toBeGreaterThanOrEqual(0);
          expect((e as ParseError).offset).toBeLessThanOrEqual(m.length);
        }
      }),
      { numRuns: 500 },
    );
  });

  it("round-trips any PPID, certificate hash and timestamp (property)", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), (ppid, pckCertHash, timestamp) => {
        const j: PocDcapJournal = { ...tdx(), ppid, pckCertHash };
        j.dcap = { ...j.dcap, timestamp };
        expect(decodePocDcapJournal(encodePocDcapJournal(j))).toEqual(j);
      }),
    );
  });

  it("encoding refuses a PPID or certificate hash of the wrong size", () => {
    expect(() => encodePocDcapJournal({ ...tdx(), ppid: new Uint8Array(15) })).toThrow(RangeError);
    expect(() => encodePocDcapJournal({ ...tdx(), pckCertHash: new Uint8Array(31) })).toThrow(RangeError);
  });
});

describe("workloadFromPocDcapJournal: what WorkloadVerifier takes from the journal", () => {
  it("TDX registers and report data from the body, the PPID as kind-1 hardware ID, the journal time", () => {
    const w = workloadFromPocDcapJournal(bytes, SALT);
    expect(w.teeType).toBe(TeeType.Tdx);
    expect(w.teeRegisters).toBe(bytesToHex(tdxTeeRegisters(tdxQuote)));
    expect(w.reportData).toBe(bytesToHex(parseQuote(tdxQuote).body.reportData));
    expect(w.hardwareKind).toBe(1);
    expect(w.hardwareId).toBe("0x811dca2a26b952e85bb6448b097ba4fd");
    expect(w.platformKey).toBe(platformKey(1, "0x811dca2a26b952e85bb6448b097ba4fd", SALT));
    expect(w.evidenceTime).toBe(AT);
    expect(w.tcbStatusName).toBe("UpToDate");
  });

  it("renumbers Automata's TCB status to IQuoteVerifier's (2 and 3 swap) and refuses Revoked / Unrecognized", () => {
    const expected = ["UpToDate", "SWHardeningNeeded", "ConfigurationAndSWHardeningNeeded", "ConfigurationNeeded", "OutOfDate", "OutOfDateConfigurationNeeded"];
    for (let code = 0; code < 8; code++) {
      const j = tdx();
      j.dcap.output.tcbStatus = code;
      if (code >= 6) {
        expect(() => workloadFromPocDcapJournal(j, SALT)).toThrow(VerificationError);
        continue;
      }
      const w = workloadFromPocDcapJournal(j, SALT);
      expect(w.tcbStatusName).toBe(expected[code]);
      expect(TCB_STATUS_NAMES[w.tcbStatus]).toBe(expected[code]);
    }
    expect(workloadFromPocDcapJournal({ ...tdx(), dcap: { ...tdx().dcap, output: { ...tdx().dcap.output, tcbStatus: 2 } } }, SALT).tcbStatus).toBe(3);
  });

  it("an SGX quote's journal is refused, as onchain (UnsupportedTee)", () => {
    const sgx = pocDcapJournalFromQuote(sgxQuote, { tcbStatus: "ConfigurationAndSWHardeningNeeded", timestamp: AT, collateral: sgxCollateral });
    expect(sgx.ppid.length).toBe(16);
    expect(() => workloadFromPocDcapJournal(encodePocDcapJournal(sgx), SALT)).toThrow(VerificationError);
  });
});
