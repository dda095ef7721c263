/**
 * The simulator's TDX world, re-issued so the onchain CollateralStore accepts it.
 *
 * Why: CollateralStore tells CA roles apart by the certificate's common name ("Intel SGX PCK
 * Platform CA", "Intel SGX TCB Signing"), and the SDK's Intel verifier wants a leaf named "Intel SGX
 * PCK Certificate", while the simulator names them "Simulated SGX ...". Here those three
 * certificates are re-issued with the role CNs, with the same keys, serials and extensions and still
 * the simulator's Organization (so the guard still recognises them as test-only). Root, QE, quotes
 * and collateral otherwise come from the simulator as is.
 */
import {
  createSimulatedDcapPki,
  issuePckCertificate,
  createSimulatedQuotingEnclave,
  buildTdxTcbInfo,
  buildTdQeIdentity,
  assembleCollateral,
  simulatorName,
  deriveBytes,
  DEFAULT_TEE_TCB_SVN,
  type SimulatedCertificate,
  type SimulatedDcapPki,
  type SimulatedTdxEnvironment,
  type IssuePckCertificateParameters,
  type TdReportFields,
  type TdxTcbLevel,
} from "../../sdk/src/simulate/index.js";
import { extensions as ext, issueCertificate, KeyUsageFlags, toPem } from "../../sdk/src/simulate/x509build.js";
import { encodeSgxExtension, SGX_EXTENSION_OID, type SimulatedPckCertificate } from "../../sdk/src/simulate/index.js";

const ROOT_CRL_URL = "https://simulator.invalid/sgx/certification/v4/rootcacrl";
const DAY = 86_400_000;

function reissue(pki: SimulatedDcapPki, c: SimulatedCertificate, cn: string, ca: boolean): SimulatedCertificate {
  const subject = simulatorName(cn);
  const der = issueCertificate({
    serialNumber: c.serialNumber,
    subject,
    issuer: pki.root.subject,
    notBefore: pki.notBefore,
    notAfter: pki.notAfter,
    subjectKey: c.key,
    signer: pki.root.key,
    extensions: [
      ext.authorityKeyIdentifier(pki.root.key),
      ext.crlDistributionPoint(ROOT_CRL_URL),
      ext.subjectKeyIdentifier(c.key),
      ca ? ext.keyUsage(KeyUsageFlags.keyCertSign | KeyUsageFlags.cRLSign) : ext.keyUsage(KeyUsageFlags.digitalSignature | KeyUsageFlags.nonRepudiation),
      ext.basicConstraints(ca, ca ? 0 : undefined),
    ],
  });
  return { der, pem: toPem(der), key: c.key, serialNumber: c.serialNumber, subject };
}

function reissueLeaf(pki: SimulatedDcapPki, pck: SimulatedPckCertificate): SimulatedPckCertificate {
  const subject = simulatorName("Intel SGX PCK Certificate");
  const der = issueCertificate({
    serialNumber: pck.serialNumber,
    subject,
    issuer: pki.pckCa.subject,
    notBefore: pki.notBefore,
    notAfter: pki.notAfter,
    subjectKey: pck.key,
    signer: pki.pckCa.key,
    extensions: [
      ext.authorityKeyIdentifier(pki.pckCa.key),
      ext.crlDistributionPoint(`https://simulator.invalid/sgx/certification/v4/pckcrl?ca=${pki.pckCaKind}&encoding=der`),
      ext.subjectKeyIdentifier(pck.key),
      ext.keyUsage(KeyUsageFlags.digitalSignature | KeyUsageFlags.nonRepudiation),
      ext.basicConstraints(false),
      ext.raw(SGX_EXTENSION_OID, false, encodeSgxExtension(pck.sgx)),
    ],
  });
  return { der, pem: toPem(der), key: pck.key, serialNumber: pck.serialNumber, subject, sgx: pck.sgx };
}

/** createSimulatedTdxEnvironment's world with role CNs the onchain store recognises. */
export function createOnchainTdxEnvironment(p: { seed: string; issuedAt?: Date; platform?: IssuePckCertificateParameters }): SimulatedTdxEnvironment {
  const issuedAt = p.issuedAt ?? new Date("2026-11-01T00:00:00Z");
  const nextUpdate = new Date(issuedAt.getTime() + 30 * DAY);
  const base = createSimulatedDcapPki({ seed: p.seed });
  const pki: SimulatedDcapPki = {
    ...base,
    pckCa: reissue(base, base.pckCa, "Intel SGX PCK Platform CA", true),
    tcbSigning: reissue(base, base.tcbSigning, "Intel SGX TCB Signing", false),
  };
  const pck = reissueLeaf(pki, issuePckCertificate(pki, p.platform));
  const qe = createSimulatedQuotingEnclave({ pki, pck });
  const teeTcbSvn = DEFAULT_TEE_TCB_SVN;
  const tcbDate = new Date(issuedAt.getTime() - 60 * DAY);
  const tcbLevels: TdxTcbLevel[] = [
    { sgxComponents: Array.from(pck.sgx.cpuSvn), pceSvn: pck.sgx.pceSvn, tdxComponents: Array.from(teeTcbSvn), tcbDate, tcbStatus: "UpToDate" },
  ];
  const tcbInfo = buildTdxTcbInfo({
    fmspc: pck.sgx.fmspc,
    pceId: pck.sgx.pceId,
    issueDate: issuedAt,
    nextUpdate,
    tcbLevels,
    tdxModuleIdentities: [
      { id: `TDX_${teeTcbSvn[1]!.toString(16).padStart(2, "0").toUpperCase()}`, tcbLevels: [{ isvSvn: teeTcbSvn[0]!, tcbDate, tcbStatus: "UpToDate" }] },
    ],
  });
  const qeIdentity = buildTdQeIdentity({
    issueDate: issuedAt,
    nextUpdate,
    mrSigner: qe.qeReportFields.mrSigner,
    isvProdId: qe.qeReportFields.isvProdId,
    tcbLevels: [{ isvSvn: qe.qeReportFields.isvSvn, tcbDate, tcbStatus: "UpToDate" }],
  });
  const collateral = assembleCollateral(pki, { tcbInfo, qeIdentity, crls: { thisUpdate: issuedAt, nextUpdate } });
  const defaults: TdReportFields = { teeTcbSvn, mrSeam: deriveBytes(p.seed, "tdx/mrseam", 48) };
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
