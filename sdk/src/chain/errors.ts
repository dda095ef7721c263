import { PocError, type PocErrorParameters } from "../errors.js";

/** Bad input to a chain helper (a raw ID of the wrong length, an unknown class name...). */
export class ChainInputError extends PocError {
  override name = "ChainInputError";
  readonly field: string;
  constructor(field: string, shortMessage: string, parameters: PocErrorParameters = {}) {
    super(`${field}: ${shortMessage}`, parameters);
    this.field = field;
  }
}

/** A vote or cosignature file that cannot count toward this submission; `file` names which one. */
export class SignatureCollectionError extends PocError {
  override name = "SignatureCollectionError";
  readonly file: string;
  readonly reason:
    | "malformed"
    | "wrong-proposal"
    | "wrong-chain"
    | "wrong-contract"
    | "not-support"
    | "duplicate-signer"
    | "bad-signature";
  constructor(file: string, reason: SignatureCollectionError["reason"], shortMessage: string, parameters: PocErrorParameters = {}) {
    super(`${file}: ${shortMessage}`, parameters);
    this.file = file;
    this.reason = reason;
  }
}
