/**
 * Every refusal of the verification service is one of these: an HTTP status, a stable `error`
 * code (the proofofcloud/verifiers service's field), a message a person can act on, and where the
 * fault is (`field`, `offset`, `expected`) when the request body is to blame. docs/service.md lists them.
 */
export type ServiceErrorDetails = { field?: string; offset?: number; expected?: string; limit?: number; retryAfterSeconds?: number };

export class ServiceError extends Error {
  override name = "ServiceError";
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: ServiceErrorDetails = {},
  ) {
    super(message);
  }

  /** The JSON body: `{success: false, error, message, ...details}` (the verifiers service's error shape plus where). */
  toJson(): Record<string, unknown> {
    return { success: false, error: this.code, message: this.message, ...this.details };
  }
}

/** 400: the body is not what the endpoint takes (bad JSON, a missing or mistyped field, malformed evidence). */
export class BadRequestError extends ServiceError {
  override name = "BadRequestError";
  constructor(code: string, message: string, details: ServiceErrorDetails = {}) {
    super(400, code, message, details);
  }
}

/** 413: the body is longer than the configured limit (the connection is closed after the answer). */
export class PayloadTooLargeError extends ServiceError {
  override name = "PayloadTooLargeError";
  constructor(limit: number) {
    super(413, "payload_too_large", `the request body is larger than ${limit} bytes`, { limit });
  }
}

/** 415: POST bodies are JSON (application/json). */
export class UnsupportedMediaTypeError extends ServiceError {
  override name = "UnsupportedMediaTypeError";
  constructor(got: string | undefined) {
    super(415, "unsupported_media_type", `the body must be application/json, got ${got ?? "no content type"}`, { field: "content-type", expected: "application/json" });
  }
}

/** 408: headers or body did not arrive within the time allowed (slow clients, slow-loris). */
export class RequestTimeoutError extends ServiceError {
  override name = "RequestTimeoutError";
  constructor(ms: number) {
    super(408, "request_timeout", `the request did not arrive within ${ms} ms`, { limit: ms });
  }
}

/** 429: this client used its request budget; `retryAfterSeconds` says when the next one is allowed. */
export class RateLimitedError extends ServiceError {
  override name = "RateLimitedError";
  constructor(retryAfterSeconds: number) {
    super(429, "rate_limited", `too many requests from this client; retry in ${retryAfterSeconds} s`, { retryAfterSeconds });
  }
}

export class NotFoundError extends ServiceError {
  override name = "NotFoundError";
  constructor(code: string, message: string) {
    super(404, code, message);
  }
}

export class MethodNotAllowedError extends ServiceError {
  override name = "MethodNotAllowedError";
  constructor(method: string, path: string) {
    super(405, "method_not_allowed", `${method} is not allowed on ${path}`);
  }
}

/** 503: what the endpoint needs is not configured (no registry for /hardware_id) or not reachable. */
export class UnavailableError extends ServiceError {
  override name = "UnavailableError";
  constructor(code: string, message: string) {
    super(503, code, message);
  }
}

/** 409: collateral older than what the service already holds for the same TCB info (a rollback). */
export class CollateralConflictError extends ServiceError {
  override name = "CollateralConflictError";
  constructor(message: string, details: ServiceErrorDetails) {
    super(409, "collateral_rollback", message, details);
  }
}
