/**
 * Acts 6 to 10: a simulated CVM registers and a gated dApp (CvmVault) pays out on its signed
 * request; the TPM TTL lapses and the vault refuses; a TPM re-attestation restores it; the key
 * rotates; an emergency freeze of its hardware refuses it again.
 */
import { sha256 } from "@noble/hashes/sha2.js";
import { keccak256, parseEther, stringToBytes, toBytes, toHex, zeroAddress, type Address, type Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { buildCollateralUploads, uploadCollateral } from "../../sdk/src/chain/collateralStore.js";
import { readCheckCvm, readCvm, readCvmParams, writeRegisterCvm, writeReattestCvm, writeRotateCvm } from "../../sdk/src/chain/cvmRegistry.js";
import { readHardwareEntry, readLevel, registryCalls, writeChallenge, entryStatusNames } from "../../sdk/src/chain/hardwareRegistry.js";
import { platformKey } from "../../sdk/src/vocabulary/platformKey.js";
import { ProposalClass } from "../../sdk/src/chain/proposal.js";
import { assertNotProductionParameters, createSimulatedTdxEnvironment, SimulatorParametersError, type SimulatedTdxEnvironment } from "../../sdk/src/simulate/index.js";
import { FACILITY } from "./governance.js";
import { hardwareEntry } from "../../testkit/registryEntries.js";
import { SimulatedCvm } from "../../testkit/simulatedCvm.js";
import { attempt, gasOf, type Story } from "../../testkit/story.js";
import { govern, MEMBER_NAMES, TDX_VERIFY_AT, type DemoWorld } from "./world.js";

export const DAY = 86_400;
const SEED = "proof-of-cloud demo";
/** Simulated collateral issued a day before the chain's clock, valid 30 days (covers the whole story). */
const ISSUED_AT = new Date((TDX_VERIFY_AT - DAY) * 1000);

type Vault = { address: Address; read: { hashRelease: (a: [Address, bigint, bigint, bigint]) => Promise<unknown> }; write: { release: (a: [Address, Address, bigint, bigint, bigint, Hex], o: object) => Promise<Hex> } };

export async function actCvmRegisters(w: DemoWorld, story: Story, teeFailPpid: Hex) {
  story.act(
    6,
    "A simulated CVM registers and a gated dApp call succeeds",
    "a CVM registration needs a TDX quote whose report data holds the EIP-712 hash of this registration\n(identity, owner, nonce, deadline) on this chain and registry: no real quote can carry it, so a\nsimulated platform issues one, verified by a second DCAP store + verifier pinned to the simulator's\nroot (same contract code as the Intel-pinned one; the simulator's root is refused off local chains)",
  );
  const tdx = createSimulatedTdxEnvironment({ seed: SEED, issuedAt: ISSUED_AT, platform: { label: "demo-host" } });
  let stack = { registry: zeroAddress as Address, workload: zeroAddress as Address, dcap: zeroAddress as Address };
  await story.step(6, "simulated-stack-deployed", "simulator-pinned CollateralStore + DcapQuoteVerifier, WorkloadVerifier, CvmRegistry", "deployed", async () => {
    assertNotProductionParameters({ chainId: w.chainId, roots: [tdx.pki.root.der] });
    let refusedOnSepolia = false;
    try {
      assertNotProductionParameters({ chainId: 11155111, roots: [tdx.pki.root.der] });
    } catch (e) {
      refusedOnSepolia = e instanceof SimulatorParametersError;
    }
    if (!refusedOnSepolia) throw new Error("the simulator root was not refused for Sepolia");
    const parser = await w.viem.deployContract("CollateralParser");
    const store = await w.viem.deployContract("CollateralStore", [toHex(sha256(tdx.pki.root.der)), parser.address]);
    const up = await uploadCollateral(w.operator as never, w.pub, { address: store.address, uploads: buildCollateralUploads({ collateral: tdx.collateral, rootCertificate: tdx.pki.root.der }) });
    const dcap = await w.viem.deployContract("DcapQuoteVerifier", [store.address]);
    const workload = await w.viem.deployContract("WorkloadVerifier", [w.alliance, w.hardwareRegistry, dcap.address, zeroAddress]);
    const registry = await w.viem.deployContract("CvmRegistry", [w.alliance, w.hardwareRegistry, workload.address, 30 * DAY, DAY, 1]);
    stack = { registry: registry.address, workload: workload.address, dcap: dcap.address };
    return {
      outcome: "deployed",
      say: `CvmRegistry ${registry.address}: TEE TTL ≤ 30 days, TPM TTL ≤ 1 day, hardware level ≥ 1; simulator root refused for chain 11155111`,
      details: { ...stack, simulatedStore: store.address, collateralItemsStored: up.stored, simulatorRootRefusedOnSepolia: refusedOnSepolia },
    };
  });
  await story.step(6, "hardware-feed-connected", "4 of 5 members connect the CvmRegistry to the HardwareRegistry's status feed (security-critical)", "connected", async () => {
    const g = await govern(w, [registryCalls.addListener(w.hardwareRegistry, stack.registry)], ProposalClass.SecurityCritical, w.members.slice(0, 4), "connect the CVM registry to the hardware feed");
    const p = await readCvmParams(w.pub, { registry: stack.registry });
    return {
      outcome: p.hardwareFeedConnected ? "connected" : "not connected",
      gasUsed: g.receipt.gasUsed,
      say: "every later freeze, revocation, update or heartbeat of a platform a CVM runs on is pushed into the CvmRegistry, so a dApp's check is one call",
    };
  });
  const target = { chainId: w.chainId, registry: stack.registry };
  const deadline = async () => (await w.now()) + 3600n;
  const owner = w.cvmOwner.account.address;
  const registerArgs = async (vm: SimulatedCvm) => {
    const r = await vm.registration({ owner, deadline: await deadline() });
    return { ...r.args, tee: r.tee, tpm: r.tpm, identitySignature: r.identitySignature };
  };

  await story.step(6, "tee-fail-twin-refused", "a CVM on a platform with the TEE.fail PPID tries to register", "refused: HardwareNotVerified", async () => {
    const twinTdx: SimulatedTdxEnvironment = createSimulatedTdxEnvironment({ seed: SEED, issuedAt: ISSUED_AT, platform: { label: "tee-fail-twin", ppid: toBytes(teeFailPpid) } });
    const twin = await SimulatedCvm.create({ tdx: twinTdx, pub: w.pub, target }, "rsa", "tee-fail-twin");
    const r = await attempt(writeRegisterCvm(w.relayer, { registry: stack.registry, ...(await registerArgs(twin)) }));
    return {
      outcome: r.outcome,
      say: "its evidence verifies (simulated, with the TEE.fail PPID in its PCK certificate), but its platformKey has level 0",
      details: { args: r.args, platformKey: platformKey(1, teeFailPpid, w.salt) },
    };
  });

  const hwKey = platformKey(1, tdx.pck.sgx.ppid, w.salt);
  await story.step(6, "simulated-platform-registered", "3 of 5 members register the simulated host at FRA-1, level 1 (signature batch)", "level 1", async () => {
    const g = await govern(
      w,
      [
        registryCalls.setEntries(w.hardwareRegistry, [
          hardwareEntry({ platformKey: hwKey, facilityId: FACILITY.facilityId, verifiedAt: await w.now(), evidenceHash: keccak256(stringToBytes("simulated host audit")), method: "simulated", evidenceUri: "ipfs://bafy-demo-sim" }),
        ]),
      ],
      ProposalClass.Ordinary,
      w.members.slice(0, 3),
      "register the simulated host",
    );
    return { outcome: `level ${await readLevel(w.pub, { registry: w.hardwareRegistry, platformKey: hwKey })}`, gasUsed: g.receipt.gasUsed, details: { platformKey: hwKey, ppid: toHex(tdx.pck.sgx.ppid) } };
  });

  let cvm = await SimulatedCvm.create({ tdx, pub: w.pub, target }, "rsa", "demo-cvm");
  await story.step(6, "cvm-registered", "the CVM registers: TDX quote (DCAP onchain) + RSA vTPM quote + identity signature", "valid", async () => {
    const r = await w.receipt(writeRegisterCvm(w.relayer, { registry: stack.registry, ...(await registerArgs(cvm)) }));
    const s = await readCvm(w.pub, { registry: stack.registry, identity: cvm.address });
    if (s.measurementHash !== cvm.expectedMeasurement()) throw new Error("the recorded measurement differs from the expected one");
    return {
      outcome: s.valid ? "valid" : "invalid",
      gasUsed: gasOf(r),
      say: `identity ${cvm.address}, measurement ${s.measurementHash.slice(0, 18)}…, hardware level ${s.hardwareLevel}`,
      details: { identity: cvm.address, measurementHash: s.measurementHash, hardwareLevel: s.hardwareLevel, transactionHash: r.transactionHash },
    };
  });

  let vault: Vault | undefined;
  let nonce = 0n;
  const recipient = privateKeyToAccount(keccak256(stringToBytes("demo recipient"))).address;
  /** The CVM signs a release request; a relayer submits it to the vault. */
  const release = async (signer: SimulatedCvm = cvm) => {
    const n = ++nonce;
    const dl = await deadline();
    const digest = (await vault!.read.hashRelease([recipient, parseEther("0.1"), n, dl])) as Hex;
    const signature = await signer.identity.sign({ hash: digest });
    return attempt(w.receipt(vault!.write.release([signer.address, recipient, parseEther("0.1"), n, dl, signature], { account: w.relayer.account })));
  };
  await story.step(6, "vault-release", "CvmVault (allows this measurement, level ≥ 1) pays 0.1 ETH on the CVM's signed request", "succeeded", async () => {
    vault = (await w.viem.deployContract("CvmVault", [stack.registry, owner, [cvm.expectedMeasurement()], 1, 0n])) as unknown as Vault;
    await w.receipt(w.cvmOwner.sendTransaction({ to: vault.address, value: parseEther("1") }));
    const r = await release();
    return { outcome: r.outcome, gasUsed: r.value ? gasOf(r.value) : undefined, details: { vault: vault.address, recipient, balance: await w.pub.getBalance({ address: recipient }) } };
  });

  story.act(7, "Time passes and the TTL refuses it", "the CVM's TPM side must be re-attested at least once a day (TPM TTL 1 day)");
  await story.step(7, "ttl-lapsed", "a day and a second pass; the vault gets another signed request", "refused: CvmNotValid", async () => {
    await w.time.increase(DAY + 1);
    const c = await readCheckCvm(w.pub, { registry: stack.registry, identity: cvm.address });
    if (c.valid) throw new Error("the CVM is still valid after its TPM TTL");
    const r = await release();
    return { outcome: r.outcome, details: { valid: c.valid, args: r.args } };
  });

  story.act(8, "Re-attestation restores it", "a TPM quote whose qualifying data holds the EIP-712 hash of (identity, nonce)");
  await story.step(8, "reattested", "the CVM sends a fresh vTPM quote (RSA AK, same PCRs)", "valid", async () => {
    const a = await cvm.reattestation();
    const r = await w.receipt(writeReattestCvm(w.relayer, { registry: stack.registry, identity: cvm.address, tpm: a.tpm, teeRegistersHash: a.teeRegistersHash }));
    const c = await readCheckCvm(w.pub, { registry: stack.registry, identity: cvm.address });
    return { outcome: c.valid ? "valid" : "invalid", gasUsed: gasOf(r), details: { transactionHash: r.transactionHash } };
  });
  await story.step(8, "vault-release-again", "the vault pays again", "succeeded", async () => {
    const r = await release();
    return { outcome: r.outcome, gasUsed: r.value ? gasOf(r.value) : undefined };
  });

  story.act(9, "Its key rotates", "a new identity key made inside the CVM; the old and the new key sign the handover, a TPM quote binds the new key");
  const old = cvm;
  await story.step(9, "rotated", "rotate: old- and new-key signatures + TPM quote naming the new identity", "old rotated, new valid", async () => {
    const rot = await cvm.rotation();
    const r = await w.receipt(writeRotateCvm(w.relayer, { registry: stack.registry, identity: cvm.address, newIdentity: rot.newIdentity, oldKeySignature: rot.oldKeySignature, newKeySignature: rot.newKeySignature, tpm: rot.tpm, teeRegistersHash: rot.teeRegistersHash }));
    cvm = cvm.rotated(rot.nextKey);
    const before = await readCvm(w.pub, { registry: stack.registry, identity: old.address });
    const after = await readCvm(w.pub, { registry: stack.registry, identity: cvm.address });
    return {
      outcome: `old ${before.statusName}, new ${after.valid ? "valid" : "invalid"}`,
      gasUsed: gasOf(r),
      say: `${old.address} → ${cvm.address}`,
      details: { oldIdentity: old.address, newIdentity: cvm.address, transactionHash: r.transactionHash },
    };
  });
  await story.step(9, "vault-new-key", "the vault pays a request signed by the new key", "succeeded", async () => {
    const r = await release(cvm);
    return { outcome: r.outcome, gasUsed: r.value ? gasOf(r.value) : undefined };
  });
  await story.step(9, "vault-old-key", "a request signed by the retired key", "refused: CvmNotValid", async () => {
    const r = await release(old);
    return { outcome: r.outcome };
  });

  story.act(10, "An emergency freeze of its hardware refuses it again");
  await story.step(10, "challenged", "an outsider challenges the simulated host's entry", "open", async () => {
    const r = await w.receipt(writeChallenge(w.outsider, { registry: w.hardwareRegistry, platformKey: hwKey, evidenceHash: keccak256(stringToBytes("suspicious power cycling")), evidenceUri: "https://example.org/incident-42" }));
    const e = await readHardwareEntry(w.pub, { registry: w.hardwareRegistry, platformKey: hwKey });
    return { outcome: e.openChallenges > 0 ? "open" : "not open", gasUsed: gasOf(r), details: { openChallenges: e.openChallenges } };
  });
  await story.step(10, "frozen", `2 of 5 members (${MEMBER_NAMES[1]}, ${MEMBER_NAMES[4]}) freeze the host: emergency class, threshold max(2, ceil(5/3))`, "frozen, CVM invalid", async () => {
    const g = await govern(w, [registryCalls.freeze(w.hardwareRegistry, [hwKey], keccak256(stringToBytes("incident-42")))], ProposalClass.EmergencyFreeze, [w.members[1]!, w.members[4]!], "freeze pending incident-42");
    const e = await readHardwareEntry(w.pub, { registry: w.hardwareRegistry, platformKey: hwKey });
    const c = await readCheckCvm(w.pub, { registry: stack.registry, identity: cvm.address });
    return {
      outcome: `${entryStatusNames[e.status]}, CVM ${c.valid ? "valid" : "invalid"}`,
      gasUsed: g.receipt.gasUsed,
      say: `frozen until ${new Date(Number(e.frozenUntil) * 1000).toISOString()} unless confirmed; CVM hardware level now ${c.hardwareLevel}`,
      details: { frozenUntil: e.frozenUntil, hardwareLevel: c.hardwareLevel, proposalId: g.proposalId },
    };
  });
  await story.step(10, "vault-refused-frozen", "the vault gets a request signed by the (valid-keyed) CVM", "refused: CvmNotValid", async () => {
    const r = await release(cvm);
    return { outcome: r.outcome };
  });
  return { cvmRegistry: stack.registry, hwKey };
}
