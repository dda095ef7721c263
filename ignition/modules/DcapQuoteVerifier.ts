/**
 * The onchain DCAP route: collateral parser, collateral store pinned to one Intel SGX Root CA (by
 * SHA-256 of its DER), and the quote verifier reading that store. scripts/deploy.ts derives
 * `rootCertHash` from the root it is given, refuses a simulator root off local chains, and then
 * uploads the root certificate itself when the store holds none (anyone may; the store accepts only
 * the pinned bytes), so collateral can follow at once (docs/deploy.md).
 */
import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";

export default buildModule("DcapQuoteVerifier", (m) => {
  const rootCertHash = m.getParameter<string>("rootCertHash");
  const collateralParser = m.contract("CollateralParser");
  const collateralStore = m.contract("CollateralStore", [rootCertHash, collateralParser]);
  const dcapQuoteVerifier = m.contract("DcapQuoteVerifier", [collateralStore]);
  return { collateralParser, collateralStore, dcapQuoteVerifier };
});
