/** Revert decoding for the GCE method's path: the method, the MethodRegistry, the HardwareRegistry,
 * the AK certificate verifier and everything a workload verification passes through. */
import type { Abi } from "viem";
import { gceMethodAbi } from "../sdk/src/chain/abi/GceMethod.js";
import { methodRegistryAbi } from "../sdk/src/chain/abi/MethodRegistry.js";
import { hardwareRegistryAbi } from "../sdk/src/chain/abi/HardwareRegistry.js";
import { tpmAkCertificateVerifierAbi } from "../sdk/src/chain/abi/TpmAkCertificateVerifier.js";
import { allianceAbi } from "../sdk/src/chain/abi/Alliance.js";
import { workloadVerifierAbi } from "../sdk/src/chain/abi/WorkloadVerifier.js";
import { iTpmQuoteVerifierAbi } from "../sdk/src/chain/abi/ITpmQuoteVerifier.js";
import { iQuoteVerifierAbi } from "../sdk/src/chain/abi/IQuoteVerifier.js";
import { dcapQuoteVerifierAbi } from "../sdk/src/chain/abi/DcapQuoteVerifier.js";
import { derAbi } from "../sdk/src/chain/abi/Der.js";
import { x509Abi } from "../sdk/src/chain/abi/X509.js";
import { asn1TimeAbi } from "../sdk/src/chain/abi/Asn1Time.js";
import { bytesReadAbi } from "../sdk/src/chain/abi/BytesRead.js";
import { expectRevertIn } from "./revert.js";

const errors = [
  ...gceMethodAbi,
  ...methodRegistryAbi,
  ...hardwareRegistryAbi,
  ...tpmAkCertificateVerifierAbi,
  ...allianceAbi,
  ...workloadVerifierAbi,
  ...iTpmQuoteVerifierAbi,
  ...iQuoteVerifierAbi,
  ...dcapQuoteVerifierAbi,
  ...derAbi,
  ...x509Abi,
  ...asn1TimeAbi,
  ...bytesReadAbi,
].filter((x) => x.type === "error") as Abi;

/** Awaits `p`, expects it to revert with custom error `name`; returns the decoded args. */
export function expectMethodRevert(p: Promise<unknown>, name: string): Promise<readonly unknown[]> {
  return expectRevertIn(errors, p, name);
}
