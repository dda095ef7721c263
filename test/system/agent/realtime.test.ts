/**
 * The agent as a real process on a live chain, in real time (no time travel): the embedded chain
 * mines a block every second, the owner cuts the identity's TPM TTL to 20 s, and the agent (`poc
 * agent run`) must re-attest before each lapse on its own schedule (margin 8 s, jitter up to 3 s)
 * while a CvmVault keeps paying out on requests signed with the identity key. Sampled every 500 ms:
 * the identity is never invalid across at least 3 TPM TTL cycles.
 */
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseEventLogs, parseEther, type Hex } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { cvmRegistryAbi } from "../../../sdk/src/chain/abi/CvmRegistry.js";
import { readCheckCvm, readCvm, writeSetCvmTtls } from "../../../sdk/src/chain/cvmRegistry.js";
import { startAgentWorld, type AgentWorld } from "../../../testkit/agentWorld.js";
import { swtpmAvailable } from "../../../testkit/swtpm.js";

const tools = swtpmAvailable();
if (!tools.ok) throw new Error(`the agent suite needs swtpm and tpm2-tools; missing: ${tools.missing.join(", ")}`);

const repo = resolve(import.meta.dirname, "../../..");
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("CVM agent in real time: 3 TPM TTL cycles of 20 s on a live chain", () => {
  let aw: AgentWorld;
  let child: ChildProcess | undefined;
  let miner: ReturnType<typeof setInterval> | undefined;
  const lines: { event: string; [k: string]: unknown }[] = [];

  beforeAll(async () => {
    aw = await startAgentWorld({ basePort: 18650 });
    // A live chain: one block a second, so the latest block's time follows the clock.
    miner = setInterval(() => void aw.w.conn.provider.request({ method: "evm_mine", params: [] }).catch(() => {}), 1000);
  });
  afterAll(async () => {
    if (miner) clearInterval(miner);
    child?.kill("SIGKILL");
    await aw?.stop();
  });

  it("re-attests before every lapse; the vault pays throughout", async () => {
    const cfg = aw.config({ schedule: { pollSeconds: 1, reattestMarginSeconds: 8, jitterSeconds: 3, teeRefreshMarginSeconds: 86_400, deadlineSeconds: 600, retryBaseSeconds: 1, retryMaxSeconds: 2, receiptTimeoutSeconds: 20 } });
    child = spawn(process.execPath, [join(repo, "bin/poc.mjs"), "agent", "run", "--config", cfg.path], { cwd: repo, stdio: ["ignore", "pipe", "inherit"] });
    let buf = "";
    child.stdout!.on("data", (d) => {
      buf += d;
      for (let i = buf.indexOf("\n"); i >= 0; i = buf.indexOf("\n")) {
        lines.push(JSON.parse(buf.slice(0, i)));
        buf = buf.slice(i + 1);
      }
    });
    const until = Date.now() + 60_000;
    while (!lines.some((l) => l.event === "cvm.registered")) {
      if (Date.now() > until) throw new Error(`no registration: ${JSON.stringify(lines.slice(-3))}`);
      await sleep(100);
    }
    const identity = privateKeyToAccount(readFileSync(cfg.keyPath, "utf8").trim() as Hex);
    const { w } = aw;
    await w.pub.waitForTransactionReceipt({ hash: await writeSetCvmTtls(aw.owner as never, { registry: w.target.registry, identity: identity.address, teeTtl: 0, tpmTtl: 20 }) });
    const vault = await w.viem.deployContract("CvmVault", [w.registry.address, aw.owner.account.address, [aw.expectedMeasurement], 2, 0n]);
    await w.wallets[0]!.sendTransaction({ to: vault.address, value: parseEther("1") });

    const invalidAt: bigint[] = [];
    let released = 0;
    let n = 0n;
    const start = Date.now();
    // 3 cycles of 20 s, plus slack for the machine's load.
    while (Date.now() - start < 75_000) {
      const check = await readCheckCvm(w.pub as never, { registry: w.target.registry, identity: identity.address });
      if (!check.valid) invalidAt.push((await w.pub.getBlock()).timestamp);
      if (n % 6n === 0n) {
        const to = privateKeyToAccount(generatePrivateKey()).address;
        const deadline = (await w.now()) + 600n;
        const sig = await identity.sign({ hash: (await vault.read.hashRelease([to, 1n, n, deadline])) as Hex });
        await vault.write.release([identity.address, to, 1n, n, deadline, sig]);
        released++;
      }
      n++;
      const reattests = lines.filter((l) => l.event === "cvm.reattested").length;
      if (reattests >= 4) break;
      await sleep(500);
    }
    child.kill("SIGTERM");
    const exit = await new Promise<number | null>((r) => child!.once("exit", (c) => r(c)));
    expect(exit).toBe(0);
    expect(invalidAt).toEqual([]);
    expect(released).toBeGreaterThanOrEqual(5);
    const logs = await w.pub.getLogs({ address: w.target.registry, fromBlock: 0n });
    const reattested = parseEventLogs({ abi: cvmRegistryAbi, logs }).filter((e) => e.eventName === "CvmReattested");
    expect(reattested.length).toBeGreaterThanOrEqual(3);
    // Each re-attestation landed inside the 20 s TTL of the one before (scheduled 9-12 s after it).
    const times = await Promise.all(reattested.map(async (e) => (await w.pub.getBlock({ blockNumber: e.blockNumber })).timestamp));
    for (let i = 1; i < times.length; i++) expect(Number(times[i]! - times[i - 1]!)).toBeLessThan(20);
    expect((await readCvm(w.pub as never, { registry: w.target.registry, identity: identity.address })).valid).toBe(true);
  });
});
