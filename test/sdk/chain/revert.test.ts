/** The SDK's one revert decoder: errors of any contract on the call path, named with their args. */
import { encodeErrorResult, parseAbi, type Abi } from "viem";
import { describe, expect, it } from "vitest";
import { ContractRevertError, decodeContractRevert, pocErrorsAbi, withRevertDecoding } from "../../../sdk/src/chain/revert.js";
import { PocError } from "../../../sdk/src/errors.js";

type AbiError = Extract<Abi[number], { type: "error" }>;

/** What a node's JSON-RPC error looks like when a call reverts: the data on the cause chain. */
const rpcError = (data: `0x${string}`) => Object.assign(new Error("execution reverted"), { cause: { data } });

describe("decodeContractRevert", () => {
  it("names an error declared by a contract other than the one called, with its args", () => {
    // An error whose arguments are all uints, declared by some contract of the repository.
    const item = pocErrorsAbi.find((x): x is AbiError => x.type === "error" && x.inputs.length > 0 && x.inputs.every((i) => i.type.startsWith("uint")))!;
    const args = item.inputs.map((i) => (i.type.startsWith("uint") ? 7n : i.type === "address" ? "0x0000000000000000000000000000000000000001" : i.type === "bool" ? true : i.type === "string" ? "x" : i.type === "bytes" ? "0x01" : `0x${"11".repeat(Number(i.type.slice(5)) || 32)}`));
    const data = encodeErrorResult({ abi: [item], errorName: item.name, args } as never);
    const r = decodeContractRevert(rpcError(data), { contract: "CvmRegistry", functionName: "register" })!;
    expect(r).toBeInstanceOf(ContractRevertError);
    expect(r).toBeInstanceOf(PocError);
    expect(r.errorName).toBe(item.name);
    expect(r.args).toHaveLength(args.length);
    expect(r.shortMessage).toMatch(new RegExp(`^CvmRegistry\\.register reverted with ${r.errorName}\\(`));
  });

  it("tries the caller's ABIs first, reports an unknown selector, and leaves non-reverts alone", () => {
    const abi = parseAbi(["error Mine(uint256 n)"]);
    expect(decodeContractRevert(rpcError(encodeErrorResult({ abi, errorName: "Mine", args: [5n] })), { abi })!.reason).toBe("Mine(5)");
    expect(decodeContractRevert(rpcError("0xdeadbeef"))!.errorName).toBe("undecoded 0xdeadbeef");
    expect(decodeContractRevert(new Error("socket hang up"))).toBeUndefined();
  });

  it("withRevertDecoding rethrows a revert typed and anything else unchanged", async () => {
    await expect(withRevertDecoding(Promise.reject(rpcError("0xdeadbeef")))).rejects.toBeInstanceOf(ContractRevertError);
    const other = new Error("timeout");
    await expect(withRevertDecoding(Promise.reject(other))).rejects.toBe(other);
  });
});
