import { describe, expect, it } from "vitest";
import { createRequire } from "node:module";
import { hex } from "../../../sdk/src/bytes.js";
import { VerificationError } from "../../../sdk/src/errors.js";
import {
  createIntelVerifierCache,
  INTEL_SGX_ROOT_CA_DER,
  parsePckExtensions,
  parseQuote,
  verifyQuote,
  verifyQuoteSignatures,
  type VerifyQuoteReturnType,
} from "../../../sdk/src/intel/index.js";
import { ROOT_CA_FIXTURE, teeFail, WITH_COLLATERAL, type IntelFixture } from "./fixtures.js";

const require = createRequire(import.meta.url);
const peer = require("@phala/dcap-qvl") as {
  verify: (q: Uint8Array, c: unknown, now: number) => { status: string; advisory_ids: string[] };
};

async function outcome(f: IntelFixture, cache = createIntelVerifierCache()) {
  try {
    return { result: await verifyQuote({ quote: f.quote, collateral: f.collateral!, now: f.at, cache }) };
  } catch (error) {
    return { error };
  }
}

describe("the pinned root", () => {
  it("is byte-identical to test/fixtures/intel/intel-sgx-root-ca.der", () => {
    expect(hex(INTEL_SGX_ROOT_CA_DER)).toBe(hex(ROOT_CA_FIXTURE));
  });
});

describe("every Intel fixture gives exactly its expected result", () => {
  for (const f of WITH_COLLATERAL) {
    it(`${f.name}: ${"status" in f.expected ? f.expected.status : "rejected: " + f.expected.rejected}`, async () => {
      const o = await outcome(f);
      if ("status" in f.expected) {
        expect(o.error).toBeUndefined();
        const r = o.result as VerifyQuoteReturnType;
        expect(r.status).toBe(f.expected.status);
        expect(r.advisoryIds).toEqual(f.expected.advisoryIds);
        expect(r.ppid).toBe(`0x${f.ppid}`);
        expect(r.fmspc).toBe(`0x${f.fmspc}`);
        expect(r.verdict).toBe(f.expected.status === "UpToDate" ? "pass" : "warn");
        expect(r.collateralValidUntil).toBeGreaterThan(f.at);
      } else {
        expect(o.error).toBeInstanceOf(VerificationError);
        expect((o.error as VerificationError).check).toBe(f.expected.rejected);
        // The hardware ID is still readable from the quote.
        const ext = parsePckExtensions(parseQuote(f.quote).pckChain[0]!);
        expect(hex(ext.ppid)).toBe(f.ppid);
        expect(hex(ext.fmspc)).toBe(f.fmspc);
      }
    });
  }

  it("tdx-v4-tee-fail: signatures and PCK chain are valid up to the Intel root in 2026; PPID and FMSPC as listed", async () => {
    const q = parseQuote(teeFail.quote);
    expect(q.teeType).toBe("TDX");
    const r = await verifyQuoteSignatures({ quote: teeFail.quote, now: Date.UTC(2026, 5, 1) / 1000, cache: createIntelVerifierCache() });
    expect(r.verdict).toBe("signatures-valid");
    expect(r.ppid).toBe(`0x${teeFail.ppid}`);
    expect(r.fmspc).toBe(`0x${teeFail.fmspc}`);
    expect(r.pckChainValidUntil).toBeGreaterThan(Date.UTC(2026, 11, 31) / 1000);
  });

  it("tdx-v4-tee-fail with a flipped signature byte fails the signature-only check", async () => {
    const q = teeFail.quote.slice();
    q[640] ^= 1; // inside the quote signature (signed region 632 bytes, then the 4-byte size)
    const err = await verifyQuoteSignatures({ quote: q, now: Date.UTC(2026, 5, 1) / 1000 }).catch((e) => e);
    expect((err as VerificationError).check).toBe("quote.signature");
  });

  for (const f of WITH_COLLATERAL) {
    it(`${f.name}: signature-only verification passes at its time`, async () => {
      const r = await verifyQuoteSignatures({ quote: f.quote, now: f.at });
      expect(r.ppid).toBe(`0x${f.ppid}`);
    });
  }
});

describe("same status and advisory IDs as @phala/dcap-qvl", () => {
  for (const f of WITH_COLLATERAL) {
    it(f.name, async () => {
      let theirs: { status: string; advisoryIds: string[] } | { rejected: true };
      try {
        const r = peer.verify(f.quote, JSON.parse(f.collateral!), f.at);
        theirs = { status: r.status, advisoryIds: [...r.advisory_ids].sort() };
      } catch {
        theirs = { rejected: true };
      }
      const o = await outcome(f);
      const ours = o.result ? { status: o.result.status, advisoryIds: [...o.result.advisoryIds].sort() } : { rejected: true };
      expect(ours).toEqual(theirs);
    });
  }
});

describe("tdx-v4-tee-fail against dcap-qvl: both reject it with another platform's collateral", () => {
  it("same outcome", async () => {
    const f = WITH_COLLATERAL[1]!;
    expect(() => peer.verify(teeFail.quote, JSON.parse(f.collateral!), f.at)).toThrow();
    await expect(verifyQuote({ quote: teeFail.quote, collateral: f.collateral!, now: f.at })).rejects.toBeInstanceOf(VerificationError);
  });
});

describe("time: collateral and certificates hold only inside their windows", () => {
  const f = WITH_COLLATERAL[1]!;
  it("rejects after the TCB info's nextUpdate", async () => {
    const err = await verifyQuote({ quote: f.quote, collateral: f.collateral!, now: 1752919236 + 86400 * 365 }).catch((e) => e);
    expect(err).toBeInstanceOf(VerificationError);
    expect((err as VerificationError).check).toMatch(/expired$/);
  });
  it("rejects before the collateral was issued", async () => {
    const err = await verifyQuote({ quote: f.quote, collateral: f.collateral!, now: 1600000000 }).catch((e) => e);
    expect((err as VerificationError).check).toMatch(/notYetValid$/);
  });
  it("collateralValidUntil is the earliest expiry, and verification holds exactly up to it", async () => {
    const r = await verifyQuote({ quote: f.quote, collateral: f.collateral!, now: f.at });
    await expect(verifyQuote({ quote: f.quote, collateral: f.collateral!, now: r.collateralValidUntil })).resolves.toBeTruthy();
    await expect(verifyQuote({ quote: f.quote, collateral: f.collateral!, now: r.collateralValidUntil + 1 })).rejects.toBeInstanceOf(
      VerificationError,
    );
  });
});
