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
import { readContract } from "viem/actions";
import { dcapQuoteVerifierAbi } from "./abi/DcapQuoteVerifier.js";
import { parseQuote, type IntelQuote } from "../intel/index.js";
import { type BytesLike, concatBytes, equalBytes, toBytes } from "../bytes.js";
import { INTEL_SGX_ROOT_CA_DER } from "../intel/rootCa.js";
import { verifyPckChain } from "../intel/verifyCollateral.js";
import { loadPinnedRoot, type PinnedRoot } from "../pki/p256Chain.js";
import { ParseError } from "../errors.js";
import { withRevertDecoding } from "./revert.js";
import { TCB_STATUS_NAMES, type TcbStatusName } from "../vocabulary/tcbStatus.js";

/** Certification data type of a compressed quote: the PCK chain replaced by its 32-byte cache key. */
export const CERT_TYPE_CACHED_PCK = 0x0100;
/** Certification data type of a leaf-form quote: the PCK chain replaced by the PCK leaf's DER. */
export const CERT_TYPE_PCK_LEAF_DER = 0x0101;

/**
 * What `verifyQuote` is sent (docs/onchain-dcap.md, "Calldata forms"): the quote as Intel made it
 * ("full"), its PCK chain replaced by the leaf certificate's DER ("leaf", cheapest on a platform's
 * first sight) or by the cached platform's key ("compressed", cheapest once cached). "auto" lets
 * {@link chooseVerifyQuoteForm} pick.
 */
export type VerifyQuoteForm = "full" | "leaf" | "compressed";


/** `INTEL-SA-nnnnn` for an advisory number as the verifier returns it. */
export function advisoryIdToString(n: number): string {
  return `INTEL-SA-${String(n).padStart(5, "0")}`;
}

function asQuote(quote: BytesLike | IntelQuote): IntelQuote {
  return quote instanceof Uint8Array || typeof quote === "string" ? parseQuote(quote) : quote;
}

/** The bytes to send in `form`; "full" is the quote exactly as given (even one the SDK would refuse). */
function quoteBytes(quote: BytesLike | IntelQuote, form: VerifyQuoteForm): Uint8Array {
  if (form === "compressed") return compressQuote(quote);
  if (form === "leaf") return leafQuote(quote);
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
 * Low level: the quote with its certification data (the PCK chain) replaced by `certType` and `data`,
 * every length field recomputed (layouts in docs/onchain-dcap.md). {@link compressQuote} and
 * {@link leafQuote} are built on it; tests use it to send a leaf that is not the quote's own.
 */
export function withCertificationData(quote: BytesLike | IntelQuote, certType: number, data: Uint8Array): Uint8Array {
  const q = asQuote(quote);
  const inner = concatBytes(
    q.qeReportBytes,
    q.qeReportSignature,
    u16le(q.qeAuthData.length),
    q.qeAuthData,
    u16le(certType),
    u32le(data.length),
    data,
  );
  const auth =
    q.header.version === 3
      ? concatBytes(q.signature, q.attestationKey, inner)
      : concatBytes(q.signature, q.attestationKey, u16le(6), u32le(inner.length), inner);
  return concatBytes(q.signedBytes, u32le(auth.length), auth);
}

/**
 * The compressed form of a quote from a platform the verifier has cached: identical signed bytes,
 * signatures, QE report and QE auth data, with the PCK certificate chain replaced by
 * {@link pckCertHash} (certification data type 0x0100). About 1.1 KB instead of ~5 KB of calldata.
 */
export function compressQuote(quote: BytesLike | IntelQuote): Uint8Array {
  const q = asQuote(quote);
  return withCertificationData(q, CERT_TYPE_CACHED_PCK, toBytes(pckCertHash(q)));
}

/**
 * The leaf form of a quote: the PCK certificate chain replaced by the leaf certificate's DER
 * (certification data type 0x0101); the verifier takes the chain above it from its collateral store.
 * About 2.5 KB instead of ~5 KB, and no base64 to decode onchain.
 */
export function leafQuote(quote: BytesLike | IntelQuote): Uint8Array {
  const q = asQuote(quote);
  const leaf = q.pckChain[0];
  if (!leaf) throw new ParseError({ structure: "Intel quote", field: "pckChain", offset: 0, expected: "a PCK leaf certificate" });
  return withCertificationData(q, CERT_TYPE_PCK_LEAF_DER, leaf);
}

let pinnedRoot: Promise<PinnedRoot> | undefined;

/**
 * Whether dropping the quote's chain above the leaf changes nothing the verifier would decide: the
 * chain is leaf, PCK CA, the pinned Intel root, the CA signed by the root and the leaf by the CA
 * (signatures only; times and revocation are the verifier's). Otherwise the full quote must go, so
 * the verifier refuses what the SDK refuses.
 */
async function chainIsIntels(q: IntelQuote): Promise<boolean> {
  if (q.pckChain.length !== 3 || !equalBytes(q.pckChain[2]!, INTEL_SGX_ROOT_CA_DER)) return false;
  pinnedRoot ??= loadPinnedRoot(INTEL_SGX_ROOT_CA_DER);
  try {
    await verifyPckChain(q.pckChain, await pinnedRoot);
    return true;
  } catch {
    return false;
  }
}

/**
 * The cheapest form of `quote` for the verifier at `address` that reaches the verdict the full
 * quote would: "compressed" when its platform is cached, else "leaf"; "full" when the SDK cannot
 * parse the quote or its PCK chain is not leaf, CA and Intel root signing each other (the verifier
 * must then see the chain to refuse it). Reads the cache with one `eth_call`.
 */
export async function chooseVerifyQuoteForm(
  client: Client,
  { address, quote }: { address: Address; quote: BytesLike | IntelQuote },
): Promise<VerifyQuoteForm> {
  let q: IntelQuote;
  try {
    q = asQuote(quote);
  } catch {
    return "full";
  }
  if (!(await chainIsIntels(q))) return "full";
  return (await readCachedPlatform(client, { address, pckCertHash: pckCertHash(q) })).cached ? "compressed" : "leaf";
}

/**
 * Calldata of `verifyQuote(quote)` in `form` (default "full"; `compressed: true` is form
 * "compressed"). {@link chooseVerifyQuoteForm} picks the cheapest form for a deployment.
 */
export function encodeVerifyQuote(
  quote: BytesLike | IntelQuote,
  { compressed = false, form }: { compressed?: boolean; form?: VerifyQuoteForm } = {},
): Hex {
  const bytes = quoteBytes(quote, form ?? (compressed ? "compressed" : "full"));
  return encodeFunctionData({ abi: dcapQuoteVerifierAbi, functionName: "verifyQuote", args: [toHex(bytes)] });
}

/** The form to send: an explicit one, `compressed`, or (default) the cheapest for the deployment. */
async function resolveForm(
  client: Client,
  address: Address,
  quote: BytesLike | IntelQuote,
  { form = "auto", compressed = false }: { form?: VerifyQuoteForm | "auto"; compressed?: boolean },
): Promise<VerifyQuoteForm> {
  if (compressed) return "compressed";
  return form === "auto" ? chooseVerifyQuoteForm(client, { address, quote }) : form;
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
  /** Default "auto": the cheapest form that reaches the full quote's verdict ({@link chooseVerifyQuoteForm}). */
  form?: VerifyQuoteForm | "auto" | undefined;
  /** Same as `form: "compressed"`. */
  compressed?: boolean | undefined;
  account?: Account | Address | undefined;
};
export type SimulateVerifyQuoteReturnType = OnchainVerifiedQuote;

/**
 * Runs `verifyQuote` as an eth_call at the latest block: the verdict without a transaction (and
 * without caching the platform). A revert is thrown as a `ContractRevertError` naming the custom
 * error, wherever on the verifier's call path it was raised.
 */
export async function simulateVerifyQuote(
  client: PublicClient,
  { address, quote, compressed = false, form, account }: SimulateVerifyQuoteParameters,
): Promise<SimulateVerifyQuoteReturnType> {
  const bytes = quoteBytes(quote, await resolveForm(client, address, quote, { compressed, ...(form ? { form } : {}) }));
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

export type WriteVerifyQuoteParameters = {
  address: Address;
  quote: BytesLike | IntelQuote;
  /** Default "auto": the cheapest form that reaches the full quote's verdict ({@link chooseVerifyQuoteForm}). */
  form?: VerifyQuoteForm | "auto" | undefined;
  /** Same as `form: "compressed"`. */
  compressed?: boolean | undefined;
};

/** Sends `verifyQuote` as a transaction (caching the platform on first sight); returns its hash. */
export async function writeVerifyQuote<chain extends Chain | undefined, account extends Account | undefined>(
  client: WalletClient<Transport, chain, account>,
  { address, quote, compressed = false, form }: WriteVerifyQuoteParameters,
): Promise<Hex> {
  const chosen = await resolveForm(client, address, quote, { compressed, ...(form ? { form } : {}) });
  const sent = client.sendTransaction({
    to: address,
    data: encodeVerifyQuote(quote, { form: chosen }),
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
  // viem/actions' readContract: any client with a transport (a wallet client too) can read the cache
  const p = await readContract(client, {
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
