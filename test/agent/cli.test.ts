/** `poc agent`: the thin command over agent/ (config check, rotation request, usage errors). */
import { describe, it, expect } from "vitest";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { main } from "../../cli/main.js";
import type { CliIO } from "../../cli/io.js";

function io(env: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const x: CliIO = { out: (l) => out.push(l), err: (l) => err.push(l), progress: () => {}, cwd: process.cwd(), env };
  return { x, out, err };
}

describe("poc agent", () => {
  const dir = mkdtempSync(join(tmpdir(), "poc-agent-cli-"));
  const config = join(dir, "agent.json");
  writeFileSync(
    config,
    JSON.stringify({ rpcUrl: "http://127.0.0.1:8545", chainId: 31337, registry: "0x5FbDB2315678afecb367f032d93F642f64180aa3", owner: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8", keyPath: join(dir, "id.key"), stateDir: join(dir, "state") }),
  );

  it("check-config prints the validated config with defaults, exit 0", async () => {
    const t = io();
    expect(await main(["agent", "check-config", "--config", config], t.x)).toBe(0);
    expect(JSON.parse(t.out.join("\n"))).toMatchObject({ chainId: 31337, tpm: { tcti: "device:/dev/tpmrm0" }, health: { host: "127.0.0.1" } });
  });

  it("a bad field, from the file or the environment, is exit 2 naming it", async () => {
    const t = io({ POC_AGENT_HEALTH_HOST: "0.0.0.0.0" });
    expect(await main(["agent", "check-config", "--config", config], t.x)).toBe(2);
    expect(t.err.join("\n")).toMatch(/health\.host \(env POC_AGENT_HEALTH_HOST\): expected an IP address or localhost/);
    const u = io();
    expect(await main(["agent", "run", "--config", join(dir, "missing.json")], u.x)).toBe(2);
    expect(u.out.join("\n")).toMatch(/"event":"agent.failed".*readable config file/);
  });

  it("rotate leaves a request the running agent picks up", async () => {
    const t = io();
    expect(await main(["agent", "rotate", "--config", config], t.x)).toBe(0);
    expect(existsSync(join(dir, "state", "rotate.request"))).toBe(true);
  });

  it("an unknown subcommand is a usage error", async () => {
    const t = io();
    expect(await main(["agent", "dance"], t.x)).toBe(2);
    expect(t.err.join("\n")).toMatch(/unknown subcommand 'dance'/);
  });
});
