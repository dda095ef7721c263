/**
 * Onchain Intel DCAP gas (issue 5): each metric is a transaction's total gas on the in-process chain
 * (osaka, P-256 precompile at 0x100), plus where it goes (calldata, signature checks, parsing).
 * `fallbackP256Gas` runs on a prague chain, which has no P-256 precompile, so OpenZeppelin's P256
 * falls back to its Solidity implementation.
 */
import { toHex, type Hex, type PublicClient } from "viem";
import type { BenchSuite } from "../bench.js";
import { loadFixture, deployAll, type IntelFixture } from "../../testkit/intelFixtures.js";
import { chooseVerifyQuoteForm, compressQuote, encodeVerifyQuote, leafQuote, writeVerifyQuote } from "../../sdk/src/chain/quoteVerifier.js";
import { parseQuote } from "../../sdk/src/intel/index.js";

/** Intrinsic calldata cost (EIP-2028 standard) and the EIP-7623 floor, for `data`. */
function calldataCost(data: Hex): { standard: number; floor: number } {
  let zeros = 0;
  let nonZeros = 0;
  for (let i = 2; i < data.length; i += 2) (data.slice(i, i + 2) === "00" ? zeros++ : nonZeros++);
  const tokens = zeros + 4 * nonZeros;
  return { standard: 21000 + 4 * tokens, floor: 21000 + 10 * tokens };
}

async function gasOf(pub: PublicClient, hash: Hex): Promise<number> {
  const r = await pub.waitForTransactionReceipt({ hash });
  if (r.status !== "success") throw new Error(`transaction ${hash} reverted`);
  return Number(r.gasUsed);
}

/**
 * First sight in the form the SDK picks by itself (the leaf form), then the full quote again (the
 * repeat a caller sending Intel's bytes pays) and the compressed form (what the SDK picks once
 * cached). `firstSeenFull`: first sight of the full quote (PEM chain), on a second fresh chain.
 */
async function run(fx: IntelFixture, hardfork?: string) {
  const opts = hardfork ? { hardfork } : {};
  const env = await deployAll(fx, opts);
  const v = env.verifier.address;
  const firstForm = await chooseVerifyQuoteForm(env.pub, { address: v, quote: fx.quote });
  if (firstForm !== "leaf") throw new Error(`the SDK picked ${firstForm} for a first sight`);
  const firstSeen = await gasOf(env.pub, await writeVerifyQuote(env.wallet, { address: v, quote: fx.quote }));
  const repeat = await gasOf(env.pub, await writeVerifyQuote(env.wallet, { address: v, quote: fx.quote, form: "full" }));
  const repeatForm = await chooseVerifyQuoteForm(env.pub, { address: v, quote: fx.quote });
  if (repeatForm !== "compressed") throw new Error(`the SDK picked ${repeatForm} for a cached platform`);
  const compressed = await gasOf(env.pub, await writeVerifyQuote(env.wallet, { address: v, quote: fx.quote }));
  const fresh = await deployAll(fx, opts);
  const firstSeenFull = await gasOf(fresh.pub, await writeVerifyQuote(fresh.wallet, { address: fresh.verifier.address, quote: fx.quote, form: "full" }));
  return { env, firstSeen, firstSeenFull, repeat, compressed, tcbInfoUpload: Number(env.uploadGas["TCB info"]) };
}

async function probe(env: Awaited<ReturnType<typeof deployAll>>, fx: IntelFixture) {
  const p = await env.conn.viem.deployContract("DcapGasProbe");
  const q = toHex(fx.quote);
  const parsed = parseQuote(fx.quote);
  const sig = parsed.signature;
  const key = parsed.attestationKey;
  const { sha256 } = await import("@noble/hashes/sha2.js");
  const [p256Gas, ok] = (await p.read.p256([
    toHex(sha256(parsed.signedBytes)),
    toHex(sig.slice(0, 32)),
    toHex(sig.slice(32)),
    toHex(key.slice(0, 32)),
    toHex(key.slice(32)),
  ])) as [bigint, boolean];
  if (!ok) throw new Error("probe: quote signature did not verify");
  return {
    quoteParse: Number(await p.read.parseQuote([q])),
    pemDecode: Number(await p.read.decodePem([q])),
    x509Parse: Number(await p.read.parseCert([q])),
    p256: Number(p256Gas),
  };
}

export const suite: BenchSuite = {
  name: "dcap-onchain",
  run: async (ctx) => {
    const tdx = loadFixture("tdx-v4");
    const sgx = loadFixture("sgx-v3");
    ctx.log("dcap-onchain: tdx-v4 on osaka (P-256 precompile)");
    const t = await run(tdx);
    const tp = await probe(t.env, tdx);
    ctx.log("dcap-onchain: sgx-v3 on osaka");
    const s = await run(sgx);
    ctx.log("dcap-onchain: tdx-v4 on prague (no P-256 precompile)");
    const f = await run(tdx, "prague");
    const fp = await probe(f.env, tdx);

    const full = calldataCost(encodeVerifyQuote(tdx.quote));
    const small = calldataCost(encodeVerifyQuote(compressQuote(tdx.quote)));
    const leaf = calldataCost(encodeVerifyQuote(leafQuote(tdx.quote)));
    return {
      "onchain.dcap.tdxV4.firstSeenGas": t.firstSeen,
      "onchain.dcap.tdxV4.repeatGas": t.repeat,
      "onchain.dcap.tdxV4.repeatCompressedGas": t.compressed,
      "onchain.dcap.tdxV4.firstSeenFullGas": t.firstSeenFull,
      "onchain.dcap.sgxV3.firstSeenGas": s.firstSeen,
      "onchain.dcap.sgxV3.firstSeenFullGas": s.firstSeenFull,
      "onchain.dcap.sgxV3.repeatGas": s.repeat,
      "onchain.dcap.sgxV3.repeatCompressedGas": s.compressed,
      "onchain.dcap.tdxV4.fallbackP256Gas": f.firstSeen,
      "onchain.dcap.tdxV4.fallbackP256RepeatGas": f.repeat,
      "onchain.collateral.tcbInfoUploadGas": t.tcbInfoUpload,
      // where the gas goes
      "onchain.dcap.tdxV4.calldataStandardGas": full.standard,
      "onchain.dcap.tdxV4.calldataFloorGas": full.floor,
      "onchain.dcap.tdxV4.compressedCalldataStandardGas": small.standard,
      "onchain.dcap.tdxV4.compressedCalldataFloorGas": small.floor,
      "onchain.dcap.tdxV4.leafCalldataStandardGas": leaf.standard,
      "onchain.dcap.p256VerifyGas": tp.p256,
      "onchain.dcap.p256VerifyFallbackGas": fp.p256,
      "onchain.dcap.tdxV4.quoteParseGas": tp.quoteParse,
      "onchain.dcap.tdxV4.pckPemDecodeGas": tp.pemDecode,
      "onchain.dcap.tdxV4.pckX509ParseGas": tp.x509Parse,
    };
  },
};
