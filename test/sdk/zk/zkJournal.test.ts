import { describe, expect, it } from "vitest";
import { createHash } from "node:crypto";
import fc from "fast-check";
import { decodeAbiParameters, bytesToHex, keccak256 } from "viem";
import {
  buildDcapProgramInput,
  buildSnpProgramInput,
  COLLATERAL_KINDS,
  decodeDcapJournal,
  decodeSnpJournal,
  encodeDcapJournal,
  encodeSnpJournal,
  SNP_JOURNAL_LENGTH,
  TEE_TYPE_SGX,
  TEE_TYPE_TDX,
} from "../../../sdk/src/zk/journal.js";
import { ParseError } from "../../../sdk/src/errors.js";
import { milanArkDer, sgxJournal, snpInputs, snpJournal, tdxCollateral, tdxJournal, tdxQuote } from "./fixtures.js";

describe("Automata's DCAP journal", () => {
  it("carries the real TDX v4 quote's body, tee type, status, FMSPC and the six collateral hashes", () => {
    const j = tdxJournal(1751624163n);
    const bytes = encodeDcapJournal(j);
    expect(bytes.length).toBe(2 + 13 + 584 + 200);
    expect(bytes.subarray(0, 2)).toEqual(Uint8Array.of(0x02, 0x55)); // 597 = 13 + 584
    const d = decodeDcapJournal(bytes);
    expect(d.output.teeType).toBe(TEE_TYPE_TDX);
    expect(d.output.quoteVersion).toBe(4);
    expect(d.output.quoteBody).toEqual(tdxQuote.subarray(48, 632));
    expect(Buffer.from(d.output.fmspc).toString("hex")).toBe("b0c06f000000");
    expect(d.timestamp).toBe(1751624163n);
    expect(d.collateralHashes.tcbInfo).toBe(keccak256(new TextEncoder().encode(tdxCollateral.tcb_info)));
    expect(d.collateralHashes.pckCrl).toBe(keccak256(Buffer.from(tdxCollateral.pck_crl, "hex")));
  });

  it("appends advisory IDs as abi.encode(string[]) and reads them back (real SGX v3)", () => {
    const j = sgxJournal(1751626571n);
    const d = decodeDcapJournal(encodeDcapJournal(j));
    expect(d.output.teeType).toBe(TEE_TYPE_SGX);
    expect(d.output.quoteBody.length).toBe(384);
    expect(d.output.tcbStatus).toBe(2);
    expect(d.output.advisoryIds).toEqual(["INTEL-SA-00289", "INTEL-SA-00615"]);
  });

  it("refuses every truncation and extension with a ParseError", () => {
    const bytes = encodeDcapJournal(sgxJournal(1n));
    for (let n = 0; n < bytes.length; n += 7) expect(() => decodeDcapJournal(bytes.subarray(0, n))).toThrow(ParseError);
    expect(() => decodeDcapJournal(new Uint8Array([...bytes, 0]))).toThrow(ParseError);
  });

  it("round-trips arbitrary outputs (property)", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(TEE_TYPE_SGX, TEE_TYPE_TDX),
        fc.integer({ min: 0, max: 7 }),
        fc.uint8Array({ minLength: 6, maxLength: 6 }),
        fc.array(fc.stringMatching(/^INTEL-SA-\d{5}$/), { maxLength: 4 }),
        fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
        (tee, status, fmspc, advisoryIds, timestamp) => {
          const body = new Uint8Array(tee === TEE_TYPE_SGX ? 384 : 584).fill(status);
          const h = bytesToHex(new Uint8Array(32).fill(status));
          const j = {
            output: { quoteVersion: tee === TEE_TYPE_SGX ? 3 : 4, teeType: tee, tcbStatus: status, fmspc, quoteBody: body, advisoryIds },
            timestamp,
            collateralHashes: { tcbInfo: h, qeIdentity: h, rootCa: h, tcbSigning: h, rootCaCrl: h, pckCrl: h },
          };
          expect(decodeDcapJournal(encodeDcapJournal(j))).toEqual(j);
        },
      ),
      { numRuns: 50 },
    );
  });
});

describe("our SEV-SNP journal", () => {
  it("takes the real Milan report's fields at their ABI offsets and hashes the certificates", () => {
    const j = snpJournal(1766668537n);
    expect(Buffer.from(j.reportData).toString("utf8").replace(/\0+$/, "")).toBe("attest-test-fixture-2026");
    expect(Buffer.from(j.chipId).toString("hex").startsWith("38d174589d2dff97")).toBe(true);
    expect(j.reportVersion).toBe(3);
    expect(Buffer.from(j.arkHash).toString("hex")).toBe(createHash("sha256").update(milanArkDer).digest("hex"));
    const bytes = encodeSnpJournal(j);
    expect(bytes.length).toBe(SNP_JOURNAL_LENGTH);
    expect(decodeSnpJournal(bytes)).toEqual(j);
  });

  it("refuses a wrong version, truncation and trailing bytes", () => {
    const bytes = encodeSnpJournal(snpJournal(1n));
    const v2 = bytes.slice();
    v2[1] = 2;
    expect(() => decodeSnpJournal(v2)).toThrow(ParseError);
    for (let n = 0; n < bytes.length; n += 11) expect(() => decodeSnpJournal(bytes.subarray(0, n))).toThrow(ParseError);
    expect(() => decodeSnpJournal(new Uint8Array([...bytes, 1]))).toThrow(ParseError);
  });
});

describe("zk program inputs", () => {
  it("DCAP: abi.encode(bytes collateral JSON, bytes quote, uint64 timestamp)", () => {
    const input = buildDcapProgramInput({ quote: tdxQuote, collateral: tdxCollateral, timestamp: 1751624163n });
    const [collateral, quote, ts] = decodeAbiParameters([{ type: "bytes" }, { type: "bytes" }, { type: "uint64" }], input);
    expect(JSON.parse(Buffer.from(collateral.slice(2), "hex").toString("utf8"))).toEqual(tdxCollateral);
    expect(quote).toBe(bytesToHex(tdxQuote));
    expect(ts).toBe(1751624163n);
  });

  it("SNP: abi.encode(bytes report, bytes vcek, bytes ask, bytes ark, uint64 timestamp)", () => {
    const p = snpInputs(5n);
    const [report, vcek, , ark, ts] = decodeAbiParameters(
      [{ type: "bytes" }, { type: "bytes" }, { type: "bytes" }, { type: "bytes" }, { type: "uint64" }],
      buildSnpProgramInput(p),
    );
    expect(report).toBe(bytesToHex(p.report));
    expect(vcek).toBe(bytesToHex(p.vcek));
    expect(ark).toBe(bytesToHex(p.ark));
    expect(ts).toBe(5n);
  });

  it("names collateral kinds exactly as CollateralKinds.sol", () => {
    expect(COLLATERAL_KINDS.tcbInfoTdx).toBe(keccak256(new TextEncoder().encode("poc.collateral.TCB_INFO_TDX")));
  });
});
