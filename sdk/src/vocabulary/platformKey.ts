/**
 * platformKey = keccak256(abi.encode(bytes32 salt, uint8 kind, bytes rawId)): the registry's key for
 * a piece of hardware (docs/hardware-registry.md). Same name, formula and argument meaning as
 * `HardwareRegistry.platformKey`. The one implementation in the SDK: the Intel verifier, the chain
 * actions, the report's registry lookup, scripts and tests all call this, with one argument order
 * (kind, rawId, salt) and one error type (PlatformKeyError).
 */
import { encodeAbiParameters, keccak256, type Hex } from "viem";
import { toBytes, hex, type BytesLike } from "../bytes.js";
import { ParseError } from "../errors.js";

/** Hardware ID kinds (`IHardwareRegistry` kind byte): 1 Intel PPID (16 bytes), 2 AMD SEV-SNP chip ID (64 bytes). */
export const PlatformKind = { IntelPpid: 1, AmdChipId: 2 } as const;
export type PlatformKind = (typeof PlatformKind)[keyof typeof PlatformKind];

/** `kind` of an Intel PPID in HardwareRegistry (= PlatformKind.IntelPpid). */
export const PLATFORM_KIND_INTEL_PPID = PlatformKind.IntelPpid;

/** The hardware ID kinds as the verification report names them (`HardwareId.kind`), by PlatformKind. */
export const HARDWARE_ID_KINDS = { 1: "intel-ppid", 2: "amd-chip-id" } as const satisfies Record<PlatformKind, string>;
export type HardwareIdKind = (typeof HARDWARE_ID_KINDS)[PlatformKind];

const rawIdLength: Record<PlatformKind, number> = { 1: 16, 2: 64 };

/**
 * Bad input to `platformKey` / `parsePlatformKind`: `field` is "kind", "rawId" or "salt". A
 * ParseError (structure "platformKey"), so callers narrowing on ParseError or reading `.field` keep working.
 */
export class PlatformKeyError extends ParseError {
  override name = "PlatformKeyError";
  constructor(field: "kind" | "rawId" | "salt", expected: string, got?: string) {
    super({ structure: "platformKey", field, offset: 0, expected, got });
  }
}

/** Parses "intel" / "intel-ppid" / "amd" / "amd-chip-id" / "1" / "2"; throws PlatformKeyError. */
export function parsePlatformKind(value: string | number): PlatformKind {
  const v = String(value).toLowerCase();
  if (v === "1" || v === "intel" || v === "intel-ppid" || v === "ppid") return PlatformKind.IntelPpid;
  if (v === "2" || v === "amd" || v === "amd-chip-id" || v === "chip-id") return PlatformKind.AmdChipId;
  throw new PlatformKeyError("kind", "intel-ppid (1) or amd-chip-id (2)", JSON.stringify(value));
}

/** The registry key of a raw hardware ID; throws PlatformKeyError on a wrong kind or length. */
export function platformKey(kind: PlatformKind | number, rawId: BytesLike, salt: BytesLike): Hex {
  if (kind !== 1 && kind !== 2) throw new PlatformKeyError("kind", "1 (Intel PPID) or 2 (AMD chip ID)", String(kind));
  const raw = toBytes(rawId, "rawId");
  const expected = rawIdLength[kind];
  if (raw.length !== expected) throw new PlatformKeyError("rawId", `${expected} bytes for kind ${kind}`, `${raw.length}`);
  const s = toBytes(salt, "salt");
  if (s.length !== 32) throw new PlatformKeyError("salt", "32 bytes", `${s.length}`);
  return keccak256(
    encodeAbiParameters([{ type: "bytes32" }, { type: "uint8" }, { type: "bytes" }], [`0x${hex(s)}`, kind, `0x${hex(raw)}`]),
  );
}

/**
 * The registry key of an Intel platform (kind 1, rawId the 16-byte PPID). Kept for callers of the
 * old intel/ export; it is `platformKey(PlatformKind.IntelPpid, ppid, salt)` (note the argument order).
 */
export function intelPlatformKey(salt: BytesLike, ppid: BytesLike, kind: PlatformKind | number = PlatformKind.IntelPpid): Hex {
  return platformKey(kind, ppid, salt);
}
