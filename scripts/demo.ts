/**
 * `npm run demo [-- --json]`: the Proof of Cloud registry story on the embedded chain.
 * An Alliance of five forms and elects a chair; one proposal, carried by an EIP-712 signature batch,
 * registers a facility and the real TDX fixture's hardware (PPID read from the PCK certificate in
 * test/fixtures/intel/tdx-v4/quote.bin); a member posts a heartbeat; an outsider challenges; two
 * members freeze the entry; three cosign a checkpoint the SDK checks against its own tree.
 * Progress goes to stderr; with --json stdout carries one JSON transcript.
 */
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import hre, { network } from "hardhat";
import { AsnConvert } from "@peculiar/asn1-schema";
import { Certificate } from "@peculiar/asn1-x509";
import * as asn1js from "asn1js";
import { getAddress, keccak256, stringToBytes, toHex, type Hex, type TransactionReceipt } from "viem";
import { mnemonicToAccount } from "viem/accounts";
import { pocActions } from "../sdk/src/chain/decorator.js";
import { allianceCalls, writeExecuteWithSignatures } from "../sdk/src/chain/alliance.js";
import { entryStatusNames, registryCalls } from "../sdk/src/chain/hardwareRegistry.js";
import { platformKey } from "../sdk/src/chain/platformKey.js";
import { hashProposal, proposalClassNames, ProposalClass, type Call, type Proposal } from "../sdk/src/chain/proposal.js";
import { collectVoteSignatures, signVote } from "../sdk/src/chain/votes.js";
import { signCheckpoint } from "../sdk/src/log/checkpoint.js";
import { MerkleTree } from "../sdk/src/log/tree.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const { values } = parseArgs({ options: { json: { type: "boolean" } } });
const log = (line: string) => process.stderr.write(line + "\n");
const transcript: Record<string, unknown>[] = [];
const record = (step: string, data: Record<string, unknown>) => {
  transcript.push({ step, ...data });
};

/**
 * The PPID of the platform that produced a TDX quote: OID 1.2.840.113741.1.13.1.1 inside the SGX
 * extension (1.2.840.113741.1.13.1) of the PCK leaf certificate the quote carries as PEM.
 */
function ppidFromQuote(quote: Uint8Array): Hex {
  const text = Buffer.from(quote).toString("latin1");
  const pem = text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/);
  if (!pem) throw new Error("no PEM certificate chain in the quote");
  const der = Buffer.from(pem[0].replace(/-----[A-Z ]+-----|\s/g, ""), "base64");
  const leaf = AsnConvert.parse(der, Certificate);
  const ext = leaf.tbsCertificate.extensions?.find((e) => e.extnID === "1.2.840.113741.1.13.1");
  if (!ext) throw new Error("the PCK certificate has no SGX extension");
  const parsed = asn1js.fromBER(ext.extnValue.buffer);
  if (parsed.offset === -1) throw new Error("SGX extension is not DER");
  for (const item of (parsed.result as asn1js.Sequence).valueBlock.value) {
    const [oid, value] = (item as asn1js.Sequence).valueBlock.value;
    if ((oid as asn1js.ObjectIdentifier).valueBlock.toString() === "1.2.840.113741.1.13.1.1") {
      return toHex(new Uint8Array((value as asn1js.OctetString).valueBlock.valueHexView));
    }
  }
  throw new Error("no PPID in the SGX extension");
}

async function main() {
  log("demo: compiling contracts...");
  await hre.tasks.getTask("build").run({ quiet: true });
  const { viem, networkHelpers } = await network.connect();
  const pc = await viem.getPublicClient();
  const wallets = await viem.getWalletClients();
  const chainId = await pc.getChainId();
  const names = ["Northwind Audits", "Contoso Trust Labs", "Fabrikam Security", "Tailspin Research", "Wide World Verifiers"];
  const members = wallets.slice(0, 5);
  const outsider = wallets[7]!;
  const relayer = wallets[9]!;
  const gasOf = (r: TransactionReceipt) => Number(r.gasUsed);

  log(`demo: 1. the Alliance forms: ${names.join(", ")}`);
  const alliance = await viem.deployContract("Alliance", [members.map((w) => w.account.address), names]);
  const salt = keccak256(stringToBytes("proof-of-cloud demo deployment"));
  const registry = await viem.deployContract("HardwareRegistry", [alliance.address, salt]);
  const poc = pc.extend(pocActions({ alliance: alliance.address, hardwareRegistry: registry.address }));
  record("alliance-formed", { chainId, alliance: alliance.address, registry: registry.address, members: names, salt });

  let seq = 0;
  /** A proposal passed by an EIP-712 signature batch from `signers`, submitted by a relayer. */
  const govern = async (calls: Call[], proposalClass: ProposalClass, signers: typeof members, description: string) => {
    const proposal: Proposal = { calls, proposalClass, deadline: (await pc.getBlock()).timestamp + 86400n, description: `${++seq}: ${description}` };
    const proposalId = hashProposal(proposal);
    const files = await Promise.all(signers.map((w) => signVote(w, { alliance: alliance.address, chainId, proposalId })));
    const votes = await collectVoteSignatures({ alliance: alliance.address, chainId, proposalId, files: files.map((content, i) => ({ name: `vote-${i}.json`, content })) });
    const receipt = await pc.waitForTransactionReceipt({ hash: await writeExecuteWithSignatures(relayer, { alliance: alliance.address, proposal, votes }) });
    if (receipt.status !== "success") throw new Error(`${description} reverted`);
    log(`   proposal ${toHex(proposalId, { size: 32 }).slice(0, 18)}… (${proposalClassNames[proposalClass]}) passed with ${votes.length}/${members.length} signatures in one tx, ${receipt.gasUsed} gas`);
    return { proposalId: toHex(proposalId, { size: 32 }), class: proposalClassNames[proposalClass], signatures: votes.length, transactionHash: receipt.transactionHash, gasUsed: gasOf(receipt) };
  };

  log("demo: 2. the members elect a chair by ordinary vote");
  record("chair-elected", { chair: names[0], ...(await govern([allianceCalls.electChair(alliance.address, members[0]!.account.address)], ProposalClass.Ordinary, members.slice(0, 3), "elect chair")) });

  const quote = readFileSync(join(root, "test/fixtures/intel/tdx-v4/quote.bin"));
  const ppid = ppidFromQuote(quote);
  // test/fixtures/PROVENANCE.md gives this PPID for intel/tdx-v4; a mismatch means the parse is wrong.
  if (ppid !== "0x811dca2a26b952e85bb6448b097ba4fd") throw new Error(`unexpected PPID ${ppid} in the TDX fixture`);
  const key = platformKey(1, ppid, salt);
  log(`demo: 3. a facility and the TDX platform (PPID ${ppid.slice(2)}, from the fixture's PCK certificate) are registered`);
  const facility = {
    facilityId: keccak256(stringToBytes("facility:demo-fra-1")),
    provider: "Example Colocation GmbH",
    country: "DE",
    site: "Frankfurt FRA-1, hall 2, cage 14",
    evidenceHash: keccak256(stringToBytes("site visit report 2026-11-02")),
    evidenceUri: "ipfs://bafy-demo-site-visit",
  };
  const now = (await pc.getBlock()).timestamp;
  const registered = await govern(
    [
      registryCalls.setFacilities(registry.address, [facility]),
      registryCalls.setEntries(registry.address, [
        {
          platformKey: key,
          facilityId: facility.facilityId,
          kind: 1,
          level: 3,
          cadence: 3600,
          verifiedAt: now,
          evidenceHash: keccak256(quote),
          method: "dcap-quote+site-visit",
          evidenceUri: "ipfs://bafy-demo-tdx-quote",
          endorsers: [getAddress(members[0]!.account.address), getAddress(members[2]!.account.address)],
        },
      ]),
    ],
    ProposalClass.Ordinary,
    members.slice(1, 4),
    "register facility FRA-1 and its TDX host",
  );
  const level = await poc.readLevel({ platformKey: key });
  log(`   platformKey ${key.slice(0, 18)}… level ${level}, isVerified(min 3, 2 h) = ${await poc.readIsVerified({ platformKey: key, minLevel: 3, maxAge: 7200n })}`);
  record("registered", { ppid, platformKey: key, facility: facility.site, level, ...registered });

  log("demo: 4. two hours pass; the level decays to 2 until a member posts a heartbeat");
  await networkHelpers.time.increase(2 * 3600 + 1);
  const decayed = await poc.readLevel({ platformKey: key });
  const hb = await pc.waitForTransactionReceipt({ hash: await members[3]!.extend(pocActions(poc.pocAddresses)).writeHeartbeat({ platformKeys: [key] }) });
  const restored = await poc.readLevel({ platformKey: key });
  log(`   level ${decayed} → heartbeat by ${names[3]} (${hb.gasUsed} gas) → level ${restored}`);
  record("heartbeat", { levelBefore: decayed, levelAfter: restored, member: names[3], transactionHash: hb.transactionHash, gasUsed: gasOf(hb) });

  log("demo: 5. an outsider challenges the entry");
  const ch = await pc.waitForTransactionReceipt({
    hash: await outsider.extend(pocActions(poc.pocAddresses)).writeChallenge({ platformKey: key, evidenceHash: keccak256(stringToBytes("suspicious quote")), evidenceUri: "https://example.org/incident-42" }),
  });
  await networkHelpers.time.increase(5 * 3600);
  const challenge = await poc.readChallenge({ challengeId: 0n });
  log(`   challenge #0 open for ${(Number(challenge.age) / 3600).toFixed(1)} h of the 72 h triage window`);
  record("challenged", { challengeId: 0, ageSeconds: Number(challenge.age), transactionHash: ch.transactionHash, gasUsed: gasOf(ch) });

  log("demo: 6. two members freeze it (emergency threshold max(2, ceil(5/3)) = 2)");
  const frozen = await govern([registryCalls.freeze(registry.address, [key], keccak256(stringToBytes("incident-42")))], ProposalClass.EmergencyFreeze, [members[1]!, members[4]!], "freeze pending incident-42");
  const entry = await poc.readHardwareEntry({ platformKey: key });
  log(`   status ${entryStatusNames[entry.status]} until ${new Date(Number(entry.frozenUntil) * 1000).toISOString()}, level ${entry.effectiveLevel}, isVerified = ${await poc.readIsVerified({ platformKey: key, minLevel: 1, maxAge: 0n })}`);
  record("frozen", { status: entryStatusNames[entry.status], frozenUntil: Number(entry.frozenUntil), level: entry.effectiveLevel, ...frozen });

  log("demo: 7. three members cosign a checkpoint; the SDK rebuilds the tree from the events");
  const state = await poc.readLogState();
  const leaves = await poc.getLogLeaves();
  const sdkRoot = toHex(MerkleTree.fromLeaves(leaves.map((l) => l.leaf)).root());
  if (sdkRoot !== state.rootHash) throw new Error(`SDK root ${sdkRoot} differs from the contract's ${state.rootHash}`);
  const mnemonic = "test test test test test test test test test test test junk"; // the embedded chain's test accounts
  const cosignatures = await Promise.all(
    [0, 2, 3].map((i) => signCheckpoint({ chainId, registry: registry.address, account: mnemonicToAccount(mnemonic, { addressIndex: i }), checkpoint: { origin: state.origin, size: state.size, rootHash: state.rootHash } })),
  );
  const cp = await pc.waitForTransactionReceipt({
    hash: await relayer.extend(pocActions(poc.pocAddresses)).writeRecordCheckpoint({ size: state.size, rootHash: state.rootHash, consistencyProof: [], cosignatures }),
  });
  log(`   checkpoint ${state.origin} size ${state.size} root ${state.rootHash.slice(0, 18)}… recorded (${cp.gasUsed} gas); leaves: ${leaves.map((l) => l.decoded.leafType).join(",")}`);
  record("checkpoint", { origin: state.origin, size: Number(state.size), rootHash: state.rootHash, sdkRoot, cosigners: cosignatures.length, transactionHash: cp.transactionHash, gasUsed: gasOf(cp) });

  const teeFail = platformKey(1, "0xea13c3903ba2db3b83fed09efb90c417", salt);
  const teeFailLevel = await poc.readLevel({ platformKey: teeFail });
  log(`demo: the TEE.fail quote's hardware (PPID ea13c390…) is not in the registry: level ${teeFailLevel}`);
  record("tee-fail-not-registered", { platformKey: teeFail, level: teeFailLevel });

  if (values.json) process.stdout.write(JSON.stringify({ demo: "registry", steps: transcript }, null, 2) + "\n");
  log("demo: done");
}

await main();
process.exit(0);
