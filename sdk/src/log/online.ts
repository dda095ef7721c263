/**
 * A receipt checked with a chain at hand (docs/transparency-log.md "Offline receipt", online
 * checks): every offline check, plus contract-wallet (ERC-1271) cosignatures through the chain and
 * the receipt's member set against the Alliance's current `members()`.
 */
import { getAddress, isAddressEqual, type Address, type Chain, type Client, type Transport } from "viem";
import { getChainId } from "viem/actions";
import type { Member } from "./checkpoint.js";
import { verifyCosignaturesOnline } from "./onchain.js";
import { verifyReceipt, type ReceiptCheck, type VerifyReceiptOptions, type VerifyReceiptReturnType } from "./receipt.js";
import { readAllianceMembers } from "./recorded.js";

type AnyClient = Client<Transport, Chain | undefined>;

export type VerifyReceiptOnlineReturnType = VerifyReceiptReturnType & {
  /** Each cosignature as the chain judged it (ecrecover for EOAs, ERC-1271 for contract wallets). */
  online: { signer: Address; valid: boolean }[];
  /** The Alliance's members now. */
  currentMembers: Member[];
};

/**
 * Verifies a receipt like verifyReceipt, then through `client`: the chain is the receipt's, the
 * member set equals the Alliance's current `members()` ("members.current"), and at least `required`
 * distinct members' signatures are valid on chain ("cosignatures.online", which replaces the offline
 * quorum: a contract wallet's signature counts here). Status is then "valid" or "invalid".
 */
export async function verifyReceiptOnline(client: AnyClient, input: unknown, options: VerifyReceiptOptions = {}): Promise<VerifyReceiptOnlineReturnType> {
  const offline = await verifyReceipt(input, options);
  const { receipt } = offline;
  const checks: ReceiptCheck[] = offline.checks.filter((c) => c.name !== "cosignatures.quorum");
  const chainId = await getChainId(client);
  checks.push({ name: "online.chainId", ok: chainId === receipt.chainId, detail: `the RPC serves chain ${chainId}, the receipt is for chain ${receipt.chainId}` });
  if (chainId !== receipt.chainId) return { ...offline, ok: false, status: "invalid", checks, online: [], currentMembers: [] };

  const currentMembers = await readAllianceMembers(client, { registry: receipt.registry });
  const listed = receipt.members.list;
  const sameSet = currentMembers.length === listed.length && currentMembers.every((m) => listed.some((l) => isAddressEqual(l.address, m.address)));
  checks.push({
    name: "members.current",
    ok: sameSet,
    detail: sameSet ? `member set equals the Alliance's ${currentMembers.length} current members` : `the receipt lists ${listed.length} members, the Alliance now has ${currentMembers.length} and they differ`,
  });

  const online = await verifyCosignaturesOnline(client, {
    chainId: receipt.chainId,
    registry: receipt.registry,
    checkpoint: { origin: receipt.checkpoint.origin, size: BigInt(receipt.checkpoint.size), rootHash: receipt.checkpoint.rootHash },
    cosignatures: receipt.cosignatures,
  });
  const counted: Address[] = [];
  for (const o of online) {
    const signer = getAddress(o.signer);
    if (o.valid && listed.some((m) => isAddressEqual(m.address, signer)) && !counted.some((a) => isAddressEqual(a, signer))) counted.push(signer);
  }
  checks.push({ name: "cosignatures.online", ok: counted.length >= offline.required, detail: `${counted.length} of ${offline.required} required member signatures valid on chain (ERC-1271 for contract wallets)` });
  const ok = checks.every((c) => c.ok);
  return { ...offline, ok, status: ok ? "valid" : "invalid", checks, counted, onlineOnly: [], online, currentMembers };
}
