import { expect, it } from "vitest";
import { setupRegistry } from "../../sdk/log/chain.js";
import { startRpcProxy } from "../../../testkit/rpcProxy.js";
import { startIndexer, waitFor } from "../../../testkit/indexer.js";

it("smoke", async () => {
  const { connection, chainId, registryAddress } = await setupRegistry();
  const proxy = await startRpcProxy(connection.provider, {});
  const ix = await startIndexer({ rpcUrl: proxy.url, chainId, registry: registryAddress, port: 18720 });
  try {
    await waitFor(async () => (await (await fetch(`${ix.url}/poc/status`)).json()).leaves === 11, "11 leaves", 30_000);
    console.log(await (await fetch(`${ix.url}/poc/leaves?from=0&limit=3`)).text());
  } finally {
    console.log(ix.log().slice(-3000));
    await ix.stop();
    await proxy.close();
  }
}, 200_000);
