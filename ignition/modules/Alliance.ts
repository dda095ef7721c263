/**
 * The Alliance: founding members (EOAs or ERC-1271 wallets) and their organisation names.
 * Quorum thresholds are contract rules derived from the member count (docs/alliance.md), not
 * parameters; the chair is elected and its term changed by proposals after deployment.
 */
import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";

export default buildModule("Alliance", (m) => {
  const members = m.getParameter<string[]>("members");
  const names = m.getParameter<string[]>("names");
  const alliance = m.contract("Alliance", [members, names]);
  return { alliance };
});
