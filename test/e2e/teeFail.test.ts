/**
 * The real TEE.fail quote (test/fixtures/intel/tdx-v4-tee-fail): valid Intel signatures from
 * hardware an attacker held. Its signatures and PCK chain verify (SDK), but its PPID is in no
 * registry, so a CVM on it is refused. It ships without collateral, so the onchain DCAP verifier
 * cannot pass it: the tests show where each path stops (see docs/cvm-registry.md, "TEE.fail").
 */
import { describe, it, expect, beforeAll } from "vitest";
import { verifyQuoteSignatures } from "../../sdk/src/intel/index.js";
import { platformKey } from "../../sdk/src/vocabulary/platformKey.js";
import { readIsVerified, readLevel } from "../../sdk/src/chain/hardwareRegistry.js";
import { simulateVerifyQuote } from "../../sdk/src/chain/quoteVerifier.js";
import { SALT, TEE_FAIL_PPID } from "../contracts/fixture.js";
import { ROOT_CA, TEE_FAIL_QUOTE, loadFixture, connectAt, uploadAll, setTime } from "../../testkit/intelFixtures.js";
import { deploySystem } from "../../testkit/deploy.js";
import { addressOf } from "../../sdk/src/chain/addressBook.js";
import { deployCvmWorld, type CvmWorld } from "../../testkit/cvmWorld.js";
import { expectCvmRevert } from "../../testkit/cvmRevert.js";

const NOW = Date.UTC(2026, 5, 1) / 1000;

describe("TEE.fail: genuine Intel signatures, unregistered hardware", () => {
  let w: CvmWorld;
  beforeAll(async () => {
    w = await deployCvmWorld({ seed: "tee fail" });
    await w.registerHardware(); // the simulated platform is registered; the TEE.fail one is not
  });

  it("the SDK verifies its signatures and PCK chain to the Intel root and reads its PPID", async () => {
    const r = await verifyQuoteSignatures({ quote: TEE_FAIL_QUOTE, now: NOW, cache: false });
    expect(r.verdict).toBe("signatures-valid");
    expect(r.ppid.toLowerCase()).toBe(TEE_FAIL_PPID);
  });

  it("its platformKey has level 0 in the hardware registry: the CVM registry's hardware check refuses it", async () => {
    const r = await verifyQuoteSignatures({ quote: TEE_FAIL_QUOTE, now: NOW, cache: false });
    const key = platformKey(1, r.ppid, SALT);
    expect(await readLevel(w.pub, { registry: w.hardware.address, platformKey: key })).toBe(0);
    expect(await readIsVerified(w.pub, { registry: w.hardware.address, platformKey: key, minLevel: 1, maxAge: 0n })).toBe(false);
    // the registered (simulated) platform, by contrast
    expect(await readLevel(w.pub, { registry: w.hardware.address, platformKey: w.hwKey })).toBe(2);
    const { minHardwareLevel } = (await w.registry.read.params()) as { minHardwareLevel: number };
    expect(minHardwareLevel).toBeGreaterThan(0);
  });

  it("onchain, a deployment pinned to the simulator root refuses it at the PCK issuer", async () => {
    await expectCvmRevert(simulateVerifyQuote(w.pub, { address: w.dcap.address, quote: TEE_FAIL_QUOTE }), "UnknownPckIssuer");
  });

  it("onchain, a deployment pinned to the Intel root refuses it for want of collateral for its FMSPC", async () => {
    const fx = loadFixture("tdx-v4");
    const conn = await connectAt(fx.verifyAt - 3600);
    // The system deployed as `npm run deploy` does, but pinned to the Intel SGX Root CA.
    const book = await deploySystem(conn, { rootCertificate: ROOT_CA });
    await uploadAll(conn, addressOf(book, "CollateralStore"), fx.collateral, { rootUploaded: true });
    await setTime(conn, fx.verifyAt);
    const pub = await conn.viem.getPublicClient();
    const [what] = await expectCvmRevert(simulateVerifyQuote(pub as never, { address: addressOf(book, "DcapQuoteVerifier"), quote: TEE_FAIL_QUOTE }), "CollateralMissing");
    expect(String(what)).toMatch(/tcb info/);
  });
});
