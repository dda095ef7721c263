/**
 * A simulated confidential VM for local chains: an identity key (the CVM's Ethereum address), a
 * software TPM booted with fixed measurements, and a simulated TDX platform whose quotes bind the
 * registration's EIP-712 hash and the TPM's attestation key (workloadReportData). Everything it
 * produces goes through the same contracts real evidence does; only the roots differ.
 */
import { sha256 } from "@noble/hashes/sha2.js";
import { stringToBytes, toBytes, type Address, type Hex, type PublicClient } from "viem";
import { generatePrivateKey, privateKeyToAccount, type PrivateKeyAccount } from "viem/accounts";
import { createSimulatedTpm, TPM_ALG_SHA256, type SimulatedTdxEnvironment, type SimulatedTpm } from "../../sdk/src/simulate/index.js";
import { hashReAttestation, hashRegistration, readCvmNonce, signRegistration, signRotation, type CvmRegistryTarget } from "../../sdk/src/chain/cvmRegistry.js";
import { dcapEvidence, measurementHash, pcrMaskOf, tdxTeeRegisters, teeRegistersHash, tpmEvidence, workloadReportData, TeeType } from "../../sdk/src/chain/workload.js";

/** The PCRs the CVM quotes: firmware, boot loader, kernel command line, kernel / initrd. */
export const QUOTED_PCRS = [0, 4, 8, 9];
const MRTD = new Uint8Array(48).fill(0x11);
const RTMRS = [0x20, 0x21, 0x22, 0x23].map((b) => new Uint8Array(48).fill(b));

export class SimulatedCvm {
  identity: PrivateKeyAccount;
  private constructor(
    readonly tdx: SimulatedTdxEnvironment,
    readonly tpm: SimulatedTpm,
    readonly pub: PublicClient,
    readonly target: CvmRegistryTarget,
    key: Hex,
  ) {
    this.identity = privateKeyToAccount(key);
  }

  /** A CVM on `tdx`'s platform with an RSA-AK software TPM after a measured boot. */
  static async create(p: { tdx: SimulatedTdxEnvironment; pub: PublicClient; target: CvmRegistryTarget; label: string; key?: Hex }): Promise<SimulatedCvm> {
    const tpm = await createSimulatedTpm({ seed: p.label, akType: "rsa", label: p.label });
    for (const [pcr, what] of [[0, "firmware"], [4, "shim+grub"], [8, "cmdline"], [9, "kernel+initrd"]] as const) tpm.extendPcr(TPM_ALG_SHA256, pcr, sha256(stringToBytes(what)));
    return new SimulatedCvm(p.tdx, tpm, p.pub, p.target, p.key ?? generatePrivateKey());
  }

  get address(): Address {
    return this.identity.address;
  }

  nonce(): Promise<bigint> {
    return readCvmNonce(this.pub as never, { registry: this.target.registry, identity: this.address });
  }

  private tdxQuote(bindingHash: Hex): Uint8Array {
    return this.tdx.issueQuote({ reportData: workloadReportData(bindingHash, this.tpm.akPublic), mrTd: MRTD, rtmrs: RTMRS });
  }

  private async tpmQuote(qualifying: Hex) {
    const q = await this.tpm.quote({ qualifyingData: toBytes(qualifying), selection: [{ hashAlg: TPM_ALG_SHA256, pcrs: QUOTED_PCRS }] });
    return tpmEvidence({ akPublic: this.tpm.akPublic, attest: q.attest, signature: q.signature, pcrValues: q.pcrValues });
  }

  /** Everything CvmRegistry.register takes: TDX quote and TPM quote over the registration hash, the identity's signature. */
  async registration(owner: Address, deadline: bigint) {
    const msg = { identity: this.address, owner, nonce: await this.nonce(), deadline };
    const digest = hashRegistration(this.target, msg);
    return { ...msg, tee: dcapEvidence(this.tdxQuote(digest)), tpm: await this.tpmQuote(digest), identitySignature: await signRegistration(this.identity, this.target, msg) };
  }

  /** A TPM quote over the re-attestation hash (for a rotation, naming the new identity). */
  async reattestation(newIdentity?: Address) {
    const nonce = await this.nonce();
    const digest = hashReAttestation(this.target, { identity: this.address, nonce, newIdentity });
    return { nonce, tpm: await this.tpmQuote(digest), teeRegistersHash: teeRegistersHash(this.teeRegisters()) };
  }

  /** A rotation to a fresh key generated inside the CVM: signed by the old key, bound by a TPM quote. */
  async rotation() {
    const next = generatePrivateKey();
    const newIdentity = privateKeyToAccount(next).address;
    const r = await this.reattestation(newIdentity);
    const oldKeySignature = await signRotation(this.identity, this.target, { identity: this.address, newIdentity, nonce: r.nonce });
    return { ...r, newIdentity, oldKeySignature, next };
  }

  /** After a rotation: the same VM (TDX platform, TPM) under its new key. */
  rotated(key: Hex): SimulatedCvm {
    return new SimulatedCvm(this.tdx, this.tpm, this.pub, this.target, key);
  }

  private teeRegisters(): Uint8Array {
    return tdxTeeRegisters(this.tdxQuote(`0x${"00".repeat(32)}`));
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
