/** RFC 9162 transparency log: tree, proofs, leaves, checkpoints, receipts. See docs/transparency-log.md. */
export * from "./hash.js";
export * from "./errors.js";
export * from "./tree.js";
export * from "./proof.js";
export * from "./leaf.js";
export * from "./checkpoint.js";
export * from "./receipt.js";
export * from "./cosigned.js";
export * from "./onchain.js";
export * from "./recorded.js";
export * from "./actions.js";
export * from "./online.js";
export * from "./c2sp.js";
export * from "./indexer.js";
