/**
 * GET /hardware_id/:id: the registry status of a hardware ID, answered in the proofofcloud/verifiers
 * shape (`{success: true}` / `{success: false, error: "not_found", message}`) plus the entry's
 * status, level and platformKey. The ID is an Intel PPID (16 bytes hex), an AMD chip ID (64 bytes
 * hex) or a platformKey (0x + 32 bytes hex).
 */
import type { Address, Hex } from "viem";
import { entryStatusNames, readHardwareEntry, readRegistrySalt } from "../sdk/src/chain/hardwareRegistry.js";
import type { AnyClient } from "../sdk/src/chain/write.js";
import { PlatformKind, platformKey } from "../sdk/src/vocabulary/platformKey.js";
import { BadRequestError } from "./errors.js";

export type HardwareAnswer = { status: number; body: Record<string, unknown> };

/** Which key an ID string is; BadRequestError when it is none of the three. */
export function parseHardwareId(id: string): { kind: "ppid" | "chip-id" | "platform-key"; hex: Hex } {
  const h = id.toLowerCase().replace(/^0x/, "");
  if (!/^[0-9a-f]*$/.test(h)) throw new BadRequestError("invalid_hardware_id", `hardware ID '${id.slice(0, 80)}' is not hex`, { field: "id", offset: h.search(/[^0-9a-f]/), expected: "hex" });
  if (h.length === 32) return { kind: "ppid", hex: `0x${h}` };
  if (h.length === 128) return { kind: "chip-id", hex: `0x${h}` };
  if (h.length === 64) return { kind: "platform-key", hex: `0x${h}` };
  throw new BadRequestError("invalid_hardware_id", `hardware ID has ${h.length / 2} bytes`, {
    field: "id",
    expected: "an Intel PPID (16 bytes), an AMD chip ID (64 bytes) or a platformKey (32 bytes), hex",
  });
}

export function createHardwareLookup(client: AnyClient, registry: Address) {
  let salt: Promise<Hex> | undefined;
  return async (id: string): Promise<HardwareAnswer> => {
    const parsed = parseHardwareId(id);
    let key = parsed.hex;
    if (parsed.kind !== "platform-key") {
      salt ??= readRegistrySalt(client, { registry }).catch((e) => {
        salt = undefined;
        throw e;
      });
      key = platformKey(parsed.kind === "ppid" ? PlatformKind.IntelPpid : PlatformKind.AmdChipId, parsed.hex, await salt);
    }
    const e = await readHardwareEntry(client, { registry, platformKey: key });
    const status = e.exists ? (entryStatusNames[e.status] ?? "unknown") : "unknown";
    const facts = { status, platform_key: key, level: e.exists ? e.level : null, effective_level: e.exists ? e.effectiveLevel : null };
    if (status === "active" && e.effectiveLevel > 0) return { status: 200, body: { success: true, ...facts } };
    const why = !e.exists ? "is not in the registry" : status !== "active" ? `is ${status}` : "has lapsed (effective level 0)";
    return { status: 404, body: { success: false, error: "not_found", message: `Hardware ID '${id}' is not verified: it ${why}`, ...facts } };
  };
}
