/** Registry set-up shared by the registry, log and SDK tests: a facility and entry builders. */
import { keccak256, stringToBytes, toHex, type Address, type Hex } from "viem";
import { registryCalls, type EntryInput } from "../../sdk/src/chain/hardwareRegistry.js";
import { platformKey } from "../../sdk/src/vocabulary/platformKey.js";
import { deployStack, now, pass, ProposalClass, SALT, type Connection, type Wallet } from "./fixture.js";

import { FACILITY } from "../../testkit/cvmWorld.js";

export { FACILITY };

/** A deterministic 16-byte PPID for entry i (the real fixture's PPID is used where it matters). */
export function ppid(i: number): Hex {
  return toHex(BigInt(i) + 0x1000n, { size: 16 });
}

export function entry(key: Hex, verifiedAt: bigint, over: Partial<EntryInput> = {}): EntryInput {
  return {
    platformKey: key,
    facilityId: FACILITY.facilityId,
    kind: 1,
    level: 2,
    cadence: 0,
    verifiedAt,
    evidenceHash: keccak256(stringToBytes(`evidence ${key}`)),
    method: "dcap-quote+site-visit",
    evidenceUri: `ipfs://evidence/${key.slice(2, 10)}`,
    endorsers: [],
    ...over,
  };
}

export function keyOf(i: number): Hex {
  return platformKey(1, ppid(i), SALT);
}

/** Alliance of n + registry + one facility, ready for entries. */
export async function registryStack(c: Connection, n = 5) {
  const s = await deployStack(c, n);
  const a = s.alliance.address;
  const r = s.registry.address;
  await pass(c, a, [registryCalls.setFacilities(r, [FACILITY])], ProposalClass.Ordinary, s.members.slice(0, Math.floor(n / 2) + 1), "facility");
  const quorum = (cls: ProposalClass): Wallet[] => s.members.slice(0, cls === 1 ? Math.floor(n / 2) + 1 : cls === 2 ? Math.ceil((2 * n) / 3) : n === 1 ? 1 : Math.max(2, Math.ceil(n / 3)));
  let seq = 0;
  const govern = (calls: Parameters<typeof pass>[2], cls: ProposalClass) => pass(c, a, calls, cls, quorum(cls), `p${seq++}`);
  const addEntries = async (entries: EntryInput[]) => govern([registryCalls.setEntries(r, entries)], ProposalClass.Ordinary);
  return { ...s, a, r, quorum, govern, addEntries, now: () => now(c) };
}

export type { Address };
