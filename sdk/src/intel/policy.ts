/**
 * Relying-party policy on top of Intel's TCB evaluation: debug enclaves and TDs are refused, and a
 * TD must have the attribute bits a production TD has (Intel TDX Module ABI, TDATTRIBUTES). The TD
 * attribute policy is a named check apart from "the quote is genuine": a verifier can report the
 * genuine quote (and its hardware ID) and the policy result side by side. Rules and bits:
 * docs/intel-quote.md ("TD attribute policy").
 */
import { hex } from "../bytes.js";
import { VerificationError } from "../errors.js";
import type { SgxReportBody, TdReportBody } from "./quote.js";

/**
 * "strict" (the default): TUD (debug) clear, reserved and MIGRATABLE bits clear, SEPT_VE_DISABLE set,
 * no service TD. "allow-sept-ve": the same, except that SEPT_VE_DISABLE may be clear (a TD that
 * handles #VE on EPT violations itself; older guest kernels and some stacks run that way).
 * Debug TDs are refused by every policy.
 */
export type TdAttributePolicy = "strict" | "allow-sept-ve";
export const TD_ATTRIBUTE_POLICIES: readonly TdAttributePolicy[] = ["strict", "allow-sept-ve"];
export const DEFAULT_TD_ATTRIBUTE_POLICY: TdAttributePolicy = "strict";

export type TdAttributeViolation = { check: "td.debug" | "td.attributes" | "td.septVeDisable" | "td.mrServiceTd"; message: string };

export type TdAttributeEvaluation = {
  policy: TdAttributePolicy;
  /** TDATTRIBUTES, 8 bytes hex. */
  attributes: string;
  debug: boolean;
  septVeDisable: boolean;
  satisfied: boolean;
  /** Every rule the TD breaks under `policy` (empty when satisfied). */
  violations: TdAttributeViolation[];
  /** Rules of the strict policy this TD breaks that `policy` waives. */
  waived: TdAttributeViolation[];
};

/** Evaluates TDATTRIBUTES (and MRSERVICETD when present) under a policy; never throws on the TD's values. */
export function evaluateTdAttributes(td: Pick<TdReportBody, "tdAttributes" | "mrServiceTd">, policy: TdAttributePolicy = DEFAULT_TD_ATTRIBUTE_POLICY): TdAttributeEvaluation {
  const a = td.tdAttributes;
  const all: TdAttributeViolation[] = [];
  if (a[0] !== 0) all.push({ check: "td.debug", message: "TD is debuggable (TDATTRIBUTES.TUD is not zero)" });
  if (a[1] !== 0 || a[2] !== 0 || (a[3]! & 0x0f) !== 0 || (a[3]! & 0x20) !== 0 || a[4] !== 0 || a[5] !== 0 || a[6] !== 0 || (a[7]! & 0x7f) !== 0) {
    all.push({ check: "td.attributes", message: "reserved TDATTRIBUTES bits are set" });
  }
  const septVeDisable = (a[3]! & 0x10) !== 0;
  if (!septVeDisable) all.push({ check: "td.septVeDisable", message: "TDATTRIBUTES.SEPT_VE_DISABLE is not set" });
  if (td.mrServiceTd && td.mrServiceTd.some((b) => b !== 0)) all.push({ check: "td.mrServiceTd", message: "MRSERVICETD is not zero (service TD binding is not supported)" });
  const waivable = (v: TdAttributeViolation) => policy === "allow-sept-ve" && v.check === "td.septVeDisable";
  const violations = all.filter((v) => !waivable(v));
  return { policy, attributes: hex(a), debug: a[0] !== 0, septVeDisable, satisfied: violations.length === 0, violations, waived: all.filter(waivable) };
}

/** Throws the first violation of `policy` as a VerificationError (the check names the rule). */
export function checkTdPolicy(td: TdReportBody, policy: TdAttributePolicy = DEFAULT_TD_ATTRIBUTE_POLICY): TdAttributeEvaluation {
  const e = evaluateTdAttributes(td, policy);
  const v = e.violations[0];
  if (v) throw new VerificationError(v.check, v.message);
  return e;
}

export function isDebugEnclave(r: SgxReportBody): boolean {
  return (r.attributes[0]! & 0x02) !== 0;
}
