/** Expect a revert by custom error name, decoding errors raised by any contract on the path: a thin
 * wrapper over the SDK's decoder (sdk/src/chain/revert.ts), which knows every contract's errors. */
import type { Abi } from "viem";
import { decodeContractRevert } from "../sdk/src/chain/revert.js";
import { cvmRegistryAbi } from "../sdk/src/chain/abi/CvmRegistry.js";
import { workloadVerifierAbi } from "../sdk/src/chain/abi/WorkloadVerifier.js";
import { iTpmQuoteVerifierAbi } from "../sdk/src/chain/abi/ITpmQuoteVerifier.js";
import { iQuoteVerifierAbi } from "../sdk/src/chain/abi/IQuoteVerifier.js";
import { cvmVaultAbi } from "../sdk/src/chain/abi/CvmVault.js";
import { cvmGateAbi } from "../sdk/src/chain/abi/CvmGate.js";
import { allianceAbi } from "../sdk/src/chain/abi/Alliance.js";
import { iZkAttestationVerifierAbi } from "../sdk/src/chain/abi/IZkAttestationVerifier.js";
import { asn1TimeAbi } from "../sdk/src/chain/abi/Asn1Time.js";
import { bytesReadAbi } from "../sdk/src/chain/abi/BytesRead.js";
import { derAbi } from "../sdk/src/chain/abi/Der.js";
import { pemAbi } from "../sdk/src/chain/abi/Pem.js";
import { x509Abi } from "../sdk/src/chain/abi/X509.js";
import { dcapQuoteVerifierAbi } from "../sdk/src/chain/abi/DcapQuoteVerifier.js";
import { expectRevertIn } from "./revert.js";

/** The errors of the contracts a CVM registration passes through (the fuzz tests check every
 * refusal is one of these, a stricter set than every error the SDK knows). */
const errors = [...cvmRegistryAbi, ...workloadVerifierAbi, ...iTpmQuoteVerifierAbi, ...iQuoteVerifierAbi, ...cvmVaultAbi, ...cvmGateAbi, ...allianceAbi, ...iZkAttestationVerifierAbi, ...dcapQuoteVerifierAbi, ...asn1TimeAbi, ...bytesReadAbi, ...derAbi, ...pemAbi, ...x509Abi].filter(
  (x) => x.type === "error",
) as Abi;

/** Awaits `p`, expects it to revert with custom error `name`; returns the decoded args. */
export function expectCvmRevert(p: Promise<unknown>, name: string): Promise<readonly unknown[]> {
  return expectRevertIn(errors, p, name);
}

/** The custom error `p` reverted with ("no revert", "Panic", "undecoded 0x...", or "no data: ..."). */
export async function revertName(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    const r = decodeContractRevert(e, { abi: errors });
    return r && (r.raw || (r.errorName && r.errorName !== "Error")) ? r.errorName : `no data: ${e instanceof Error ? e.message.split("\n")[0] : String(e)}`;
  }
  return "no revert";
}

/** Every custom error name the CVM path may raise. */
export const CVM_PATH_ERRORS = new Set((errors as readonly { name: string }[]).map((e) => e.name));
