/**
 * A simulated confidential VM for local chains: an identity key (the CVM's Ethereum address), a
 * software TPM booted with fixed measurements, and a simulated TDX platform whose quotes bind the
 * registration's EIP-712 hash and the TPM's attestation key (workloadReportData). Everything it
 * produces goes through the same contracts real evidence does; only the roots differ. The demo, the
 * end-to-end tests and the CVM bench all drive this one class.
 */
import { sha256 } from "@noble/hashes/sha2.js";
import { stringToBytes, toBytes, type Address, type Hex, type PublicClient } from "viem";
import { generatePrivateKey, privateKeyToAccount, type PrivateKeyAccount } from "viem/accounts";
import { createSimulatedTpm, TPM_ALG_SHA256, type SimulatedTdxEnvironment, type SimulatedTpm } from "../sdk/src/simulate/index.js";
import { hashReAttestation, hashRegistration, readCvmNonce, signRegistration, signRotation, type CvmRegistryTarget } from "../sdk/src/chain/cvmRegistry.js";
import {
  dcapEvidence,
  measurementHash,
  pcrMaskOf,
  tdxTeeRegisters,
  teeRegistersHash,
  tpmEvidence,
  workloadReportData,
  TeeType,
  type TpmEvidence,
} from "../sdk/src/chain/workload.js";

/** The PCRs the CVM quotes: firmware, boot loader, kernel command line, kernel / initrd. */
export const QUOTED_PCRS = [0, 4, 8, 9];
const MRTD = new Uint8Array(48).fill(0x11);
const RTMRS = [0x20, 0x21, 0x22, 0x23].map((b) => new Uint8Array(48).fill(b));

/** Where a simulated CVM lives: the TDX platform it quotes on, a client to read its nonce, the registry it registers with. */
export interface SimulatedCvmHost {
  tdx: SimulatedTdxEnvironment;
  pub: PublicClient;
  target: CvmRegistryTarget;
}

/** Measured boot into the quoted PCRs (once per software TPM). */
export function measuredBoot(tpm: SimulatedTpm): SimulatedTpm {
  for (const [pcr, what] of [[0, "firmware"], [4, "shim+grub"], [8, "cmdline"], [9, "kernel+initrd"]] as const) tpm.extendPcr(TPM_ALG_SHA256, pcr, sha256(stringToBytes(what)));
  return tpm;
}

export class SimulatedCvm {
  identity: PrivateKeyAccount;
  constructor(
    readonly world: SimulatedCvmHost,
    readonly tpm: SimulatedTpm,
    key: Hex = generatePrivateKey(),
    readonly mrTd: Uint8Array = MRTD,
  ) {
    this.identity = privateKeyToAccount(key);
  }

  static boot = measuredBoot;

  /** A CVM on `world`'s platform with a software TPM (RSA or P-256 AK) after a measured boot. */
  static async create(world: SimulatedCvmHost, akType: "rsa" | "ecdsa" = "rsa", label = "cvm-0", key?: Hex): Promise<SimulatedCvm> {
    return new SimulatedCvm(world, measuredBoot(await createSimulatedTpm({ seed: label, akType, label })), key);
  }

  get address(): Address {
    return this.identity.address;
  }

  nonce(identity: Address = this.address): Promise<bigint> {
    return readCvmNonce(this.world.pub as never, { registry: this.world.target.registry, identity });
  }

  /** The TDX quote whose report data binds `bindingHash` and this TPM's AK. */
  tdxQuote(bindingHash: Hex): Uint8Array {
    return this.world.tdx.issueQuote({ reportData: workloadReportData(bindingHash, this.tpm.akPublic), mrTd: this.mrTd, rtmrs: RTMRS });
  }

  async tpmQuote(qualifying: Hex): Promise<TpmEvidence> {
    const q = await this.tpm.quote({ qualifyingData: toBytes(qualifying), selection: [{ hashAlg: TPM_ALG_SHA256, pcrs: QUOTED_PCRS }] });
    return tpmEvidence({ akPublic: this.tpm.akPublic, attest: q.attest, signature: q.signature, pcrValues: q.pcrValues });
  }

  /**
   * Everything CvmRegistry.register takes, made as the CVM would: TDX quote and TPM quote over the
   * registration hash, the identity's signature (its nonce read from the chain unless given).
   */
  async registration(p: { owner: Address; deadline: bigint; nonce?: bigint; target?: CvmRegistryTarget }) {
    const target = p.target ?? this.world.target;
    const nonce = p.nonce ?? (await this.nonce());
    const msg = { identity: this.address, owner: p.owner, nonce, deadline: p.deadline };
    const digest = hashRegistration(target, msg);
    const quote = this.tdxQuote(digest);
    return {
      digest,
      quote,
      tee: dcapEvidence(quote),
      tpm: await this.tpmQuote(digest),
      identitySignature: await signRegistration(this.identity, target, msg),
      args: msg,
    };
  }

  /** A TPM quote over the re-attestation hash (for a rotation, naming the new identity). */
  async reattestation(p: { nonce?: bigint; newIdentity?: Address } = {}) {
    const nonce = p.nonce ?? (await this.nonce());
    const digest = hashReAttestation(this.world.target, { identity: this.address, nonce, newIdentity: p.newIdentity });
    return { nonce, digest, tpm: await this.tpmQuote(digest), teeRegistersHash: this.teeRegistersHash() };
  }

  /** A rotation to a new key made inside the CVM (fresh unless given): signed by the old and the new key, bound by a TPM quote. */
  async rotation(newKey: Hex = generatePrivateKey(), p: { nonce?: bigint } = {}) {
    const next = privateKeyToAccount(newKey);
    const nonce = p.nonce ?? (await this.nonce());
    const r = await this.reattestation({ nonce, newIdentity: next.address });
    const msg = { identity: this.address, newIdentity: next.address, nonce };
    const oldKeySignature = await signRotation(this.identity, this.world.target, msg);
    const newKeySignature = await signRotation(next, this.world.target, msg);
    return { ...r, newIdentity: next.address, oldKeySignature, newKeySignature, next, nextKey: newKey };
  }

  /** After a rotation: the same VM (TDX platform, TPM) under its new key. */
  rotated(key: Hex): SimulatedCvm {
    return new SimulatedCvm(this.world, this.tpm, key, this.mrTd);
  }

  teeRegisters(): Uint8Array {
    return tdxTeeRegisters(this.tdxQuote(`0x${"00".repeat(32)}`));
  }

  teeRegistersHash(): Hex {
    return teeRegistersHash(this.teeRegisters());
  }

  /** The golden-measurement hash the registry should record for this CVM (computed offchain). */
  expectedMeasurement(): Hex {
    const values = QUOTED_PCRS.map((i) => this.tpm.readPcr(TPM_ALG_SHA256, i));
    return measurementHash({
      teeType: TeeType.Tdx,
      teeRegisters: this.teeRegisters(),
      pcrHashAlg: TPM_ALG_SHA256,
      pcrMask: pcrMaskOf(QUOTED_PCRS),
      pcrValues: Uint8Array.from(values.flatMap((v) => Array.from(v))),
    });
  }
}
