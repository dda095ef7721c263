/**
 * viem actions for the HardwareRegistry (contracts/registry/HardwareRegistry.sol): entry, facility,
 * challenge and log reads; heartbeats, challenges and checkpoints; calldata for its governed
 * functions (to put in Alliance proposals); and the log's leaves rebuilt from `LeafAppended` events.
 */
import { encodeFunctionData, getAddress, pad, toHex, type Account, type Address, type Hash, type Hex } from "viem";
import { readContract } from "viem/actions";
import { readAllEvents } from "../events/reader.js";
import { hardwareRegistryAbi } from "./abi/HardwareRegistry.js";
import { decodeLogLeaf, type EntrySetPayload, type LogLeaf } from "../log/leaf.js";
import { checkLeafAppended, LEAF_APPENDED_TOPIC, readLogEntries, readOptions, type LogEntry, type LogReadOptions } from "../log/onchain.js";
import type { Call } from "./proposal.js";
import { ChainInputError } from "./errors.js";
import { contractWriter, type AnyClient } from "./write.js";

/** Stored entry status: 0 active, 1 frozen, 2 revoked (a lapsed freeze reads as active). */
export const EntryStatus = { Active: 0, Frozen: 1, Revoked: 2 } as const;
export const entryStatusNames = ["active", "frozen", "revoked"] as const;

export type FacilityInput = {
  facilityId: Hex;
  provider: string;
  country: string;
  site: string;
  evidenceHash: Hex;
  evidenceUri: string;
};

export type EntryInput = {
  platformKey: Hex;
  facilityId: Hex;
  kind: number;
  level: number;
  cadence: number;
  verifiedAt: bigint;
  evidenceHash: Hex;
  method: string;
  evidenceUri: string;
  endorsers: readonly Address[];
};

// ---------------------------------------------------------------- reads

export type ReadHardwareEntryParameters = { registry: Address; platformKey: Hex };
export type ReadHardwareEntryReturnType = {
  exists: boolean;
  facilityId: Hex;
  kind: number;
  level: number;
  effectiveLevel: number;
  status: number;
  cadence: number;
  verifiedAt: bigint;
  lastHeartbeat: bigint;
  frozenUntil: bigint;
  openChallenges: number;
  /** Log index of the entry's latest EntrySet leaf (method, evidence hash and URI, endorsers). */
  entryLeaf: bigint;
};
/** An entry's state at the latest block (effective level and status already applied). */
export async function readHardwareEntry(client: AnyClient, args: ReadHardwareEntryParameters): Promise<ReadHardwareEntryReturnType> {
  const e = await readContract(client, { address: args.registry, abi: hardwareRegistryAbi, functionName: "getEntry", args: [args.platformKey] });
  return { ...e };
}

export type ReadEntryRecordParameters = LogReadOptions & {
  registry: Address;
  platformKey: Hex;
  /** First block to scan for the entry's LeafAppended event: the address book's deploymentBlock (default 0). */
  fromBlock?: bigint | undefined;
};
export type ReadEntryRecordReturnType = ReadHardwareEntryReturnType & {
  /** The EntrySet payload the entry's latest leaf carries, or null when the entry does not exist. */
  record: (EntrySetPayload & { leafIndex: bigint; leafHash: Hex; timestamp: bigint }) | null;
};
/**
 * The entry's state plus what storage leaves to the log (method, evidence hash and URI, endorsers),
 * read from the one `LeafAppended` event the entry points to.
 */
export async function readEntryRecord(client: AnyClient, args: ReadEntryRecordParameters): Promise<ReadEntryRecordReturnType> {
  const entry = await readHardwareEntry(client, args);
  if (!entry.exists) return { ...entry, record: null };
  // Through the SDK's event reader (paged, retried), filtered on the indexed leaf index.
  const logs = await readAllEvents(client, {
    address: args.registry,
    topics: [LEAF_APPENDED_TOPIC, pad(toHex(entry.entryLeaf))],
    fromBlock: args.fromBlock ?? 0n,
    ...readOptions(args),
  });
  const log = logs[0];
  if (!log) throw new ChainInputError("entryLeaf", `no LeafAppended event for leaf ${entry.entryLeaf}`);
  let ev: LogEntry;
  try {
    ev = checkLeafAppended(log, Number(entry.entryLeaf));
  } catch (cause) {
    throw new ChainInputError("entryLeaf", `the LeafAppended event for leaf ${entry.entryLeaf} does not check`, { cause });
  }
  const leaf = decodeLogLeaf(ev.leaf);
  const at = { leafIndex: BigInt(ev.index), leafHash: ev.leafHash, timestamp: leaf.timestamp };
  if (leaf.subject.toLowerCase() === args.platformKey.toLowerCase()) {
    if (leaf.leafType === 2) return { ...entry, record: { ...leaf.payload, ...at } };
    // An entry a verification method wrote (docs/hardware-registry.md#verification-methods): no vote, no endorsers.
    if (leaf.leafType === 9 && leaf.payload.action === 1) {
      const p = leaf.payload;
      const record = { facilityId: p.facilityId, kind: p.hardwareKind, level: p.methodLevel, method: `method:${p.method}`, evidenceHash: p.evidenceHash, evidenceUri: "", cadence: p.cadence, endorsers: [], verifiedAt: p.at };
      return { ...entry, record: { ...record, ...at } };
    }
  }
  throw new ChainInputError("entryLeaf", `leaf ${entry.entryLeaf} is not this entry's EntrySet or method enrolment leaf`);
}

export type ReadLevelParameters = { registry: Address; platformKey: Hex };
export async function readLevel(client: AnyClient, args: ReadLevelParameters): Promise<number> {
  return readContract(client, { address: args.registry, abi: hardwareRegistryAbi, functionName: "levelOf", args: [args.platformKey] });
}

/** What an entry's effective level is computed from (all zero without an entry), as the registry pushes it to listeners. */
export type HardwareStatus = { level: number; status: number; frozenUntil: number; lastHeartbeat: number; cadence: number };
export type ReadHardwareStatusParameters = { registry: Address; platformKey: Hex };
export async function readHardwareStatus(client: AnyClient, args: ReadHardwareStatusParameters): Promise<HardwareStatus> {
  return readContract(client, { address: args.registry, abi: hardwareRegistryAbi, functionName: "hardwareStatus", args: [args.platformKey] });
}

/** The contracts every entry-status change is pushed to (e.g. CvmRegistry mirrors), in the order added. */
export async function readHardwareListeners(client: AnyClient, args: { registry: Address }): Promise<readonly Address[]> {
  return readContract(client, { address: args.registry, abi: hardwareRegistryAbi, functionName: "listeners" });
}

export type ReadIsVerifiedParameters = { registry: Address; platformKey: Hex; minLevel: number; maxAge: bigint };
export async function readIsVerified(client: AnyClient, args: ReadIsVerifiedParameters): Promise<boolean> {
  return readContract(client, {
    address: args.registry,
    abi: hardwareRegistryAbi,
    functionName: "isVerified",
    args: [args.platformKey, args.minLevel, args.maxAge],
  });
}

export type ReadFacilityParameters = { registry: Address; facilityId: Hex };
export async function readFacility(client: AnyClient, args: ReadFacilityParameters) {
  return readContract(client, { address: args.registry, abi: hardwareRegistryAbi, functionName: "getFacility", args: [args.facilityId] });
}

export type ReadChallengeParameters = { registry: Address; challengeId: bigint };
/**
 * A challenge with its age in seconds (still counting while open: watch the 72-hour triage window).
 * `outcome` 2 (upheld) and `closedAt` of an entry's open challenges come from its revocation: a
 * revocation does not touch them one by one. `bond` is what the challenger paid, `bondSettled` whether
 * it went back to the challenger (upheld, `claimChallengeBond`) or to the Alliance (dismissed).
 */
export async function readChallenge(client: AnyClient, args: ReadChallengeParameters) {
  const [c, age] = await Promise.all([
    readContract(client, { address: args.registry, abi: hardwareRegistryAbi, functionName: "getChallenge", args: [args.challengeId] }),
    readContract(client, { address: args.registry, abi: hardwareRegistryAbi, functionName: "challengeAge", args: [args.challengeId] }),
  ]);
  return { ...c, challengeId: args.challengeId, age };
}

/** The bond (wei) `challenge` must carry now; changed by a security-critical vote. */
export async function readChallengeBond(client: AnyClient, args: { registry: Address }): Promise<bigint> {
  return readContract(client, { address: args.registry, abi: hardwareRegistryAbi, functionName: "challengeBond" });
}

export type ReadListenerFailedAtParameters = { registry: Address; listener: Address; platformKey: Hex };
/**
 * When a push of `platformKey` to `listener` last failed (0: never); platformKey 0 stands for the
 * listener's removal hook. A failed listener was told to forget that hardware (`onHardwareFeedLost`).
 */
export async function readListenerFailedAt(client: AnyClient, args: ReadListenerFailedAtParameters): Promise<bigint> {
  return readContract(client, { address: args.registry, abi: hardwareRegistryAbi, functionName: "listenerFailedAt", args: [args.listener, args.platformKey] });
}

export type ReadRegistrySaltParameters = { registry: Address };
export async function readRegistrySalt(client: AnyClient, args: ReadRegistrySaltParameters): Promise<Hex> {
  return readContract(client, { address: args.registry, abi: hardwareRegistryAbi, functionName: "salt" });
}

export type ReadLogStateParameters = { registry: Address };
export type ReadLogStateReturnType = {
  origin: string;
  size: bigint;
  rootHash: Hex;
  latestCheckpoint: { size: bigint; rootHash: Hex; recordedAt: bigint };
};
/** The log's size, root and origin, and the latest recorded checkpoint. */
export async function readLogState(client: AnyClient, args: ReadLogStateParameters): Promise<ReadLogStateReturnType> {
  const address = args.registry;
  const [origin, size, rootHash, cp] = await Promise.all([
    readContract(client, { address, abi: hardwareRegistryAbi, functionName: "logOrigin" }),
    readContract(client, { address, abi: hardwareRegistryAbi, functionName: "logSize" }),
    readContract(client, { address, abi: hardwareRegistryAbi, functionName: "logRoot" }),
    readContract(client, { address, abi: hardwareRegistryAbi, functionName: "latestCheckpoint" }),
  ]);
  return { origin, size, rootHash, latestCheckpoint: { ...cp } };
}

export type LogLeafRecord = {
  index: bigint;
  leafHash: Hex;
  leaf: Hex;
  decoded: LogLeaf;
  blockNumber: bigint;
  transactionHash: Hash;
};
export type GetLogLeavesParameters = { registry: Address; fromBlock?: bigint };
/**
 * Every leaf from `LeafAppended` events, in index order, decoded (docs/transparency-log.md). Read
 * through the log SDK's `readLogEntries`, so pages, index continuity and each leaf hash are checked.
 */
export async function getLogLeaves(client: AnyClient, args: GetLogLeavesParameters): Promise<LogLeafRecord[]> {
  const { entries } = await readLogEntries(client, { registry: args.registry, fromBlock: args.fromBlock });
  return entries.map((e) => ({
    index: BigInt(e.index),
    leafHash: e.leafHash,
    leaf: e.leaf,
    decoded: decodeLogLeaf(e.leaf),
    blockNumber: e.blockNumber,
    transactionHash: e.transactionHash,
  }));
}

// ---------------------------------------------------------------- writes (members, anyone)

const writeHardwareRegistry = contractWriter(hardwareRegistryAbi);

export type WriteHeartbeatParameters = { registry: Address; platformKeys: readonly Hex[]; account?: Account };
/** Posts level-3 heartbeats for many entries in one transaction; the account must be a member. */
export async function writeHeartbeat(client: AnyClient, args: WriteHeartbeatParameters): Promise<Hash> {
  return writeHardwareRegistry(client, args.registry, args.account, "heartbeat", [args.platformKeys]);
}

export type WriteChallengeParameters = {
  registry: Address;
  platformKey: Hex;
  evidenceHash: Hex;
  evidenceUri: string;
  /** The bond to send (wei); read from `challengeBond()` when omitted. */
  bond?: bigint | undefined;
  account?: Account | undefined;
};
/**
 * Opens a challenge against an entry; anyone may, sending exactly the registry's `challengeBond`. The
 * bond comes back (`writeClaimChallengeBond`) if the entry is revoked while the challenge is open, and
 * goes to the Alliance if the challenge is dismissed.
 */
export async function writeChallenge(client: AnyClient, args: WriteChallengeParameters): Promise<Hash> {
  const value = args.bond ?? (await readChallengeBond(client, { registry: args.registry }));
  return writeHardwareRegistry(client, args.registry, args.account, "challenge", [args.platformKey, args.evidenceHash, args.evidenceUri], { value });
}

export type WriteClaimChallengeBondParameters = { registry: Address; challengeId: bigint; account?: Account };
/** Pays an upheld challenge's bond back to its challenger, once; anyone may send it. */
export async function writeClaimChallengeBond(client: AnyClient, args: WriteClaimChallengeBondParameters): Promise<Hash> {
  return writeHardwareRegistry(client, args.registry, args.account, "claimChallengeBond", [args.challengeId]);
}

export type WriteRecordCheckpointParameters = {
  registry: Address;
  size: bigint;
  rootHash: Hex;
  /** RFC 9162 consistency proof from (size, rootHash) to the current tree; empty when size is current. */
  consistencyProof: readonly Hex[];
  cosignatures: readonly { signer: Address; signature: Hex }[];
  account?: Account | undefined;
};
/** Records a checkpoint cosigned by at least the Alliance's ordinary threshold. */
export async function writeRecordCheckpoint(client: AnyClient, args: WriteRecordCheckpointParameters): Promise<Hash> {
  return writeHardwareRegistry(client, args.registry, args.account, "recordCheckpoint", [args.size, args.rootHash, args.consistencyProof, args.cosignatures]);
}

// ---------------------------------------------------------------- governed calls (proposal contents)

function call(registry: Address, data: Hex): Call {
  return { target: getAddress(registry), value: 0n, data };
}

/** Calls to put in Alliance proposals; each comment gives the minimum class. */
export const registryCalls = {
  /** Ordinary. */
  setFacilities: (registry: Address, facilities: readonly FacilityInput[]): Call =>
    call(registry, encodeFunctionData({ abi: hardwareRegistryAbi, functionName: "setFacilities", args: [facilities] })),
  /** Ordinary. One call adds or updates a whole batch. */
  setEntries: (registry: Address, entries: readonly EntryInput[]): Call =>
    call(registry, encodeFunctionData({ abi: hardwareRegistryAbi, functionName: "setEntries", args: [entries] })),
  /** Emergency freeze. */
  freeze: (registry: Address, platformKeys: readonly Hex[], reasonHash: Hex): Call =>
    call(registry, encodeFunctionData({ abi: hardwareRegistryAbi, functionName: "freeze", args: [platformKeys, reasonHash] })),
  /** Ordinary. Freezes with no lapse (or keeps a freeze, lapsed or not) until `unfreeze` or `revoke`. */
  confirmFreeze: (registry: Address, platformKeys: readonly Hex[], reasonHash: Hex): Call =>
    call(registry, encodeFunctionData({ abi: hardwareRegistryAbi, functionName: "confirmFreeze", args: [platformKeys, reasonHash] })),
  /** Ordinary. Lifts a freeze, live or lapsed. */
  unfreeze: (registry: Address, platformKeys: readonly Hex[], reasonHash: Hex): Call =>
    call(registry, encodeFunctionData({ abi: hardwareRegistryAbi, functionName: "unfreeze", args: [platformKeys, reasonHash] })),
  /** Security-critical. */
  revoke: (registry: Address, platformKeys: readonly Hex[], reasonHash: Hex): Call =>
    call(registry, encodeFunctionData({ abi: hardwareRegistryAbi, functionName: "revoke", args: [platformKeys, reasonHash] })),
  /** Ordinary. */
  dismissChallenge: (registry: Address, challengeId: bigint): Call =>
    call(registry, encodeFunctionData({ abi: hardwareRegistryAbi, functionName: "dismissChallenge", args: [challengeId] })),
  /** Security-critical. */
  setFreezeWindow: (registry: Address, seconds: bigint): Call =>
    call(registry, encodeFunctionData({ abi: hardwareRegistryAbi, functionName: "setFreezeWindow", args: [seconds] })),
  /** Security-critical. Pushes every later entry-status change to `listener` (e.g. a CvmRegistry's hardware mirror). */
  addListener: (registry: Address, listener: Address): Call =>
    call(registry, encodeFunctionData({ abi: hardwareRegistryAbi, functionName: "addListener", args: [listener] })),
  /** Security-critical. Stops pushes to `listener` and tells it so (`onHardwareListenerRemoved`). */
  removeListener: (registry: Address, listener: Address): Call =>
    call(registry, encodeFunctionData({ abi: hardwareRegistryAbi, functionName: "removeListener", args: [listener] })),
  /** Security-critical. The bond (wei) later challenges must carry; open ones keep theirs. */
  setChallengeBond: (registry: Address, bond: bigint): Call =>
    call(registry, encodeFunctionData({ abi: hardwareRegistryAbi, functionName: "setChallengeBond", args: [bond] })),
};
