/** `hardhat ignition deploy` entry for route "automata" (the module is defined in ProofOfCloud.ts). */
export { ProofOfCloudAutomataModule as default } from "./ProofOfCloud.js";
