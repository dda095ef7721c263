/**
 * The agent under bad conditions, with real components: a TPM that stops answering (swtpm killed),
 * configfs-tsm missing or raced by another writer, the RPC endpoint down mid-transaction, a signed
 * registration whose deadline passes before it is sent, a key file others can read. Each gives a
 * typed, retryable-or-not error, the run loop's retry policy, and no state lost.
 */
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { chmodSync, existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Agent } from "../../../agent/agent.js";
import { AgentStateError, ConfigfsTsmError, RpcUnavailableError, TpmAkInvalidError, TpmUnavailableError, TransactionRefusedError } from "../../../agent/errors.js";
import { startHealthServer } from "../../../agent/health.js";
import { Tpm2Tools } from "../../../agent/tpm.js";
import { readCvm } from "../../../sdk/src/chain/cvmRegistry.js";
import { registryCalls } from "../../../sdk/src/chain/hardwareRegistry.js";
import { ProposalClass } from "../../../testkit/proposals.js";
import { keccak256, stringToBytes } from "viem";
import { replayEventLogIntoTpm, startAgentWorld, type AgentWorld } from "../../../testkit/agentWorld.js";
import { swtpmAvailable } from "../../../testkit/swtpm.js";

const tools = swtpmAvailable();
if (!tools.ok) throw new Error(`the agent suite needs swtpm and tpm2-tools; missing: ${tools.missing.join(", ")}`);

class SimulatedCrash extends Error {}

describe("CVM agent: bad input and failing dependencies", () => {
  let aw: AgentWorld;
  const logs: { level: string; event: string; [k: string]: unknown }[] = [];
  const log = (level: string, event: string, fields: Record<string, unknown> = {}) => void logs.push({ level, event, ...fields });
  const state = () => JSON.parse(readFileSync(join(aw.dir, "state", "state.json"), "utf8"));

  beforeAll(async () => {
    aw = await startAgentWorld({ basePort: 18630 });
  });
  afterAll(async () => aw?.stop());

  const cvm = (a: Agent) => readCvm(aw.w.pub as never, { registry: aw.w.target.registry, identity: a.identity });

  it("no TPM behind the TCTI, or no tpm2-tools: TpmUnavailableError saying which, never an AK made elsewhere", async () => {
    const none = new Tpm2Tools("swtpm:host=127.0.0.1,port=18639", 0x81010002, join(aw.dir, "tpm-none"), { timeoutMs: 5000 });
    const e = await none.ensureAk().catch((x) => x);
    expect(e).toBeInstanceOf(TpmUnavailableError);
    expect(e).toMatchObject({ code: "tpm.unavailable", retryable: true, command: "tpm2_readpublic" });
    const path = process.env.PATH;
    process.env.PATH = "/nonexistent";
    try {
      const f = await new Tpm2Tools(aw.tpm.tcti, 0x81010002, join(aw.dir, "tpm-none")).ensureAk().catch((x) => x);
      expect(f).toBeInstanceOf(TpmUnavailableError);
      expect(f.message).toMatch(/tpm2_readpublic is not installed \(apt-get install tpm2-tools\)/);
    } finally {
      process.env.PATH = path;
    }
  });

  it("the configured AK handle holds a key that is not a restricted signing AK: refused, naming the handle", async () => {
    // A storage primary (restricted decrypt, not sign) persisted where the agent looks for its AK.
    const ctx = join(aw.dir, "primary.ctx");
    await aw.tpm.tpm2("tpm2_createprimary", ["-C", "o", "-G", "ecc", "-c", ctx]);
    await aw.tpm.tpm2("tpm2_evictcontrol", ["-C", "o", "-c", ctx, "0x81010003"]);
    await aw.tpm.tpm2("tpm2_flushcontext", ["-t"]);
    const c = aw.config();
    const agent = new Agent({ ...c, tpm: { ...c.tpm, akHandle: 0x81010003 } }, { log });
    const e = await agent.start().catch((x) => x);
    expect(e).toBeInstanceOf(TpmAkInvalidError);
    expect(e).toMatchObject({ code: "tpm.akInvalid", retryable: false, handle: "0x81010003" });
    expect(e.message).toMatch(/object at 0x81010003 is not a signing key.*tpm\.akHandle/);
    // Nothing was created or written.
    expect(existsSync(join(aw.dir, "state", "state.json"))).toBe(false);
  });

  it("configfs-tsm missing: ConfigfsTsmError configfs.missing (retryable), nothing persisted, nonce untouched", async () => {
    const agent = new Agent(aw.config({ tee: { configfsPath: join(aw.dir, "no-such-configfs"), entry: "poc-agent" } }), { log });
    await agent.start();
    const e = await agent.tick().catch((x) => x);
    expect(e).toBeInstanceOf(ConfigfsTsmError);
    expect(e).toMatchObject({ code: "configfs.missing", retryable: true });
    expect(e.message).toMatch(/no-such-configfs does not exist/);
    expect(existsSync(join(aw.dir, "state", "state.json"))).toBe(false);
    expect((await cvm(agent)).nonce).toBe(0);
  });

  it("the TPM stops answering: TpmUnavailableError (retryable); the run loop retries with backoff and recovers when it is back", async () => {
    const c = aw.config();
    const agent = new Agent({ ...c, schedule: { ...c.schedule, retryBaseSeconds: 2, retryMaxSeconds: 4 } }, { log, random: () => 1 });
    await agent.start();
    await aw.tpm.stop();
    const e = await agent.tick().catch((x) => x);
    expect(e).toBeInstanceOf(TpmUnavailableError);
    expect(e).toMatchObject({ code: "tpm.unavailable", retryable: true, command: "tpm2_quote" });
    expect((await cvm(agent)).nonce).toBe(0);

    const ac = new AbortController();
    const running = agent.run(ac.signal);
    const until = Date.now() + 30_000;
    while (logs.filter((l) => l.event === "agent.retry" && l.code === "tpm.unavailable").length < 3 && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    const retries = logs.filter((l) => l.event === "agent.retry" && l.code === "tpm.unavailable");
    expect(retries.length).toBeGreaterThanOrEqual(3);
    expect(retries.map((r) => r.attempt).slice(0, 3)).toEqual([1, 2, 3]);
    // Exponential backoff, capped: 2 s, 4 s, 4 s (random() = 1: no jitter taken off).
    expect(retries.map((r) => r.retryInMs).slice(0, 3)).toEqual([2000, 4000, 4000]);
    expect(agent.healthState).toMatchObject({ status: "degraded", lastError: { code: "tpm.unavailable", retryable: true } });
    // Back while the agent sleeps before its 4th attempt (a rebooted vTPM: PCRs reset, so the boot
    // is measured again); the persisted AK survived.
    await aw.tpm.restart();
    await replayEventLogIntoTpm(aw.tpm);
    while (!logs.some((l) => l.event === "cvm.registered") && Date.now() < until + 30_000) await new Promise((r) => setTimeout(r, 50));
    ac.abort();
    expect(await running).toBe(0);
    expect(await cvm(agent)).toMatchObject({ statusName: "active", nonce: 1, measurementHash: aw.expectedMeasurement });
    expect(logs.filter((l) => l.event === "tpm.ak.created")).toHaveLength(1);
  });

  it("a racing writer on the configfs entry: the generation check catches it and the agent writes again", async () => {
    const agent = new Agent(aw.config(), { log });
    await agent.start();
    aw.tsm.raceNext = true;
    const r = await agent.tsm.report(new Uint8Array(64).fill(7));
    expect(r.attempts).toBe(2);
    expect(Buffer.from(r.outblob.subarray(568, 632)).equals(Buffer.alloc(64, 7))).toBe(true);
  });

  it("the RPC goes down after the transaction is persisted: RpcUnavailableError, the pending transaction is kept and sent once it is back", async () => {
    const agent = new Agent(aw.config(), {
      log,
      pause: async (point) => {
        if (point === "after-persist") await aw.bridge.stop();
      },
    });
    await agent.start();
    agent.store.requestRotation();
    const e = await agent.tick().catch((x) => x);
    expect(e).toBeInstanceOf(RpcUnavailableError);
    expect(e).toMatchObject({ code: "rpc.unavailable", retryable: true });
    const pending = state().pending;
    expect(pending).toMatchObject({ kind: "rotate", registryNonce: "1" });
    await aw.bridge.start();
    const again = new Agent(aw.config(), { log });
    await again.start();
    const r = await again.tick();
    expect(r).toMatchObject({ action: "rotated", txHash: pending.txHash });
    expect(again.identity).toBe(pending.newIdentity);
  });

  it("a registration whose deadline passes before it is sent is dropped (DeadlineExpired) and made again with the same registry nonce", async () => {
    // A fresh identity: move the key away so the agent makes a new one.
    const fresh = aw.config({ keyPath: join(aw.dir, "keys", "second.key"), stateDir: join(aw.dir, "state2") });
    const agent = new Agent(fresh, {
      log,
      pause: async (point) => {
        if (point === "after-persist") throw new SimulatedCrash("crash before broadcast");
      },
    });
    await agent.start();
    await expect(agent.tick()).rejects.toBeInstanceOf(SimulatedCrash);
    const pending = JSON.parse(readFileSync(join(aw.dir, "state2", "state.json"), "utf8")).pending;
    expect(pending).toMatchObject({ kind: "register", registryNonce: "0" });
    await aw.w.time.increaseTo(BigInt(pending.deadline) + 1n);
    const again = new Agent(fresh, { log });
    await again.start();
    // One tick: the stale transaction is dropped, a fresh registration made and sent.
    const r = await again.tick();
    expect(logs.find((l) => l.event === "tx.dropped" && l.txHash === pending.txHash)).toMatchObject({ code: "tx.deadlineExpired" });
    expect(r.action).toBe("registered");
    expect(r.txHash).not.toBe(pending.txHash);
    expect(await cvm(again)).toMatchObject({ statusName: "active", nonce: 1 });
  });

  it("refuses an identity key that group or others can read", async () => {
    const c = aw.config({ keyPath: join(aw.dir, "keys", "second.key"), stateDir: join(aw.dir, "state2") });
    chmodSync(c.keyPath, 0o644);
    const e = await new Agent(c, { log }).start().catch((x) => x);
    expect(e).toBeInstanceOf(AgentStateError);
    expect(e.message).toMatch(/mode 644.*chmod 600/);
    chmodSync(c.keyPath, 0o600);
  });

  it("the health endpoint answers on loopback: 200 with the state when ok, 503 otherwise", async () => {
    const agent = new Agent(aw.config({ keyPath: join(aw.dir, "keys", "second.key"), stateDir: join(aw.dir, "state2") }), { log });
    await agent.start();
    await agent.tick();
    agent.healthState.status = "ok";
    const server = await startHealthServer("127.0.0.1", 0, () => agent.healthState);
    const port = (server.address() as { port: number }).port;
    const ok = await fetch(`http://127.0.0.1:${port}/health`);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ status: "ok", identity: agent.identity, registryStatus: "active", valid: true });
    agent.healthState.status = "degraded";
    expect((await fetch(`http://127.0.0.1:${port}/health`)).status).toBe(503);
    expect((await fetch(`http://127.0.0.1:${port}/other`)).status).toBe(404);
    server.close();
  });

  it("the workload changed (a PCR extended after boot): re-attestation is refused with MeasurementMismatch, not retried, nothing persisted", async () => {
    const agent = new Agent(aw.config({ keyPath: join(aw.dir, "keys", "second.key"), stateDir: join(aw.dir, "state2") }), { log });
    await agent.start();
    const before = await cvm(agent);
    await aw.w.time.increaseTo(before.tpmAttestedAt + 86_400n - 3000n);
    await aw.tpm.tpm2("tpm2_pcrextend", [`9:sha256=${"ab".repeat(32)}`]);
    const e = await agent.tick().catch((x) => x);
    expect(e).toBeInstanceOf(TransactionRefusedError);
    expect(e).toMatchObject({ code: "tx.refused", retryable: false });
    expect(e.reason).toMatch(/^MeasurementMismatch/);
    expect(JSON.parse(readFileSync(join(aw.dir, "state2", "state.json"), "utf8")).pending).toBeUndefined();
    expect((await cvm(agent)).nonce).toBe(before.nonce);
  });
  it("hardware frozen by the Alliance: registration is refused with HardwareNotVerified, retryable; after the unfreeze the agent registers", async () => {
    const { w } = aw;
    await w.govern([registryCalls.freeze(w.hardware.address, [w.hwKey], keccak256(stringToBytes("incident")))], ProposalClass.EmergencyFreeze);
    const c = aw.config({ keyPath: join(aw.dir, "keys", "third.key"), stateDir: join(aw.dir, "state3") });
    const agent = new Agent(c, { log });
    await agent.start();
    const e = await agent.tick().catch((x) => x);
    expect(e).toBeInstanceOf(TransactionRefusedError);
    expect(e.reason).toMatch(/^HardwareNotVerified/);
    expect(e).toMatchObject({ code: "tx.refused", retryable: true });
    expect(existsSync(join(aw.dir, "state3", "state.json"))).toBe(false);
    await w.govern([registryCalls.unfreeze(w.hardware.address, [w.hwKey], keccak256(stringToBytes("resolved")))], ProposalClass.Ordinary);
    expect((await agent.tick()).action).toBe("registered");
  });

  it("a chain that does not mine in time: tx.receiptTimeout (retryable), the transaction stays pending and is settled once mined", async () => {
    const { w } = aw;
    const c = aw.config({ keyPath: join(aw.dir, "keys", "fourth.key"), stateDir: join(aw.dir, "state4") });
    const agent = new Agent({ ...c, schedule: { ...c.schedule, receiptTimeoutSeconds: 2 } }, { log });
    await agent.start();
    await w.conn.provider.request({ method: "evm_setAutomine", params: [false] });
    try {
      const e = await agent.tick().catch((x) => x);
      expect(e).toMatchObject({ code: "tx.receiptTimeout", retryable: true });
      const pending = JSON.parse(readFileSync(join(aw.dir, "state4", "state.json"), "utf8")).pending;
      expect(pending).toMatchObject({ kind: "register", registryNonce: "0" });
      await w.conn.provider.request({ method: "evm_mine", params: [] });
      expect(await agent.tick()).toMatchObject({ action: "reconciled", txHash: pending.txHash });
      expect(await cvm(agent)).toMatchObject({ statusName: "active", nonce: 1 });
    } finally {
      await w.conn.provider.request({ method: "evm_setAutomine", params: [true] });
    }
  });
});
