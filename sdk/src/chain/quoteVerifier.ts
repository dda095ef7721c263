/**
 * Calldata builders and viem actions for the onchain Intel DCAP verifier
 * (contracts/verifier/dcap/DcapQuoteVerifier.sol; output and cache layouts in docs/onchain-dcap.md).
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
  encodeFunctionData,
  keccak256,
  toHex,
} from "viem";
import { dcapQuoteVerifierAbi } from "./abi/DcapQuoteVerifier.js";
import { parseQuote, type IntelQuote } from "../intel/index.js";
import { type BytesLike, concatBytes, toBytes } from "../bytes.js";
import { ParseError } from "../errors.js";
import { withRevertDecoding } from "./revert.js";
import { TCB_STATUS_NAMES, type TcbStatusName } from "../vocabulary/tcbStatus.js";

/** Certification data type of a compressed quote: the PCK chain replaced by its 32-byte cache key. */
export const CERT_TYPE_CACHED_PCK = 0x0100;


/** `INTEL-SA-nnnnn` for an advisory number as the verifier returns it. */
export function advisoryIdToString(n: number): string {
  return `INTEL-SA-${String(n).padStart(5, "0")}`;
}

function asQuote(quote: BytesLike | IntelQuote): IntelQuote {
  return quote instanceof Uint8Array || typeof quote === "string" ? parseQuote(quote) : quote;
}

/** The bytes to send: compressed on request, else the quote exactly as given (even one the SDK would refuse). */
function quoteBytes(quote: BytesLike | IntelQuote, compressed: boolean): Uint8Array {
  if (compressed) return compressQuote(quote);
  return quote instanceof Uint8Array || typeof quote === "string" ? toBytes(quote, "quote") : quote.raw;
}

const PEM_END = "-----END CERTIFICATE-----\n";

/**
 * The platform-cache key of a quote's PCK certificate: keccak256 of the leaf's canonical PEM block
 * (`-----BEGIN CERTIFICATE-----\n` ... `-----END CERTIFICATE-----\n`, 64-column base64) exactly as
 * the quote carries it; what the contract hashes (docs/onchain-dcap.md).
 */
export function pckCertHash(quote: BytesLike | IntelQuote): Hex {
  const q = asQuote(quote);
  const end = q.pckChainPem.indexOf(PEM_END);
  if (!q.pckChainPem.startsWith("-----BEGIN CERTIFICATE-----\n") || end < 0) {
    throw new ParseError({ structure: "Intel quote", field: "pckChainPem", offset: 0, expected: "a canonical PEM certificate" });
  }
  return keccak256(new TextEncoder().encode(q.pckChainPem.slice(0, end + PEM_END.length)));
}

function u16le(n: number): Uint8Array {
  return new Uint8Array([n & 0xff, (n >> 8) & 0xff]);
}
function u32le(n: number): Uint8Array {
  return new Uint8Array([n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff, (n >>> 24) & 0xff]);
}

/**
 * The compressed form of a quote from a platform the verifier has cached: identical signed bytes,
 * signatures, QE report and QE auth data, with the PCK certificate chain replaced by
 * {@link pckCertHash} (certification data type 0x0100). About 1.1 KB instead of ~5 KB of calldata.
 */
export function compressQuote(quote: BytesLike | IntelQuote): Uint8Array {
  const q = asQuote(quote);
  const hash = toBytes(pckCertHash(q));
  const inner = concatBytes(
    q.qeReportBytes,
    q.qeReportSignature,
    u16le(q.qeAuthData.length),
    q.qeAuthData,
    u16le(CERT_TYPE_CACHED_PCK),
    u32le(32),
    hash,
  );
  const auth =
    q.header.version === 3
      ? concatBytes(q.signature, q.attestationKey, inner)
      : concatBytes(q.signature, q.attestationKey, u16le(6), u32le(inner.length), inner);
  return concatBytes(q.signedBytes, u32le(auth.length), auth);
}

/** Calldata of `verifyQuote(quote)`; with `compressed` the quote is sent in compressed form. */
export function encodeVerifyQuote(quote: BytesLike | IntelQuote, { compressed = false } = {}): Hex {
  const bytes = quoteBytes(quote, compressed);
  return encodeFunctionData({ abi: dcapQuoteVerifierAbi, functionName: "verifyQuote", args: [toHex(bytes)] });
}

/** `VerifiedQuote` as the contract returns it, with the TCB status named. */
export type OnchainVerifiedQuote = {
  teeType: number;
  quoteVersion: number;
  bodyType: number;
  tcbStatus: TcbStatusName;
  advisoryIds: string[];
  ppid: Hex;
  fmspc: Hex;
  pckCertHash: Hex;
  collateralExpiry: bigint;
  reportData: Hex;
  reportBody: Hex;
};

type RawVerifiedQuote = Omit<OnchainVerifiedQuote, "tcbStatus" | "advisoryIds"> & {
  tcbStatus: number;
  advisoryIds: readonly number[];
};

/** Names the status and advisories of a raw `VerifiedQuote`. */
export function toOnchainVerifiedQuote(raw: RawVerifiedQuote): OnchainVerifiedQuote {
  return {
    ...raw,
    tcbStatus: TCB_STATUS_NAMES[raw.tcbStatus]!,
    advisoryIds: raw.advisoryIds.map(advisoryIdToString),
  };
}

export type SimulateVerifyQuoteParameters = {
  address: Address;
  quote: BytesLike | IntelQuote;
  compressed?: boolean;
  account?: Account | Address;
};
export type SimulateVerifyQuoteReturnType = OnchainVerifiedQuote;

/**
 * Runs `verifyQuote` as an eth_call at the latest block: the verdict without a transaction (and
 * without caching the platform). A revert is thrown as a `ContractRevertError` naming the custom
 * error, wherever on the verifier's call path it was raised.
 */
export async function simulateVerifyQuote(
  client: PublicClient,
  { address, quote, compressed = false, account }: SimulateVerifyQuoteParameters,
): Promise<SimulateVerifyQuoteReturnType> {
  const bytes = quoteBytes(quote, compressed);
  const { result } = await withRevertDecoding(
    client.simulateContract({
      address,
      abi: dcapQuoteVerifierAbi,
      functionName: "verifyQuote",
      args: [toHex(bytes)],
      ...(account ? { account } : {}),
    }),
    { contract: "DcapQuoteVerifier", functionName: "verifyQuote" },
  );
  return toOnchainVerifiedQuote(result as RawVerifiedQuote);
}

export type WriteVerifyQuoteParameters = { address: Address; quote: BytesLike | IntelQuote; compressed?: boolean };

/** Sends `verifyQuote` as a transaction (caching the platform on first sight); returns its hash. */
export async function writeVerifyQuote<chain extends Chain | undefined, account extends Account | undefined>(
  client: WalletClient<Transport, chain, account>,
  { address, quote, compressed = false }: WriteVerifyQuoteParameters,
): Promise<Hex> {
  const sent = client.sendTransaction({
    to: address,
    data: encodeVerifyQuote(quote, { compressed }),
    account: client.account!,
    chain: client.chain,
  } as never) as Promise<Hex>;
  return withRevertDecoding(sent, { contract: `DcapQuoteVerifier ${address}`, functionName: "verifyQuote" });
}

export type ReadCachedPlatformParameters = { address: Address; pckCertHash: Hex };
export type ReadCachedPlatformReturnType = {
  cached: boolean;
  ppid: Hex;
  fmspc: Hex;
  cpuSvn: Hex;
  pceSvn: number;
  pceId: Hex;
  notBefore: bigint;
  notAfter: bigint;
};

/** The verifier's cached platform for a PCK certificate hash (`cached` false when absent). */
export async function readCachedPlatform(
  client: Client,
  { address, pckCertHash }: ReadCachedPlatformParameters,
): Promise<ReadCachedPlatformReturnType> {
  const p = await (client as PublicClient).readContract({
    address,
    abi: dcapQuoteVerifierAbi,
    functionName: "platform",
    args: [pckCertHash],
  });
  return {
    cached: p.notAfter !== 0n,
    ppid: p.ppid,
    fmspc: p.fmspc,
    cpuSvn: p.cpuSvn,
    pceSvn: p.pceSvn,
    pceId: p.pceId,
    notBefore: p.notBefore,
    notAfter: p.notAfter,
  };
}

/** Byte offsets of the registers inside `reportBody` (docs/onchain-dcap.md). */
export const REPORT_BODY_LAYOUT = {
  sgx: { cpuSvn: [0, 16], miscSelect: [16, 4], attributes: [48, 16], mrEnclave: [64, 32], mrSigner: [128, 32], isvProdId: [256, 2], isvSvn: [258, 2], reportData: [320, 64] },
  td: {
    teeTcbSvn: [0, 16], mrSeam: [16, 48], mrSignerSeam: [64, 48], seamAttributes: [112, 8], tdAttributes: [120, 8], xfam: [128, 8],
    mrTd: [136, 48], mrConfigId: [184, 48], mrOwner: [232, 48], mrOwnerConfig: [280, 48],
    rtmr0: [328, 48], rtmr1: [376, 48], rtmr2: [424, 48], rtmr3: [472, 48], reportData: [520, 64],
    teeTcbSvn2: [584, 16], mrServiceTd: [600, 48],
  },
} as const;

/** The named registers of a `reportBody` (hex of each field; the little-endian integers as numbers). */
export function decodeReportBody(bodyType: number, reportBody: Hex): Record<string, Hex | number> {
  const b = toBytes(reportBody, "reportBody");
  const layout = bodyType === 1 ? REPORT_BODY_LAYOUT.sgx : REPORT_BODY_LAYOUT.td;
  const out: Record<string, Hex | number> = {};
  for (const [name, [off, len]] of Object.entries(layout)) {
    if (off + len > b.length) continue;
    const field = b.subarray(off, off + len);
    if (name === "isvProdId" || name === "isvSvn" || name === "miscSelect") {
      out[name] = field.reduceRight((acc, x) => acc * 256 + x, 0);
    } else {
      out[name] = toHex(field);
    }
  }
  return out;
}

/**
 * Decorator for `client.extend(...)`: the verifier actions bound to one deployment, e.g.
 * `publicClient.extend(dcapQuoteVerifierActions({ verifier })).simulateVerifyQuote({ quote })`.
 */
export function dcapQuoteVerifierActions({ verifier }: { verifier: Address }) {
  return (client: Client) => ({
    simulateVerifyQuote: (args: Omit<SimulateVerifyQuoteParameters, "address">) =>
      simulateVerifyQuote(client as PublicClient, { address: verifier, ...args }),
    readCachedPlatform: (args: Omit<ReadCachedPlatformParameters, "address">) =>
      readCachedPlatform(client, { address: verifier, ...args }),
  });
}
