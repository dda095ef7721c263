/**
 * Gas of the CVM registry on the embedded osaka chain, with simulated evidence (a TDX quote through
 * the real DcapQuoteVerifier pinned to a simulator root, vTPM quotes over 4 SHA-256 PCRs):
 * - cvm.register.overheadGas: register() beyond verifying its two quotes: the register transaction
 *   minus DcapQuoteVerifier.verifyQuote(quote) as a transaction, minus TpmQuoteVerifier.verifyQuote
 *   of the TPM quote as a transaction less its 21,000 base (all estimated in the same state; RSA AK);
 *   what is left is storage, events, the EIP-712 hash and signature, calls and the measurement hash;
 * - cvm.register.overheadWithTpmGas: register() minus the DCAP quote only (the TPM check counted in);
 * - cvm.register.overheadGasEcdsaAk: cvm.register.overheadGas with a P-256 AK;
 * - cvm.register.totalGas: register() as a transaction (RSA AK, platform seen for the first time);
 * - cvm.reattest.gas: reattest() as a transaction (RSA-2048 AK);
 * - cvm.gateCheck.gas: one CvmGate check (`_checkAttestedCvm`, cold registry and hardware registry),
 *   measured inside the EVM by CvmGateProbe; cvm.gateCheck.signedGas adds the ECDSA signature check;
 *   cvm.gateCheck.warmGas is a second check in the same transaction (accounts and slots warm);
 *   cvm.gateCheck.immutablePolicyGas uses a policy built from immutables (no policy storage);
 * - cvm.hardwarePush.heartbeatTrackedGas / heartbeatUntrackedGas: HardwareRegistry.heartbeat of one
 *   level-3 platform, as a transaction, when a CVM runs on it (its status is pushed into the
 *   CvmRegistry's mirror) and when none does (the CvmRegistry is called and ignores it): what the
 *   hardware feed costs the registry's writers; heartbeatNoListenerGas is the same heartbeat on a
 *   HardwareRegistry without listeners;
 * - cvm.akCertChain.gas: TpmAkCertificateVerifier.verifyAkCertificate on the real GCE AK certificate
 *   chain (RSA-2048 AK cert, RSA-2048 intermediate, RSA-4096 root), as a transaction.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { encodeFunctionData, keccak256, stringToBytes, toHex, type Hex } from "viem";
import { hardwareRegistryAbi } from "../../sdk/src/chain/abi/HardwareRegistry.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { tpmAkCertificateVerifierAbi } from "../../sdk/src/chain/abi/TpmAkCertificateVerifier.js";
import type { BenchSuite } from "../bench.js";
import { cvmRegistryAbi } from "../../sdk/src/chain/abi/CvmRegistry.js";
import { dcapQuoteVerifierAbi } from "../../sdk/src/chain/abi/DcapQuoteVerifier.js";
import { tpmQuoteVerifierAbi } from "../../sdk/src/chain/abi/TpmQuoteVerifier.js";
import { writeRegisterCvm } from "../../sdk/src/chain/cvmRegistry.js";
import { Cvm, deployCvmWorld, FACILITY } from "../../testkit/cvmWorld.js";
import { registryCalls } from "../../sdk/src/chain/hardwareRegistry.js";
import { pass, ProposalClass, SALT } from "../../testkit/proposals.js";
import { deployHardwareModules } from "../../testkit/deploy.js";

export const suite: BenchSuite = {
  name: "cvm",
  run: async (ctx) => {
    const w = await deployCvmWorld({ seed: "cvm bench" });
    await w.registerHardware();
    const owner = w.wallets[5]!.account.address;
    const from = w.wallets[6]!.account.address;
    const out: Record<string, number> = {};
    const deadline = (await w.now()) + 3600n;
    const tpmVerifier = w.tpmVerifier; // the deployment's own (module) TpmQuoteVerifier

    for (const akType of ["rsa", "ecdsa"] as const) {
      const cvm = await Cvm.create(w, akType, `bench-${akType}`);
      const r = await cvm.registration({ owner, deadline });
      const registerData = encodeFunctionData({
        abi: cvmRegistryAbi,
        functionName: "register",
        args: [r.tee, r.tpm, r.args.identity, r.args.owner, r.args.deadline, r.identitySignature],
      });
      const quoteData = encodeFunctionData({ abi: dcapQuoteVerifierAbi, functionName: "verifyQuote", args: [r.tee.payload] });
      const total = Number(await w.pub.estimateGas({ account: from, to: w.registry.address, data: registerData }));
      const quote = Number(await w.pub.estimateGas({ account: from, to: w.dcap.address, data: quoteData }));
      const tpmData = encodeFunctionData({
        abi: tpmQuoteVerifierAbi,
        functionName: "verifyQuote",
        args: [r.tpm.akPublic, r.tpm.attest, r.tpm.signature, r.tpm.pcrValues, r.digest],
      });
      const tpm = Number(await w.pub.estimateGas({ account: from, to: tpmVerifier.address, data: tpmData })) - 21_000;
      const overhead = total - quote - tpm;
      ctx.log(`  register (${akType} AK): ${total} gas; DCAP quote ${quote}, TPM quote ${tpm} (without base); overhead ${overhead}`);
      if (akType === "rsa") {
        out["cvm.register.totalGas"] = total;
        out["cvm.register.overheadGas"] = overhead;
        out["cvm.register.overheadWithTpmGas"] = total - quote;
      } else {
        out["cvm.register.overheadGasEcdsaAk"] = overhead;
      }
      const hash = await writeRegisterCvm(w.wallets[6]!, { registry: w.registry.address, ...r.args, tee: r.tee, tpm: r.tpm, identitySignature: r.identitySignature });
      await w.pub.waitForTransactionReceipt({ hash });

      if (akType === "rsa") {
        const re = await cvm.reattestation();
        const data = encodeFunctionData({ abi: cvmRegistryAbi, functionName: "reattest", args: [cvm.address, re.tpm, re.teeRegistersHash] });
        out["cvm.reattest.gas"] = Number(await w.pub.estimateGas({ account: from, to: w.registry.address, data }));
        ctx.log(`  reattest (RSA AK, 4 PCRs): ${out["cvm.reattest.gas"]} gas`);

        const probe = await w.viem.deployContract("CvmGateProbe", [w.registry.address, cvm.expectedMeasurement(), 2, 3600n, 0]);
        out["cvm.gateCheck.gas"] = Number(await probe.read.measure([cvm.address]));
        const digest = `0x${"ab".repeat(32)}` as const;
        out["cvm.gateCheck.signedGas"] = Number(await probe.read.measureSigned([cvm.address, digest, await cvm.identity.sign({ hash: digest })]));
        out["cvm.gateCheck.warmGas"] = Number(await probe.read.measureWarm([cvm.address]));
        out["cvm.gateCheck.immutablePolicyGas"] = Number(await probe.read.measureImmutable([cvm.address]));
        ctx.log(`  gate check: ${out["cvm.gateCheck.gas"]} gas (with the request signature: ${out["cvm.gateCheck.signedGas"]}; warm: ${out["cvm.gateCheck.warmGas"]})`);
      }
    }

    // The CVMs above run on w.hwKey; a second level-3 platform has none.
    const idle = keccak256(stringToBytes("bench: idle platform"));
    await w.registerHardware({ level: 3, cadence: 3600 });
    await w.registerHardware({ platformKey: idle, level: 3, cadence: 3600 });
    const member = w.members[0]!.account.address;
    // Gas used by a sent heartbeat (what the writer pays). The gas *limit* it needs is higher: before
    // each listener call the registry demands the listener's whole allowance be available, so a
    // submitter cannot starve a listener (docs/hardware-registry.md#listeners); reported separately.
    const heartbeatData = (key: Hex) => encodeFunctionData({ abi: hardwareRegistryAbi, functionName: "heartbeat", args: [[key]] });
    const heartbeat = async (registry: Hex, key: Hex) => {
      const hash = await w.members[0]!.sendTransaction({ to: registry, data: heartbeatData(key) });
      return Number((await w.pub.waitForTransactionReceipt({ hash })).gasUsed);
    };
    const heartbeatLimit = async (registry: Hex, key: Hex) => Number(await w.pub.estimateGas({ account: member, to: registry, data: heartbeatData(key) }));
    // The same heartbeat on a registry nobody listens to, for the baseline.
    // Its own Alliance (same members) through the modules: the world's Alliance has closed its set-up
    // window, so a hand-deployed registry there would have no class-table entries (ClassTooWeak).
    const side = await deployHardwareModules(w.conn, w.members.map((m) => m.account.address), SALT);
    const unheard = side.registry;
    const sideGovern = (calls: Parameters<typeof pass>[2]) => pass({ chainId: w.pub.chain!.id, publicClient: w.pub, wallets: w.wallets as never }, side.alliance.address, calls, ProposalClass.Ordinary, w.members.slice(0, 2) as never, `unheard ${calls.length}`);
    await sideGovern([registryCalls.setFacilities(unheard.address, [FACILITY])]);
    await sideGovern([registryCalls.setEntries(unheard.address, [await w.entry({ platformKey: idle, level: 3, cadence: 3600 })])]);
    out["cvm.hardwarePush.heartbeatTrackedGasLimit"] = await heartbeatLimit(w.hardware.address, w.hwKey);
    out["cvm.hardwarePush.heartbeatTrackedGas"] = await heartbeat(w.hardware.address, w.hwKey);
    out["cvm.hardwarePush.heartbeatUntrackedGas"] = await heartbeat(w.hardware.address, idle);
    out["cvm.hardwarePush.heartbeatNoListenerGas"] = await heartbeat(unheard.address, idle);
    ctx.log(`  heartbeat: ${out["cvm.hardwarePush.heartbeatNoListenerGas"]} gas without listeners; pushed to the CVM registry ${out["cvm.hardwarePush.heartbeatTrackedGas"]} (platform with a CVM), ${out["cvm.hardwarePush.heartbeatUntrackedGas"]} (without)`);

    const dir = join(import.meta.dirname, "..", "..", "test", "fixtures", "tpm");
    const gce = JSON.parse(readFileSync(join(dir, "gce-cos-85-nonce9009.json"), "utf8"));
    const root = readFileSync(join(dir, "gce-tpm-ek-root-1.cer"));
    const akv = await w.viem.deployContract("TpmAkCertificateVerifier", [w.alliance.address, [toHex(sha256(root))]]);
    const chain: Hex[] = [`0x${gce.ak_cert_der}`, toHex(readFileSync(join(dir, "gce-tpm-ek-intermediate-2.crt"))), toHex(root)];
    const akData = encodeFunctionData({ abi: tpmAkCertificateVerifierAbi, functionName: "verifyAkCertificate", args: [`0x${gce.ak_pub_tpmt_public}`, chain] });
    out["cvm.akCertChain.gas"] = Number(await w.pub.estimateGas({ account: from, to: akv.address, data: akData }));
    ctx.log(`  GCE AK certificate chain (3 RSA certificates): ${out["cvm.akCertChain.gas"]} gas`);
    return out;
  },
};
