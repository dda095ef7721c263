/**
 * platformKey = keccak256(abi.encode(salt, kind, rawId)): the registry's key for a piece of
 * hardware (docs/hardware-registry.md). Same name and formula as `HardwareRegistry.platformKey`.
 */
import { encodeAbiParameters, keccak256, type Hex } from "viem";
import { toBytes, hex, type BytesLike } from "../bytes.js";
import { ChainInputError } from "./errors.js";

/** Hardware ID kinds: 1 Intel PPID (16 bytes), 2 AMD SEV-SNP chip ID (64 bytes). */
export const PlatformKind = { IntelPpid: 1, AmdChipId: 2 } as const;
export type PlatformKind = (typeof PlatformKind)[keyof typeof PlatformKind];

const rawIdLength: Record<PlatformKind, number> = { 1: 16, 2: 64 };

/** Parses "intel" / "intel-ppid" / "amd" / "amd-chip-id" / "1" / "2". */
export function parsePlatformKind(value: string | number): PlatformKind {
  const v = String(value).toLowerCase();
  if (v === "1" || v === "intel" || v === "intel-ppid" || v === "ppid") return PlatformKind.IntelPpid;
  if (v === "2" || v === "amd" || v === "amd-chip-id" || v === "chip-id") return PlatformKind.AmdChipId;
  throw new ChainInputError("kind", `expected intel-ppid (1) or amd-chip-id (2), got ${JSON.stringify(value)}`);
}

/** The registry key of a raw hardware ID; throws ChainInputError on a wrong length or kind. */
export function platformKey(kind: PlatformKind | number, rawId: BytesLike, salt: BytesLike): Hex {
  if (kind !== 1 && kind !== 2) throw new ChainInputError("kind", `expected 1 (Intel PPID) or 2 (AMD chip ID), got ${kind}`);
  const raw = toBytes(rawId, "rawId");
  const expected = rawIdLength[kind];
  if (raw.length !== expected) {
    throw new ChainInputError("rawId", `kind ${kind} needs ${expected} bytes, got ${raw.length}`);
  }
  const s = toBytes(salt, "salt");
  if (s.length !== 32) throw new ChainInputError("salt", `expected 32 bytes, got ${s.length}`);
  return keccak256(
    encodeAbiParameters([{ type: "bytes32" }, { type: "uint8" }, { type: "bytes" }], [`0x${hex(s)}`, kind, `0x${hex(raw)}`]),
  );
}
