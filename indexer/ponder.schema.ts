/**
 * The indexer's tables. `leaves` is the log itself (every LeafAppended, checked like the SDK's
 * rebuild); entries, facilities and challenges are folded from the leaves (the log carries every
 * field storage keeps); checkpoints from CheckpointRecorded; cvms from the CvmRegistry's events.
 * Hex columns hold lower-case 0x strings, bigints are numeric.
 */
import { index, onchainTable } from "ponder";

export const leaves = onchainTable(
  "leaves",
  (t) => ({
    index: t.bigint().primaryKey(),
    leafHash: t.hex().notNull(),
    leaf: t.hex().notNull(),
    leafType: t.integer().notNull(),
    subject: t.hex().notNull(),
    timestamp: t.bigint().notNull(),
    blockNumber: t.bigint().notNull(),
    logIndex: t.integer().notNull(),
    transactionHash: t.hex().notNull(),
  }),
  (t) => ({ subjectIdx: index().on(t.subject), blockIdx: index().on(t.blockNumber) }),
);

export const facilities = onchainTable("facilities", (t) => ({
  facilityId: t.hex().primaryKey(),
  provider: t.text().notNull(),
  country: t.text().notNull(),
  site: t.text().notNull(),
  evidenceHash: t.hex().notNull(),
  evidenceUri: t.text().notNull(),
  leafIndex: t.bigint().notNull(),
}));

export const entries = onchainTable(
  "entries",
  (t) => ({
    platformKey: t.hex().primaryKey(),
    facilityId: t.hex().notNull(),
    kind: t.integer().notNull(),
    level: t.integer().notNull(),
    method: t.text().notNull(),
    evidenceHash: t.hex().notNull(),
    evidenceUri: t.text().notNull(),
    cadence: t.integer().notNull(),
    endorsers: t.text().array().notNull(),
    verifiedAt: t.bigint().notNull(),
    /** 0 active, 1 frozen, 2 revoked (the latest StatusChanged leaf). */
    status: t.integer().notNull(),
    frozenUntil: t.bigint().notNull(),
    lastHeartbeat: t.bigint().notNull(),
    entryLeaf: t.bigint().notNull(),
  }),
  (t) => ({ facilityIdx: index().on(t.facilityId) }),
);

export const challenges = onchainTable("challenges", (t) => ({
  challengeId: t.bigint().primaryKey(),
  platformKey: t.hex().notNull(),
  challenger: t.hex().notNull(),
  evidenceHash: t.hex().notNull(),
  evidenceUri: t.text().notNull(),
  /** 0 open, 1 dismissed, 2 upheld (ChallengeClosed). */
  outcome: t.integer().notNull(),
  openedLeaf: t.bigint().notNull(),
}));

export const checkpoints = onchainTable("checkpoints", (t) => ({
  size: t.bigint().primaryKey(),
  rootHash: t.hex().notNull(),
  signers: t.text().array().notNull(),
  blockNumber: t.bigint().notNull(),
  transactionHash: t.hex().notNull(),
}));

export const cvms = onchainTable("cvms", (t) => ({
  identity: t.hex().primaryKey(),
  owner: t.hex().notNull(),
  platformKey: t.hex().notNull(),
  measurementHash: t.hex().notNull(),
  teeRegistersHash: t.hex().notNull(),
  akKeyHash: t.hex().notNull(),
  nonce: t.bigint().notNull(),
  revoked: t.boolean().notNull(),
  /** Set when the identity rotated to a new key (the new identity gets its own row). */
  rotatedTo: t.hex(),
  blockNumber: t.bigint().notNull(),
}));
