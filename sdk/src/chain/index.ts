export * from "./errors.js";
export * from "./platformKey.js";
export * from "./proposal.js";
export * from "./votes.js";
export * from "./alliance.js";
export * from "./hardwareRegistry.js";
export * from "./decorator.js";
export { allianceAbi } from "./abi/Alliance.js";
export { hardwareRegistryAbi } from "./abi/HardwareRegistry.js";
