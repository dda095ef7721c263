/**
 * A Proof of Cloud deployment on the in-process chain with a log of 11 leaves of five types:
 * 3 EOA members, one facility, five level-3 entries (one proposal), three heartbeats, a challenge
 * and an emergency freeze. Shared by the log's chain and CLI tests. With `contractMember`, a fourth
 * member is an ERC1271Wallet owned by w3 (a contract wallet cosigns through ERC-1271).
 */
import { network } from "hardhat";
import { encodeFunctionData, keccak256, toHex, type Address, type Hex } from "viem";
import { deployHardwareModules } from "../../../testkit/deploy.js";

export async function setupRegistry(options: { contractMember?: boolean } = {}) {
  const connection = await network.connect();
  const { viem, networkHelpers } = connection;
  const publicClient = await viem.getPublicClient();
  const wallets = await viem.getWalletClients();
  const [w0, w1, w2, w3] = wallets as [(typeof wallets)[0], (typeof wallets)[0], (typeof wallets)[0], (typeof wallets)[0]];
  const chainId = await publicClient.getChainId();

  const h32 = (s: string) => keccak256(toHex(s));
  const ORDINARY = 1;
  const EMERGENCY = 0;

  const wallet = options.contractMember ? await viem.deployContract("ERC1271Wallet", [w3.account.address]) : undefined;
  const memberAddresses: Address[] = [w0.account.address, w1.account.address, w2.account.address, ...(wallet ? [wallet.address] : [])];
  const { alliance, registry } = await deployHardwareModules(connection, memberAddresses, h32("salt"), ["A", "B", "C", "D"].slice(0, memberAddresses.length));
  const registryAddress: Address = registry.address;
  const platformKeys: Hex[] = [];

  async function pass(calls: { target: Address; value: bigint; data: Hex }[], proposalClass: number, description: string) {
    const deadline = BigInt((await networkHelpers.time.latest()) + 3600);
    await alliance.write.propose([calls, proposalClass, deadline, description], { account: w0.account });
    const id = await alliance.read.hashProposal([calls, proposalClass, deadline, h32(description)]);
    await alliance.write.vote([id, true], { account: w0.account });
    await alliance.write.vote([id, true], { account: w1.account });
    // Four members need a third vote for the ordinary threshold.
    if (wallet) await alliance.write.vote([id, true], { account: w2.account });
    await alliance.write.executeWithSignatures([calls, proposalClass, deadline, h32(description), []], { account: w2.account });
  }

  const facilityId = h32("facility-1");
  const facilities = [{ facilityId, provider: "Hetzner", country: "DE", site: "FSN1", evidenceHash: h32("f-ev"), evidenceUri: "ipfs://f" }];
  for (let i = 0; i < 5; i++) platformKeys.push((await registry.read.platformKey([1, toHex(new Uint8Array(16).fill(i + 1))])) as Hex);
  const entries = platformKeys.map((platformKey, i) => ({
    platformKey,
    facilityId,
    kind: 1,
    level: 3,
    cadence: 3600,
    verifiedAt: 1_700_000_000n + BigInt(i),
    evidenceHash: h32(`e-ev-${i}`),
    method: "site visit",
    evidenceUri: `https://audit.example/${i}`,
    endorsers: [w0.account.address, w1.account.address],
  }));
  await pass(
    [
      { target: registry.address, value: 0n, data: encodeFunctionData({ abi: registry.abi, functionName: "setFacilities", args: [facilities] }) },
      { target: registry.address, value: 0n, data: encodeFunctionData({ abi: registry.abi, functionName: "setEntries", args: [entries] }) },
    ],
    ORDINARY,
    "add facility and entries",
  );
  await registry.write.heartbeat([platformKeys.slice(0, 3)], { account: w1.account });
  await registry.write.challenge([platformKeys[4]!, h32("challenge"), "ipfs://c"], { account: w3.account, value: await registry.read.challengeBond() });
  await pass([{ target: registry.address, value: 0n, data: encodeFunctionData({ abi: registry.abi, functionName: "freeze", args: [[platformKeys[4]!], h32("why")] }) }], EMERGENCY, "freeze 4");
  return { connection, viem, networkHelpers, publicClient, w0, w1, w2, w3, chainId, alliance, registry, registryAddress, platformKeys, wallet };
}
