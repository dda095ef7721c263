/**
 * The CVM agent's lifecycle (docs/agent.md): on first boot it makes the identity key (0600, on the
 * operator's path) and the TPM AK, and registers; then, on every tick, it reads its record from
 * the CvmRegistry and the chain's time and does what is due: refresh the TEE evidence before the
 * TEE TTL lapses, re-attest with a TPM quote before the TPM TTL lapses (minus a random jitter,
 * drawn once per TTL cycle, so a fleet does not re-attest in lockstep), rotate when asked, and stop
 * when the identity is revoked or rotated away.
 *
 * Crash safety: every transaction is built, signed and written to state.json (intent, raw
 * transaction, its hash, the registry nonce and the account nonce it uses) before it is broadcast.
 * On restart the pending transaction is reconciled with the chain before anything else: mined →
 * settled; not mined and both nonces still unused → the same raw transaction is broadcast again
 * (same hash: it cannot land twice); a nonce consumed by something else, or a registration whose
 * deadline passed → dropped, and the next tick makes a fresh one with the registry's current nonce.
 * So kill -9 at any point gives no duplicate registration and no lost nonce.
 */
import {
  createPublicClient,
  encodeFunctionData,
  http,
  keccak256,
  BaseError,
  HttpRequestError,
  TimeoutError,
  TransactionReceiptNotFoundError,
  WaitForTransactionReceiptTimeoutError,
  type Address,
  type Hex,
  type PublicClient,
  type TransactionReceipt,
} from "viem";
import { privateKeyToAccount, type PrivateKeyAccount } from "viem/accounts";
import { join } from "node:path";
import { cvmRegistryAbi } from "../sdk/src/chain/abi/CvmRegistry.js";
import { hashReAttestation, hashRegistration, readCvm, signRegistration, signRotation, type CvmRegistryTarget, type ReadCvmReturnType } from "../sdk/src/chain/cvmRegistry.js";
import { akKeyHash, dcapEvidence, tdxTeeRegisters, teeRegistersHash, tpmEvidence, workloadReportData, type TeeEvidence, type TpmEvidence } from "../sdk/src/chain/workload.js";
import { decodeContractRevert } from "../sdk/src/chain/revert.js";
import type { AgentConfig } from "./config.js";
import { ConfigfsTsm } from "./configfsTsm.js";
import { AgentError, AgentStateError, ConfigfsTsmError, DeadlineExpiredError, IdentityEndedError, RpcUnavailableError, TransactionRefusedError } from "./errors.js";
import type { AgentLogger } from "./log.js";
import { AgentStore, type AgentState, type PendingKind, type PendingTx } from "./stateStore.js";
import { Tpm2Tools, type EventLogCheck } from "./tpm.js";

/** Points where a test can hold the agent (to kill -9 it there): after the intent is persisted, after broadcast, after the receipt. */
export type PausePoint = "after-persist" | "after-send" | "after-receipt";

export type AgentDeps = {
  log: AgentLogger;
  /** Awaited at each pause point (tests); undefined in production. */
  pause?: (point: PausePoint, pending: PendingTx) => Promise<void>;
  random?: () => number;
};

export type TickResult = { action: "registered" | "teeRefreshed" | "reattested" | "rotated" | "reconciled" | "idle"; nextDueAt?: bigint; txHash?: Hex };

export type AgentHealth = {
  status: "starting" | "ok" | "degraded" | "stopped";
  identity?: Address;
  registryStatus?: string;
  valid?: boolean;
  chainTime?: string;
  tpmAttestedAt?: string;
  tpmDueAt?: string;
  teeValidUntil?: string;
  pending?: { kind: PendingKind; txHash: Hex; registryNonce: string };
  last?: AgentState["last"];
  lastError?: { code: string; message: string; at: string; retryable: boolean };
  eventLog?: EventLogCheck;
  stoppedBecause?: string;
};

/** Network failures (connection refused, timeout, 5xx) become RpcUnavailableError; reverts and everything else pass through. */
export async function rpc<T>(what: string, f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (e) {
    if (e instanceof AgentError) throw e;
    const net = e instanceof BaseError ? e.walk((x) => x instanceof HttpRequestError || x instanceof TimeoutError) : undefined;
    const msg = String((e as Error)?.message ?? e);
    if (net || /ECONNREFUSED|ECONNRESET|fetch failed|socket hang up/i.test(msg)) throw new RpcUnavailableError(`${what}: ${(net as Error | undefined)?.message?.split("\n")[0] ?? msg.split("\n")[0]}`, e);
    throw e;
  }
}

export class Agent {
  readonly store: AgentStore;
  readonly tpm: Tpm2Tools;
  readonly tsm: ConfigfsTsm;
  readonly pub: PublicClient;
  readonly target: CvmRegistryTarget;
  private identityKey!: PrivateKeyAccount;
  private sender!: PrivateKeyAccount;
  private akPublic?: Uint8Array;
  private jitter = new Map<string, number>();
  readonly healthState: AgentHealth = { status: "starting" };

  constructor(
    readonly config: AgentConfig,
    readonly deps: AgentDeps,
  ) {
    this.store = new AgentStore(config.stateDir, config.keyPath);
    this.tpm = new Tpm2Tools(config.tpm.tcti, config.tpm.akHandle, join(config.stateDir, "tpm"));
    this.tsm = new ConfigfsTsm(config.tee.configfsPath, config.tee.entry, { expectProvider: config.tee.provider });
    this.pub = createPublicClient({ transport: http(config.rpcUrl, { retryCount: 0, timeout: 15_000 }) }) as PublicClient;
    this.target = { chainId: config.chainId, registry: config.registry };
  }

  get identity(): Address {
    return this.identityKey.address;
  }

  /** Loads (or makes, on first boot) the identity key, the gas key and the TPM AK; checks the RPC serves the configured chain. */
  async start(): Promise<void> {
    const { key, created } = this.store.loadOrCreateKey();
    this.identityKey = privateKeyToAccount(key);
    this.sender = this.config.gasKeyPath ? privateKeyToAccount(this.readGasKey(this.config.gasKeyPath)) : this.identityKey;
    this.deps.log("info", created ? "identity.created" : "identity.loaded", { identity: this.identity, keyPath: this.config.keyPath, sender: this.sender.address });
    await this.ensureAk();
    const chainId = await rpc("eth_chainId", () => this.pub.getChainId());
    if (chainId !== this.config.chainId) throw new AgentError("config.chainId", `the RPC serves chain ${chainId}, the config names ${this.config.chainId}`, { retryable: false });
    const s = this.store.readState();
    if (s.identity && s.identity !== this.identity && s.pending?.kind !== "rotate")
      throw new AgentStateError(this.store.statePath, `records identity ${s.identity} but the key at ${this.config.keyPath} is ${this.identity}`);
  }

  private readGasKey(path: string): Hex {
    return this.store.readKeyFile(path);
  }

  private async ensureAk(): Promise<Uint8Array> {
    if (this.akPublic) return this.akPublic;
    const { akPublic, created } = await this.tpm.ensureAk();
    this.akPublic = akPublic;
    this.deps.log("info", created ? "tpm.ak.created" : "tpm.ak.loaded", { handle: this.tpm.handleHex, akKeyHash: akKeyHash(akPublic) });
    return akPublic;
  }

  private async chainTime(): Promise<bigint> {
    return (await rpc("eth_getBlockByNumber", () => this.pub.getBlock({ blockTag: "latest" }))).timestamp;
  }

  private readCvm(identity: Address): Promise<ReadCvmReturnType> {
    return rpc("CvmRegistry.getCvm", () => readCvm(this.pub as never, { registry: this.config.registry, identity }));
  }

  private async tpmQuote(qualifying: Hex): Promise<TpmEvidence> {
    const akPublic = await this.ensureAk();
    const q = await this.tpm.quote(hexToU8(qualifying), this.config.tpm.pcrs);
    const ev = Tpm2Tools.checkEventLog(this.config.tpm.eventLogPath, this.config.tpm.pcrs, q.pcrValues);
    this.healthState.eventLog = ev;
    if (ev.present && ev.mismatches.length) this.deps.log("warn", "tpm.eventlog.mismatch", { path: ev.path, pcrs: ev.mismatches });
    return tpmEvidence({ akPublic, attest: q.attest, signature: q.signature, pcrValues: [q.pcrValues] });
  }

  /** TEE evidence over `bindingHash` through configfs-tsm: report data = bindingHash ‖ sha256(AK TPMT_PUBLIC). */
  private async teeEvidence(bindingHash: Hex): Promise<{ tee: TeeEvidence; teeRegistersHash: Hex }> {
    const akPublic = await this.ensureAk();
    const r = await this.tsm.report(workloadReportData(bindingHash, akPublic));
    if (r.attempts > 1) this.deps.log("warn", "configfs.raced", { attempts: r.attempts, generation: r.generation });
    if (r.provider === "sev_guest")
      throw new ConfigfsTsmError(
        "configfs.provider",
        "an SEV-SNP report was read and carries our report data, but the CvmRegistry takes SEV-SNP evidence only as a ZK journal (route ZkSnpJournal), which needs a prover this agent does not run (docs/agent.md, \"Deployment recipes\")",
      );
    return { tee: dcapEvidence(r.outblob), teeRegistersHash: teeRegistersHash(tdxTeeRegisters(r.outblob)) };
  }

  // ------------------------------------------------------------------ transactions

  /** Simulates (typed revert), signs, persists, broadcasts, waits: the one path every transaction takes. */
  private async transact(kind: PendingKind, functionName: "register" | "reattest" | "rotate", args: readonly unknown[], meta: { registryNonce: bigint; deadline?: bigint; newIdentity?: Address; teeRegistersHash?: Hex }): Promise<TickResult> {
    const data = encodeFunctionData({ abi: cvmRegistryAbi, functionName, args } as never);
    const to = this.config.registry;
    const from = this.sender.address;
    let gas: bigint;
    try {
      gas = await rpc("eth_estimateGas", () => this.pub.estimateGas({ account: from, to, data }));
    } catch (e) {
      const revert = decodeContractRevert(e, { contract: "CvmRegistry", functionName });
      if (revert) throw new TransactionRefusedError(functionName, revert.reason, refusalIsTransient(revert.errorName), revert);
      throw e;
    }
    const fees = await rpc("eth_feeHistory", () => this.pub.estimateFeesPerGas());
    const accountNonce = await rpc("eth_getTransactionCount", () => this.pub.getTransactionCount({ address: from, blockTag: "pending" }));
    const rawTx = await this.sender.signTransaction({ type: "eip1559", chainId: this.config.chainId, to, data, gas: (gas * 12n) / 10n, nonce: accountNonce, maxFeePerGas: fees.maxFeePerGas, maxPriorityFeePerGas: fees.maxPriorityFeePerGas });
    const pending: PendingTx = {
      kind,
      identity: this.identity,
      registryNonce: meta.registryNonce.toString(),
      accountNonce,
      txHash: keccak256(rawTx),
      rawTx,
      ...(meta.deadline !== undefined ? { deadline: meta.deadline.toString() } : {}),
      ...(meta.newIdentity ? { newIdentity: meta.newIdentity } : {}),
      ...(meta.teeRegistersHash ? { teeRegistersHash: meta.teeRegistersHash } : {}),
      createdAt: new Date().toISOString(),
    };
    const state = this.store.readState();
    this.store.writeState({ ...state, identity: this.identity, pending });
    this.deps.log("info", "tx.persisted", { kind, txHash: pending.txHash, registryNonce: pending.registryNonce, accountNonce });
    await this.deps.pause?.("after-persist", pending);
    return this.broadcastAndSettle(pending);
  }

  private async broadcastAndSettle(pending: PendingTx): Promise<TickResult> {
    try {
      await rpc("eth_sendRawTransaction", () => this.pub.sendRawTransaction({ serializedTransaction: pending.rawTx }));
    } catch (e) {
      // Already in the pool or mined (a rebroadcast after a crash): the receipt below decides.
      if (!/already known|known transaction|nonce too low|already imported/i.test(String((e as Error).message))) throw e;
    }
    this.deps.log("info", "tx.sent", { kind: pending.kind, txHash: pending.txHash });
    await this.deps.pause?.("after-send", pending);
    let receipt: TransactionReceipt;
    try {
      receipt = await rpc("eth_getTransactionReceipt", () => this.pub.waitForTransactionReceipt({ hash: pending.txHash, timeout: this.config.schedule.receiptTimeoutSeconds * 1000, pollingInterval: 250 }));
    } catch (e) {
      // Not mined yet (a slow or congested chain): the transaction stays pending; the next tick reconciles it.
      if (e instanceof WaitForTransactionReceiptTimeoutError) throw new AgentError("tx.receiptTimeout", `no receipt for ${pending.txHash} within ${this.config.schedule.receiptTimeoutSeconds} s; kept pending`, { retryable: true, cause: e });
      throw e;
    }
    await this.deps.pause?.("after-receipt", pending);
    return this.settle(pending, receipt);
  }

  private settle(pending: PendingTx, receipt: TransactionReceipt): TickResult {
    const state = this.store.readState();
    delete state.pending;
    if (receipt.status !== "success") {
      this.store.writeState(state);
      this.deps.log("error", "tx.reverted", { kind: pending.kind, txHash: pending.txHash, block: receipt.blockNumber });
      throw new TransactionRefusedError(pending.kind, `transaction ${pending.txHash} reverted in block ${receipt.blockNumber}`, true);
    }
    state.last = { kind: pending.kind, txHash: pending.txHash, registryNonce: pending.registryNonce, at: new Date().toISOString() };
    if (pending.teeRegistersHash) state.teeRegistersHash = pending.teeRegistersHash;
    if (pending.kind === "rotate" && pending.newIdentity) {
      // The rename is the commit point: before it the old key is the identity file, after it the new
      // one. A crash after the rename but before state.json was written leaves no next key: already done.
      if (this.store.nextKeyAddress() === pending.newIdentity) this.identityKey = privateKeyToAccount(this.store.promoteNextKey());
      else if (this.identity !== pending.newIdentity) throw new AgentStateError(this.store.nextKeyPath, `the rotation to ${pending.newIdentity} was mined but neither ${this.store.nextKeyPath} nor ${this.config.keyPath} holds that key`);
      if (!this.config.gasKeyPath) this.sender = this.identityKey;
      state.identity = this.identity;
      this.store.clearRotationRequest();
    }
    this.store.writeState(state);
    const action = ({ register: "registered", teeRefresh: "teeRefreshed", reattest: "reattested", rotate: "rotated" } as const)[pending.kind];
    this.deps.log("info", `cvm.${action}`, { identity: this.identity, txHash: pending.txHash, registryNonce: pending.registryNonce, block: receipt.blockNumber, gasUsed: receipt.gasUsed });
    return { action, txHash: pending.txHash };
  }

  /** A pending transaction found at start (or left by a failed tick): settle, rebroadcast or drop it. */
  private async reconcile(pending: PendingTx): Promise<TickResult | undefined> {
    let receipt: TransactionReceipt | undefined;
    try {
      receipt = await rpc("eth_getTransactionReceipt", () => this.pub.getTransactionReceipt({ hash: pending.txHash }));
    } catch (e) {
      if (!(e instanceof TransactionReceiptNotFoundError || (e instanceof BaseError && e.walk((x) => x instanceof TransactionReceiptNotFoundError)))) throw e;
    }
    if (receipt) {
      this.deps.log("info", "tx.reconciled", { kind: pending.kind, txHash: pending.txHash, status: receipt.status });
      try {
        this.settle(pending, receipt);
      } catch (e) {
        if (!(e instanceof TransactionRefusedError)) throw e;
      }
      return { action: "reconciled", txHash: pending.txHash };
    }
    const drop = (why: string, fields: Record<string, unknown> = {}) => {
      const state = this.store.readState();
      delete state.pending;
      this.store.writeState(state);
      this.deps.log("warn", "tx.dropped", { kind: pending.kind, txHash: pending.txHash, why, ...fields });
      return undefined;
    };
    const registryNonce = BigInt((await this.readCvm(pending.identity)).nonce);
    if (registryNonce > BigInt(pending.registryNonce)) return drop("the registry nonce was consumed by another transaction", { registryNonce });
    const accountNonce = await rpc("eth_getTransactionCount", () => this.pub.getTransactionCount({ address: this.sender.address, blockTag: "latest" }));
    if (accountNonce > pending.accountNonce) return drop("the sender's account nonce was used by another transaction", { accountNonce });
    if (pending.deadline !== undefined) {
      const now = await this.chainTime();
      if (now > BigInt(pending.deadline)) {
        const err = new DeadlineExpiredError(BigInt(pending.deadline), now);
        return drop(err.message, { code: err.code });
      }
    }
    this.deps.log("info", "tx.rebroadcast", { kind: pending.kind, txHash: pending.txHash });
    return this.broadcastAndSettle(pending);
  }

  // ------------------------------------------------------------------ lifecycle

  private async register(kind: "register" | "teeRefresh", nonce: bigint): Promise<TickResult> {
    const deadline = (await this.chainTime()) + BigInt(this.config.schedule.deadlineSeconds);
    const msg = { identity: this.identity, owner: this.config.owner, nonce, deadline };
    const digest = hashRegistration(this.target, msg);
    const { tee, teeRegistersHash } = await this.teeEvidence(digest);
    const tpm = await this.tpmQuote(digest);
    const identitySignature = await signRegistration(this.identityKey, this.target, msg);
    return this.transact(kind, "register", [tee, tpm, this.identity, this.config.owner, deadline, identitySignature], { registryNonce: nonce, deadline, teeRegistersHash });
  }

  private async teeRegistersHashFor(): Promise<Hex> {
    const s = this.store.readState();
    if (s.teeRegistersHash) return s.teeRegistersHash;
    // State lost: the registers are measurements, the same in any fresh report.
    const akPublic = await this.ensureAk();
    const r = await this.tsm.report(workloadReportData(`0x${"00".repeat(32)}`, akPublic));
    return teeRegistersHash(tdxTeeRegisters(r.outblob));
  }

  private async reattest(nonce: bigint): Promise<TickResult> {
    const digest = hashReAttestation(this.target, { identity: this.identity, nonce });
    const tpm = await this.tpmQuote(digest);
    return this.transact("reattest", "reattest", [this.identity, tpm, await this.teeRegistersHashFor()], { registryNonce: nonce });
  }

  private async rotate(nonce: bigint): Promise<TickResult> {
    const nextKey = privateKeyToAccount(this.store.loadOrCreateNextKey());
    const digest = hashReAttestation(this.target, { identity: this.identity, nonce, newIdentity: nextKey.address });
    const tpm = await this.tpmQuote(digest);
    const msg = { identity: this.identity, newIdentity: nextKey.address, nonce };
    const oldKeySignature = await signRotation(this.identityKey, this.target, msg);
    const newKeySignature = await signRotation(nextKey, this.target, msg);
    this.deps.log("info", "cvm.rotating", { identity: this.identity, newIdentity: nextKey.address });
    return this.transact("rotate", "rotate", [this.identity, nextKey.address, oldKeySignature, newKeySignature, tpm, await this.teeRegistersHashFor()], { registryNonce: nonce, newIdentity: nextKey.address });
  }

  private jitterFor(cycle: string): number {
    let j = this.jitter.get(cycle);
    if (j === undefined) {
      j = Math.floor((this.deps.random ?? Math.random)() * (this.config.schedule.jitterSeconds + 1));
      this.jitter.clear();
      this.jitter.set(cycle, j);
    }
    return j;
  }

  /** One pass: reconcile, read the record, do what is due (at most one transaction). */
  async tick(): Promise<TickResult> {
    const state = this.store.readState();
    if (state.pending) {
      const r = await this.reconcile(state.pending);
      if (r) return r;
    }
    let cvm = await this.readCvm(this.identity);
    if (cvm.statusName === "rotated") {
      const next = this.store.nextKeyAddress();
      if (next && cvm.rotatedTo === next) {
        // Rotated on chain, crashed before the key file moved: finish the handover.
        this.identityKey = privateKeyToAccount(this.store.promoteNextKey());
        if (!this.config.gasKeyPath) this.sender = this.identityKey;
        this.store.writeState({ ...this.store.readState(), identity: this.identity });
        this.store.clearRotationRequest();
        this.deps.log("info", "cvm.rotated", { identity: this.identity, recovered: true });
        cvm = await this.readCvm(this.identity);
      } else throw new IdentityEndedError(this.identity, "rotated", `rotated to ${cvm.rotatedTo}, a key this CVM does not hold`);
    }
    const now = await this.chainTime();
    Object.assign(this.healthState, { identity: this.identity, registryStatus: cvm.statusName, valid: cvm.valid, chainTime: now.toString() });
    if (cvm.statusName === "revoked") throw new IdentityEndedError(this.identity, "revoked", "the owner or the Alliance revoked it");
    const nonce = BigInt(cvm.nonce);
    if (cvm.statusName === "none") return this.register("register", nonce);

    const teeValidUntil = cvm.teeAttestedAt + BigInt(cvm.teeTtl);
    const tpmLapse = cvm.tpmAttestedAt + BigInt(cvm.tpmTtl);
    const tpmDue = tpmLapse - BigInt(this.config.schedule.reattestMarginSeconds) - BigInt(this.jitterFor(`${cvm.tpmAttestedAt}`));
    const teeDue = teeValidUntil - BigInt(this.config.schedule.teeRefreshMarginSeconds);
    Object.assign(this.healthState, { tpmAttestedAt: cvm.tpmAttestedAt.toString(), tpmDueAt: tpmDue.toString(), teeValidUntil: teeValidUntil.toString() });
    if (this.store.rotateRequested()) return this.rotate(nonce);
    if (now >= teeDue) return this.register("teeRefresh", nonce);
    if (now >= tpmDue) return this.reattest(nonce);
    return { action: "idle", nextDueAt: tpmDue < teeDue ? tpmDue : teeDue };
  }

  /**
   * Ticks until `signal` aborts or the identity ends. Retryable errors (TPM, configfs, RPC, a
   * dropped transaction) are logged and retried with exponential backoff; state is never discarded.
   * Returns the exit code: 0 stopped on request, 3 the identity ended, 2 a non-retryable error.
   */
  async run(signal: AbortSignal): Promise<number> {
    let failures = 0;
    while (!signal.aborted) {
      let waitMs = this.config.schedule.pollSeconds * 1000;
      try {
        const r = await this.tick();
        failures = 0;
        this.healthState.status = "ok";
        const st = this.store.readState();
        this.healthState.last = st.last;
        this.healthState.pending = undefined;
        if (r.action !== "idle") waitMs = 0;
      } catch (e) {
        const err = e instanceof AgentError ? e : undefined;
        const at = new Date().toISOString();
        if (e instanceof IdentityEndedError) {
          Object.assign(this.healthState, { status: "stopped", stoppedBecause: e.message, registryStatus: e.status });
          this.deps.log("error", e.code, { identity: e.identity, message: e.message });
          return 3;
        }
        this.healthState.lastError = { code: err?.code ?? "internal", message: (e as Error).message.split("\n")[0]!, at, retryable: err?.retryable ?? false };
        const p = this.store.readState().pending;
        this.healthState.pending = p ? { kind: p.kind, txHash: p.txHash, registryNonce: p.registryNonce } : undefined;
        if (!err?.retryable) {
          Object.assign(this.healthState, { status: "stopped", stoppedBecause: (e as Error).message.split("\n")[0] });
          this.deps.log("error", "agent.stopped", { code: err?.code ?? "internal", message: (e as Error).message });
          return 2;
        }
        failures++;
        const { retryBaseSeconds: base, retryMaxSeconds: max } = this.config.schedule;
        waitMs = Math.min(max * 1000, base * 1000 * 2 ** (failures - 1)) * (0.5 + 0.5 * (this.deps.random ?? Math.random)());
        this.healthState.status = "degraded";
        this.deps.log("warn", "agent.retry", { code: err.code, message: (e as Error).message.split("\n")[0], attempt: failures, retryInMs: Math.round(waitMs) });
      }
      if (waitMs > 0) await sleep(waitMs, signal);
    }
    this.healthState.status = "stopped";
    this.healthState.stoppedBecause = "signal";
    return 0;
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done, { once: true });
  });
}

/**
 * Registry refusals that time can cure (hardware registered or unfrozen by the Alliance, collateral
 * uploaded or renewed, the feed reconnected, a fresh deadline): retried with backoff. Everything else
 * (a changed measurement, a foreign AK, a bad signature, a taken or revoked identity) needs a person.
 */
const TRANSIENT_REFUSALS = /^(DeadlineExpired|HardwareNotVerified|HardwareFeedNotConnected|CollateralMissing|CollateralNotValidAt)$/;
export function refusalIsTransient(errorName: string): boolean {
  return TRANSIENT_REFUSALS.test(errorName);
}

function hexToU8(h: Hex): Uint8Array {
  return Uint8Array.from(Buffer.from(h.slice(2), "hex"));
}
