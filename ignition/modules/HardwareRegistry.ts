/**
 * The Proof of Cloud hardware registry, governed by the Alliance. `salt` is public and fixed for
 * the life of the deployment: platformKey = keccak256(abi.encode(salt, kind, rawId)).
 */
import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";
import AllianceModule from "./Alliance.js";
import { setCallClasses } from "../callClasses.js";

export default buildModule("HardwareRegistry", (m) => {
  const { alliance } = m.useModule(AllianceModule);
  const salt = m.getParameter<string>("salt");
  const hardwareRegistry = m.contract("HardwareRegistry", [alliance, salt]);
  setCallClasses(m, alliance, "HardwareRegistry", hardwareRegistry);
  return { hardwareRegistry };
});
