/**
 * The CVM agent end to end (agent/, docs/agent.md) with a real swtpm through tpm2-tools, configfs-tsm
 * emulated on disk (simulator TDX quotes) and the embedded chain served over JSON-RPC on loopback:
 * - agent.register.seconds: one registration tick of a fresh identity, median of 5: configfs-tsm
 *   report, TPM quote, EIP-712 signature, gas estimate, signed transaction persisted (fsync),
 *   broadcast, receipt;
 * - agent.reattest.seconds: one re-attestation tick once the TPM TTL is due, median of 5: TPM quote,
 *   event log replay check, transaction, receipt;
 * - agent.tpmQuote.seconds: tpm2_quote plus the context flush alone, median of 10 (the TPM's share).
 * Without swtpm or tpm2-tools the suite prints which are missing and reports no agent metric.
 */
import { join } from "node:path";
import type { BenchSuite } from "../bench.js";
import { Agent } from "../../agent/agent.js";
import { AGENT_PCRS, startAgentWorld } from "../../testkit/agentWorld.js";
import { swtpmAvailable } from "../../testkit/swtpm.js";
import { DAY } from "../../testkit/cvmWorld.js";
import { readCvm } from "../../sdk/src/chain/cvmRegistry.js";

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export const suite: BenchSuite = {
  name: "agent",
  async run(ctx): Promise<Record<string, number>> {
    const tools = swtpmAvailable();
    if (!tools.ok) {
      ctx.log(`bench: agent: NOT MEASURED: missing ${tools.missing.join(", ")} (apt-get install swtpm swtpm-tools tpm2-tools); no agent.* metrics reported`);
      return {};
    }
    const aw = await startAgentWorld({ basePort: 18640, seed: "agent bench" });
    try {
      const quiet = () => {};
      const register: number[] = [];
      const agents: Agent[] = [];
      for (let i = 0; i < 5; i++) {
        const agent = new Agent(aw.config({ keyPath: join(aw.dir, "keys", `id-${i}.key`), stateDir: join(aw.dir, `state-${i}`) }), { log: quiet, random: () => 0 });
        await agent.start();
        const t0 = performance.now();
        const r = await agent.tick();
        register.push((performance.now() - t0) / 1000);
        if (r.action !== "registered") throw new Error(`agent bench: expected a registration, got ${r.action}`);
        agents.push(agent);
      }
      const reattest: number[] = [];
      for (const agent of agents) {
        const v = await readCvm(aw.w.pub as never, { registry: aw.w.target.registry, identity: agent.identity });
        const due = v.tpmAttestedAt + BigInt(DAY - 3600);
        if (due > (await aw.w.now())) await aw.w.time.increaseTo(due);
        const t0 = performance.now();
        const r = await agent.tick();
        reattest.push((performance.now() - t0) / 1000);
        if (r.action !== "reattested") throw new Error(`agent bench: expected a re-attestation, got ${r.action}`);
      }
      const quote: number[] = [];
      for (let i = 0; i < 10; i++) {
        const t0 = performance.now();
        await agents[0]!.tpm.quote(new Uint8Array(32).fill(i), AGENT_PCRS);
        quote.push((performance.now() - t0) / 1000);
      }
      const round = (x: number) => Math.round(x * 1000) / 1000;
      return { "agent.register.seconds": round(median(register)), "agent.reattest.seconds": round(median(reattest)), "agent.tpmQuote.seconds": round(median(quote)) };
    } finally {
      await aw.stop();
    }
  },
};
