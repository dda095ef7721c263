/**
 * `poc collateral upload --rpc`: against a local `hardhat node` over real JSON-RPC (the way a Sepolia
 * or Automata-testnet store is fed), signer key from POC_PRIVATE_KEY, idempotent on a second run.
 */
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createPublicClient, createWalletClient, http, type Hex, type Address } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { hardhat } from "viem/chains";
import { main } from "../../../cli/main.js";
import type { CliIO } from "../../../cli/io.js";
import { FIXTURES, ROOT_CA_HASH } from "../../../testkit/intelFixtures.js";

const PORT = 8600 + (process.pid % 200);
const RPC = `http://127.0.0.1:${PORT}`;
// hardhat node's first default account (a well-known development key, funded only on local chains)
const KEY = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80" as Hex;

function artifact(name: string): { abi: unknown[]; bytecode: Hex } {
  return JSON.parse(readFileSync(join(import.meta.dirname, "..", "..", "..", "artifacts", "contracts", "verifier", "dcap", `${name}.sol`, `${name}.json`), "utf8"));
}

describe("poc collateral upload --rpc against a local JSON-RPC node", () => {
  let node: ChildProcess;
  let store: Address;
  beforeAll(async () => {
    // its own process group, so the node under npx stops with it
    node = spawn("npx", ["hardhat", "node", "--port", String(PORT)], { stdio: "ignore", detached: true });
    const pub = createPublicClient({ chain: hardhat, transport: http(RPC) });
    for (let i = 0; ; i++) {
      try {
        await pub.getChainId();
        break;
      } catch {
        if (i > 120) throw new Error("hardhat node did not start");
        await new Promise((r) => setTimeout(r, 500));
      }
    }
    const wallet = createWalletClient({ account: privateKeyToAccount(KEY), chain: hardhat, transport: http(RPC) });
    const p = artifact("CollateralParser");
    const parserTx = await wallet.deployContract({ abi: p.abi, bytecode: p.bytecode });
    const parser = (await pub.waitForTransactionReceipt({ hash: parserTx })).contractAddress!;
    const s = artifact("CollateralStore");
    const storeTx = await wallet.deployContract({ abi: s.abi, bytecode: s.bytecode, args: [ROOT_CA_HASH, parser] });
    store = (await pub.waitForTransactionReceipt({ hash: storeTx })).contractAddress!;
  }, 120_000);

  afterAll(() => {
    if (node?.pid) process.kill(-node.pid, "SIGTERM");
  });

  it("stores every item, then finds them all current", async () => {
    const run = async () => {
      const out: string[] = [];
      const err: string[] = [];
      const io: CliIO = { out: (l) => out.push(l), err: (l) => err.push(l), progress: () => {}, cwd: process.cwd(), env: { POC_PRIVATE_KEY: KEY } };
      const code = await main(["collateral", "upload", join(FIXTURES, "tdx-v4", "collateral.json"), "--rpc", RPC, "--store", store, "--json"], io);
      return { code, res: JSON.parse(out[0] ?? "{}"), err };
    };
    const first = await run();
    expect(first.err).toEqual([]);
    expect(first.code).toBe(0);
    expect(first.res).toMatchObject({ store, chainId: 31337, stored: 7, alreadyCurrent: 0 });
    const second = await run();
    expect(second.res).toMatchObject({ stored: 0, alreadyCurrent: 7 });
  });
});
