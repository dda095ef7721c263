/**
 * Property tests of the onchain parsers (quote, X.509 + SGX extension, CRL, PEM, TCB info and QE
 * identity JSON) with random bytes and mutated real inputs: each call returns or reverts with a
 * declared custom error; never a panic, an empty revert or running out of gas.
 */
import { describe, it, expect, beforeAll } from "vitest";
import fc from "fast-check";
import { type Abi, type Hex, toHex, toFunctionSelector } from "viem";
import { decodeContractRevert } from "../../../sdk/src/chain/revert.js";
import { pemCertificates } from "../../../sdk/src/chain/collateralStore.js";
import { collateralParserAbi } from "../../../sdk/src/chain/abi/CollateralParser.js";
import { dcapQuoteVerifierAbi } from "../../../sdk/src/chain/abi/DcapQuoteVerifier.js";
import { collateralStoreAbi } from "../../../sdk/src/chain/abi/CollateralStore.js";
import { loadFixture, connectAt, type Connection } from "../../../testkit/intelFixtures.js";

const ERRORS = [...dcapQuoteVerifierAbi, ...collateralStoreAbi, ...collateralParserAbi].filter((x) => x.type === "error") as Abi;
const GAS_CAP = 15_000_000n;

/** "ok", or the declared custom error name; anything else is returned as a failure description. */
async function outcome(conn: Connection, to: `0x${string}`, data: Hex): Promise<string> {
  const pub = await conn.viem.getPublicClient();
  try {
    await pub.call({ to, data, gas: GAS_CAP });
    return "ok";
  } catch (e) {
    const r = decodeContractRevert(e, { abi: ERRORS, only: true });
    if (!r) throw e;
    if (r.errorName === "") return `FAIL empty revert (out of gas?): ${r.message}`;
    if (r.errorName === "Panic") return `FAIL panic ${r.raw}`;
    if (r.errorName.startsWith("undecoded") || r.errorName === "Error") return `FAIL undeclared ${r.raw?.slice(0, 10)}`;
    return r.errorName;
  }
}

describe("onchain parsers never panic, hang or return undeclared errors", () => {
  let conn: Connection;
  let harness: `0x${string}`;
  let parser: `0x${string}`;
  let harnessAbi: Abi;
  const tdx = loadFixture("tdx-v4");
  const sgx = loadFixture("sgx-v3");
  const pck = pemCertificates(new TextDecoder("latin1").decode(tdx.quote.slice(tdx.quote.indexOf(0x2d))))[0]!;
  const crl = Uint8Array.from(Buffer.from(tdx.collateral.pck_crl as string, "hex"));
  const enc = (fn: string, arg: Uint8Array) => encode(harnessAbi, fn, arg);

  beforeAll(async () => {
    conn = await connectAt(tdx.verifyAt);
    const h = await conn.viem.deployContract("DcapParserHarness");
    const p = await conn.viem.deployContract("CollateralParser");
    harness = h.address;
    parser = p.address;
    harnessAbi = h.abi as Abi;
  });

  const check = async (to: () => `0x${string}`, data: Hex) => {
    const o = await outcome(conn, to(), data);
    expect(o.startsWith("FAIL"), o).toBe(false);
    return o;
  };

  it("the real inputs parse", async () => {
    expect(await check(() => harness, enc("parseQuote", tdx.quote))).toBe("ok");
    expect(await check(() => harness, enc("parseQuote", sgx.quote))).toBe("ok");
    expect(await check(() => harness, enc("parseCertificate", pck))).toBe("ok");
    expect(await check(() => harness, enc("parseCrl", crl))).toBe("ok");
    expect(await check(() => parser, encode(collateralParserAbi as Abi, "parseTcbInfo", new TextEncoder().encode(tdx.collateral.tcb_info)))).toBe("ok");
    expect(await check(() => parser, encode(collateralParserAbi as Abi, "parseQeIdentity", new TextEncoder().encode(sgx.collateral.qe_identity)))).toBe("ok");
  });

  const mutate = (base: Uint8Array) =>
    fc.array(fc.tuple(fc.nat(base.length - 1), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 4 }).chain((flips) =>
      fc.nat(base.length).map((cut) => {
        const m = base.slice();
        for (const [i, x] of flips) m[i]! ^= x;
        return cut % 5 === 0 ? m.slice(0, cut) : m;
      }),
    );

  const cases: [string, () => `0x${string}`, string, Uint8Array, Abi | null][] = [
    ["quote (TDX v4)", () => harness, "parseQuote", tdx.quote, null],
    ["quote (SGX v3)", () => harness, "parseQuote", sgx.quote, null],
    ["PCK certificate", () => harness, "parseCertificate", pck, null],
    ["CRL", () => harness, "parseCrl", crl, null],
    ["PEM block", () => harness, "readPem", new TextEncoder().encode(pemBlock(pck)), null],
    ["TCB info JSON", () => parser, "parseTcbInfo", new TextEncoder().encode(tdx.collateral.tcb_info), collateralParserAbi as Abi],
    ["QE identity JSON", () => parser, "parseQeIdentity", new TextEncoder().encode(sgx.collateral.qe_identity), collateralParserAbi as Abi],
  ];

  for (const [what, to, fn, base, abi] of cases) {
    it(`${what}: mutated real bytes`, async () => {
      await fc.assert(
        fc.asyncProperty(mutate(base), async (m) => {
          const o = await outcome(conn, to(), abi ? encode(abi, fn, m) : enc(fn, m));
          return !o.startsWith("FAIL");
        }),
        { numRuns: 60, seed: 5 },
      );
    });

    it(`${what}: random bytes`, async () => {
      await fc.assert(
        fc.asyncProperty(fc.uint8Array({ maxLength: 600 }), async (m) => {
          const o = await outcome(conn, to(), abi ? encode(abi, fn, m) : enc(fn, m));
          return !o.startsWith("FAIL");
        }),
        { numRuns: 40, seed: 7 },
      );
    });
  }

  it("Pem.encode is the canonical PEM the SDK writes", async () => {
    const pub = await conn.viem.getPublicClient();
    const out = await pub.call({ to: harness, data: enc("encodePem", pck) });
    expect(out.data).toContain(toHex(new TextEncoder().encode(pemBlock(pck))).slice(2));
  });
});

import { encodeFunctionData } from "viem";
function encode(abi: Abi, functionName: string, arg: Uint8Array): Hex {
  return encodeFunctionData({ abi, functionName, args: [toHex(arg)] } as never);
}

function pemBlock(der: Uint8Array): string {
  const b64 = Buffer.from(der).toString("base64");
  let body = "";
  for (let i = 0; i < b64.length; i += 64) body += b64.slice(i, i + 64) + "\n";
  return `-----BEGIN CERTIFICATE-----\n${body}-----END CERTIFICATE-----\n`;
}
