/**
 * The log leaf, version 1 (docs/transparency-log.md "Leaf encoding"):
 * `abi.encode(uint8 version, uint8 leafType, uint64 timestamp, bytes32 subject, bytes payload)`,
 * payload = `abi.encode(...)` of the record for `leafType`. Decoding is strict: a leaf hash commits
 * to exact bytes, so only the canonical encoding decodes, and every error names the field.
 */
import { encodeAbiParameters, type Address, type Hex } from "viem";
import { type BytesLike } from "../bytes.js";
import { bytesOf } from "./hash.js";
import { ParseError } from "../errors.js";
import { decodeStrict, type LeafAbiParameter } from "./abiCheck.js";

export const LOG_LEAF_VERSION = 1;

/** Leaf types, named as in the Solidity contract and docs. */
export const LeafType = {
  FacilitySet: 1,
  EntrySet: 2,
  StatusChanged: 3,
  Heartbeat: 4,
  ChallengeOpened: 5,
  ChallengeClosed: 6,
  ListenerAdded: 7,
  ListenerRemoved: 8,
  MethodAction: 9,
} as const;
export type LeafTypeName = keyof typeof LeafType;
export type LeafTypeId = (typeof LeafType)[LeafTypeName];

export const leafTypeName: Record<LeafTypeId, LeafTypeName> = {
  1: "FacilitySet",
  2: "EntrySet",
  3: "StatusChanged",
  4: "Heartbeat",
  5: "ChallengeOpened",
  6: "ChallengeClosed",
  7: "ListenerAdded",
  8: "ListenerRemoved",
  9: "MethodAction",
};

export const logLeafParameters = [
  { name: "version", type: "uint8" },
  { name: "leafType", type: "uint8" },
  { name: "timestamp", type: "uint64" },
  { name: "subject", type: "bytes32" },
  { name: "payload", type: "bytes" },
] as const satisfies readonly LeafAbiParameter[];

/** Payload ABI parameters per leaf type. */
export const leafPayloadParameters = {
  1: [
    { name: "provider", type: "string" },
    { name: "country", type: "string" },
    { name: "site", type: "string" },
    { name: "evidenceHash", type: "bytes32" },
    { name: "evidenceUri", type: "string" },
  ],
  2: [
    { name: "facilityId", type: "bytes32" },
    { name: "kind", type: "uint8" },
    { name: "level", type: "uint8" },
    { name: "method", type: "string" },
    { name: "evidenceHash", type: "bytes32" },
    { name: "evidenceUri", type: "string" },
    { name: "cadence", type: "uint32" },
    { name: "endorsers", type: "address[]" },
    { name: "verifiedAt", type: "uint64" },
  ],
  3: [
    { name: "status", type: "uint8" },
    { name: "until", type: "uint64" },
    { name: "reasonHash", type: "bytes32" },
  ],
  4: [
    { name: "member", type: "address" },
    { name: "observedAt", type: "uint64" },
  ],
  5: [
    { name: "challengeId", type: "uint256" },
    { name: "challenger", type: "address" },
    { name: "evidenceHash", type: "bytes32" },
    { name: "evidenceUri", type: "string" },
  ],
  6: [
    { name: "challengeId", type: "uint256" },
    { name: "outcome", type: "uint8" },
  ],
  7: [{ name: "listener", type: "address" }],
  8: [{ name: "listener", type: "address" }],
  // IMethodRegistry.MethodAction (kind and level renamed: they are 0 for governance actions) and the time.
  9: [
    { name: "action", type: "uint8" },
    { name: "method", type: "address" },
    { name: "platformKey", type: "bytes32" },
    { name: "evidenceHash", type: "bytes32" },
    { name: "facilityId", type: "bytes32" },
    { name: "hardwareKind", type: "uint8" },
    { name: "methodLevel", type: "uint8" },
    { name: "cadence", type: "uint32" },
    { name: "at", type: "uint64" },
  ],
} as const satisfies Record<LeafTypeId, readonly LeafAbiParameter[]>;

export type FacilitySetPayload = { provider: string; country: string; site: string; evidenceHash: Hex; evidenceUri: string };
export type EntrySetPayload = {
  facilityId: Hex;
  /** 1 Intel PPID, 2 AMD chip ID. */
  kind: number;
  /** 1 human-assisted, 2 automated, 3 continuous monitoring. */
  level: number;
  method: string;
  evidenceHash: Hex;
  evidenceUri: string;
  cadence: number;
  endorsers: Address[];
  verifiedAt: bigint;
};
export type StatusChangedPayload = {
  /** 0 active, 1 frozen, 2 revoked. */
  status: number;
  until: bigint;
  reasonHash: Hex;
};
export type HeartbeatPayload = { member: Address; observedAt: bigint };
export type ChallengeOpenedPayload = { challengeId: bigint; challenger: Address; evidenceHash: Hex; evidenceUri: string };
export type ChallengeClosedPayload = {
  challengeId: bigint;
  /** Always 1 (dismissed): an upheld challenge has no leaf of its own, its entry's revocation upholds it. */
  outcome: number;
};

/** A contract the registry pushes entry status to from now on (e.g. a CvmRegistry). */
export type ListenerAddedPayload = { listener: Address };
/** A listener the registry no longer pushes to. */
export type ListenerRemovedPayload = { listener: Address };

/**
 * What a verification method did, or what the Alliance decided about one (docs/transparency-log.md):
 * action 1 enrolled (an entry written), 2 heartbeat, 3 registered (evidenceHash = keccak256 of the
 * facility list, methodLevel = its cap), 4 suspended, 5 removed (evidenceHash = the reason hash).
 */
export type MethodActionPayload = {
  action: number;
  method: Address;
  platformKey: Hex;
  evidenceHash: Hex;
  facilityId: Hex;
  hardwareKind: number;
  methodLevel: number;
  cadence: number;
  at: bigint;
};

export type LeafPayloads = {
  1: FacilitySetPayload;
  2: EntrySetPayload;
  3: StatusChangedPayload;
  4: HeartbeatPayload;
  5: ChallengeOpenedPayload;
  6: ChallengeClosedPayload;
  7: ListenerAddedPayload;
  8: ListenerRemovedPayload;
  9: MethodActionPayload;
};

/** A decoded leaf; narrow on `leafType` to get the payload's type. */
export type LogLeaf = {
  [T in LeafTypeId]: {
    version: typeof LOG_LEAF_VERSION;
    leafType: T;
    timestamp: bigint;
    /** platformKey, facilityId, the listener's address (left-padded) or the log's origin hash, by leaf type. */
    subject: Hex;
    payload: LeafPayloads[T];
  };
}[LeafTypeId];

const STRUCTURE = "LogLeaf";
const PAYLOAD_BASE = 6 * 32; // 5 head words + the payload's length word

// Enum-like payload fields: values outside these sets are not a version-1 leaf.
const allowed: Record<string, readonly number[]> = {
  kind: [1, 2],
  level: [1, 2, 3],
  status: [0, 1, 2],
  outcome: [1],
  action: [1, 2, 3, 4, 5],
};

/** Decodes a leaf, or throws ParseError naming the field (`payload.<name>` inside the payload). */
export function decodeLogLeaf(leaf: BytesLike): LogLeaf {
  const bytes = bytesOf(leaf, STRUCTURE);
  const head = decodeStrict(bytes, logLeafParameters, STRUCTURE);
  if (head.version !== LOG_LEAF_VERSION) {
    throw new ParseError({ structure: STRUCTURE, field: "version", offset: 0, expected: String(LOG_LEAF_VERSION), got: String(head.version) });
  }
  const leafType = head.leafType as number;
  if (!(leafType in leafPayloadParameters)) {
    throw new ParseError({ structure: STRUCTURE, field: "leafType", offset: 32, expected: "1..7", got: String(leafType) });
  }
  const params = leafPayloadParameters[leafType as LeafTypeId];
  const payloadBytes = bytesOf(head.payload as Hex, STRUCTURE);
  const payload = decodeStrict(payloadBytes, params, STRUCTURE, "payload.", PAYLOAD_BASE);
  params.forEach((p, i) => {
    const ok = allowed[p.name];
    if (ok && !ok.includes(payload[p.name] as number)) {
      throw new ParseError({ structure: STRUCTURE, field: `payload.${p.name}`, offset: PAYLOAD_BASE + 32 * i, expected: `one of ${ok.join(", ")}`, got: String(payload[p.name]) });
    }
  });
  return {
    version: LOG_LEAF_VERSION,
    leafType: leafType as LeafTypeId,
    timestamp: head.timestamp as bigint,
    subject: head.subject as Hex,
    payload,
  } as LogLeaf;
}

/** Encodes a leaf exactly as the contract does. */
export function encodeLogLeaf(leaf: LogLeaf): Hex {
  const params = leafPayloadParameters[leaf.leafType];
  const record = leaf.payload as Record<string, unknown>;
  const payload = encodeAbiParameters(params, params.map((p) => record[p.name]) as never);
  return encodeAbiParameters(logLeafParameters, [leaf.version, leaf.leafType, leaf.timestamp, leaf.subject, payload]);
}

/** A JSON-safe view of a decoded leaf (bigints as decimal strings), with the type's name. */
export type LogLeafJson = {
  version: number;
  leafType: number;
  leafTypeName: LeafTypeName;
  timestamp: string;
  subject: Hex;
  payload: Record<string, string | number | string[]>;
};

export function logLeafToJson(leaf: LogLeaf): LogLeafJson {
  const payload: LogLeafJson["payload"] = {};
  for (const [k, v] of Object.entries(leaf.payload)) {
    payload[k] = typeof v === "bigint" ? v.toString() : (v as string | number | string[]);
  }
  return {
    version: leaf.version,
    leafType: leaf.leafType,
    leafTypeName: leafTypeName[leaf.leafType],
    timestamp: leaf.timestamp.toString(),
    subject: leaf.subject,
    payload,
  };
}
