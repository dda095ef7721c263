/**
 * Checkpoints: `Checkpoint(string origin,uint64 size,bytes32 rootHash)` as EIP-712 typed data under
 * the registry's domain (docs/transparency-log.md "Checkpoint"). Members cosign them; offline we can
 * recover EOA signers, while a contract wallet (ERC-1271) signer can only be checked on chain.
 */
import {
  getAddress,
  hashTypedData,
  isAddress,
  isAddressEqual,
  type Account,
  type Address,
  type Chain,
  type Hex,
  type LocalAccount,
  type Transport,
  type TypedDataDomain,
  type WalletClient,
} from "viem";
import { PocError } from "../errors.js";
import { eip712Domain, recoverTypedDataSigner } from "../vocabulary/eip712.js";

export const CHECKPOINT_DOMAIN_NAME = "ProofOfCloudHardwareRegistry";
export const CHECKPOINT_DOMAIN_VERSION = "1";

export const checkpointTypes = {
  Checkpoint: [
    { name: "origin", type: "string" },
    { name: "size", type: "uint64" },
    { name: "rootHash", type: "bytes32" },
  ],
} as const;

/** A tree state: `origin` names the log, `size` and `rootHash` the tree. */
export type Checkpoint = { origin: string; size: bigint; rootHash: Hex };

/** One member's signature over a checkpoint; same shape as the contract's `Cosignature`. */
export type Cosignature = { signer: Address; signature: Hex };

export type CheckpointDomainParameters = { chainId: number | bigint; registry: Address };

/** `proof-of-cloud:<chainId>:<registry address, lower-case hex>`: the registry's `logOrigin()`. */
export function logOrigin({ chainId, registry }: CheckpointDomainParameters): string {
  return `proof-of-cloud:${chainId.toString()}:${registry.toLowerCase()}`;
}

export function checkpointDomain({ chainId, registry }: CheckpointDomainParameters) {
  return eip712Domain(CHECKPOINT_DOMAIN_NAME, CHECKPOINT_DOMAIN_VERSION, chainId, registry) satisfies TypedDataDomain;
}

/** The EIP-712 digest a member signs; equals the registry's `hashCheckpoint(size, rootHash)`. */
export function hashCheckpoint(args: CheckpointDomainParameters & { checkpoint: Checkpoint }): Hex {
  return hashTypedData({ domain: checkpointDomain(args), types: checkpointTypes, primaryType: "Checkpoint", message: args.checkpoint });
}

export type SignCheckpointParameters = CheckpointDomainParameters & {
  checkpoint: Checkpoint;
} & (
    | {
        /** A viem local account (privateKeyToAccount, mnemonicToAccount, ...). */
        account: LocalAccount;
      }
    | {
        /** A wallet client with an account (JSON-RPC or local): signs via eth_signTypedData_v4. */
        walletClient: WalletClient<Transport, Chain | undefined, Account>;
      }
  );

/** Signs a checkpoint as EIP-712 typed data; returns the cosignature ready for `recordCheckpoint`. */
export async function signCheckpoint(args: SignCheckpointParameters): Promise<Cosignature> {
  const typedData = {
    domain: checkpointDomain(args),
    types: checkpointTypes,
    primaryType: "Checkpoint",
    message: args.checkpoint,
  } as const;
  if ("account" in args) return { signer: args.account.address, signature: await args.account.signTypedData(typedData) };
  const account = args.walletClient.account;
  return { signer: account.address, signature: await args.walletClient.signTypedData({ ...typedData, account }) };
}

/** How one cosignature fared offline. */
export type CosignatureStatus =
  /** ecrecover gives the claimed signer, a member: counts. */
  | "valid"
  /** The claimed signer is a contract wallet: only ERC-1271 on chain can say; does not count offline. */
  | "online-only"
  /** The signature does not recover to the claimed signer (and the signer is not a contract wallet). */
  | "invalid"
  /** The signer is not in the member set. */
  | "not-member"
  /** The same signer appeared earlier in the list. */
  | "duplicate";

export type CosignatureCheck = { signer: Address; status: CosignatureStatus; recovered?: Address };

export type Member = {
  address: Address;
  name?: string | undefined;
  /** True when the member's address holds code (a contract wallet, ERC-1271). */
  contract?: boolean | undefined;
};

export type VerifyCosignaturesParameters = CheckpointDomainParameters & {
  checkpoint: Checkpoint;
  cosignatures: readonly Cosignature[];
  members: readonly Member[];
};

export type VerifyCosignaturesReturnType = {
  checks: CosignatureCheck[];
  /** Distinct members whose signature verified offline. */
  counted: Address[];
  /** Contract-wallet members whose signature needs an ERC-1271 call. */
  onlineOnly: Address[];
};

/** A cosigned checkpoint file is malformed (as opposed to a signature that does not verify). */
export class CheckpointError extends PocError {
  override name = "CheckpointError";
}

/**
 * Checks each cosignature offline against the member set. Never throws for a bad signature; it
 * reports it. Counting is left to the caller's threshold rule (see receipt.ts).
 */
export async function verifyCosignatures(args: VerifyCosignaturesParameters): Promise<VerifyCosignaturesReturnType> {
  const seen = new Set<string>();
  const checks: CosignatureCheck[] = [];
  const counted: Address[] = [];
  const onlineOnly: Address[] = [];
  for (const [i, c] of args.cosignatures.entries()) {
    if (!isAddress(c.signer, { strict: false })) throw new CheckpointError(`cosignatures[${i}].signer is not an address`);
    const signer = getAddress(c.signer);
    const key = signer.toLowerCase();
    if (seen.has(key)) {
      checks.push({ signer, status: "duplicate" });
      continue;
    }
    seen.add(key);
    const member = args.members.find((m) => isAddressEqual(m.address, signer));
    if (!member) {
      checks.push({ signer, status: "not-member" });
      continue;
    }
    const recovered = await recoverTypedDataSigner({
      domain: checkpointDomain(args),
      types: checkpointTypes,
      primaryType: "Checkpoint",
      message: args.checkpoint,
      signature: c.signature,
    });
    if (recovered && isAddressEqual(recovered, signer)) {
      checks.push({ signer, status: "valid", recovered });
      counted.push(signer);
    } else if (member.contract) {
      checks.push({ signer, status: "online-only", ...(recovered ? { recovered } : {}) });
      onlineOnly.push(signer);
    } else {
      checks.push({ signer, status: "invalid", ...(recovered ? { recovered } : {}) });
    }
  }
  return { checks, counted, onlineOnly };
}

/** The Alliance's ordinary threshold over n current members: floor(n/2) + 1. */
export function ordinaryThreshold(memberCount: number): number {
  return Math.floor(memberCount / 2) + 1;
}
