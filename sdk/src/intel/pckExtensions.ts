/**
 * The SGX extension (OID 1.2.840.113741.1.13.1) of a PCK certificate: PPID, FMSPC, PCE ID, the 16
 * CPUSVN components and PCESVN (Intel SGX PCK Certificate and CRL Profile). DER is decoded with
 * @peculiar/asn1-schema; the schema classes are declared with the library's decorators applied as
 * plain calls because the SDK builds without legacy decorator syntax.
 */
import { AsnArray, AsnConvert, AsnParser, AsnProp, AsnPropTypes, AsnType, AsnTypeTypes } from "@peculiar/asn1-schema";
import { Certificate, type Extension } from "@peculiar/asn1-x509";
import { hex } from "../bytes.js";
import { ParseError } from "../errors.js";
import { Der, type Tlv } from "../pki/der.js";
import {
  OID_CPUSVN,
  OID_FMSPC,
  OID_PCEID,
  OID_PCESVN,
  OID_PLATFORM_INSTANCE_ID,
  OID_PPID,
  OID_SGX_EXTENSIONS,
  OID_SGX_TYPE,
  OID_TCB,
} from "./constants.js";

class SgxValue {
  integer?: number | undefined;
  octets?: ArrayBuffer | undefined;
  enumerated?: number | undefined;
  boolean?: boolean | undefined;
  sequence?: SgxEntries | undefined;
}
class SgxEntry {
  id = "";
  value = new SgxValue();
}
class SgxEntries extends AsnArray<SgxEntry> {}

AsnProp({ type: AsnPropTypes.Integer, optional: true })(SgxValue.prototype, "integer");
AsnProp({ type: AsnPropTypes.OctetString, optional: true })(SgxValue.prototype, "octets");
AsnProp({ type: AsnPropTypes.Enumerated, optional: true })(SgxValue.prototype, "enumerated");
AsnProp({ type: AsnPropTypes.Boolean, optional: true })(SgxValue.prototype, "boolean");
AsnProp({ type: SgxEntries, optional: true })(SgxValue.prototype, "sequence");
AsnType({ type: AsnTypeTypes.Choice })(SgxValue);
AsnProp({ type: AsnPropTypes.ObjectIdentifier })(SgxEntry.prototype, "id");
AsnProp({ type: SgxValue })(SgxEntry.prototype, "value");
AsnType({ type: AsnTypeTypes.Sequence })(SgxEntry);
AsnType({ type: AsnTypeTypes.Sequence, itemType: SgxEntry })(SgxEntries);

export type PckExtensions = {
  ppid: Uint8Array;
  /** The 16 SGX TCB component SVNs (the CPUSVN the PCK certificate was issued for). */
  cpuSvnComponents: number[];
  /** The raw 16-byte CPUSVN. */
  cpuSvn: Uint8Array;
  pceSvn: number;
  pceId: Uint8Array;
  fmspc: Uint8Array;
  /** 0 Standard, 1 Scalable, 2 Scalable with integrity (SGX Type). */
  sgxType: number;
  /** Platform CA certificates only. */
  platformInstanceId?: Uint8Array | undefined;
};

function fail(field: string, expected: string, cause?: unknown): ParseError {
  return new ParseError({ structure: "PCK certificate SGX extension", field, offset: 0, expected, cause });
}

function octets(v: SgxValue, field: string, len: number): Uint8Array {
  if (!v.octets || v.octets.byteLength !== len) throw fail(field, `an OCTET STRING of ${len} bytes`);
  return new Uint8Array(v.octets);
}

function integer(v: SgxValue, field: string, max: number): number {
  if (v.integer === undefined || !Number.isInteger(v.integer) || v.integer < 0 || v.integer > max) {
    throw fail(field, `an INTEGER in 0..${max}`);
  }
  return v.integer;
}

/** Decodes the SGX extension value (the DER inside the extension's OCTET STRING). */
export function parseSgxExtensionValue(der: Uint8Array): PckExtensions {
  let entries: SgxEntries;
  try {
    entries = AsnParser.parse(der, SgxEntries);
  } catch (cause) {
    throw fail("extension value", "SEQUENCE OF { OID, value }", cause);
  }
  const seen = new Map<string, SgxValue>();
  for (const e of entries) {
    if (seen.has(e.id)) throw fail(e.id, "each OID once");
    seen.set(e.id, e.value);
  }
  const need = (oid: string, name: string): SgxValue => {
    const v = seen.get(oid);
    if (!v) throw fail(name, `OID ${oid} present`);
    return v;
  };
  const tcb = need(OID_TCB, "TCB").sequence;
  if (!tcb) throw fail("TCB", "a SEQUENCE");
  const tcbMap = new Map<string, SgxValue>();
  for (const e of tcb) {
    if (tcbMap.has(e.id)) throw fail(e.id, "each TCB OID once");
    tcbMap.set(e.id, e.value);
  }
  const cpuSvnComponents: number[] = [];
  for (let i = 1; i <= 16; i++) {
    const v = tcbMap.get(`${OID_TCB}.${i}`);
    if (!v) throw fail(`SGX TCB component ${i}`, "present");
    cpuSvnComponents.push(integer(v, `SGX TCB component ${i}`, 255));
  }
  const pceSvnValue = tcbMap.get(OID_PCESVN);
  if (!pceSvnValue) throw fail("PCESVN", "present");
  const cpuSvnValue = tcbMap.get(OID_CPUSVN);
  if (!cpuSvnValue) throw fail("CPUSVN", "present");
  const sgxType = need(OID_SGX_TYPE, "SGX Type");
  if (sgxType.enumerated === undefined) throw fail("SGX Type", "an ENUMERATED");
  const pi = seen.get(OID_PLATFORM_INSTANCE_ID);
  return {
    ppid: octets(need(OID_PPID, "PPID"), "PPID", 16),
    cpuSvnComponents,
    cpuSvn: octets(cpuSvnValue, "CPUSVN", 16),
    pceSvn: integer(pceSvnValue, "PCESVN", 0xffff),
    pceId: octets(need(OID_PCEID, "PCE-ID"), "PCE-ID", 2),
    fmspc: octets(need(OID_FMSPC, "FMSPC"), "FMSPC", 6),
    sgxType: sgxType.enumerated,
    ...(pi?.octets ? { platformInstanceId: new Uint8Array(pi.octets) } : {}),
  };
}

/** Reads the SGX extension of a PCK certificate (DER). */
export function parsePckExtensions(certDer: Uint8Array): PckExtensions {
  let cert: Certificate;
  try {
    cert = AsnConvert.parse(certDer, Certificate);
  } catch (cause) {
    throw fail("certificate", "a DER X.509 certificate", cause);
  }
  return pckExtensionsOf(cert);
}

/** Reads the SGX extension of a decoded PCK certificate. */
export function pckExtensionsOf(cert: Certificate): PckExtensions {
  const ext = (cert.tbsCertificate.extensions ?? []).find((e: Extension) => e.extnID === OID_SGX_EXTENSIONS);
  if (!ext) throw fail("extension", `extension ${OID_SGX_EXTENSIONS}`);
  return parseSgxExtensionValue(new Uint8Array(ext.extnValue.buffer));
}

const SGX_OID_BODY = "2a864886f84d010d01"; // 1.2.840.113741.1.13.1 without tag and length
const sgxOid = (k: number) => `060a${SGX_OID_BODY}${k.toString(16).padStart(2, "0")}`;
const tcbOid = (k: number) => `060b${SGX_OID_BODY}02${k.toString(16).padStart(2, "0")}`;

/**
 * The same decoding as parseSgxExtensionValue with the strict DER reader of der.ts, which the
 * verifier uses: @peculiar/asn1-schema takes ~1 ms on this small structure, most of a cold
 * verification. Tests check that both decoders agree.
 */
export function readSgxExtension(der: Uint8Array): PckExtensions {
  const d = new Der(der, "PCK certificate SGX extension");
  const top = d.expect(0, der.length, 0x30, "extension value");
  if (top.end !== der.length) throw d.fail("extension value", top.end, "end of the extension");
  const entries = (t: Tlv, field: string) => {
    const map = new Map<string, Tlv>();
    for (const e of d.children(t, field)) {
      const [id, value, ...rest] = e.tag === 0x30 ? d.children(e, field) : [];
      if (!id || id.tag !== 0x06 || !value || rest.length) throw d.fail(field, e.start, "SEQUENCE { OID, value }");
      const key = hex(d.raw(id));
      if (map.has(key)) throw d.fail(field, e.start, "each OID once");
      map.set(key, value);
    }
    return map;
  };
  const top1 = entries(top, "extension value");
  const get = (m: Map<string, Tlv>, oid: string, name: string, tag: number) => {
    const v = m.get(oid);
    if (!v || v.tag !== tag) throw fail(name, `OID present with tag 0x${tag.toString(16)}`);
    return v;
  };
  const octets = (t: Tlv, name: string, len: number) => {
    const v = d.value(t);
    if (v.length !== len) throw fail(name, `an OCTET STRING of ${len} bytes`);
    return v.slice();
  };
  const small = (t: Tlv, name: string, max: number) => {
    const v = d.value(t);
    if (v.length === 0 || v.length > 3 || (v[0]! & 0x80) !== 0 || (v.length > 1 && v[0] === 0 && (v[1]! & 0x80) === 0)) {
      throw fail(name, "a minimal non-negative INTEGER");
    }
    let n = 0;
    for (const b of v) n = n * 256 + b;
    if (n > max) throw fail(name, `an INTEGER in 0..${max}`);
    return n;
  };
  const tcb = entries(get(top1, sgxOid(2), "TCB", 0x30), "TCB");
  const cpuSvnComponents: number[] = [];
  for (let i = 1; i <= 16; i++) cpuSvnComponents.push(small(get(tcb, tcbOid(i), `SGX TCB component ${i}`, 0x02), `SGX TCB component ${i}`, 255));
  const pi = top1.get(sgxOid(6));
  return {
    ppid: octets(get(top1, sgxOid(1), "PPID", 0x04), "PPID", 16),
    cpuSvnComponents,
    cpuSvn: octets(get(tcb, tcbOid(18), "CPUSVN", 0x04), "CPUSVN", 16),
    pceSvn: small(get(tcb, tcbOid(17), "PCESVN", 0x02), "PCESVN", 0xffff),
    pceId: octets(get(top1, sgxOid(3), "PCE-ID", 0x04), "PCE-ID", 2),
    fmspc: octets(get(top1, sgxOid(4), "FMSPC", 0x04), "FMSPC", 6),
    sgxType: small(get(top1, sgxOid(5), "SGX Type", 0x0a), "SGX Type", 255),
    ...(pi?.tag === 0x04 ? { platformInstanceId: d.value(pi).slice() } : {}),
  };
}
