/**
 * The rule that keeps collateral held between calls from going back to an older TCB evaluation,
 * shared by the PCS/PCCS client cache and the verifier cache (the onchain CollateralStore applies
 * the same order). Intel keeps reissuing an evaluation after a TCB recovery has published the next
 * one, so an item of the older evaluation is validly signed and may even be issued later; taking it
 * would turn OutOfDate back into UpToDate and lift Revoked levels. Rule: docs/intel-collateral.md.
 */
import { VerificationError } from "../errors.js";
import type { EnclaveIdentity, TcbInfo } from "./tcbInfo.js";

export type CollateralItemKind = "tcbInfo" | "qeIdentity";

/** What orders two issues of one item: evaluation first, then issue date (unix s). */
export type CollateralItemVersion = { evaluationNumber: number; issueDate: number };

/**
 * Collateral older than what was already held for the same item. `check` is `tcbInfo.rollback` /
 * `qeIdentity.rollback` for a lower tcbEvaluationDataNumber, `tcbInfo.notNewer` /
 * `qeIdentity.notNewer` for the same number issued earlier (where the issue date rule applies).
 */
export class CollateralRollbackError extends VerificationError {
  override name = "CollateralRollbackError";
  readonly kind: CollateralItemKind;
  /** Which item: "TDX:<fmspc>" / "SGX:<fmspc>" for TCB info, the QE id ("QE", "TD_QE") for QE identity. */
  readonly item: string;
  readonly storedEvaluationNumber: number;
  readonly offeredEvaluationNumber: number;
  readonly storedIssueDate: number;
  readonly offeredIssueDate: number;

  constructor(kind: CollateralItemKind, item: string, stored: CollateralItemVersion, offered: CollateralItemVersion) {
    const rollback = offered.evaluationNumber < stored.evaluationNumber;
    const what = kind === "tcbInfo" ? "TCB info" : "QE identity";
    const iso = (t: number) => new Date(t * 1000).toISOString().replace(".000Z", "Z");
    super(
      `${kind}.${rollback ? "rollback" : "notNewer"}`,
      rollback
        ? `${what} for ${item} is of TCB evaluation ${offered.evaluationNumber}, older than evaluation ${stored.evaluationNumber} already held`
        : `${what} for ${item} (evaluation ${offered.evaluationNumber}) was issued ${iso(offered.issueDate)}, before the one already held (${iso(stored.issueDate)})`,
    );
    this.kind = kind;
    this.item = item;
    this.storedEvaluationNumber = stored.evaluationNumber;
    this.offeredEvaluationNumber = offered.evaluationNumber;
    this.storedIssueDate = stored.issueDate;
    this.offeredIssueDate = offered.issueDate;
  }
}

/**
 * "replacement" (a cache of the current collateral, such as the PCS client's): a held item is
 * replaced, so within one evaluation an earlier issue is refused too (the same issue again is a
 * refetch, fine). "evaluation" (the verifier cache): collateral comes with each call and every issue
 * stays valid to its own nextUpdate, so only the evaluation must not go back, and only from the
 * time the newer one was issued: at an earlier `now` the older evaluation was still Intel's latest,
 * which keeps verifying at a past time possible.
 */
export type CollateralRatchetRule = "replacement" | "evaluation";

type Offer = { kind: CollateralItemKind; item: string; version: CollateralItemVersion };

/** What was seen per item; one item per (TEE, FMSPC) and per QE id, a few evaluations each. */
export class CollateralRatchet {
  private readonly latest = new Map<string, CollateralItemVersion>();
  // "evaluation": per item, each evaluation seen and the earliest issueDate seen of it.
  private readonly issued = new Map<string, Map<number, number>>();
  constructor(readonly rule: CollateralRatchetRule) {}

  /**
   * Checks every offer before recording any, so a refused set changes nothing, then records them.
   * `now` (unix s) is the verification time, used by the "evaluation" rule. Throws
   * CollateralRollbackError.
   */
  admit(offers: Offer[], now = Infinity): void {
    for (const o of offers) {
      const held = this.rule === "replacement" ? this.latest.get(key(o)) : this.newerKnownAt(o, now);
      if (!held) continue;
      const v = o.version;
      if (v.evaluationNumber < held.evaluationNumber) throw new CollateralRollbackError(o.kind, o.item, held, v);
      if (this.rule === "replacement" && v.evaluationNumber === held.evaluationNumber && v.issueDate < held.issueDate) {
        throw new CollateralRollbackError(o.kind, o.item, held, v);
      }
    }
    for (const o of offers) {
      const v = o.version;
      if (this.rule === "evaluation") {
        const seen = this.issued.get(key(o)) ?? new Map<number, number>();
        this.issued.set(key(o), seen);
        seen.set(v.evaluationNumber, Math.min(seen.get(v.evaluationNumber) ?? Infinity, v.issueDate));
        continue;
      }
      const held = this.latest.get(key(o));
      if (!held || v.evaluationNumber > held.evaluationNumber || (v.evaluationNumber === held.evaluationNumber && v.issueDate > held.issueDate)) {
        this.latest.set(key(o), { evaluationNumber: v.evaluationNumber, issueDate: v.issueDate });
      }
    }
  }

  /** The highest evaluation above the offer's that had been issued by `now`, if any. */
  private newerKnownAt(o: Offer, now: number): CollateralItemVersion | undefined {
    let best: CollateralItemVersion | undefined;
    for (const [evaluationNumber, issueDate] of this.issued.get(key(o)) ?? []) {
      if (evaluationNumber > o.version.evaluationNumber && issueDate <= now && (!best || evaluationNumber > best.evaluationNumber)) {
        best = { evaluationNumber, issueDate };
      }
    }
    return best;
  }

  /** The offers a (TCB info, QE identity) pair makes. */
  static offers(tcbInfo: TcbInfo, qeIdentity: EnclaveIdentity): Offer[] {
    const fmspc = Array.from(tcbInfo.fmspc, (b) => b.toString(16).padStart(2, "0")).join("").toUpperCase();
    return [
      { kind: "tcbInfo", item: `${tcbInfo.id}:${fmspc}`, version: { evaluationNumber: tcbInfo.tcbEvaluationDataNumber, issueDate: tcbInfo.issueDate } },
      { kind: "qeIdentity", item: qeIdentity.id, version: { evaluationNumber: qeIdentity.tcbEvaluationDataNumber, issueDate: qeIdentity.issueDate } },
    ];
  }
}

const key = (o: Offer) => `${o.kind}:${o.item}`;
