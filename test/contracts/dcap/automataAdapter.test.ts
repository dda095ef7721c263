/**
 * AutomataDcapAdapter decodes Automata's packed `verifyAndAttestOnChain` output (layout in
 * docs/onchain-dcap.md) into IQuoteVerifier's VerifiedQuote. Automata's live verifier cannot run here,
 * so a mock returns outputs built in that layout from the real fixtures.
 */
import { describe, it, expect, beforeAll } from "vitest";
import { concatBytes, encodeAbiParameters, toBytes, toHex, type Hex, type PublicClient } from "viem";
import { parseQuote } from "../../../sdk/src/intel/index.js";
import { pckCertHash, toOnchainVerifiedQuote } from "../../../sdk/src/chain/quoteVerifier.js";
import { automataDcapAdapterAbi } from "../../../sdk/src/chain/abi/AutomataDcapAdapter.js";
import { loadFixture, connectAt, revertName, type Connection } from "../../../testkit/intelFixtures.js";

type Out = { version: number; tee: number; status: number; fmspc: Hex; body: Uint8Array; advisories: string[] };

/** Automata EVM v1.x output: uint16 BE | bytes4 tee | uint8 status | bytes6 fmspc | body | abi.encode(string[]) if any. */
function automataOutput(o: Out): Hex {
  const head = new Uint8Array(7);
  head[0] = o.version >> 8;
  head[1] = o.version & 0xff;
  new DataView(head.buffer).setUint32(2, o.tee);
  head[6] = o.status;
  const tail = o.advisories.length ? toBytes(encodeAbiParameters([{ type: "string[]" }], [o.advisories])) : new Uint8Array();
  return toHex(concatBytes([head, toBytes(o.fmspc), o.body, tail]));
}

function bodyOf(quote: Uint8Array) {
  const q = parseQuote(quote);
  return q.signedBytes.subarray(q.header.version === 5 ? 54 : 48);
}

describe("AutomataDcapAdapter", () => {
  let conn: Connection;
  let mock: { address: `0x${string}`; write: { set: (a: [boolean, Hex]) => Promise<Hex> } };
  let adapter: `0x${string}`;
  let pub: PublicClient;
  const sgx = loadFixture("sgx-v3");
  const tdx = loadFixture("tdx-v4");
  const v5 = loadFixture("tdx-v5-no-tcb-match");

  const verify = async (quote: Uint8Array) =>
    toOnchainVerifiedQuote(
      (await pub.simulateContract({ address: adapter, abi: automataDcapAdapterAbi, functionName: "verifyQuote", args: [toHex(quote)] })).result as never,
    );

  beforeAll(async () => {
    conn = await connectAt(tdx.verifyAt);
    mock = (await conn.viem.deployContract("MockAutomataDcapAttestation")) as never;
    adapter = (await conn.viem.deployContract("AutomataDcapAdapter", [mock.address])).address;
    pub = (await conn.viem.getPublicClient()) as unknown as PublicClient;
  });

  it("maps an SGX output (Automata status 2 = ConfigurationAndSWHardeningNeeded, two advisories)", async () => {
    await mock.write.set([true, automataOutput({ version: 3, tee: 0, status: 2, fmspc: "0x00a067110000", body: bodyOf(sgx.quote), advisories: ["INTEL-SA-00289", "INTEL-SA-00615"] })]);
    const r = await verify(sgx.quote);
    expect(r).toMatchObject({
      teeType: 0,
      quoteVersion: 3,
      bodyType: 1,
      tcbStatus: "ConfigurationAndSWHardeningNeeded",
      advisoryIds: ["INTEL-SA-00289", "INTEL-SA-00615"],
      fmspc: "0x00a067110000",
      ppid: "0xd04ec06d4e6d92dc90d0ad3cf5ee2ddf",
      pckCertHash: pckCertHash(sgx.quote),
      collateralExpiry: 0n,
    });
    expect(r.reportData).toBe(toHex(parseQuote(sgx.quote).body.reportData));
  });

  it("maps a TDX v4 output without advisories (the advisory part is omitted)", async () => {
    await mock.write.set([true, automataOutput({ version: 4, tee: 0x81, status: 0, fmspc: "0xb0c06f000000", body: bodyOf(tdx.quote), advisories: [] })]);
    const r = await verify(tdx.quote);
    expect(r).toMatchObject({ teeType: 0x81, bodyType: 2, tcbStatus: "UpToDate", advisoryIds: [], ppid: "0x811dca2a26b952e85bb6448b097ba4fd" });
    expect(r.reportBody).toBe(toHex(bodyOf(tdx.quote)));
  });

  it("decodes a TD 1.5 body (648 bytes) followed by advisories", async () => {
    const out = automataOutput({ version: 5, tee: 0x81, status: 4, fmspc: "0x90c06f000000", body: bodyOf(v5.quote), advisories: ["INTEL-SA-01036"] });
    const d = toOnchainVerifiedQuote((await pub.readContract({ address: adapter, abi: automataDcapAdapterAbi, functionName: "decodeOutput", args: [out] })) as never);
    expect(d).toMatchObject({ bodyType: 3, tcbStatus: "OutOfDate", advisoryIds: ["INTEL-SA-01036"], fmspc: "0x90c06f000000" });
  });

  it("refuses what Automata refused, and outputs that do not describe the quote sent", async () => {
    await mock.write.set([false, toHex(new TextEncoder().encode("TCB status is revoked"))]);
    expect(await revertName(verify(tdx.quote))).toBe("AutomataVerificationFailed");
    await mock.write.set([true, automataOutput({ version: 4, tee: 0x81, status: 0, fmspc: "0xb0c06f000000", body: bodyOf(loadFixture("tdx-v5-no-tcb-match").quote).subarray(0, 584), advisories: [] })]);
    expect(await revertName(verify(tdx.quote))).toBe("AutomataOutputMismatch");
    await mock.write.set([true, automataOutput({ version: 4, tee: 0x81, status: 0, fmspc: "0x000000000000", body: bodyOf(tdx.quote), advisories: [] })]);
    expect(await revertName(verify(tdx.quote))).toBe("AutomataOutputMismatch");
  });

  it("rejects malformed outputs: truncated, unknown TEE, unknown status, Revoked, bad advisory text", async () => {
    const good = automataOutput({ version: 4, tee: 0x81, status: 0, fmspc: "0xb0c06f000000", body: bodyOf(tdx.quote), advisories: ["INTEL-SA-00615"] });
    const decode = (out: Hex) => pub.readContract({ address: adapter, abi: automataDcapAdapterAbi, functionName: "decodeOutput", args: [out] });
    expect(await revertName(decode(good))).toBe("no revert");
    expect(await revertName(decode(good.slice(0, 2 + 2 * 300) as Hex))).toBe("AutomataOutputMalformed");
    expect(await revertName(decode(good.slice(0, good.length - 2) as Hex))).toBe("AutomataOutputMalformed");
    expect(await revertName(decode(automataOutput({ version: 4, tee: 0x7f, status: 0, fmspc: "0xb0c06f000000", body: bodyOf(tdx.quote), advisories: [] })))).toBe("AutomataOutputMalformed");
    expect(await revertName(decode(automataOutput({ version: 4, tee: 0x81, status: 7, fmspc: "0xb0c06f000000", body: bodyOf(tdx.quote), advisories: [] })))).toBe("AutomataOutputMalformed");
    expect(await revertName(decode(automataOutput({ version: 4, tee: 0x81, status: 6, fmspc: "0xb0c06f000000", body: bodyOf(tdx.quote), advisories: [] })))).toBe("TcbStatusRevoked");
    expect(await revertName(decode(automataOutput({ version: 4, tee: 0x81, status: 1, fmspc: "0xb0c06f000000", body: bodyOf(tdx.quote), advisories: ["CVE-2024-0001"] })))).toBe("AutomataOutputMalformed");
  });
});
