/**
 * Fetches DCAP collateral from an Intel PCS or a PCCS (same v4 API) and caches it until the earliest
 * `nextUpdate` of what it fetched (or a TTL, whichever is sooner). A refetch never goes back to an
 * older TCB evaluation or an earlier issue of the same one (CollateralRollbackError). Uses the
 * global `fetch` unless one is given, so it runs in browsers too. Shapes: docs/intel-collateral.md.
 */
import { PocError } from "../errors.js";
import { toBytes, hex, type BytesLike } from "../bytes.js";
import { collateralFromPcsResponses, type QuoteCollateralV3 } from "./collateral.js";
import { parseJsonText, JsonReader } from "./json.js";
import { CollateralRatchet } from "./collateralRatchet.js";
import { parseEnclaveIdentity, parseTcbInfo } from "./tcbInfo.js";
import { parsePckExtensions } from "./pckExtensions.js";
import { isBytes } from "./input.js";
import { parseQuote, type IntelQuote } from "./quote.js";

export class CollateralFetchError extends PocError {
  override name = "CollateralFetchError";
  readonly url: string;
  readonly status?: number | undefined;
  constructor(url: string, message: string, parameters: { status?: number; cause?: unknown } = {}) {
    super(`collateral fetch failed: ${message}`, { details: url, cause: parameters.cause });
    this.url = url;
    this.status = parameters.status;
  }
}

export type CollateralClientOptions = {
  /** PCS or PCCS base URL, e.g. https://api.trustedservices.intel.com or https://pccs.example:8081. */
  baseUrl: string;
  fetch?: typeof globalThis.fetch | undefined;
  /** Upper bound on how long fetched collateral is reused, seconds (default 3600). */
  ttlSeconds?: number | undefined;
  /** Where to get the Intel SGX Root CA CRL when the server has no /rootcacrl (Intel's PCS). */
  rootCaCrlUrl?: string | undefined;
  /** Clock for cache expiry, unix seconds. */
  now?: () => number;
};

export type GetCollateralParameters = {
  /** 6-byte FMSPC, hex with or without 0x. */
  fmspc: string;
  teeType: "SGX" | "TDX";
  /** Which PCK CA issued the platform's PCK certificate. */
  ca: "processor" | "platform";
};

export type CollateralClient = {
  getCollateral(parameters: GetCollateralParameters): Promise<QuoteCollateralV3>;
  /** Reads FMSPC, TEE type and PCK CA from the quote, then fetches. */
  getCollateralForQuote(quote: BytesLike | IntelQuote): Promise<QuoteCollateralV3>;
  /** Number of HTTP requests made so far (for tests and monitoring). */
  readonly requests: number;
};

const INTEL_ROOT_CA_CRL_URL = "https://certificates.trustedservices.intel.com/IntelSGXRootCA.der";

export function createCollateralClient(options: CollateralClientOptions): CollateralClient {
  const base = options.baseUrl.replace(/\/+$/, "").replace(/\/(sgx|tdx)\/certification\/v4$/, "");
  const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  const ttl = options.ttlSeconds ?? 3600;
  const clock = options.now ?? (() => Math.floor(Date.now() / 1000));
  const cache = new Map<string, { expires: number; value: Promise<QuoteCollateralV3> }>();
  // Outlives the cache entries: an entry expires or is dropped on failure, the latest version stays.
  // Fed before any signature is checked (verifyQuote checks them), so it trusts the transport to
  // the server as the collateral itself does until then.
  const ratchet = new CollateralRatchet("replacement");
  let requests = 0;

  async function get(url: string): Promise<Response> {
    requests++;
    let res: Response;
    try {
      res = await doFetch(url);
    } catch (cause) {
      throw new CollateralFetchError(url, "network error", { cause });
    }
    if (!res.ok) throw new CollateralFetchError(url, `HTTP ${res.status}`, { status: res.status });
    return res;
  }

  function header(res: Response, url: string, ...names: string[]): string {
    for (const n of names) {
      const v = res.headers.get(n);
      if (v) {
        try {
          return decodeURIComponent(v);
        } catch (cause) {
          throw new CollateralFetchError(url, `header ${n} is not URL-encoded PEM`, { cause });
        }
      }
    }
    throw new CollateralFetchError(url, `missing header ${names.join(" / ")}`);
  }

  async function rootCaCrl(): Promise<Uint8Array | string> {
    try {
      const res = await get(`${base}/sgx/certification/v4/rootcacrl`);
      return new Uint8Array(await res.arrayBuffer());
    } catch (e) {
      if (!(e instanceof CollateralFetchError) || e.status !== 404) throw e;
    }
    const res = await get(options.rootCaCrlUrl ?? INTEL_ROOT_CA_CRL_URL);
    return new Uint8Array(await res.arrayBuffer());
  }

  async function fetchChecked(p: GetCollateralParameters): Promise<QuoteCollateralV3> {
    const c = await fetchAll(p);
    ratchet.admit(CollateralRatchet.offers(parseTcbInfo(parseJsonText(c.tcb_info, "TCB info")), parseEnclaveIdentity(parseJsonText(c.qe_identity, "QE identity"))));
    return c;
  }

  async function fetchAll(p: GetCollateralParameters): Promise<QuoteCollateralV3> {
    const tee = p.teeType === "TDX" ? "tdx" : "sgx";
    const fmspc = hex(toBytes(p.fmspc, "fmspc")).toUpperCase();
    const crlUrl = `${base}/sgx/certification/v4/pckcrl?ca=${p.ca}&encoding=der`;
    const tcbUrl = `${base}/${tee}/certification/v4/tcb?fmspc=${fmspc}`;
    const qeUrl = `${base}/${tee}/certification/v4/qe/identity`;
    const [crlRes, tcbRes, qeRes, rootCrl] = await Promise.all([get(crlUrl), get(tcbUrl), get(qeUrl), rootCaCrl()]);
    return collateralFromPcsResponses({
      pckCrl: new Uint8Array(await crlRes.arrayBuffer()),
      pckCrlIssuerChain: header(crlRes, crlUrl, "SGX-PCK-CRL-Issuer-Chain"),
      tcbInfoBody: await tcbRes.text(),
      tcbInfoIssuerChain: header(tcbRes, tcbUrl, "TCB-Info-Issuer-Chain", "SGX-TCB-Info-Issuer-Chain"),
      qeIdentityBody: await qeRes.text(),
      qeIdentityIssuerChain: header(qeRes, qeUrl, "SGX-Enclave-Identity-Issuer-Chain"),
      rootCaCrl: rootCrl,
    });
  }

  function expiryOf(c: QuoteCollateralV3): number {
    const next = (text: string, structure: string) => JsonReader.of(parseJsonText(text, structure), structure).date("nextUpdate");
    return Math.min(next(c.tcb_info, "TCB info"), next(c.qe_identity, "QE identity"));
  }

  const client: CollateralClient = {
    getCollateral(p) {
      const key = `${p.teeType}:${p.fmspc.toLowerCase().replace(/^0x/, "")}:${p.ca}`;
      const now = clock();
      const hit = cache.get(key);
      if (hit && hit.expires > now) return hit.value;
      const value = fetchChecked(p);
      const entry = { expires: now + ttl, value };
      cache.set(key, entry);
      value.then(
        (c) => (entry.expires = Math.min(entry.expires, expiryOf(c))),
        () => cache.delete(key),
      );
      return value;
    },
    getCollateralForQuote(input) {
      const quote = isBytes(input) || typeof input === "string" ? parseQuote(input) : input;
      const leaf = quote.pckChain[0]!;
      const ext = parsePckExtensions(leaf);
      // The PCK CA is named in the leaf's issuer CN: "Intel SGX PCK Processor CA" or "... Platform CA".
      const issuerText = new TextDecoder("latin1").decode(leaf);
      const ca = issuerText.includes("Intel SGX PCK Platform CA") ? "platform" : "processor";
      return client.getCollateral({ fmspc: hex(ext.fmspc), teeType: quote.teeType, ca });
    },
    get requests() {
      return requests;
    },
  };
  return client;
}
