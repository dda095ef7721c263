/**
 * Quote-verifier route "ours" (the default): our onchain DCAP verifier reading the collateral
 * store. The other route is AutomataDcapAdapter.ts; scripts/deploy.ts picks one by the parameters
 * file's `DcapQuoteVerifier.quoteVerifierRoute` (docs/deploy.md).
 */
import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";
import CollateralStoreModule from "./CollateralStore.js";

export default buildModule("DcapQuoteVerifier", (m) => {
  const { collateralParser, collateralStore } = m.useModule(CollateralStoreModule);
  const dcapQuoteVerifier = m.contract("DcapQuoteVerifier", [collateralStore]);
  return { collateralParser, collateralStore, dcapQuoteVerifier };
});
