/**
 * The collateral client against a local PCS/PCCS stand-in: a node:http server on 127.0.0.1 that
 * serves the fixture collateral in the Intel PCS v4 API shapes (no PCCS is reachable from here).
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  collateralFromPcsResponses,
  CollateralFetchError,
  createCollateralClient,
  createIntelVerifierCache,
  parseCollateral,
  verifyQuote,
  type QuoteCollateralV3,
} from "../../../sdk/src/intel/index.js";
import { sgxV3, tdxV4 } from "./fixtures.js";

const fixtures = [
  { f: tdxV4, tee: "tdx", ca: "platform", fmspc: "B0C06F000000", c: JSON.parse(tdxV4.collateral!) as QuoteCollateralV3 },
  { f: sgxV3, tee: "sgx", ca: "processor", fmspc: "00A067110000", c: JSON.parse(sgxV3.collateral!) as QuoteCollateralV3 },
];

let server: Server;
let baseUrl: string;
const hits: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    const url = new URL(req.url!, "http://x");
    hits.push(url.pathname + url.search);
    const send = (status: number, body: string | Uint8Array, headers: Record<string, string> = {}) => {
      res.writeHead(status, headers);
      res.end(body);
    };
    const m = /^\/(sgx|tdx)\/certification\/v4\/(tcb|qe\/identity|pckcrl|rootcacrl)$/.exec(url.pathname);
    if (!m) return send(404, "not found");
    const [, tee, what] = m;
    if (what === "pckcrl") {
      // tdx-v4's PCK certificate comes from the Platform CA, sgx-v3's from the Processor CA.
      const fx = fixtures.find((x) => x.ca === url.searchParams.get("ca"));
      if (!fx || url.searchParams.get("encoding") !== "der") return send(404, "unknown ca");
      return send(200, Buffer.from(fx.c.pck_crl as string, "hex"), {
        "SGX-PCK-CRL-Issuer-Chain": encodeURIComponent(fx.c.pck_crl_issuer_chain),
      });
    }
    if (what === "rootcacrl") return send(200, fixtures[0]!.c.root_ca_crl as string);
    const fx = fixtures.find((x) => x.tee === tee);
    if (!fx) return send(404, "no such tee");
    if (what === "tcb") {
      if (url.searchParams.get("fmspc") !== fx.fmspc) return send(404, "unknown fmspc");
      return send(200, `{"tcbInfo":${fx.c.tcb_info},"signature":"${fx.c.tcb_info_signature}"}`, {
        "TCB-Info-Issuer-Chain": encodeURIComponent(fx.c.tcb_info_issuer_chain),
        "content-type": "application/json",
      });
    }
    return send(200, `{"enclaveIdentity":${fx.c.qe_identity},"signature":"${fx.c.qe_identity_signature}"}`, {
      "SGX-Enclave-Identity-Issuer-Chain": encodeURIComponent(fx.c.qe_identity_issuer_chain),
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe("collateral client (PCS v4 API, local server)", () => {
  it("fetches the collateral for a TDX quote; the quote verifies with it exactly as with the file", async () => {
    const client = createCollateralClient({ baseUrl, now: () => tdxV4.at });
    const collateral = await client.getCollateralForQuote(tdxV4.quote);
    expect(collateral.tcb_info).toBe(fixtures[0]!.c.tcb_info);
    expect(collateral.qe_identity).toBe(fixtures[0]!.c.qe_identity);
    const r = await verifyQuote({ quote: tdxV4.quote, collateral, now: tdxV4.at, cache: createIntelVerifierCache() });
    expect(r.status).toBe("UpToDate");
    expect(hits.some((h) => h.startsWith("/tdx/certification/v4/tcb?fmspc=B0C06F000000"))).toBe(true);
    expect(hits).toContain("/sgx/certification/v4/pckcrl?ca=platform&encoding=der");
  });

  it("serves repeated requests from its cache until the collateral's nextUpdate", async () => {
    let now = tdxV4.at;
    const client = createCollateralClient({ baseUrl, now: () => now, ttlSeconds: 10 ** 9 });
    await client.getCollateralForQuote(tdxV4.quote);
    const first = client.requests;
    expect(first).toBe(4);
    await client.getCollateralForQuote(tdxV4.quote);
    await client.getCollateralForQuote(tdxV4.quote);
    expect(client.requests).toBe(first);
    now = Date.parse("2025-07-19T10:16:03Z") / 1000 + 1; // past the TCB info's nextUpdate
    await client.getCollateralForQuote(tdxV4.quote);
    expect(client.requests).toBe(2 * first);
  });

  it("fetches SGX collateral from the sgx endpoints", async () => {
    const client = createCollateralClient({ baseUrl: baseUrl + "/sgx/certification/v4/" });
    const collateral = await client.getCollateralForQuote(sgxV3.quote);
    const r = await verifyQuote({ quote: sgxV3.quote, collateral, now: sgxV3.at, cache: createIntelVerifierCache() });
    expect(r.status).toBe("ConfigurationAndSWHardeningNeeded");
  });

  it("an unknown FMSPC is a CollateralFetchError naming the URL and status", async () => {
    const client = createCollateralClient({ baseUrl });
    const err = await client.getCollateral({ fmspc: "010203040506", teeType: "TDX", ca: "processor" }).catch((e) => e);
    expect(err).toBeInstanceOf(CollateralFetchError);
    expect((err as CollateralFetchError).status).toBe(404);
    expect((err as CollateralFetchError).url).toContain("fmspc=010203040506");
  });

  it("an unreachable server is a CollateralFetchError", async () => {
    const client = createCollateralClient({ baseUrl: "http://127.0.0.1:1" });
    await expect(client.getCollateral({ fmspc: "b0c06f000000", teeType: "TDX", ca: "processor" })).rejects.toBeInstanceOf(
      CollateralFetchError,
    );
  });
});

describe("PCS response shapes", () => {
  it("keeps the signed JSON bytes exactly, whatever the whitespace around them", () => {
    const c = fixtures[0]!.c;
    const out = collateralFromPcsResponses({
      tcbInfoBody: `{ "signature" : "${c.tcb_info_signature}",\n  "tcbInfo" :  ${c.tcb_info} }`,
      tcbInfoIssuerChain: encodeURIComponent(c.tcb_info_issuer_chain),
      qeIdentityBody: `{"enclaveIdentity":${c.qe_identity},"signature":"${c.qe_identity_signature}"}`,
      qeIdentityIssuerChain: c.qe_identity_issuer_chain,
      pckCrl: Buffer.from(c.pck_crl as string, "hex"),
      pckCrlIssuerChain: c.pck_crl_issuer_chain,
      rootCaCrl: c.root_ca_crl as string,
    });
    expect(out.tcb_info).toBe(c.tcb_info);
    expect(out.qe_identity).toBe(c.qe_identity);
    expect(out.tcb_info_issuer_chain).toBe(c.tcb_info_issuer_chain);
    expect(parseCollateral(JSON.stringify({ ...out }))).toEqual(out);
  });
});
