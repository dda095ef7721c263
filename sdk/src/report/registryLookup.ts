/**
 * The report's RegistryLookup over viem: the hardware ID's platformKey (with the salt read from the
 * registry contract once), then the entry and its effective level through the chain SDK. Browser-safe.
 */
import type { Account, Address, Chain, Client, Hex, Transport } from "viem";
import { entryStatusNames, readFacility, readHardwareEntry, readRegistrySalt } from "../chain/hardwareRegistry.js";
import { PlatformKind, platformKey } from "../vocabulary/platformKey.js";
import type { RegistryLookup, RegistryVerdict } from "./inject.js";
import type { HardwareId } from "./model.js";

export type CreateRegistryLookupParameters = {
  /** The HardwareRegistry contract. */
  registry: Address;
  /** The registry's salt; read from the contract (`salt()`) when not given. */
  salt?: Hex | undefined;
};

const kindOf = (id: HardwareId) => (id.kind === "intel-ppid" ? PlatformKind.IntelPpid : PlatformKind.AmdChipId);

/**
 * A lookup that answers "unknown" for a hardware ID without an entry, the stored status
 * (active / frozen / revoked) otherwise, with the effective level (0 when the verification lapsed)
 * and the facility's provider and site. RPC errors propagate (the caller decides: the CLI exits 2).
 */
export function createRegistryLookup(client: Client<Transport, Chain | undefined, Account | undefined>, parameters: CreateRegistryLookupParameters): RegistryLookup {
  const registry = parameters.registry;
  let salt: Promise<Hex> | undefined = parameters.salt ? Promise.resolve(parameters.salt) : undefined;
  return async (id): Promise<RegistryVerdict> => {
    salt ??= readRegistrySalt(client, { registry });
    const key = platformKey(kindOf(id), `0x${id.value.replace(/^0x/, "")}`, await salt);
    const entry = await readHardwareEntry(client, { registry, platformKey: key });
    if (!entry.exists) return { status: "unknown", platformKey: key, detail: `no entry for platformKey ${key}` };
    const f = await readFacility(client, { registry, facilityId: entry.facilityId });
    return {
      status: entryStatusNames[entry.status] ?? "unknown",
      platformKey: key,
      level: entry.effectiveLevel,
      facility: [f.provider, f.site, f.country].filter((x) => x).join(", ") || entry.facilityId,
      verifiedAt: Number(entry.verifiedAt),
      detail: entry.openChallenges ? `${entry.openChallenges} open challenge(s)` : undefined,
    };
  };
}
