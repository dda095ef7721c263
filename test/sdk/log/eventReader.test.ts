/**
 * The SDK's one event reader (sdk/src/events/reader.ts) against a loopback JSON-RPC proxy in front
 * of the embedded chain (testkit/rpcProxy.ts) that behaves like public providers: 1,000- and
 * 10,000-block range caps, result caps, each provider's limit error shape, HTTP 413, random
 * failures. Every read must return exactly the logs the chain returns without limits.
 */
import { network } from "hardhat";
import { createPublicClient, http, keccak256, toHex, type RpcLog } from "viem";
import { afterAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import { classifyRpcError, EventReadError, readAllEvents, readEvents, type EventReadProgress } from "../../../sdk/src/events/reader.js";
import { LEAF_APPENDED_TOPIC, readLogEntries } from "../../../sdk/src/log/onchain.js";
import { hex } from "../../../sdk/src/bytes.js";
import { startRpcProxy, type LimitShape, type RpcProxy } from "../../../testkit/rpcProxy.js";

const connection = await network.connect();
const { viem, provider } = connection;
const harness = await viem.deployContract("TransparencyLogHarness", []);
const mine = (n: number) => provider.request({ method: "hardhat_mine", params: [toHex(n)] });
const leaf = (i: number) => keccak256(toHex(`leaf ${i}`));

// ~52,000 blocks: leaves in bursts, one block with 40 leaves (for result caps), long empty gaps.
let n = 0;
const start = await (await viem.getPublicClient()).getBlockNumber();
for (const [count, gap] of [[3, 9_000], [40, 12_345], [1, 500], [7, 20_000], [5, 10_000]] as const) {
  await harness.write.appendMany([Array.from({ length: count }, () => leaf(n++))]);
  await mine(gap);
}
const head = Number(BigInt((await provider.request({ method: "eth_blockNumber" })) as string));
const expected = (await provider.request({ method: "eth_getLogs", params: [{ address: harness.address, fromBlock: "0x0", toBlock: toHex(head) }] })) as RpcLog[];

const proxies: RpcProxy[] = [];
async function through(options: Parameters<typeof startRpcProxy>[1]) {
  const proxy = await startRpcProxy(provider, options);
  proxies.push(proxy);
  return { proxy, client: createPublicClient({ transport: http(proxy.url) }) };
}
afterAll(async () => {
  await Promise.all(proxies.map((p) => p.close()));
});

const key = (l: RpcLog) => `${l.blockNumber}:${l.logIndex}:${l.topics[1]}`;
const read = (client: ReturnType<typeof createPublicClient>, extra: Partial<Parameters<typeof readEvents>[1]> = {}) =>
  readAllEvents(client, { address: harness.address, topics: [LEAF_APPENDED_TOPIC], fromBlock: start, toBlock: BigInt(head), backoffMs: 1, ...extra });

describe("event reader through a provider-like proxy", () => {
  it("the chain has what the tests expect", () => {
    expect(expected.length).toBe(n);
    expect(head - Number(start)).toBeGreaterThan(50_000);
  });

  for (const [shape, maxRange] of [
    ["exceeds-defined-limit", 1_000],
    ["invalid-request-limit", 1_000],
    ["limit-exceeded", 10_000],
    ["range-too-large", 10_000],
    ["http-413", 1_000],
  ] as [LimitShape, number][]) {
    it(`${maxRange}-block cap refused as ${shape}: every log, in order, no window above the cap after adapting`, async () => {
      const { proxy, client } = await through({ maxRange, shape });
      const logs = await read(client, { initialRange: 50_000n });
      expect(logs.map(key)).toEqual(expected.map(key));
      expect(proxy.stats.refused).toBeGreaterThan(0);
      // Adapting costs a few refusals per growth attempt, not one per window.
      expect(proxy.stats.refused).toBeLessThan(proxy.stats.getLogs / 2);
    });
  }

  it("shrinks on a limit and grows back once the limit lifts", async () => {
    const { proxy, client } = await through({ maxRange: 1_000, shape: "invalid-request-limit", limitUntil: 12 });
    const ranges: bigint[] = [];
    const logs = await read(client, { initialRange: 4_000n, concurrency: 1, onProgress: (p: EventReadProgress) => ranges.push(p.range) });
    expect(logs.map(key)).toEqual(expected.map(key));
    const min = ranges.reduce((a, b) => (b < a ? b : a));
    expect(min).toBeLessThanOrEqual(1_000n);
    expect(ranges[ranges.length - 1]!).toBeGreaterThan(min * 4n);
    expect(proxy.stats.maxRangeAsked).toBeGreaterThan(4_000);
  });

  it("splits on a result cap down to the block that fits", async () => {
    const { proxy, client } = await through({ maxResults: 40, shape: "limit-exceeded" });
    const logs = await read(client, { initialRange: 100_000n });
    expect(logs.map(key)).toEqual(expected.map(key));
    expect(proxy.stats.refused).toBeGreaterThan(0);
  });

  it("a single block with more logs than the cap is EventReadError 'limit', not a hang", async () => {
    const { client } = await through({ maxResults: 39, shape: "limit-exceeded" });
    const err = await read(client).catch((e) => e);
    expect(err).toBeInstanceOf(EventReadError);
    expect(err.reason).toBe("limit");
    expect(err.fromBlock).toBe(err.toBlock);
  });

  it("random failures (503, dropped connections, -32603) are retried with backoff", async () => {
    const { proxy, client } = await through({ maxRange: 10_000, shape: "limit-exceeded", failureRate: 0.3, seed: 11 });
    const logs = await read(client, { retries: 8 });
    expect(logs.map(key)).toEqual(expected.map(key));
    expect(proxy.stats.failed).toBeGreaterThan(0);
  });

  it("a provider that keeps failing ends in EventReadError 'rpc' naming the window", async () => {
    const { client } = await through({ failureRate: 1 });
    const err = await read(client, { retries: 2 }).catch((e) => e);
    expect(err).toBeInstanceOf(EventReadError);
    expect(err.reason).toBe("rpc");
    expect(err.shortMessage).toMatch(/failed after 3 attempts/);
  });

  it("keeps at most `concurrency` requests in flight, and more than one", async () => {
    const { proxy, client } = await through({ maxRange: 10_000, shape: "limit-exceeded", delayMs: 20 });
    const logs = await read(client, { concurrency: 3, initialRange: 2_000n, maxRange: 2_000n });
    expect(logs.map(key)).toEqual(expected.map(key));
    expect(proxy.stats.maxInFlight).toBeGreaterThan(1);
    expect(proxy.stats.maxInFlight).toBeLessThanOrEqual(3);
  });

  it("chunks are contiguous and in block order whatever the limits (property)", async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 300, max: 30_000 }), fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 50_000 }), async (maxRange, concurrency, initial) => {
        const { client, proxy } = await through({ maxRange, shape: "range-too-large" });
        let next = start;
        const got: RpcLog[] = [];
        for await (const c of readEvents(client, { address: harness.address, fromBlock: start, toBlock: BigInt(head), concurrency, initialRange: BigInt(initial), backoffMs: 1 })) {
          expect(c.fromBlock).toBe(next);
          next = c.toBlock + 1n;
          got.push(...c.logs);
        }
        expect(next).toBe(BigInt(head) + 1n);
        expect(got.map(key)).toEqual(expected.map(key));
        await proxy.close();
      }),
      { numRuns: 6 },
    );
  });

  it("readLogEntries rebuilds the harness's tree through a 1,000-block cap", async () => {
    const { client } = await through({ maxRange: 1_000, shape: "exceeds-defined-limit" });
    const r = await readLogEntries(client, { registry: harness.address, fromBlock: start });
    expect(r.tree.size).toBe(n);
    expect(`0x${hex(r.tree.root())}`).toBe(await harness.read.root());
  });
});

describe("classifyRpcError", () => {
  const rpc = (code: number, message: string) => Object.assign(new Error(message), { code });
  it.each([
    [rpc(-32005, "query returned more than 10000 results"), true],
    [rpc(-32600, "eth_getLogs is limited to a 1000 block range"), true],
    [rpc(-32000, "Request exceeds defined limit."), true],
    [rpc(-32602, "block range too large"), true],
    [Object.assign(new Error("HTTP request failed"), { status: 413 }), true],
    [Object.assign(new Error("wrapped"), { cause: rpc(-32005, "limit exceeded") }), true],
    [rpc(-32600, "JSON is not a valid request object"), false],
    [rpc(-32603, "internal error"), false],
    [Object.assign(new Error("HTTP request failed"), { status: 503 }), false],
    [rpc(3, "execution reverted: range too large"), false],
  ] as [Error, boolean][])("%s -> limit %s", (e, limit) => {
    expect(classifyRpcError(e).limit).toBe(limit);
  });

  it("bad reader parameters are typed errors", async () => {
    const client = createPublicClient({ transport: http("http://127.0.0.1:1") });
    await expect(readAllEvents(client, { address: harness.address, fromBlock: 0n, toBlock: 1n, initialRange: 0n })).rejects.toMatchObject({ reason: "range" });
    await expect(readAllEvents(client, { address: harness.address, fromBlock: 0n, toBlock: 1n, concurrency: 0 })).rejects.toMatchObject({ reason: "range" });
    expect(await readAllEvents(client, { address: harness.address, fromBlock: 5n, toBlock: 1n })).toEqual([]);
  });
});


