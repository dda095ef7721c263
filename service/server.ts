/**
 * The verification service behind `poc serve` (cli/commands/serve.ts): node:http, no framework.
 * Routes, limits, CORS and state: docs/service.md.
 *   POST /attestations/verify   evidence in, the verification report out (and the verifiers service's shape)
 *   GET  /hardware_id/:id       registry status of a PPID, chip ID or platformKey
 *   GET  /health, GET /metrics  liveness and Prometheus metrics
 *   POST /rpc                   read-only JSON-RPC to the chain the service was given (the web page's explorer)
 *   GET  /*                     the built web page (web/dist), when given
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { readFile, stat } from "node:fs/promises";
import { extname, join, normalize, resolve, sep } from "node:path";
import type { Socket } from "node:net";
import { createIntelQuoteVerifier, decodeEvidenceInput, verifyEvidence, type IntelQuoteVerifier, type RegistryLookup } from "../sdk/src/report/index.js";
import { CollateralRollbackError } from "../sdk/src/intel/index.js";
import { HeldCollateral } from "./heldCollateral.js";
import {
  BadRequestError,
  MethodNotAllowedError,
  NotFoundError,
  PayloadTooLargeError,
  RateLimitedError,
  RequestTimeoutError,
  ServiceError,
  UnavailableError,
  UnsupportedMediaTypeError,
} from "./errors.js";
import type { HardwareAnswer } from "./hardwareLookup.js";
import { Metrics } from "./metrics.js";
import { RateLimiter, type RateLimitOptions } from "./rateLimit.js";
import { badRequestOf, decodeVerifyRequest, verifyResponse } from "./verifyRequest.js";

/** An EIP-1193 provider (the embedded chain's); /rpc forwards only the read methods below to it. */
export type Eip1193 = { request(args: { method: string; params?: unknown }): Promise<unknown> };

export type ServiceOptions = {
  /** Held collateral (persisted in the state directory); memory only when not given. */
  collateral?: HeldCollateral;
  /** The registry dimension of every report; skipped without it. */
  registry?: RegistryLookup;
  /** GET /hardware_id/:id; 503 without it. */
  hardware?: (id: string) => Promise<HardwareAnswer>;
  /** Intel verifier; the SDK's offchain DCAP verifier by default. */
  intelVerifier?: IntelQuoteVerifier;
  /** The built page to serve (web/dist). */
  staticDir?: string;
  /** GET /badge/...svg: a CVM's live status badge (service/badge.ts); 404 without it. */
  badge?: (path: string) => Promise<string>;
  /** Chain for POST /rpc (read-only methods). */
  rpc?: Eip1193;
  /** Extra JSON for GET /config.json (the page reads its default chain from it). */
  pageConfig?: Record<string, unknown>;
  /** Request body limit in bytes (default 2 MiB). */
  bodyLimit?: number;
  /** Headers must arrive within this (default 10 s). */
  headersTimeoutMs?: number;
  /** The whole request must arrive within this (default 20 s). */
  requestTimeoutMs?: number;
  /** One verification may take this long (default 15 s). */
  verifyTimeoutMs?: number;
  /** Per-client token bucket on the API routes; false: none (the bench's own loopback load). */
  rateLimit?: RateLimitOptions | false;
  /** Origins allowed to call the API from a browser: "*" (default: the API is public, no credentials) or a list. */
  corsOrigins?: "*" | string[];
  /** Unix seconds (tests pin it). */
  now?: () => number;
  log?: (line: string) => void;
};

const RPC_READ_METHODS = new Set([
  "eth_chainId", "eth_blockNumber", "eth_call", "eth_getLogs", "eth_getBlockByNumber", "eth_getBlockByHash", "eth_getCode",
  "eth_getTransactionReceipt", "eth_getTransactionByHash", "eth_getBalance", "eth_getStorageAt", "net_version", "eth_estimateGas", "eth_gasPrice", "eth_feeHistory", "eth_maxPriorityFeePerGas", "eth_getTransactionCount",
]);

const CONTENT_TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8", ".svg": "image/svg+xml",
  ".json": "application/json", ".png": "image/png", ".ico": "image/x-icon", ".map": "application/json", ".txt": "text/plain; charset=utf-8",
};

export type Service = {
  server: Server;
  metrics: Metrics;
  collateral: HeldCollateral;
  /** Resolves with the bound port. */
  listen(port: number, host?: string): Promise<number>;
  /** Stops accepting, lets requests in flight finish (up to `graceMs`), then closes every socket. */
  close(graceMs?: number): Promise<void>;
};

export function createService(options: ServiceOptions = {}): Service {
  const bodyLimit = options.bodyLimit ?? 2 * 1024 * 1024;
  const headersTimeoutMs = options.headersTimeoutMs ?? 10_000;
  const requestTimeoutMs = options.requestTimeoutMs ?? 20_000;
  const verifyTimeoutMs = options.verifyTimeoutMs ?? 15_000;
  const now = options.now ?? (() => Math.floor(Date.now() / 1000));
  const log = options.log ?? (() => {});
  const collateral = options.collateral ?? new HeldCollateral();
  const limiter = options.rateLimit === false ? undefined : new RateLimiter(options.rateLimit ?? { perSecond: 20, burst: 40 });
  const intelVerifier = options.intelVerifier ?? createIntelQuoteVerifier();
  const cors = options.corsOrigins ?? "*";
  const metrics = new Metrics();
  const staticRoot = options.staticDir ? resolve(options.staticDir) : undefined;

  const server = createServer({
    headersTimeout: headersTimeoutMs,
    requestTimeout: requestTimeoutMs,
    // How often Node checks the two timeouts above (its default, 30 s, would let a slow-loris sit that long).
    connectionsCheckingInterval: Math.min(1000, Math.max(50, Math.floor(headersTimeoutMs / 4))),
    maxHeaderSize: 16 * 1024,
    keepAliveTimeout: 5_000,
  });
  server.maxConnections = 4096;
  server.maxRequestsPerSocket = 10_000;

  // Errors before a request handler runs (bad HTTP, headers too large, headers or body too slow):
  // answered here with a typed JSON body instead of Node's bare status line.
  server.on("clientError", (err: NodeJS.ErrnoException, socket: Socket) => {
    metrics.clientErrors++;
    if (!socket.writable || (err as { code?: string }).code === "ECONNRESET") return void socket.destroy();
    const code = err.code ?? "";
    const e =
      code === "ERR_HTTP_REQUEST_TIMEOUT" || code === "ERR_HTTP_HEADERS_TIMEOUT" ? new RequestTimeoutError(code === "ERR_HTTP_HEADERS_TIMEOUT" ? headersTimeoutMs : requestTimeoutMs)
      : code === "HPE_HEADER_OVERFLOW" ? new ServiceError(431, "headers_too_large", "the request headers are larger than 16 KiB", { limit: 16 * 1024 })
      : new BadRequestError("malformed_http", `malformed HTTP request (${code || err.message})`);
    const body = JSON.stringify(e.toJson());
    socket.end(`HTTP/1.1 ${e.status} ${e.code}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
  });

  server.on("request", (req, res) => {
    const started = performance.now();
    const url = new URL(req.url ?? "/", "http://service");
    const route = routeName(req.method ?? "GET", url.pathname);
    handle(req, res, url, route)
      .catch((e: unknown) => {
        if (e instanceof ServiceError) return send(res, e.status, e.toJson(), e.status === 413 || e.status === 408 ? { Connection: "close" } : {});
        log(`serve: ${route}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
        return send(res, 500, { success: false, error: "internal_error", message: "the service failed to answer; see its log" });
      })
      .finally(() => {
        metrics.request(route, res.statusCode);
        if (route === "verify" && res.statusCode === 200) metrics.verifyDuration(performance.now() - started);
      });
  });

  async function handle(req: IncomingMessage, res: ServerResponse, url: URL, route: string): Promise<void> {
    const method = req.method ?? "GET";
    const api = route === "verify" || route === "hardware";
    if (api) corsHeaders(req, res);
    if (method === "OPTIONS" && api) {
      res.writeHead(204).end();
      return;
    }
    if (api && limiter) {
      const wait = limiter.take(clientOf(req));
      if (wait > 0) {
        metrics.rateLimited++;
        res.setHeader("Retry-After", String(wait));
        req.resume();
        throw new RateLimitedError(wait);
      }
    }
    switch (route) {
      case "verify": {
        if (method !== "POST") throw new MethodNotAllowedError(method, url.pathname);
        const body = await readJson(req);
        return send(res, 200, await verify(body));
      }
      case "hardware": {
        if (method !== "GET") throw new MethodNotAllowedError(method, url.pathname);
        if (!options.hardware) throw new UnavailableError("no_registry", "this service was started without a registry (--rpc and --registry)");
        let id: string;
        try {
          id = decodeURIComponent(url.pathname.slice("/hardware_id/".length));
        } catch {
          throw new BadRequestError("invalid_hardware_id", "the hardware ID is not valid percent-encoding", { field: "id", expected: "hex" });
        }
        const answer = await options.hardware(id).catch((e: unknown) => {
          if (e instanceof ServiceError) throw e;
          throw badRequestOrUnavailable(e);
        });
        return send(res, answer.status, answer.body);
      }
      case "health":
        return send(res, 200, {
          name: "Proof-of-Cloud verification service",
          status: "running",
          uptimeSeconds: Math.round((Date.now() - metrics.startedAt) / 1000),
          collateral: collateral.list(),
          registry: Boolean(options.registry),
          endpoints: { attestation_verify: "POST /attestations/verify", hardware_check: "GET /hardware_id/:id", metrics: "GET /metrics" },
        });
      case "metrics":
        res.writeHead(200, { "Content-Type": "text/plain; version=0.0.4" });
        res.end(metrics.render({ process_resident_memory_bytes: process.memoryUsage.rss(), poc_collateral_items: collateral.size, poc_rate_limit_clients: limiter?.clients ?? 0 }));
        return;
      case "rpc":
        return rpc(req, res);
      case "badge": {
        if (!options.badge) throw new NotFoundError("no_chain", "this service reads no chain");
        const svg = await options.badge(url.pathname).catch((e: unknown) => {
          if (e instanceof ServiceError) throw e;
          throw badRequestOrUnavailable(e);
        });
        res.writeHead(200, { "Content-Type": "image/svg+xml", "Cache-Control": "no-cache, max-age=0", "Access-Control-Allow-Origin": "*", "X-Content-Type-Options": "nosniff" });
        res.end(svg);
        return;
      }
      case "config":
        return send(res, 200, options.pageConfig ?? {});
      default:
        if (method !== "GET" && method !== "HEAD") throw new MethodNotAllowedError(method, url.pathname);
        return serveStatic(res, url.pathname);
    }
  }

  async function verify(body: unknown): Promise<Record<string, unknown>> {
    const request = decodeVerifyRequest(body, now());
    let decoded;
    try {
      decoded = decodeEvidenceInput({ bytes: request.evidence });
    } catch (e) {
      throw badRequestOf(e, request.shape === "verifiers" ? "hex" : "evidence");
    }
    if (request.shape === "verifiers") {
      const want = (body as { type: string }).type === "intel" ? "intel-quote" : "snp-report";
      if (decoded.detected.type !== want) throw new BadRequestError("type_mismatch", `type is ${(body as { type: string }).type} but the hex is ${decoded.detected.type} evidence`, { field: "type" });
    }
    if (request.collateral && !decoded.intelQuote) throw new BadRequestError("invalid_field", `collateral is Intel collateral; the evidence is ${decoded.detected.type}`, { field: "collateral" });
    let intelCollateral = request.collateral;
    try {
      if (intelCollateral) collateral.checkNotOlder(intelCollateral);
      else if (decoded.intelQuote) intelCollateral = collateral.forQuote(decoded.intelQuote);
    } catch (e) {
      throw badRequestOf(e, "collateral");
    }
    // As poc verify: a GPU report as the evidence takes the nonce (and any RIMs) as the GPU's; its chain comes in `certificates`.
    const isGpu = decoded.detected.type === "nvidia-gpu" || decoded.detected.type === "nvidia-gpu-list";
    if (request.rims?.length && !isGpu) throw new BadRequestError("invalid_field", `rims are NVIDIA GPU RIMs; the evidence is ${decoded.detected.type}`, { field: "rims" });
    const gpu = isGpu ? { certificates: [], ...(request.rims ? { rims: request.rims } : {}), ...(request.nonce ? { nonce: request.nonce } : {}) } : undefined;
    const run = verifyEvidence({ ...request.params, ...(gpu ? { gpu } : {}), evidence: decoded.evidence, collateral: intelCollateral, intelVerifier, registry: options.registry });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new UnavailableError("verify_timeout", `verification took longer than ${verifyTimeoutMs} ms`)), verifyTimeoutMs);
    });
    let report;
    try {
      report = await Promise.race([run, timeout]);
    } catch (e) {
      if (e instanceof ServiceError) throw e;
      if (e instanceof CollateralRollbackError) throw new ServiceError(409, "collateral_rollback", e.shortMessage, { field: "collateral" });
      throw badRequestOrUnavailable(e, request.shape === "verifiers" ? "hex" : "evidence");
    } finally {
      clearTimeout(timer);
    }
    // Collateral that verified the quote (the hardware dimension did not fail on it) is kept for later quotes and restarts.
    if (request.collateral && report.intel?.scope === "full") await collateral.admit(request.collateral).catch((e: unknown) => log(`serve: collateral not kept: ${(e as Error).message}`));
    // As poc verify: how the evidence was read (hex / base64 text) and what of it was ignored.
    const { input } = decoded;
    return verifyResponse(input.encoding !== "binary" || input.ignored?.length ? { ...report, input } : report);
  }

  async function rpc(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!options.rpc) throw new NotFoundError("no_chain", "this service serves no chain");
    if (req.method !== "POST") throw new MethodNotAllowedError(req.method ?? "GET", "/rpc");
    const body = await readJson(req);
    const calls = Array.isArray(body) ? body : [body];
    if (calls.length > 100) throw new BadRequestError("invalid_body", "at most 100 calls in a batch", { field: "$", limit: 100 });
    const answers = await Promise.all(
      calls.map(async (c: { id?: unknown; method?: unknown; params?: unknown }) => {
        const id = c?.id ?? null;
        if (typeof c?.method !== "string" || !RPC_READ_METHODS.has(c.method)) return { jsonrpc: "2.0", id, error: { code: -32601, message: `method not served here (read-only): ${String(c?.method)}` } };
        try {
          return { jsonrpc: "2.0", id, result: await options.rpc!.request({ method: c.method, params: c.params }) };
        } catch (e) {
          const err = e as { code?: number; message?: string; data?: unknown };
          return { jsonrpc: "2.0", id, error: { code: typeof err.code === "number" ? err.code : -32603, message: err.message?.split("\n")[0] ?? "error", ...(err.data !== undefined ? { data: err.data } : {}) } };
        }
      }),
    );
    return send(res, 200, Array.isArray(body) ? answers : answers[0]);
  }

  async function serveStatic(res: ServerResponse, pathname: string): Promise<void> {
    if (!staticRoot) {
      if (pathname === "/") return send(res, 200, { name: "Proof-of-Cloud verification service", status: "running" });
      throw new NotFoundError("not_found", `no such path: ${pathname}`);
    }
    let rel: string;
    try {
      rel = decodeURIComponent(pathname);
    } catch {
      throw new BadRequestError("malformed_path", "the path is not valid percent-encoding", { field: "path" });
    }
    if (rel.includes("\0")) throw new BadRequestError("malformed_path", "the path holds a NUL byte", { field: "path" });
    const file = resolve(staticRoot, "." + normalize(rel === "/" ? "/index.html" : rel));
    if (file !== staticRoot && !file.startsWith(staticRoot + sep)) throw new NotFoundError("not_found", `no such path: ${pathname}`);
    const s = await stat(file).catch(() => undefined);
    if (!s?.isFile()) throw new NotFoundError("not_found", `no such path: ${pathname}`);
    const body = await readFile(file);
    res.writeHead(200, {
      "Content-Type": CONTENT_TYPES[extname(file)] ?? "application/octet-stream",
      "Content-Length": body.length,
      // Hashed bundle names never change content; the page itself is always revalidated.
      "Cache-Control": rel.startsWith("/assets/") ? "public, max-age=31536000, immutable" : "no-cache",
      "X-Content-Type-Options": "nosniff",
      "Content-Security-Policy": "default-src 'self'; connect-src *; img-src 'self' data:; style-src 'self' 'unsafe-inline'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'",
    });
    res.end(body);
  }

  function corsHeaders(req: IncomingMessage, res: ServerResponse): void {
    const origin = req.headers.origin;
    if (cors === "*") res.setHeader("Access-Control-Allow-Origin", "*");
    else if (origin && cors.includes(origin)) {
      res.setHeader("Access-Control-Allow-Origin", origin);
      res.setHeader("Vary", "Origin");
    } else return;
    res.setHeader("Access-Control-Allow-Methods", "GET, POST, OPTIONS");
    res.setHeader("Access-Control-Allow-Headers", "Content-Type");
    res.setHeader("Access-Control-Max-Age", "600");
  }

  function readJson(req: IncomingMessage): Promise<unknown> {
    const type = (req.headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase();
    if (type !== "application/json") {
      req.resume();
      return Promise.reject(new UnsupportedMediaTypeError(req.headers["content-type"]));
    }
    const declared = Number(req.headers["content-length"] ?? NaN);
    if (declared > bodyLimit) {
      req.resume();
      return Promise.reject(new PayloadTooLargeError(bodyLimit));
    }
    return new Promise((resolvePromise, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      let done = false;
      const finish = (e?: ServiceError) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        if (e) {
          req.removeAllListeners("data");
          req.resume();
          return reject(e);
        }
        const text = Buffer.concat(chunks).toString("utf8");
        try {
          resolvePromise(JSON.parse(text));
        } catch (err) {
          const m = /position (\d+)/.exec((err as Error).message);
          reject(new BadRequestError("invalid_json", `the body is not JSON: ${(err as Error).message}`, { field: "$", ...(m ? { offset: Number(m[1]) } : {}), expected: "JSON" }));
        }
      };
      // The body's own deadline, so a request whose headers came in time cannot trickle its body.
      const timer = setTimeout(() => finish(new RequestTimeoutError(requestTimeoutMs)), requestTimeoutMs);
      req.on("data", (c: Buffer) => {
        if (done) return;
        size += c.length;
        if (size > bodyLimit) return finish(new PayloadTooLargeError(bodyLimit));
        chunks.push(c);
      });
      req.on("end", () => finish());
      req.on("error", () => finish(new BadRequestError("aborted", "the request was aborted")));
    });
  }

  const sockets = new Set<Socket>();
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });

  return {
    server,
    metrics,
    collateral,
    listen: (port, host = "127.0.0.1") =>
      new Promise((ok, fail) => {
        server.once("error", fail);
        server.listen(port, host, () => {
          server.off("error", fail);
          ok((server.address() as { port: number }).port);
        });
      }),
    close: (graceMs = 2000) =>
      new Promise<void>((ok) => {
        server.close(() => ok());
        server.closeIdleConnections();
        setTimeout(() => {
          for (const s of sockets) s.destroy();
        }, graceMs).unref();
      }),
  };
}

function routeName(method: string, path: string): string {
  if (path === "/attestations/verify") return "verify";
  if (path.startsWith("/hardware_id/")) return "hardware";
  if (path === "/health" || path === "/healthz") return "health";
  if (path === "/metrics") return "metrics";
  if (path === "/rpc") return "rpc";
  if (path === "/config.json") return "config";
  if (path.startsWith("/badge/")) return "badge";
  return method === "GET" || method === "HEAD" ? "static" : "other";
}

/** The client a rate-limit bucket belongs to: its address (a proxy in front should set its own limits). */
function clientOf(req: IncomingMessage): string {
  return req.socket.remoteAddress ?? "unknown";
}

function badRequestOrUnavailable(e: unknown, field = "id"): unknown {
  const b = badRequestOf(e, field);
  if (b !== e) return b;
  // Not the caller's fault: the chain (RPC) failed.
  return new UnavailableError("upstream_error", `the chain could not be read: ${((e as { shortMessage?: string }).shortMessage ?? String(e)).split("\n")[0]}`);
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent) return void res.end();
  const text = JSON.stringify(body);
  res.writeHead(status, { "Content-Type": "application/json; charset=utf-8", "Content-Length": Buffer.byteLength(text), "X-Content-Type-Options": "nosniff", ...headers });
  res.end(text);
}
