/**
 * Mutated and truncated real quotes fail onchain as they fail offchain: every flipped byte of every
 * region (header, body, signatures, QE report, QE auth data, certification data, padding) and every
 * sampled truncation is refused by the SDK verifier and reverts the contract with one of its custom
 * errors, first-seen and cached alike. Zero accepted. Each mutant is sent twice: exactly as mutated
 * (the full form) and in the form the SDK's builder picks for it (leaf, compressed, or full when the
 * SDK cannot vouch for its chain), so a builder that dropped a mutated byte would show here.
 */
import { describe, it, expect, beforeAll } from "vitest";
import { toFunctionSelector } from "viem";
import { verifyQuote } from "../../../sdk/src/intel/index.js";
import { ParseError, VerificationError } from "../../../sdk/src/errors.js";
import { simulateVerifyQuote, writeVerifyQuote } from "../../../sdk/src/chain/quoteVerifier.js";
import { dcapQuoteVerifierAbi } from "../../../sdk/src/chain/abi/DcapQuoteVerifier.js";
import { loadFixture, deployAll, revertName, type IntelFixture } from "../../../testkit/intelFixtures.js";

const DECLARED = new Set<string>(dcapQuoteVerifierAbi.filter((x) => x.type === "error").map((x) => x.name));

/** Deterministic sample: every header byte, then every `step`-th byte with a varying offset. */
function positions(length: number, step: number): number[] {
  const out = new Set<number>();
  for (let i = 0; i < 48; i++) out.add(i);
  for (let i = 48, k = 0; i < length; i += step, k++) out.add(Math.min(length - 1, i + (k % 7)));
  out.add(length - 1);
  return [...out].sort((a, b) => a - b);
}

/** Where the signature data ends (the rest of the quote may only be zero padding). */
function signatureDataEnd(q: Uint8Array): number {
  const dv = new DataView(q.buffer, q.byteOffset, q.byteLength);
  const version = dv.getUint16(0, true);
  const bodyEnd = version === 5 ? 54 + dv.getUint32(50, true) : 48 + (dv.getUint32(4, true) === 0 ? 384 : 584);
  return bodyEnd + 4 + dv.getUint32(bodyEnd, true);
}

/** Whether the SDK refuses `quote` with a typed error; any other throw (a TypeError, a RangeError) is a bug and fails the test. */
async function sdkRejects(fx: IntelFixture, quote: Uint8Array): Promise<boolean> {
  try {
    await verifyQuote({ quote, collateral: fx.collateral, now: fx.verifyAt });
    return false;
  } catch (e) {
    if (e instanceof ParseError || e instanceof VerificationError) return true;
    throw e;
  }
}

for (const name of ["tdx-v4", "sgx-v3"] as const) {
  describe(`${name}: mutations and truncations`, () => {
    let fx: IntelFixture;
    let env: Awaited<ReturnType<typeof deployAll>>;
    beforeAll(async () => {
      fx = loadFixture(name);
      env = await deployAll(fx);
    });

    const run = async (mutants: { what: string; quote: Uint8Array }[]) => {
      const accepted: string[] = [];
      const undeclared: string[] = [];
      const sdkAccepted: string[] = [];
      for (const m of mutants) {
        for (const form of ["full", "auto"] as const) {
          const err = await revertName(simulateVerifyQuote(env.pub, { address: env.verifier.address, quote: m.quote, form }));
          if (err === "no revert") accepted.push(`${m.what} (${form})`);
          else if (!DECLARED.has(err)) undeclared.push(`${m.what} (${form}): ${err}`);
        }
        if (!(await sdkRejects(fx, m.quote))) sdkAccepted.push(m.what);
      }
      expect(accepted, "accepted onchain").toEqual([]);
      expect(undeclared, "reverted without a declared custom error").toEqual([]);
      expect(sdkAccepted, "accepted offchain").toEqual([]);
    };

    it("every sampled byte flip is refused (platform not cached)", { timeout: 600_000 }, async () => {
      const ps = positions(fx.quote.length, 13);
      expect(ps.length).toBeGreaterThan(350);
      await run(ps.map((i) => {
        const q = fx.quote.slice();
        q[i] ^= i % 3 === 0 ? 0x01 : i % 3 === 1 ? 0x80 : 0x5a;
        return { what: `flip@${i}`, quote: q };
      }));
    });

    it("every sampled truncation of the quote's content is refused; dropping zero padding is not a change", async () => {
      const end = signatureDataEnd(fx.quote);
      const lens = [0, 1, 47, 48, 49, 431, 432, 433, 631, 632, 636, 700, 1000, 1500, 2000, 3000, 4000, end - 2, end - 1];
      for (let l = 4100; l < end; l += 97) lens.push(l);
      await run(lens.filter((l) => l < end).map((l) => ({ what: `truncate@${l}`, quote: fx.quote.slice(0, l) })));
      if (end < fx.quote.length) {
        const unpadded = fx.quote.slice(0, end);
        const a = await simulateVerifyQuote(env.pub, { address: env.verifier.address, quote: unpadded, form: "full" });
        const b = await simulateVerifyQuote(env.pub, { address: env.verifier.address, quote: fx.quote, form: "full" });
        expect(a).toEqual(b);
        expect(await sdkRejects(fx, unpadded)).toBe(false);
      }
    });

    it("byte flips are refused as well once the platform is cached (repeat path)", { timeout: 600_000 }, async () => {
      const hash = await writeVerifyQuote(env.wallet, { address: env.verifier.address, quote: fx.quote });
      await env.pub.waitForTransactionReceipt({ hash });
      const ps = positions(fx.quote.length, 37);
      await run(ps.map((i) => {
        const q = fx.quote.slice();
        q[i] ^= 0x20;
        return { what: `cached flip@${i}`, quote: q };
      }));
    });
  });
}

it("the selector of OpenZeppelin's Base64 error is declared by the verifier", () => {
  expect(dcapQuoteVerifierAbi.some((x) => x.type === "error" && toFunctionSelector(`${x.name}(bytes1)`) === toFunctionSelector("InvalidBase64Char(bytes1)"))).toBe(true);
});
