/**
 * Intel DCAP collateral onchain: the stateless JSON parser and the collateral store pinned to one
 * Intel SGX Root CA (by SHA-256 of its DER). Both quote-verifier routes and the ZK route read it
 * (the ZK route through `collateralHash`). scripts/deploy.ts derives `rootCertHash` from the root
 * it is given, refuses a simulator root off local chains, and uploads the root certificate itself
 * when the store holds none (anyone may; the store accepts only the pinned bytes), so collateral
 * can follow at once (docs/deploy.md).
 */
import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";

export default buildModule("CollateralStore", (m) => {
  const rootCertHash = m.getParameter<string>("rootCertHash");
  const collateralParser = m.contract("CollateralParser");
  const collateralStore = m.contract("CollateralStore", [rootCertHash, collateralParser]);
  return { collateralParser, collateralStore };
});
