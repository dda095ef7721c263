/** Expect a revert by custom error name, decoding errors raised by any contract on the path. */
import type { Abi } from "viem";
import { decodeRevert, expectRevertIn } from "./revert.js";
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

/** OpenZeppelin Base64's error, raised inside DcapQuoteVerifier on a corrupted PCK certificate
 * (IQuoteVerifier declares it on the dcap branch; until then it is added here). */
const base64Error = { type: "error", name: "InvalidBase64Char", inputs: [{ name: "char", type: "bytes1" }] } as const;

const errors = [base64Error, ...cvmRegistryAbi, ...workloadVerifierAbi, ...iTpmQuoteVerifierAbi, ...iQuoteVerifierAbi, ...cvmVaultAbi, ...cvmGateAbi, ...allianceAbi, ...iZkAttestationVerifierAbi, ...dcapQuoteVerifierAbi, ...asn1TimeAbi, ...bytesReadAbi, ...derAbi, ...pemAbi, ...x509Abi].filter(
  (x) => x.type === "error",
) as Abi;

/** Awaits `p`, expects it to revert with custom error `name`; returns the decoded args. */
export function expectCvmRevert(p: Promise<unknown>, name: string): Promise<readonly unknown[]> {
  return expectRevertIn(errors, p, name);
}

/** The custom error `p` reverted with ("no revert", "Panic", or "undecoded 0x..." otherwise). */
export async function revertName(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    const d = decodeRevert(e, errors);
    return d.raw || (d.name && d.name !== "Error") ? d.name! : `no data: ${e instanceof Error ? e.message.split("\n")[0] : String(e)}`;
  }
  return "no revert";
}

/** Every custom error name the CVM path may raise. */
export const CVM_PATH_ERRORS = new Set((errors as readonly { name: string }[]).map((e) => e.name));
