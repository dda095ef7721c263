/**
 * The GCE verification method (docs/hardware-registry.md#the-gce-method): over the deployment's
 * WorkloadVerifier (DCAP / ZK TEE evidence, TPM quote, AK binding) and TpmAkCertificateVerifier (the
 * AK chain to a pinned Google vTPM root), writing through the HardwareRegistry's MethodRegistry.
 * Deploying it grants nothing: the Alliance registers it by a security-critical proposal
 * (`MethodRegistry.registerMethod`, with its level cap and facilities) and fills its zone table
 * (`setZoneFacility`, ordinary). The WorkloadVerifier depends on the quote-verifier route, so, as for
 * the CvmRegistry, there is one module per route, both with the module ID "GceMethod".
 */
import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";
import AllianceModule from "./Alliance.js";
import HardwareRegistryModule from "./HardwareRegistry.js";
import TpmAkCertificateVerifierModule from "./TpmAkCertificateVerifier.js";
import CvmRegistryModule, { CvmRegistryAutomataModule } from "./CvmRegistry.js";
import { setCallClasses } from "../callClasses.js";

function build(cvm: typeof CvmRegistryModule) {
  return buildModule("GceMethod", (m) => {
    const { alliance } = m.useModule(AllianceModule);
    const { hardwareRegistry } = m.useModule(HardwareRegistryModule);
    const { tpmAkCertificateVerifier } = m.useModule(TpmAkCertificateVerifierModule);
    const { workloadVerifier } = m.useModule(cvm);
    const methodRegistry = m.staticCall(hardwareRegistry, "methodRegistry");
    const gceMethod = m.contract("GceMethod", [alliance, methodRegistry, workloadVerifier, tpmAkCertificateVerifier]);
    setCallClasses(m, alliance, "GceMethod", gceMethod);
    return { gceMethod };
  });
}

/** Route "automata". */
export const GceMethodAutomataModule = build(CvmRegistryAutomataModule);

/** Route "ours" (the default). */
export default build(CvmRegistryModule);
