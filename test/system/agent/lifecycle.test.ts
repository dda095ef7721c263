/**
 * The CVM agent in process against real components: swtpm (libtpms) driven through tpm2-tools, the
 * embedded chain with the real contracts, and configfs-tsm emulated on disk answering with
 * simulator TDX quotes (the one simulated piece). It registers on first boot, keeps a CvmVault
 * action valid across three TPM TTL cycles by re-attesting before each lapses, refreshes its TEE
 * evidence before the TEE TTL lapses, rotates on request, and stops when its owner revokes it.
 */
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { statSync } from "node:fs";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { getAddress, parseEther, type Hex } from "viem";
import { Agent } from "../../../agent/agent.js";
import { readCvm, readMeasurementHistory, writeRevokeCvm, writeSetCvmTtls } from "../../../sdk/src/chain/cvmRegistry.js";
import { akKeyHash } from "../../../sdk/src/chain/workload.js";
import { startAgentWorld, type AgentWorld } from "../../../testkit/agentWorld.js";
import { swtpmAvailable } from "../../../testkit/swtpm.js";
import { DAY } from "../../../testkit/cvmWorld.js";

const tools = swtpmAvailable();
if (!tools.ok) throw new Error(`the agent suite needs swtpm and tpm2-tools; missing: ${tools.missing.join(", ")} (apt-get install swtpm swtpm-tools tpm2-tools)`);

describe("CVM agent lifecycle (swtpm + embedded chain + emulated configfs-tsm)", () => {
  let aw: AgentWorld;
  let agent: Agent;
  const logs: { level: string; event: string; [k: string]: unknown }[] = [];
  const log = (level: string, event: string, fields: Record<string, unknown> = {}) => void logs.push({ level, event, ...fields });

  beforeAll(async () => {
    aw = await startAgentWorld({ basePort: 18610 });
    agent = new Agent(aw.config(), { log, random: () => 0.5 });
  });
  afterAll(async () => aw?.stop());

  const cvm = () => readCvm(aw.w.pub as never, { registry: aw.w.target.registry, identity: agent.identity });

  it("first boot: makes the identity key (0600) and the AK in the TPM, registers with the expected measurement", async () => {
    await agent.start();
    expect(statSync(aw.config().keyPath).mode & 0o777).toBe(0o600);
    expect(logs.map((l) => l.event)).toEqual(expect.arrayContaining(["identity.created", "tpm.ak.created"]));
    const r = await agent.tick();
    expect(r.action).toBe("registered");
    const v = await cvm();
    expect(v).toMatchObject({ statusName: "active", valid: true, nonce: 1, owner: getAddress(aw.owner.account.address), hardwareLevel: 2, teeType: 1 });
    expect(v.measurementHash).toBe(aw.expectedMeasurement);
    // The AK the registry bound is the one persisted in swtpm.
    const pub = await agent.tpm.readAkPublic();
    expect(v.akKeyHash).toBe(akKeyHash(pub!));
    // The real GCE event log replays to the quoted PCRs.
    expect(agent.healthState.eventLog).toMatchObject({ present: true, mismatches: [] });
    expect((await agent.tick()).action).toBe("idle");
    // The owner shortens the TEE TTL to 5 days (the simulated collateral is valid for 30): the agent reads TTLs from the chain.
    await aw.w.pub.waitForTransactionReceipt({ hash: await writeSetCvmTtls(aw.owner as never, { registry: aw.w.target.registry, identity: agent.identity, teeTtl: 5 * DAY, tpmTtl: 0 }) });
    expect((await cvm()).teeTtl).toBe(5 * DAY);
  });

  it("keeps a CvmVault release valid across 3 TPM TTL cycles, re-attesting before each lapse", async () => {
    const { w } = aw;
    const vault = await w.viem.deployContract("CvmVault", [w.registry.address, aw.owner.account.address, [aw.expectedMeasurement], 2, 0n]);
    await w.wallets[0]!.sendTransaction({ to: vault.address, value: parseEther("10") });
    const key = (await import("node:fs")).readFileSync(aw.config().keyPath, "utf8").trim() as Hex;
    const identity = privateKeyToAccount(key);
    let n = 100n;
    const release = async () => {
      const to = privateKeyToAccount(generatePrivateKey()).address;
      const deadline = (await w.now()) + 3600n;
      const digest = (await vault.read.hashRelease([to, 1n, n, deadline])) as Hex;
      const sig = await identity.sign({ hash: digest });
      await vault.write.release([identity.address, to, 1n, n++, deadline, sig]);
      return w.pub.getBalance({ address: to });
    };
    expect(await release()).toBe(1n);
    for (let cycle = 1; cycle <= 3; cycle++) {
      const before = await cvm();
      // Up to the due time (TTL − margin − jitter = 1 day − 3600 − 300): nothing to do.
      await w.time.increaseTo(before.tpmAttestedAt + BigInt(DAY - 3600 - 300) - 5n);
      expect((await agent.tick()).action).toBe("idle");
      await w.time.increaseTo(before.tpmAttestedAt + BigInt(DAY - 3600 - 300));
      expect((await agent.tick()).action).toBe("reattested");
      const after = await cvm();
      expect(after.nonce).toBe(before.nonce + 1);
      expect(after.tpmAttestedAt).toBeGreaterThan(before.tpmAttestedAt);
      // Past the old TPM TTL: still valid, and the vault still pays.
      await w.time.increaseTo(before.tpmAttestedAt + BigInt(DAY) + 60n);
      expect((await cvm()).valid).toBe(true);
      expect(await release()).toBe(1n);
    }
    expect(logs.filter((l) => l.event === "cvm.reattested")).toHaveLength(3);
  });

  it("refreshes its TEE evidence before the TEE TTL lapses (same measurement, history unchanged)", async () => {
    const before = await cvm();
    await aw.w.time.increaseTo(before.teeAttestedAt + BigInt(before.teeTtl) - 86_400n);
    // The TEE refresh comes first when both sides are due.
    const r = await agent.tick();
    expect(r.action).toBe("teeRefreshed");
    const after = await cvm();
    expect(after.teeAttestedAt).toBeGreaterThan(before.teeAttestedAt);
    expect(await readMeasurementHistory(aw.w.pub as never, { registry: aw.w.target.registry, identity: agent.identity })).toEqual([aw.expectedMeasurement]);
  });

  it("rotates on request: both keys sign, the new key file replaces the old (0600), the old identity is rotated", async () => {
    const old = agent.identity;
    agent.store.requestRotation();
    expect((await agent.tick()).action).toBe("rotated");
    expect(agent.identity).not.toBe(old);
    expect(statSync(aw.config().keyPath).mode & 0o777).toBe(0o600);
    expect(agent.store.rotateRequested()).toBe(false);
    const o = await readCvm(aw.w.pub as never, { registry: aw.w.target.registry, identity: old });
    expect(o).toMatchObject({ statusName: "rotated", rotatedTo: agent.identity });
    expect(await cvm()).toMatchObject({ statusName: "active", valid: true, measurementHash: aw.expectedMeasurement });
    // A restarted agent loads the new key.
    const again = new Agent(aw.config(), { log });
    await again.start();
    expect(again.identity).toBe(agent.identity);
  });

  it("stops, saying so, when the owner revokes the identity", async () => {
    const { w } = aw;
    await w.pub.waitForTransactionReceipt({ hash: await writeRevokeCvm(aw.owner as never, { registry: w.target.registry, identity: agent.identity, reasonHash: `0x${"ab".repeat(32)}` }) });
    const ac = new AbortController();
    const code = await agent.run(ac.signal);
    expect(code).toBe(3);
    expect(agent.healthState).toMatchObject({ status: "stopped", registryStatus: "revoked" });
    expect(logs.at(-1)).toMatchObject({ level: "error", event: "identity.revoked" });
  });
});
