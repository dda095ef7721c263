/**
 * Per-client token buckets: each client (remote address) holds up to `burst` tokens, refilled at
 * `perSecond`; a request takes one. Hand-written: a dozen lines, and the maintained limiters are
 * framework middleware (express, fastify) this node:http service does not use. Buckets live in memory
 * on purpose (a restart forgives); idle full buckets are dropped so the map stays bounded.
 */
export type RateLimitOptions = { perSecond: number; burst: number; maxClients?: number };

export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private readonly maxClients: number;
  constructor(readonly options: RateLimitOptions) {
    this.maxClients = options.maxClients ?? 100_000;
  }

  /** 0 when the request may go; otherwise the seconds until a token is back. */
  take(client: string, nowMs = performance.now()): number {
    const { perSecond, burst } = this.options;
    let b = this.buckets.get(client);
    if (!b) {
      if (this.buckets.size >= this.maxClients) this.sweep(nowMs);
      b = { tokens: burst, at: nowMs };
      this.buckets.set(client, b);
    }
    b.tokens = Math.min(burst, b.tokens + ((nowMs - b.at) / 1000) * perSecond);
    b.at = nowMs;
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - b.tokens) / perSecond));
  }

  get clients(): number {
    return this.buckets.size;
  }

  /** Drops buckets that have refilled (their clients have been idle); the oldest half if none has. */
  private sweep(nowMs: number): void {
    const { perSecond, burst } = this.options;
    for (const [k, b] of this.buckets) if (b.tokens + ((nowMs - b.at) / 1000) * perSecond >= burst) this.buckets.delete(k);
    if (this.buckets.size >= this.maxClients) {
      let n = this.buckets.size / 2;
      for (const k of this.buckets.keys()) {
        if (n-- <= 0) break;
        this.buckets.delete(k);
      }
    }
  }
}
