/**
 * The ZK route: proofs go to this chain's RiscZero verifier router and SP1 verifier gateway (their
 * published addresses are parameters, never constants here); journals are checked against the
 * collateral store (its `collateralHash`). The Alliance is the governor from the first block, so
 * allowlisting programs and pinning SEV-SNP ARKs are Alliance proposals (docs/zk-journals.md).
 */
import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";
import AllianceModule from "./Alliance.js";
import CollateralStoreModule from "./CollateralStore.js";
import { setCallClasses } from "../callClasses.js";

export default buildModule("ZkAttestationVerifier", (m) => {
  const { alliance } = m.useModule(AllianceModule);
  const { collateralStore } = m.useModule(CollateralStoreModule);
  const riscZeroVerifier = m.getParameter<string>("riscZeroVerifier");
  const sp1Verifier = m.getParameter<string>("sp1Verifier");
  const maxJournalAge = m.getParameter<bigint>("maxJournalAge");
  const zkAttestationVerifier = m.contract("ZkAttestationVerifier", [alliance, riscZeroVerifier, sp1Verifier, collateralStore, maxJournalAge]);
  setCallClasses(m, alliance, "ZkAttestationVerifier", zkAttestationVerifier);
  return { zkAttestationVerifier };
});
