/**
 * dstack's JSON APIs (verifier, KMS, guest agent) pass the attestation as hex:
 * `{"attestation": "<hex>", ...}`. When such a JSON also has top-level `quote` / `event_log` /
 * `vm_config` (older fields), the attestation is the single source of truth: the others are
 * ignored, and named, so a report can say so.
 */
import { toBytes } from "../bytes.js";
import { ParseError } from "../errors.js";
import { parseDstackAttestation, type DstackAttestation } from "./attestation.js";

export type DstackAttestationJson = {
  attestation: DstackAttestation;
  /** The decoded bytes (for hashing, re-encoding checks). */
  bytes: Uint8Array;
  /** Top-level fields that were present and ignored (e.g. quote, event_log, vm_config). */
  ignoredFields: string[];
};

export function isDstackAttestationJson(json: Record<string, unknown>): boolean {
  return typeof json.attestation === "string";
}

export function parseDstackAttestationJson(json: Record<string, unknown>): DstackAttestationJson {
  if (typeof json.attestation !== "string") throw new ParseError({ structure: "dstack attestation JSON", field: "attestation", offset: 0, expected: "a hex string" });
  const bytes = toBytes(json.attestation, "dstack attestation JSON attestation");
  return { attestation: parseDstackAttestation(bytes), bytes, ignoredFields: Object.keys(json).filter((k) => k !== "attestation").sort() };
}
