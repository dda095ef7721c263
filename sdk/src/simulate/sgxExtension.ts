/**
 * DER encoding of the Intel SGX extension (OID 1.2.840.113741.1.13.1) a PCK leaf certificate
 * carries, laid out as Intel's "PCK Certificate and CRL Profile" defines it and as real PCK
 * certificates show (see docs/simulator.md): a SEQUENCE of (OID, value) pairs with PPID (.1),
 * TCB (.2: 16 component SVNs .2.1-.2.16 as INTEGER, PCESVN .2.17 INTEGER, CPUSVN .2.18 OCTET
 * STRING(16)), PCE-ID (.3), FMSPC (.4), SGX Type (.5, ENUMERATED) and, for Platform CA leaves,
 * Platform Instance ID (.6) and Configuration (.7). asn1js does the DER.
 */
import * as asn1js from "asn1js";

export const SGX_EXTENSION_OID = "1.2.840.113741.1.13.1";

export type SgxPlatformConfiguration = { dynamicPlatform: boolean; cachedKeys: boolean; smtEnabled: boolean };

export type SgxExtensionValues = {
  /** 16 bytes. */
  ppid: Uint8Array;
  /** 16 bytes; component i (1..16) of the TCB is cpuSvn[i-1]. */
  cpuSvn: Uint8Array;
  pceSvn: number;
  /** 2 bytes. */
  pceId: Uint8Array;
  /** 6 bytes. */
  fmspc: Uint8Array;
  /** 0 = Standard, 1 = Scalable, 2 = Scalable with integrity. */
  sgxType: number;
  /** 16 bytes; present on certificates issued by the Platform CA. */
  platformInstanceId?: Uint8Array;
  configuration?: SgxPlatformConfiguration;
};

const oid = (suffix: string) => new asn1js.ObjectIdentifier({ value: `${SGX_EXTENSION_OID}${suffix}` });
const pair = (suffix: string, value: asn1js.AsnType) => new asn1js.Sequence({ value: [oid(suffix), value] });
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
  for (let i = 1; i <= 16; i++) tcb.push(pair(`.2.${i}`, new asn1js.Integer({ value: v.cpuSvn[i - 1]! })));
  tcb.push(pair(".2.17", new asn1js.Integer({ value: v.pceSvn })));
  tcb.push(pair(".2.18", octets(v.cpuSvn)));
  const items: asn1js.AsnType[] = [
    pair(".1", octets(v.ppid)),
    pair(".2", new asn1js.Sequence({ value: tcb })),
    pair(".3", octets(v.pceId)),
    pair(".4", octets(v.fmspc)),
    pair(".5", new asn1js.Enumerated({ value: v.sgxType })),
  ];
  if (v.platformInstanceId) {
    checkLength("platformInstanceId", v.platformInstanceId, 16);
    items.push(pair(".6", octets(v.platformInstanceId)));
  }
  if (v.configuration) {
    const c = v.configuration;
    items.push(
      pair(
        ".7",
        new asn1js.Sequence({
          value: [
            pair(".7.1", new asn1js.Boolean({ value: c.dynamicPlatform })),
            pair(".7.2", new asn1js.Boolean({ value: c.cachedKeys })),
            pair(".7.3", new asn1js.Boolean({ value: c.smtEnabled })),
          ],
        }),
      ),
    );
  }
  return new Uint8Array(new asn1js.Sequence({ value: items }).toBER(false));
}
