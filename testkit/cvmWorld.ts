/**
 * A whole Proof of Cloud world on the in-process chain (the CVM end-to-end tests and the CVM bench),
 * driven by the simulator: the system deployed through the Ignition modules by the deploy script's
 * own code (testkit/deploy.ts), its collateral store pinned to the simulator's root CA with the
 * simulated collateral uploaded, and the Alliance's first decision (the facility) passed. A
 * `Cvm` issues what a confidential VM would: TDX quotes (simulated QE), TPM quotes (software TPM),
 * and signatures with its identity key. The contracts are the same code real quotes go through.
 */
import { network } from "hardhat";
import { createWalletClient, custom, keccak256, parseEther, stringToBytes, type PublicClient } from "viem";
import { assertNotProductionParameters, createSimulatedTdxEnvironment, type SimulatedTdxEnvironment } from "../sdk/src/simulate/index.js";
import { SimulatedCvm, measuredBoot, QUOTED_PCRS } from "./simulatedCvm.js";
import { buildCollateralUploads } from "../sdk/src/chain/collateralStore.js";
import { platformKey } from "../sdk/src/vocabulary/platformKey.js";
import { registryCalls, type EntryInput, type FacilityInput } from "../sdk/src/chain/hardwareRegistry.js";
import { ProposalClass, pass, SALT } from "./proposals.js";
import { deploySystem } from "./deploy.js";
import { facility, hardwareEntry } from "./registryEntries.js";
import { addressOf } from "../sdk/src/chain/addressBook.js";
import type { CvmRegistryTarget } from "../sdk/src/chain/cvmRegistry.js";

/** The facility simulated platforms sit in (the contract tests' registry fixture uses it too). */
export const FACILITY: FacilityInput = facility({
  name: "ovh-gra-3",
  provider: "OVHcloud",
  country: "FR",
  site: "Gravelines GRA3",
  evidence: "site audit 2026-10",
  evidenceUri: "ipfs://bafy-site-audit-gra3",
});

export const DAY = 86_400;
export const MAX_TEE_TTL = 30 * DAY;
export const MAX_TPM_TTL = DAY;

export type Connection = Awaited<ReturnType<typeof network.connect>>;

export async function deployCvmWorld(opts: { seed?: string; chainId?: number; members?: number; tdx?: SimulatedTdxEnvironment } = {}) {
  const seed = opts.seed ?? "cvm e2e";
  const tdx = opts.tdx ?? createSimulatedTdxEnvironment({ seed, roleNames: "intel" });
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

  // The system as `npm run deploy` deploys it (testkit/deploy.ts): local.json with this world's
  // members, salt and simulator root. The modules write the class table, wire the hardware feed and
  // close the Alliance's set-up window, so the world starts as a real deployment does.
  const book = await deploySystem(conn, { members: members.map((w) => w.account.address), salt: SALT, rootCertificate: tdx.pki.root.der, maxTeeTtl: MAX_TEE_TTL, maxTpmTtl: MAX_TPM_TTL, minHardwareLevel: 1 });
  const at = (name: string) => addressOf(book, name);
  const alliance = await viem.getContractAt("Alliance", at("Alliance"));
  const hardware = await viem.getContractAt("HardwareRegistry", at("HardwareRegistry"));
  const store = await viem.getContractAt("CollateralStore", at("CollateralStore"));
  const dcap = await viem.getContractAt("DcapQuoteVerifier", at("DcapQuoteVerifier"));
  const workload = await viem.getContractAt("WorkloadVerifier", at("WorkloadVerifier"));
  const registry = await viem.getContractAt("CvmRegistry", at("CvmRegistry"));
  const zk = await viem.getContractAt("ZkAttestationVerifier", at("ZkAttestationVerifier"));
  const tpmVerifier = await viem.getContractAt("TpmQuoteVerifier", at("TpmQuoteVerifier"));
  const quorum = (cls: number) => members.slice(0, cls === ProposalClass.Ordinary ? Math.floor(n / 2) + 1 : cls === ProposalClass.SecurityCritical ? Math.ceil((2 * n) / 3) : n === 1 ? 1 : Math.max(2, Math.ceil(n / 3)));
  let seq = 0;
  const govern = (calls: Parameters<typeof pass>[2], cls: ProposalClass) => pass(c as never, alliance.address, calls, cls, quorum(cls), `p${seq++}`);

  // The deploy uploaded the pinned root; the rest of the simulated collateral anyone may upload.
  for (const u of buildCollateralUploads({ collateral: tdx.collateral, rootCertificate: tdx.pki.root.der })) {
    if (u.kind === "rootCertificate") continue;
    const hash = await wallets[0]!.sendTransaction({ to: store.address, data: u.data });
    const r = await pub.waitForTransactionReceipt({ hash });
    if (r.status !== "success") throw new Error(`collateral upload ${u.label} reverted`);
  }
  await govern([registryCalls.setFacilities(hardware.address, [FACILITY])], ProposalClass.Ordinary);
  const now = async () => (await pub.getBlock()).timestamp;
  const time = conn.networkHelpers.time;
  await time.increaseTo(tdx.verifyAt);

  const hwKey = platformKey(1, tdx.pck.sgx.ppid, SALT);
  const entry = async (over: Partial<EntryInput> = {}): Promise<EntryInput> => ({
    ...hardwareEntry({
      platformKey: hwKey,
      facilityId: FACILITY.facilityId,
      level: 2,
      verifiedAt: await now(),
      evidenceHash: keccak256(stringToBytes("site audit")),
      method: "dcap-quote+site-visit",
      evidenceUri: "ipfs://audit",
    }),
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
  return { cvmWallet, conn, viem, pub, wallets, members, alliance, hardware, store, dcap, workload, zk, tpmVerifier, registry, book, tdx, seed, govern, entry, registerHardware, hwKey, target, now, time };
}

export type CvmWorld = Awaited<ReturnType<typeof deployCvmWorld>>;

/** A confidential VM on a world: the one simulated CVM the demo and the bench drive too. */
export { SimulatedCvm as Cvm, measuredBoot, QUOTED_PCRS };

