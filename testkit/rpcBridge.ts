/**
 * The in-process chain (Hardhat's EDR provider, as testkit/cvmWorld.ts deploys it) served over
 * JSON-RPC on a fixed loopback port, so a separate process (the CVM agent as a child process) talks
 * to the same chain the test drives and time-travels. `stop()` / `start()` take the RPC down and up
 * again on the same port ("RPC down" tests). It is testkit/rpcProxy.ts with no limits set: errors
 * keep their code and revert data, so viem decodes reverts as it would from a node.
 */
import { startRpcProxy, type Eip1193, type RpcProxy } from "./rpcProxy.js";

export type RpcBridge = { url: string; port: number; stop(): Promise<void>; start(): Promise<void> };

export async function startRpcBridge(provider: Eip1193, port: number): Promise<RpcBridge> {
  let proxy: RpcProxy | undefined = await startRpcProxy(provider, { port });
  return {
    url: proxy.url,
    port,
    async stop() {
      const p = proxy;
      proxy = undefined;
      await p?.close(); // closes every open connection too: the agent sees the endpoint gone
    },
    async start() {
      proxy ??= await startRpcProxy(provider, { port });
    },
  };
}
