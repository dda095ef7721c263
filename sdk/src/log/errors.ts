/** Typed errors of the transparency-log code; see docs/transparency-log.md for the checks. */
import { PocError, VerificationError, type PocErrorParameters } from "../errors.js";

/**
 * A proof (inclusion or consistency) that does not verify. `check` names the rule that failed:
 * "inclusion.index" (index outside the tree), "inclusion.length" (too few or too many hashes),
 * "inclusion.root" (recomputed root differs), and the same under "consistency.*".
 */
export class ProofVerificationError extends VerificationError {
  override name = "ProofVerificationError";
}

/** A proof or root was asked for a leaf index or tree size the tree does not have. */
export class TreeRangeError extends PocError {
  override name = "TreeRangeError";
  constructor(
    readonly field: string,
    readonly value: number,
    readonly limit: number,
    parameters: PocErrorParameters = {},
  ) {
    super(`${field} ${value} is out of range (must be ${field === "index" ? "<" : "<="} ${limit})`, parameters);
  }
}

/**
 * The tree rebuilt from `LeafAppended` events disagrees with itself or with the contract. `check`:
 * "rebuild.index" (a gap or duplicate index), "rebuild.leafHash" (event hash != SHA-256(0x00||leaf)),
 * "rebuild.size" / "rebuild.root" (contract's logSize()/logRoot() differ from the rebuilt tree).
 */
export class LogRebuildError extends VerificationError {
  override name = "LogRebuildError";
}

/**
 * Cosigned-checkpoint files that cannot be combined into one: `file` names the offending one;
 * `reason`: "origin" / "size" / "root" / "members" (a different checkpoint or member set than the
 * first file) or "duplicate-signer" (a member that signed in two files).
 */
export class CheckpointCombineError extends PocError {
  override name = "CheckpointCombineError";
  constructor(
    readonly file: string,
    readonly reason: "origin" | "size" | "root" | "members" | "duplicate-signer",
    shortMessage: string,
    parameters: PocErrorParameters = {},
  ) {
    super(`${file}: ${shortMessage}`, parameters);
  }
}
