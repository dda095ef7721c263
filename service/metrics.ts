/**
 * Counters and a latency histogram in the Prometheus text format (GET /metrics). Process counters:
 * they start at zero with each process, as Prometheus expects of a counter (it handles resets).
 */
const BUCKETS_MS = [1, 2, 5, 10, 20, 50, 100, 250, 500, 1000, 5000];

export class Metrics {
  private readonly requests = new Map<string, number>();
  private readonly verifyBuckets = new Array<number>(BUCKETS_MS.length + 1).fill(0);
  private verifySumMs = 0;
  private verifyCount = 0;
  rateLimited = 0;
  clientErrors = 0;
  readonly startedAt = Date.now();

  request(route: string, status: number): void {
    const k = `${route}|${status}`;
    this.requests.set(k, (this.requests.get(k) ?? 0) + 1);
  }

  verifyDuration(ms: number): void {
    this.verifySumMs += ms;
    this.verifyCount++;
    const i = BUCKETS_MS.findIndex((b) => ms <= b);
    this.verifyBuckets[i < 0 ? BUCKETS_MS.length : i]!++;
  }

  render(gauges: Record<string, number>): string {
    const out: string[] = [];
    out.push("# HELP poc_http_requests_total HTTP requests answered, by route and status.", "# TYPE poc_http_requests_total counter");
    for (const [k, v] of this.requests) {
      const [route, status] = k.split("|");
      out.push(`poc_http_requests_total{route="${route}",status="${status}"} ${v}`);
    }
    out.push("# HELP poc_verify_duration_seconds Time to verify one piece of evidence.", "# TYPE poc_verify_duration_seconds histogram");
    let cum = 0;
    BUCKETS_MS.forEach((b, i) => {
      cum += this.verifyBuckets[i]!;
      out.push(`poc_verify_duration_seconds_bucket{le="${b / 1000}"} ${cum}`);
    });
    cum += this.verifyBuckets[BUCKETS_MS.length]!;
    out.push(`poc_verify_duration_seconds_bucket{le="+Inf"} ${cum}`, `poc_verify_duration_seconds_sum ${this.verifySumMs / 1000}`, `poc_verify_duration_seconds_count ${this.verifyCount}`);
    out.push("# TYPE poc_rate_limited_total counter", `poc_rate_limited_total ${this.rateLimited}`);
    out.push("# TYPE poc_client_errors_total counter", `poc_client_errors_total ${this.clientErrors}`);
    for (const [name, v] of Object.entries(gauges)) out.push(`# TYPE ${name} gauge`, `${name} ${v}`);
    return out.join("\n") + "\n";
  }
}
