/**
 * The simulated Intel DCAP PKI: a root CA that is clearly not Intel's, a PCK Platform (or
 * Processor) CA, PCK leaf certificates with the SGX extension, a TCB signing certificate and the two
 * CRLs, issued deterministically from a seed (DER by @peculiar/asn1-x509, see ./x509build.ts).
 * For tests and local chains only: see assertNotProductionParameters in ./guard.ts.
 */
import type { Name } from "@peculiar/asn1-x509";
import { deriveBytes, deriveSerial, type SimulatorSeed } from "./random.js";
import { deriveP256Key, type SimulatedP256Key } from "./keys.js";
import { encodeSgxExtension, SGX_EXTENSION_OID, type SgxExtensionValues, type SgxPlatformConfiguration } from "./sgxExtension.js";
import { buildName, extensions as ext, issueCertificate, issueCrl, KeyUsageFlags, toPem } from "./x509build.js";

/** Organization every simulator certificate carries; guard.ts refuses roots that carry it off local chains. */
export const SIMULATOR_ORGANIZATION = "Proof of Cloud Simulator - NOT INTEL - TEST ONLY";
export const SIMULATED_SGX_ROOT_CA_CN = "Simulated SGX Root CA";

/**
 * Common names of the certificates below the root. CollateralStore tells CA roles apart by these
 * exact CNs and the SDK's Intel verifier requires the PCK leaf's, so "intel" (the default) uses
 * Intel's role names; the Organization still marks every certificate a simulator's, and the root
 * keeps SIMULATED_SGX_ROOT_CA_CN whatever the choice. "simulated" names them "Simulated SGX ..."
 * (for showing that role checks refuse wrongly named certificates).
 */
export type SimulatedRoleNames = "intel" | "simulated";

export const SIMULATED_ROLE_CNS: Record<SimulatedRoleNames, { platformCa: string; processorCa: string; tcbSigning: string; pckLeaf: string }> = {
  intel: {
    platformCa: "Intel SGX PCK Platform CA",
    processorCa: "Intel SGX PCK Processor CA",
    tcbSigning: "Intel SGX TCB Signing",
    pckLeaf: "Intel SGX PCK Certificate",
  },
  simulated: {
    platformCa: "Simulated SGX PCK Platform CA",
    processorCa: "Simulated SGX PCK Processor CA",
    tcbSigning: "Simulated SGX TCB Signing",
    pckLeaf: "Simulated SGX PCK Certificate",
  },
};

export function simulatorName(cn: string): Name {
  return buildName([
    ["CN", cn],
    ["O", SIMULATOR_ORGANIZATION],
    ["L", "Nowhere"],
    ["C", "ZZ"],
  ]);
}

export type SimulatedCertificate = {
  der: Uint8Array;
  pem: string;
  key: SimulatedP256Key;
  /** Lower-case hex, as in the DER INTEGER without a sign byte. */
  serialNumber: string;
  subject: Name;
};

export type SimulatedDcapPki = {
  seed: SimulatorSeed;
  root: SimulatedCertificate;
  pckCa: SimulatedCertificate;
  pckCaKind: "platform" | "processor";
  tcbSigning: SimulatedCertificate;
  /** Which common names the certificates below the root carry (see SIMULATED_ROLE_CNS). */
  roleNames: SimulatedRoleNames;
  notBefore: Date;
  notAfter: Date;
};

export type CreateSimulatedDcapPkiParameters = {
  seed: SimulatorSeed;
  /** Default "platform" (as the real TDX fixture); "processor" issues leaves without .6/.7. */
  pckCaKind?: "platform" | "processor" | undefined;
  /** Default "intel": the role CNs CollateralStore and the SDK verifier recognise. */
  roleNames?: SimulatedRoleNames | undefined;
  /** Validity of every certificate; defaults are fixed dates so a seed gives the same bytes. */
  notBefore?: Date | undefined;
  notAfter?: Date | undefined;
};

export const DEFAULT_NOT_BEFORE = new Date("2024-01-01T00:00:00Z");
export const DEFAULT_NOT_AFTER = new Date("2049-12-31T23:59:59Z");
const ROOT_CRL_URL = "https://simulator.invalid/sgx/certification/v4/rootcacrl";

function cert(der: Uint8Array, key: SimulatedP256Key, serialNumber: string, subject: Name): SimulatedCertificate {
  return { der, pem: toPem(der), key, serialNumber, subject };
}

export function createSimulatedDcapPki(params: CreateSimulatedDcapPkiParameters): SimulatedDcapPki {
  const { seed } = params;
  const pckCaKind = params.pckCaKind ?? "platform";
  const notBefore = params.notBefore ?? DEFAULT_NOT_BEFORE;
  const notAfter = params.notAfter ?? DEFAULT_NOT_AFTER;
  const roleNames = params.roleNames ?? "intel";
  const cns = SIMULATED_ROLE_CNS[roleNames];

  const rootKey = deriveP256Key(seed, "dcap/root");
  const rootName = simulatorName(SIMULATED_SGX_ROOT_CA_CN);
  const rootSerial = deriveSerial(seed, "dcap/root");
  const root = issueCertificate({
    serialNumber: rootSerial,
    subject: rootName,
    issuer: rootName,
    notBefore,
    notAfter,
    subjectKey: rootKey,
    signer: rootKey,
    extensions: [
      ext.authorityKeyIdentifier(rootKey),
      ext.crlDistributionPoint(ROOT_CRL_URL),
      ext.subjectKeyIdentifier(rootKey),
      ext.keyUsage(KeyUsageFlags.keyCertSign | KeyUsageFlags.cRLSign),
      ext.basicConstraints(true, 1),
    ],
  });

  const caCert = (label: string, cn: string, pathLen: number | undefined, ca: boolean) => {
    const key = deriveP256Key(seed, label);
    const serial = deriveSerial(seed, label);
    const subject = simulatorName(cn);
    const der = issueCertificate({
      serialNumber: serial,
      subject,
      issuer: rootName,
      notBefore,
      notAfter,
      subjectKey: key,
      signer: rootKey,
      extensions: [
        ext.authorityKeyIdentifier(rootKey),
        ext.crlDistributionPoint(ROOT_CRL_URL),
        ext.subjectKeyIdentifier(key),
        ca ? ext.keyUsage(KeyUsageFlags.keyCertSign | KeyUsageFlags.cRLSign) : ext.keyUsage(KeyUsageFlags.digitalSignature | KeyUsageFlags.nonRepudiation),
        ext.basicConstraints(ca, pathLen),
      ],
    });
    return cert(der, key, serial, subject);
  };

  return {
    seed,
    root: cert(root, rootKey, rootSerial, rootName),
    pckCa: caCert("dcap/pck-ca", pckCaKind === "platform" ? cns.platformCa : cns.processorCa, 0, true),
    pckCaKind,
    tcbSigning: caCert("dcap/tcb-signing", cns.tcbSigning, undefined, false),
    roleNames,
    notBefore,
    notAfter,
  };
}

export type IssuePckCertificateParameters = {
  /** Names the platform inside the seed: its PCK key and default PPID derive from it. */
  label?: string | undefined;
  ppid?: Uint8Array | undefined;
  fmspc?: Uint8Array | undefined;
  pceId?: Uint8Array | undefined;
  cpuSvn?: Uint8Array | undefined;
  pceSvn?: number | undefined;
  sgxType?: number | undefined;
  platformInstanceId?: Uint8Array | undefined;
  configuration?: SgxPlatformConfiguration | undefined;
  notBefore?: Date | undefined;
  notAfter?: Date | undefined;
};

export type SimulatedPckCertificate = SimulatedCertificate & { sgx: SgxExtensionValues };

/** Defaults shaped like the real TDX v4 fixture's platform (FMSPC b0c06f000000, PCESVN 11). */
export const DEFAULT_FMSPC = Uint8Array.from([0xb0, 0xc0, 0x6f, 0, 0, 0]);
export const DEFAULT_CPU_SVN = Uint8Array.from([3, 3, 2, 2, 4, 1, 0, 5, 0, 0, 0, 0, 0, 0, 0, 0]);
export const DEFAULT_PCE_SVN = 11;

export function issuePckCertificate(pki: SimulatedDcapPki, params: IssuePckCertificateParameters = {}): SimulatedPckCertificate {
  const label = `dcap/pck/${params.label ?? "platform-0"}`;
  const key = deriveP256Key(pki.seed, label);
  const sgx: SgxExtensionValues = {
    ppid: params.ppid ?? deriveBytes(pki.seed, `${label}/ppid`, 16),
    cpuSvn: params.cpuSvn ?? DEFAULT_CPU_SVN,
    pceSvn: params.pceSvn ?? DEFAULT_PCE_SVN,
    pceId: params.pceId ?? new Uint8Array(2),
    fmspc: params.fmspc ?? DEFAULT_FMSPC,
    sgxType: params.sgxType ?? (pki.pckCaKind === "platform" ? 1 : 0),
  };
  if (pki.pckCaKind === "platform") {
    sgx.platformInstanceId = params.platformInstanceId ?? deriveBytes(pki.seed, `${label}/instance`, 16);
    sgx.configuration = params.configuration ?? { dynamicPlatform: true, cachedKeys: true, smtEnabled: true };
  }
  const serial = deriveSerial(pki.seed, label);
  const subject = simulatorName(SIMULATED_ROLE_CNS[pki.roleNames].pckLeaf);
  const der = issueCertificate({
    serialNumber: serial,
    subject,
    issuer: pki.pckCa.subject,
    notBefore: params.notBefore ?? pki.notBefore,
    notAfter: params.notAfter ?? pki.notAfter,
    subjectKey: key,
    signer: pki.pckCa.key,
    extensions: [
      ext.authorityKeyIdentifier(pki.pckCa.key),
      ext.crlDistributionPoint(`https://simulator.invalid/sgx/certification/v4/pckcrl?ca=${pki.pckCaKind}&encoding=der`),
      ext.subjectKeyIdentifier(key),
      ext.keyUsage(KeyUsageFlags.digitalSignature | KeyUsageFlags.nonRepudiation),
      ext.basicConstraints(false),
      ext.raw(SGX_EXTENSION_OID, false, encodeSgxExtension(sgx)),
    ],
  });
  return { ...cert(der, key, serial, subject), sgx };
}

export type IssueCrlsParameters = {
  thisUpdate: Date;
  nextUpdate: Date;
  /** Serial numbers (hex) of PCK leaf certificates to list in the PCK CRL. */
  revokedPckSerials?: string[] | undefined;
  /** Serial numbers (hex) of CA / signing certificates to list in the root CA CRL. */
  revokedCaSerials?: string[] | undefined;
  crlNumber?: number | undefined;
};

export type SimulatedCrls = { rootCaCrl: Uint8Array; pckCrl: Uint8Array };

/** The root CA CRL (issued by the root) and the PCK CRL (issued by the PCK CA), DER. */
export function issueCrls(pki: SimulatedDcapPki, params: IssueCrlsParameters): SimulatedCrls {
  const make = (issuer: SimulatedCertificate, serials: string[] | undefined) =>
    issueCrl({
      issuer: issuer.subject,
      signer: issuer.key,
      thisUpdate: params.thisUpdate,
      nextUpdate: params.nextUpdate,
      revokedSerials: serials ?? [],
      extensions: [ext.crlNumber(params.crlNumber ?? 1), ext.authorityKeyIdentifier(issuer.key)],
    });
  return { rootCaCrl: make(pki.root, params.revokedCaSerials), pckCrl: make(pki.pckCa, params.revokedPckSerials) };
}
