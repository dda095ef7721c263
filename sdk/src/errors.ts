/**
 * Error base for the whole SDK, shaped after viem's `BaseError`: a one-line `shortMessage` a person
 * can act on, optional `details`, and `metaMessages` (extra lines) folded into `message`.
 * Every error the SDK throws on bad input is a subclass, so callers can `instanceof`-narrow it.
 */
export type PocErrorParameters = {
  details?: string | undefined;
  metaMessages?: string[] | undefined;
  cause?: unknown | undefined;
};

export class PocError extends Error {
  override name = "PocError";
  readonly shortMessage: string;
  readonly details?: string | undefined;
  readonly metaMessages?: string[] | undefined;

  constructor(shortMessage: string, parameters: PocErrorParameters = {}) {
    const lines = [shortMessage];
    if (parameters.metaMessages?.length) lines.push("", ...parameters.metaMessages);
    if (parameters.details) lines.push("", `Details: ${parameters.details}`);
    super(lines.join("\n"), parameters.cause === undefined ? undefined : { cause: parameters.cause });
    this.shortMessage = shortMessage;
    this.details = parameters.details;
    this.metaMessages = parameters.metaMessages;
  }
}

/**
 * Malformed bytes: names the structure, the field, the byte offset where reading failed and what
 * was expected there. Parsers throw this (or a subclass) and nothing else on bad input.
 */
export class ParseError extends PocError {
  override name = "ParseError";
  readonly structure: string;
  readonly field: string;
  readonly offset: number;
  readonly expected: string;

  constructor(args: { structure: string; field: string; offset: number; expected: string; got?: string | undefined; cause?: unknown }) {
    super(
      `${args.structure}: bad ${args.field} at offset ${args.offset}: expected ${args.expected}` +
        (args.got === undefined ? "" : `, got ${args.got}`),
      { cause: args.cause },
    );
    this.structure = args.structure;
    this.field = args.field;
    this.offset = args.offset;
    this.expected = args.expected;
  }
}

/**
 * Well-formed evidence that fails a check (signature, chain, policy, freshness). `check` is a stable
 * machine-readable identifier such as "quote.signature" or "pck.chain.expired".
 */
export class VerificationError extends PocError {
  override name = "VerificationError";
  readonly check: string;

  constructor(check: string, shortMessage: string, parameters: PocErrorParameters = {}) {
    super(shortMessage, parameters);
    this.check = check;
  }
}
