/**
 * One call to a working simulated TDX world: PKI, one platform (PCK certificate), its Quoting
 * Enclave, and collateral (TCB info, QE identity, CRLs) that make that platform's quotes verify
 * with the status you choose, at `verifyAt`. Pin `pki.root.der` in a verifier to use it.
 */
import { deriveBytes, type SimulatorSeed } from "./random.js";
import {
  createSimulatedDcapPki,
  issuePckCertificate,
  type IssuePckCertificateParameters,
  type SimulatedDcapPki,
  type SimulatedPckCertificate,
  type SimulatedRoleNames,
} from "./pki.js";
import { assembleCollateral, buildTdQeIdentity, buildTdxTcbInfo, type QuoteCollateralV3, type TcbStatus, type TdxTcbLevel } from "./collateral.js";
import { createSimulatedQuotingEnclave, DEFAULT_TEE_TCB_SVN, type SimulatedQuotingEnclave, type TdReportFields } from "./quote.js";

export type CreateSimulatedTdxEnvironmentParameters = {
  seed: SimulatorSeed;
  /** When collateral is issued; it stays valid 30 days. Default 2026-11-01T00:00:00Z (fixed, for determinism). */
  issuedAt?: Date | undefined;
  platform?: IssuePckCertificateParameters | undefined;
  pckCaKind?: "platform" | "processor" | undefined;
  /** Default "intel" (role CNs the onchain CollateralStore and the SDK verifier accept). */
  roleNames?: SimulatedRoleNames | undefined;
  teeTcbSvn?: Uint8Array | undefined;
  /** Status of the TCB level the platform matches (default UpToDate) and its advisories. */
  tcbStatus?: TcbStatus | undefined;
  advisoryIds?: string[] | undefined;
  /** Replace the generated TCB levels entirely. */
  tcbLevels?: TdxTcbLevel[] | undefined;
  revokedPckSerials?: string[] | undefined;
  revokedCaSerials?: string[] | undefined;
};

export type SimulatedTdxEnvironment = {
  pki: SimulatedDcapPki;
  pck: SimulatedPckCertificate;
  qe: SimulatedQuotingEnclave;
  collateral: QuoteCollateralV3;
  teeTcbSvn: Uint8Array;
  /** A unix time (seconds) inside every validity window: issuedAt + 1 day. */
  verifyAt: number;
  issueQuote(fields?: TdReportFields): Uint8Array;
};

export const DEFAULT_ISSUED_AT = new Date("2026-11-01T00:00:00Z");
const DAY = 86_400_000;

export function createSimulatedTdxEnvironment(p: CreateSimulatedTdxEnvironmentParameters): SimulatedTdxEnvironment {
  const issuedAt = p.issuedAt ?? DEFAULT_ISSUED_AT;
  const nextUpdate = new Date(issuedAt.getTime() + 30 * DAY);
  const pki = createSimulatedDcapPki({ seed: p.seed, pckCaKind: p.pckCaKind, roleNames: p.roleNames });
  const pck = issuePckCertificate(pki, p.platform);
  const qe = createSimulatedQuotingEnclave({ pki, pck });
  const teeTcbSvn = p.teeTcbSvn ?? DEFAULT_TEE_TCB_SVN;
  const sgx = Array.from(pck.sgx.cpuSvn);
  const tdx = Array.from(teeTcbSvn);
  const tcbDate = new Date(issuedAt.getTime() - 60 * DAY);
  const tcbLevels: TdxTcbLevel[] = p.tcbLevels ?? [
    { sgxComponents: sgx, pceSvn: pck.sgx.pceSvn, tdxComponents: tdx, tcbDate, tcbStatus: p.tcbStatus ?? "UpToDate", advisoryIds: p.advisoryIds },
    {
      sgxComponents: sgx.map(() => 0),
      pceSvn: 0,
      tdxComponents: tdx.map(() => 0),
      tcbDate: new Date("2018-01-04T00:00:00Z"),
      tcbStatus: "OutOfDate",
      advisoryIds: ["INTEL-SA-00000"],
    },
  ];
  const tcbInfo = buildTdxTcbInfo({
    fmspc: pck.sgx.fmspc,
    pceId: pck.sgx.pceId,
    issueDate: issuedAt,
    nextUpdate,
    tcbLevels,
    tdxModuleIdentities: [
      {
        id: `TDX_${teeTcbSvn[1]!.toString(16).padStart(2, "0").toUpperCase()}`,
        tcbLevels: [{ isvSvn: teeTcbSvn[0]!, tcbDate, tcbStatus: "UpToDate" }],
      },
    ],
  });
  const qeIdentity = buildTdQeIdentity({
    issueDate: issuedAt,
    nextUpdate,
    mrSigner: qe.qeReportFields.mrSigner,
    isvProdId: qe.qeReportFields.isvProdId,
    tcbLevels: [{ isvSvn: qe.qeReportFields.isvSvn, tcbDate, tcbStatus: "UpToDate" }],
  });
  const collateral = assembleCollateral(pki, {
    tcbInfo,
    qeIdentity,
    crls: { thisUpdate: issuedAt, nextUpdate, revokedPckSerials: p.revokedPckSerials, revokedCaSerials: p.revokedCaSerials },
  });
  const defaults: TdReportFields = {
    teeTcbSvn,
    mrSeam: deriveBytes(p.seed, "tdx/mrseam", 48),
    mrTd: deriveBytes(p.seed, "tdx/mrtd", 48),
  };
  return {
    pki,
    pck,
    qe,
    collateral,
    teeTcbSvn,
    verifyAt: Math.floor(issuedAt.getTime() / 1000) + 86_400,
    issueQuote: (fields = {}) => qe.issueTdxQuote({ ...defaults, ...fields }),
  };
}
