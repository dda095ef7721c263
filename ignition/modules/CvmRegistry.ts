/**
 * The CVM stack (docs/cvm-registry.md, docs/workload.md): the WorkloadVerifier, wired to the
 * Intel quote verifier of the deployment's route (ours or the Automata adapter) and to the ZK
 * verifier, governed by the Alliance; and the CvmRegistry over the Alliance, the HardwareRegistry
 * and that WorkloadVerifier, with its TTL bounds and minimum hardware level as parameters named as
 * the constructor names them (`maxTeeTtl`, `maxTpmTtl`, `minHardwareLevel`; scripts/deploy checks
 * them). Ignition cannot branch on a parameter, so there is one module per route
 * ({@link cvmRegistryModule}); both have the module ID "CvmRegistry", and a deployment holds one.
 * The deployment also connects the CvmRegistry to the HardwareRegistry's status feed
 * (`HardwareRegistry.addListener`, docs/hardware-registry.md#listeners).
 * Moving a live deployment to the other quote verifier is an Alliance decision
 * (`WorkloadVerifier.setQuoteVerifier`, security-critical), not a redeploy.
 */
import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";
import AllianceModule from "./Alliance.js";
import HardwareRegistryModule from "./HardwareRegistry.js";
import DcapQuoteVerifierModule from "./DcapQuoteVerifier.js";
import AutomataDcapAdapterModule from "./AutomataDcapAdapter.js";
import ZkAttestationVerifierModule from "./ZkAttestationVerifier.js";
import type { QuoteVerifierRoute } from "../quoteVerifierRoute.js";
import { setCallClasses } from "../callClasses.js";

function build(route: QuoteVerifierRoute) {
  return buildModule("CvmRegistry", (m) => {
    const { alliance } = m.useModule(AllianceModule);
    const { hardwareRegistry } = m.useModule(HardwareRegistryModule);
    const { zkAttestationVerifier } = m.useModule(ZkAttestationVerifierModule);
    const quoteVerifier = route === "automata" ? m.useModule(AutomataDcapAdapterModule).automataDcapAdapter : m.useModule(DcapQuoteVerifierModule).dcapQuoteVerifier;
    const workloadVerifier = m.contract("WorkloadVerifier", [alliance, hardwareRegistry, quoteVerifier, zkAttestationVerifier]);
    const maxTeeTtl = m.getParameter<bigint>("maxTeeTtl");
    const maxTpmTtl = m.getParameter<bigint>("maxTpmTtl");
    const minHardwareLevel = m.getParameter<bigint>("minHardwareLevel");
    const cvmRegistry = m.contract("CvmRegistry", [alliance, hardwareRegistry, workloadVerifier, maxTeeTtl, maxTpmTtl, minHardwareLevel]);
    setCallClasses(m, alliance, "WorkloadVerifier", workloadVerifier);
    setCallClasses(m, alliance, "CvmRegistry", cvmRegistry);
    // The hardware feed: the registry pushes entry changes to the CvmRegistry's mirror. The deployer
    // may wire it only while the HardwareRegistry's log is still empty; later it takes a vote.
    m.call(hardwareRegistry, "addListener", [cvmRegistry], { id: "HardwareRegistry_addListener_CvmRegistry" });
    return { workloadVerifier, cvmRegistry };
  });
}

const CvmRegistryModule = build("ours");
export const CvmRegistryAutomataModule = build("automata");

/** The CVM stack over the quote verifier of `route`. */
export function cvmRegistryModule(route: QuoteVerifierRoute) {
  return route === "automata" ? CvmRegistryAutomataModule : CvmRegistryModule;
}

/** Route "ours" (the default). */
export default CvmRegistryModule;
