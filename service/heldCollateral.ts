/**
 * HeldCollateral: the service's only state that must survive a restart (not the onchain
 * CollateralStore contract): the newest Intel collateral it has seen
 * verify, one QuoteCollateralV3 per TCB info item (TEE and FMSPC). A quote posted without collateral
 * is verified against it; collateral posted with a quote replaces it only when newer (higher TCB
 * evaluation, or the same evaluation issued later), and older collateral is refused, so a restart
 * cannot reopen a rollback to an earlier TCB evaluation (the rule of docs/intel-collateral.md).
 * Each item is one JSON file in the state directory, written to a temporary name, fsynced and
 * renamed, so a crash leaves the old file or the new one, never half of one.
 */
import { mkdirSync, readdirSync, readFileSync } from "node:fs";
import { open, rename } from "node:fs/promises";
import { join } from "node:path";
import { parseCollateral, parsePckExtensions, parseQuote, parseTcbInfo, type QuoteCollateralV3 } from "../sdk/src/intel/index.js";
import { hex } from "../sdk/src/bytes.js";
import { CollateralConflictError } from "./errors.js";

export type CollateralItem = { tee: "SGX" | "TDX"; fmspc: string; evaluationNumber: number; issueDate: number };

/** Which TCB info item a collateral is for, and its version (from the signed tcb_info body). */
export function collateralItem(c: QuoteCollateralV3): CollateralItem {
  const info = parseTcbInfo(JSON.parse(c.tcb_info));
  return { tee: info.id, fmspc: hex(info.fmspc), evaluationNumber: info.tcbEvaluationDataNumber, issueDate: info.issueDate };
}

// FMSPC per PCK leaf certificate: reading it parses the certificate's ASN.1 (milliseconds), while a
// platform sends the same certificate with every quote. Bounded: the oldest half goes when full.
const fmspcByPck = new Map<string, string>();
const FMSPC_CACHE_MAX = 4096;

/** The TCB info item a quote needs: its TEE and the FMSPC of its PCK certificate. */
export function quoteItemKey(quote: Uint8Array): string {
  const q = parseQuote(quote);
  const leaf = q.pckChain[0]!;
  const k = hex(leaf);
  let fmspc = fmspcByPck.get(k);
  if (fmspc === undefined) {
    fmspc = hex(parsePckExtensions(leaf).fmspc);
    if (fmspcByPck.size >= FMSPC_CACHE_MAX) [...fmspcByPck.keys()].slice(0, FMSPC_CACHE_MAX / 2).forEach((x) => fmspcByPck.delete(x));
    fmspcByPck.set(k, fmspc);
  }
  return `${q.teeType}-${fmspc}`;
}

const keyOf = (i: Pick<CollateralItem, "tee" | "fmspc">) => `${i.tee}-${i.fmspc}`;

export class HeldCollateral {
  private readonly items = new Map<string, { item: CollateralItem; collateral: QuoteCollateralV3 }>();
  private writes: Promise<void> = Promise.resolve();

  /** `dir` undefined: memory only (tests, `--no-state`). Files that do not parse are reported and skipped. */
  constructor(readonly dir?: string, onSkip: (file: string, why: string) => void = () => {}) {
    if (!dir) return;
    mkdirSync(dir, { recursive: true });
    for (const f of readdirSync(dir)) {
      if (!/^collateral-(SGX|TDX)-[0-9a-f]+\.json$/.test(f)) continue;
      try {
        const collateral = parseCollateral(readFileSync(join(dir, f), "utf8"));
        const item = collateralItem(collateral);
        this.items.set(keyOf(item), { item, collateral });
      } catch (e) {
        onSkip(f, (e as Error).message.split("\n")[0]!);
      }
    }
  }

  get size(): number {
    return this.items.size;
  }

  list(): CollateralItem[] {
    return [...this.items.values()].map((v) => v.item);
  }

  forQuote(quote: Uint8Array): QuoteCollateralV3 | undefined {
    return this.items.get(quoteItemKey(quote))?.collateral;
  }

  /** Throws CollateralConflictError when `c` is older than the held item (checked before verification). */
  checkNotOlder(c: QuoteCollateralV3): CollateralItem {
    const item = collateralItem(c);
    const held = this.items.get(keyOf(item))?.item;
    if (held && (item.evaluationNumber < held.evaluationNumber || (item.evaluationNumber === held.evaluationNumber && item.issueDate < held.issueDate))) {
      throw new CollateralConflictError(
        `collateral for ${item.tee} FMSPC ${item.fmspc} is older (evaluation ${item.evaluationNumber}, issued ${item.issueDate}) than the one held (evaluation ${held.evaluationNumber}, issued ${held.issueDate})`,
        { field: "collateral.tcb_info", expected: `tcbEvaluationDataNumber >= ${held.evaluationNumber} and issueDate >= ${held.issueDate}` },
      );
    }
    return item;
  }

  /** Records collateral that verified a quote, when newer than the held one; persisted before it resolves. */
  async admit(c: QuoteCollateralV3): Promise<boolean> {
    const item = this.checkNotOlder(c);
    const held = this.items.get(keyOf(item))?.item;
    if (held && held.evaluationNumber === item.evaluationNumber && held.issueDate === item.issueDate) return false;
    this.items.set(keyOf(item), { item, collateral: c });
    if (this.dir) {
      const file = join(this.dir, `collateral-${keyOf(item)}.json`);
      const body = JSON.stringify(c);
      // One write at a time, in order: the last admitted collateral is the one on disk.
      this.writes = this.writes.then(() => atomicWrite(file, body));
      await this.writes;
    }
    return true;
  }
}

async function atomicWrite(file: string, body: string): Promise<void> {
  const tmp = `${file}.${process.pid}.tmp`;
  const fh = await open(tmp, "w");
  try {
    await fh.writeFile(body);
    await fh.sync();
  } finally {
    await fh.close();
  }
  await rename(tmp, file);
}
