/**
 * DcapQuoteVerifier against real Intel evidence: every fixture reaches the verdict the SDK verifier
 * reaches (status, advisories, registers, report data, PPID, FMSPC) and the one PROVENANCE.md lists.
 */
import { describe, it, expect, beforeAll } from "vitest";
import { toHex, parseEventLogs } from "viem";
import { verifyQuote, TcbEvaluationError, parseQuote } from "../../../sdk/src/intel/index.js";
import {
  simulateVerifyQuote,
  writeVerifyQuote,
  readCachedPlatform,
  pckCertHash,
  compressQuote,
  decodeReportBody,
  dcapQuoteVerifierActions,
} from "../../../sdk/src/chain/quoteVerifier.js";
import { readTcbInfoRecord, readQeIdentityRecord } from "../../../sdk/src/chain/collateralStore.js";
import { dcapQuoteVerifierAbi } from "../../../sdk/src/chain/abi/DcapQuoteVerifier.js";
import { loadFixture, deployAll, revertName, setTime, TEE_FAIL_QUOTE, type IntelFixture } from "../../../testkit/intelFixtures.js";

const EXPECTED = {
  "sgx-v3": { status: "ConfigurationAndSWHardeningNeeded", advisoryIds: ["INTEL-SA-00289", "INTEL-SA-00615"], fmspc: "0x00a067110000", ppid: "0xd04ec06d4e6d92dc90d0ad3cf5ee2ddf" },
  "tdx-v4": { status: "UpToDate", advisoryIds: [], fmspc: "0xb0c06f000000", ppid: "0x811dca2a26b952e85bb6448b097ba4fd" },
} as const;

type Env = Awaited<ReturnType<typeof deployAll>>;

for (const name of ["sgx-v3", "tdx-v4"] as const) {
  describe(`${name}: the onchain verdict equals the SDK's and the expected one`, () => {
    let fx: IntelFixture;
    let env: Env;
    beforeAll(async () => {
      fx = loadFixture(name);
      env = await deployAll(fx);
    });

    it("verifies with the expected status, advisories, PPID and FMSPC", async () => {
      const onchain = await simulateVerifyQuote(env.pub, { address: env.verifier.address, quote: fx.quote });
      expect(onchain.tcbStatus).toBe(EXPECTED[name].status);
      expect(onchain.advisoryIds).toEqual(EXPECTED[name].advisoryIds);
      expect(onchain.fmspc).toBe(EXPECTED[name].fmspc);
      expect(onchain.ppid).toBe(EXPECTED[name].ppid);
    });

    it("matches the SDK verifier field by field (status, advisories, registers, report data, PPID, FMSPC)", async () => {
      const sdk = await verifyQuote({ quote: fx.quote, collateral: fx.collateral, now: fx.verifyAt, cache: false });
      const onchain = await simulateVerifyQuote(env.pub, { address: env.verifier.address, quote: fx.quote });
      expect(onchain.tcbStatus).toBe(sdk.status);
      expect(onchain.advisoryIds).toEqual(sdk.advisoryIds);
      expect(onchain.ppid).toBe(sdk.ppid.toLowerCase());
      expect(onchain.fmspc).toBe(sdk.fmspc.toLowerCase());
      expect(onchain.reportData).toBe(sdk.reportData.toLowerCase());
      expect(onchain.quoteVersion).toBe(sdk.quoteVersion);
      expect(onchain.teeType).toBe(sdk.teeType === "TDX" ? 0x81 : 0);
      const regs = decodeReportBody(onchain.bodyType, onchain.reportBody);
      for (const [k, v] of Object.entries(sdk.registers)) {
        expect(regs[k], k).toEqual(typeof v === "string" ? v.toLowerCase() : v);
      }
      expect(Number(onchain.collateralExpiry)).toBe(sdk.collateralValidUntil);
    });

    it("caches the platform on first sight; the repeat and the compressed quote give the same verdict", async () => {
      const key = pckCertHash(fx.quote);
      expect((await readCachedPlatform(env.pub, { address: env.verifier.address, pckCertHash: key })).cached).toBe(false);
      expect(await revertName(simulateVerifyQuote(env.pub, { address: env.verifier.address, quote: fx.quote, compressed: true }))).toBe("PlatformNotCached");

      const first = await simulateVerifyQuote(env.pub, { address: env.verifier.address, quote: fx.quote });
      const hash = await writeVerifyQuote(env.wallet, { address: env.verifier.address, quote: fx.quote });
      const receipt = await env.pub.waitForTransactionReceipt({ hash });
      const [ev] = parseEventLogs({ abi: dcapQuoteVerifierAbi, logs: receipt.logs, eventName: "PlatformCached" });
      expect(ev!.args.pckCertHash).toBe(key);
      expect(ev!.args.ppid).toBe(EXPECTED[name].ppid);

      const cached = await readCachedPlatform(env.pub, { address: env.verifier.address, pckCertHash: key });
      expect(cached).toMatchObject({ cached: true, ppid: EXPECTED[name].ppid, fmspc: EXPECTED[name].fmspc });

      const repeat = await simulateVerifyQuote(env.pub, { address: env.verifier.address, quote: fx.quote });
      const compressed = await simulateVerifyQuote(env.pub, { address: env.verifier.address, quote: fx.quote, compressed: true });
      expect(repeat).toEqual(first);
      expect(compressed).toEqual(first);
      expect(compressQuote(fx.quote).length).toBeLessThan(1300);
    });

    it("a compressed quote whose signed bytes changed is refused although its platform is cached", async () => {
      const c = compressQuote(fx.quote);
      c[100] ^= 1; // inside the report body
      expect(await revertName(simulateVerifyQuote(env.pub, { address: env.verifier.address, quote: c }))).toBe("QuoteSignatureInvalid");
    });
  });
}

describe("tdx-v5-no-tcb-match: rejected onchain as offchain", () => {
  it("no TCB level matches the platform", async () => {
    const fx = loadFixture("tdx-v5-no-tcb-match");
    await expect(verifyQuote({ quote: fx.quote, collateral: fx.collateral, now: fx.verifyAt, cache: false })).rejects.toBeInstanceOf(TcbEvaluationError);
    const env = await deployAll(fx);
    expect(await revertName(simulateVerifyQuote(env.pub, { address: env.verifier.address, quote: fx.quote }))).toBe("TcbLevelNotFound");
    // nothing was cached by the failed attempt
    expect((await readCachedPlatform(env.pub, { address: env.verifier.address, pckCertHash: pckCertHash(fx.quote) })).cached).toBe(false);
  });
});

describe("tdx-v4-tee-fail: valid signatures, yet no collateral vouches for its FMSPC", () => {
  it("reverts CollateralMissing for the TCB info of FMSPC c0806f000000", async () => {
    const fx = loadFixture("tdx-v4");
    const env = await deployAll(fx);
    expect(parseQuote(TEE_FAIL_QUOTE).teeType).toBe("TDX");
    expect(await revertName(simulateVerifyQuote(env.pub, { address: env.verifier.address, quote: TEE_FAIL_QUOTE }))).toBe("CollateralMissing");
  });
});

describe("validity windows and revocation are checked at block.timestamp, cached or not", () => {
  it("expired collateral makes verification fail with CollateralNotValidAt", async () => {
    const fx = loadFixture("tdx-v4");
    const env = await deployAll(fx);
    await writeVerifyQuote(env.wallet, { address: env.verifier.address, quote: fx.quote });
    await setTime(env.conn, fx.verifyAt + 40 * 86400);
    expect(await revertName(simulateVerifyQuote(env.pub, { address: env.verifier.address, quote: fx.quote }))).toBe("CollateralNotValidAt");
    expect(await revertName(simulateVerifyQuote(env.pub, { address: env.verifier.address, quote: fx.quote, compressed: true }))).toBe("CollateralNotValidAt");
  });

  it("collateral not yet issued at block.timestamp is refused", async () => {
    const fx = loadFixture("sgx-v3");
    const issued = Date.parse(JSON.parse(fx.collateral.tcb_info).issueDate) / 1000;
    const env = await deployAll({ ...fx, verifyAt: issued - 60 });
    expect(await revertName(simulateVerifyQuote(env.pub, { address: env.verifier.address, quote: fx.quote }))).toBe("CollateralNotValidAt");
  });

  it("a revoked PCK certificate is refused even when its platform is cached (CRL entry simulated: see harness)", async () => {
    const fx = loadFixture("tdx-v4");
    const env = await deployAll(fx, { harness: true });
    await writeVerifyQuote(env.wallet, { address: env.verifier.address, quote: fx.quote });
    const key = pckCertHash(fx.quote);
    const platform = (await env.pub.readContract({ address: env.verifier.address, abi: dcapQuoteVerifierAbi, functionName: "platform", args: [key] }));
    // the PCK certificate's issuer is the Platform CA (role 2) or the Processor CA (role 3)
    const role = (await env.store.read.roleOf([platform.issuerHash])) as number;
    expect([2, 3]).toContain(role);
    await env.store.write.revokeForTest([role, platform.serialHash]);
    expect(await revertName(simulateVerifyQuote(env.pub, { address: env.verifier.address, quote: fx.quote }))).toBe("CertificateRevoked");
    expect(await revertName(simulateVerifyQuote(env.pub, { address: env.verifier.address, quote: fx.quote, compressed: true }))).toBe("CertificateRevoked");
  });
});

describe("intermediates revoked by the root CA CRL", () => {
  for (const [role, name] of [[4, "TCB Signing"], [2, "PCK Platform CA"]] as const) {
    it(`a revoked ${name} certificate fails every quote, cached or not (CRL entry simulated)`, async () => {
      const fx = loadFixture("tdx-v4");
      const env = await deployAll(fx, { harness: true });
      await writeVerifyQuote(env.wallet, { address: env.verifier.address, quote: fx.quote });
      const ca = (await env.store.read.certificate([role])) as { serialHash: `0x${string}`; notAfter: bigint };
      expect(ca.notAfter).toBeGreaterThan(0n);
      await env.store.write.revokeForTest([1, ca.serialHash]);
      expect(await revertName(simulateVerifyQuote(env.pub, { address: env.verifier.address, quote: fx.quote }))).toBe("CertificateRevoked");
      expect(await revertName(simulateVerifyQuote(env.pub, { address: env.verifier.address, quote: fx.quote, compressed: true }))).toBe("CertificateRevoked");
    });
  }
});

describe("without the P-256 precompile (prague chain) the Solidity fallback reaches the same verdict", () => {
  it("tdx-v4 verifies first-seen, repeat and compressed", async () => {
    const fx = loadFixture("tdx-v4");
    const env = await deployAll(fx, { hardfork: "prague" });
    const first = await simulateVerifyQuote(env.pub, { address: env.verifier.address, quote: fx.quote });
    expect(first).toMatchObject({ tcbStatus: "UpToDate", ppid: EXPECTED["tdx-v4"].ppid });
    await env.pub.waitForTransactionReceipt({ hash: await writeVerifyQuote(env.wallet, { address: env.verifier.address, quote: fx.quote }) });
    expect(await simulateVerifyQuote(env.pub, { address: env.verifier.address, quote: fx.quote, compressed: true })).toEqual(first);
  });
});

describe("SDK actions bound by client.extend", () => {
  it("dcapQuoteVerifierActions and the store record readers", async () => {
    const fx = loadFixture("tdx-v4");
    const env = await deployAll(fx);
    const client = env.pub.extend(dcapQuoteVerifierActions({ verifier: env.verifier.address }));
    expect((await client.simulateVerifyQuote({ quote: fx.quote })).ppid).toBe(EXPECTED["tdx-v4"].ppid);
    expect((await client.readCachedPlatform({ pckCertHash: pckCertHash(fx.quote) })).cached).toBe(false);
    const tcb = await readTcbInfoRecord(env.pub, { address: env.store.address, tee: "TDX", fmspc: "0xb0c06f000000" });
    expect(tcb).toMatchObject({ stored: true, issueDate: Date.parse(JSON.parse(fx.collateral.tcb_info).issueDate) / 1000 });
    expect((await readQeIdentityRecord(env.pub, { address: env.store.address, tee: "SGX" })).stored).toBe(false);
  });
});

describe("debug and malformed identities", () => {
  it("a quote is refused when its report body changes (debug bit set): the signature no longer holds", async () => {
    const fx = loadFixture("sgx-v3");
    const env = await deployAll(fx);
    const q = fx.quote.slice();
    q[48 + 48] |= 0x02; // SGX ATTRIBUTES.DEBUG
    expect(await revertName(simulateVerifyQuote(env.pub, { address: env.verifier.address, quote: q }))).toBe("QuoteSignatureInvalid");
    expect(toHex(q.slice(0, 4))).toBe("0x03000200");
  });
});
