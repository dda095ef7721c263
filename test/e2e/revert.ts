/** Expect a revert by custom error name, decoding errors raised by any contract on the path. */
import { BaseError, ContractFunctionRevertedError, decodeErrorResult, type Abi, type Hex } from "viem";
import { expect } from "vitest";
import { cvmRegistryAbi } from "../../sdk/src/chain/abi/CvmRegistry.js";
import { workloadVerifierAbi } from "../../sdk/src/chain/abi/WorkloadVerifier.js";
import { iTpmQuoteVerifierAbi } from "../../sdk/src/chain/abi/ITpmQuoteVerifier.js";
import { iQuoteVerifierAbi } from "../../sdk/src/chain/abi/IQuoteVerifier.js";
import { cvmVaultAbi } from "../../sdk/src/chain/abi/CvmVault.js";
import { cvmGateAbi } from "../../sdk/src/chain/abi/CvmGate.js";
import { allianceAbi } from "../../sdk/src/chain/abi/Alliance.js";
import { iZkAttestationVerifierAbi } from "../../sdk/src/chain/abi/IZkAttestationVerifier.js";
import { asn1TimeAbi } from "../../sdk/src/chain/abi/Asn1Time.js";
import { bytesReadAbi } from "../../sdk/src/chain/abi/BytesRead.js";
import { derAbi } from "../../sdk/src/chain/abi/Der.js";
import { pemAbi } from "../../sdk/src/chain/abi/Pem.js";
import { x509Abi } from "../../sdk/src/chain/abi/X509.js";
import { dcapQuoteVerifierAbi } from "../../sdk/src/chain/abi/DcapQuoteVerifier.js";

/** OpenZeppelin Base64's error, raised inside DcapQuoteVerifier on a corrupted PCK certificate
 * (IQuoteVerifier declares it on the dcap branch; until then it is added here). */
const base64Error = { type: "error", name: "InvalidBase64Char", inputs: [{ name: "char", type: "bytes1" }] } as const;

const errors = [base64Error, ...cvmRegistryAbi, ...workloadVerifierAbi, ...iTpmQuoteVerifierAbi, ...iQuoteVerifierAbi, ...cvmVaultAbi, ...cvmGateAbi, ...allianceAbi, ...iZkAttestationVerifierAbi, ...dcapQuoteVerifierAbi, ...asn1TimeAbi, ...bytesReadAbi, ...derAbi, ...pemAbi, ...x509Abi].filter(
  (x) => x.type === "error",
) as Abi;

function rawOf(e: unknown): Hex | undefined {
  for (let x: any = e; x; x = x.cause) {
    const d = x.raw ?? x.data?.data ?? x.data;
    if (typeof d === "string" && d.startsWith("0x") && d.length >= 10) return d as Hex;
  }
  return undefined;
}

/** Awaits `p`, expects it to revert with custom error `name`; returns the decoded args. */
export async function expectCvmRevert(p: Promise<unknown>, name: string): Promise<readonly unknown[]> {
  let error: unknown;
  try {
    await p;
  } catch (e) {
    error = e;
  }
  if (error === undefined) throw new Error(`expected revert ${name}, but the call succeeded`);
  const r = error instanceof BaseError ? (error.walk((x) => x instanceof ContractFunctionRevertedError) as ContractFunctionRevertedError | null) : null;
  let got = r?.data?.errorName;
  let args: readonly unknown[] = r?.data?.args ?? [];
  const raw = r?.raw ?? rawOf(error);
  if ((!got || got === "Error") && raw) {
    try {
      const d = decodeErrorResult({ abi: errors, data: raw });
      got = d.errorName;
      args = (d.args ?? []) as readonly unknown[];
    } catch {
      got = `undecoded ${raw.slice(0, 10)}`;
    }
  }
  expect(got, `revert (${error instanceof Error ? error.message.split("\n")[0] : String(error)})`).toBe(name);
  return args;
}

/** The custom error `p` reverted with ("no revert", "Panic", or "undecoded 0x..." otherwise). */
export async function revertName(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    const r = e instanceof BaseError ? (e.walk((x) => x instanceof ContractFunctionRevertedError) as ContractFunctionRevertedError | null) : null;
    if (r?.data?.errorName && r.data.errorName !== "Error") return r.data.errorName;
    const raw = r?.raw ?? rawOf(e);
    if (!raw) return `no data: ${e instanceof Error ? e.message.split("\n")[0] : String(e)}`;
    try {
      return decodeErrorResult({ abi: errors, data: raw }).errorName;
    } catch {
      return `undecoded ${raw.slice(0, 10)}`;
    }
  }
  return "no revert";
}

/** Every custom error name the CVM path may raise. */
export const CVM_PATH_ERRORS = new Set((errors as readonly { name: string }[]).map((e) => e.name));
