/**
 * Crash safety with a real process: the agent runs as a child (`node --import tsx agent/main.ts`),
 * is held at a point of a transaction (POC_AGENT_TEST_PAUSE_AT: after the intent is persisted,
 * after broadcast, after the receipt) and killed there with SIGKILL, then started again. Each time
 * the chain must show exactly one transaction for the nonce (no duplicate registration, no
 * skipped or reused nonce) and the agent must carry on from where it was.
 */
import { describe, it, expect, beforeAll, afterAll, afterEach } from "vitest";
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseEventLogs, type Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { cvmRegistryAbi } from "../../../sdk/src/chain/abi/CvmRegistry.js";
import { readCvm } from "../../../sdk/src/chain/cvmRegistry.js";
import { startAgentWorld, type AgentWorld } from "../../../testkit/agentWorld.js";
import { swtpmAvailable } from "../../../testkit/swtpm.js";
import { DAY } from "../../../testkit/cvmWorld.js";

const tools = swtpmAvailable();
if (!tools.ok) throw new Error(`the agent suite needs swtpm and tpm2-tools; missing: ${tools.missing.join(", ")}`);

const repo = resolve(import.meta.dirname, "../../..");
type Line = { level: string; event: string; [k: string]: unknown };

const children = new Set<ChildProcess>();

function startAgent(configPath: string, env: Record<string, string> = {}) {
  // The installed command: `poc agent run` (bin/poc.mjs → cli/commands/agent.ts → agent/main.ts).
  const child: ChildProcess = spawn(process.execPath, [join(repo, "bin/poc.mjs"), "agent", "run", "--config", configPath], { cwd: repo, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  const lines: Line[] = [];
  let buf = "";
  let stderr = "";
  child.stdout!.on("data", (d) => {
    buf += d;
    for (let i = buf.indexOf("\n"); i >= 0; i = buf.indexOf("\n")) {
      const l = buf.slice(0, i);
      buf = buf.slice(i + 1);
      try {
        lines.push(JSON.parse(l) as Line);
      } catch {
        lines.push({ level: "raw", event: l });
      }
    }
  });
  child.stderr!.on("data", (d) => (stderr += d));
  children.add(child);
  child.once("exit", () => children.delete(child));
  const exited = new Promise<{ code: number | null; signal: string | null }>((r) => child.once("exit", (code, signal) => r({ code, signal })));
  const waitFor = async (pred: (l: Line) => boolean, what: string, timeoutMs = 60_000): Promise<Line> => {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const hit = lines.find(pred);
      if (hit) return hit;
      if (child.exitCode !== null || child.signalCode !== null) throw new Error(`agent exited (${child.exitCode ?? child.signalCode}) before ${what}; log: ${JSON.stringify(lines.slice(-5))} ${stderr.slice(-500)}`);
      if (Date.now() > until) throw new Error(`timed out waiting for ${what}; log: ${JSON.stringify(lines.slice(-5))} ${stderr.slice(-500)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  const kill9 = async () => {
    child.kill("SIGKILL");
    return exited;
  };
  const term = async () => {
    child.kill("SIGTERM");
    return exited;
  };
  return { child, lines, waitFor, kill9, term, exited };
}

describe("CVM agent: kill -9 at each point of a transaction, then restart", () => {
  let aw: AgentWorld;
  let configPath: string;
  const statePath = () => join(aw.dir, "state", "state.json");
  const identityNow = () => privateKeyToAccount(readFileSync(join(aw.dir, "keys", "identity.key"), "utf8").trim() as Hex).address;
  const cvm = (identity = identityNow()) => readCvm(aw.w.pub as never, { registry: aw.w.target.registry, identity });
  const registryEvents = async (name: string) => {
    const logs = await aw.w.pub.getLogs({ address: aw.w.target.registry, fromBlock: 0n });
    return parseEventLogs({ abi: cvmRegistryAbi, logs }).filter((e) => e.eventName === name);
  };

  beforeAll(async () => {
    aw = await startAgentWorld({ basePort: 18620 });
    configPath = aw.config({ schedule: { pollSeconds: 1, reattestMarginSeconds: 3600, jitterSeconds: 0, teeRefreshMarginSeconds: 86_400, deadlineSeconds: 600, retryBaseSeconds: 1, retryMaxSeconds: 2, receiptTimeoutSeconds: 20 } }).path;
  });
  // A failed test must not leave its agent running into the next one.
  afterEach(() => {
    for (const c of children) c.kill("SIGKILL");
  });
  afterAll(async () => aw?.stop());

  it("killed after persisting the registration, before broadcast: the restart sends the same signed transaction once", async () => {
    const a = startAgent(configPath, { POC_AGENT_TEST_PAUSE_AT: "after-persist" });
    const paused = await a.waitFor((l) => l.event === "test.paused", "the pause after persist");
    expect(await a.kill9()).toMatchObject({ signal: "SIGKILL" });
    const pending = JSON.parse(readFileSync(statePath(), "utf8")).pending;
    expect(pending).toMatchObject({ kind: "register", registryNonce: "0", txHash: paused.txHash });
    expect((await cvm()).statusName).toBe("none");

    const b = startAgent(configPath);
    await b.waitFor((l) => l.event === "tx.rebroadcast" && l.txHash === pending.txHash, "the rebroadcast");
    await b.waitFor((l) => l.event === "cvm.registered", "the registration");
    // The health endpoint (loopback, port from the log) says ok once a tick has succeeded.
    const url = String((await b.waitFor((l) => l.event === "agent.starting", "the start line")).health);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/health$/);
    let health: Response | undefined;
    let body: Record<string, unknown> = {};
    for (let i = 0; i < 100 && !(health?.status === 200 && body.valid === true); i++) {
      health = await fetch(url);
      body = (await health.json()) as Record<string, unknown>;
      if (body.valid !== true) await new Promise((r) => setTimeout(r, 100));
    }
    expect(health!.status).toBe(200);
    expect(body).toMatchObject({ status: "ok", registryStatus: "active", valid: true, last: { kind: "register", txHash: pending.txHash } });
    expect(await b.term()).toMatchObject({ code: 0 });
    const regs = await registryEvents("CvmRegistered");
    expect(regs).toHaveLength(1);
    expect(regs[0]!.transactionHash).toBe(pending.txHash);
    expect(await cvm()).toMatchObject({ statusName: "active", nonce: 1, measurementHash: aw.expectedMeasurement });
    expect(JSON.parse(readFileSync(statePath(), "utf8")).pending).toBeUndefined();
  });

  it("killed after broadcasting a re-attestation (mined, not recorded): the restart settles it, sends nothing twice", async () => {
    const before = await cvm();
    await aw.w.time.increaseTo(before.tpmAttestedAt + BigInt(DAY - 3600));
    const a = startAgent(configPath, { POC_AGENT_TEST_PAUSE_AT: "after-send" });
    const paused = await a.waitFor((l) => l.event === "test.paused", "the pause after send");
    await a.kill9();
    expect((await cvm()).nonce).toBe(2); // mined already (automine)
    const b = startAgent(configPath);
    await b.waitFor((l) => l.event === "tx.reconciled" && l.txHash === paused.txHash, "the reconciliation");
    // Give it a few ticks: nothing else is due, so nothing else is sent.
    await new Promise((r) => setTimeout(r, 2500));
    await b.term();
    expect(b.lines.filter((l) => l.event === "tx.persisted")).toHaveLength(0);
    expect(await registryEvents("CvmReattested")).toHaveLength(1);
    expect(await cvm()).toMatchObject({ statusName: "active", nonce: 2, valid: true });
  });

  it("killed after the rotation's receipt, before the key file moved: the restart finishes the handover", async () => {
    const old = identityNow();
    writeRotateRequest();
    const a = startAgent(configPath, { POC_AGENT_TEST_PAUSE_AT: "after-receipt" });
    await a.waitFor((l) => l.event === "test.paused" && l.kind === "rotate", "the pause after the rotation's receipt");
    await a.kill9();
    expect(identityNow()).toBe(old); // the key file has not moved yet
    const o = await cvm(old);
    expect(o.statusName).toBe("rotated");
    const b = startAgent(configPath);
    await b.waitFor((l) => l.event === "cvm.rotated", "the settled rotation");
    await new Promise((r) => setTimeout(r, 1500));
    await b.term();
    expect(identityNow()).toBe(o.rotatedTo);
    expect(await registryEvents("CvmIdentityRotated")).toHaveLength(1);
    expect(await cvm()).toMatchObject({ statusName: "active", valid: true });
  });

  it("killed at random moments through a re-attestation cycle: one transaction per nonce, always", async () => {
    for (let round = 0; round < 3; round++) {
      const before = await cvm();
      await aw.w.time.increaseTo(before.tpmAttestedAt + BigInt(DAY - 3600));
      const a = startAgent(configPath);
      // SIGKILL somewhere between start and the end of the transaction.
      await new Promise((r) => setTimeout(r, 300 + 400 * round));
      await a.kill9();
      const b = startAgent(configPath);
      const until = Date.now() + 60_000;
      while ((await cvm()).nonce === before.nonce && Date.now() < until) await new Promise((r) => setTimeout(r, 200));
      await new Promise((r) => setTimeout(r, 1500));
      await b.term();
      expect((await cvm()).nonce).toBe(before.nonce + 1);
    }
    const reattests = (await registryEvents("CvmReattested")) as unknown as { args: { identity: string; nonce: number } }[];
    // The pair (identity, nonce) is what a transaction consumes; a rotated identity's new key starts its own count.
    const nonces = reattests.map((e) => `${e.args.identity}:${e.args.nonce}`);
    expect(reattests.filter((e) => e.args.identity === identityNow())).toHaveLength(3);
    expect(new Set(nonces).size).toBe(nonces.length);
  });

  it("stops with exit code 3 when its owner revokes it", async () => {
    const { writeRevokeCvm } = await import("../../../sdk/src/chain/cvmRegistry.js");
    await aw.w.pub.waitForTransactionReceipt({ hash: await writeRevokeCvm(aw.owner as never, { registry: aw.w.target.registry, identity: identityNow(), reasonHash: `0x${"cd".repeat(32)}` }) });
    const a = startAgent(configPath);
    expect(await a.exited).toMatchObject({ code: 3 });
    expect(a.lines.find((l) => l.event === "identity.revoked")).toMatchObject({ level: "error" });
  });

  function writeRotateRequest() {
    writeFileSync(join(aw.dir, "state", "rotate.request"), "test\n");
  }
});
