/**
 * What a Google vTPM attestation key certificate says about the VM it was issued to: extension
 * 1.3.6.1.4.1.11129.2.1.21 = SEQUENCE { zone UTF8String, projectNumber INTEGER, projectId UTF8String,
 * instanceId INTEGER, instanceName UTF8String, [0] security properties }. The GCE verification
 * method reads the same fields onchain (contracts/registry/methods/GceInstanceInfo.sol, same name);
 * layout in docs/hardware-registry.md#the-gce-method.
 */
import { keccak_256 } from "@noble/hashes/sha3.js";
import { ParseError } from "../errors.js";
import { Der } from "../pki/der.js";
import { readCertificate } from "../pki/certificate.js";
import { hex } from "../bytes.js";

export const GCE_INSTANCE_INFO_OID = "1.3.6.1.4.1.11129.2.1.21";
const STRUCTURE = "GCE instance info (1.3.6.1.4.1.11129.2.1.21)";
const UTF8_STRING = 0x0c;

export type GceInstanceInfo = {
  zone: string;
  projectNumber: bigint;
  projectId: string;
  instanceId: bigint;
  instanceName: string;
  /** keccak256 of the certificate's serial number content bytes: what the Alliance revokes an AK certificate by. */
  serialHash: `0x${string}`;
};

/** The instance info of a GCE AK certificate (DER); a `ParseError` naming the field otherwise. */
export function parseGceInstanceInfo(akCertificateDer: Uint8Array): GceInstanceInfo {
  const cert = readCertificate(akCertificateDer, "GCE AK certificate");
  const ext = cert.extensions.find((e) => e.oid === GCE_INSTANCE_INFO_OID);
  if (!ext) throw new ParseError({ structure: "GCE AK certificate", field: "extensions", offset: 0, expected: `extension ${GCE_INSTANCE_INFO_OID}` });
  const d = new Der(ext.value, STRUCTURE);
  const seq = d.expect(0, ext.value.length, 0x30, "instanceInfo");
  if (seq.end !== ext.value.length) throw d.fail("instanceInfo", seq.end, "the end of the extension");
  const f = d.children(seq, "instanceInfo");
  const names = ["zone", "projectNumber", "projectId", "instanceId", "instanceName"] as const;
  if (f.length < names.length) throw d.fail(names[f.length]!, seq.end, "another field");
  const text = (i: number) => {
    const t = f[i]!;
    if (t.tag !== UTF8_STRING) throw d.fail(names[i]!, t.start, "UTF8String");
    try {
      return new TextDecoder("utf-8", { fatal: true }).decode(d.value(t));
    } catch {
      throw d.fail(names[i]!, t.valueStart, "valid UTF-8");
    }
  };
  const u64 = (i: number) => {
    const v = d.unsigned(f[i]!, names[i]!);
    if (v.length > 8) throw d.fail(names[i]!, f[i]!.start, "an integer of at most 64 bits");
    return v.reduce((acc, b) => (acc << 8n) | BigInt(b), 0n);
  };
  return {
    zone: text(0),
    projectNumber: u64(1),
    projectId: text(2),
    instanceId: u64(3),
    instanceName: text(4),
    serialHash: `0x${hex(keccak_256(cert.serial))}`,
  };
}
