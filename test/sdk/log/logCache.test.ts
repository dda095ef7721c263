/**
 * The Node-only log cache and streaming rebuild (sdk/node/logCache.ts, hashFiles.ts): what it writes
 * reads back, a torn write is cut back to the last commit, a cache for another log or a damaged one is
 * refused, file-backed trees prove exactly like the in-memory tree, and a reorg under the cached blocks
 * is detected (and `poc log --cache` rescans).
 */
import { appendFileSync, mkdtempSync, truncateSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { custom, getAddress } from "viem";
import { describe, expect, it } from "vitest";
import { createLogCommand } from "../../../cli/commands/log.js";
import type { CliIO } from "../../../cli/io.js";
import { hex } from "../../../sdk/src/bytes.js";
import { MerkleTree } from "../../../sdk/src/log/tree.js";
import { LogCache, LogCacheError, rebuildFromCache, syncLogCache } from "../../../sdk/node/logCache.js";
import { syntheticLeaf, templateLeaf, writeSyntheticCache } from "../../../testkit/logCacheFixture.js";
import { setupRegistry } from "./chain.js";

const registry = getAddress(`0x${"12".repeat(20)}`);
const open = (dir: string) => LogCache.open(dir, { chainId: 31337, registry, startBlock: 0n });
const template = templateLeaf();

describe("LogCache", () => {
  const dir = mkdtempSync(join(tmpdir(), "poc-cache-"));
  writeSyntheticCache(dir, 1_000);
  const memory = MerkleTree.fromLeaves(Array.from({ length: 1_000 }, (_, i) => syntheticLeaf(template, i)));

  it("reads back every leaf in order and at random", () => {
    const c = open(dir);
    let n = 0;
    for (const r of c.iterate()) expect(hex(r.leaf)).toBe(hex(syntheticLeaf(template, n++)));
    expect(n).toBe(1_000);
    expect(hex(c.read(777).leaf)).toBe(hex(syntheticLeaf(template, 777)));
    expect(() => c.read(1_000)).toThrow(LogCacheError);
    c.close();
  });

  it("the file-backed rebuild proves exactly like the in-memory tree (property)", () => {
    const c = open(dir);
    const log = rebuildFromCache(c);
    expect(hex(log.tree.root())).toBe(hex(memory.root()));
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000 }), fc.integer({ min: 0, max: 999 }), (size, i) => {
        const index = i % size;
        expect(log.tree.inclusionProof(index, size).map(hex)).toEqual(memory.inclusionProof(index, size).map(hex));
        expect(log.tree.consistencyProof(index, size).map(hex)).toEqual(memory.consistencyProof(index, size).map(hex));
        expect(hex(log.tree.root(size))).toBe(hex(memory.root(size)));
      }),
      { numRuns: 200 },
    );
    log.close();
    c.close();
  });

  it("bytes past the last commit (a crash mid-append) are cut off; appending continues", () => {
    appendFileSync(join(dir, "leaves.bin"), new Uint8Array(100).fill(7));
    const c = open(dir);
    expect(c.leaves).toBe(1_000);
    c.append([{ index: 1_000, leaf: syntheticLeaf(template, 1_000), blockNumber: 999n, transactionHash: `0x${"ab".repeat(32)}`, logIndex: 0 }], 999n);
    expect(hex(c.read(1_000).leaf)).toBe(hex(syntheticLeaf(template, 1_000)));
    expect(() => c.append([{ index: 5, leaf: "0x00", blockNumber: 1n, transactionHash: `0x${"ab".repeat(32)}` }], 1000n)).toThrow(/appending leaf 5/);
    c.close();
  });

  it("refuses a cache for another log, another start block, or one shorter than its meta", () => {
    expect(() => LogCache.open(dir, { chainId: 1, registry, startBlock: 0n })).toThrow(LogCacheError);
    expect(() => LogCache.open(dir, { chainId: 31337, registry: getAddress(`0x${"13".repeat(20)}`), startBlock: 0n })).toThrow(/caches chain 31337 registry/);
    expect(() => LogCache.open(dir, { chainId: 31337, registry, startBlock: 5n })).toThrow(/starts at block 0/);
    truncateSync(join(dir, "leaves.bin"), 1000);
    expect(() => open(dir)).toThrow(/fewer bytes than its meta.json/);
  });
});

describe("reorgs under the cache", async () => {
  const { connection, publicClient, chainId, registryAddress, registry: reg, w1, platformKeys } = await setupRegistry();
  const provider = connection.provider;

  it("a cached block that is no longer on the chain is LogCacheError 'reorg'; the CLI rescans", async () => {
    const dir = mkdtempSync(join(tmpdir(), "poc-cache-reorg-"));
    const snapshot = (await provider.request({ method: "evm_snapshot", params: [] })) as string;
    await reg.write.heartbeat([platformKeys.slice(0, 1)], { account: w1.account });
    // Where `poc log --cache <dir>` keeps this log.
    const cache = LogCache.open(join(dir, `${chainId}-${registryAddress.toLowerCase()}`), { chainId, registry: registryAddress, startBlock: 0n });
    await syncLogCache(publicClient, cache, { registry: registryAddress, confirmations: 0n });
    const cached = cache.leaves;
    // Another branch: the heartbeat block replaced by two empty ones.
    await provider.request({ method: "evm_revert", params: [snapshot] });
    await provider.request({ method: "evm_mine", params: [] });
    await provider.request({ method: "evm_mine", params: [] });
    await expect(syncLogCache(publicClient, cache, { registry: registryAddress, confirmations: 0n })).rejects.toMatchObject({ reason: "reorg" });
    cache.close();

    const stderr: string[] = [];
    const stdout: string[] = [];
    const io: CliIO = { out: (l) => stdout.push(l), err: (l) => stderr.push(l), progress: (l) => stderr.push(l), cwd: dir, env: {} };
    const code = await createLogCommand({ transport: custom(provider) }).run(["root", "--registry", registryAddress, "--cache", ".", "--confirmations", "0", "--json"], io);
    expect(code).toBe(0);
    expect(stderr.join("\n")).toMatch(/no longer on the chain.*rescanning/);
    expect(JSON.parse(stdout[0]!).size).toBe(cached - 1);
  });
});
