/**
 * Everything the CVM agent needs around it, for its tests and its bench: the Proof of Cloud world on
 * the in-process chain (testkit/cvmWorld.ts) with the simulated platform registered as hardware,
 * the chain served over JSON-RPC on a loopback port (testkit/rpcBridge.ts), a real swtpm on its own
 * port pair (testkit/swtpm.ts) booted by replaying a real GCE firmware event log into its PCRs, and
 * configfs-tsm emulated on disk answering with simulator TDX quotes (testkit/configfsTsmEmulator.ts).
 * `config()` writes an agent config for all of it.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { bytesToHex, parseEther, type Hex } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { parseTcgEventLog, EV_NO_ACTION } from "../sdk/src/tpm/eventlog.js";
import { measurementHash, pcrMaskOf, TeeType } from "../sdk/src/chain/workload.js";
import { concatBytes } from "../sdk/src/bytes.js";
import { deployCvmWorld, type CvmWorld } from "./cvmWorld.js";
import { startRpcBridge, type RpcBridge } from "./rpcBridge.js";
import { startSwtpm, type Swtpm } from "./swtpm.js";
import { EMULATED_MRTD, EMULATED_RTMRS, startConfigfsTsmEmulator, type ConfigfsTsmEmulator } from "./configfsTsmEmulator.js";
import type { AgentConfig } from "../agent/config.js";

/** A real GCE Shielded VM's firmware event log (test/fixtures/PROVENANCE.md), replayed into swtpm as its measured boot. */
export const BOOT_EVENT_LOG = resolve(import.meta.dirname, "../test/fixtures/tpm/gce-cos-85-nonce9009.eventlog.bin");
export const AGENT_PCRS = [0, 4, 8, 9];

/** Extends every measured event of the log into swtpm's SHA-256 bank: the PCRs then equal the real VM's. */
export async function replayEventLogIntoTpm(tpm: Swtpm, logPath = BOOT_EVENT_LOG): Promise<Map<number, Uint8Array>> {
  const log = parseTcgEventLog(new Uint8Array(readFileSync(logPath)));
  for (const e of log.events) {
    if (e.eventType === EV_NO_ACTION) continue;
    await tpm.tpm2("tpm2_pcrextend", [`${e.pcrIndex}:sha256=${bytesToHex(e.digests.get(0x000b)!).slice(2)}`]);
  }
  const out = await tpm.tpm2("tpm2_pcrread", ["sha256:" + AGENT_PCRS.join(",")]);
  const values = new Map<number, Uint8Array>();
  for (const m of out.matchAll(/^\s*(\d+)\s*:\s*0x([0-9A-Fa-f]{64})/gm)) values.set(Number(m[1]), Uint8Array.from(Buffer.from(m[2]!, "hex")));
  return values;
}

export type AgentWorld = {
  w: CvmWorld;
  dir: string;
  bridge: RpcBridge;
  tpm: Swtpm;
  tsm: ConfigfsTsmEmulator;
  gasKey: Hex;
  owner: CvmWorld["wallets"][number];
  /** The measurement hash the registry must record for the agent's CVM, computed offchain. */
  expectedMeasurement: Hex;
  eventLogPath: string;
  config(over?: Partial<Record<string, unknown>>): AgentConfig & { path: string };
  stop(): Promise<void>;
};

/** `basePort`: the RPC bridge listens there, swtpm on basePort+1 / +2. */
export async function startAgentWorld(p: { basePort: number; seed?: string }): Promise<AgentWorld> {
  const w = await deployCvmWorld({ seed: p.seed ?? "agent" });
  await w.registerHardware();
  const dir = mkdtempSync(join(tmpdir(), "poc-agent-"));
  const bridge = await startRpcBridge(w.conn.provider as never, p.basePort);
  const tpm = await startSwtpm({ port: p.basePort + 1, stateDir: join(dir, "swtpm") });
  const pcrs = await replayEventLogIntoTpm(tpm);
  const eventLogPath = join(dir, "binary_bios_measurements");
  copyFileSync(BOOT_EVENT_LOG, eventLogPath);
  const tsm = startConfigfsTsmEmulator({ root: join(dir, "tsm", "report"), tdx: w.tdx });
  const gasKey = generatePrivateKey();
  await w.conn.networkHelpers.setBalance(privateKeyToAccount(gasKey).address, parseEther("100"));
  mkdirSync(join(dir, "keys"), { recursive: true, mode: 0o700 });
  writeFileSync(join(dir, "keys", "gas.key"), gasKey + "\n", { mode: 0o600 });
  const expectedMeasurement = measurementHash({
    teeType: TeeType.Tdx,
    teeRegisters: concatBytes(EMULATED_MRTD, ...EMULATED_RTMRS.slice(0, 3)),
    pcrHashAlg: 0x000b,
    pcrMask: pcrMaskOf(AGENT_PCRS),
    pcrValues: concatBytes(...AGENT_PCRS.map((i) => pcrs.get(i)!)),
  });
  let n = 0;
  return {
    w,
    dir,
    bridge,
    tpm,
    tsm,
    gasKey,
    owner: w.wallets[1]!,
    expectedMeasurement,
    eventLogPath,
    config(over = {}) {
      const path = join(dir, `agent-${n++}.json`);
      const c = {
        rpcUrl: bridge.url,
        chainId: w.target.chainId,
        registry: w.target.registry,
        owner: w.wallets[1]!.account.address,
        keyPath: join(dir, "keys", "identity.key"),
        gasKeyPath: join(dir, "keys", "gas.key"),
        stateDir: join(dir, "state"),
        tee: { configfsPath: tsm.root, entry: "poc-agent" },
        tpm: { tcti: tpm.tcti, akHandle: "0x81010002", pcrs: AGENT_PCRS, eventLogPath },
        schedule: { pollSeconds: 0, reattestMarginSeconds: 3600, jitterSeconds: 600, teeRefreshMarginSeconds: 86_400, deadlineSeconds: 600, retryBaseSeconds: 0, retryMaxSeconds: 1, receiptTimeoutSeconds: 20 },
        health: { host: "127.0.0.1", port: 0 },
        ...over,
      };
      writeFileSync(path, JSON.stringify(c, null, 2));
      return { ...(c as unknown as AgentConfig), tpm: { ...c.tpm, akHandle: 0x81010002 } as AgentConfig["tpm"], path } as AgentConfig & { path: string };
    },
    async stop() {
      tsm.stop();
      await tpm.stop();
      await bridge.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
