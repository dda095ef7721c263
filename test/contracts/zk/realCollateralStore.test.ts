/**
 * The ZK route against the REAL CollateralStore (not the settable mock): a DCAP journal built by the
 * SDK from a real Intel fixture and its collateral verifies through ZkAttestationVerifier when that
 * same collateral was uploaded to the store, and fails with the right custom error when the
 * journal's collateral differs from the store's or the store lacks it (docs/zk-journals.md).
 * No prover runs here: "the program" below is the SDK doing what the zkVM guest does, and the seal
 * is the dev verifier's hash commitment (DevRiscZeroVerifier refuses to deploy off local chains).
 */
import { describe, expect, it } from "vitest";
import { decodeContractRevert } from "../../../sdk/src/chain/revert.js";
import { bytesToHex, getContract, decodeAbiParameters, hexToBytes, keccak256, stringToBytes, type Hex } from "viem";
import {
  COLLATERAL_KINDS,
  buildDcapProgramInput,
  dcapCollateralHashes,
  dcapOutputFromQuote,
  decodeDcapJournal,
  devRiscZeroSeal,
  encodeDcapJournal,
  type CollateralForHashes,
  type DcapTcbStatusName,
} from "../../../sdk/src/zk/journal.js";
import { buildCollateralUploads, type QuoteCollateralV3 } from "../../../sdk/src/chain/collateralStore.js";
import { zkAttestationVerifierAbi } from "../../../sdk/src/chain/abi/ZkAttestationVerifier.js";
import { verifyQuote } from "../../../sdk/src/intel/verify.js";
import { createSimulatedDcapPki } from "../../../sdk/src/simulate/pki.js";
import { connectAt, loadFixture, ROOT_CA, ROOT_CA_HASH, setTime, type Connection, type IntelFixture } from "../../../testkit/intelFixtures.js";

const RISC0 = 0;
const KIND_DCAP = 1;
const IMAGE_ID = keccak256(stringToBytes("dcap image id (real store test)"));
const MAX_AGE = 3600n;
const ZERO6: Hex = "0x000000000000";

/**
 * Stand-in for the DCAP zkVM guest (no prover runs here): decodes the program input, verifies the
 * quote against the collateral at the input's timestamp with the SDK's DCAP verifier, and writes
 * the journal an honest program writes (output, timestamp, collateral hashes).
 */
async function honestDcapProgram(input: Hex): Promise<Uint8Array> {
  const [collateralBytes, quoteHex, timestamp] = decodeAbiParameters([{ type: "bytes" }, { type: "bytes" }, { type: "uint64" }], input);
  const collateral = JSON.parse(new TextDecoder().decode(hexToBytes(collateralBytes))) as QuoteCollateralV3;
  const quote = hexToBytes(quoteHex);
  const v = await verifyQuote({ quote, collateral, now: Number(timestamp) });
  const output = dcapOutputFromQuote(quote, { tcbStatus: v.status as DcapTcbStatusName, fmspc: v.fmspc, advisoryIds: v.advisoryIds });
  return encodeDcapJournal({ output, timestamp, collateralHashes: dcapCollateralHashes(collateral) });
}

type Item = "root CA CRL" | "PCK CRL" | "TCB info" | "QE identity";

/** A CollateralStore on `conn` holding every item of `collateral` except `omit`. */
async function storeWith(conn: Connection, collateral: QuoteCollateralV3, omit?: Item) {
  const parser = await conn.viem.deployContract("CollateralParser");
  const store = await conn.viem.deployContract("CollateralStore", [ROOT_CA_HASH, parser.address]);
  const [wallet] = await conn.viem.getWalletClients();
  const pub = await conn.viem.getPublicClient();
  for (const u of buildCollateralUploads({ collateral, rootCertificate: ROOT_CA })) {
    if (u.label === omit) continue;
    const r = await pub.waitForTransactionReceipt({ hash: await wallet!.sendTransaction({ to: store.address, data: u.data }) });
    if (r.status !== "success") throw new Error(`${u.label} reverted`);
  }
  return store;
}

/** A chain at `fx.verifyAt` with the store fed `fx`'s collateral and the ZK verifier reading it. */
async function deployRoute(fx: IntelFixture) {
  const conn = await connectAt(fx.verifyAt - 3600);
  const [governor] = await conn.viem.getWalletClients();
  const store = await storeWith(conn, fx.collateral);
  const risc0 = await conn.viem.deployContract("DevRiscZeroVerifier");
  const sp1 = await conn.viem.deployContract("DevSp1Verifier");
  const deployed = await conn.viem.deployContract("ZkAttestationVerifier", [governor!.account.address, risc0.address, sp1.address, store.address, MAX_AGE]);
  const publicClient = await conn.viem.getPublicClient();
  const zk = getContract({ address: deployed.address, abi: zkAttestationVerifierAbi, client: { public: publicClient, wallet: governor! } });
  await zk.write.setProgram([RISC0, IMAGE_ID, KIND_DCAP]);
  return { conn, store, zk };
}

type Route = Awaited<ReturnType<typeof deployRoute>>;

const verifyJournal = (route: Route, journal: Uint8Array) =>
  route.zk.read.verifyDcapJournal([RISC0, IMAGE_ID, bytesToHex(journal), devRiscZeroSeal(IMAGE_ID, journal)]);

async function revert(p: Promise<unknown>): Promise<{ name: string; args: readonly unknown[] }> {
  try {
    await p;
  } catch (e) {
    const r = decodeContractRevert(e);
    if (!r || r.errorName === "" || r.errorName.startsWith("undecoded")) throw e;
    return { name: r.errorName, args: r.args };
  }
  return { name: "no revert", args: [] };
}

/** The journal with its collateral hashes recomputed from `collateral` (what a program that used it writes). */
function withCollateral(journal: Uint8Array, collateral: CollateralForHashes): Uint8Array {
  return encodeDcapJournal({ ...decodeDcapJournal(journal), collateralHashes: dcapCollateralHashes(collateral) });
}

const FIXTURES = [
  { name: "tdx-v4", tdx: true, fmspc: "0xb0c06f000000", status: 0, advisories: [] as string[], pckCa: "platform" },
  { name: "sgx-v3", tdx: false, fmspc: "0x00a067110000", status: 2, advisories: ["INTEL-SA-00289", "INTEL-SA-00615"], pckCa: "processor" },
] as const;

for (const f of FIXTURES) {
  describe(`a ${f.name} journal against the real CollateralStore holding its collateral`, async () => {
    const fx = loadFixture(f.name);
    const route = await deployRoute(fx);
    await setTime(route.conn, fx.verifyAt);
    const input = buildDcapProgramInput({ quote: fx.quote, collateral: fx.collateral, timestamp: BigInt(fx.verifyAt) });
    const journal = await honestDcapProgram(input);
    const kinds = {
      ...(f.tdx
        ? { tcbInfo: COLLATERAL_KINDS.tcbInfoTdx, qeIdentity: COLLATERAL_KINDS.qeIdentityTdx }
        : { tcbInfo: COLLATERAL_KINDS.tcbInfoSgx, qeIdentity: COLLATERAL_KINDS.qeIdentitySgx }),
      // The CA this fixture's PCK certificate chains to: its CRL is held under that kind, the other is not.
      pckCrl: f.pckCa === "platform" ? COLLATERAL_KINDS.pckCrlPlatform : COLLATERAL_KINDS.pckCrlProcessor,
      noPckCrl: f.pckCa === "platform" ? COLLATERAL_KINDS.pckCrlProcessor : COLLATERAL_KINDS.pckCrlPlatform,
    };

    it("the store answers collateralHash exactly as the SDK's dcapCollateralHashes computes it", async () => {
      const h = dcapCollateralHashes(fx.collateral);
      const read = (kind: Hex, fmspc: Hex = ZERO6) => route.store.read.collateralHash([kind, fmspc]);
      expect(await read(kinds.tcbInfo, f.fmspc)).toBe(h.tcbInfo);
      expect(await read(kinds.qeIdentity)).toBe(h.qeIdentity);
      expect(await read(COLLATERAL_KINDS.rootCa)).toBe(h.rootCa);
      expect(await read(COLLATERAL_KINDS.tcbSigningCa)).toBe(h.tcbSigning);
      expect(await read(COLLATERAL_KINDS.rootCaCrl)).toBe(h.rootCaCrl);
      expect(await read(kinds.pckCrl)).toBe(h.pckCrl);
      expect(await read(kinds.noPckCrl)).toBe(`0x${"00".repeat(32)}`);
      // Per FMSPC: another platform's TCB info, or the other TEE's, is not held.
      expect(await read(kinds.tcbInfo, "0x000000000001")).toBe(`0x${"00".repeat(32)}`);
      expect(await read(f.tdx ? COLLATERAL_KINDS.tcbInfoSgx : COLLATERAL_KINDS.tcbInfoTdx, f.fmspc)).toBe(`0x${"00".repeat(32)}`);
    });

    it("verifies through ZkAttestationVerifier and returns the quote's verdict", async () => {
      const r = await verifyJournal(route, journal);
      expect(r.teeType).toBe(f.tdx ? "0x00000081" : "0x00000000");
      expect(r.fmspc).toBe(f.fmspc);
      expect(r.tcbStatus).toBe(f.status);
      expect(r.advisoryIds).toEqual(f.advisories);
      expect(r.timestamp).toBe(BigInt(fx.verifyAt));
      const body = f.tdx ? fx.quote.subarray(48, 48 + 584) : fx.quote.subarray(48, 48 + 384);
      expect(r.quoteBody).toBe(bytesToHex(body));
    });

    it("fails CollateralHashMismatch(kind, store's hash, journal's hash) when the program used different collateral", async () => {
      const h = dcapCollateralHashes(fx.collateral);
      const otherRoot = createSimulatedDcapPki({ seed: "a different root" }).root.pem;
      const chain = fx.collateral.tcb_info_issuer_chain;
      const rootPem = chain.slice(chain.lastIndexOf("-----BEGIN CERTIFICATE-----"));
      const olderEvaluation = (json: string) => {
        const out = json.replace(/"tcbEvaluationDataNumber":\d+/, '"tcbEvaluationDataNumber":1');
        expect(out).not.toBe(json);
        return out;
      };
      const cases: [keyof typeof h, CollateralForHashes, Hex][] = [
        ["tcbInfo", { ...fx.collateral, tcb_info: olderEvaluation(fx.collateral.tcb_info) }, kinds.tcbInfo],
        ["qeIdentity", { ...fx.collateral, qe_identity: olderEvaluation(fx.collateral.qe_identity) }, kinds.qeIdentity],
        ["rootCa", { ...fx.collateral, tcb_info_issuer_chain: chain.replace(rootPem, otherRoot) }, COLLATERAL_KINDS.rootCa],
        // The PCK Platform CA's chain in place of the TCB Signing CA's.
        ["tcbSigning", { ...fx.collateral, tcb_info_issuer_chain: fx.collateral.pck_crl_issuer_chain }, COLLATERAL_KINDS.tcbSigningCa],
        ["rootCaCrl", { ...fx.collateral, root_ca_crl: fx.collateral.pck_crl }, COLLATERAL_KINDS.rootCaCrl],
        // Either PCK CA's CRL may match; the error names the one the store holds.
        ["pckCrl", { ...fx.collateral, pck_crl: fx.collateral.root_ca_crl }, kinds.pckCrl],
      ];
      for (const [field, collateral, kind] of cases) {
        const changed = dcapCollateralHashes(collateral);
        for (const k of Object.keys(h) as (keyof typeof h)[]) expect(changed[k] === h[k], `${field}: only ${field} differs`).toBe(k !== field);
        expect(await revert(verifyJournal(route, withCollateral(journal, collateral))), field).toEqual({
          name: "CollateralHashMismatch",
          args: [kind, h[field], changed[field]],
        });
      }
    });

    it("fails CollateralUnknown when the platform's TCB info is not in the store (another FMSPC)", async () => {
      const j = decodeDcapJournal(journal);
      const moved = encodeDcapJournal({ ...j, output: { ...j.output, fmspc: hexToBytes("0x000000000001") } });
      expect(await revert(verifyJournal(route, moved))).toEqual({ name: "CollateralUnknown", args: [kinds.tcbInfo] });
    });
  });
}

describe("a tdx-v4 journal against a real CollateralStore missing part of its collateral", async () => {
  const fx = loadFixture("tdx-v4");
  const route = await deployRoute(fx);
  const partial: [Item | "everything", Hex][] = [
    ["TCB info", COLLATERAL_KINDS.tcbInfoTdx],
    ["QE identity", COLLATERAL_KINDS.qeIdentityTdx],
    ["root CA CRL", COLLATERAL_KINDS.rootCaCrl],
    ["PCK CRL", COLLATERAL_KINDS.pckCrlPlatform],
  ];
  const stores = new Map<string, Hex>();
  for (const [omit] of partial) stores.set(omit, (await storeWith(route.conn, fx.collateral, omit as Item)).address);
  const parser = await route.conn.viem.deployContract("CollateralParser");
  stores.set("everything", (await route.conn.viem.deployContract("CollateralStore", [ROOT_CA_HASH, parser.address])).address);
  await setTime(route.conn, fx.verifyAt);
  const journal = await honestDcapProgram(buildDcapProgramInput({ quote: fx.quote, collateral: fx.collateral, timestamp: BigInt(fx.verifyAt) }));
  const full = await route.zk.read.collateralStore();

  for (const [omit, kind] of [...partial, ["everything", COLLATERAL_KINDS.tcbInfoTdx] as [string, Hex]]) {
    it(`without ${omit}: CollateralUnknown(${omit === "everything" ? "TCB info, the first checked" : omit})`, async () => {
      await route.zk.write.setCollateralStore([stores.get(omit)!]);
      try {
        expect(await revert(verifyJournal(route, journal))).toEqual({ name: "CollateralUnknown", args: [kind] });
      } finally {
        await route.zk.write.setCollateralStore([full]);
      }
      // Back on the full store the same journal verifies: the failure was the store's, not the journal's.
      expect((await verifyJournal(route, journal)).fmspc).toBe("0xb0c06f000000");
    });
  }
});
