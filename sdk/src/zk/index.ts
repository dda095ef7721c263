/**
 * ZK route formats (docs/zk-journals.md): the journals the zkVM programs commit to, their collateral
 * hashes and program inputs. Pure data formats, below chain/ (which sends them) and beside the
 * evidence verifiers (whose parsers they reuse).
 */
export * from "./journal.js";
