/**
 * Serves an in-process chain (Hardhat's EDR provider, as testkit/cvmWorld.ts deploys it) over
 * JSON-RPC on a loopback HTTP port, so a separate process (the CVM agent as a child process) talks
 * to the same chain the test drives and time-travels. `stop()` / `start()` take the RPC down and
 * up again ("RPC down" tests). Errors keep their code and revert data, so viem decodes reverts as
 * it would from a node.
 */
import { createServer, type Server } from "node:http";

type Provider = { request(a: { method: string; params?: unknown[] }): Promise<unknown> };

export type RpcBridge = { url: string; port: number; stop(): Promise<void>; start(): Promise<void>; requests: number };

export async function startRpcBridge(provider: Provider, port: number): Promise<RpcBridge> {
  let server: Server | undefined;
  const sockets = new Set<import("node:net").Socket>();
  const bridge: RpcBridge = {
    url: `http://127.0.0.1:${port}`,
    port,
    requests: 0,
    async start() {
      server = createServer(async (req, res) => {
        let body = "";
        for await (const chunk of req) body += chunk;
        const one = async (m: { id?: unknown; method: string; params?: unknown[] }) => {
          bridge.requests++;
          try {
            return { jsonrpc: "2.0", id: m.id ?? null, result: (await provider.request({ method: m.method, params: m.params ?? [] })) ?? null };
          } catch (e) {
            const err = e as { code?: number; message?: string; data?: unknown };
            return { jsonrpc: "2.0", id: m.id ?? null, error: { code: typeof err.code === "number" ? err.code : -32603, message: err.message ?? String(e), ...(err.data === undefined ? {} : { data: err.data }) } };
          }
        };
        let out: unknown;
        try {
          const msg = JSON.parse(body) as unknown;
          out = Array.isArray(msg) ? await Promise.all(msg.map((m) => one(m as never))) : await one(msg as never);
        } catch {
          out = { jsonrpc: "2.0", id: null, error: { code: -32700, message: "parse error" } };
        }
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(out, (_k, v) => (typeof v === "bigint" ? `0x${v.toString(16)}` : v)));
      });
      server.on("connection", (s) => {
        sockets.add(s);
        s.once("close", () => sockets.delete(s));
      });
      await new Promise<void>((resolve, reject) => {
        server!.once("error", reject);
        server!.listen(port, "127.0.0.1", () => resolve());
      });
    },
    async stop() {
      if (!server) return;
      const s = server;
      server = undefined;
      for (const sock of sockets) sock.destroy();
      await new Promise((r) => s.close(r));
    },
  };
  await bridge.start();
  return bridge;
}
