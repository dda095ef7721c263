/**
 * The registry key of an Intel platform: keccak256(abi.encode(bytes32 salt, uint8 kind, bytes rawId))
 * with kind 1 (intel-ppid) and rawId the 16-byte PPID, as HardwareRegistry computes `platformKey`.
 * Named `intelPlatformKey` so it does not clash with the chain module's general `platformKey`.
 */
import { encodeAbiParameters, keccak256, type Hex } from "viem";
import { hex, type BytesLike } from "../bytes.js";
import { bytesOf } from "./input.js";
import { ParseError } from "../errors.js";

/** `kind` of an Intel PPID in HardwareRegistry. */
export const PLATFORM_KIND_INTEL_PPID = 1;

export function intelPlatformKey(salt: BytesLike, ppid: BytesLike, kind: number = PLATFORM_KIND_INTEL_PPID): Hex {
  const s = bytesOf(salt, "salt");
  if (s.length !== 32) throw new ParseError({ structure: "platformKey", field: "salt", offset: 0, expected: "32 bytes", got: `${s.length}` });
  const id = bytesOf(ppid, "ppid");
  if (id.length !== 16) throw new ParseError({ structure: "platformKey", field: "ppid", offset: 0, expected: "16 bytes", got: `${id.length}` });
  if (!Number.isInteger(kind) || kind < 0 || kind > 255) {
    throw new ParseError({ structure: "platformKey", field: "kind", offset: 0, expected: "a uint8" });
  }
  return keccak256(
    encodeAbiParameters([{ type: "bytes32" }, { type: "uint8" }, { type: "bytes" }], [`0x${hex(s)}`, kind, `0x${hex(id)}`]),
  );
}
