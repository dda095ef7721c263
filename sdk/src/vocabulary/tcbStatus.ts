/**
 * Intel's TCB statuses: the one list the SDK uses, in the order and spelling of the Solidity enum
 * `IQuoteVerifier.TcbStatus` (contracts/interfaces/IQuoteVerifier.sol), which is also the order
 * Intel's PCS documents them in. The offchain verifier (intel/), the chain actions (chain/) and the
 * CvmGate policy helpers all read it from here, so a status code means the same thing everywhere.
 * Automata's DCAP program numbers them differently (2 and 3 swapped, plus "Unrecognized"): that code
 * table is a wire format of the ZK journal and lives in zk/ (DCAP_TCB_STATUSES).
 */

/** `IQuoteVerifier.TcbStatus`: index = the enum's code. */
export const TCB_STATUSES = [
  "UpToDate",
  "SWHardeningNeeded",
  "ConfigurationNeeded",
  "ConfigurationAndSWHardeningNeeded",
  "OutOfDate",
  "OutOfDateConfigurationNeeded",
  "Revoked",
] as const;
export type TcbStatus = (typeof TCB_STATUSES)[number];

/** The same list under the name the chain module gave it (kept for callers of the old export). */
export const TCB_STATUS_NAMES = TCB_STATUSES;
export type TcbStatusName = TcbStatus;

/**
 * Intel's TCB statuses from strongest to weakest: the order of `TcbStatusRank.rank`
 * (contracts/cvm/TcbStatusRank.sol), the one CvmGate policies compare by. Today it coincides with
 * the codes' order, so it is that list; it keeps its own name on purpose (codes are a wire format,
 * ranks a policy), as in Solidity: should they part, this becomes its own list; test/e2e/cvmTcbPolicy.test.ts holds it equal to the contract's. Revoked is never accepted.
 */
export const TCB_STATUSES_STRONGEST_FIRST = TCB_STATUSES satisfies readonly TcbStatus[];

/** A TCB status a CvmGate rule may name as the weakest it accepts. */
export type WeakestTcbStatusName = Exclude<TcbStatusName, "Revoked">;

/** `TcbStatusRank.rank`: 0 for the strongest status; Revoked 255, below anything a policy can name. */
export function tcbStatusRank(status: TcbStatusName): number {
  return status === "Revoked" ? 255 : TCB_STATUSES_STRONGEST_FIRST.indexOf(status);
}
