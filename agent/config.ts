/**
 * The agent's configuration: a JSON file the operator writes, overridden field by field by
 * environment variables (POC_AGENT_*), validated once at start. Every error names the field (as a
 * dotted path, or the variable that set it), what was expected and what was found. Defaults are
 * what a Linux CVM has: /dev/tpmrm0, /sys/kernel/config/tsm/report, the kernel's event log.
 * docs/agent.md lists every field.
 */
import { readFileSync } from "node:fs";
import { isAbsolute } from "node:path";
import { isIP } from "node:net";
import { getAddress, isAddress, type Address } from "viem";
import { AgentConfigError } from "./errors.js";

export type AgentConfig = {
  rpcUrl: string;
  chainId: number;
  registry: Address;
  /** The owner the identity registers for (may revoke it, set its TTLs). */
  owner: Address;
  /** The identity key file (0600), on a disk the operator chose: encrypted or ephemeral. */
  keyPath: string;
  /** A key that pays gas (0600); absent: the identity key pays (fund it; after a rotation, fund the new one). */
  gasKeyPath?: string;
  /** Where the agent keeps state.json (pending transactions) and its TPM scratch files. */
  stateDir: string;
  tee: { configfsPath: string; entry: string; provider?: string };
  tpm: { tcti: string; akHandle: number; pcrs: number[]; eventLogPath?: string };
  schedule: {
    pollSeconds: number;
    /** Re-attest this long before the TPM TTL lapses, minus a random jitter in [0, jitterSeconds]. */
    reattestMarginSeconds: number;
    jitterSeconds: number;
    /** Refresh the TEE evidence this long before the TEE TTL lapses. */
    teeRefreshMarginSeconds: number;
    /** A registration signature's deadline, from the chain's time when made. */
    deadlineSeconds: number;
    retryBaseSeconds: number;
    retryMaxSeconds: number;
    receiptTimeoutSeconds: number;
  };
  health: { host: string; port: number };
};

type Kind = "string" | "host" | "tcti" | "absPath" | "url" | "address" | "int" | "handle" | "pcrs";
type Field = { path: string; kind: Kind; env: string; default?: unknown; min?: number; max?: number; optional?: boolean };

const FIELDS: Field[] = [
  { path: "rpcUrl", kind: "url", env: "POC_AGENT_RPC_URL" },
  { path: "chainId", kind: "int", env: "POC_AGENT_CHAIN_ID", min: 1, max: 2 ** 53 - 1 },
  { path: "registry", kind: "address", env: "POC_AGENT_REGISTRY" },
  { path: "owner", kind: "address", env: "POC_AGENT_OWNER" },
  { path: "keyPath", kind: "absPath", env: "POC_AGENT_KEY_PATH" },
  { path: "gasKeyPath", kind: "absPath", env: "POC_AGENT_GAS_KEY_PATH", optional: true },
  { path: "stateDir", kind: "absPath", env: "POC_AGENT_STATE_DIR" },
  { path: "tee.configfsPath", kind: "absPath", env: "POC_AGENT_CONFIGFS_PATH", default: "/sys/kernel/config/tsm/report" },
  { path: "tee.entry", kind: "string", env: "POC_AGENT_CONFIGFS_ENTRY", default: "poc-agent" },
  { path: "tee.provider", kind: "string", env: "POC_AGENT_TEE_PROVIDER", optional: true },
  { path: "tpm.tcti", kind: "tcti", env: "POC_AGENT_TPM_TCTI", default: "device:/dev/tpmrm0" },
  { path: "tpm.akHandle", kind: "handle", env: "POC_AGENT_AK_HANDLE", default: 0x81010002 },
  { path: "tpm.pcrs", kind: "pcrs", env: "POC_AGENT_PCRS", default: [0, 4, 8, 9] },
  { path: "tpm.eventLogPath", kind: "absPath", env: "POC_AGENT_EVENT_LOG", default: "/sys/kernel/security/tpm0/binary_bios_measurements", optional: true },
  { path: "schedule.pollSeconds", kind: "int", env: "POC_AGENT_POLL_SECONDS", default: 30, min: 0, max: 86_400 },
  { path: "schedule.reattestMarginSeconds", kind: "int", env: "POC_AGENT_REATTEST_MARGIN_SECONDS", default: 3600, min: 0, max: 2 ** 24 },
  { path: "schedule.jitterSeconds", kind: "int", env: "POC_AGENT_JITTER_SECONDS", default: 600, min: 0, max: 2 ** 24 },
  { path: "schedule.teeRefreshMarginSeconds", kind: "int", env: "POC_AGENT_TEE_REFRESH_MARGIN_SECONDS", default: 86_400, min: 0, max: 2 ** 24 },
  { path: "schedule.deadlineSeconds", kind: "int", env: "POC_AGENT_DEADLINE_SECONDS", default: 600, min: 1, max: 2 ** 24 },
  { path: "schedule.retryBaseSeconds", kind: "int", env: "POC_AGENT_RETRY_BASE_SECONDS", default: 5, min: 0, max: 3600 },
  { path: "schedule.retryMaxSeconds", kind: "int", env: "POC_AGENT_RETRY_MAX_SECONDS", default: 300, min: 0, max: 86_400 },
  { path: "schedule.receiptTimeoutSeconds", kind: "int", env: "POC_AGENT_RECEIPT_TIMEOUT_SECONDS", default: 120, min: 1, max: 86_400 },
  { path: "health.host", kind: "host", env: "POC_AGENT_HEALTH_HOST", default: "127.0.0.1" },
  { path: "health.port", kind: "int", env: "POC_AGENT_HEALTH_PORT", default: 9464, min: 0, max: 65_535 },
];

const KNOWN = new Set(FIELDS.map((f) => f.path));
const SECTIONS = new Set(["tee", "tpm", "schedule", "health"]);

function show(v: unknown): string {
  const s = typeof v === "string" ? JSON.stringify(v) : JSON.stringify(v) ?? String(v);
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

function parseValue(f: Field, raw: unknown, where: string, fromEnv: boolean): unknown {
  const bad = (expected: string) => new AgentConfigError(where, expected, show(raw));
  switch (f.kind) {
    case "string":
      if (typeof raw !== "string" || raw.length === 0) throw bad("a non-empty string");
      if (f.path === "tee.entry" && !/^[A-Za-z0-9._-]+$/.test(raw)) throw bad("a configfs entry name ([A-Za-z0-9._-]+)");
      return raw;
    case "host":
      // An address to bind: an IP literal or localhost (a name would be resolved at bind time, maybe off loopback).
      if (typeof raw !== "string" || (isIP(raw) === 0 && raw !== "localhost")) throw bad("an IP address or localhost");
      return raw;
    case "tcti":
      // tpm2-tools' TCTI string: name[:conf], e.g. device:/dev/tpmrm0, swtpm:host=127.0.0.1,port=2321, tabrmd.
      if (typeof raw !== "string" || !/^(device|swtpm|mssim|tabrmd|libtpms|cmd)(:.*)?$/.test(raw)) throw bad("a TCTI such as device:/dev/tpmrm0 or swtpm:host=127.0.0.1,port=2321");
      return raw;
    case "absPath":
      if (typeof raw !== "string" || !isAbsolute(raw)) throw bad("an absolute path");
      return raw;
    case "url": {
      if (typeof raw !== "string") throw bad("an http(s) URL");
      let u: URL;
      try {
        u = new URL(raw);
      } catch {
        throw bad("an http(s) URL");
      }
      if (u.protocol !== "http:" && u.protocol !== "https:") throw bad("an http(s) URL");
      return raw;
    }
    case "address":
      if (typeof raw !== "string" || !isAddress(raw, { strict: false })) throw bad("a 20-byte 0x address");
      return getAddress(raw);
    case "int": {
      const n = fromEnv && typeof raw === "string" && /^-?\d+$/.test(raw) ? Number(raw) : raw;
      if (typeof n !== "number" || !Number.isSafeInteger(n)) throw bad("an integer");
      if ((f.min !== undefined && n < f.min) || (f.max !== undefined && n > f.max)) throw bad(`an integer in [${f.min}, ${f.max}]`);
      return n;
    }
    case "handle": {
      const n = typeof raw === "string" && /^0x[0-9a-fA-F]{8}$/.test(raw) ? Number.parseInt(raw, 16) : raw;
      // Persistent handles are 0x81xxxxxx; the owner hierarchy's range for applications is 0x81000000-0x817FFFFF.
      if (typeof n !== "number" || !Number.isInteger(n) || n < 0x81000000 || n > 0x817fffff) throw bad("a persistent TPM handle 0x81000000..0x817FFFFF");
      return n;
    }
    case "pcrs": {
      const list = fromEnv && typeof raw === "string" ? raw.split(",").map((x) => (/^\d+$/.test(x.trim()) ? Number(x.trim()) : x)) : raw;
      if (!Array.isArray(list) || list.length === 0 || list.some((x) => typeof x !== "number" || !Number.isInteger(x) || x < 0 || x > 23)) throw bad("a non-empty list of PCR indexes 0..23");
      if (new Set(list).size !== list.length) throw bad("PCR indexes without repeats");
      return [...(list as number[])].sort((a, b) => a - b);
    }
  }
}

function getPath(o: Record<string, unknown>, path: string): unknown {
  return path.split(".").reduce<unknown>((x, k) => (x && typeof x === "object" ? (x as Record<string, unknown>)[k] : undefined), o);
}

function setPath(o: Record<string, unknown>, path: string, v: unknown): void {
  const ks = path.split(".");
  let x = o;
  for (const k of ks.slice(0, -1)) x = (x[k] ??= {}) as Record<string, unknown>;
  x[ks.at(-1)!] = v;
}

/** Validates a parsed config object plus environment overrides. Unknown fields are refused (a typo is not silently ignored). */
export function parseAgentConfig(file: unknown, env: Record<string, string | undefined> = {}): AgentConfig {
  if (file === null || typeof file !== "object" || Array.isArray(file)) throw new AgentConfigError("(file)", "a JSON object", show(file));
  const obj = file as Record<string, unknown>;
  for (const [k, v] of Object.entries(obj)) {
    if (SECTIONS.has(k)) {
      if (v === null || typeof v !== "object" || Array.isArray(v)) throw new AgentConfigError(k, "an object", show(v));
      for (const sub of Object.keys(v as object)) if (!KNOWN.has(`${k}.${sub}`)) throw new AgentConfigError(`${k}.${sub}`, "no such field (see docs/agent.md)");
    } else if (!KNOWN.has(k)) throw new AgentConfigError(k, "no such field (see docs/agent.md)");
  }
  const out: Record<string, unknown> = {};
  for (const f of FIELDS) {
    const envValue = env[f.env];
    let v: unknown;
    if (envValue !== undefined && envValue !== "") v = parseValue(f, envValue, `${f.path} (env ${f.env})`, true);
    else if (getPath(obj, f.path) !== undefined) v = parseValue(f, getPath(obj, f.path), f.path, false);
    else if (f.default !== undefined) v = f.default;
    else if (f.optional) continue;
    else throw new AgentConfigError(f.path, `a value (in the file or env ${f.env})`, "nothing");
    setPath(out, f.path, v);
  }
  const c = out as AgentConfig;
  if (c.schedule.retryMaxSeconds < c.schedule.retryBaseSeconds) throw new AgentConfigError("schedule.retryMaxSeconds", `at least schedule.retryBaseSeconds (${c.schedule.retryBaseSeconds})`, String(c.schedule.retryMaxSeconds));
  return c;
}

/** Reads and validates the config file (JSON) with the environment's overrides. */
export function loadAgentConfig(path: string | undefined, env: Record<string, string | undefined>): AgentConfig {
  let file: unknown = {};
  if (path !== undefined) {
    let text: string;
    try {
      text = readFileSync(path, "utf8");
    } catch (e) {
      throw new AgentConfigError("(file)", `a readable config file at ${path}`, (e as Error).message);
    }
    try {
      file = JSON.parse(text);
    } catch (e) {
      throw new AgentConfigError("(file)", `JSON in ${path}`, (e as Error).message);
    }
  }
  return parseAgentConfig(file, env);
}
