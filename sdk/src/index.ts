/**
 * The Proof of Cloud SDK: one import for everything a verifier, a dApp or an alliance member needs.
 * Browser-safe (no Node built-ins; the `poc` command in ./cli is not part of it).
 *
 * Every folder's public API is re-exported flat; the names do not clash (test/sdk/index.test.ts keeps
 * it so), and where two folders name related things they carry distinct names on purpose:
 *   - `platformKey(kind, rawId, salt)` (vocabulary, any hardware kind; `intelPlatformKey(salt, ppid)` is
 *     the old Intel-only spelling of the same function, kept as an export);
 *   - `readLogState` / `getLogLeaves` (chain: the registry's raw state and events) and
 *     `readTreeHead` / `readLogEntries` (log: RFC 9162 tree head and verified entries);
 *   - `TCB_STATUSES` / `TcbStatus` (vocabulary: one list, the Solidity enum's order; `TCB_STATUS_NAMES` /
 *     `TcbStatusName` are the same list under its old chain name) and `DCAP_TCB_STATUSES` (zk: Automata's
 *     codes, a different order).
 * The simulator (a test PKI and software TPM, refused on production chains) is namespaced as
 * `simulate`: it is a test tool, and its collateral types (`QuoteCollateralV3`, `TcbStatus`) are the
 * simulator's own, distinct from the verifier's.
 */

// Shared errors and byte helpers.
export * from "./errors.js";
export * from "./bytes.js";

// The shared vocabulary: TCB statuses, platform keys, evidence types, the EIP-712 domain.
export * from "./vocabulary/index.js";

// PKI under the evidence verifiers: PEM, X.509 certificates and chains.
export * from "./pki/index.js";

// Evidence: parse and verify offchain.
export * from "./intel/index.js";
export * from "./amd/index.js";
export * from "./tpm/index.js";
export * from "./nitro/index.js";
export * from "./eventlog/index.js";
export * from "./nvidia/index.js";

// The verification report (pass / partial / fail per dimension) and its verifier glue.
export * from "./report/index.js";

// RFC 9162 transparency log: tree, proofs, leaves, checkpoints, receipts.
export * from "./log/index.js";

// ZK route formats: journals, collateral hashes, zkVM program inputs.
export * from "./zk/index.js";

// Contracts: viem actions, calldata builders, typed ABIs, the address book.
export * from "./chain/index.js";

// Test-only: the simulator.
export * as simulate from "./simulate/index.js";
