/**
 * TCB info (SGX v2/v3, TDX v3) and enclave identity (QE / TD_QE v2) JSON bodies, as Intel's PCS
 * signs them. Field names follow the PCS API; every value is checked for type and range.
 */

import { JsonReader, jsonFail } from "./json.js";
// The status names are the shared vocabulary (IQuoteVerifier.TcbStatus order): one list for the SDK.
import { TCB_STATUSES, type TcbStatus } from "../vocabulary/tcbStatus.js";


function status(r: JsonReader, key: string): TcbStatus {
  const s = r.string(key);
  if (!(TCB_STATUSES as readonly string[]).includes(s)) {
    throw jsonFail(r.structure, `${r.path}.${key}`, `one of ${TCB_STATUSES.join(", ")}`, s);
  }
  return s as TcbStatus;
}

export type TcbLevel = {
  sgxComponents: number[];
  /** TDX TCB info only. */
  tdxComponents?: number[] | undefined;
  pceSvn: number;
  tcbDate: number;
  tcbStatus: TcbStatus;
  advisoryIds: string[];
};

export type TdxModuleIdentity = {
  id: string;
  mrSigner: Uint8Array;
  attributes: Uint8Array;
  attributesMask: Uint8Array;
  tcbLevels: { isvSvn: number; tcbDate: number; tcbStatus: TcbStatus; advisoryIds: string[] }[];
};

export type TcbInfo = {
  id: "SGX" | "TDX";
  version: number;
  issueDate: number;
  nextUpdate: number;
  fmspc: Uint8Array;
  pceId: Uint8Array;
  tcbType: number;
  tcbEvaluationDataNumber: number;
  tdxModule?: { mrSigner: Uint8Array; attributes: Uint8Array; attributesMask: Uint8Array } | undefined;
  tdxModuleIdentities?: TdxModuleIdentity[] | undefined;
  tcbLevels: TcbLevel[];
};

function components(r: JsonReader, key: string): number[] {
  const arr = r.array(key);
  if (arr.length !== 16) throw jsonFail(r.structure, `${r.path}.${key}`, "16 components", String(arr.length));
  return arr.map((c, i) => JsonReader.of(c, r.structure, `${r.path}.${key}[${i}]`).int("svn", 255));
}

export function parseTcbInfo(value: unknown): TcbInfo {
  const S = "TCB info";
  const r = JsonReader.of(value, S);
  const version = r.int("version");
  const id = version >= 3 ? r.string("id") : "SGX";
  if (id !== "SGX" && id !== "TDX") throw jsonFail(S, "$.id", '"SGX" or "TDX"', id);
  if (version !== 2 && version !== 3) throw jsonFail(S, "$.version", "2 or 3", String(version));
  const info: TcbInfo = {
    id,
    version,
    issueDate: r.date("issueDate"),
    nextUpdate: r.date("nextUpdate"),
    fmspc: r.hexBytes("fmspc", 6),
    pceId: r.hexBytes("pceId", 2),
    tcbType: r.int("tcbType"),
    tcbEvaluationDataNumber: r.int("tcbEvaluationDataNumber"),
    tcbLevels: [],
  };
  if (info.tcbType !== 0) throw jsonFail(S, "$.tcbType", "0");
  if (id === "TDX") {
    const m = r.object("tdxModule");
    info.tdxModule = { mrSigner: m.hexBytes("mrsigner", 48), attributes: m.hexBytes("attributes", 8), attributesMask: m.hexBytes("attributesMask", 8) };
    if (r.has("tdxModuleIdentities")) {
      info.tdxModuleIdentities = r.array("tdxModuleIdentities").map((v, i) => {
        const m = JsonReader.of(v, S, `$.tdxModuleIdentities[${i}]`);
        return {
          id: m.string("id"),
          mrSigner: m.hexBytes("mrsigner", 48),
          attributes: m.hexBytes("attributes", 8),
          attributesMask: m.hexBytes("attributesMask", 8),
          tcbLevels: m.array("tcbLevels").map((l, j) => {
            const lr = JsonReader.of(l, S, `${m.path}.tcbLevels[${j}]`);
            return { isvSvn: lr.object("tcb").int("isvsvn", 255), tcbDate: lr.date("tcbDate"), tcbStatus: status(lr, "tcbStatus"), advisoryIds: lr.strings("advisoryIDs") };
          }),
        };
      });
    }
  }
  info.tcbLevels = r.array("tcbLevels").map((l, i) => {
    const lr = JsonReader.of(l, S, `$.tcbLevels[${i}]`);
    const tcb = lr.object("tcb");
    let sgxComponents: number[];
    if (version === 2) {
      sgxComponents = [];
      for (let k = 1; k <= 16; k++) sgxComponents.push(tcb.int(`sgxtcbcomp${String(k).padStart(2, "0")}svn`, 255));
    } else {
      sgxComponents = components(tcb, "sgxtcbcomponents");
    }
    const level: TcbLevel = {
      sgxComponents,
      pceSvn: tcb.int("pcesvn", 0xffff),
      tcbDate: lr.date("tcbDate"),
      tcbStatus: status(lr, "tcbStatus"),
      advisoryIds: lr.strings("advisoryIDs"),
    };
    if (id === "TDX") level.tdxComponents = components(tcb, "tdxtcbcomponents");
    return level;
  });
  if (info.tcbLevels.length === 0) throw jsonFail(S, "$.tcbLevels", "at least one level");
  return info;
}

export type EnclaveIdentity = {
  id: "QE" | "TD_QE" | "QVE";
  version: number;
  issueDate: number;
  nextUpdate: number;
  tcbEvaluationDataNumber: number;
  miscSelect: number;
  miscSelectMask: number;
  attributes: Uint8Array;
  attributesMask: Uint8Array;
  mrSigner: Uint8Array;
  isvProdId: number;
  tcbLevels: { isvSvn: number; tcbDate: number; tcbStatus: TcbStatus; advisoryIds: string[] }[];
};

/** MISCSELECT hex is in report byte order (little-endian u32), like ATTRIBUTES. */
function u32le(b: Uint8Array): number {
  return (b[0]! | (b[1]! << 8) | (b[2]! << 16) | (b[3]! << 24)) >>> 0;
}

export function parseEnclaveIdentity(value: unknown): EnclaveIdentity {
  const S = "QE identity";
  const r = JsonReader.of(value, S);
  const id = r.string("id");
  if (id !== "QE" && id !== "TD_QE" && id !== "QVE") throw jsonFail(S, "$.id", '"QE", "TD_QE" or "QVE"', id);
  const version = r.int("version");
  if (version !== 2) throw jsonFail(S, "$.version", "2", String(version));
  const ident: EnclaveIdentity = {
    id,
    version,
    issueDate: r.date("issueDate"),
    nextUpdate: r.date("nextUpdate"),
    tcbEvaluationDataNumber: r.int("tcbEvaluationDataNumber"),
    miscSelect: u32le(r.hexBytes("miscselect", 4)),
    miscSelectMask: u32le(r.hexBytes("miscselectMask", 4)),
    attributes: r.hexBytes("attributes", 16),
    attributesMask: r.hexBytes("attributesMask", 16),
    mrSigner: r.hexBytes("mrsigner", 32),
    isvProdId: r.int("isvprodid", 0xffff),
    tcbLevels: r.array("tcbLevels").map((l, j) => {
      const lr = JsonReader.of(l, S, `$.tcbLevels[${j}]`);
      return { isvSvn: lr.object("tcb").int("isvsvn", 0xffff), tcbDate: lr.date("tcbDate"), tcbStatus: status(lr, "tcbStatus"), advisoryIds: lr.strings("advisoryIDs") };
    }),
  };
  if (ident.tcbLevels.length === 0) throw jsonFail(S, "$.tcbLevels", "at least one level");
  return ident;
}

