/**
 * go-tpm-tools' `attest.Attestation` protobuf (what GCE's tooling writes as .pb), decoded with
 * protobufjs from the schema below: the fields of go-tpm-tools' proto/attest.proto and
 * proto/tpm.proto (google/go-tpm-tools@67670e5c) that carry the TPM evidence. The TEE attestations
 * (fields 8, 9: SEV-SNP / TDX messages of other schemas) are read as opaque bytes only to say they
 * were ignored. Browser-safe: protobufjs parses the schema text at load, no Node built-ins.
 * Field table: docs/tpm.md.
 */
import protobuf from "protobufjs";
import { ParseError } from "../errors.js";
import { parseCertificate } from "../pki/x509.js";
import type { TpmAttestation, TpmQuoteInput } from "./quote.js";
import { parseTpmsAttest, parseTpmtPublic, tpmHash } from "./structures.js";

/** The schema, as go-tpm-tools defines it (field numbers and types unchanged). */
export const GO_TPM_TOOLS_ATTEST_PROTO = `
syntax = "proto3";
package attest;
message GCEInstanceInfo {
  string zone = 1;
  string project_id = 2;
  uint64 project_number = 3;
  string instance_name = 4;
  uint64 instance_id = 5;
}
message PCRs {
  uint32 hash = 1;              // tpm.HashAlgo: the TPM_ALG_ID of the bank
  map<uint32, bytes> pcrs = 2;
}
message Quote {
  bytes quote = 1;              // TPMS_ATTEST
  bytes raw_sig = 2;            // TPMT_SIGNATURE
  PCRs pcrs = 3;
}
message Attestation {
  bytes ak_pub = 1;             // TPMT_PUBLIC
  repeated Quote quotes = 2;
  bytes event_log = 3;          // TCG event log
  GCEInstanceInfo instance_info = 4;
  bytes canonical_event_log = 5;
  bytes ak_cert = 6;            // DER
  repeated bytes intermediate_certs = 7;
  bytes sev_snp_attestation = 8; // sevsnp.Attestation (another schema; not read)
  bytes tdx_attestation = 9;     // tdx.QuoteV4 (another schema; not read)
}
`;

const S = "go-tpm-tools Attestation protobuf";
let attestationType: protobuf.Type | undefined;
const schema = () => (attestationType ??= protobuf.parse(GO_TPM_TOOLS_ATTEST_PROTO, { keepCase: true }).root.lookupType("attest.Attestation"));

type Decoded = {
  ak_pub?: Uint8Array | undefined;
  quotes?: { quote?: Uint8Array; raw_sig?: Uint8Array; pcrs?: { hash?: number; pcrs?: Record<string, Uint8Array> } }[] | undefined;
  event_log?: Uint8Array | undefined;
  instance_info?: { zone?: string; project_id?: string; instance_name?: string; instance_id?: string } | undefined;
  canonical_event_log?: Uint8Array | undefined;
  ak_cert?: Uint8Array | undefined;
  intermediate_certs?: Uint8Array[] | undefined;
  sev_snp_attestation?: Uint8Array | undefined;
  tdx_attestation?: Uint8Array | undefined;
};

export type TpmAttestationProtobuf = TpmAttestation & {
  instanceInfo?: { zone?: string | undefined; projectId?: string | undefined; instanceName?: string | undefined; instanceId?: string | undefined } | undefined;
  /** Fields present but not verified here (canonical_event_log, the TEE attestations). */
  ignoredFields: string[];
};

/** protobufjs reports "index out of range: A + B > C" and "... at offset N"; keep the offset when it says one. */
function offsetOf(message: string): number {
  const m = /offset (\d+)/.exec(message) ?? /range: (\d+) \+/.exec(message);
  return m ? Number(m[1]) : 0;
}

/** True when the bytes look like a protobuf Attestation: field 1 (ak_pub) or 2 (quotes) first, length-delimited. */
export function looksLikeTpmAttestationProtobuf(bytes: Uint8Array): boolean {
  return bytes.length > 2 && (bytes[0] === 0x0a || bytes[0] === 0x12);
}

/** Decodes the protobuf into the same shape as `parseTpmAttestationJson`; malformed input is a ParseError. */
export function parseTpmAttestationProtobuf(bytes: Uint8Array): TpmAttestationProtobuf {
  let d: Decoded;
  try {
    d = schema().toObject(schema().decode(bytes), { longs: String, defaults: false }) as Decoded;
  } catch (cause) {
    const message = cause instanceof Error ? cause.message : String(cause);
    throw new ParseError({ structure: S, field: "message", offset: offsetOf(message), expected: "a well-formed attest.Attestation", got: message, cause });
  }
  if (!d.ak_pub?.length) throw new ParseError({ structure: S, field: "ak_pub (1)", offset: 0, expected: "a TPMT_PUBLIC" });
  if (!d.quotes?.length) throw new ParseError({ structure: S, field: "quotes (2)", offset: 0, expected: "at least one quote" });
  const quotes = d.quotes.map((q, i): TpmQuoteInput => {
    if (!q.quote?.length || !q.raw_sig?.length) throw new ParseError({ structure: S, field: `quotes[${i}]`, offset: 0, expected: "quote (TPMS_ATTEST) and raw_sig (TPMT_SIGNATURE)" });
    const bank = q.pcrs?.hash;
    const size = bank === undefined ? undefined : tpmHash(bank)?.size;
    if (!size) throw new ParseError({ structure: S, field: `quotes[${i}].pcrs.hash`, offset: 0, expected: "a TPM hash algorithm (SHA1, SHA256, SHA384, SHA512)", got: String(bank) });
    // The declared bank is not signed; the quote's own PCR selection is. They must agree.
    const selected = parseTpmsAttest(q.quote).pcrSelections.map((p) => p.hashAlg);
    if (!selected.includes(bank!)) throw new ParseError({ structure: S, field: `quotes[${i}].pcrs.hash`, offset: 0, expected: `the bank the quote selects (0x${selected.map((a) => a.toString(16)).join(", 0x")})`, got: `0x${bank!.toString(16)}` });
    const pcrs = new Map<number, Uint8Array>();
    for (const [k, v] of Object.entries(q.pcrs?.pcrs ?? {})) {
      const index = Number(k);
      if (!Number.isInteger(index) || index > 23) throw new ParseError({ structure: S, field: `quotes[${i}].pcrs.pcrs`, offset: 0, expected: "PCR indexes 0..23", got: k });
      pcrs.set(index, v);
    }
    return { attest: q.quote, signature: q.raw_sig, pcrs };
  });
  const ignoredFields = (["canonical_event_log", "sev_snp_attestation", "tdx_attestation"] as const).filter((k) => d[k]?.length);
  const info = d.instance_info;
  return {
    akPublic: parseTpmtPublic(d.ak_pub),
    quotes,
    akCertificate: d.ak_cert?.length ? parseCertificate(d.ak_cert, "AK certificate") : undefined,
    intermediates: (d.intermediate_certs ?? []).map((c, i) => parseCertificate(c, `AK intermediate ${i}`)),
    eventLog: d.event_log?.length ? d.event_log : undefined,
    ...(info ? { instanceInfo: { zone: info.zone, projectId: info.project_id, instanceName: info.instance_name, instanceId: info.instance_id } } : {}),
    ignoredFields: [...ignoredFields],
  };
}
