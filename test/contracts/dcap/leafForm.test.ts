/**
 * The leaf form (certification data 0x0101: the PCK leaf's DER instead of the PEM chain) against the
 * full quote and the SDK verifier: the same verdict on every fixture, the same platform cache key,
 * and a refusal, onchain as offchain, for a leaf that is not the quote's (another platform's, a CA
 * certificate, a changed or truncated DER) and for a revoked one. Also the SDK's own choice of form.
 */
import { describe, it, expect, beforeAll } from "vitest";
import fc from "fast-check";
import { keccak256, toHex } from "viem";
import { parseQuote, verifyQuote } from "../../../sdk/src/intel/index.js";
import { ParseError, VerificationError } from "../../../sdk/src/errors.js";
import { readCertificate } from "../../../sdk/src/pki/certificate.js";
import { certificateToPem } from "../../../sdk/src/pki/pem.js";
import {
  CERT_TYPE_PCK_LEAF_DER,
  chooseVerifyQuoteForm,
  leafQuote,
  pckCertHash,
  readCachedPlatform,
  simulateVerifyQuote,
  withCertificationData,
  writeVerifyQuote,
} from "../../../sdk/src/chain/quoteVerifier.js";
import { dcapQuoteVerifierAbi } from "../../../sdk/src/chain/abi/DcapQuoteVerifier.js";
import { loadFixture, deployAll, revertName, TEE_FAIL_QUOTE, type IntelFixture } from "../../../testkit/intelFixtures.js";

const DECLARED = new Set<string>(dcapQuoteVerifierAbi.filter((x) => x.type === "error").map((x) => x.name));
const PCK_CHAIN = 5;

type Env = Awaited<ReturnType<typeof deployAll>>;

/** The full quote Intel would have made with `leaf` (and the given CA) in its PEM chain. */
function fullQuoteWith(fx: IntelFixture, leaf: Uint8Array, ca: Uint8Array): Uint8Array {
  const root = parseQuote(fx.quote).pckChain[2]!;
  const pem = [leaf, ca, root].map(certificateToPem).join("");
  return withCertificationData(fx.quote, PCK_CHAIN, new TextEncoder().encode(pem));
}

async function sdkRefuses(fx: IntelFixture, quote: Uint8Array): Promise<boolean> {
  try {
    await verifyQuote({ quote, collateral: fx.collateral, now: fx.verifyAt, cache: false });
    return false;
  } catch (e) {
    if (e instanceof ParseError || e instanceof VerificationError) return true;
    throw e;
  }
}

for (const name of ["sgx-v3", "tdx-v4"] as const) {
  describe(`${name}: leaf form`, () => {
    let fx: IntelFixture;
    let env: Env;
    beforeAll(async () => {
      fx = loadFixture(name);
      env = await deployAll(fx);
    });

    it("reaches the full quote's verdict field by field, and the SDK's", async () => {
      const full = await simulateVerifyQuote(env.pub, { address: env.verifier.address, quote: fx.quote, form: "full" });
      const leaf = await simulateVerifyQuote(env.pub, { address: env.verifier.address, quote: fx.quote, form: "leaf" });
      expect(leaf).toEqual(full);
      const sdk = await verifyQuote({ quote: fx.quote, collateral: fx.collateral, now: fx.verifyAt, cache: false });
      expect(leaf.tcbStatus).toBe(sdk.status);
      expect(leaf.advisoryIds).toEqual(sdk.advisoryIds);
      expect(leaf.ppid).toBe(sdk.ppid.toLowerCase());
      expect(Number(leaf.collateralExpiry)).toBe(sdk.collateralValidUntil);
      // the cache key is the PEM block's hash whatever the form
      expect(leaf.pckCertHash).toBe(pckCertHash(fx.quote));
      const bytes = leafQuote(fx.quote);
      expect(bytes.length).toBeLessThan(fx.quote.length);
      expect(new DataView(bytes.buffer).getUint16(bytes.length - parseQuote(fx.quote).pckChain[0]!.length - 6, true)).toBe(CERT_TYPE_PCK_LEAF_DER);
    });

    it("the SDK picks leaf on first sight, compressed once cached, and every form then agrees", async () => {
      const address = env.verifier.address;
      expect(await chooseVerifyQuoteForm(env.pub, { address, quote: fx.quote })).toBe("leaf");
      const first = await simulateVerifyQuote(env.pub, { address, quote: fx.quote });
      await env.pub.waitForTransactionReceipt({ hash: await writeVerifyQuote(env.wallet, { address, quote: fx.quote }) });
      expect((await readCachedPlatform(env.pub, { address, pckCertHash: pckCertHash(fx.quote) })).cached).toBe(true);
      expect(await chooseVerifyQuoteForm(env.pub, { address, quote: fx.quote })).toBe("compressed");
      // a wallet client reads the cache as well
      expect(await chooseVerifyQuoteForm(env.wallet, { address, quote: fx.quote })).toBe("compressed");
      for (const form of ["full", "leaf", "compressed"] as const) {
        expect(await simulateVerifyQuote(env.pub, { address, quote: fx.quote, form }), form).toEqual(first);
      }
    });

    it("the SDK sends the full quote when the chain above the leaf is not Intel's (so the verifier refuses it)", async () => {
      const q = parseQuote(fx.quote);
      const address = env.verifier.address;
      // PCK CA block replaced by a second copy of the root: still canonical PEM, no longer a chain
      const pem = [q.pckChain[0]!, q.pckChain[2]!, q.pckChain[2]!].map(certificateToPem).join("");
      const broken = withCertificationData(fx.quote, PCK_CHAIN, new TextEncoder().encode(pem));
      expect(await chooseVerifyQuoteForm(env.pub, { address, quote: broken })).toBe("full");
      expect(await revertName(simulateVerifyQuote(env.pub, { address, quote: broken }))).toBe("PckChainMismatch");
      expect(await sdkRefuses(fx, broken)).toBe(true);
      // not parseable by the SDK: sent as given
      expect(await chooseVerifyQuoteForm(env.pub, { address, quote: fx.quote.slice(0, 1000) })).toBe("full");
    });
  });
}

describe("leaf form: a leaf of the same PCK CA but another platform", () => {
  it("passes the CA's signature check, then refused: that platform's FMSPC has no TCB info here (and its key did not sign this QE report)", async () => {
    // tdx-v4-tee-fail's PCK certificate is issued by the same Platform CA as tdx-v4's
    const tdx = loadFixture("tdx-v4");
    const env = await deployAll(tdx);
    const otherChain = parseQuote(TEE_FAIL_QUOTE).pckChain;
    expect(toHex(readCertificate(otherChain[0]!, "other").issuerDer)).toBe(toHex(readCertificate(parseQuote(tdx.quote).pckChain[0]!, "own").issuerDer));
    const sent = withCertificationData(tdx.quote, CERT_TYPE_PCK_LEAF_DER, otherChain[0]!);
    expect(await revertName(simulateVerifyQuote(env.pub, { address: env.verifier.address, quote: sent, form: "full" }))).toBe("CollateralMissing");
    expect(await sdkRefuses(tdx, fullQuoteWith(tdx, otherChain[0]!, otherChain[1]!))).toBe(true);
  });
});

describe("leaf form: a leaf that is not the quote's is refused onchain as offchain", () => {
  let tdx: IntelFixture;
  let sgx: IntelFixture;
  let env: Env;
  beforeAll(async () => {
    tdx = loadFixture("tdx-v4");
    sgx = loadFixture("sgx-v3");
    env = await deployAll(tdx, { harness: true });
  });
  const leafForm = (der: Uint8Array) => withCertificationData(tdx.quote, CERT_TYPE_PCK_LEAF_DER, der);
  const onchain = (quote: Uint8Array) => revertName(simulateVerifyQuote(env.pub, { address: env.verifier.address, quote, form: "full" }));

  it("another platform's PCK leaf: its key did not sign this quote's QE report", async () => {
    const other = parseQuote(sgx.quote).pckChain;
    // sgx-v3's leaf is issued by the Processor CA, which this store (fed tdx-v4's collateral) lacks
    expect(await onchain(leafForm(other[0]!))).toBe("UnknownPckIssuer");
    expect(await sdkRefuses(tdx, fullQuoteWith(tdx, other[0]!, other[1]!))).toBe(true);
  });

  it("a CA certificate in the leaf's place: no SGX extension, not a PCK certificate", async () => {
    const chain = parseQuote(tdx.quote).pckChain;
    expect(await onchain(leafForm(chain[1]!))).toBe("MissingSgxExtension");
    expect(await sdkRefuses(tdx, fullQuoteWith(tdx, chain[1]!, chain[1]!))).toBe(true);
  });

  it("changed and truncated leaf DER (property): always a declared revert onchain, always refused offchain", async () => {
    const chain = parseQuote(tdx.quote).pckChain;
    const leaf = chain[0]!;
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.tuple(fc.nat(leaf.length - 1), fc.integer({ min: 1, max: 255 })).map(([i, x]) => {
            const d = leaf.slice();
            d[i] ^= x;
            return d;
          }),
          fc.integer({ min: 4, max: leaf.length - 1 }).map((n) => leaf.slice(0, n)),
        ),
        async (der) => {
          const err = await onchain(leafForm(der));
          expect(err).not.toBe("no revert");
          expect(DECLARED.has(err), err).toBe(true);
          // the same leaf in Intel's PEM form: the SDK refuses it (the DER no longer verifies, or does not parse)
          let full: Uint8Array;
          try {
            full = fullQuoteWith(tdx, der, chain[1]!);
          } catch {
            return; // no PEM form at all (certificateToPem needs nothing, but keep the SDK's say)
          }
          expect(await sdkRefuses(tdx, full)).toBe(true);
        },
      ),
      { numRuns: 40, seed: 16 },
    );
  });

  it("a revoked leaf: refused on first sight in leaf form and once cached in every form", async () => {
    const address = env.verifier.address;
    const leaf = parseQuote(tdx.quote).pckChain[0]!;
    const cert = readCertificate(leaf, "pck leaf");
    const role = (await env.store.read.roleOf([keccak256(cert.issuerDer)])) as number;
    expect([2, 3]).toContain(role);
    // cache it first (a cached platform must still see the revocation), then revoke
    await env.pub.waitForTransactionReceipt({ hash: await writeVerifyQuote(env.wallet, { address, quote: tdx.quote }) });
    await env.store.write.revokeForTest([role, keccak256(cert.serial)]);
    for (const form of ["full", "leaf", "compressed"] as const) {
      expect(await revertName(simulateVerifyQuote(env.pub, { address, quote: tdx.quote, form })), form).toBe("CertificateRevoked");
    }
  });

  it("a revoked leaf seen for the first time in leaf form", async () => {
    const fresh = await deployAll(tdx, { harness: true });
    const leaf = parseQuote(tdx.quote).pckChain[0]!;
    const cert = readCertificate(leaf, "pck leaf");
    const role = (await fresh.store.read.roleOf([keccak256(cert.issuerDer)])) as number;
    await fresh.store.write.revokeForTest([role, keccak256(cert.serial)]);
    expect(await revertName(simulateVerifyQuote(fresh.pub, { address: fresh.verifier.address, quote: tdx.quote, form: "leaf" }))).toBe("CertificateRevoked");
    expect(toHex(cert.serial).length).toBeGreaterThan(2);
  });
});
