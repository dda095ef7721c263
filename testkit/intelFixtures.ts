/** Shared setup for the onchain DCAP tests: fixture files, deployment, collateral upload. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { network } from "hardhat";
import { toHex } from "viem";
import { sha256 } from "@noble/hashes/sha2.js";
import { buildCollateralUploads, parseQuoteCollateralV3, type QuoteCollateralV3 } from "../sdk/src/chain/collateralStore.js";

export const FIXTURES = join(import.meta.dirname, "..", "test", "fixtures", "intel");

export type IntelFixture = {
  name: "sgx-v3" | "tdx-v4" | "tdx-v5-no-tcb-match";
  quote: Uint8Array;
  collateral: QuoteCollateralV3;
  verifyAt: number;
};

const VERIFY_AT = { "sgx-v3": 1751626571, "tdx-v4": 1751624163, "tdx-v5-no-tcb-match": 1772708331 } as const;

export function loadFixture(name: IntelFixture["name"]): IntelFixture {
  return {
    name,
    quote: new Uint8Array(readFileSync(join(FIXTURES, name, "quote.bin"))),
    collateral: parseQuoteCollateralV3(readFileSync(join(FIXTURES, name, "collateral.json"), "utf8")),
    verifyAt: VERIFY_AT[name],
  };
}

export const ROOT_CA = new Uint8Array(readFileSync(join(FIXTURES, "intel-sgx-root-ca.der")));
export const ROOT_CA_HASH = toHex(sha256(ROOT_CA));
export const TEE_FAIL_QUOTE = new Uint8Array(readFileSync(join(FIXTURES, "tdx-v4-tee-fail", "quote.bin")));

export type Connection = Awaited<ReturnType<typeof network.connect>>;

/**
 * A fresh in-process chain whose clock starts at `start` (unix seconds): the fixtures' collateral
 * was current in 2025, so the chain must begin before their "verify at" times. `hardfork` lets the
 * bench run without the P-256 precompile.
 */
export async function connectAt(start: number, hardfork?: string): Promise<Connection> {
  return network.connect({
    network: "default",
    override: { initialDate: new Date(start * 1000), ...(hardfork ? { hardfork } : {}) },
  } as never) as Promise<Connection>;
}

export async function deployStore(conn: Connection) {
  const parser = await conn.viem.deployContract("CollateralParser");
  const store = await conn.viem.deployContract("CollateralStore", [ROOT_CA_HASH, parser.address]);
  return { parser, store };
}

/** Sets the chain clock to `at` (the next block's timestamp is `at`). */
export async function setTime(conn: Connection, at: number) {
  const now = await conn.networkHelpers.time.latest();
  if (now < at) await conn.networkHelpers.time.setNextBlockTimestamp(at);
  else if (now > at) throw new Error(`chain time ${now} is past ${at}: use a fresh connection`);
  await conn.networkHelpers.mine();
}

/**
 * Uploads every collateral item for `fx`; returns the gas each used. `rootUploaded`: the store
 * already holds the root (a module deployment's deploy step uploads it, and a second upload of the
 * same certificate is NotNewer), so start after it.
 */
export async function uploadAll(conn: Connection, storeAddress: `0x${string}`, collateral: QuoteCollateralV3, opts: { rootUploaded?: boolean } = {}) {
  const [wallet] = await conn.viem.getWalletClients();
  const pub = await conn.viem.getPublicClient();
  const gas: Record<string, bigint> = {};
  for (const u of buildCollateralUploads({ collateral, rootCertificate: ROOT_CA })) {
    if (opts.rootUploaded && u.kind === "rootCertificate") continue;
    const hash = await wallet!.sendTransaction({ to: storeAddress, data: u.data });
    const r = await pub.waitForTransactionReceipt({ hash });
    if (r.status !== "success") throw new Error(`${u.label} reverted`);
    gas[u.label] = r.gasUsed;
  }
  return gas;
}

import type { PublicClient } from "viem";
import { decodeContractRevert } from "../sdk/src/chain/revert.js";
import { dcapQuoteVerifierAbi } from "../sdk/src/chain/abi/DcapQuoteVerifier.js";

/** A chain at `fx.verifyAt` with the store, every collateral item of `fx` and a verifier deployed. */
export async function deployAll(fx: IntelFixture, opts: { harness?: boolean; hardfork?: string } = {}) {
  const conn = await connectAt(fx.verifyAt - 3600, opts.hardfork);
  const parser = await conn.viem.deployContract("CollateralParser");
  const store = await conn.viem.deployContract(opts.harness ? "CollateralStoreHarness" : "CollateralStore", [ROOT_CA_HASH, parser.address]);
  const uploadGas = await uploadAll(conn, store.address, fx.collateral);
  const verifier = await conn.viem.deployContract("DcapQuoteVerifier", [store.address]);
  await setTime(conn, fx.verifyAt);
  const pub = (await conn.viem.getPublicClient()) as unknown as PublicClient;
  const [wallet] = await conn.viem.getWalletClients();
  return { conn, store, verifier, pub, wallet: wallet!, uploadGas };
}

/**
 * The custom error a call reverted with ("no revert" if it did not; "Panic"/"Error" for those;
 * "undecoded 0x<selector>" or "" for an unknown or empty revert), through the SDK's decoder. A throw
 * that is not a revert is rethrown: a test must not count a TypeError as a refusal.
 */
export async function revertName(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    const r = decodeContractRevert(e, { abi: dcapQuoteVerifierAbi });
    if (!r) throw e;
    return r.errorName === "" ? "empty revert" : r.errorName;
  }
  return "no revert";
}
