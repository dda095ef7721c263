/**
 * The CLI's embedded chain (cli/commands/_embeddedEvm.ts, @ethereumjs/vm at osaka) as viem sees it:
 * the P-256 precompile of EIP-7951 answers at 0x100, reverts carry their data, the clock obeys
 * setNextBlockTimestamp, and what it does not do is refused with a JSON-RPC error.
 */
import { p256 } from "@noble/curves/nist.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { concat, createPublicClient, custom, numberToHex, pad, toHex, type Hex } from "viem";
import { describe, expect, it } from "vitest";
import { createEmbeddedEvm, EMBEDDED_CHAIN_ID, EmbeddedRpcError } from "../../cli/commands/_embeddedEvm.js";

const P256_VERIFY = "0x0000000000000000000000000000000000000100";

async function chain(genesisTimestamp = 1_751_620_000n) {
  const evm = await createEmbeddedEvm({ genesisTimestamp });
  return { evm, client: createPublicClient({ transport: custom({ request: evm.request }, { retryCount: 0 }) }) };
}

function p256Input(message: Uint8Array, tamper = false): Hex {
  const secret = p256.utils.randomSecretKey();
  const h = sha256(message);
  const sig = p256.Signature.fromBytes(p256.sign(h, secret, { prehash: false }));
  const pub = p256.getPublicKey(secret, false);
  const digest = tamper ? sha256(new Uint8Array([...message, 1])) : h;
  return concat([toHex(digest), pad(numberToHex(sig.r)), pad(numberToHex(sig.s)), toHex(pub.slice(1, 33)), toHex(pub.slice(33))]);
}

describe("the embedded chain", () => {
  it("is osaka: P256VERIFY (EIP-7951) at 0x100 accepts a valid signature and returns nothing for a bad one", async () => {
    const { client } = await chain();
    expect(await client.getChainId()).toBe(EMBEDDED_CHAIN_ID);
    const msg = new TextEncoder().encode("proof of cloud");
    expect((await client.call({ to: P256_VERIFY, data: p256Input(msg) })).data).toBe(pad("0x01"));
    expect((await client.call({ to: P256_VERIFY, data: p256Input(msg, true) })).data).toBeUndefined();
  });

  it("deploys, mines one block per transaction and honours the next block's timestamp", async () => {
    const { evm, client } = await chain(1_000n);
    // Init code that returns the 8-byte runtime `JUMPDEST TIMESTAMP PUSH0 MSTORE PUSH1 32 PUSH0 RETURN`
    // (5f: PUSH0, a Shanghai opcode).
    const runtime = "0x5b425f5260205ff3";
    const init = concat(["0x67", runtime, "0x5f5260086018f3"]);
    const hash = (await evm.request({ method: "eth_sendTransaction", params: [{ from: evm.account, data: init }] })) as Hex;
    const receipt = await client.getTransactionReceipt({ hash });
    expect(receipt.status).toBe("success");
    expect(receipt.blockNumber).toBe(1n);
    expect(await client.getCode({ address: receipt.contractAddress! })).toBe(runtime);
    evm.setNextBlockTimestamp(5_000n);
    await evm.mine();
    expect((await client.getBlock()).timestamp).toBe(5_000n);
    expect(BigInt((await client.call({ to: receipt.contractAddress! })).data!)).toBe(5_000n);
    expect(() => evm.setNextBlockTimestamp(4_000n)).toThrow(EmbeddedRpcError);
  });

  it("a revert reaches the caller with its data (what decodeContractRevert reads)", async () => {
    const { evm, client } = await chain();
    // Runtime: REVERT with 4 bytes 0xdeadbeef (PUSH4 deadbeef PUSH0 MSTORE PUSH1 4 PUSH1 28 REVERT).
    const runtime = "0x63deadbeef5f526004601cfd";
    const init = concat(["0x6b", runtime, "0x5f52600c6014f3"]);
    const hash = (await evm.request({ method: "eth_sendTransaction", params: [{ from: evm.account, data: init }] })) as Hex;
    const to = (await client.getTransactionReceipt({ hash })).contractAddress!;
    const error = await client.call({ to }).catch((e: unknown) => e);
    let found: unknown;
    for (let x = error as { data?: unknown; cause?: unknown } | undefined; x; x = x.cause as typeof x) if (typeof x.data === "string") found = x.data;
    expect(found).toBe("0xdeadbeef");
  });

  it("signs only for its own account and refuses methods it does not serve", async () => {
    const { evm } = await chain();
    await expect(evm.request({ method: "eth_sendTransaction", params: [{ from: "0x" + "11".repeat(20), data: "0x" }] })).rejects.toThrow(/signs only for/);
    await expect(evm.request({ method: "eth_getLogs", params: [{}] })).rejects.toMatchObject({ code: -32601 });
  });
});
