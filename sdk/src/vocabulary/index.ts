/**
 * The shared vocabulary: names every layer of the SDK (evidence verifiers, report, log, chain
 * actions) and the contracts agree on. Depends on nothing in the SDK but bytes.ts and errors.ts.
 */
export * from "./tcbStatus.js";
export * from "./platformKey.js";
export * from "./evidence.js";
export { eip712Domain } from "./eip712.js";
