/**
 * A JSON-RPC proxy on loopback in front of the embedded chain (an EIP-1193 provider: the in-process
 * EDR chain of `network.connect()`), behaving like a public provider's eth_getLogs:
 * - `maxRange`: a request spanning more blocks is refused with the chosen error `shape`;
 * - `maxResults`: a result with more logs is refused (checked after asking the chain);
 * - `failureRate`: that share of requests fails at random (HTTP 503, a dropped connection, or
 *   -32603), from a seeded generator so a run is repeatable;
 * - `limitUntil`: the range limit applies only to the first N eth_getLogs requests (to see a reader
 *   grow its range back);
 * and counts eth_getLogs requests, the largest range asked, and the most requests in flight at once.
 * Listens on 127.0.0.1 only.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export type Eip1193 = { request: (args: { method: string; params?: readonly unknown[] | object }) => Promise<unknown> };

/** How a limit is refused, after real providers. */
export type LimitShape =
  | "exceeds-defined-limit" // -32000 "Request exceeds defined limit." (the provider)
  | "invalid-request-limit" // -32600 "eth_getLogs is limited to a 1000 block range"
  | "limit-exceeded" // -32005 "query returned more than 10000 results"
  | "range-too-large" // -32602 "block range too large"
  | "http-413"; // HTTP 413 Payload Too Large

export type RpcProxyOptions = {
  maxRange?: number;
  maxResults?: number;
  shape?: LimitShape;
  failureRate?: number;
  seed?: number;
  limitUntil?: number;
  /** Delay per eth_getLogs answer in ms (lets concurrency show). */
  delayMs?: number;
  port?: number;
};

export type RpcProxy = {
  url: string;
  stats: { getLogs: number; refused: number; failed: number; maxRangeAsked: number; maxInFlight: number; ranges: number[]; minFrom: number; blocksServed: number };
  options: RpcProxyOptions;
  close: () => Promise<void>;
};

function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

function limitError(shape: LimitShape, what: "range" | "results", limit: number): { status: number; body: unknown } | { status: number; text: string } {
  switch (shape) {
    case "http-413":
      return { status: 413, text: "Payload Too Large" };
    case "exceeds-defined-limit":
      return { status: 200, body: { code: -32000, message: "Request exceeds defined limit." } };
    case "invalid-request-limit":
      return { status: 200, body: { code: -32600, message: what === "range" ? `eth_getLogs is limited to a ${limit} block range` : `query returned more than ${limit} results` } };
    case "limit-exceeded":
      return { status: 200, body: { code: -32005, message: what === "range" ? `block range exceeds limit of ${limit}` : `query returned more than ${limit} results` } };
    case "range-too-large":
      return { status: 200, body: { code: -32602, message: what === "range" ? "block range too large" : "too many results" } };
  }
}

export async function startRpcProxy(upstream: Eip1193, options: RpcProxyOptions = {}): Promise<RpcProxy> {
  const random = rng(options.seed ?? 7);
  const stats: RpcProxy["stats"] = { getLogs: 0, refused: 0, failed: 0, maxRangeAsked: 0, maxInFlight: 0, ranges: [], minFrom: Number.MAX_SAFE_INTEGER, blocksServed: 0 };
  let inFlight = 0;

  const toNumber = async (tag: unknown): Promise<number> => {
    if (typeof tag === "string" && tag.startsWith("0x")) return Number(BigInt(tag));
    if (tag === undefined || tag === "latest" || tag === "safe" || tag === "finalized" || tag === "pending") return Number(BigInt((await upstream.request({ method: "eth_blockNumber" })) as string));
    if (tag === "earliest") return 0;
    throw new Error(`bad block tag ${String(tag)}`);
  };

  async function answer(call: { id: unknown; method: string; params?: unknown[] }, res: ServerResponse): Promise<{ result?: unknown; error?: unknown } | "sent"> {
    if (call.method === "eth_getLogs") {
      stats.getLogs++;
      if (options.failureRate && random() < options.failureRate) {
        stats.failed++;
        const kind = Math.floor(random() * 3);
        if (kind === 0) {
          res.writeHead(503).end("Service Unavailable");
          return "sent";
        }
        if (kind === 1) {
          res.socket?.destroy();
          return "sent";
        }
        return { error: { code: -32603, message: "internal error" } };
      }
      const filter = (call.params?.[0] ?? {}) as { fromBlock?: string; toBlock?: string };
      const from = await toNumber(filter.fromBlock ?? "latest");
      const to = await toNumber(filter.toBlock ?? "latest");
      const span = to - from + 1;
      stats.ranges.push(span);
      stats.minFrom = Math.min(stats.minFrom, from);
      stats.maxRangeAsked = Math.max(stats.maxRangeAsked, span);
      const limited = options.limitUntil === undefined || stats.getLogs <= options.limitUntil;
      if (options.maxRange !== undefined && limited && span > options.maxRange) {
        stats.refused++;
        const e = limitError(options.shape ?? "exceeds-defined-limit", "range", options.maxRange);
        if ("text" in e) {
          res.writeHead(e.status, { "content-type": "text/plain" }).end(e.text);
          return "sent";
        }
        return { error: e.body };
      }
      inFlight++;
      stats.maxInFlight = Math.max(stats.maxInFlight, inFlight);
      try {
        if (options.delayMs) await new Promise((r) => setTimeout(r, options.delayMs));
        const result = (await upstream.request({ method: call.method, ...(call.params ? { params: call.params } : {}) })) as unknown[];
        if (options.maxResults !== undefined && result.length > options.maxResults) {
          stats.refused++;
          const e = limitError(options.shape ?? "limit-exceeded", "results", options.maxResults);
          if ("text" in e) {
            res.writeHead(e.status, { "content-type": "text/plain" }).end(e.text);
            return "sent";
          }
          return { error: e.body };
        }
        stats.blocksServed += span;
        return { result };
      } finally {
        inFlight--;
      }
    }
    try {
      return { result: await upstream.request({ method: call.method, ...(call.params ? { params: call.params } : {}) }) };
    } catch (e) {
      const err = e as { code?: number; message?: string; data?: unknown };
      return { error: { code: typeof err.code === "number" ? err.code : -32603, message: err.message ?? String(e), ...(err.data === undefined ? {} : { data: err.data }) } };
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    let body: unknown;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
    } catch {
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ jsonrpc: "2.0", id: null, error: { code: -32700, message: "parse error" } }));
      return;
    }
    const calls = (Array.isArray(body) ? body : [body]) as { id: unknown; method: string; params?: unknown[] }[];
    const out: unknown[] = [];
    for (const call of calls) {
      const a = await answer(call, res);
      if (a === "sent") return;
      out.push({ jsonrpc: "2.0", id: call.id, ...a });
    }
    if (res.writableEnded) return;
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(Array.isArray(body) ? out : out[0], (_k, v) => (typeof v === "bigint" ? `0x${v.toString(16)}` : v)));
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((e) => {
      if (!res.headersSent) res.writeHead(500).end(String(e));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    stats,
    options,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
