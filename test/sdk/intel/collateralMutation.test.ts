/**
 * Mutated collateral: bytes of the signed JSON bodies, their signatures and both CRLs flipped (a
 * dense sample of positions). Nothing may verify, and each rejection must be a typed error.
 */
import { describe, expect, it } from "vitest";
import { hex } from "../../../sdk/src/bytes.js";
import { ParseError, VerificationError } from "../../../sdk/src/errors.js";
import { createIntelVerifierCache, verifyQuote, type QuoteCollateralV3 } from "../../../sdk/src/intel/index.js";
import { tdxV4 } from "./fixtures.js";

const base = JSON.parse(tdxV4.collateral!) as QuoteCollateralV3;
const cache = createIntelVerifierCache();

async function outcome(c: QuoteCollateralV3): Promise<string> {
  try {
    await verifyQuote({ quote: tdxV4.quote, collateral: c, now: tdxV4.at, cache });
    return "accepted";
  } catch (e) {
    if (e instanceof ParseError || e instanceof VerificationError) return "rejected";
    return `untyped: ${String(e)}`;
  }
}

const STEP = 3;

describe("tdx-v4 collateral mutated", () => {
  it("control: the unmodified collateral verifies", async () => {
    expect(await outcome(base)).toBe("accepted");
  });

  for (const field of ["tcb_info", "qe_identity"] as const) {
    it(`every ${STEP}rd character of ${field} changed: never accepted`, async () => {
      const text = base[field];
      const bad: string[] = [];
      for (let i = 0; i < text.length; i += STEP) {
        const ch = String.fromCharCode(text.charCodeAt(i) ^ (1 << (i % 7)));
        const o = await outcome({ ...base, [field]: text.slice(0, i) + ch + text.slice(i + 1) });
        if (o !== "rejected") bad.push(`${i}: ${o}`);
      }
      expect(bad).toEqual([]);
    });
  }

  for (const field of ["tcb_info_signature", "qe_identity_signature", "root_ca_crl", "pck_crl"] as const) {
    it(`every ${field === "pck_crl" ? STEP + "rd " : ""}byte of ${field} flipped: never accepted`, async () => {
      const bytes = Buffer.from(base[field] as string, "hex");
      const step = field === "pck_crl" ? STEP : 1;
      const bad: string[] = [];
      for (let i = 0; i < bytes.length; i += step) {
        const m = new Uint8Array(bytes);
        m[i] ^= 1 << (i % 8);
        const o = await outcome({ ...base, [field]: hex(m) });
        if (o !== "rejected") bad.push(`${i}: ${o}`);
      }
      expect(bad).toEqual([]);
    });
  }
});
