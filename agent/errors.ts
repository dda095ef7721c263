/**
 * Every refusal of the CVM agent is one of these, each naming what failed and whether waiting and
 * trying again can help (`retryable`): the lifecycle loop retries retryable errors with backoff and
 * keeps its persisted state; a non-retryable one stops the agent with a clear message.
 */
import { PocError } from "../sdk/src/errors.js";

export class AgentError extends PocError {
  override name = "AgentError";
  /** A stable machine-readable code ("tpm.unavailable", "configfs.missing", ...), logged as `code`. */
  readonly code: string;
  readonly retryable: boolean;
  constructor(code: string, message: string, p: { retryable: boolean; cause?: unknown; details?: string }) {
    super(message, { cause: p.cause, details: p.details });
    this.code = code;
    this.retryable = p.retryable;
  }
}

/** The configuration (file or environment) is wrong: names the field, what was expected and what was found. */
export class AgentConfigError extends AgentError {
  override name = "AgentConfigError";
  constructor(readonly field: string, expected: string, got?: string) {
    super("config.invalid", `config: ${field}: expected ${expected}${got === undefined ? "" : `, got ${got}`}`, { retryable: false });
  }
}

/** The TPM (tpm2-tools over the configured TCTI) did not answer or refused a command. */
export class TpmUnavailableError extends AgentError {
  override name = "TpmUnavailableError";
  constructor(readonly command: string, message: string, cause?: unknown) {
    super("tpm.unavailable", `TPM: ${command} failed: ${message}`, { retryable: true, cause });
  }
}

/** The persistent handle named as the AK holds something else: the operator must free it or name another. */
export class TpmAkInvalidError extends AgentError {
  override name = "TpmAkInvalidError";
  constructor(readonly handle: string, message: string, cause?: unknown) {
    super("tpm.akInvalid", `TPM: the object at ${handle} ${message}; free the handle (tpm2_evictcontrol) or name another (tpm.akHandle)`, { retryable: false, cause });
  }
}

/** configfs-tsm is missing, unwritable, or kept answering for another writer's inblob. */
export class ConfigfsTsmError extends AgentError {
  override name = "ConfigfsTsmError";
  constructor(code: "configfs.missing" | "configfs.io" | "configfs.race" | "configfs.provider" | "configfs.reportData", message: string, cause?: unknown) {
    super(code, `configfs-tsm: ${message}`, { retryable: code !== "configfs.provider", cause });
  }
}

/** The chain's RPC endpoint did not answer (connection refused, timeout, 5xx). */
export class RpcUnavailableError extends AgentError {
  override name = "RpcUnavailableError";
  constructor(message: string, cause?: unknown) {
    super("rpc.unavailable", `RPC: ${message}`, { retryable: true, cause });
  }
}

/** A signed registration's deadline passed before it was mined: it is dropped and made again with a fresh deadline. */
export class DeadlineExpiredError extends AgentError {
  override name = "DeadlineExpiredError";
  constructor(readonly deadline: bigint, readonly chainTime: bigint) {
    super("tx.deadlineExpired", `registration deadline ${deadline} passed at chain time ${chainTime}`, { retryable: true });
  }
}

/** The registry refused a transaction (decoded custom error in `reason`). */
export class TransactionRefusedError extends AgentError {
  override name = "TransactionRefusedError";
  constructor(readonly action: string, readonly reason: string, retryable: boolean, cause?: unknown) {
    super("tx.refused", `${action} refused by the registry: ${reason}`, { retryable, cause });
  }
}

/** The identity was revoked (by its owner or the Alliance) or rotated to a key this CVM does not hold: the agent stops. */
export class IdentityEndedError extends AgentError {
  override name = "IdentityEndedError";
  constructor(readonly identity: string, readonly status: "revoked" | "rotated", detail: string) {
    super(`identity.${status}`, `identity ${identity} is ${status}: ${detail}; the agent stops`, { retryable: false });
  }
}

/** The agent's own files (state, key) are unreadable, corrupt or have unsafe permissions. */
export class AgentStateError extends AgentError {
  override name = "AgentStateError";
  constructor(readonly path: string, message: string, cause?: unknown) {
    super("state.invalid", `${path}: ${message}`, { retryable: false, cause });
  }
}
