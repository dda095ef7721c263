/**
 * The health endpoint: GET /health answers the agent's state as JSON (200 when ok, 503 when
 * starting, degraded or stopped), on loopback unless the operator names another host. Nothing
 * secret is in it: addresses, times, transaction hashes, the last error.
 */
import { createServer, type Server } from "node:http";
import type { AgentHealth } from "./agent.js";

export function startHealthServer(host: string, port: number, health: () => AgentHealth): Promise<Server> {
  const server = createServer((req, res) => {
    if (req.method !== "GET" || (req.url !== "/health" && req.url !== "/")) {
      res.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ error: "GET /health" }));
      return;
    }
    const h = health();
    res.writeHead(h.status === "ok" ? 200 : 503, { "content-type": "application/json" }).end(JSON.stringify(h));
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve(server));
  });
}
