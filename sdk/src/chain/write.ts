/**
 * The shape every write action in sdk/src/chain shares: a contract call sent from the client's
 * account (or one given per call) on the client's chain.
 */
import type { Abi, Account, Address, Chain, Client, ContractFunctionArgs, ContractFunctionName, Hash, Transport } from "viem";
import { writeContract } from "viem/actions";
import { ChainInputError } from "./errors.js";
import { withRevertDecoding } from "./revert.js";

export type AnyClient = Client<Transport, Chain | undefined, Account | undefined>;

export function requireAccount(client: AnyClient, account?: Account): Account {
  const a = account ?? client.account;
  if (!a) throw new ChainInputError("account", "a write needs an account (client.account or args.account)");
  return a;
}

type Mutability = "nonpayable" | "payable";

export type WriteContractActionParameters<abi extends Abi, functionName extends ContractFunctionName<abi, Mutability>> = {
  address: Address;
  abi: abi;
  functionName: functionName;
  args: ContractFunctionArgs<abi, Mutability, functionName>;
  account?: Account | undefined;
  gas?: bigint | undefined;
  value?: bigint | undefined;
};

/**
 * Sends `functionName(args)` to `address` from `account ?? client.account`; gas and value only when
 * given. A revert (in gas estimation or simulation) is thrown as a `ContractRevertError`.
 */
export async function writeContractAction<const abi extends Abi, functionName extends ContractFunctionName<abi, Mutability>>(
  client: AnyClient,
  p: WriteContractActionParameters<abi, functionName>,
): Promise<Hash> {
  const sent = writeContract(client, {
    address: p.address,
    abi: p.abi,
    functionName: p.functionName,
    args: p.args,
    ...(p.value === undefined ? {} : { value: p.value }),
    account: requireAccount(client, p.account),
    chain: client.chain,
    ...(p.gas === undefined ? {} : { gas: p.gas }),
  } as never);
  return withRevertDecoding(sent, { abi: p.abi as Abi, contract: p.address, functionName: p.functionName });
}

/** `writeContractAction` bound to one ABI: `(client, address, account, functionName, args, { gas, value })`. */
export function contractWriter<const abi extends Abi>(abi: abi) {
  return <functionName extends ContractFunctionName<abi, Mutability>>(
    client: AnyClient,
    address: Address,
    account: Account | undefined,
    functionName: functionName,
    args: ContractFunctionArgs<abi, Mutability, functionName>,
    options: { gas?: bigint | undefined; value?: bigint | undefined } = {},
  ): Promise<Hash> =>
    // Only the options given: viem's parameters are exact optionals (no explicit undefined).
    writeContractAction(client, {
      address,
      abi,
      functionName,
      args,
      account,
      ...(options.gas === undefined ? {} : { gas: options.gas }),
      ...(options.value === undefined ? {} : { value: options.value }),
    });
}
