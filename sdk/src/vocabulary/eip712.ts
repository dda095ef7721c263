/**
 * The EIP-712 domain every Proof of Cloud contract signs under: name, version, chain, contract.
 * Here, below both chain/ (votes, registrations) and log/ (checkpoints), which sign under it.
 */
import { getAddress, type Address } from "viem";

export function eip712Domain<const name extends string, const version extends string>(
  name: name,
  version: version,
  chainId: number | bigint,
  verifyingContract: Address,
) {
  return { name, version, chainId: BigInt(chainId), verifyingContract: getAddress(verifyingContract) } as const;
}
