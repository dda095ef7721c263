/**
 * Signed DCAP collateral from the simulated PKI: TDX TCB info (version 3), TD QE identity
 * (version 2), both signed with ECDSA P-256 by the TCB signing key over their exact JSON body bytes
 * (r || s hex), and the two CRLs, assembled in the QuoteCollateralV3 JSON shape of
 * test/fixtures/intel/<name>/collateral.json. Layouts: docs/simulator.md.
 */
import { hex } from "../bytes.js";
import { issueCrls, type IssueCrlsParameters, type SimulatedDcapPki } from "./pki.js";

export type TcbStatus =
  | "UpToDate"
  | "SWHardeningNeeded"
  | "ConfigurationNeeded"
  | "ConfigurationAndSWHardeningNeeded"
  | "OutOfDate"
  | "OutOfDateConfigurationNeeded"
  | "Revoked";

/** The QuoteCollateralV3 JSON shape (field names and encodings exactly as the fixtures). */
export type QuoteCollateralV3 = {
  pck_crl_issuer_chain: string;
  root_ca_crl: string;
  pck_crl: string;
  tcb_info_issuer_chain: string;
  tcb_info: string;
  tcb_info_signature: string;
  qe_identity_issuer_chain: string;
  qe_identity: string;
  qe_identity_signature: string;
};

export type TdxTcbLevel = {
  sgxComponents: number[];
  pceSvn: number;
  tdxComponents: number[];
  tcbDate: Date;
  tcbStatus: TcbStatus;
  advisoryIds?: string[] | undefined;
};

export type TdxModuleIdentity = {
  id: string;
  mrSigner?: Uint8Array | undefined;
  attributes?: Uint8Array | undefined;
  attributesMask?: Uint8Array | undefined;
  tcbLevels: { isvSvn: number; tcbDate: Date; tcbStatus: TcbStatus }[];
};

export type TdxTcbInfoParameters = {
  fmspc: Uint8Array;
  pceId: Uint8Array;
  issueDate: Date;
  nextUpdate: Date;
  tcbEvaluationDataNumber?: number | undefined;
  tcbLevels: TdxTcbLevel[];
  tdxModuleIdentities?: TdxModuleIdentity[] | undefined;
};

/** Intel's date format in collateral: ISO 8601 to the second, UTC, "Z". */
export function collateralDate(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, "Z");
}

const up = (b: Uint8Array) => hex(b).toUpperCase();

/** The TCB info body as Intel serialises it (key order as in PCS responses). */
export function buildTdxTcbInfo(p: TdxTcbInfoParameters): string {
  const zero48 = new Uint8Array(48);
  const zero8 = new Uint8Array(8);
  const ones8 = new Uint8Array(8).fill(0xff);
  for (const l of p.tcbLevels) {
    if (l.sgxComponents.length !== 16 || l.tdxComponents.length !== 16) throw new RangeError("TCB level: 16 SGX and 16 TDX components");
  }
  const body = {
    id: "TDX",
    version: 3,
    issueDate: collateralDate(p.issueDate),
    nextUpdate: collateralDate(p.nextUpdate),
    fmspc: up(p.fmspc),
    pceId: up(p.pceId),
    tcbType: 0,
    tcbEvaluationDataNumber: p.tcbEvaluationDataNumber ?? 17,
    tdxModule: { mrsigner: up(zero48), attributes: up(zero8), attributesMask: up(ones8) },
    tdxModuleIdentities: (p.tdxModuleIdentities ?? []).map((m) => ({
      id: m.id,
      mrsigner: up(m.mrSigner ?? zero48),
      attributes: up(m.attributes ?? zero8),
      attributesMask: up(m.attributesMask ?? ones8),
      tcbLevels: m.tcbLevels.map((l) => ({ tcb: { isvsvn: l.isvSvn }, tcbDate: collateralDate(l.tcbDate), tcbStatus: l.tcbStatus })),
    })),
    tcbLevels: p.tcbLevels.map((l) => ({
      tcb: {
        sgxtcbcomponents: l.sgxComponents.map((svn) => ({ svn })),
        pcesvn: l.pceSvn,
        tdxtcbcomponents: l.tdxComponents.map((svn) => ({ svn })),
      },
      tcbDate: collateralDate(l.tcbDate),
      tcbStatus: l.tcbStatus,
      ...(l.advisoryIds?.length ? { advisoryIDs: l.advisoryIds } : {}),
    })),
  };
  return JSON.stringify(body);
}

export type TdQeIdentityParameters = {
  issueDate: Date;
  nextUpdate: Date;
  mrSigner: Uint8Array;
  isvProdId: number;
  miscSelect?: Uint8Array | undefined;
  miscSelectMask?: Uint8Array | undefined;
  attributes?: Uint8Array | undefined;
  attributesMask?: Uint8Array | undefined;
  tcbEvaluationDataNumber?: number | undefined;
  tcbLevels: { isvSvn: number; tcbDate: Date; tcbStatus: TcbStatus; advisoryIds?: string[] }[];
};

/** TD QE identity, version 2 (id "TD_QE"). */
export function buildTdQeIdentity(p: TdQeIdentityParameters): string {
  const body = {
    id: "TD_QE",
    version: 2,
    issueDate: collateralDate(p.issueDate),
    nextUpdate: collateralDate(p.nextUpdate),
    tcbEvaluationDataNumber: p.tcbEvaluationDataNumber ?? 17,
    miscselect: up(p.miscSelect ?? new Uint8Array(4)),
    miscselectMask: up(p.miscSelectMask ?? new Uint8Array(4).fill(0xff)),
    attributes: up(p.attributes ?? Uint8Array.from([0x11, ...new Uint8Array(15)])),
    attributesMask: up(p.attributesMask ?? Uint8Array.from([0xfb, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, ...new Uint8Array(8)])),
    mrsigner: up(p.mrSigner),
    isvprodid: p.isvProdId,
    tcbLevels: p.tcbLevels.map((l) => ({
      tcb: { isvsvn: l.isvSvn },
      tcbDate: collateralDate(l.tcbDate),
      tcbStatus: l.tcbStatus,
      ...(l.advisoryIds?.length ? { advisoryIDs: l.advisoryIds } : {}),
    })),
  };
  return JSON.stringify(body);
}

/** ECDSA P-256 / SHA-256 over the exact UTF-8 bytes of `body`, r || s as lower-case hex. */
export function signCollateralBody(pki: SimulatedDcapPki, body: string): string {
  return hex(pki.tcbSigning.key.sign(new TextEncoder().encode(body)));
}

/** Concatenated PEM certificates, leaf first, each ending in a newline (as PCS issuer chain headers decode). */
export function pemChain(...pems: string[]): string {
  return pems.map((p) => p.trim() + "\n").join("");
}

export type AssembleCollateralParameters = {
  tcbInfo: string;
  qeIdentity: string;
  crls: IssueCrlsParameters;
};

export function assembleCollateral(pki: SimulatedDcapPki, p: AssembleCollateralParameters): QuoteCollateralV3 {
  const crls = issueCrls(pki, p.crls);
  const tcbChain = pemChain(pki.tcbSigning.pem, pki.root.pem);
  return {
    pck_crl_issuer_chain: pemChain(pki.pckCa.pem, pki.root.pem),
    root_ca_crl: hex(crls.rootCaCrl),
    pck_crl: hex(crls.pckCrl),
    tcb_info_issuer_chain: tcbChain,
    tcb_info: p.tcbInfo,
    tcb_info_signature: signCollateralBody(pki, p.tcbInfo),
    qe_identity_issuer_chain: tcbChain,
    qe_identity: p.qeIdentity,
    qe_identity_signature: signCollateralBody(pki, p.qeIdentity),
  };
}
