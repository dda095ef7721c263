/**
 * The GCE verification method on a simulated world (docs/hardware-registry.md#the-gce-method): the
 * CVM world (testkit/cvmWorld.ts: the whole system through the Ignition modules, the simulator's
 * Intel collateral uploaded, FACILITY set), plus a simulated Google vTPM CA whose root the Alliance
 * pins, the zone table, and the GCE method registered by a security-critical vote. A `GceMachine` is
 * a simulated GCE confidential VM: a TDX platform (simulated QE), a software TPM with an RSA AK, and
 * an AK certificate from the simulated Google CA naming its zone, project and instance. Tests, the
 * demo and the bench drive it.
 */
import { encodeFunctionData, keccak256, stringToBytes, toBytes, type Address, type Hex } from "viem";
import { createSimulatedGceCa, createSimulatedTpm, type SimulatedGceCa, type SimulatedGceInstance, type SimulatedTpm } from "../sdk/src/simulate/index.js";
import { addressOf } from "../sdk/src/chain/addressBook.js";
import { dcapEvidence, tpmEvidence, workloadReportData, type TpmEvidence } from "../sdk/src/chain/workload.js";
import { buildGceEnrolment, gceBindingHash, gceEnrolSubject, gceMethodCalls, type BuildGceEnrolmentReturnType } from "../sdk/src/chain/gceMethod.js";
import { methodRegistryCalls } from "../sdk/src/chain/methodRegistry.js";
import { tpmAkCertificateVerifierAbi } from "../sdk/src/chain/abi/TpmAkCertificateVerifier.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { deployCvmWorld, FACILITY, measuredBoot, QUOTED_PCRS, type CvmWorld } from "./cvmWorld.js";
import { ProposalClass } from "./proposals.js";
import { TPM_ALG_SHA256 } from "../sdk/src/simulate/index.js";

export const GCE_ZONE = "europe-west4-a";
export const GCE_INSTANCE: SimulatedGceInstance = {
  zone: GCE_ZONE,
  projectNumber: 117478743145n,
  projectId: "poc-simulated-project",
  instanceId: 6797026933021542085n,
  instanceName: "gce-sim-0",
};
const MRTD = new Uint8Array(48).fill(0x11);
const RTMRS = [0x20, 0x21, 0x22, 0x23].map((b) => new Uint8Array(48).fill(b));

export type GceWorldOptions = { seed?: string; maxLevel?: number; register?: boolean };

export async function deployGceWorld(opts: GceWorldOptions = {}) {
  const w = await deployCvmWorld({ seed: opts.seed ?? "gce method" });
  const gce = await w.viem.getContractAt("GceMethod", addressOf(w.book, "GceMethod"));
  const methods = await w.viem.getContractAt("MethodRegistry", (await w.hardware.read.methodRegistry()) as Address);
  const akVerifier = addressOf(w.book, "TpmAkCertificateVerifier");
  const ca = await createSimulatedGceCa({ seed: opts.seed ?? "gce method" });
  const pinRoot = {
    target: akVerifier,
    value: 0n,
    data: encodeFunctionData({ abi: tpmAkCertificateVerifierAbi, functionName: "setRootPinned", args: [`0x${Buffer.from(sha256(ca.root.der)).toString("hex")}` as Hex, true] }),
  };
  await w.govern([pinRoot], ProposalClass.SecurityCritical);
  await w.govern([gceMethodCalls.setZoneFacility(gce.address, GCE_ZONE, FACILITY.facilityId)], ProposalClass.Ordinary);
  const registerGce = (maxLevel = opts.maxLevel ?? 3, facilities: Hex[] = [FACILITY.facilityId]) =>
    w.govern([methodRegistryCalls.registerMethod(methods.address, gce.address, maxLevel, facilities)], ProposalClass.SecurityCritical);
  if (opts.register ?? true) await registerGce();
  const chainId = await w.pub.getChainId();
  /** The newest block and its hash: what a machine binds its evidence to. */
  const anchor = async () => {
    const b = await w.pub.getBlock();
    return { anchorBlock: b.number, anchorBlockHash: b.hash };
  };
  const binding = (anchorBlock: bigint, anchorBlockHash: Hex, subject: Hex) => gceBindingHash({ chainId, gceMethod: gce.address, anchorBlock, anchorBlockHash, subject });
  return { ...w, gce, methods, akVerifier, ca, registerGce, anchor, binding, chainId };
}

export type GceWorld = Awaited<ReturnType<typeof deployGceWorld>>;

/** A simulated GCE confidential VM on `world`'s TDX platform. */
export class GceMachine {
  private constructor(
    readonly world: GceWorld,
    readonly tpm: SimulatedTpm,
    readonly akChain: Uint8Array[],
    readonly instance: SimulatedGceInstance,
  ) {}

  /** A machine whose AK certificate (from `ca`, default the world's) names `instance`; `cert` overrides validity or the AK. */
  static async create(
    world: GceWorld,
    p: { label?: string; instance?: Partial<SimulatedGceInstance>; ca?: SimulatedGceCa; notBefore?: Date; notAfter?: Date; certifiedAk?: SimulatedTpm } = {},
  ): Promise<GceMachine> {
    const label = p.label ?? "gce-0";
    const tpm = measuredBoot(await createSimulatedTpm({ seed: label, akType: "rsa", label }));
    const instance = { ...GCE_INSTANCE, ...p.instance };
    const certified = p.certifiedAk ?? tpm;
    if (certified.ak.kind !== "rsa") throw new Error("GCE AKs are RSA");
    const chain = await (p.ca ?? world.ca).issueAkCertificate({ akKey: certified.ak.key, instance, serialLabel: `${label}/${instance.instanceId}`, notBefore: p.notBefore, notAfter: p.notAfter });
    return new GceMachine(world, tpm, chain, instance);
  }

  async tpmQuote(qualifying: Hex): Promise<TpmEvidence> {
    const q = await this.tpm.quote({ qualifyingData: toBytes(qualifying), selection: [{ hashAlg: TPM_ALG_SHA256, pcrs: QUOTED_PCRS }] });
    return tpmEvidence({ akPublic: this.tpm.akPublic, attest: q.attest, signature: q.signature, pcrValues: q.pcrValues });
  }

  /** Evidence bound to the newest block (or `anchor`), and the enrolment calldata the SDK builds from it. */
  async enrolment(p: { level: number; cadence: number; anchor?: { anchorBlock: bigint; anchorBlockHash: Hex }; zone?: string; instanceId?: bigint }): Promise<BuildGceEnrolmentReturnType> {
    const a = p.anchor ?? (await this.world.anchor());
    const binding = this.world.binding(a.anchorBlock, a.anchorBlockHash, gceEnrolSubject(p.level, p.cadence));
    const quote = this.world.tdx.issueQuote({ reportData: workloadReportData(binding, this.tpm.akPublic), mrTd: MRTD, rtmrs: RTMRS });
    return buildGceEnrolment({
      tee: dcapEvidence(quote),
      tpm: await this.tpmQuote(binding),
      akChain: this.akChain,
      level: p.level,
      cadence: p.cadence,
      anchorBlock: a.anchorBlock,
      zone: p.zone,
      instanceId: p.instanceId,
    });
  }

  /** A TPM quote by the enrolled AK over bindingHash(anchor, platformKey): a re-attestation. */
  async reattestation(platformKey: Hex, anchor?: { anchorBlock: bigint; anchorBlockHash: Hex }) {
    const a = anchor ?? (await this.world.anchor());
    return { anchorBlock: a.anchorBlock, tpm: await this.tpmQuote(this.world.binding(a.anchorBlock, a.anchorBlockHash, platformKey)) };
  }
}

export const reasonHash = (why: string): Hex => keccak256(stringToBytes(why));
export type { Address, CvmWorld };
