/**
 * A local stand-in for an Intel PCS / PCCS (v4 API): a node:http server on 127.0.0.1 serving the
 * fixture collateral in PCS response shapes, since no PCCS is reachable from these machines.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { QuoteCollateralV3 } from "../../../sdk/src/intel/index.js";
import { sgxV3, tdxV4 } from "./fixtures.js";

export const pcsFixtures = [
  { f: tdxV4, tee: "tdx", ca: "platform", fmspc: "B0C06F000000", c: JSON.parse(tdxV4.collateral!) as QuoteCollateralV3 },
  { f: sgxV3, tee: "sgx", ca: "processor", fmspc: "00A067110000", c: JSON.parse(sgxV3.collateral!) as QuoteCollateralV3 },
];

export type PcsStandIn = { baseUrl: string; hits: string[]; close: () => Promise<void> };

export async function startPcsStandIn(): Promise<PcsStandIn> {
  const hits: string[] = [];
  const fixtures = pcsFixtures;
  const server: Server = createServer((req, res) => {
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
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    hits,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
