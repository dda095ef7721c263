/**
 * Quote-verifier route "automata": IQuoteVerifier over Automata's deployed DCAP attestation
 * entrypoint, whose address on the target chain is the `automataDcapAttestation` parameter (never
 * a constant here; scripts/deploy.ts checks a contract exists there). The collateral store is
 * deployed all the same: the ZK route checks DCAP journals' collateral hashes against it.
 */
import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";
import CollateralStoreModule from "./CollateralStore.js";

export default buildModule("AutomataDcapAdapter", (m) => {
  const { collateralParser, collateralStore } = m.useModule(CollateralStoreModule);
  const automataDcapAttestation = m.getParameter<string>("automataDcapAttestation");
  const automataDcapAdapter = m.contract("AutomataDcapAdapter", [automataDcapAttestation]);
  return { collateralParser, collateralStore, automataDcapAdapter };
});
