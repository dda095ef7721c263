/**
 * Calldata builders and viem actions for the onchain DCAP collateral store
 * (contracts/verifier/dcap/CollateralStore.sol, layouts in docs/onchain-dcap.md).
 * Browser-safe: no node: imports.
 */
import {
  type Account,
  type Address,
  type Chain,
  type Client,
  type Hex,
  type PublicClient,
  type Transport,
  type WalletClient,
  BaseError,
  encodeFunctionData,
  toHex,
} from "viem";
import { sha256 } from "@noble/hashes/sha2.js";
import { collateralStoreAbi } from "./abi/CollateralStore.js";
import { collateralParserAbi } from "./abi/CollateralParser.js";
import { PocError, ParseError } from "../errors.js";
import { decodeContractRevert } from "./revert.js";
import { parseCollateral, INTEL_SGX_ROOT_CA_DER, type QuoteCollateralV3 } from "../intel/index.js";
import { toBytes, hex, equalBytes } from "../bytes.js";
import { pemCertificateBlocks } from "../pki/pem.js";

/** Collateral in the `QuoteCollateralV3` shape (from the SDK's Intel module: JSON or PCS responses). */
export type { QuoteCollateralV3 };

export type CollateralUploadKind = "rootCertificate" | "certificate" | "crl" | "tcbInfo" | "qeIdentity";

/** One transaction to the store: what it uploads and its calldata. */
export type CollateralUpload = {
  kind: CollateralUploadKind;
  label: string;
  functionName: "uploadRootCertificate" | "uploadCertificate" | "uploadCrl" | "uploadTcbInfo" | "uploadQeIdentity";
  args: readonly [Hex] | readonly [Hex, Hex];
  data: Hex;
};

/** Every certificate of a PEM chain, as DER, in order. */
export function pemCertificates(pem: string, what = "certificate chain"): Uint8Array[] {
  const out = pemCertificateBlocks(pem, what).map((b) => b.der);
  if (out.length === 0) throw new ParseError({ structure: what, field: "PEM", offset: 0, expected: "at least one CERTIFICATE block" });
  return out;
}

/** sha256 of a DER certificate: the form `CollateralStore.rootCertHash` pins. */
export function certificateHash(der: Uint8Array): Hex {
  return toHex(sha256(der));
}

function upload(kind: CollateralUploadKind, label: string, functionName: CollateralUpload["functionName"], args: CollateralUpload["args"]): CollateralUpload {
  return { kind, label, functionName, args, data: encodeFunctionData({ abi: collateralStoreAbi, functionName, args } as never) };
}

export type BuildCollateralUploadsParameters = {
  collateral: QuoteCollateralV3;
  /** The pinned root (DER); the Intel SGX Root CA by default. The root in the chains must equal it. */
  rootCertificate?: Uint8Array | undefined;
};

function bytesOf(v: string | number[], field: string): Uint8Array {
  return typeof v === "string" ? toBytes(v, field) : Uint8Array.from(v);
}

/**
 * The uploads that put `collateral` onchain, in the order the store needs them: root certificate,
 * intermediates (each once), root CA CRL, PCK CRL, TCB info, QE identity.
 */
export function buildCollateralUploads({ collateral, rootCertificate = INTEL_SGX_ROOT_CA_DER }: BuildCollateralUploadsParameters): CollateralUpload[] {
  const out: CollateralUpload[] = [upload("rootCertificate", "Intel SGX Root CA", "uploadRootCertificate", [toHex(rootCertificate)])];
  const seen = new Set<string>([hex(rootCertificate)]);
  for (const [name, chain] of [
    ["pck_crl_issuer_chain", collateral.pck_crl_issuer_chain],
    ["tcb_info_issuer_chain", collateral.tcb_info_issuer_chain],
    ["qe_identity_issuer_chain", collateral.qe_identity_issuer_chain],
  ] as const) {
    const certs = pemCertificates(chain, name);
    const last = certs[certs.length - 1]!;
    if (!equalBytes(last, rootCertificate)) {
      throw new ParseError({ structure: "collateral", field: name, offset: 0, expected: "a chain ending at the pinned Intel SGX Root CA" });
    }
    for (const der of certs) {
      const h = hex(der);
      if (seen.has(h)) continue;
      seen.add(h);
      out.push(upload("certificate", `${name} certificate`, "uploadCertificate", [toHex(der)]));
    }
  }
  out.push(upload("crl", "root CA CRL", "uploadCrl", [toHex(bytesOf(collateral.root_ca_crl, "root_ca_crl"))]));
  out.push(upload("crl", "PCK CRL", "uploadCrl", [toHex(bytesOf(collateral.pck_crl, "pck_crl"))]));
  out.push(
    upload("tcbInfo", "TCB info", "uploadTcbInfo", [
      toHex(new TextEncoder().encode(collateral.tcb_info)),
      toHex(signature64(collateral.tcb_info_signature, "tcb_info_signature")),
    ]),
  );
  out.push(
    upload("qeIdentity", "QE identity", "uploadQeIdentity", [
      toHex(new TextEncoder().encode(collateral.qe_identity)),
      toHex(signature64(collateral.qe_identity_signature, "qe_identity_signature")),
    ]),
  );
  return out;
}

function signature64(s: string | number[], field: string): Uint8Array {
  const b = bytesOf(s, field);
  if (b.length !== 64) throw new ParseError({ structure: "collateral", field, offset: 0, expected: "64 bytes r||s", got: `${b.length} bytes` });
  return b;
}

/**
 * Reads a collateral file: `QuoteCollateralV3` JSON or Intel PCS responses (the SDK's
 * {@link parseCollateral}); throws ParseError naming the field on bad input.
 */
export function parseQuoteCollateralV3(text: string): QuoteCollateralV3 {
  return parseCollateral(text);
}

export class CollateralUploadError extends PocError {
  override name = "CollateralUploadError";
  constructor(readonly upload: CollateralUpload, cause: unknown) {
    super(`collateral upload failed: ${upload.label}`, {
      details: cause instanceof BaseError || cause instanceof PocError ? cause.shortMessage : String(cause),
      cause,
    });
  }
}

export type UploadCollateralParameters = {
  address: Address;
  uploads: CollateralUpload[];
  /** Called after each upload with what happened. */
  onProgress?: (u: CollateralUpload, outcome: "stored" | "already-current", gasUsed?: bigint) => void;
};

export type UploadCollateralReturnType = { stored: number; alreadyCurrent: number; gasUsed: bigint };

/**
 * Sends every upload; one the store already holds (or holds a newer version of) reverts `NotNewer`
 * in simulation, or `CollateralRollback` when the store holds a later TCB evaluation, and is
 * skipped, so the action is idempotent.
 */
export async function uploadCollateral<chain extends Chain | undefined, account extends Account | undefined>(
  walletClient: WalletClient<Transport, chain, account>,
  publicClient: PublicClient,
  { address, uploads, onProgress }: UploadCollateralParameters,
): Promise<UploadCollateralReturnType> {
  let stored = 0;
  let alreadyCurrent = 0;
  let gasUsed = 0n;
  for (const u of uploads) {
    try {
      await publicClient.call({ account: walletClient.account, to: address, data: u.data });
    } catch (err) {
      const revert = decodeContractRevert(err, { abi: collateralStoreFullAbi, contract: `CollateralStore ${address}`, functionName: u.label });
      if (revert?.errorName === "NotNewer" || revert?.errorName === "CollateralRollback") {
        alreadyCurrent++;
        onProgress?.(u, "already-current");
        continue;
      }
      throw new CollateralUploadError(u, revert ?? err);
    }
    const hash = await walletClient.sendTransaction({ to: address, data: u.data, account: walletClient.account!, chain: walletClient.chain } as never);
    const receipt = await publicClient.waitForTransactionReceipt({ hash });
    if (receipt.status !== "success") throw new CollateralUploadError(u, new Error(`transaction ${hash} reverted`));
    stored++;
    gasUsed += receipt.gasUsed;
    onProgress?.(u, "stored", receipt.gasUsed);
  }
  return { stored, alreadyCurrent, gasUsed };
}

/** The store's ABI with the errors its JSON parser raises, for decoding any upload revert. */
export const collateralStoreFullAbi = [...collateralStoreAbi, ...collateralParserAbi.filter((x) => x.type === "error")] as const;

/** The custom error name in a failed call to the store (undefined when the revert names none). */
export function collateralStoreErrorName(err: unknown): string | undefined {
  const name = decodeContractRevert(err, { abi: collateralStoreFullAbi })?.errorName;
  return name && !name.startsWith("undecoded ") ? name : undefined;
}

export type ReadCollateralRecordReturnType = { stored: boolean; data: Address; issueDate: number; nextUpdate: number };

/** The store's TCB info record for (`tee` "SGX" | "TDX", `fmspc`). */
export async function readTcbInfoRecord(
  client: Client,
  { address, tee, fmspc }: { address: Address; tee: "SGX" | "TDX"; fmspc: Hex },
): Promise<ReadCollateralRecordReturnType> {
  const r = await (client as PublicClient).readContract({ address, abi: collateralStoreAbi, functionName: "tcbInfo", args: [tee === "TDX" ? 1 : 0, fmspc] });
  return { stored: r.data !== ZERO, data: r.data, issueDate: r.issueDate, nextUpdate: r.nextUpdate };
}

/** The store's QE identity record for the QE of `tee` ("SGX" → QE, "TDX" → TD_QE). */
export async function readQeIdentityRecord(
  client: Client,
  { address, tee }: { address: Address; tee: "SGX" | "TDX" },
): Promise<ReadCollateralRecordReturnType> {
  const r = await (client as PublicClient).readContract({ address, abi: collateralStoreAbi, functionName: "qeIdentity", args: [tee === "TDX" ? 1 : 0] });
  return { stored: r.data !== ZERO, data: r.data, issueDate: r.issueDate, nextUpdate: r.nextUpdate };
}

const ZERO = "0x0000000000000000000000000000000000000000";
