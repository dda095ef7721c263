/** Wall-clock timing for the bench's SDK suites (scripts/bench/): one implementation for all of them. */

/** Milliseconds per call of `fn`, averaged over `iterations` after three warm-up calls (JIT, key caches). */
export async function msPer(iterations: number, fn: () => Promise<unknown> | unknown): Promise<number> {
  for (let i = 0; i < 3; i++) await fn();
  const t0 = performance.now();
  for (let i = 0; i < iterations; i++) await fn();
  return Number(((performance.now() - t0) / iterations).toFixed(3));
}
