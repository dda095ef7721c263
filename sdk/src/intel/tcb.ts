/**
 * TCB evaluation as Intel's QVL does it (Intel SGX/TDX DCAP Quote Verification Library, checks
 * 4.1.2.4.11-17): QE identity policy and QE TCB level, platform TCB level from the PCK certificate's
 * CPUSVN/PCESVN and the TD's TEE_TCB_SVN, TDX module identity, and the status convergence rules.
 */
import { equalBytes } from "../bytes.js";
import { VerificationError } from "../errors.js";
import type { SgxReportBody, TdReportBody } from "./quote.js";
import type { EnclaveIdentity, TcbInfo, TcbLevel } from "./tcbInfo.js";
import type { TcbStatus } from "../vocabulary/tcbStatus.js";

export type StatusWithAdvisories = { status: TcbStatus; advisoryIds: string[]; tcbDate?: number };

/** Thrown when the TCB evaluation rejects the platform: no matching level, revoked, mismatch. */
export class TcbEvaluationError extends VerificationError {
  override name = "TcbEvaluationError";
}

function hexOf(b: Uint8Array): string {
  return Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
}

/** QE identity policy (4.1.2.4.15): MRSIGNER, ISVPRODID, masked MISCSELECT and ATTRIBUTES, ISVSVN level. */
export function evaluateQeIdentity(qe: SgxReportBody, identity: EnclaveIdentity): StatusWithAdvisories {
  if (!equalBytes(qe.mrSigner, identity.mrSigner)) {
    throw new VerificationError("qeIdentity.mrSigner", `QE MRSIGNER ${hexOf(qe.mrSigner)} is not the one in the QE identity`);
  }
  if (qe.isvProdId !== identity.isvProdId) {
    throw new VerificationError("qeIdentity.isvProdId", `QE ISVPRODID ${qe.isvProdId}, QE identity requires ${identity.isvProdId}`);
  }
  if (((qe.miscSelect & identity.miscSelectMask) >>> 0) !== ((identity.miscSelect & identity.miscSelectMask) >>> 0)) {
    throw new VerificationError("qeIdentity.miscSelect", "QE MISCSELECT does not match the QE identity under its mask");
  }
  for (let i = 0; i < 16; i++) {
    if ((qe.attributes[i]! & identity.attributesMask[i]!) !== (identity.attributes[i]! & identity.attributesMask[i]!)) {
      throw new VerificationError("qeIdentity.attributes", `QE ATTRIBUTES byte ${i} does not match the QE identity under its mask`);
    }
  }
  const level = identity.tcbLevels.find((l) => qe.isvSvn >= l.isvSvn);
  if (!level) throw new TcbEvaluationError("qeIdentity.isvSvn", `QE ISVSVN ${qe.isvSvn} is below every level of the QE identity`);
  return { status: level.tcbStatus, advisoryIds: level.advisoryIds, tcbDate: level.tcbDate };
}

/** Convergence of a platform status with an OutOfDate / Revoked QE or TDX-module status. */
export function convergeStatus(platform: TcbStatus, other: TcbStatus): TcbStatus {
  if (other === "OutOfDate") {
    if (platform === "UpToDate" || platform === "SWHardeningNeeded") return "OutOfDate";
    if (platform === "ConfigurationNeeded" || platform === "ConfigurationAndSWHardeningNeeded") return "OutOfDateConfigurationNeeded";
  }
  if (other === "Revoked") return "Revoked";
  return platform;
}

function union(...lists: string[][]): string[] {
  const out: string[] = [];
  for (const l of lists) for (const id of l) if (!out.includes(id)) out.push(id);
  return out;
}

export type PlatformTcb = { cpuSvnComponents: number[]; pceSvn: number; fmspc: Uint8Array; pceId: Uint8Array };

export type TcbEvaluation = StatusWithAdvisories & {
  platformStatus: TcbStatus;
  qeStatus: TcbStatus;
  tdxModuleStatus?: TcbStatus | undefined;
};

/**
 * Platform TCB level (4.1.2.4.9-11, 4.1.2.4.17) merged with the QE status. For TDX, the TDX module
 * identity named by TEE_TCB_SVN[1] (major version) gives the module status from TEE_TCB_SVN[0],
 * and the TDX components are compared from index 2 when that version is non-zero.
 */
export function evaluateTcb(
  tcbInfo: TcbInfo,
  platform: PlatformTcb,
  body: SgxReportBody | TdReportBody,
  quoteVersion: number,
  qe: StatusWithAdvisories,
): TcbEvaluation {
  const isTdx = body.kind !== "sgx";
  if (isTdx ? tcbInfo.id !== "TDX" || tcbInfo.version < 3 : tcbInfo.id !== "SGX") {
    throw new VerificationError("tcbInfo.teeType", `TCB info is for ${tcbInfo.id}, the quote is ${isTdx ? "TDX" : "SGX"}`);
  }
  if (!equalBytes(platform.fmspc, tcbInfo.fmspc)) {
    throw new VerificationError("tcbInfo.fmspc", `TCB info is for FMSPC ${hexOf(tcbInfo.fmspc)}, the PCK certificate has ${hexOf(platform.fmspc)}`);
  }
  if (!equalBytes(platform.pceId, tcbInfo.pceId)) {
    throw new VerificationError("tcbInfo.pceId", `TCB info is for PCE ID ${hexOf(tcbInfo.pceId)}, the PCK certificate has ${hexOf(platform.pceId)}`);
  }

  let moduleLevel: StatusWithAdvisories | undefined;
  if (isTdx) {
    const td = body as TdReportBody;
    const version = td.teeTcbSvn[1]!;
    let mrSigner = tcbInfo.tdxModule!.mrSigner;
    let attributes = tcbInfo.tdxModule!.attributes;
    let identity;
    if (quoteVersion > 3 && version > 0) {
      const id = `TDX_${version.toString(16).padStart(2, "0").toUpperCase()}`;
      identity = tcbInfo.tdxModuleIdentities?.find((m) => m.id.toUpperCase() === id);
      if (!identity) throw new TcbEvaluationError("tdxModule.identity", `TCB info has no TDX module identity ${id}`);
      mrSigner = identity.mrSigner;
      attributes = identity.attributes;
    }
    if (!equalBytes(td.mrSignerSeam, mrSigner)) {
      throw new TcbEvaluationError("tdxModule.mrSigner", "MRSIGNERSEAM is not the TDX module signer in the TCB info");
    }
    for (let i = 0; i < 8; i++) {
      if (td.seamAttributes[i] !== 0 || td.seamAttributes[i] !== attributes[i]) {
        throw new TcbEvaluationError("tdxModule.attributes", "SEAMATTRIBUTES are not zero and equal to the TCB info's");
      }
    }
    if (identity) {
      const svn = td.teeTcbSvn[0]!;
      const l = identity.tcbLevels.find((x) => svn >= x.isvSvn);
      if (!l) throw new TcbEvaluationError("tdxModule.isvSvn", `TDX module SVN ${svn} is below every level of ${identity.id}`);
      moduleLevel = { status: l.tcbStatus, advisoryIds: l.advisoryIds, tcbDate: l.tcbDate };
    }
  }

  let sgxLevel: TcbLevel | undefined;
  let tdxLevel: TcbLevel | undefined;
  for (const level of tcbInfo.tcbLevels) {
    if (platform.pceSvn < level.pceSvn) continue;
    if (platform.cpuSvnComponents.some((c, i) => c < level.sgxComponents[i]!)) continue;
    if (!isTdx) {
      sgxLevel = level;
      break;
    }
    sgxLevel ??= level;
    const svn = (body as TdReportBody).teeTcbSvn;
    const from = svn[1]! > 0 ? 2 : 0;
    let ok = true;
    for (let i = from; i < 16; i++) if (svn[i]! < level.tdxComponents![i]!) ok = false;
    if (ok) {
      tdxLevel = level;
      break;
    }
  }
  if (!sgxLevel) throw new TcbEvaluationError("tcb.noMatch", "no TCB level in the TCB info matches the platform (CPUSVN / PCESVN)");
  if (isTdx && !tdxLevel) throw new TcbEvaluationError("tcb.noMatch", "no TCB level in the TCB info matches the TD's TEE_TCB_SVN");
  const level = isTdx ? tdxLevel! : sgxLevel;

  let status = level.tcbStatus;
  if (moduleLevel) status = convergeStatus(status, moduleLevel.status);
  status = convergeStatus(status, qe.status);
  const advisoryIds = union(level.advisoryIds, moduleLevel?.advisoryIds ?? [], qe.advisoryIds);
  if (status === "Revoked") {
    throw new TcbEvaluationError("tcb.revoked", "the platform's TCB level is Revoked", { details: advisoryIds.join(", ") || undefined });
  }
  return {
    status,
    advisoryIds,
    tcbDate: level.tcbDate,
    platformStatus: level.tcbStatus,
    qeStatus: qe.status,
    ...(moduleLevel ? { tdxModuleStatus: moduleLevel.status } : {}),
  };
}
