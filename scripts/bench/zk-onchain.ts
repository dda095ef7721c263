/**
 * Gas of the ZK route's own work (ZkAttestationVerifier: allowlist, journal decoding, time window,
 * collateral / ARK checks), each a transaction total on the embedded chain, the DCAP journal's
 * collateral hashes checked against the real CollateralStore holding the fixture's collateral
 * (not a settable mock), so the store reads are priced as deployed. The proof check here is
 * the dev verifier's hash commitment: add the real RiscZero / SP1 verifier's cost (a Groth16 check,
 * roughly 250-300k gas by their published figures) for a production estimate.
 * - onchain.zk.dcapJournalRouteGas: Automata DCAP journal of the real TDX v4 quote, via RiscZero;
 * - onchain.zk.pocDcapJournalRouteGas: our DCAP journal (PPID header + Automata's) of the same quote, via RiscZero;
 * - onchain.zk.snpJournalRouteGas: our SNP journal of the real Milan report, via RiscZero.
 */
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { network } from "hardhat";
import { bytesToHex, encodeFunctionData, keccak256, stringToBytes, type Hex } from "viem";
import { sha256 } from "@noble/hashes/sha2.js";
import type { BenchSuite } from "../bench.js";
import { zkAttestationVerifierAbi } from "../../sdk/src/chain/abi/ZkAttestationVerifier.js";
import { buildCollateralUploads, type QuoteCollateralV3 } from "../../sdk/src/chain/collateralStore.js";
import { INTEL_SGX_ROOT_CA_DER } from "../../sdk/src/intel/rootCa.js";
import {
  dcapCollateralHashes,
  dcapOutputFromQuote,
  devRiscZeroSeal,
  encodeDcapJournal,
  encodePocDcapJournal,
  encodeSnpJournal,
  pocDcapJournalFromQuote,
  snpJournalFromReport,
} from "../../sdk/src/zk/journal.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const file = (p: string) => readFileSync(join(root, p));
const pemDers = (p: string) =>
  [...file(p).toString("utf8").matchAll(/-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/g)].map(
    (m) => new Uint8Array(Buffer.from(m[1]!.replace(/\s+/g, ""), "base64")),
  );

/** A time inside every validity window of the tdx-v4 fixture's collateral (test/fixtures/PROVENANCE.md). */
const TDX_V4_VERIFY_AT = 1751624163;

export const suite: BenchSuite = {
  name: "onchain.zk",
  run: async (ctx) => {
    // The chain's clock starts just before the fixture's verify time, so its collateral uploads.
    const { viem } = await network.connect({ network: "default", override: { initialDate: new Date((TDX_V4_VERIFY_AT - 3600) * 1000) } } as never);
    const [governor] = await viem.getWalletClients();
    const client = await viem.getPublicClient();
    const risc0 = await viem.deployContract("DevRiscZeroVerifier", []);
    const sp1 = await viem.deployContract("DevSp1Verifier", []);
    // The real CollateralStore, pinned to Intel's root, holding the fixture's collateral as uploaded:
    // DCAP journals are checked against the hashes it recorded (ICollateralHashes).
    const parser = await viem.deployContract("CollateralParser", []);
    const store = await viem.deployContract("CollateralStore", [bytesToHex(sha256(INTEL_SGX_ROOT_CA_DER)), parser.address]);
    const collateral = JSON.parse(file("test/fixtures/intel/tdx-v4/collateral.json").toString("utf8")) as QuoteCollateralV3;
    for (const u of buildCollateralUploads({ collateral })) {
      const r = await client.waitForTransactionReceipt({ hash: await governor!.sendTransaction({ to: store.address, data: u.data }) });
      if (r.status !== "success") throw new Error(`collateral upload ${u.label} reverted`);
    }
    const zk = await viem.deployContract("ZkAttestationVerifier", [governor!.account.address, risc0.address, sp1.address, store.address, 86400n]);
    const dcapImage = keccak256(stringToBytes("bench dcap image"));
    const snpImage = keccak256(stringToBytes("bench snp image"));
    const pocDcapImage = keccak256(stringToBytes("bench poc dcap image"));
    await zk.write.setProgram([0, dcapImage, 1]);
    await zk.write.setProgram([0, snpImage, 2]);
    await zk.write.setProgram([0, pocDcapImage, 3]);

    const quote = new Uint8Array(file("test/fixtures/intel/tdx-v4/quote.bin"));
    const h = dcapCollateralHashes(collateral);
    const now = (await client.getBlock()).timestamp - 5n;
    const gasOf = async (fn: "verifyDcapJournal" | "verifyPocDcapJournal" | "verifySnpJournal", image: Hex, journal: Uint8Array) =>
      Number(
        await client.estimateGas({
          to: zk.address,
          data: encodeFunctionData({ abi: zkAttestationVerifierAbi, functionName: fn, args: [0, image, bytesToHex(journal), devRiscZeroSeal(image, journal)] }),
        }),
      );

    const dcap = encodeDcapJournal({ output: dcapOutputFromQuote(quote, { tcbStatus: "UpToDate", fmspc: "b0c06f000000" }), timestamp: now, collateralHashes: h });
    const dcapGas = await gasOf("verifyDcapJournal", dcapImage, dcap);
    ctx.log(`  DCAP journal (${dcap.length} bytes, collateral checked against the real store): ${dcapGas} gas`);

    const poc = encodePocDcapJournal(pocDcapJournalFromQuote(quote, { tcbStatus: "UpToDate", timestamp: now, collateral }));
    const pocGas = await gasOf("verifyPocDcapJournal", pocDcapImage, poc);
    ctx.log(`  our DCAP journal (${poc.length} bytes, PPID header + the same journal): ${pocGas} gas`);

    const [ask, ark] = pemDers("test/fixtures/amd/ark-ask-milan.pem");
    await zk.write.setArkPinned([bytesToHex(sha256(ark!)), true]);
    const snp = encodeSnpJournal(
      snpJournalFromReport({ report: file("test/fixtures/amd/milan-dstack/report.bin"), vcek: pemDers("test/fixtures/amd/milan-dstack/vcek.pem")[0]!, ask: ask!, ark: ark!, timestamp: now }),
    );
    const snpGas = await gasOf("verifySnpJournal", snpImage, snp);
    ctx.log(`  SNP journal (${snp.length} bytes): ${snpGas} gas`);
    return { "onchain.zk.dcapJournalRouteGas": dcapGas, "onchain.zk.pocDcapJournalRouteGas": pocGas, "onchain.zk.snpJournalRouteGas": snpGas };
  },
};
