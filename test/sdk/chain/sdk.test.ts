/**
 * The chain SDK on its own terms: platformKey, proposal ids and files, vote signing and collection
 * (each refusal names the file and the reason), and the pocActions client extension round-tripping
 * against the in-process chain.
 */
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { createWalletClient, custom, getAddress, keccak256, stringToBytes, toHex } from "viem";
import { mnemonicToAccount, privateKeyToAccount } from "viem/accounts";
import { pocActions } from "../../../sdk/src/chain/decorator.js";
import { ChainInputError, SignatureCollectionError } from "../../../sdk/src/chain/errors.js";
import { PlatformKeyError, platformKey } from "../../../sdk/src/vocabulary/platformKey.js";
import { hashProposal, proposalFromFile, proposalThreshold, proposalToFile, ProposalClass, type Proposal } from "../../../sdk/src/chain/proposal.js";
import { collectVoteSignatures, hashVote, signVote, type VoteFile } from "../../../sdk/src/chain/votes.js";
import { registryCalls } from "../../../sdk/src/chain/hardwareRegistry.js";
import { signCheckpoint } from "../../../sdk/src/log/checkpoint.js";
import { MerkleTree } from "../../../sdk/src/log/tree.js";
import { connectChain, SALT, TDX_PPID, type Connection } from "../../contracts/fixture.js";
import { entry, keyOf, registryStack } from "../../contracts/registryFixture.js";

const ALLIANCE = getAddress("0x5FbDB2315678afecb367f032d93F642f64180aa3");
const keys = [1, 2, 3].map((i) => keccak256(stringToBytes(`member key ${i}`)));
const accounts = keys.map((k) => privateKeyToAccount(k));
const offline = custom({ request: async () => { throw new Error("offline"); } });
const signer = (i: number) => createWalletClient({ account: accounts[i]!, transport: offline });

const proposal: Proposal = {
  calls: [registryCalls.freeze(ALLIANCE, [platformKey(1, TDX_PPID, SALT)], keccak256(stringToBytes("why")))],
  proposalClass: ProposalClass.EmergencyFreeze,
  deadline: 2_000_000_000n,
  description: "freeze the TDX box pending investigation",
};
const proposalId = hashProposal(proposal);

describe("platformKey(kind, rawId, salt)", () => {
  it("refuses every wrong length for both kinds, with a typed error naming rawId", () => {
    fc.assert(
      fc.property(fc.constantFrom(1, 2), fc.uint8Array({ maxLength: 100 }), (kind, raw) => {
        const ok = raw.length === (kind === 1 ? 16 : 64);
        if (ok) expect(platformKey(kind, raw, SALT)).toMatch(/^0x[0-9a-f]{64}$/);
        else {
          try {
            platformKey(kind, raw, SALT);
            throw new Error("accepted a wrong length");
          } catch (e) {
            expect(e).toBeInstanceOf(PlatformKeyError);
            expect((e as PlatformKeyError).field).toBe("rawId");
          }
        }
      }),
    );
  });
  it("depends on salt and kind", () => {
    const chip = new Uint8Array(64);
    expect(platformKey(1, TDX_PPID, SALT)).not.toBe(platformKey(1, TDX_PPID, keccak256("0x01")));
    expect(() => platformKey(1, TDX_PPID, "0x1234")).toThrow(/bad salt at offset 0: expected 32 bytes/);
    expect(platformKey(2, chip, SALT)).toMatch(/^0x/);
  });
});

describe("proposal files: the id is the hash of the contents", () => {
  it("round-trips, and any changed field is refused naming it", () => {
    const file = proposalToFile(proposal, { chainId: 31337, alliance: ALLIANCE });
    const back = proposalFromFile(JSON.parse(JSON.stringify(file)));
    expect(back.proposalId).toBe(proposalId);
    expect(back.proposal).toEqual({ ...proposal, calls: proposal.calls.map((c) => ({ ...c, target: getAddress(c.target) })) });
    const mutations: [string, (f: any) => void][] = [
      ["proposalId", (f) => (f.description += "!")],
      ["proposalId", (f) => (f.deadline = "2000000001")],
      ["proposalId", (f) => (f.class = "ordinary")],
      ["calls[0].data", (f) => (f.calls[0].data = "0x123")],
      ["calls[0].target", (f) => (f.calls[0].target = "0x12")],
      ["calls", (f) => (f.calls = [])],
      ["type", (f) => (f.type = "other")],
      ["chainId", (f) => (f.chainId = -1)],
      ["class", (f) => (f.class = "urgent")],
      ["deadline", (f) => (f.deadline = 12)],
    ];
    for (const [field, mutate] of mutations) {
      const f = JSON.parse(JSON.stringify(file));
      mutate(f);
      try {
        proposalFromFile(f);
        throw new Error(`accepted a file with a bad ${field}`);
      } catch (e) {
        expect(e, field).toBeInstanceOf(ChainInputError);
        expect((e as ChainInputError).field).toBe(field);
      }
    }
  });
  it("thresholds mirror the contract's Quorum", () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8, 9].map((n) => proposalThreshold(ProposalClass.EmergencyFreeze, n))).toEqual([1, 2, 2, 2, 2, 2, 3, 3, 3]);
  });
});

describe("vote collection: files in, one batch out; every unusable file named with its reason", () => {
  let files: VoteFile[];
  beforeAll(async () => {
    files = await Promise.all([0, 1, 2].map((i) => signVote(signer(i), { alliance: ALLIANCE, chainId: 31337, proposalId })));
  });
  const collect = (fs: unknown[]) =>
    collectVoteSignatures({ alliance: ALLIANCE, chainId: 31337, proposalId, files: fs.map((content, i) => ({ name: `v${i}.json`, content })) });
  const reason = async (fs: unknown[]) => {
    try {
      await collect(fs);
      return "accepted";
    } catch (e) {
      expect(e).toBeInstanceOf(SignatureCollectionError);
      return (e as SignatureCollectionError).reason;
    }
  };

  it("good files give the batch in order", async () => {
    const batch = await collect(files);
    expect(batch.map((v) => v.signer)).toEqual(accounts.map((a) => a.address));
    expect(batch[0]).toMatchObject({ proposalId, chainId: 31337n, verifyingContract: ALLIANCE });
  });

  it("each refusal has its reason", async () => {
    const other = await signVote(signer(2), { alliance: ALLIANCE, chainId: 31337, proposalId: proposalId + 1n });
    const otherChain = await signVote(signer(2), { alliance: ALLIANCE, chainId: 1, proposalId });
    const otherContract = await signVote(signer(2), { alliance: getAddress(toHex(1n, { size: 20 })), chainId: 31337, proposalId });
    const against = await signVote(signer(2), { alliance: ALLIANCE, chainId: 31337, proposalId, support: false });
    expect(await reason([files[0], other])).toBe("wrong-proposal");
    expect(await reason([files[0], otherChain])).toBe("wrong-chain");
    expect(await reason([files[0], otherContract])).toBe("wrong-contract");
    expect(await reason([files[0], against])).toBe("not-support");
    expect(await reason([files[0], files[0]])).toBe("duplicate-signer");
    expect(await reason([{ ...files[0]!, signer: accounts[1]!.address }])).toBe("bad-signature");
    expect(await reason([{ ...files[0]!, signature: "0x1234" }])).toBe("bad-signature");
    expect(await reason([{ ...files[0]!, type: "x" }])).toBe("malformed");
    expect(await reason([null])).toBe("malformed");
  });

  it("a contract-wallet signer is left to ERC-1271 onchain when isContract says so", async () => {
    const wallet = getAddress(toHex(0xabcn, { size: 20 }));
    const f = await signVote(signer(0), { alliance: ALLIANCE, chainId: 31337, proposalId, signer: wallet });
    await expect(collect([f])).rejects.toThrow(SignatureCollectionError);
    const batch = await collectVoteSignatures({ alliance: ALLIANCE, chainId: 31337, proposalId, files: [{ name: "w", content: f }], isContract: async (a) => a === wallet });
    expect(batch[0]!.signer).toBe(wallet);
  });
});

describe("pocActions: one client, every action bound to one deployment", () => {
  let c: Connection;
  beforeAll(async () => {
    c = await connectChain();
  });

  it("ids and digests equal the contract's; reads, heartbeats, log leaves and a checkpoint round-trip", async () => {
    const s = await registryStack(c, 3);
    expect(await s.alliance.read.hashProposal([proposal.calls, proposal.proposalClass, proposal.deadline, keccak256(stringToBytes(proposal.description))])).toBe(proposalId);
    expect(await s.alliance.read.hashVote([proposalId, true])).toBe(hashVote({ chainId: c.chainId, alliance: s.a, proposalId }));
    const t = await s.now();
    await s.addEntries([entry(keyOf(1), t, { level: 3, cadence: 60 })]);
    const client = c.wallets[0]!.extend(pocActions({ alliance: s.a, hardwareRegistry: s.r }));
    const status = await client.readAllianceStatus();
    expect(status.members).toHaveLength(3);
    expect(await client.readIsMember({ account: c.wallets[0]!.account.address })).toBe(true);
    await c.networkHelpers.time.increase(121);
    expect(await client.readLevel({ platformKey: keyOf(1) })).toBe(2);
    await c.publicClient.waitForTransactionReceipt({ hash: await client.writeHeartbeat({ platformKeys: [keyOf(1)] }) });
    expect(await client.readIsVerified({ platformKey: keyOf(1), minLevel: 3, maxAge: 60n })).toBe(true);
    expect((await client.readEntryRecord({ platformKey: keyOf(1) })).record?.method).toBe("dcap-quote+site-visit");

    const leaves = await client.getLogLeaves();
    const state = await client.readLogState();
    const tree = MerkleTree.fromLeaves(leaves.map((l) => l.leaf));
    expect(toHex(tree.root())).toBe(state.rootHash);
    // Members cosign with the log SDK; the registry records it through the extension.
    // The chain's well-known test mnemonic: the local accounts of the first two members.
    const memberKeys = [0, 1].map((i) => mnemonicToAccount("test test test test test test test test test test test junk", { addressIndex: i }));
    const cos = await Promise.all(
      memberKeys.map((account) => signCheckpoint({ chainId: c.chainId, registry: s.r, account, checkpoint: { origin: state.origin, size: state.size, rootHash: state.rootHash } })),
    );
    await c.publicClient.waitForTransactionReceipt({ hash: await client.writeRecordCheckpoint({ size: state.size, rootHash: state.rootHash, consistencyProof: [], cosignatures: cos }) });
    expect((await client.readLogState()).latestCheckpoint.size).toBe(state.size);
  });
});
