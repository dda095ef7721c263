/**
 * Gas of the registry and the Alliance on the embedded chain (osaka):
 * - registry.batchAdd.gasPerEntry: receipt gas of ONE `executeWithSignatures` carrying a `setEntries`
 *   batch of 100 new entries (3 of 5 member signatures, 1 endorser each), divided by 100.
 * - log.append.gasAmortized: (gas of appending 256 entry-sized leaves in one call - gas of the same
 *   call appending 0) / 256, on the TransparencyLog library itself (hashing, peaks, LeafAppended event).
 * - alliance.executeWithSignatures.gas: receipt gas of one execution with 8 members and 5 signatures
 *   (ordinary threshold), the proposal a single no-op governed call.
 * - registry.isVerified.gas: gas one cold `isVerified` call costs a calling contract.
 */
import { network } from "hardhat";
import { encodeFunctionData, getAddress, keccak256, stringToBytes, toHex, type Hex } from "viem";
import type { BenchSuite } from "../bench.js";
import { writeExecuteWithSignatures } from "../../sdk/src/chain/alliance.js";
import { registryCalls, type EntryInput } from "../../sdk/src/chain/hardwareRegistry.js";
import { platformKey } from "../../sdk/src/vocabulary/platformKey.js";
import { hashProposal, ProposalClass, type Proposal } from "../../sdk/src/chain/proposal.js";
import { collectVoteSignatures, signVote } from "../../sdk/src/chain/votes.js";
import { encodeLogLeaf } from "../../sdk/src/log/leaf.js";
import { deployHardwareModules } from "../../testkit/deploy.js";

const SALT = keccak256(stringToBytes("bench salt"));
const FACILITY = keccak256(stringToBytes("facility:bench"));

export const suite: BenchSuite = {
  name: "registry",
  run: async (ctx) => {
    const connection = await network.connect();
    const { viem } = connection;
    const wallets = await viem.getWalletClients();
    const pc = await viem.getPublicClient();
    const chainId = await pc.getChainId();
    const members = wallets.slice(0, 8);
    const relayer = wallets[19]!;
    const { alliance, registry } = await deployHardwareModules(connection, members.map((w) => w.account.address), SALT, members.map((_, i) => `Org ${i}`));
    // The execution metric's target: one ordinary governed call, wired in the set-up window like any target.
    const probe = await viem.deployContract("ClassProbe", [alliance.address]);
    const probeData = encodeFunctionData({ abi: [{ type: "function", name: "probe", inputs: [], outputs: [], stateMutability: "payable" }], functionName: "probe" });
    await alliance.write.setCallClass([probe.address, [probeData], ProposalClass.Ordinary]);
    const a = alliance.address;

    const run = async (calls: Proposal["calls"], signers: typeof members, description: string) => {
      const block = await pc.getBlock();
      const proposal: Proposal = { calls, proposalClass: ProposalClass.Ordinary, deadline: block.timestamp + 3600n, description };
      const proposalId = hashProposal(proposal);
      const files = await Promise.all(signers.map((w) => signVote(w, { alliance: a, chainId, proposalId })));
      const votes = await collectVoteSignatures({ alliance: a, chainId, proposalId, files: files.map((content, i) => ({ name: String(i), content })) });
      const hash = await writeExecuteWithSignatures(relayer, { alliance: a, proposal, votes, gas: 15_000_000n });
      const receipt = await pc.waitForTransactionReceipt({ hash });
      if (receipt.status !== "success") throw new Error(`${description} reverted`);
      return receipt.gasUsed;
    };

    ctx.log("registry: facility + 100-entry batch");
    await run(
      [registryCalls.setFacilities(registry.address, [{ facilityId: FACILITY, provider: "Bench DC", country: "DE", site: "FRA1", evidenceHash: FACILITY, evidenceUri: "ipfs://bench" }])],
      members.slice(0, 5),
      "facility",
    );
    const now = (await pc.getBlock()).timestamp;
    const endorser = getAddress(members[0]!.account.address);
    const entries: EntryInput[] = Array.from({ length: 100 }, (_, i) => ({
      platformKey: platformKey(1, toHex(BigInt(i) + 1n, { size: 16 }), SALT),
      facilityId: FACILITY,
      kind: 1,
      level: 3,
      cadence: 3600,
      verifiedAt: now,
      evidenceHash: keccak256(toHex(i)),
      method: "dcap-quote+site-visit",
      evidenceUri: `ipfs://bafybeibench${i.toString().padStart(4, "0")}`,
      endorsers: [endorser],
    }));
    const batchGas = await run([registryCalls.setEntries(registry.address, entries)], members.slice(0, 5), "batch");

    ctx.log("registry: 8 members, 5 signatures");
    const execGas = await run([{ target: probe.address, value: 0n, data: probeData }], members.slice(0, 5), "exec");

    ctx.log("registry: log appends");
    const harness = await viem.deployContract("TransparencyLogHarness");
    const leaf: Hex = encodeLogLeaf({
      version: 1,
      leafType: 2,
      timestamp: now,
      subject: entries[0]!.platformKey,
      payload: { ...entries[0]!, endorsers: [...entries[0]!.endorsers] },
    });
    // Warm the tree first so the peaks are in steady state, as in a long-running log.
    await pc.waitForTransactionReceipt({ hash: await harness.write.appendRepeated([leaf, 64n]) });
    const gas0 = await pc.estimateGas({ account: relayer.account, to: harness.address, data: encodeFunctionData({ abi: harness.abi, functionName: "appendRepeated", args: [leaf, 0n] }) });
    const gasN = await pc.estimateGas({ account: relayer.account, to: harness.address, data: encodeFunctionData({ abi: harness.abi, functionName: "appendRepeated", args: [leaf, 256n] }) });

    ctx.log("registry: isVerified");
    const gasProbe = await viem.deployContract("GasProbe");
    const [isVerifiedGas, verified] = (await gasProbe.read.measureIsVerified([registry.address, entries[0]!.platformKey, 3, 86400n])) as readonly [bigint, boolean];
    if (!verified) throw new Error("bench entry should verify");

    return {
      "registry.batchAdd.gasPerEntry": Number(batchGas) / 100,
      "log.append.gasAmortized": Number(gasN - gas0) / 256,
      "alliance.executeWithSignatures.gas": Number(execGas),
      "registry.isVerified.gas": Number(isVerifiedGas),
    };
  },
};
