/**
 * The agent's configuration: file plus POC_AGENT_* environment, validated at start with errors
 * that name the field. Every field is fuzzed with wrong values (fast-check): the error must be an
 * AgentConfigError naming exactly that field, never a crash or a silently accepted value.
 */
import { describe, it, expect } from "vitest";
import fc from "fast-check";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadAgentConfig, parseAgentConfig } from "../../agent/config.js";
import { AgentConfigError } from "../../agent/errors.js";

const good = {
  rpcUrl: "http://127.0.0.1:8545",
  chainId: 31337,
  registry: "0x5FbDB2315678afecb367f032d93F642f64180aa3",
  owner: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
  keyPath: "/run/poc-agent/identity.key",
  stateDir: "/var/lib/poc-agent",
};

function fieldOf(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    if (e instanceof AgentConfigError) return e.field;
    throw e;
  }
  return undefined;
}

describe("agent config", () => {
  it("fills the defaults a Linux CVM has", () => {
    const c = parseAgentConfig(good);
    expect(c.tpm).toEqual({ tcti: "device:/dev/tpmrm0", akHandle: 0x81010002, pcrs: [0, 4, 8, 9], eventLogPath: "/sys/kernel/security/tpm0/binary_bios_measurements" });
    expect(c.tee).toEqual({ configfsPath: "/sys/kernel/config/tsm/report", entry: "poc-agent" });
    expect(c.health).toEqual({ host: "127.0.0.1", port: 9464 });
    expect(c.registry).toBe(good.registry);
  });

  it("names a missing required field and the variable that could set it", () => {
    for (const k of Object.keys(good)) {
      const { [k]: _, ...rest } = good as Record<string, unknown>;
      const e = (() => {
        try {
          parseAgentConfig(rest);
        } catch (x) {
          return x as AgentConfigError;
        }
      })()!;
      expect(e).toBeInstanceOf(AgentConfigError);
      expect(e.field).toBe(k);
      expect(e.message).toMatch(/POC_AGENT_/);
    }
  });

  it("environment variables override the file, and a bad one is named with its variable", () => {
    const c = parseAgentConfig(good, { POC_AGENT_CHAIN_ID: "8453", POC_AGENT_PCRS: "9,0,4", POC_AGENT_AK_HANDLE: "0x81000001", POC_AGENT_HEALTH_PORT: "9000" });
    expect(c.chainId).toBe(8453);
    expect(c.tpm.pcrs).toEqual([0, 4, 9]);
    expect(c.tpm.akHandle).toBe(0x81000001);
    expect(c.health.port).toBe(9000);
    expect(() => parseAgentConfig(good, { POC_AGENT_CHAIN_ID: "12abc" })).toThrow(/chainId \(env POC_AGENT_CHAIN_ID\): expected an integer/);
    expect(() => parseAgentConfig(good, { POC_AGENT_REGISTRY: "0x1234" })).toThrow(/registry \(env POC_AGENT_REGISTRY\): expected a 20-byte 0x address, got "0x1234"/);
  });

  it("refuses unknown fields (a typo is not silently ignored)", () => {
    expect(fieldOf(() => parseAgentConfig({ ...good, rpcURL: "x" }))).toBe("rpcURL");
    expect(fieldOf(() => parseAgentConfig({ ...good, tpm: { tcit: "device:/dev/tpmrm0" } }))).toBe("tpm.tcit");
    expect(fieldOf(() => parseAgentConfig({ ...good, schedule: 5 }))).toBe("schedule");
  });

  it("specific refusals", () => {
    expect(fieldOf(() => parseAgentConfig({ ...good, keyPath: "identity.key" }))).toBe("keyPath");
    expect(fieldOf(() => parseAgentConfig({ ...good, rpcUrl: "ws://x" }))).toBe("rpcUrl");
    expect(fieldOf(() => parseAgentConfig({ ...good, tpm: { akHandle: "0x80000001" } }))).toBe("tpm.akHandle");
    expect(fieldOf(() => parseAgentConfig({ ...good, tpm: { pcrs: [0, 0] } }))).toBe("tpm.pcrs");
    expect(fieldOf(() => parseAgentConfig({ ...good, tpm: { pcrs: [24] } }))).toBe("tpm.pcrs");
    expect(fieldOf(() => parseAgentConfig({ ...good, tee: { entry: "../escape" } }))).toBe("tee.entry");
    expect(fieldOf(() => parseAgentConfig({ ...good, schedule: { retryBaseSeconds: 10, retryMaxSeconds: 5 } }))).toBe("schedule.retryMaxSeconds");
    expect(fieldOf(() => parseAgentConfig({ ...good, health: { port: 70000 } }))).toBe("health.port");
    expect(fieldOf(() => parseAgentConfig({ ...good, health: { host: "example.com" } }))).toBe("health.host");
    expect(fieldOf(() => parseAgentConfig({ ...good, tpm: { tcti: "/dev/tpm0" } }))).toBe("tpm.tcti");
    expect(fieldOf(() => parseAgentConfig([]))).toBe("(file)");
  });

  it("fuzz: a wrong value in any field is an AgentConfigError naming that field", () => {
    const paths = ["rpcUrl", "chainId", "registry", "owner", "keyPath", "stateDir", "gasKeyPath", "tee.configfsPath", "tee.entry", "tpm.tcti", "tpm.akHandle", "tpm.pcrs", "tpm.eventLogPath", "schedule.pollSeconds", "schedule.jitterSeconds", "schedule.deadlineSeconds", "health.host", "health.port"];
    const wrong = fc.oneof(fc.constant(null), fc.boolean(), fc.double({ noInteger: true }), fc.integer({ min: -1e9, max: -1 }), fc.constant(""), fc.constant({}), fc.array(fc.string(), { maxLength: 2 }), fc.constant("relative/path"));
    fc.assert(
      fc.property(fc.constantFrom(...paths), wrong, (path, value) => {
        const file: Record<string, unknown> = JSON.parse(JSON.stringify(good));
        const [a, b] = path.split(".");
        if (b) file[a!] = { [b]: value };
        else file[a!] = value;
        let field: string | undefined;
        try {
          parseAgentConfig(file);
        } catch (e) {
          expect(e).toBeInstanceOf(AgentConfigError);
          field = (e as AgentConfigError).field;
        }
        expect(field).toBe(path);
      }),
      { numRuns: 400 },
    );
  });

  it("a config file that is missing or not JSON is named", () => {
    const dir = mkdtempSync(join(tmpdir(), "agent-config-"));
    expect(() => loadAgentConfig(join(dir, "none.json"), {})).toThrow(/config: \(file\): expected a readable config file/);
    writeFileSync(join(dir, "bad.json"), "{ rpcUrl: ");
    expect(() => loadAgentConfig(join(dir, "bad.json"), {})).toThrow(/expected JSON in/);
    writeFileSync(join(dir, "ok.json"), JSON.stringify(good));
    expect(loadAgentConfig(join(dir, "ok.json"), { POC_AGENT_OWNER: good.registry }).owner).toBe(good.registry);
  });
});
