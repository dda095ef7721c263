/**
 * DER encoding of the Intel SGX extension (OID 1.2.840.113741.1.13.1) a PCK leaf certificate
 * carries, laid out as Intel's "PCK Certificate and CRL Profile" defines it and as real PCK
 * certificates show (see docs/simulator.md): a SEQUENCE of (OID, value) pairs with PPID (.1),
 * TCB (.2: 16 component SVNs .2.1-.2.16 as INTEGER, PCESVN .2.17 INTEGER, CPUSVN .2.18 OCTET
 * STRING(16)), PCE-ID (.3), FMSPC (.4), SGX Type (.5, ENUMERATED) and, for Platform CA leaves,
 * Platform Instance ID (.6) and Configuration (.7). asn1js does the DER.
 */
import * as asn1js from "asn1js";
// The SGX extension OIDs, one table with the parser (intel/pckExtensions.ts).
import { OID_CONFIGURATION, OID_CPUSVN, OID_FMSPC, OID_PCEID, OID_PCESVN, OID_PLATFORM_INSTANCE_ID, OID_PPID, OID_SGX_EXTENSIONS, OID_SGX_TYPE, OID_TCB } from "../intel/constants.js";
import type { PckExtensions } from "../intel/pckExtensions.js";

export const SGX_EXTENSION_OID = OID_SGX_EXTENSIONS;

export type SgxPlatformConfiguration = { dynamicPlatform: boolean; cachedKeys: boolean; smtEnabled: boolean };

/**
 * What the encoder writes: the fields parsePckExtensions reads back (ppid 16 bytes, cpuSvn 16 bytes
 * whose byte i-1 is TCB component i, pceId 2, fmspc 6, platformInstanceId 16 on Platform CA
 * certificates), less the derived component list, plus the Platform CA configuration.
 */
export type SgxExtensionValues = Omit<PckExtensions, "cpuSvnComponents"> & {
  configuration?: SgxPlatformConfiguration | undefined;
};

const pair = (oid: string, value: asn1js.AsnType) => new asn1js.Sequence({ value: [new asn1js.ObjectIdentifier({ value: oid }), value] });
const octets = (b: Uint8Array) => new asn1js.OctetString({ valueHex: b.slice().buffer });

function checkLength(name: string, b: Uint8Array, n: number): void {
  if (b.length !== n) throw new RangeError(`SGX extension: ${name} must be ${n} bytes, got ${b.length}`);
}

/** The extnValue bytes (the DER SEQUENCE) of the SGX extension. */
export function encodeSgxExtension(v: SgxExtensionValues): Uint8Array {
  checkLength("ppid", v.ppid, 16);
  checkLength("cpuSvn", v.cpuSvn, 16);
  checkLength("pceId", v.pceId, 2);
  checkLength("fmspc", v.fmspc, 6);
  if (!Number.isInteger(v.pceSvn) || v.pceSvn < 0 || v.pceSvn > 0xffff) throw new RangeError("SGX extension: pceSvn must be a u16");
  const tcb: asn1js.AsnType[] = [];
  for (let i = 1; i <= 16; i++) tcb.push(pair(`${OID_TCB}.${i}`, new asn1js.Integer({ value: v.cpuSvn[i - 1]! })));
  tcb.push(pair(OID_PCESVN, new asn1js.Integer({ value: v.pceSvn })));
  tcb.push(pair(OID_CPUSVN, octets(v.cpuSvn)));
  const items: asn1js.AsnType[] = [
    pair(OID_PPID, octets(v.ppid)),
    pair(OID_TCB, new asn1js.Sequence({ value: tcb })),
    pair(OID_PCEID, octets(v.pceId)),
    pair(OID_FMSPC, octets(v.fmspc)),
    pair(OID_SGX_TYPE, new asn1js.Enumerated({ value: v.sgxType })),
  ];
  if (v.platformInstanceId) {
    checkLength("platformInstanceId", v.platformInstanceId, 16);
    items.push(pair(OID_PLATFORM_INSTANCE_ID, octets(v.platformInstanceId)));
  }
  if (v.configuration) {
    const c = v.configuration;
    items.push(
      pair(
        OID_CONFIGURATION,
        new asn1js.Sequence({
          value: [
            pair(`${OID_CONFIGURATION}.1`, new asn1js.Boolean({ value: c.dynamicPlatform })),
            pair(`${OID_CONFIGURATION}.2`, new asn1js.Boolean({ value: c.cachedKeys })),
            pair(`${OID_CONFIGURATION}.3`, new asn1js.Boolean({ value: c.smtEnabled })),
          ],
        }),
      ),
    );
  }
  return new Uint8Array(new asn1js.Sequence({ value: items }).toBER(false));
}
