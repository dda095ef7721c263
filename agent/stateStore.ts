/**
 * The agent's persistent files: the identity key (and, during a rotation, the next key) and
 * state.json, the transaction it is about to send or has sent. Every write goes to a temporary
 * file, is fsynced and renamed over the old one, then the directory is fsynced: after kill -9 or a
 * power cut a file holds either its old or its new content, never half of each. Keys are created
 * 0600 and refused when group or others can read them.
 */
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from "node:fs";
import { dirname, join } from "node:path";
import { isHex, type Address, type Hex } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { AgentStateError } from "./errors.js";

export type PendingKind = "register" | "teeRefresh" | "reattest" | "rotate";

/** A transaction signed and persisted before it was broadcast (docs/agent.md#crash-safety). */
export type PendingTx = {
  kind: PendingKind;
  identity: Address;
  /** The registry nonce the evidence binds: consumed once the transaction is mined. */
  registryNonce: string;
  /** The sender account's transaction nonce. */
  accountNonce: number;
  txHash: Hex;
  rawTx: Hex;
  /** Registrations only: the signed deadline (unix seconds). */
  deadline?: string;
  newIdentity?: Address;
  /** Registrations only: keccak256 of the TDX registers in the TEE evidence (re-attestations name it). */
  teeRegistersHash?: Hex;
  createdAt: string;
};

export type AgentState = {
  version: 1;
  identity?: Address;
  pending?: PendingTx;
  /** keccak256 of the registered TEE registers (from the last registration or TEE refresh). */
  teeRegistersHash?: Hex;
  /** The last confirmed action, for the health endpoint. */
  last?: { kind: PendingKind; txHash: Hex; registryNonce: string; at: string };
};

export function writeFileAtomic(path: string, data: string | Uint8Array, mode = 0o600): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const tmp = `${path}.tmp-${process.pid}`;
  const fd = openSync(tmp, "w", mode);
  try {
    writeSync(fd, typeof data === "string" ? Buffer.from(data) : data);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
  const dfd = openSync(dirname(path), "r");
  try {
    fsyncSync(dfd);
  } finally {
    closeSync(dfd);
  }
}

export class AgentStore {
  readonly statePath: string;
  readonly rotateRequestPath: string;
  constructor(
    readonly stateDir: string,
    readonly keyPath: string,
  ) {
    mkdirSync(stateDir, { recursive: true, mode: 0o700 });
    this.statePath = join(stateDir, "state.json");
    this.rotateRequestPath = join(stateDir, "rotate.request");
  }

  get nextKeyPath(): string {
    return `${this.keyPath}.next`;
  }

  readState(): AgentState {
    if (!existsSync(this.statePath)) return { version: 1 };
    let s: AgentState;
    try {
      s = JSON.parse(readFileSync(this.statePath, "utf8")) as AgentState;
    } catch (e) {
      throw new AgentStateError(this.statePath, "is not valid JSON (refusing to guess; inspect it, or move it away to start over)", e);
    }
    if (s.version !== 1) throw new AgentStateError(this.statePath, `version ${String(s.version)}, expected 1`);
    return s;
  }

  writeState(s: AgentState): void {
    writeFileAtomic(this.statePath, JSON.stringify(s, null, 2) + "\n");
  }

  /** A private key file: 0600 (refused when group or others can read it), one 0x-hex line. */
  readKeyFile(path: string): Hex {
    const st = statSync(path);
    if ((st.mode & 0o077) !== 0) throw new AgentStateError(path, `mode ${(st.mode & 0o777).toString(8)}: the key must be readable by its owner only (chmod 600)`);
    const text = readFileSync(path, "utf8").trim();
    if (!isHex(text) || text.length !== 66) throw new AgentStateError(path, "expected a 32-byte private key as 0x-hex");
    return text;
  }

  /** The identity key: read (0600 enforced), or generated here on first boot. */
  loadOrCreateKey(): { key: Hex; created: boolean } {
    if (existsSync(this.keyPath)) return { key: this.readKeyFile(this.keyPath), created: false };
    const key = generatePrivateKey();
    writeFileAtomic(this.keyPath, key + "\n", 0o600);
    return { key, created: true };
  }

  /** The key a rotation moves to: made once and kept until the rotation is settled, so a restart reuses it. */
  loadOrCreateNextKey(): Hex {
    if (existsSync(this.nextKeyPath)) return this.readKeyFile(this.nextKeyPath);
    const key = generatePrivateKey();
    writeFileAtomic(this.nextKeyPath, key + "\n", 0o600);
    return key;
  }

  nextKeyAddress(): Address | undefined {
    return existsSync(this.nextKeyPath) ? privateKeyToAccount(this.readKeyFile(this.nextKeyPath)).address : undefined;
  }

  /** The rotation is mined: the next key becomes the identity key (one rename, atomic). */
  promoteNextKey(): Hex {
    const key = this.readKeyFile(this.nextKeyPath);
    renameSync(this.nextKeyPath, this.keyPath);
    return key;
  }

  discardNextKey(): void {
    if (existsSync(this.nextKeyPath)) unlinkSync(this.nextKeyPath);
  }

  rotateRequested(): boolean {
    return existsSync(this.rotateRequestPath);
  }

  requestRotation(): void {
    writeFileAtomic(this.rotateRequestPath, new Date().toISOString() + "\n");
  }

  clearRotationRequest(): void {
    if (existsSync(this.rotateRequestPath)) unlinkSync(this.rotateRequestPath);
  }
}
