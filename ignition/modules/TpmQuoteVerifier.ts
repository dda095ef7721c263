/** The stateless TPM 2.0 quote verifier (docs/tpm-onchain.md). */
import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";

export default buildModule("TpmQuoteVerifier", (m) => {
  const tpmQuoteVerifier = m.contract("TpmQuoteVerifier");
  return { tpmQuoteVerifier };
});
