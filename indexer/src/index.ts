/**
 * Event handlers. Leaves are checked as the SDK's rebuild checks them (checkLeafAppended: index
 * continuity and SHA-256(0x00 || leaf)); a log that fails the check stops the indexer rather than
 * serve a wrong table. Reorgs: Ponder keeps a reorg-safe journal of every write and rolls the
 * tables back to the common ancestor when the chain reorganises, then replays (see
 * docs/transparency-log.md "Indexer").
 */
import { and, eq } from "ponder";
import { ponder } from "ponder:registry";
import { challenges, checkpoints, cvms, entries, facilities, leaves } from "ponder:schema";
import { hex } from "../../sdk/src/bytes.js";
import { leafHash } from "../../sdk/src/log/hash.js";
import { decodeLogLeaf } from "../../sdk/src/log/leaf.js";

const lower = (h: string) => h.toLowerCase() as `0x${string}`;

ponder.on("HardwareRegistry:LeafAppended", async ({ event, context }) => {
  const { index, leaf } = event.args;
  const computed = `0x${hex(leafHash(leaf))}`;
  if (computed !== lower(event.args.leafHash)) throw new Error(`leaf ${index}: event leafHash ${event.args.leafHash} is not SHA-256(0x00 || leaf) = ${computed}`);
  if (index > 0n && !(await context.db.find(leaves, { index: index - 1n }))) throw new Error(`leaf ${index}: leaf ${index - 1n} is missing (a gap)`);
  const decoded = decodeLogLeaf(leaf);
  await context.db.insert(leaves).values({
    index,
    leafHash: lower(event.args.leafHash),
    leaf: lower(leaf),
    leafType: decoded.leafType,
    subject: lower(decoded.subject),
    timestamp: decoded.timestamp,
    blockNumber: event.block.number,
    logIndex: event.log.logIndex,
    transactionHash: event.transaction.hash,
  });
  const subject = lower(decoded.subject);
  switch (decoded.leafType) {
    case 1:
      await context.db
        .insert(facilities)
        .values({ facilityId: subject, ...decoded.payload, evidenceHash: lower(decoded.payload.evidenceHash), leafIndex: index })
        .onConflictDoUpdate({ ...decoded.payload, evidenceHash: lower(decoded.payload.evidenceHash), leafIndex: index });
      break;
    case 2: {
      const p = decoded.payload;
      const row = {
        facilityId: lower(p.facilityId),
        kind: p.kind,
        level: p.level,
        method: p.method,
        evidenceHash: lower(p.evidenceHash),
        evidenceUri: p.evidenceUri,
        cadence: p.cadence,
        endorsers: p.endorsers.map(lower),
        verifiedAt: p.verifiedAt,
        entryLeaf: index,
      };
      await context.db
        .insert(entries)
        .values({ platformKey: subject, ...row, status: 0, frozenUntil: 0n, lastHeartbeat: 0n })
        .onConflictDoUpdate({ ...row, status: 0, frozenUntil: 0n });
      break;
    }
    case 3:
      await context.db.update(entries, { platformKey: subject }).set({ status: decoded.payload.status, frozenUntil: decoded.payload.until });
      // A revocation upholds every challenge of the entry still open (docs/transparency-log.md
      // "Challenge outcomes"): no ChallengeClosed is emitted for those.
      if (decoded.payload.status === 2) {
        await context.db.sql
          .update(challenges)
          .set({ outcome: 2 })
          .where(and(eq(challenges.platformKey, subject), eq(challenges.outcome, 0)));
      }
      break;
    case 4:
      await context.db.update(entries, { platformKey: subject }).set({ lastHeartbeat: decoded.payload.observedAt });
      break;
    case 5:
      await context.db.insert(challenges).values({
        challengeId: decoded.payload.challengeId,
        platformKey: subject,
        challenger: lower(decoded.payload.challenger),
        evidenceHash: lower(decoded.payload.evidenceHash),
        evidenceUri: decoded.payload.evidenceUri,
        outcome: 0,
        openedLeaf: index,
      });
      break;
    default:
      break;
  }
});

// A dismissal (upheld challenges are closed by the revocation leaf above).
ponder.on("HardwareRegistry:ChallengeClosed", async ({ event, context }) => {
  await context.db.update(challenges, { challengeId: event.args.challengeId }).set({ outcome: event.args.outcome });
});

ponder.on("HardwareRegistry:CheckpointRecorded", async ({ event, context }) => {
  await context.db
    .insert(checkpoints)
    .values({ size: event.args.size, rootHash: lower(event.args.rootHash), signers: event.args.signers.map(lower), blockNumber: event.block.number, transactionHash: event.transaction.hash })
    .onConflictDoNothing();
});

// The CvmRegistry's events, when the deployment has one (POC_CVM_REGISTRY).
if (process.env.POC_CVM_REGISTRY) {
  ponder.on("CvmRegistry:CvmRegistered", async ({ event, context }) => {
    const a = event.args;
    const row = {
      owner: lower(a.owner),
      platformKey: lower(a.platformKey),
      measurementHash: lower(a.measurementHash),
      teeRegistersHash: lower(a.teeRegistersHash),
      akKeyHash: lower(a.akKeyHash),
      nonce: BigInt(a.nonce),
      revoked: false,
      rotatedTo: null,
      blockNumber: event.block.number,
    };
    await context.db.insert(cvms).values({ identity: lower(a.identity), ...row }).onConflictDoUpdate(row);
  });

  ponder.on("CvmRegistry:CvmTeeRefreshed", async ({ event, context }) => {
    const a = event.args;
    await context.db
      .update(cvms, { identity: lower(a.identity) })
      .set({ platformKey: lower(a.platformKey), measurementHash: lower(a.measurementHash), teeRegistersHash: lower(a.teeRegistersHash), akKeyHash: lower(a.akKeyHash), nonce: BigInt(a.nonce) });
  });

  ponder.on("CvmRegistry:CvmRevoked", async ({ event, context }) => {
    await context.db.update(cvms, { identity: lower(event.args.identity) }).set({ revoked: true });
  });

  ponder.on("CvmRegistry:CvmIdentityRotated", async ({ event, context }) => {
    const old = await context.db.find(cvms, { identity: lower(event.args.identity) });
    if (!old) return;
    await context.db.update(cvms, { identity: old.identity }).set({ rotatedTo: lower(event.args.newIdentity) });
    await context.db
      .insert(cvms)
      .values({ ...old, identity: lower(event.args.newIdentity), nonce: BigInt(event.args.nonce), rotatedTo: null, blockNumber: event.block.number })
      .onConflictDoNothing();
  });
}
