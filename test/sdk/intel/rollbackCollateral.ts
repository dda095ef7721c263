/**
 * Validly signed collateral of several TCB evaluations for one simulated TDX platform, to test the
 * evaluation-number ratchet (a rollback to an older evaluation must be refused). Real Intel fixtures
 * carry one evaluation number per item, so both evaluations come from the simulator: the same
 * platform, the same signing key, any evaluation number, issue date and platform status.
 */
import {
  assembleCollateral,
  buildTdQeIdentity,
  buildTdxTcbInfo,
  createSimulatedTdxEnvironment,
  type QuoteCollateralV3,
  type SimulatedTdxEnvironment,
  type TcbStatus,
} from "../../../sdk/src/simulate/index.js";

const DAY = 86_400_000;
export const BASE = new Date("2026-11-01T00:00:00Z");

export type EvaluationParameters = {
  evaluation: number;
  /** Days after BASE the items are issued (both TCB info and QE identity). */
  issuedDay: number;
  /** Status of the platform's TCB level in this evaluation (default UpToDate). */
  platformStatus?: TcbStatus;
};

export type RollbackWorld = {
  env: SimulatedTdxEnvironment;
  quote: Uint8Array;
  /** Collateral of one evaluation, valid 30 days from its issue date. */
  collateral(p: EvaluationParameters): QuoteCollateralV3;
};

export function createRollbackWorld(seed = "collateral rollback"): RollbackWorld {
  const env = createSimulatedTdxEnvironment({ seed, issuedAt: BASE });
  const { pck, qe, teeTcbSvn } = env;
  const sgx = Array.from(pck.sgx.cpuSvn);
  const tdx = Array.from(teeTcbSvn);
  return {
    env,
    quote: env.issueQuote(),
    collateral({ evaluation, issuedDay, platformStatus = "UpToDate" }) {
      const issueDate = new Date(BASE.getTime() + issuedDay * DAY);
      const nextUpdate = new Date(issueDate.getTime() + 30 * DAY);
      const tcbDate = new Date(BASE.getTime() - 60 * DAY);
      const tcbInfo = buildTdxTcbInfo({
        fmspc: pck.sgx.fmspc,
        pceId: pck.sgx.pceId,
        issueDate,
        nextUpdate,
        tcbEvaluationDataNumber: evaluation,
        tcbLevels: [
          { sgxComponents: sgx, pceSvn: pck.sgx.pceSvn, tdxComponents: tdx, tcbDate, tcbStatus: platformStatus },
          { sgxComponents: sgx.map(() => 0), pceSvn: 0, tdxComponents: tdx.map(() => 0), tcbDate: new Date("2018-01-04T00:00:00Z"), tcbStatus: "OutOfDate" },
        ],
        tdxModuleIdentities: [
          {
            id: `TDX_${teeTcbSvn[1]!.toString(16).padStart(2, "0").toUpperCase()}`,
            tcbLevels: [{ isvSvn: teeTcbSvn[0]!, tcbDate, tcbStatus: "UpToDate" }],
          },
        ],
      });
      const qeIdentity = buildTdQeIdentity({
        issueDate,
        nextUpdate,
        tcbEvaluationDataNumber: evaluation,
        mrSigner: qe.qeReportFields.mrSigner,
        isvProdId: qe.qeReportFields.isvProdId,
        tcbLevels: [{ isvSvn: qe.qeReportFields.isvSvn, tcbDate, tcbStatus: "UpToDate" }],
      });
      return assembleCollateral(env.pki, { tcbInfo, qeIdentity, crls: { thisUpdate: BASE, nextUpdate: new Date(BASE.getTime() + 90 * DAY) } });
    },
  };
}

/** Unix seconds of day `d` after BASE. */
export const dayAt = (d: number) => Math.floor(BASE.getTime() / 1000) + d * 86_400;
