/**
 * The one place a contract revert is decoded. Every chain action in the SDK that sends or simulates
 * a call rethrows a revert as a `ContractRevertError` naming the custom error and its arguments, the
 * CLI prints it, and the demo and tests match on `errorName`.
 *
 * The decoder has to look past the contract that was called: a CvmRegistry call can revert inside
 * the WorkloadVerifier, the DCAP verifier or an X.509 library, and the caller's ABI does not declare
 * those errors. So the revert data is decoded against the caller's ABI first, then against every
 * ABI the SDK ships (sdk/src/chain/abi/), or against ABIs the caller passes.
 */
import { BaseError, ContractFunctionExecutionError, ContractFunctionRevertedError, decodeErrorResult, type Abi, type Address, type Hex } from "viem";
import { PocError } from "../errors.js";
import { allianceAbi } from "./abi/Alliance.js";
import { asn1TimeAbi } from "./abi/Asn1Time.js";
import { automataDcapAdapterAbi } from "./abi/AutomataDcapAdapter.js";
import { bytesReadAbi } from "./abi/BytesRead.js";
import { collateralParserAbi } from "./abi/CollateralParser.js";
import { collateralStoreAbi } from "./abi/CollateralStore.js";
import { cvmGateAbi } from "./abi/CvmGate.js";
import { cvmRegistryAbi } from "./abi/CvmRegistry.js";
import { cvmVaultAbi } from "./abi/CvmVault.js";
import { dcapQuoteVerifierAbi } from "./abi/DcapQuoteVerifier.js";
import { derAbi } from "./abi/Der.js";
import { gceMethodAbi } from "./abi/GceMethod.js";
import { hardwareRegistryAbi } from "./abi/HardwareRegistry.js";
import { iQuoteVerifierAbi } from "./abi/IQuoteVerifier.js";
import { iTpmQuoteVerifierAbi } from "./abi/ITpmQuoteVerifier.js";
import { iZkAttestationVerifierAbi } from "./abi/IZkAttestationVerifier.js";
import { methodRegistryAbi } from "./abi/MethodRegistry.js";
import { pemAbi } from "./abi/Pem.js";
import { tpmAkCertificateVerifierAbi } from "./abi/TpmAkCertificateVerifier.js";
import { tpmQuoteVerifierAbi } from "./abi/TpmQuoteVerifier.js";
import { workloadVerifierAbi } from "./abi/WorkloadVerifier.js";
import { x509Abi } from "./abi/X509.js";
import { zkAttestationVerifierAbi } from "./abi/ZkAttestationVerifier.js";

/** The error items of `abis`, one per name+signature (several contracts share library errors). */
function errorItems(abis: readonly Abi[]): Abi {
  const seen = new Set<string>();
  const out: Abi[number][] = [];
  for (const abi of abis) {
    for (const item of abi) {
      if (item.type !== "error") continue;
      const key = `${item.name}(${item.inputs.map((i) => i.type).join(",")})`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(item);
    }
  }
  return out;
}

/** Every custom error any contract of this repository can raise, from the SDK's generated ABIs. */
export const pocErrorsAbi: Abi = errorItems([
  allianceAbi,
  asn1TimeAbi,
  automataDcapAdapterAbi,
  bytesReadAbi,
  collateralParserAbi,
  collateralStoreAbi,
  cvmGateAbi,
  cvmRegistryAbi,
  cvmVaultAbi,
  dcapQuoteVerifierAbi,
  derAbi,
  gceMethodAbi,
  hardwareRegistryAbi,
  iQuoteVerifierAbi,
  iTpmQuoteVerifierAbi,
  iZkAttestationVerifierAbi,
  methodRegistryAbi,
  pemAbi,
  tpmAkCertificateVerifierAbi,
  tpmQuoteVerifierAbi,
  workloadVerifierAbi,
  x509Abi,
  zkAttestationVerifierAbi,
]);

export type ContractRevertErrorParameters = {
  /**
   * The custom error's name; "Error" (args: [message]) for a `require` string, "Panic" (args:
   * [code]) for a failed assertion or arithmetic, "undecoded 0x<selector>" when no known ABI
   * declares the selector, "" when the revert carried no data at all.
   */
  errorName: string;
  args: readonly unknown[];
  /** The revert data as returned by the node; undefined when there was none. */
  raw?: Hex | undefined;
  /** The contract called: its name, its address, or both ("CvmRegistry 0x..."). */
  contract?: string | undefined;
  functionName?: string | undefined;
  cause?: unknown | undefined;
};

/** A contract call that reverted, decoded: which error, with which arguments, from which call. */
export class ContractRevertError extends PocError {
  override name = "ContractRevertError";
  readonly errorName: string;
  readonly args: readonly unknown[];
  readonly raw?: Hex | undefined;
  readonly contract?: string | undefined;
  readonly functionName?: string | undefined;

  constructor(p: ContractRevertErrorParameters) {
    const call = `${p.contract ?? "contract"}${p.functionName ? `.${p.functionName}` : ""}`;
    const what = p.errorName === "" ? "without a reason (no revert data)" : `with ${formatRevert(p.errorName, p.args)}`;
    super(`${call} reverted ${what}`, { cause: p.cause });
    this.errorName = p.errorName;
    this.args = p.args;
    this.raw = p.raw;
    this.contract = p.contract;
    this.functionName = p.functionName;
  }

  /** `Name(arg, ...)`, the error as a person reads it. */
  get reason(): string {
    return this.errorName === "" ? "revert without data" : formatRevert(this.errorName, this.args);
  }
}

function formatArg(a: unknown): string {
  if (typeof a === "bigint") return a.toString();
  if (typeof a === "string") return a.startsWith("0x") ? a : JSON.stringify(a);
  if (typeof a === "object" && a !== null) return JSON.stringify(a, (_k, v) => (typeof v === "bigint" ? v.toString() : v));
  return String(a);
}

function formatRevert(errorName: string, args: readonly unknown[]): string {
  return `${errorName}(${args.map(formatArg).join(", ")})`;
}

/** The first revert data (at least a selector) on `e`'s cause chain: viem's `raw`, an RPC error's `data`. */
function revertData(e: unknown): Hex | undefined {
  for (let x = e as { raw?: unknown; data?: unknown; cause?: unknown } | undefined, depth = 0; x && depth < 20; x = x.cause as typeof x, depth++) {
    const d = x.raw ?? (x.data as { data?: unknown } | undefined)?.data ?? x.data;
    if (typeof d === "string" && d.startsWith("0x") && d.length >= 10) return d as Hex;
  }
  return undefined;
}

export type DecodeContractRevertParameters = {
  /** ABIs tried before the SDK's (errors of contracts the SDK does not know). */
  abi?: Abi | readonly Abi[] | undefined;
  /** Replaces the SDK's ABIs instead of being tried before them. */
  only?: boolean | undefined;
  /** Names the call in the message when viem's error does not (e.g. for a raw `call`). */
  contract?: string | undefined;
  functionName?: string | undefined;
};
export type DecodeContractRevertReturnType = ContractRevertError | undefined;

/**
 * `error` as a `ContractRevertError` when it is (or wraps) a contract revert, else undefined (a
 * network failure, a bad argument: the caller rethrows those as they are).
 */
export function decodeContractRevert(error: unknown, p: DecodeContractRevertParameters = {}): DecodeContractRevertReturnType {
  if (error instanceof ContractRevertError) return error;
  const base = error instanceof BaseError ? error : undefined;
  const reverted = base ? (base.walk((x) => x instanceof ContractFunctionRevertedError) as ContractFunctionRevertedError | null) : null;
  const exec = base ? (base.walk((x) => x instanceof ContractFunctionExecutionError) as ContractFunctionExecutionError | null) : null;
  const raw = reverted?.raw ?? revertData(error);
  if (!reverted && !raw) return undefined;
  const address: Address | undefined = exec?.contractAddress;
  const contract = p.contract && address && !p.contract.includes(address) ? `${p.contract} ${address}` : (p.contract ?? address);
  const functionName = p.functionName ?? exec?.functionName;
  const make = (errorName: string, args: readonly unknown[]) => new ContractRevertError({ errorName, args, raw, contract, functionName, cause: error });

  // viem decoded it against the called contract's ABI. "Error" is also what viem reports for data it
  // could not match, so that case is decoded again below against the wider ABI list.
  const named = reverted?.data?.errorName;
  if (named && (named !== "Error" || !raw)) return make(named, reverted?.data?.args ?? []);
  if (!raw || raw === "0x") return make("", []);
  const extra = p.abi === undefined ? [] : isAbiList(p.abi) ? p.abi : [p.abi];
  const abi = p.only ? errorItems(extra) : extra.length ? errorItems([...extra, pocErrorsAbi]) : pocErrorsAbi;
  try {
    const d = decodeErrorResult({ abi, data: raw });
    return make(d.errorName, (d.args ?? []) as readonly unknown[]);
  } catch {
    return make(`undecoded ${raw.slice(0, 10)}`, []);
  }
}

function isAbiList(a: Abi | readonly Abi[]): a is readonly Abi[] {
  return a.length > 0 && Array.isArray(a[0]);
}

/**
 * Awaits `promise`; a revert comes back as a `ContractRevertError` (what every SDK write and
 * simulate action throws), anything else unchanged.
 */
export async function withRevertDecoding<T>(promise: Promise<T>, p: DecodeContractRevertParameters = {}): Promise<T> {
  try {
    return await promise;
  } catch (e) {
    throw decodeContractRevert(e, p) ?? e;
  }
}
