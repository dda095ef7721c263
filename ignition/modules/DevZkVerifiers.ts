/**
 * Local chains only: stand-ins for the RiscZero router and SP1 gateway that accept a keccak "dev
 * seal" instead of a proof (no prover runs here). Their constructors revert on any chain but
 * 31337 / 1337, and scripts/deploy.ts deploys them only when the parameters say "dev".
 */
import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";

export default buildModule("DevZkVerifiers", (m) => {
  const devRiscZeroVerifier = m.contract("DevRiscZeroVerifier");
  const devSp1Verifier = m.contract("DevSp1Verifier");
  return { devRiscZeroVerifier, devSp1Verifier };
});
