/**
 * A whole Proof of Cloud world on the in-process chain, driven by the simulator: an Alliance and
 * HardwareRegistry, a collateral store pinned to the simulator's root CA with the simulated
 * collateral uploaded, the real DcapQuoteVerifier, the WorkloadVerifier and the CvmRegistry. A
 * `Cvm` issues what a confidential VM would: TDX quotes (simulated QE), TPM quotes (software TPM),
 * and signatures with its identity key. The contracts are the same code real quotes go through.
 */
import { network } from "hardhat";
import { createWalletClient, custom, keccak256, parseEther, stringToBytes, toHex, type Address, type Hex, type PublicClient } from "viem";
import { generatePrivateKey, privateKeyToAccount, type PrivateKeyAccount } from "viem/accounts";
import { sha256 } from "@noble/hashes/sha2.js";
import {
  createSimulatedTpm,
  assertNotProductionParameters,
  TPM_ALG_SHA256,
  type SimulatedTdxEnvironment,
  type SimulatedTpm,
} from "../../sdk/src/simulate/index.js";
import { createOnchainTdxEnvironment } from "./onchainTdx.js";
import { buildCollateralUploads } from "../../sdk/src/chain/collateralStore.js";
import { platformKey } from "../../sdk/src/chain/platformKey.js";
import { registryCalls, type EntryInput } from "../../sdk/src/chain/hardwareRegistry.js";
import { ProposalClass, pass, SALT, type Wallet } from "../contracts/fixture.js";
import { FACILITY } from "../contracts/registryFixture.js";
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
} from "../../sdk/src/chain/workload.js";
import {
  hashReAttestation,
  hashRegistration,
  readCvmNonce,
  signRegistration,
  signRotation,
  type CvmRegistryTarget,
} from "../../sdk/src/chain/cvmRegistry.js";

export const DAY = 86_400;
export const MAX_TEE_TTL = 30 * DAY;
export const MAX_TPM_TTL = DAY;
/** The PCRs a CVM quotes for its measurement: firmware, boot loader, kernel command line, kernel / initrd. */
export const QUOTED_PCRS = [0, 4, 8, 9];

export type Connection = Awaited<ReturnType<typeof network.connect>>;

const MRTD = new Uint8Array(48).fill(0x11);
const RTMRS = [0x20, 0x21, 0x22, 0x23].map((b) => new Uint8Array(48).fill(b));

export async function deployCvmWorld(opts: { seed?: string; chainId?: number; members?: number; tdx?: SimulatedTdxEnvironment } = {}) {
  const seed = opts.seed ?? "cvm e2e";
  const tdx = opts.tdx ?? createOnchainTdxEnvironment({ seed });
  const chainId = opts.chainId ?? 31337;
  assertNotProductionParameters({ chainId, roots: [tdx.pki.root.der] });
  const conn = (await network.connect({
    network: "default",
    override: { initialDate: new Date((tdx.verifyAt - 3600) * 1000), ...(opts.chainId ? { chainId } : {}) },
  } as never)) as Connection;
  const { viem } = conn;
  const wallets = await viem.getWalletClients();
  const pub = (await viem.getPublicClient()) as unknown as PublicClient;
  const n = opts.members ?? 3;
  const members = wallets.slice(0, n);
  const c = { viem, networkHelpers: conn.networkHelpers, wallets, publicClient: pub, chainId };

  const alliance = await viem.deployContract("Alliance", [members.map((w) => w.account.address), members.map((_, i) => `Member ${i + 1}`)]);
  const hardware = await viem.deployContract("HardwareRegistry", [alliance.address, SALT]);
  const quorum = (cls: number) => members.slice(0, cls === ProposalClass.Ordinary ? Math.floor(n / 2) + 1 : cls === ProposalClass.SecurityCritical ? Math.ceil((2 * n) / 3) : n === 1 ? 1 : Math.max(2, Math.ceil(n / 3)));
  let seq = 0;
  const govern = (calls: Parameters<typeof pass>[2], cls: ProposalClass) => pass(c as never, alliance.address, calls, cls, quorum(cls), `p${seq++}`);
  await govern([registryCalls.setFacilities(hardware.address, [FACILITY])], ProposalClass.Ordinary);

  const parser = await viem.deployContract("CollateralParser");
  const store = await viem.deployContract("CollateralStore", [toHex(sha256(tdx.pki.root.der)), parser.address]);
  for (const u of buildCollateralUploads({ collateral: tdx.collateral, rootCertificate: tdx.pki.root.der })) {
    const hash = await wallets[0]!.sendTransaction({ to: store.address, data: u.data });
    const r = await pub.waitForTransactionReceipt({ hash });
    if (r.status !== "success") throw new Error(`collateral upload ${u.label} reverted`);
  }
  const dcap = await viem.deployContract("DcapQuoteVerifier", [store.address]);
  const workload = await viem.deployContract("WorkloadVerifier", [alliance.address, hardware.address, dcap.address, "0x0000000000000000000000000000000000000000"]);
  const registry = await viem.deployContract("CvmRegistry", [alliance.address, hardware.address, workload.address, MAX_TEE_TTL, MAX_TPM_TTL, 1]);
  const now = async () => (await pub.getBlock()).timestamp;
  const time = conn.networkHelpers.time;
  await time.increaseTo(tdx.verifyAt);

  const hwKey = platformKey(1, tdx.pck.sgx.ppid, SALT);
  const entry = async (over: Partial<EntryInput> = {}): Promise<EntryInput> => ({
    platformKey: hwKey,
    facilityId: FACILITY.facilityId,
    kind: 1,
    level: 2,
    cadence: 0,
    verifiedAt: await now(),
    evidenceHash: keccak256(stringToBytes("site audit")),
    method: "dcap-quote+site-visit",
    evidenceUri: "ipfs://audit",
    endorsers: [],
    ...over,
  });
  const registerHardware = async (over: Partial<EntryInput> = {}) =>
    govern([registryCalls.setEntries(hardware.address, [await entry(over)])], ProposalClass.Ordinary);

  const target: CvmRegistryTarget = { chainId, registry: registry.address };
  /** A wallet that sends transactions as the CVM identity itself (funded first). */
  const cvmWallet = async (cvm: { identity: import("viem/accounts").PrivateKeyAccount }) => {
    await conn.networkHelpers.setBalance(cvm.identity.address, parseEther("1"));
    return createWalletClient({ account: cvm.identity, transport: custom(conn.provider as never) });
  };
  return { cvmWallet, conn, viem, pub, wallets, members, alliance, hardware, store, dcap, workload, registry, tdx, seed, govern, registerHardware, hwKey, target, now, time };
}

export type CvmWorld = Awaited<ReturnType<typeof deployCvmWorld>>;

/** A confidential VM: identity key, software TPM, and a TDX environment to quote in. */
export class Cvm {
  identity: PrivateKeyAccount;
  pcrExtra = 0;
  constructor(
    readonly world: Pick<CvmWorld, "tdx" | "pub" | "target"> & { registry: { address: Address } },
    readonly tpm: SimulatedTpm,
    key: Hex = generatePrivateKey(),
    readonly mrTd = MRTD,
  ) {
    this.identity = privateKeyToAccount(key);
  }

  /** Measured boot into the quoted PCRs (once per software TPM). */
  static boot(tpm: SimulatedTpm): SimulatedTpm {
    tpm.extendPcr(TPM_ALG_SHA256, 0, sha256(stringToBytes("firmware")));
    tpm.extendPcr(TPM_ALG_SHA256, 4, sha256(stringToBytes("shim+grub")));
    tpm.extendPcr(TPM_ALG_SHA256, 8, sha256(stringToBytes("cmdline")));
    tpm.extendPcr(TPM_ALG_SHA256, 9, sha256(stringToBytes("kernel+initrd")));
    return tpm;
  }

  static async create(world: ConstructorParameters<typeof Cvm>[0], akType: "rsa" | "ecdsa" = "rsa", label = "cvm-0") {
    return new Cvm(world, Cvm.boot(await createSimulatedTpm({ seed: `${label}`, akType, label })));
  }

  get address(): Address {
    return this.identity.address;
  }

  nonce(identity: Address = this.address) {
    return readCvmNonce(this.world.pub as never, { registry: this.world.registry.address, identity });
  }

  /** The TDX quote whose report data binds `bindingHash` and this TPM's AK. */
  tdxQuote(bindingHash: Hex): Uint8Array {
    return this.world.tdx.issueQuote({ reportData: workloadReportData(bindingHash, this.tpm.akPublic), mrTd: this.mrTd, rtmrs: RTMRS });
  }

  async tpmQuote(qualifying: Hex): Promise<TpmEvidence> {
    const q = await this.tpm.quote({ qualifyingData: hexBytes(qualifying), selection: [{ hashAlg: TPM_ALG_SHA256, pcrs: QUOTED_PCRS }] });
    return tpmEvidence({ akPublic: this.tpm.akPublic, attest: q.attest, signature: q.signature, pcrValues: q.pcrValues });
  }

  /** Everything `register` takes, made as the CVM would (its nonce read from the chain unless given). */
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

  async reattestation(p: { nonce?: bigint; newIdentity?: Address } = {}) {
    const nonce = p.nonce ?? (await this.nonce());
    const digest = hashReAttestation(this.world.target, { identity: this.address, nonce, newIdentity: p.newIdentity });
    return { nonce, digest, tpm: await this.tpmQuote(digest), teeRegistersHash: this.teeRegistersHash() };
  }

  async rotation(newKey: Hex, p: { nonce?: bigint } = {}) {
    const next = privateKeyToAccount(newKey);
    const nonce = p.nonce ?? (await this.nonce());
    const r = await this.reattestation({ nonce, newIdentity: next.address });
    const oldKeySignature = await signRotation(this.identity, this.world.target, { identity: this.address, newIdentity: next.address, nonce });
    return { ...r, newIdentity: next.address, oldKeySignature, next };
  }

  teeRegisters(): Uint8Array {
    return tdxTeeRegisters(this.tdxQuote(`0x${"00".repeat(32)}`));
  }

  teeRegistersHash(): Hex {
    return teeRegistersHash(this.teeRegisters());
  }

  /** The golden-measurement hash this CVM should get (computed offchain). */
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

export function hexBytes(h: Hex): Uint8Array {
  return Uint8Array.from(Buffer.from(h.slice(2), "hex"));
}

export type { Wallet };
