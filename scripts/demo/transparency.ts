/**
 * Act 11: members cosign the transparency log's checkpoint, it is recorded onchain, and an offline
 * receipt for the real TDX platform's registry entry is written to a file and verified with no
 * chain at all; a tampered copy fails.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { toHex, type Address, type Hex } from "viem";
import { getLogLeaves, readHardwareEntry, readLogState, writeRecordCheckpoint } from "../../sdk/src/chain/hardwareRegistry.js";
import { signCheckpoint } from "../../sdk/src/log/checkpoint.js";
import { exportReceipt } from "../../sdk/src/log/recorded.js";
import { verifyReceipt } from "../../sdk/src/log/receipt.js";
import { MerkleTree } from "../../sdk/src/log/tree.js";
import { gasOf, type Story } from "../../testkit/story.js";
import { MEMBER_NAMES, type DemoWorld } from "./world.js";

export async function actCheckpointAndReceipt(w: DemoWorld, story: Story, tdxPlatformKey: Hex) {
  story.act(11, "Members cosign a checkpoint; an offline receipt verifies without the chain");
  await story.step(11, "checkpoint-recorded", `${MEMBER_NAMES[0]}, ${MEMBER_NAMES[2]} and ${MEMBER_NAMES[3]} cosign the log head (EIP-712); it is recorded`, "recorded", async () => {
    const state = await readLogState(w.pub, { registry: w.hardwareRegistry });
    const leaves = await getLogLeaves(w.pub, { registry: w.hardwareRegistry });
    const sdkRoot = toHex(MerkleTree.fromLeaves(leaves.map((l) => l.leaf)).root());
    if (sdkRoot !== state.rootHash) throw new Error(`the SDK's root ${sdkRoot} differs from the contract's ${state.rootHash}`);
    const checkpoint = { origin: state.origin, size: state.size, rootHash: state.rootHash };
    const cosignatures = await Promise.all([0, 2, 3].map((i) => signCheckpoint({ chainId: w.chainId, registry: w.hardwareRegistry, checkpoint, walletClient: w.members[i]! as never })));
    const r = await w.receipt(writeRecordCheckpoint(w.relayer, { registry: w.hardwareRegistry, size: state.size, rootHash: state.rootHash, consistencyProof: [], cosignatures }));
    return {
      outcome: "recorded",
      gasUsed: gasOf(r),
      say: `${state.origin} size ${state.size}, root ${state.rootHash.slice(0, 18)}… (the SDK rebuilt the same root from ${leaves.length} LeafAppended events)`,
      details: { origin: state.origin, size: Number(state.size), rootHash: state.rootHash, cosigners: cosignatures.length, leafTypes: leaves.map((l) => l.decoded.leafType), transactionHash: r.transactionHash },
    };
  });
  const dir = mkdtempSync(join(tmpdir(), "poc-demo-"));
  const file = join(dir, "receipt.json");
  const members = (await w.viem.getContractAt("Alliance", w.alliance)).read.members() as Promise<readonly Address[]>;
  await story.step(11, "receipt-exported", "exportReceipt: the real TDX platform's EntrySet leaf, inclusion proof and cosigned checkpoint → a file", "written", async () => {
    const entry = await readHardwareEntry(w.pub, { registry: w.hardwareRegistry, platformKey: tdxPlatformKey });
    const receipt = await exportReceipt(w.pub, { registry: w.hardwareRegistry, index: Number(entry.entryLeaf) });
    writeFileSync(file, JSON.stringify(receipt, null, 2));
    return { outcome: "written", say: file, details: { file, index: receipt.entry.index, treeSize: receipt.checkpoint.size, proofLength: receipt.inclusionProof.length } };
  });
  await story.step(11, "receipt-verified-offline", "verifyReceipt(file contents) with the member list pinned, no client", "valid", async () => {
    const r = await verifyReceipt(JSON.parse(readFileSync(file, "utf8")), { trustedMembers: await members, chainId: w.chainId, registry: w.hardwareRegistry });
    return { outcome: r.status, say: `${r.checks.length} checks passed, ${r.counted.length} of ${r.required} required cosignatures counted`, details: { checks: r.checks.map((c) => `${c.name}:${c.ok}`), counted: r.counted.length, required: r.required } };
  });
  await story.step(11, "tampered-receipt-refused", "the same receipt with one byte of the leaf changed (its hash recomputed to match)", "invalid", async () => {
    const receipt = JSON.parse(readFileSync(file, "utf8"));
    const leaf: string = receipt.entry.leaf;
    // Flip the last byte of the leaf (inside its evidence URI) and fix up leafHash, as a forger would.
    receipt.entry.leaf = leaf.slice(0, -2) + (parseInt(leaf.slice(-2), 16) ^ 0x01).toString(16).padStart(2, "0");
    const { leafHash } = await import("../../sdk/src/log/hash.js");
    receipt.entry.leafHash = toHex(leafHash(receipt.entry.leaf));
    writeFileSync(join(dir, "receipt-tampered.json"), JSON.stringify(receipt, null, 2));
    const r = await verifyReceipt(receipt, { trustedMembers: await members, chainId: w.chainId, registry: w.hardwareRegistry });
    const failed = r.checks.filter((c) => !c.ok).map((c) => c.name);
    return { outcome: r.status, say: `failed checks: ${failed.join(", ")}`, details: { failed } };
  });
}
