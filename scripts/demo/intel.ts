/**
 * Acts 3 to 5: Intel's real collateral for the TDX fixture goes onchain (a CollateralStore pinned
 * to the Intel SGX Root CA); the real TDX quote verifies onchain and its PPID is found at level 1;
 * the real TEE.fail quote's signatures and PCK chain verify (SDK) but its hardware is in no facility.
 */
import { sha256 } from "@noble/hashes/sha2.js";
import { toHex, type Hex } from "viem";
import { buildCollateralUploads, uploadCollateral } from "../../sdk/src/chain/collateralStore.js";
import { readIsVerified, readLevel } from "../../sdk/src/chain/hardwareRegistry.js";
import { platformKey } from "../../sdk/src/vocabulary/platformKey.js";
import { simulateVerifyQuote, writeVerifyQuote } from "../../sdk/src/chain/quoteVerifier.js";
import { INTEL_SGX_ROOT_CA_DER, verifyQuoteSignatures } from "../../sdk/src/intel/index.js";
import { attempt, gasOf, type Story } from "../../testkit/story.js";
import { fixtures, TDX_VERIFY_AT, type DemoWorld } from "./world.js";

/** test/fixtures/PROVENANCE.md gives this PPID for intel/tdx-v4-tee-fail. */
export const TEE_FAIL_PPID = "0xea13c3903ba2db3b83fed09efb90c417";

export async function actIntelCollateral(w: DemoWorld, story: Story) {
  story.act(3, "Intel collateral goes onchain", `chain clock set from ${new Date((TDX_VERIFY_AT - 3600) * 1000).toISOString()} to the fixture's verify-at time ${TDX_VERIFY_AT}`);
  let store: Hex = "0x";
  let verifier: Hex = "0x";
  await story.step(3, "dcap-deployed", "CollateralStore pinned to the Intel SGX Root CA (SHA-256 of its DER) and DcapQuoteVerifier", "deployed", async () => {
    const parser = await w.viem.deployContract("CollateralParser");
    const s = await w.viem.deployContract("CollateralStore", [toHex(sha256(INTEL_SGX_ROOT_CA_DER)), parser.address]);
    const v = await w.viem.deployContract("DcapQuoteVerifier", [s.address]);
    store = s.address;
    verifier = v.address;
    return { outcome: "deployed", details: { collateralStore: store, dcapQuoteVerifier: verifier, intelRootSha256: toHex(sha256(INTEL_SGX_ROOT_CA_DER)) } };
  });
  await story.step(3, "collateral-uploaded", "the fixture's real collateral is uploaded (root, CAs, CRLs, TCB info, QE identity)", "stored", async () => {
    const uploads = buildCollateralUploads({ collateral: fixtures.tdxCollateral });
    const r = await uploadCollateral(w.operator as never, w.pub, { address: store, uploads });
    const now = await w.time.latest();
    if (now > TDX_VERIFY_AT) throw new Error(`chain clock ${now} passed ${TDX_VERIFY_AT} during the uploads`);
    await w.time.setNextBlockTimestamp(TDX_VERIFY_AT);
    await w.networkHelpers.mine();
    return {
      outcome: r.stored === uploads.length ? "stored" : `stored ${r.stored} of ${uploads.length}`,
      gasUsed: r.gasUsed,
      say: `${uploads.map((u) => u.label).join(", ")}; chain time now ${TDX_VERIFY_AT} (${new Date(TDX_VERIFY_AT * 1000).toISOString()})`,
      details: { items: uploads.map((u) => u.label), stored: r.stored },
    };
  });
  return { store, verifier };
}

export async function actRealQuoteOnchain(w: DemoWorld, story: Story, dcap: { verifier: Hex }, tdxPlatformKey: Hex) {
  story.act(4, "The real TDX quote verifies onchain; its hardware is found at level 1");
  let ppid: Hex = "0x";
  await story.step(4, "tdx-quote-verified-onchain", "DcapQuoteVerifier.verifyQuote(real TDX quote) in a transaction", "UpToDate", async () => {
    const v = await simulateVerifyQuote(w.pub, { address: dcap.verifier, quote: fixtures.tdxQuote });
    const r = await w.receipt(writeVerifyQuote(w.relayer as never, { address: dcap.verifier, quote: fixtures.tdxQuote }));
    ppid = v.ppid;
    return {
      outcome: v.tcbStatus,
      gasUsed: gasOf(r),
      say: `TEE type 0x${v.teeType.toString(16)}, quote v${v.quoteVersion}, FMSPC ${v.fmspc}, PPID ${v.ppid}`,
      details: { tcbStatus: v.tcbStatus, advisoryIds: v.advisoryIds, ppid: v.ppid, fmspc: v.fmspc, transactionHash: r.transactionHash },
    };
  });
  await story.step(4, "tdx-hardware-found", "the PPID the contract returned → platformKey → HardwareRegistry level", "level 1, verified", async () => {
    const key = platformKey(1, ppid, w.salt);
    if (key !== tdxPlatformKey) throw new Error(`platformKey ${key} differs from the registered ${tdxPlatformKey}`);
    const level = await readLevel(w.pub, { registry: w.hardwareRegistry, platformKey: key });
    const ok = await readIsVerified(w.pub, { registry: w.hardwareRegistry, platformKey: key, minLevel: 1, maxAge: 0n });
    return { outcome: `level ${level}${ok ? ", verified" : ", not verified"}`, details: { platformKey: key, level, isVerified: ok } };
  });
}

/** What the demo can show about the TEE.fail quote; the registration refusal comes in act 6 (it needs the CVM stack). */
export async function actTeeFail(w: DemoWorld, story: Story, dcap: { verifier: Hex }) {
  story.act(
    5,
    "The real TEE.fail quote passes DCAP yet is refused: its hardware is in no registered facility",
    "no collateral was captured with the TEE.fail quote, so DCAP is checked by the SDK's verifyQuoteSignatures:\nsignatures, QE binding and the PCK chain to the real Intel root (no TCB status)",
  );
  // The quote was taken in 2025; any time inside its PCK chain's validity works for a signature check.
  const at = Date.UTC(2026, 5, 1) / 1000;
  let ppid: Hex = "0x";
  await story.step(5, "tee-fail-dcap-signatures", "SDK verifyQuoteSignatures(TEE.fail quote) under the Intel SGX Root CA", "signatures-valid", async () => {
    const r = await verifyQuoteSignatures({ quote: fixtures.teeFailQuote, now: at, cache: false });
    ppid = r.ppid.toLowerCase() as Hex;
    return { outcome: r.verdict, say: `PPID ${ppid} (genuine Intel hardware the attacker held), FMSPC ${r.fmspc}`, details: { verdict: r.verdict, ppid, fmspc: r.fmspc, checkedAt: at } };
  });
  await story.step(5, "tee-fail-onchain-no-collateral", "onchain, the Intel-pinned verifier has no TCB info for its FMSPC", "refused: CollateralMissing", async () => {
    const r = await attempt(simulateVerifyQuote(w.pub, { address: dcap.verifier, quote: fixtures.teeFailQuote }));
    return { outcome: r.outcome, details: { args: r.args } };
  });
  await story.step(5, "tee-fail-not-registered", "its PPID → platformKey → HardwareRegistry", "level 0, isVerified false", async () => {
    if (ppid !== TEE_FAIL_PPID) throw new Error(`unexpected TEE.fail PPID ${ppid}`);
    const key = platformKey(1, ppid, w.salt);
    const level = await readLevel(w.pub, { registry: w.hardwareRegistry, platformKey: key });
    const ok = await readIsVerified(w.pub, { registry: w.hardwareRegistry, platformKey: key, minLevel: 1, maxAge: 0n });
    return { outcome: `level ${level}, isVerified ${ok}`, details: { platformKey: key, level, isVerified: ok } };
  });
  return { teeFailPpid: TEE_FAIL_PPID as Hex };
}
