/**
 * The whole system in one deployment. Each unit is its own module (one file each); a new unit
 * (e.g. the CVM registry) is one more module file plus one `...m.useModule(...)` line here.
 * Deploy with scripts/deploy.ts, which resolves the parameters and writes the address book.
 */
import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";
import AllianceModule from "./Alliance.js";
import HardwareRegistryModule from "./HardwareRegistry.js";
import DcapQuoteVerifierModule from "./DcapQuoteVerifier.js";
import TpmQuoteVerifierModule from "./TpmQuoteVerifier.js";
import ZkAttestationVerifierModule from "./ZkAttestationVerifier.js";

export default buildModule("ProofOfCloud", (m) => ({
  ...m.useModule(AllianceModule),
  ...m.useModule(HardwareRegistryModule),
  ...m.useModule(DcapQuoteVerifierModule),
  ...m.useModule(TpmQuoteVerifierModule),
  ...m.useModule(ZkAttestationVerifierModule),
}));
