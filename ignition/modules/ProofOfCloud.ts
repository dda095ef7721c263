/**
 * The whole system in one deployment, in two variants that differ only in the Intel quote
 * verifier: `ProofOfCloud` (route "ours", DcapQuoteVerifier) and `ProofOfCloudAutomata` (route
 * "automata", AutomataDcapAdapter). Ignition cannot branch on a parameter, so scripts/deploy.ts
 * picks the variant from `DcapQuoteVerifier.quoteVerifierRoute` ({@link proofOfCloudModule}).
 * Each unit is its own module (one file each); a new unit is one more module file plus one
 * `...m.useModule(...)` line in each variant below. The CVM stack depends on the route too
 * (its WorkloadVerifier calls the route's quote verifier), so it has one module per route.
 */
import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";
import type { IgnitionModule, IgnitionModuleBuilder, IgnitionModuleResult } from "@nomicfoundation/ignition-core";
import AllianceModule from "./Alliance.js";
import HardwareRegistryModule from "./HardwareRegistry.js";
import CollateralStoreModule from "./CollateralStore.js";
import DcapQuoteVerifierModule from "./DcapQuoteVerifier.js";
import AutomataDcapAdapterModule from "./AutomataDcapAdapter.js";
import TpmQuoteVerifierModule from "./TpmQuoteVerifier.js";
import ZkAttestationVerifierModule from "./ZkAttestationVerifier.js";
import TpmAkCertificateVerifierModule from "./TpmAkCertificateVerifier.js";
import CvmRegistryModule, { CvmRegistryAutomataModule } from "./CvmRegistry.js";
import GceMethodModule, { GceMethodAutomataModule } from "./GceMethod.js";

import type { QuoteVerifierRoute } from "../quoteVerifierRoute.js";
export type { QuoteVerifierRoute };

/** Route "automata": Automata's deployed DCAP attestation behind AutomataDcapAdapter. */
export const ProofOfCloudAutomataModule = buildModule("ProofOfCloudAutomata", (m) =>
  closeSetup(m, [
    AllianceModule,
    HardwareRegistryModule,
    CollateralStoreModule,
    AutomataDcapAdapterModule,
    TpmQuoteVerifierModule,
    ZkAttestationVerifierModule,
    TpmAkCertificateVerifierModule,
    CvmRegistryAutomataModule,
    GceMethodAutomataModule,
  ]),
);

const ProofOfCloudModule = buildModule("ProofOfCloud", (m) =>
  closeSetup(m, [
    AllianceModule,
    HardwareRegistryModule,
    CollateralStoreModule,
    DcapQuoteVerifierModule,
    TpmQuoteVerifierModule,
    ZkAttestationVerifierModule,
    TpmAkCertificateVerifierModule,
    CvmRegistryModule,
    GceMethodModule,
  ]),
);

/**
 * Uses every unit, then ends the deployer's set-up window on the Alliance once all of them have
 * written their class-table entries (ignition/callClasses.ts): from then on only a security-critical
 * proposal changes the table.
 */
function closeSetup(m: IgnitionModuleBuilder, units: IgnitionModule<string, string, IgnitionModuleResult<string>>[]) {
  const results = Object.assign({}, ...units.map((u) => m.useModule(u))) as IgnitionModuleResult<string>;
  const { alliance } = m.useModule(AllianceModule);
  m.call(alliance, "closeSetup", [], { id: "Alliance_closeSetup", after: units });
  return results;
}

/** The deployment for a quote-verifier route. */
export function proofOfCloudModule(route: QuoteVerifierRoute): IgnitionModule<string, string, IgnitionModuleResult<string>> {
  return route === "automata" ? ProofOfCloudAutomataModule : ProofOfCloudModule;
}

/** Route "ours" (the default): our onchain DCAP verifier. */
export default ProofOfCloudModule;
