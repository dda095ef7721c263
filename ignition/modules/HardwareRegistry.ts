/**
 * The Proof of Cloud hardware registry, governed by the Alliance. `salt` is public and fixed for
 * the life of the deployment: platformKey = keccak256(abi.encode(salt, kind, rawId)).
 * The registry creates its MethodRegistry (the verification methods' table) in its constructor; this
 * module writes that table's class entries too. It has no creation transaction of its own: the
 * address book records the HardwareRegistry's (scripts/deploy/deployProofOfCloud.ts, `CREATED_BY`).
 */
import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";
import AllianceModule from "./Alliance.js";
import { setCallClasses } from "../callClasses.js";

export default buildModule("HardwareRegistry", (m) => {
  const { alliance } = m.useModule(AllianceModule);
  const salt = m.getParameter<string>("salt");
  const hardwareRegistry = m.contract("HardwareRegistry", [alliance, salt]);
  setCallClasses(m, alliance, "HardwareRegistry", hardwareRegistry);
  const methodRegistry = m.contractAt("MethodRegistry", m.staticCall(hardwareRegistry, "methodRegistry"));
  setCallClasses(m, alliance, "MethodRegistry", methodRegistry);
  return { hardwareRegistry, methodRegistry };
});
