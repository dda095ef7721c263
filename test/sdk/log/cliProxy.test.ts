/**
 * `poc log root` and `poc log prove 0 --recorded` over HTTP through a loopback proxy that caps
 * eth_getLogs like public providers (testkit/rpcProxy.ts) in front of the embedded chain, on a chain
 * of ~30,000 blocks: the commands used to fail there ("Request exceeds defined limit.", exit 2).
 * Also: the scan starts at the address book's deploymentBlock, and with --cache a second run reads
 * only the new blocks.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { toHex, type Hex } from "viem";
import { afterAll, describe, expect, it } from "vitest";
import { createLogCommand } from "../../../cli/commands/log.js";
import type { CliIO } from "../../../cli/io.js";
import { hex } from "../../../sdk/src/bytes.js";
import { ADDRESS_BOOK_FORMAT } from "../../../sdk/src/chain/addressBook.js";
import { signCheckpoint } from "../../../sdk/src/log/checkpoint.js";
import { rebuildLog } from "../../../sdk/src/log/onchain.js";
import { startRpcProxy, type LimitShape } from "../../../testkit/rpcProxy.js";
import { setupRegistry } from "./chain.js";

const { connection, publicClient, w0, w1, w2, chainId, registryAddress, registry } = await setupRegistry();
const { provider } = connection;
const mine = (n: number) => provider.request({ method: "hardhat_mine", params: [toHex(n)] });

// The registry's creation block, found by its code appearing (what deploy writes as deploymentBlock).
let lo = 0n;
let hi = await publicClient.getBlockNumber();
while (lo < hi) {
  const mid = (lo + hi) / 2n;
  const code = await publicClient.getCode({ address: registryAddress, blockNumber: mid });
  if (code && code !== "0x") hi = mid;
  else lo = mid + 1n;
}
const deploymentBlock = lo;

await mine(14_000);
// A checkpoint of the whole log, recorded on chain, then more empty blocks.
const rebuilt = await rebuildLog(publicClient, { registry: registryAddress });
const checkpoint = { origin: rebuilt.origin, size: BigInt(rebuilt.size), rootHash: `0x${hex(rebuilt.tree.root())}` as Hex };
const cosignatures = await Promise.all([w1, w2].map((walletClient) => signCheckpoint({ chainId, registry: registryAddress, checkpoint, walletClient })));
await registry.write.recordCheckpoint([checkpoint.size, checkpoint.rootHash, [], cosignatures], { account: w0.account });
await mine(15_000);

const dir = mkdtempSync(join(tmpdir(), "poc-log-proxy-"));
mkdirSync(join(dir, "deployments"));
writeFileSync(
  join(dir, "deployments", `${chainId}.json`),
  JSON.stringify({ format: ADDRESS_BOOK_FORMAT, chainId, deploymentBlock: Number(deploymentBlock), contracts: { HardwareRegistry: { address: registryAddress, block: Number(deploymentBlock) } } }),
);

const proxies: Awaited<ReturnType<typeof startRpcProxy>>[] = [];
afterAll(() => Promise.all(proxies.map((p) => p.close())));

function capture(): CliIO & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (l) => stdout.push(l), err: (l) => stderr.push(l), progress: (l) => stderr.push(l), cwd: dir, env: {} };
}
// Over real HTTP: the command builds its own transport from --rpc.
const command = createLogCommand({});
async function run(...argv: string[]) {
  const io = capture();
  const code = await command.run(argv, io);
  return { code, io, json: () => JSON.parse(io.stdout.join("\n")) };
}

describe("poc log through a provider that caps eth_getLogs", () => {
  for (const [shape, maxRange] of [
    ["exceeds-defined-limit", 1_000],
    ["invalid-request-limit", 1_000],
    ["limit-exceeded", 10_000],
    ["http-413", 10_000],
  ] as [LimitShape, number][]) {
    it(`root and prove 0 --recorded with a ${maxRange}-block cap (${shape})`, async () => {
      const proxy = await startRpcProxy(provider, { maxRange, shape, failureRate: 0.05, seed: maxRange });
      proxies.push(proxy);
      const root = await run("root", "--rpc", proxy.url, "--json");
      expect(root.io.stderr.join("\n")).not.toMatch(/exceeds defined limit|not a valid request/);
      expect(root.code).toBe(0);
      expect(root.json()).toMatchObject({ size: rebuilt.size, rootHash: checkpoint.rootHash, rebuilt: true });
      // It started at the book's deploymentBlock, not 0, and drew a progress bar with rates.
      expect(proxy.stats.minFrom).toBe(Number(deploymentBlock));
      expect(root.io.stderr.join("\n")).toMatch(/log \[#+-*\] +\d+% .* blocks\/s .* leaves\/s/);

      const prove = await run("prove", "0", "--recorded", "--rpc", proxy.url, "--out", `receipt-${shape}.json`, "--json");
      expect(prove.io.stderr.join("\n")).not.toMatch(/^poc log:/m);
      expect(prove.code).toBe(0);
      expect(prove.json()).toMatchObject({ index: 0, treeSize: rebuilt.size, rootHash: checkpoint.rootHash });
      const verified = await run("verify-receipt", `receipt-${shape}.json`, "--json");
      expect(verified.json()).toMatchObject({ ok: true, index: 0 });
    });
  }

  it("--cache: the second run reads only the new blocks and gives the same root", async () => {
    const proxy = await startRpcProxy(provider, { maxRange: 1_000, shape: "invalid-request-limit" });
    proxies.push(proxy);
    const first = await run("root", "--rpc", proxy.url, "--cache", "cache", "--confirmations", "5", "--json");
    expect(first.code).toBe(0);
    const served = proxy.stats.blocksServed;
    expect(served).toBeGreaterThan(29_000);
    await mine(2_000);
    const second = await run("root", "--rpc", proxy.url, "--cache", "cache", "--confirmations", "5", "--json");
    expect(second.code).toBe(0);
    expect(second.json()).toMatchObject({ size: rebuilt.size, rootHash: checkpoint.rootHash });
    // Only the 2,000 new blocks plus the 5 unconfirmed ones were asked for again.
    expect(proxy.stats.blocksServed - served).toBeLessThanOrEqual(2_000 + 5 + 5);
    expect(second.io.stderr.join("\n")).toMatch(/read 20\d\d blocks this run/);
    const prove = await run("prove", "3", "--rpc", proxy.url, "--cache", "cache", "--json");
    expect(prove.code).toBe(0);
    expect(prove.json().leafHash).toBe(`0x${hex(rebuilt.tree.leafHash(3))}`);
  });

  it("a provider that refuses even one block's logs is exit 1 with the reader's message, not a crash", async () => {
    const proxy = await startRpcProxy(provider, { maxResults: 0, shape: "limit-exceeded" });
    proxies.push(proxy);
    const r = await run("root", "--rpc", proxy.url);
    expect(r.code).toBe(1);
    expect(r.io.stderr.join("\n")).toMatch(/refuses even a single block/);
  });
});
