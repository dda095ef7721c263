/**
 * The EIP-712 domain every Proof of Cloud contract signs under: name, version, chain, contract.
 * Here, below both chain/ (votes, registrations) and log/ (checkpoints), which sign under it.
 */
import {
  getAddress,
  recoverTypedDataAddress,
  type Address,
  type RecoverTypedDataAddressParameters,
  type TypedData,
} from "viem";

export function eip712Domain<const name extends string, const version extends string>(
  name: name,
  version: version,
  chainId: number | bigint,
  verifyingContract: Address,
) {
  return { name, version, chainId: BigInt(chainId), verifyingContract: getAddress(verifyingContract) } as const;
}

/**
 * The address that signed EIP-712 typed data, or undefined when the signature does not recover
 * (malformed, wrong length, invalid s or v): callers decide what an unrecoverable signature means.
 */
export async function recoverTypedDataSigner<
  const typedData extends TypedData | Record<string, unknown>,
  primaryType extends keyof typedData | "EIP712Domain",
>(parameters: RecoverTypedDataAddressParameters<typedData, primaryType>): Promise<Address | undefined> {
  try {
    return await recoverTypedDataAddress(parameters);
  } catch {
    return undefined;
  }
}
