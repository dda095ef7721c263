/**
 * Turns an ignition/parameters/<network>.json file into the exact Ignition module parameters, and
 * refuses what must never reach a public chain: a simulator (or any non-Intel) root, the dev ZK
 * verifiers, Hardhat's well-known dev accounts as Alliance members, unreplaced example values;
 * and CVM registry bounds that make no sense (zero, over 2^24 - 1 s ≈ 194 days, TPM bound above the TEE bound).
 * Pure (no chain access), so tests call it directly. File format: docs/deploy.md.
 */
import { bytesToHex, getAddress, hexToBytes, isAddress, isHex, type Address, type Hex } from "viem";
import { mnemonicToAccount } from "viem/accounts";
import { sha256 } from "@noble/hashes/sha2.js";
import { PocError } from "../../sdk/src/errors.js";
import { equalBytes } from "../../sdk/src/bytes.js";
import { INTEL_SGX_ROOT_CA_DER } from "../../sdk/src/intel/rootCa.js";
import { createSimulatedDcapPki } from "../../sdk/src/simulate/pki.js";
import { assertNotProductionParameters, isLocalChainId } from "../../sdk/src/simulate/guard.js";
import type { QuoteVerifierRoute } from "../../ignition/quoteVerifierRoute.js";

export class DeployParametersError extends PocError {
  override name = "DeployParametersError";
  readonly field: string;
  constructor(source: string, field: string, shortMessage: string, details?: string) {
    super(`${source}: ${field}: ${shortMessage}`, details ? { details } : {});
    this.field = field;
  }
}

/** Ignition's parameter shape: module ID -> parameter name -> value. */
export type ModuleParameters = Record<string, Record<string, unknown>>;

export type ResolvedDeployParameters = {
  /** What Ignition receives. ZK verifier addresses still read "dev" when `devZkVerifiers`. */
  ignition: ModuleParameters;
  /** The root certificate (DER) the collateral store is pinned to and that deploy uploads. */
  rootCertificate: Uint8Array;
  /** "intel", "simulator:<seed>" or "custom" (local chains only). */
  rootSource: string;
  rootCertHash: Hex;
  /** Deploy DevRiscZeroVerifier / DevSp1Verifier first and use them as the ZK routes. */
  devZkVerifiers: boolean;
  /** Which Intel quote verifier to deploy: ours (DcapQuoteVerifier) or AutomataDcapAdapter. */
  quoteVerifierRoute: QuoteVerifierRoute;
  /** Route "automata": Automata's DCAP attestation entrypoint on this chain (deploy checks it has code). */
  automataDcapAttestation?: Address;
};

export type { QuoteVerifierRoute };
export const QUOTE_VERIFIER_ROUTES: readonly QuoteVerifierRoute[] = ["ours", "automata"];

/** The CvmRegistry module's parameters, named as its constructor names them. */
export const CVM_REGISTRY_FIELDS = ["maxTeeTtl", "maxTpmTtl", "minHardwareLevel"] as const;
/** The CvmRegistry stores TTLs in 24 bits (docs/cvm-registry.md#storage): 2^24 - 1 s, about 194 days. */
const MAX_SANE_TTL = 2 ** 24 - 1;

const HARDHAT_MNEMONIC = "test test test test test test test test test test test junk";
let devAccounts: Set<string> | undefined;
/** The first 20 accounts of the public Hardhat / Anvil mnemonic: anyone holds their keys. */
function hardhatDevAccounts(): Set<string> {
  devAccounts ??= new Set(Array.from({ length: 20 }, (_, i) => mnemonicToAccount(HARDHAT_MNEMONIC, { addressIndex: i }).address.toLowerCase()));
  return devAccounts;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

export type ResolveDeployParametersOptions = { chainId: number; source: string };

export function resolveDeployParameters(raw: unknown, { chainId, source }: ResolveDeployParametersOptions): ResolvedDeployParameters {
  const local = isLocalChainId(chainId);
  const fail = (field: string, msg: string, details?: string): never => {
    throw new DeployParametersError(source, field, msg, details);
  };
  if (!isObject(raw)) fail("(root)", "expected a JSON object keyed by module ID");
  const file = raw as ModuleParameters;
  for (const [k, v] of Object.entries(file)) if (!isObject(v)) fail(k, "expected an object of parameters");
  const section = (id: string) => (isObject(file[id]) ? file[id] : fail(id, "missing module section"));
  const notPlaceholder = (field: string, v: unknown) => {
    if (typeof v === "string" && v.startsWith("REPLACE")) fail(field, "still the example value; put the real one in the parameters file", v);
  };

  // ------------------------------------------------------------ Alliance
  const alliance = section("Alliance");
  const members = alliance.members;
  const names = alliance.names;
  if (!Array.isArray(members) || members.length === 0) fail("Alliance.members", "expected a non-empty array of addresses");
  if (!Array.isArray(names) || names.length !== (members as unknown[]).length) fail("Alliance.names", "expected one organisation name per member");
  const seen = new Set<string>();
  const memberAddresses: Address[] = (members as unknown[]).map((m, i) => {
    const field = `Alliance.members[${i}]`;
    notPlaceholder(field, m);
    if (typeof m !== "string" || !isAddress(m, { strict: false })) return fail(field, "expected a 0x address", JSON.stringify(m));
    const a = getAddress(m);
    if (a === "0x0000000000000000000000000000000000000000") fail(field, "the zero address cannot vote");
    if (seen.has(a)) fail(field, `duplicate member ${a}`);
    seen.add(a);
    if (!local && hardhatDevAccounts().has(a.toLowerCase())) {
      fail(field, `${a} is a Hardhat dev account whose private key is public`, `refused on chain ${chainId}: anyone could vote as this member`);
    }
    return a;
  });
  (names as unknown[]).forEach((n, i) => {
    notPlaceholder(`Alliance.names[${i}]`, n);
    if (typeof n !== "string" || n.trim() === "") fail(`Alliance.names[${i}]`, "expected a non-empty organisation name");
  });

  // ------------------------------------------------------------ HardwareRegistry
  const registry = section("HardwareRegistry");
  notPlaceholder("HardwareRegistry.salt", registry.salt);
  if (typeof registry.salt !== "string" || !isHex(registry.salt) || registry.salt.length !== 66) fail("HardwareRegistry.salt", "expected 32 bytes as 0x + 64 hex digits");
  if (/^0x0{64}$/.test(registry.salt as string)) fail("HardwareRegistry.salt", "the zero salt would make platform keys linkable across deployments");

  // ------------------------------------------------------------ DcapQuoteVerifier
  const dcap = section("DcapQuoteVerifier");
  const { der: rootCertificate, source: rootSource } = resolveRoot(dcap.rootCertificate, fail);
  try {
    assertNotProductionParameters({ chainId, roots: [rootCertificate] });
  } catch (e) {
    fail("DcapQuoteVerifier.rootCertificate", (e as PocError).shortMessage ?? String(e), (e as PocError).details);
  }
  if (!local && !equalBytes(rootCertificate, INTEL_SGX_ROOT_CA_DER)) {
    fail("DcapQuoteVerifier.rootCertificate", `chain ${chainId} is not a local chain: only the Intel SGX Root CA ("intel") may be pinned`);
  }
  const rootCertHash = bytesToHex(sha256(rootCertificate));
  if (dcap.rootCertHash !== undefined && String(dcap.rootCertHash).toLowerCase() !== rootCertHash) {
    fail("DcapQuoteVerifier.rootCertHash", "does not match SHA-256 of rootCertificate", `expected ${rootCertHash}, file says ${String(dcap.rootCertHash)}`);
  }

  const route = dcap.quoteVerifierRoute ?? "ours";
  if (!QUOTE_VERIFIER_ROUTES.includes(route as QuoteVerifierRoute)) {
    fail("DcapQuoteVerifier.quoteVerifierRoute", 'expected "ours" (our onchain verifier, the default) or "automata" (Automata\'s deployed DCAP attestation)', JSON.stringify(route));
  }
  let automataDcapAttestation: Address | undefined;
  const automataField = "DcapQuoteVerifier.automataDcapAttestation";
  if (route === "automata") {
    const v = dcap.automataDcapAttestation;
    notPlaceholder(automataField, v);
    if (v === undefined) fail(automataField, 'route "automata" needs the address of Automata\'s DCAP attestation entrypoint on this chain', "take it from Automata's published deployments");
    if (typeof v !== "string" || !isAddress(v, { strict: false })) fail(automataField, "expected a 0x address", JSON.stringify(v));
    if (/^0x0{40}$/.test(v as string)) fail(automataField, "the zero address is not a verifier");
    automataDcapAttestation = getAddress(v as string);
  } else if (dcap.automataDcapAttestation !== undefined) {
    fail(automataField, 'only used with quoteVerifierRoute "automata"', 'set quoteVerifierRoute to "automata", or remove this field');
  }

  // ------------------------------------------------------------ ZkAttestationVerifier
  const zk = section("ZkAttestationVerifier");
  const routes = (["riscZeroVerifier", "sp1Verifier"] as const).map((k) => {
    const field = `ZkAttestationVerifier.${k}`;
    const v = zk[k];
    notPlaceholder(field, v);
    if (v === "dev") {
      if (!local) fail(field, `"dev" verifiers accept forged proofs; refused on chain ${chainId}`, "use the router / gateway address its vendor publishes for this chain");
      return "dev" as const;
    }
    if (typeof v !== "string" || !isAddress(v, { strict: false })) return fail(field, 'expected a 0x address or "dev" (local chains)', JSON.stringify(v));
    if (/^0x0{40}$/.test(v)) fail(field, "the zero address is not a verifier");
    return getAddress(v);
  });
  if ((routes[0] === "dev") !== (routes[1] === "dev")) fail("ZkAttestationVerifier", 'use "dev" for both routes or for neither');
  const maxJournalAge = zk.maxJournalAge;
  if (typeof maxJournalAge !== "number" || !Number.isSafeInteger(maxJournalAge) || maxJournalAge <= 0) {
    fail("ZkAttestationVerifier.maxJournalAge", "expected a positive number of seconds");
  }

  // ------------------------------------------------------------ CvmRegistry (+ its WorkloadVerifier)
  const cvm = section("CvmRegistry");
  for (const k of Object.keys(cvm)) {
    if (!CVM_REGISTRY_FIELDS.includes(k as (typeof CVM_REGISTRY_FIELDS)[number])) {
      fail(`CvmRegistry.${k}`, "not a CvmRegistry constructor parameter", `expected ${CVM_REGISTRY_FIELDS.join(", ")} (docs/deploy.md)`);
    }
  }
  const ttl = (k: "maxTeeTtl" | "maxTpmTtl"): number => {
    const v = cvm[k];
    notPlaceholder(`CvmRegistry.${k}`, v);
    if (typeof v !== "number" || !Number.isSafeInteger(v) || v <= 0) return fail(`CvmRegistry.${k}`, "expected a positive number of seconds", JSON.stringify(v));
    if (v > MAX_SANE_TTL) fail(`CvmRegistry.${k}`, `longer than ${MAX_SANE_TTL} s (about ${Math.floor(MAX_SANE_TTL / 86_400)} days)`, "the registry stores TTLs in 24 bits, and evidence that old says little about today's TCB");
    return v;
  };
  const maxTeeTtl = ttl("maxTeeTtl");
  const maxTpmTtl = ttl("maxTpmTtl");
  // Validity needs both clocks, so a TPM bound above the TEE bound would never apply: a mistake.
  if (maxTpmTtl > maxTeeTtl) fail("CvmRegistry.maxTpmTtl", `exceeds maxTeeTtl (${maxTpmTtl} > ${maxTeeTtl})`, "the TPM re-attestation is the frequent, cheap check within the TEE window");
  const minHardwareLevel = cvm.minHardwareLevel;
  if (typeof minHardwareLevel !== "number" || !Number.isInteger(minHardwareLevel) || minHardwareLevel < 1 || minHardwareLevel > 3) {
    fail("CvmRegistry.minHardwareLevel", "expected a verification level 1..3 (1 human-assisted, 2 automated, 3 continuous)", JSON.stringify(minHardwareLevel));
  }

  // ------------------------------------------------------------ TpmAkCertificateVerifier (optional section)
  const akRoots: Hex[] = [];
  if (file.TpmAkCertificateVerifier !== undefined) {
    const ak = section("TpmAkCertificateVerifier");
    for (const k of Object.keys(ak)) if (k !== "roots") fail(`TpmAkCertificateVerifier.${k}`, "not a TpmAkCertificateVerifier parameter", "expected roots");
    const roots = ak.roots ?? [];
    if (!Array.isArray(roots)) fail("TpmAkCertificateVerifier.roots", "expected an array of sha256 hashes of AK CA root certificates (DER)");
    (roots as unknown[]).forEach((r, i) => {
      const field = `TpmAkCertificateVerifier.roots[${i}]`;
      notPlaceholder(field, r);
      if (typeof r !== "string" || !isHex(r) || r.length !== 66 || /^0x0{64}$/.test(r)) fail(field, "expected sha256 of the root's DER: 0x + 64 hex digits, not zero", JSON.stringify(r));
      akRoots.push((r as string).toLowerCase() as Hex);
    });
  }

  // The file's DcapQuoteVerifier section is ours, not Ignition's: its fields become the parameters
  // of the CollateralStore module and of the chosen route's module (ignition/modules/ProofOfCloud.ts).
  const { DcapQuoteVerifier: _dcap, ...rest } = file;
  const ignition: ModuleParameters = {
    ...rest,
    Alliance: { ...alliance, members: memberAddresses, names },
    CollateralStore: { rootCertHash },
    ...(automataDcapAttestation ? { AutomataDcapAdapter: { automataDcapAttestation } } : {}),
    ZkAttestationVerifier: { riscZeroVerifier: routes[0], sp1Verifier: routes[1], maxJournalAge: BigInt(maxJournalAge as number) },
    TpmAkCertificateVerifier: { roots: akRoots },
    CvmRegistry: { maxTeeTtl: BigInt(maxTeeTtl), maxTpmTtl: BigInt(maxTpmTtl), minHardwareLevel: BigInt(minHardwareLevel as number) },
  };
  return {
    ignition,
    rootCertificate,
    rootSource,
    rootCertHash,
    devZkVerifiers: routes[0] === "dev",
    quoteVerifierRoute: route as QuoteVerifierRoute,
    ...(automataDcapAttestation ? { automataDcapAttestation } : {}),
  };
}

function resolveRoot(v: unknown, fail: (field: string, msg: string, details?: string) => never): { der: Uint8Array; source: string } {
  const field = "DcapQuoteVerifier.rootCertificate";
  if (v === "intel") return { der: INTEL_SGX_ROOT_CA_DER, source: "intel" };
  if (typeof v === "string" && v.startsWith("simulator:")) {
    const seed = v.slice("simulator:".length);
    if (seed === "") fail(field, "simulator:<seed> needs a seed");
    return { der: createSimulatedDcapPki({ seed }).root.der, source: v };
  }
  if (typeof v === "string" && isHex(v) && v.length > 2 && v.length % 2 === 0) return { der: hexToBytes(v), source: "custom" };
  return fail(field, 'expected "intel", "simulator:<seed>" or the certificate DER as 0x-hex', JSON.stringify(v));
}
