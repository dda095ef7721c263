/**
 * dstack's attestation (the `dstack-attest` crate's `VersionedAttestation::V0`): a SCALE-encoded
 * envelope around one platform's evidence (TDX quote + event log, GCP TDX + vTPM quote, Nitro
 * Enclave NSM document, SEV-SNP report + certificates + mr_config, NitroTPM document) with the
 * runtime events, the 64-byte report data and the VM config. Byte layout: docs/dstack-attestation.md.
 * Parsing here checks structure only; what is signed is checked in verify*.ts.
 */
import { Bytes, Enum, Struct, Vector, _void, str as strCodec, u32 as u32Codec, u8 as u8Codec, type Codec } from "scale-ts";
import { ParseError } from "../errors.js";
import { SCALE_STRUCTURE, bytes, decodeScale, enumOf, field, str, u32, vector } from "./scale.js";
import { createDecoder, type Decoder } from "scale-ts";

/** One event of the TDX event log as dstack carries it (cc-eventlog `TdxEvent`, SCALE fields only). */
export type DstackTdxEvent = { imr: number; eventType: number; digest: Uint8Array; event: string; payload: Uint8Array };
/** A runtime event (cc-eventlog `RuntimeEvent`): name and payload; its digest is always recomputed. */
export type DstackRuntimeEvent = { event: string; payload: Uint8Array };

export const DSTACK_TPM_PLATFORMS = ["dstack", "gcp", "nitro-enclave", "aws-ec2"] as const;
export type DstackTpmPlatform = (typeof DSTACK_TPM_PLATFORMS)[number];

/** dstack's `tpm_types::TpmQuote`: a TPMS_ATTEST, its TPMT_SIGNATURE, PCR values and the AK certificate. */
export type DstackTpmQuote = {
  message: Uint8Array;
  signature: Uint8Array;
  pcrValues: { index: number; algorithm: string; value: Uint8Array }[];
  akCert: Uint8Array;
  platform: DstackTpmPlatform;
  eventLog: { pcrIndex: number; digest: Uint8Array }[];
};

/** The platform evidence, one variant per `AttestationQuote` (SCALE index in `DSTACK_PLATFORM_KINDS`). */
export type DstackPlatformEvidence =
  | { kind: "tdx"; quote: Uint8Array; eventLog: DstackTdxEvent[] }
  | { kind: "gcp-tdx"; quote: Uint8Array; eventLog: DstackTdxEvent[]; tpmQuote: DstackTpmQuote }
  | { kind: "nitro-enclave"; nsmQuote: Uint8Array }
  | { kind: "sev-snp"; report: Uint8Array; certChain: Uint8Array[]; mrConfig: string }
  | { kind: "aws-nitro-tpm"; attestationDoc: Uint8Array };
export type DstackPlatformKind = DstackPlatformEvidence["kind"];

/** SCALE variant index = position (the crate keeps these stable: DstackTdx 0 … DstackAwsNitroTpm 4). */
export const DSTACK_PLATFORM_KINDS: readonly DstackPlatformKind[] = ["tdx", "gcp-tdx", "nitro-enclave", "sev-snp", "aws-nitro-tpm"];

export type DstackAttestation = {
  /** `VersionedAttestation` variant: 0 is the SCALE form (1 is a msgpack form, not accepted here). */
  version: 0;
  platform: DstackPlatformEvidence;
  runtimeEvents: DstackRuntimeEvent[];
  reportData: Uint8Array;
  /** JSON text: `vm_config` (os_image_hash, for "lite" TDX `tdx_measurement`) and more; unsigned by itself. */
  config: string;
};

// ---- decoding (checked; see scale.ts) ----

const tdxEvent: Decoder<DstackTdxEvent> = createDecoder((b) => ({
  imr: field("imr", u32)(b),
  eventType: field("event_type", u32)(b),
  digest: field("digest", bytes())(b),
  event: field("event", str)(b),
  payload: field("event_payload", bytes())(b),
}));
const runtimeEvent: Decoder<DstackRuntimeEvent> = createDecoder((b) => ({ event: field("event", str)(b), payload: field("payload", bytes())(b) }));
const tdxEventLog = vector(tdxEvent, 11, "TDX events");

const tpmPlatform: Decoder<DstackTpmPlatform> = enumOf(
  DSTACK_TPM_PLATFORMS.map((name) => ({ name, decode: createDecoder(() => name) })),
  "TPM platform",
);
const tpmQuote: Decoder<DstackTpmQuote> = createDecoder((b) => ({
  message: field("message", bytes())(b),
  signature: field("signature", bytes())(b),
  pcrValues: field(
    "pcr_values",
    vector(createDecoder((c) => ({ index: field("index", u32)(c), algorithm: field("algorithm", str)(c), value: field("value", bytes())(c) })), 6, "PCR values"),
  )(b),
  akCert: field("ak_cert", bytes())(b),
  platform: field("platform", tpmPlatform)(b),
  eventLog: field("event_log", vector(createDecoder((c) => ({ pcrIndex: field("pcr_index", u32)(c), digest: field("digest", bytes())(c) })), 5, "TPM events"))(b),
}));

const platform: Decoder<DstackPlatformEvidence> = enumOf<DstackPlatformEvidence>(
  [
    { name: "DstackTdx", decode: createDecoder((b) => ({ kind: "tdx", quote: field("quote", bytes())(b), eventLog: field("event_log", tdxEventLog)(b) })) },
    {
      name: "DstackGcpTdx",
      decode: createDecoder((b) => ({ kind: "gcp-tdx", quote: field("tdx_quote.quote", bytes())(b), eventLog: field("tdx_quote.event_log", tdxEventLog)(b), tpmQuote: field("tpm_quote", tpmQuote)(b) })),
    },
    { name: "DstackNitroEnclave", decode: createDecoder((b) => ({ kind: "nitro-enclave", nsmQuote: field("nsm_quote", bytes())(b) })) },
    {
      name: "DstackAmdSevSnp",
      decode: createDecoder((b) => ({ kind: "sev-snp", report: field("report", bytes())(b), certChain: field("cert_chain", vector(bytes(), 1, "certificates"))(b), mrConfig: field("mr_config", str)(b) })),
    },
    { name: "DstackAwsNitroTpm", decode: createDecoder((b) => ({ kind: "aws-nitro-tpm", attestationDoc: field("attestation_doc", bytes())(b) })) },
  ],
  "AttestationQuote",
);

const attestationV0: Decoder<Omit<DstackAttestation, "version">> = createDecoder((b) => ({
  platform: field("quote", platform)(b),
  runtimeEvents: field("runtime_events", vector(runtimeEvent, 2, "runtime events"))(b),
  reportData: field("report_data", bytes(64))(b),
  config: field("config", str)(b),
}));

const versioned: Decoder<DstackAttestation> = enumOf([{ name: "", decode: createDecoder((b) => ({ version: 0 as const, ...attestationV0(b) })) }], "VersionedAttestation");

/** dstack refuses more (MAX_ATTESTATION_BYTES); so do we, before reading anything. */
export const MAX_DSTACK_ATTESTATION_BYTES = 10 * 1024 * 1024;

export type ParseDstackAttestationErrorType = ParseError;

/**
 * Decodes a SCALE `VersionedAttestation`. Refuses: empty or oversized input, the msgpack V1 form
 * (first byte a msgpack map), an unknown variant, a length past the end, invalid UTF-8, trailing bytes.
 */
export function parseDstackAttestation(input: Uint8Array): DstackAttestation {
  if (input.length === 0) throw new ParseError({ structure: SCALE_STRUCTURE, field: "version", offset: 0, expected: "a VersionedAttestation", got: "no bytes" });
  if (input.length > MAX_DSTACK_ATTESTATION_BYTES) throw new ParseError({ structure: SCALE_STRUCTURE, field: "length", offset: 0, expected: `at most ${MAX_DSTACK_ATTESTATION_BYTES} bytes`, got: String(input.length) });
  const b0 = input[0]!;
  if ((b0 >= 0x80 && b0 <= 0x8f) || b0 === 0xde || b0 === 0xdf) {
    throw new ParseError({ structure: SCALE_STRUCTURE, field: "version", offset: 0, expected: "the SCALE V0 form (0x00)", got: "a msgpack map (the V1 form, not supported)" });
  }
  return decodeScale(input, versioned, SCALE_STRUCTURE, "version");
}

// ---- encoding (scale-ts codecs; used by the simulator and tests to build every variant) ----

const eBytes = Bytes();
const eTdxEvent = Struct({ imr: u32Codec, eventType: u32Codec, digest: eBytes, event: strCodec, payload: eBytes });
const eRuntimeEvent = Struct({ event: strCodec, payload: eBytes });
const eTpmPlatform = Enum({ dstack: _void, gcp: _void, "nitro-enclave": _void, "aws-ec2": _void });
const eTpmQuote = Struct({
  message: eBytes,
  signature: eBytes,
  pcrValues: Vector(Struct({ index: u32Codec, algorithm: strCodec, value: eBytes })),
  akCert: eBytes,
  platform: eTpmPlatform,
  eventLog: Vector(Struct({ pcrIndex: u32Codec, digest: eBytes })),
});
const eTdx = Struct({ quote: eBytes, eventLog: Vector(eTdxEvent) });
const ePlatform = Enum({
  tdx: eTdx,
  "gcp-tdx": Struct({ quote: eBytes, eventLog: Vector(eTdxEvent), tpmQuote: eTpmQuote }),
  "nitro-enclave": Struct({ nsmQuote: eBytes }),
  "sev-snp": Struct({ report: eBytes, certChain: Vector(eBytes), mrConfig: strCodec }),
  "aws-nitro-tpm": Struct({ attestationDoc: eBytes }),
});
const eAttestation = Struct({ version: u8Codec, platform: ePlatform, runtimeEvents: Vector(eRuntimeEvent), reportData: Bytes(64), config: strCodec });

/** Encodes an attestation exactly as dstack's Rust code does (the inverse of `parseDstackAttestation`). */
export function encodeDstackAttestation(a: DstackAttestation): Uint8Array {
  if (a.reportData.length !== 64) throw new ParseError({ structure: SCALE_STRUCTURE, field: "report_data", offset: 0, expected: "64 bytes", got: String(a.reportData.length) });
  const { kind, ...value } = a.platform;
  const tpm = (q: DstackTpmQuote) => ({ ...q, platform: { tag: q.platform, value: undefined } });
  const platformValue = a.platform.kind === "gcp-tdx" ? { ...value, tpmQuote: tpm(a.platform.tpmQuote) } : value;
  return (eAttestation as Codec<unknown>).enc({ version: a.version, platform: { tag: kind, value: platformValue }, runtimeEvents: a.runtimeEvents, reportData: a.reportData, config: a.config });
}
