/** Builders of the HardwareRegistry's facility and entry inputs (the demo, the CVM world and the e2e tests' registrations). */
import { keccak256, stringToBytes } from "viem";
import type { EntryInput, FacilityInput } from "../sdk/src/chain/hardwareRegistry.js";

/** A facility whose id is the hash of `facility:<name>` and whose evidence hash is the hash of `evidence`. */
export function facility(f: { name: string; provider: string; country: string; site: string; evidence: string; evidenceUri: string }): FacilityInput {
  return {
    facilityId: keccak256(stringToBytes(`facility:${f.name}`)),
    provider: f.provider,
    country: f.country,
    site: f.site,
    evidenceHash: keccak256(stringToBytes(f.evidence)),
    evidenceUri: f.evidenceUri,
  };
}

/** A hardware entry: an Intel platform (kind 1) at level 1, no heartbeat cadence, no endorsers, unless given. */
export function hardwareEntry(
  e: Pick<EntryInput, "platformKey" | "facilityId" | "verifiedAt" | "evidenceHash" | "method" | "evidenceUri"> & Partial<Pick<EntryInput, "kind" | "level" | "cadence" | "endorsers">>,
): EntryInput {
  return {
    platformKey: e.platformKey,
    facilityId: e.facilityId,
    kind: e.kind ?? 1,
    level: e.level ?? 1,
    cadence: e.cadence ?? 0,
    verifiedAt: e.verifiedAt,
    evidenceHash: e.evidenceHash,
    method: e.method,
    evidenceUri: e.evidenceUri,
    endorsers: e.endorsers ?? [],
  };
}
