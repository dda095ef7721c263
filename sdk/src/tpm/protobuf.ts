/**
 * go-tpm-tools' `attest.Attestation` protobuf (what GCE's tooling writes as .pb), decoded after the
 * schema below: the fields of go-tpm-tools' proto/attest.proto and
 * proto/tpm.proto (google/go-tpm-tools@67670e5c) that carry the TPM evidence. The TEE attestations
 * (fields 8, 9: SEV-SNP / TDX messages of other schemas) are read as opaque bytes only to say they
 * were ignored. Browser-safe and CSP-safe: decoded field by field with protobufjs' wire Reader
 * (protobufjs/minimal), not its reflection decoders, which protobufjs builds at runtime with `new Function` (blocked by a
 * Content-Security-Policy without 'unsafe-eval', as the web page's; docs/web.md). The schema text
 * below stays the reference the decoder follows (and a test decodes with it to check they agree).
 * Field table: docs/tpm.md.
 */
import { Reader } from "protobufjs/minimal.js";
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

/** Wire types (protobuf encoding): varint, length-delimited. */
const VARINT = 0;
const LEN = 2;

/**
 * Reads one message's fields: `onField(field, wireType, reader)` consumes the fields it knows (after
 * checking their wire type) and returns false for the others, which are skipped as the wire type says.
 */
function readMessage(bytes: Uint8Array, onField: (field: number, wire: number, r: Reader) => boolean): void {
  const r = Reader.create(bytes);
  while (r.pos < r.len) {
    const tag = r.uint32();
    const field = tag >>> 3;
    const wire = tag & 7;
    if (field === 0) throw new Error(`invalid field number 0 at offset ${r.pos}`);
    if (!onField(field, wire, r)) r.skipType(wire);
  }
}

function expectWire(field: string, want: number, got: number, r: Reader): void {
  if (want !== got) throw new Error(`${field}: wire type ${got}, expected ${want} at offset ${r.pos}`);
}

/** attest.Attestation (the schema above), as protobufjs' toObject({ longs: String }) would give it. */
function decodeAttestation(bytes: Uint8Array): Decoded {
  const d: Decoded = {};
  readMessage(bytes, (f, w, r) => {
    const bytesField = (name: string) => (expectWire(name, LEN, w, r), r.bytes());
    switch (f) {
      case 1: d.ak_pub = bytesField("ak_pub"); return true;
      case 2: (d.quotes ??= []).push(decodeQuote(bytesField("quotes"))); return true;
      case 3: d.event_log = bytesField("event_log"); return true;
      case 4: d.instance_info = decodeInstanceInfo(bytesField("instance_info")); return true;
      case 5: d.canonical_event_log = bytesField("canonical_event_log"); return true;
      case 6: d.ak_cert = bytesField("ak_cert"); return true;
      case 7: (d.intermediate_certs ??= []).push(bytesField("intermediate_certs")); return true;
      case 8: d.sev_snp_attestation = bytesField("sev_snp_attestation"); return true;
      case 9: d.tdx_attestation = bytesField("tdx_attestation"); return true;
      default: return false;
    }
  });
  return d;
}

function decodeQuote(bytes: Uint8Array): NonNullable<Decoded["quotes"]>[number] {
  const q: NonNullable<Decoded["quotes"]>[number] = {};
  readMessage(bytes, (f, w, r) => {
    if (f === 1) return expectWire("quote", LEN, w, r), (q.quote = r.bytes()), true;
    if (f === 2) return expectWire("raw_sig", LEN, w, r), (q.raw_sig = r.bytes()), true;
    if (f !== 3) return false;
    expectWire("pcrs", LEN, w, r);
    const pcrs: { hash?: number; pcrs?: Record<string, Uint8Array> } = (q.pcrs ??= {});
    readMessage(r.bytes(), (pf, pw, pr) => {
      if (pf === 1) return expectWire("pcrs.hash", VARINT, pw, pr), (pcrs.hash = pr.uint32()), true;
      if (pf !== 2) return false;
      // map<uint32, bytes>: each entry a message {1: key, 2: value}; a missing key or value is the default (0, empty).
      expectWire("pcrs.pcrs", LEN, pw, pr);
      let key = 0;
      let value: Uint8Array = new Uint8Array(0);
      readMessage(pr.bytes(), (ef, ew, er) => {
        if (ef === 1) return expectWire("pcrs.pcrs.key", VARINT, ew, er), (key = er.uint32()), true;
        if (ef === 2) return expectWire("pcrs.pcrs.value", LEN, ew, er), (value = er.bytes()), true;
        return false;
      });
      (pcrs.pcrs ??= {})[String(key)] = value;
      return true;
    });
    return true;
  });
  return q;
}

function decodeInstanceInfo(bytes: Uint8Array): NonNullable<Decoded["instance_info"]> {
  const info: NonNullable<Decoded["instance_info"]> = {};
  readMessage(bytes, (f, w, r) => {
    if (f === 1) return expectWire("zone", LEN, w, r), (info.zone = r.string()), true;
    if (f === 2) return expectWire("project_id", LEN, w, r), (info.project_id = r.string()), true;
    if (f === 4) return expectWire("instance_name", LEN, w, r), (info.instance_name = r.string()), true;
    if (f === 5) return expectWire("instance_id", VARINT, w, r), (info.instance_id = String(r.uint64())), true;
    return false;
  });
  return info;
}

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
    d = decodeAttestation(bytes);
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
