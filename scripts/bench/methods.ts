/**
 * Gas of the verification methods (docs/hardware-registry.md#verification-methods), on the simulated
 * GCE world (testkit/gceWorld.ts: the deployed system, simulated Intel PKI and Google vTPM CA):
 * - registry.enroll.gceGas (goal <= 1,500,000): receipt gas of `GceMethod.enrol` for a platform the
 *   DCAP verifier has never seen: TDX quote (DCAP), TPM quote and AK binding (WorkloadVerifier), AK
 *   chain [AK, intermediate, root] (TpmAkCertificateVerifier), the extension, the entry and its leaf.
 * - registry.enroll.gceRepeatGas: the same platform enrolling again (DCAP's platform cache warm).
 * - registry.heartbeatByGceReattest.gas: `GceMethod.reattest` (a TPM quote by the enrolled AK).
 * - registry.enroll.akChainSimulatedGas / akChainRealGas: `verifyAkCertificate` (estimateGas) on the
 *   simulated chain of the enrolment above and on Google's real chain (the fixture's AK certificate,
 *   Google's AK intermediate pinned); registry.enroll.gceGasRealChainEstimate = gceGas minus the first
 *   plus the second: what a real GCE enrolment costs, since no bound real TDX + vTPM pair is public.
 * - registry.heartbeatByReattest.gas: `CvmRegistry.reattest` of a CVM on a level-3 platform that
 *   posts the platform's heartbeat (the CvmRegistry registered as a level-3 method), and
 *   registry.heartbeatByReattest.overheadGas: that minus the same re-attestation without a heartbeat
 *   (within half a cadence of the last one).
 */
import type { BenchSuite } from "../bench.js";
import { writeGceEnrol, writeGceReattest } from "../../sdk/src/chain/gceMethod.js";
import { methodRegistryCalls } from "../../sdk/src/chain/methodRegistry.js";
import { readHardwareEntry } from "../../sdk/src/chain/hardwareRegistry.js";
import { writeReattestCvm, writeRegisterCvm } from "../../sdk/src/chain/cvmRegistry.js";
import { deployGceWorld, GceMachine } from "../../testkit/gceWorld.js";
import { Cvm } from "../../testkit/cvmWorld.js";
import { ProposalClass } from "../../testkit/proposals.js";
import { loadGceAttestation, TPM_FIXTURES } from "../../testkit/tpmFixtures.js";
import { tpmAkCertificateVerifierAbi } from "../../sdk/src/chain/abi/TpmAkCertificateVerifier.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { encodeFunctionData, toHex, type Address, type Hex } from "viem";
import { readFileSync } from "node:fs";
import { join } from "node:path";

const HOUR = 3600;

export const suite: BenchSuite = {
  name: "methods",
  run: async (ctx) => {
    ctx.log("methods: GCE world");
    const w = await deployGceWorld({ seed: "bench gce" });
    const relayer = w.wallets[6]!;
    const gas = async (hash: Promise<`0x${string}`>) => {
      const r = await w.pub.waitForTransactionReceipt({ hash: await hash });
      if (r.status !== "success") throw new Error("bench transaction reverted");
      return Number(r.gasUsed);
    };
    const machine = await GceMachine.create(w, { label: "bench-gce" });
    ctx.log("methods: first enrolment");
    const e1 = await machine.enrolment({ level: 3, cadence: 2 * HOUR });
    const first = await gas(writeGceEnrol(relayer, { gceMethod: w.gce.address, evidence: e1.evidence, claim: e1.claim }));
    const e2 = await machine.enrolment({ level: 3, cadence: 2 * HOUR });
    const repeat = await gas(writeGceEnrol(relayer, { gceMethod: w.gce.address, evidence: e2.evidence, claim: e2.claim }));
    const key = w.hwKey;
    await w.time.increase(HOUR + 1);
    const gceBeat = await gas(writeGceReattest(relayer, { gceMethod: w.gce.address, platformKey: key, ...(await machine.reattestation(key)) }));

    ctx.log("methods: CvmRegistry re-attestation as a heartbeat");
    const cvm = await Cvm.create(w, "rsa", "bench-gce-cvm");
    const reg = await cvm.registration({ owner: w.wallets[5]!.account.address, deadline: (await w.now()) + 3600n });
    await gas(writeRegisterCvm(relayer, { registry: w.registry.address, ...reg.args, tee: reg.tee, tpm: reg.tpm, identitySignature: reg.identitySignature }));
    await w.govern([methodRegistryCalls.registerMethod(w.methods.address, w.registry.address, 3, [])], ProposalClass.SecurityCritical);
    const reattest = async () => {
      const r = await cvm.reattestation();
      return gas(writeReattestCvm(relayer, { registry: w.registry.address, identity: cvm.address, tpm: r.tpm, teeRegistersHash: r.teeRegistersHash }));
    };
    await w.time.increase(HOUR + 1);
    const heartbeat = async () => (await readHardwareEntry(w.pub, { registry: w.hardware.address, platformKey: key })).lastHeartbeat;
    const before = await heartbeat();
    const withBeat = await reattest();
    if ((await heartbeat()) === before) throw new Error("the re-attestation posted no heartbeat");
    const without = await reattest();

    ctx.log("methods: AK chains, simulated and Google's real one");
    const chainGas = (at: Address, akPublic: Hex, chain: Hex[]) =>
      w.pub.estimateGas({ to: at, data: encodeFunctionData({ abi: tpmAkCertificateVerifierAbi, functionName: "verifyAkCertificate", args: [akPublic, chain] }) });
    const simChain = Number(await chainGas(w.akVerifier, toHex(machine.tpm.akPublic), machine.akChain.map((c) => toHex(c))));
    const gce = loadGceAttestation();
    const intermediate = toHex(readFileSync(join(TPM_FIXTURES, "gce-tpm-ek-intermediate-2.crt")));
    const pinned = await w.viem.deployContract("TpmAkCertificateVerifier", [w.alliance.address, [toHex(sha256(readFileSync(join(TPM_FIXTURES, "gce-tpm-ek-intermediate-2.crt"))))]]);
    const realChain = Number(await chainGas(pinned.address, `0x${gce.ak_pub_tpmt_public}`, [`0x${gce.ak_cert_der}`, intermediate]));
    return {
      "registry.enroll.gceGas": first,
      "registry.enroll.gceRepeatGas": repeat,
      "registry.enroll.akChainSimulatedGas": simChain,
      "registry.enroll.akChainRealGas": realChain,
      "registry.enroll.gceGasRealChainEstimate": first - simChain + realChain,
      "registry.heartbeatByGceReattest.gas": gceBeat,
      "registry.heartbeatByReattest.gas": withBeat,
      "registry.heartbeatByReattest.overheadGas": withBeat - without,
    };
  },
};
