/**
 * The `poc` binary's own path over real JSON-RPC: a `hardhat node` on a loopback port (started and
 * stopped by this test), contracts deployed over HTTP, addresses found through the
 * deployments/<chainId>.json address book, commands dispatched by `main`.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPublicClient, createWalletClient, http, keccak256, stringToBytes, toHex, type Abi, type Address, type Hex } from "viem";
import { mnemonicToAccount } from "viem/accounts";
import { main } from "../../../cli/main.js";
import type { CliIO } from "../../../cli/io.js";
import { FACILITY } from "../../contracts/registryFixture.js";

const repo = join(import.meta.dirname, "../../..");
const MNEMONIC = "test test test test test test test test test test test junk";
const account = (i: number) => mnemonicToAccount(MNEMONIC, { addressIndex: i });
const port = 20000 + Math.floor(Math.random() * 20000);
const url = `http://127.0.0.1:${port}`;
let node: ChildProcess;
let dir: string;

function io(env: Record<string, string> = {}): CliIO & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (l) => stdout.push(l), err: (l) => stderr.push(l), progress: (l) => stderr.push(l), cwd: dir, env: { POC_RPC_URL: url, ...env } };
}

function artifact(path: string): { abi: Abi; bytecode: Hex } {
  return JSON.parse(readFileSync(join(repo, "artifacts/contracts", path), "utf8"));
}

beforeAll(async () => {
  node = spawn(join(repo, "node_modules/.bin/hardhat"), ["node", "--hostname", "127.0.0.1", "--port", String(port)], { cwd: repo, stdio: ["ignore", "pipe", "pipe"] });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("hardhat node did not start in 60 s")), 60_000);
    node.stdout!.on("data", (d: Buffer) => {
      if (d.toString().includes("Started HTTP")) {
        clearTimeout(timer);
        resolve();
      }
    });
    node.on("exit", (code) => reject(new Error(`hardhat node exited with ${code}`)));
  });
  const pc = createPublicClient({ transport: http(url) });
  const deployer = createWalletClient({ account: account(0), transport: http(url) });
  const deploy = async (path: string, args: unknown[]): Promise<Address> => {
    const a = artifact(path);
    const hash = await deployer.deployContract({ abi: a.abi, bytecode: a.bytecode, args, chain: null });
    return (await pc.waitForTransactionReceipt({ hash })).contractAddress!;
  };
  const members = [0, 1, 2].map((i) => account(i).address);
  const alliance = await deploy("governance/Alliance.sol/Alliance.json", [members, ["A", "B", "C"]]);
  const registry = await deploy("registry/HardwareRegistry.sol/HardwareRegistry.json", [alliance, keccak256(stringToBytes("http salt"))]);
  dir = mkdtempSync(join(tmpdir(), "poc-http-"));
  mkdirSync(join(dir, "deployments"));
  writeFileSync(join(dir, "deployments", "31337.json"), JSON.stringify({ chainId: 31337, contracts: { Alliance: alliance, HardwareRegistry: registry } }));
});

afterAll(() => {
  node?.kill();
});

describe("poc over HTTP JSON-RPC with the address book", () => {
  it("status, propose → sign → submit, then registry list", async () => {
    const st = io();
    expect(await main(["alliance", "status", "--json"], st), st.stderr.join("\n")).toBe(0);
    expect(JSON.parse(st.stdout.join("\n")).members.map((m: { name: string }) => m.name)).toEqual(["A", "B", "C"]);

    writeFileSync(join(dir, "fac.json"), JSON.stringify([FACILITY]));
    const p = io();
    expect(await main(["alliance", "propose", "set-facilities", "--input", "fac.json", "--out", "p.json"], p), p.stderr.join("\n")).toBe(0);
    for (const i of [0, 2]) {
      const s = io({ POC_PRIVATE_KEY: toHex(account(i).getHdKey().privateKey!) });
      expect(await main(["alliance", "sign", "p.json", "--out", `v${i}.json`], s), s.stderr.join("\n")).toBe(0);
    }
    const sub = io({ POC_PRIVATE_KEY: toHex(account(5).getHdKey().privateKey!) });
    expect(await main(["alliance", "submit", "p.json", "v0.json", "v2.json", "--json"], sub), sub.stderr.join("\n")).toBe(0);
    expect(JSON.parse(sub.stdout.join("\n")).signatures).toBe(2);

    const ls = io();
    expect(await main(["registry", "list", "--json"], ls), ls.stderr.join("\n")).toBe(0);
    expect(JSON.parse(ls.stdout.join("\n"))).toMatchObject({ logSize: 1, entries: [] });

    const missing = io();
    expect(await main(["registry", "show", "0x811dca2a26b952e85bb6448b097ba4fd"], missing)).toBe(1);
  });
});
