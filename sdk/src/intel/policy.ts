/**
 * Relying-party policy on top of Intel's TCB evaluation: debug enclaves and TDs are refused, and a
 * TD must have the attribute bits a production TD has (Intel TDX Module ABI, TDATTRIBUTES).
 */
import { VerificationError } from "../errors.js";
import type { SgxReportBody, TdReportBody } from "./quote.js";

/** TD attribute rules: not debug (TUD = 0), reserved bits clear, SEPT_VE_DISABLE set; no service TD. */
export function checkTdPolicy(td: TdReportBody): void {
  const a = td.tdAttributes;
  if (a[0] !== 0) throw new VerificationError("td.debug", "TD is debuggable (TDATTRIBUTES.TUD is not zero)");
  if (a[1] !== 0 || a[2] !== 0 || (a[3]! & 0x0f) !== 0 || (a[3]! & 0x20) !== 0 || a[4] !== 0 || a[5] !== 0 || a[6] !== 0 || (a[7]! & 0x7f) !== 0) {
    throw new VerificationError("td.attributes", "reserved TDATTRIBUTES bits are set");
  }
  if ((a[3]! & 0x10) === 0) throw new VerificationError("td.septVeDisable", "TDATTRIBUTES.SEPT_VE_DISABLE is not set");
  if (td.mrServiceTd && td.mrServiceTd.some((b) => b !== 0)) {
    throw new VerificationError("td.mrServiceTd", "MRSERVICETD is not zero (service TD binding is not supported)");
  }
}

export function isDebugEnclave(r: SgxReportBody): boolean {
  return (r.attributes[0]! & 0x02) !== 0;
}

