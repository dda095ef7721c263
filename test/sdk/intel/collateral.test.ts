/** Collateral checks: signatures over exact bytes, chains to the pinned root, CRLs, QE identity policy. */
import { describe, expect, it } from "vitest";
import { ParseError, PocError, VerificationError } from "../../../sdk/src/errors.js";
import {
  createIntelVerifierCache,
  parseEnclaveIdentity,
  parseQuote,
  verifyQuote,
  type QuoteCollateralV3,
} from "../../../sdk/src/intel/index.js";
import { evaluateQeIdentity } from "../../../sdk/src/intel/tcb.js";
import { sgxV3, tdxV4 } from "./fixtures.js";

const base = JSON.parse(tdxV4.collateral!) as QuoteCollateralV3;
const sgxBase = JSON.parse(sgxV3.collateral!) as QuoteCollateralV3;

async function check(collateral: unknown, quote = tdxV4.quote, at = tdxV4.at): Promise<string> {
  try {
    await verifyQuote({ quote, collateral: collateral as QuoteCollateralV3, now: at, cache: createIntelVerifierCache() });
    return "accepted";
  } catch (e) {
    if (e instanceof VerificationError) return e.check;
    if (e instanceof ParseError) return `parse:${e.field}`;
    throw e;
  }
}

describe("TCB info and QE identity are signed over their exact JSON bytes", () => {
  it("one more space in tcb_info breaks its signature", async () => {
    expect(await check({ ...base, tcb_info: base.tcb_info.replace('"id":', '"id": ') })).toBe("tcbInfo.signature");
  });
  it("a changed status in tcb_info breaks its signature", async () => {
    expect(await check({ ...base, tcb_info: base.tcb_info.replace('"OutOfDate"', '"UpToDate"') })).toBe("tcbInfo.signature");
  });
  it("a flipped byte of either signature is rejected", async () => {
    const flip = (s: string) => (s[0] === "0" ? "1" : "0") + s.slice(1);
    expect(await check({ ...base, tcb_info_signature: flip(base.tcb_info_signature as string) })).toBe("tcbInfo.signature");
    expect(await check({ ...base, qe_identity_signature: flip(base.qe_identity_signature as string) })).toBe("qeIdentity.signature");
  });
  it("collateral of another platform (SGX TCB info, correctly signed) does not fit a TDX quote", async () => {
    expect(await check({ ...base, tcb_info: sgxBase.tcb_info, tcb_info_signature: sgxBase.tcb_info_signature }, tdxV4.quote, tdxV4.at)).toMatch(
      /tcbInfo\.(teeType|fmspc)|expired/,
    );
    expect(await check({ ...base, qe_identity: sgxBase.qe_identity, qe_identity_signature: sgxBase.qe_identity_signature }, tdxV4.quote, sgxV3.at)).toBe(
      "qeIdentity.id",
    );
  });
});

describe("chains end at the pinned Intel SGX Root CA", () => {
  it("a trust anchor other than the pinned root rejects the real chains", async () => {
    const pckCa = parseQuote(tdxV4.quote).pckChain[1]!;
    const err = await verifyQuote({ quote: tdxV4.quote, collateral: tdxV4.collateral!, now: tdxV4.at, rootCaDer: pckCa }).catch((e) => e);
    expect(err).toBeInstanceOf(VerificationError);
  });
  it("an issuer chain with its root cut off still verifies to the pinned root; one with only a root does not", async () => {
    const cut = (pem: string) => pem.slice(0, pem.indexOf("-----END CERTIFICATE-----") + 26);
    expect(await check({ ...base, tcb_info_issuer_chain: cut(base.tcb_info_issuer_chain) })).toBe("accepted");
    const rootOnly = base.tcb_info_issuer_chain.slice(base.tcb_info_issuer_chain.indexOf("-----END CERTIFICATE-----") + 26);
    expect(await check({ ...base, tcb_info_issuer_chain: rootOnly })).toBe("tcbInfoIssuerChain.chain");
  });
  it("the TCB signing chain cannot stand in for the PCK CRL issuer", async () => {
    expect(await check({ ...base, pck_crl_issuer_chain: base.tcb_info_issuer_chain })).toBe("pckCrl.issuer");
  });
  it("a PCK CRL from the other PCK CA does not cover this PCK certificate", async () => {
    // sgx-v3's PCK CRL is the Processor CA's; tdx-v4's certificate comes from the Platform CA.
    expect(
      await check({ ...base, pck_crl: sgxBase.pck_crl, pck_crl_issuer_chain: sgxBase.pck_crl_issuer_chain, root_ca_crl: sgxBase.root_ca_crl }, tdxV4.quote, tdxV4.at),
    ).toMatch(/pckCrl\.issuer|expired|notYetValid/);
  });
  it("swapped CRLs fail their issuer check", async () => {
    expect(await check({ ...base, root_ca_crl: base.pck_crl, pck_crl: base.root_ca_crl })).toBe("rootCaCrl.issuer");
  });
});

describe("QE identity policy (MRSIGNER, ISVPRODID, masked MISCSELECT and ATTRIBUTES, ISVSVN)", () => {
  const qe = parseQuote(tdxV4.quote).qeReport;
  const identity = parseEnclaveIdentity(JSON.parse(base.qe_identity));
  it("the fixture QE is UpToDate", () => expect(evaluateQeIdentity(qe, identity).status).toBe("UpToDate"));
  it("another MRSIGNER is refused", () => {
    expect(() => evaluateQeIdentity(qe, { ...identity, mrSigner: new Uint8Array(32) })).toThrow(expect.objectContaining({ check: "qeIdentity.mrSigner" }));
  });
  it("another ISVPRODID is refused", () => {
    expect(() => evaluateQeIdentity(qe, { ...identity, isvProdId: 7 })).toThrow(expect.objectContaining({ check: "qeIdentity.isvProdId" }));
  });
  it("MISCSELECT and ATTRIBUTES are compared under their masks only", () => {
    expect(() => evaluateQeIdentity(qe, { ...identity, miscSelect: 1 })).toThrow(expect.objectContaining({ check: "qeIdentity.miscSelect" }));
    expect(evaluateQeIdentity(qe, { ...identity, miscSelect: 1, miscSelectMask: 0xfffffffe }).status).toBe("UpToDate");
    const attributes = identity.attributes.slice();
    attributes[0] ^= 0x02; // DEBUG, inside the mask
    expect(() => evaluateQeIdentity(qe, { ...identity, attributes })).toThrow(expect.objectContaining({ check: "qeIdentity.attributes" }));
    const outside = identity.attributes.slice();
    outside[15] ^= 0xff; // outside the mask
    expect(evaluateQeIdentity(qe, { ...identity, attributes: outside }).status).toBe("UpToDate");
  });
  it("the QE TCB level is the first whose ISVSVN the QE reaches; below all is refused", () => {
    const levels = [
      { isvSvn: 99, tcbDate: 0, tcbStatus: "UpToDate" as const, advisoryIds: [] },
      { isvSvn: 1, tcbDate: 0, tcbStatus: "OutOfDate" as const, advisoryIds: ["INTEL-SA-1"] },
    ];
    expect(evaluateQeIdentity(qe, { ...identity, tcbLevels: levels })).toMatchObject({ status: "OutOfDate", advisoryIds: ["INTEL-SA-1"] });
    expect(() => evaluateQeIdentity(qe, { ...identity, tcbLevels: levels.slice(0, 1) })).toThrow(expect.objectContaining({ check: "qeIdentity.isvSvn" }));
  });
});

describe("malformed collateral is a ParseError naming the field", () => {
  it.each([
    ["missing tcb_info", { ...base, tcb_info: undefined }, /tcb_info/],
    ["non-hex CRL", { ...base, pck_crl: "zz" }, /pck_crl/],
    ["short signature", { ...base, tcb_info_signature: "00" }, /tcb_info_signature/],
    ["not JSON", "{", /json/],
  ])("%s", async (_name, c, field) => {
    const err = await verifyQuote({ quote: tdxV4.quote, collateral: c as QuoteCollateralV3, now: tdxV4.at, cache: createIntelVerifierCache() }).catch((e) => e);
    expect(err).toBeInstanceOf(ParseError);
    expect((err as ParseError).field).toMatch(field);
  });
  it("a TCB info with a bad field (signature valid over it is impossible, so parse errors surface only after the signature)", async () => {
    expect(await check({ ...base, tcb_info: "{}" })).toBe("tcbInfo.signature");
  });
  it("every error is a PocError", async () => {
    const err = await verifyQuote({ quote: tdxV4.quote, collateral: { ...base, pck_crl: [1, 2, 300] } as never, now: tdxV4.at }).catch((e) => e);
    expect(err).toBeInstanceOf(PocError);
  });
});
