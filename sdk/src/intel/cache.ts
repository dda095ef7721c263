/**
 * What a long-running verifier keeps between quotes: collateral and certificate chains it has
 * already verified (signatures do not depend on time, so only validity windows are re-checked per
 * quote), and imported attestation keys. Entries are keyed by content and bounded (LRU).
 */
import type { VerifiedCollateral, VerifiedPckChain } from "./verifyCollateral.js";
import { CertificateMemo, type P256Key, type PinnedRoot } from "../pki/p256Chain.js";
import { CollateralRatchet } from "./collateralRatchet.js";

class Lru<K, V> {
  private map = new Map<K, V>();
  constructor(private readonly max: number) {}
  get(k: K): V | undefined {
    const v = this.map.get(k);
    if (v !== undefined) {
      this.map.delete(k);
      this.map.set(k, v);
    }
    return v;
  }
  set(k: K, v: V): void {
    this.map.delete(k);
    if (this.map.size >= this.max) this.map.delete(this.map.keys().next().value as K);
    this.map.set(k, v);
  }
  delete(k: K): void {
    this.map.delete(k);
  }
  get size(): number {
    return this.map.size;
  }
}

export type IntelVerifierCacheOptions = { maxCollateral?: number; maxChains?: number; maxKeys?: number };

export class IntelVerifierCache {
  readonly collateral: Lru<string, Promise<VerifiedCollateral>>;
  readonly chains: Lru<string, Promise<VerifiedPckChain>>;
  readonly attestationKeys: Lru<string, Promise<P256Key>>;
  root?: Promise<PinnedRoot> | undefined;
  /**
   * Intermediate certificates parsed and checked by this cache's verifications (the PCK CA comes in
   * both the collateral and the quote). Bounded: each map starts over past CertificateMemo.MAX.
   */
  readonly certificates = new CertificateMemo();
  /**
   * The TCB evaluations verified per TCB info (TEE, FMSPC) and per QE identity: collateral of an
   * older one is refused (from the newer one's issueDate on) even when its own verification is still
   * cached. Outside the LRU on purpose: evicting an entry would reopen the rollback.
   */
  readonly evaluations = new CollateralRatchet("evaluation");

  constructor(options: IntelVerifierCacheOptions = {}) {
    this.collateral = new Lru(options.maxCollateral ?? 64);
    this.chains = new Lru(options.maxChains ?? 1024);
    this.attestationKeys = new Lru(options.maxKeys ?? 1024);
  }

  /** Memoises a promise; a rejected one is dropped so a later call retries. */
  static remember<K, V>(lru: Lru<K, Promise<V>>, key: K, make: () => Promise<V>): Promise<V> {
    let p = lru.get(key);
    if (!p) {
      p = make();
      lru.set(key, p);
      p.catch(() => lru.delete(key));
    }
    return p;
  }
}

/** Creates an empty cache; pass it to verifyQuote to share verified collateral across calls. */
export function createIntelVerifierCache(options?: IntelVerifierCacheOptions): IntelVerifierCache {
  return new IntelVerifierCache(options);
}

/** The cache verifyQuote uses when none is given. */
export const defaultIntelVerifierCache = new IntelVerifierCache();
