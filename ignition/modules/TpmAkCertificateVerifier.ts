/**
 * The optional onchain AK certificate chain check (docs/workload.md, "AK certificate chain"):
 * stateless but for its pinned AK CA roots, which the Alliance governs (`setRootPinned`,
 * security-critical). `roots` (sha256 of each root's DER) may be empty: pinning later is a proposal.
 * The CvmRegistry does not call it (the TEE report binds the AK); dApps and tools using a TPM quote
 * without TEE evidence do.
 */
import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";
import AllianceModule from "./Alliance.js";
import { setCallClasses } from "../callClasses.js";

export default buildModule("TpmAkCertificateVerifier", (m) => {
  const { alliance } = m.useModule(AllianceModule);
  const roots = m.getParameter<string[]>("roots", []);
  const tpmAkCertificateVerifier = m.contract("TpmAkCertificateVerifier", [alliance, roots]);
  setCallClasses(m, alliance, "TpmAkCertificateVerifier", tpmAkCertificateVerifier);
  return { tpmAkCertificateVerifier };
});
