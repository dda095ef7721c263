/**
 * The one reader of contract events (eth_getLogs) for the whole SDK and CLI. Public providers cap
 * eth_getLogs by block range and by result count and each says so differently; this reader:
 * - starts where it is told (callers pass the address book's deploymentBlock, not 0);
 * - splits a window that hits a provider limit, shrinks the range for later windows, and grows it
 *   back (x2, up to `maxRange`) after `growAfter` successful windows in a row;
 * - keeps up to `concurrency` windows in flight and still yields them in block order, so a
 *   consumer (a tree, a cache) sees a contiguous prefix of the chain after every chunk;
 * - retries other failures (timeouts, 5xx, dropped connections) with exponential backoff and
 *   throws EventReadError naming the window once `retries` are spent;
 * - reports progress (blocks and logs per second) through `onProgress`.
 * Limit errors recognised: JSON-RPC -32005 (limit exceeded), -32600 / -32602 / -32000 / -32603 whose
 * message speaks of a range, a block range, results or a response size, HTTP 413, and messages such
 * as "range too large", "too many results", "query returned more than 10000 results",
 * "exceeds defined limit". See docs/transparency-log.md "Reading events from public RPCs".
 * Browser-safe: no `node:` imports.
 */
import { numberToHex, type Address, type Chain, type Client, type Hex, type RpcLog, type Transport } from "viem";
import { getBlockNumber } from "viem/actions";
import { PocError, type PocErrorParameters } from "../errors.js";

type AnyClient = Client<Transport, Chain | undefined>;

export type EventReadProgress = {
  fromBlock: bigint;
  toBlock: bigint;
  /** Highest block such that every block from `fromBlock` to it has been read. */
  doneThrough: bigint;
  blocksDone: bigint;
  blocksTotal: bigint;
  logs: number;
  requests: number;
  /** The block range the reader currently asks for. */
  range: bigint;
  elapsedMs: number;
  blocksPerSecond: number;
  logsPerSecond: number;
};

export type ReadEventsParameters = {
  address: Address | readonly Address[];
  /** eth_getLogs topics filter (position 0 is the event selector). */
  topics?: readonly (Hex | readonly Hex[] | null)[] | undefined;
  fromBlock: bigint;
  /** Inclusive; default: the latest block when the read starts. */
  toBlock?: bigint | undefined;
  /** First range tried (default 10 000 blocks). */
  initialRange?: bigint | undefined;
  /** Largest range the reader grows back to (default 100 000). */
  maxRange?: bigint | undefined;
  /** Successful windows in a row before the range doubles (default 2). */
  growAfter?: number | undefined;
  /** Windows in flight at once (default 4). */
  concurrency?: number | undefined;
  /** Attempts after the first for a non-limit failure (default 5). */
  retries?: number | undefined;
  /** First backoff delay in ms, doubled per attempt with jitter (default 200). */
  backoffMs?: number | undefined;
  onProgress?: (p: EventReadProgress) => void;
  signal?: AbortSignal | undefined;
};

/** One contiguous block range fully read, logs in (block, logIndex) order, removed logs dropped. */
export type EventChunk = { fromBlock: bigint; toBlock: bigint; logs: RpcLog[] };

/**
 * Reading events failed for good. `reason`: "limit" (the provider refuses even a one-block range,
 * e.g. too many results in one block), "rpc" (a failure that outlived the retries), "aborted",
 * "range" (bad parameters: fromBlock after toBlock, a non-positive range or concurrency).
 */
export class EventReadError extends PocError {
  override name = "EventReadError";
  constructor(
    readonly reason: "limit" | "rpc" | "aborted" | "range",
    readonly fromBlock: bigint,
    readonly toBlock: bigint,
    shortMessage: string,
    parameters: PocErrorParameters = {},
  ) {
    super(`eth_getLogs blocks ${fromBlock}..${toBlock}: ${shortMessage}`, parameters);
  }
}

const LIMIT_MESSAGE =
  /block range|range (is )?too (large|wide|big)|too many (results|logs|blocks)|more than \d+ (results|logs)|result(s)? (set )?(limit|size|too large)|response (size|is too big|too large)|exceed(s|ed)? (the )?(defined |maximum |max )?(limit|range|block)|limit exceeded|query timeout|range limit|max(imum)? (block )?range|up to a \d+ block range|payload too large/i;
const LIMIT_CODES = new Set([-32005]);
const LIMIT_CODES_IF_MESSAGE = new Set([-32600, -32602, -32000, -32603, -32001, -32011]);

/** What a thrown error says about provider limits: walks viem's cause chain for code, status and text. */
export function classifyRpcError(error: unknown): { limit: boolean; code?: number; status?: number; message: string } {
  const messages: string[] = [];
  let code: number | undefined;
  let status: number | undefined;
  for (let e: unknown = error, depth = 0; e && depth < 8; depth++) {
    const o = e as { code?: unknown; status?: unknown; message?: unknown; details?: unknown; shortMessage?: unknown; body?: unknown; cause?: unknown };
    if (typeof o.code === "number" && code === undefined) code = o.code;
    if (typeof o.status === "number" && status === undefined) status = o.status;
    for (const m of [o.details, o.shortMessage, o.message]) if (typeof m === "string") messages.push(m);
    e = o.cause;
  }
  const message = messages.join(" | ");
  const text = LIMIT_MESSAGE.test(message);
  const limit = status === 413 || (code !== undefined && LIMIT_CODES.has(code)) || (text && (code === undefined || LIMIT_CODES_IF_MESSAGE.has(code)));
  return { limit, ...(code === undefined ? {} : { code }), ...(status === undefined ? {} : { status }), message };
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener("abort", () => {
      clearTimeout(t);
      reject(signal.reason);
    });
  });

type Window = { from: bigint; to: bigint };
type Slot = { window: Window; promise: Promise<RpcLog[] | { split: true }> };

/**
 * Reads every matching log from `fromBlock` to `toBlock`, yielding contiguous chunks in block order.
 * The consumer may stop early (break) and resume later from the last chunk's `toBlock + 1`.
 */
export async function* readEvents(client: AnyClient, args: ReadEventsParameters): AsyncGenerator<EventChunk> {
  const toBlock = args.toBlock ?? (await getBlockNumber(client));
  const fromBlock = args.fromBlock;
  const maxRange = args.maxRange ?? 100_000n;
  let range = args.initialRange ?? 10_000n;
  const concurrency = args.concurrency ?? 4;
  const retries = args.retries ?? 5;
  const backoffMs = args.backoffMs ?? 200;
  const growAfter = args.growAfter ?? 2;
  if (range < 1n || maxRange < 1n) throw new EventReadError("range", fromBlock, toBlock, "the block range must be at least 1");
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new EventReadError("range", fromBlock, toBlock, `concurrency must be a positive integer, got ${concurrency}`);
  if (range > maxRange) range = maxRange;
  if (fromBlock > toBlock) return;

  const started = Date.now();
  let requests = 0;
  let logsSeen = 0;
  let streak = 0;
  let next = fromBlock; // first block not yet scheduled
  // Windows being read, in block order; a window that hits a limit is replaced by its two halves.
  const inflight: Slot[] = [];

  const address = Array.isArray(args.address) ? [...args.address] : args.address;
  const topics = args.topics ? args.topics.map((t) => (t === null ? null : Array.isArray(t) ? [...t] : t)) : undefined;

  async function fetchWindow(w: Window): Promise<RpcLog[] | { split: true }> {
    for (let attempt = 0; ; attempt++) {
      if (args.signal?.aborted) throw new EventReadError("aborted", w.from, w.to, "aborted", { cause: args.signal.reason });
      requests++;
      try {
        return await client.request(
          { method: "eth_getLogs", params: [{ address: address as Address, ...(topics ? { topics: topics as Hex[] } : {}), fromBlock: numberToHex(w.from), toBlock: numberToHex(w.to) }] },
          // The reader owns retries: the transport's own would multiply with ours.
          { retryCount: 0 },
        );
      } catch (e) {
        const c = classifyRpcError(e);
        if (c.limit) {
          if (w.from === w.to) throw new EventReadError("limit", w.from, w.to, "the provider refuses even a single block", { details: c.message, cause: e });
          return { split: true };
        }
        if (attempt >= retries) {
          throw new EventReadError("rpc", w.from, w.to, `failed after ${attempt + 1} attempts`, { details: c.message, cause: e });
        }
        const delay = backoffMs * 2 ** attempt * (0.5 + Math.random() / 2);
        await sleep(delay, args.signal);
      }
    }
  }

  const launch = (w: Window): Slot => {
    const p = fetchWindow(w);
    p.catch(() => undefined); // observed when awaited in order
    return { window: w, promise: p };
  };
  const schedule = () => {
    while (inflight.length < concurrency && next <= toBlock) {
      const to = next + range - 1n < toBlock ? next + range - 1n : toBlock;
      inflight.push(launch({ from: next, to }));
      next = to + 1n;
    }
  };

  schedule();
  while (inflight.length > 0) {
    const slot = inflight.shift()!;
    let result: RpcLog[] | { split: true };
    try {
      result = await slot.promise;
    } catch (e) {
      // Let the other requests settle so nothing runs on after the throw.
      await Promise.allSettled(inflight.map((s) => s.promise));
      throw e;
    }
    if (!Array.isArray(result)) {
      // Hit a limit: halve this window (its halves go first, ahead of the windows already in
      // flight, so order holds) and make every later window no larger than a half.
      const { from, to } = slot.window;
      const half = (to - from + 1n) / 2n;
      if (half < range) range = half;
      streak = 0;
      inflight.unshift(launch({ from, to: from + half - 1n }), launch({ from: from + half, to }));
      schedule();
      continue;
    }
    streak++;
    if (streak >= growAfter && range < maxRange) {
      range = range * 2n > maxRange ? maxRange : range * 2n;
      streak = 0;
    }
    const logs = result
      .filter((l) => !l.removed)
      .sort((a, b) => {
        const ba = BigInt(a.blockNumber!);
        const bb = BigInt(b.blockNumber!);
        return ba === bb ? Number(BigInt(a.logIndex!) - BigInt(b.logIndex!)) : ba < bb ? -1 : 1;
      });
    logsSeen += logs.length;
    schedule();
    const elapsedMs = Math.max(1, Date.now() - started);
    const blocksDone = slot.window.to - fromBlock + 1n;
    args.onProgress?.({
      fromBlock,
      toBlock,
      doneThrough: slot.window.to,
      blocksDone,
      blocksTotal: toBlock - fromBlock + 1n,
      logs: logsSeen,
      requests,
      range,
      elapsedMs,
      blocksPerSecond: (Number(blocksDone) * 1000) / elapsedMs,
      logsPerSecond: (logsSeen * 1000) / elapsedMs,
    });
    yield { fromBlock: slot.window.from, toBlock: slot.window.to, logs };
  }
}

/** All logs of the range in one array (small reads: one entry's event, the recorded checkpoints). */
export async function readAllEvents(client: AnyClient, args: ReadEventsParameters): Promise<RpcLog[]> {
  const out: RpcLog[] = [];
  for await (const chunk of readEvents(client, args)) out.push(...chunk.logs);
  return out;
}
