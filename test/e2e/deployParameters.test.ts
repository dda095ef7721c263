/**
 * What scripts/deploy.ts refuses before sending anything (docs/deploy.md, "Parameters"), and the
 * address book reader's handling of other shapes. Pure: no chain. The deployment itself:
 * deploy.test.ts.
 */
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { bytesToHex, getAddress } from "viem";
import { sha256 } from "@noble/hashes/sha2.js";
import { INTEL_SGX_ROOT_CA_DER } from "../../sdk/src/intel/rootCa.js";
import { addressOf, AddressBookError, parseAddressBook, pocAddressesFromBook } from "../../sdk/src/chain/addressBook.js";
import { DeployParametersError, resolveDeployParameters } from "../../scripts/deploy/parameters.js";
import { proofOfCloudModule } from "../../ignition/modules/ProofOfCloud.js";

const repo = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const localParameters = JSON.parse(readFileSync(join(repo, "ignition/parameters/local.json"), "utf8"));
const sepoliaParameters = JSON.parse(readFileSync(join(repo, "ignition/parameters/sepolia.json"), "utf8"));

describe("parameter checks (docs/deploy.md)", () => {
  const resolveFor = (chainId: number, mutate: (p: typeof localParameters) => void = () => {}) => {
    const p = structuredClone(localParameters);
    mutate(p);
    return resolveDeployParameters(p, { chainId, source: "test.json" });
  };
  const refusal = (fn: () => unknown): DeployParametersError => {
    try {
      fn();
    } catch (e) {
      expect(e).toBeInstanceOf(DeployParametersError);
      return e as DeployParametersError;
    }
    throw new Error("expected a DeployParametersError");
  };
  const publicMembers = (p: typeof localParameters) => {
    p.Alliance.members = ["0x1000000000000000000000000000000000000001", "0x2000000000000000000000000000000000000002", "0x3000000000000000000000000000000000000003"];
  };

  it("local.json resolves on 31337 with the simulator root and dev ZK verifiers", () => {
    const r = resolveFor(31337);
    expect(r.devZkVerifiers).toBe(true);
    expect(r.rootSource).toBe("simulator:proof-of-cloud local");
    expect(r.ignition.CollateralStore).toEqual({ rootCertHash: r.rootCertHash });
    expect(r.quoteVerifierRoute).toBe("ours");
    expect(r.ignition.AutomataDcapAdapter).toBeUndefined();
    // The file's DcapQuoteVerifier section is the script's, not an Ignition module's.
    expect(r.ignition.DcapQuoteVerifier).toBeUndefined();
  });

  it("a simulator root is refused off local chains", () => {
    const e = refusal(() =>
      resolveFor(11155111, (p) => {
        publicMembers(p);
        p.ZkAttestationVerifier.riscZeroVerifier = sepoliaParameters.ZkAttestationVerifier.riscZeroVerifier;
        p.ZkAttestationVerifier.sp1Verifier = sepoliaParameters.ZkAttestationVerifier.sp1Verifier;
      }),
    );
    expect(e.field).toBe("DcapQuoteVerifier.rootCertificate");
    expect(e.message).toContain("simulator");
  });

  it("dev ZK verifiers and Hardhat dev accounts are refused off local chains", () => {
    expect(refusal(() => resolveFor(1398243, (p) => ((p.DcapQuoteVerifier.rootCertificate = "intel"), publicMembers(p)))).field).toBe("ZkAttestationVerifier.riscZeroVerifier");
    expect(refusal(() => resolveFor(1398243, (p) => (p.DcapQuoteVerifier.rootCertificate = "intel"))).field).toBe("Alliance.members[0]");
  });

  it("the example public parameter files are refused until their placeholders are replaced", () => {
    expect(refusal(() => resolveDeployParameters(sepoliaParameters, { chainId: 11155111, source: "sepolia.json" })).field).toBe("Alliance.members[0]");
    const filled = structuredClone(sepoliaParameters);
    publicMembers(filled);
    filled.Alliance.names = ["A", "B", "C"];
    const r = resolveDeployParameters(filled, { chainId: 11155111, source: "sepolia.json" });
    expect(r.rootCertHash).toBe(bytesToHex(sha256(INTEL_SGX_ROOT_CA_DER)));
    expect(r.devZkVerifiers).toBe(false);
    expect(r.ignition.ZkAttestationVerifier!.riscZeroVerifier).toBe("0x925d8331ddc0a1F0d96E68CF073DFE1d92b69187");
  });

  it("a rootCertHash that is not the root's SHA-256 is refused", () => {
    expect(refusal(() => resolveFor(31337, (p) => (p.DcapQuoteVerifier.rootCertHash = `0x${"11".repeat(32)}`))).field).toBe("DcapQuoteVerifier.rootCertHash");
  });

  it("malformed members, salt and journal age name their field", () => {
    expect(refusal(() => resolveFor(31337, (p) => (p.Alliance.members = []))).field).toBe("Alliance.members");
    expect(refusal(() => resolveFor(31337, (p) => (p.Alliance.members[1] = p.Alliance.members[0]))).field).toBe("Alliance.members[1]");
    expect(refusal(() => resolveFor(31337, (p) => p.Alliance.names.pop())).field).toBe("Alliance.names");
    expect(refusal(() => resolveFor(31337, (p) => (p.HardwareRegistry.salt = "0x1234"))).field).toBe("HardwareRegistry.salt");
    expect(refusal(() => resolveFor(31337, (p) => (p.ZkAttestationVerifier.maxJournalAge = 0))).field).toBe("ZkAttestationVerifier.maxJournalAge");
    expect(refusal(() => resolveFor(31337, (p) => (p.ZkAttestationVerifier.sp1Verifier = "0x397A5f7f3dBd538f23DE225B51f532c34448dA9B"))).field).toBe("ZkAttestationVerifier");
  });
});

describe("the CVM registry's parameters (CvmRegistry.*, TpmAkCertificateVerifier.roots)", () => {
  const resolveCvm = (mutate: (p: typeof localParameters) => void) => {
    const p = structuredClone(localParameters);
    mutate(p);
    return resolveDeployParameters(p, { chainId: 31337, source: "test.json" });
  };
  const refusedField = (mutate: (p: typeof localParameters) => void) => {
    try {
      resolveCvm(mutate);
    } catch (e) {
      expect(e).toBeInstanceOf(DeployParametersError);
      return (e as DeployParametersError).field;
    }
    throw new Error("expected a DeployParametersError");
  };

  it("pass to Ignition under the constructor's names, as integers", () => {
    const r = resolveCvm(() => {});
    expect(r.ignition.CvmRegistry).toEqual({ maxTeeTtl: 2_592_000n, maxTpmTtl: 86_400n, minHardwareLevel: 1n });
    expect(r.ignition.TpmAkCertificateVerifier).toEqual({ roots: [] });
    const root = `0x${"ab".repeat(32)}`;
    expect(resolveCvm((p) => (p.TpmAkCertificateVerifier.roots = [root.toUpperCase().replace("0X", "0x")])).ignition.TpmAkCertificateVerifier).toEqual({ roots: [root] });
    // The AK verifier's section is optional (no roots pinned at deployment).
    expect(resolveCvm((p) => delete p.TpmAkCertificateVerifier).ignition.TpmAkCertificateVerifier).toEqual({ roots: [] });
  });

  it("refuses, naming the field, zero / fractional / over-24-bit (~194 days) TTLs, a TPM bound above the TEE bound, a level outside 1..3, unknown fields, a missing section", () => {
    expect(refusedField((p) => (p.CvmRegistry.maxTeeTtl = 0))).toBe("CvmRegistry.maxTeeTtl");
    expect(refusedField((p) => (p.CvmRegistry.maxTeeTtl = 1.5))).toBe("CvmRegistry.maxTeeTtl");
    expect(refusedField((p) => (p.CvmRegistry.maxTeeTtl = "30 days"))).toBe("CvmRegistry.maxTeeTtl");
    expect(refusedField((p) => (p.CvmRegistry.maxTeeTtl = 2 ** 24))).toBe("CvmRegistry.maxTeeTtl");
    expect(resolveCvm((p) => (p.CvmRegistry.maxTeeTtl = 2 ** 24 - 1)).ignition.CvmRegistry!.maxTeeTtl).toBe(16_777_215n);
    expect(refusedField((p) => delete p.CvmRegistry.maxTpmTtl)).toBe("CvmRegistry.maxTpmTtl");
    expect(refusedField((p) => (p.CvmRegistry.maxTpmTtl = p.CvmRegistry.maxTeeTtl + 1))).toBe("CvmRegistry.maxTpmTtl");
    expect(resolveCvm((p) => (p.CvmRegistry.maxTpmTtl = p.CvmRegistry.maxTeeTtl)).ignition.CvmRegistry!.maxTpmTtl).toBe(2_592_000n);
    for (const level of [0, 4, 1.5, "1", undefined]) expect(refusedField((p) => (p.CvmRegistry.minHardwareLevel = level))).toBe("CvmRegistry.minHardwareLevel");
    expect(refusedField((p) => (p.CvmRegistry.minTeeTtl = 3600))).toBe("CvmRegistry.minTeeTtl");
    expect(refusedField((p) => delete p.CvmRegistry)).toBe("CvmRegistry");
    expect(refusedField((p) => (p.TpmAkCertificateVerifier.roots = ["0x1234"]))).toBe("TpmAkCertificateVerifier.roots[0]");
    expect(refusedField((p) => (p.TpmAkCertificateVerifier.roots = [`0x${"00".repeat(32)}`]))).toBe("TpmAkCertificateVerifier.roots[0]");
    expect(refusedField((p) => (p.TpmAkCertificateVerifier.roots = "0x"))).toBe("TpmAkCertificateVerifier.roots");
    expect(refusedField((p) => (p.TpmAkCertificateVerifier.root = []))).toBe("TpmAkCertificateVerifier.root");
  });

  it("the CVM stack is in both variants, its WorkloadVerifier on the route's quote verifier", () => {
    for (const route of ["ours", "automata"] as const) {
      const results = Object.fromEntries(Object.entries(proofOfCloudModule(route).results).map(([k, f]) => [k, (f as { contractName: string; id: string }).id]));
      expect(results).toMatchObject({ workloadVerifier: "CvmRegistry#WorkloadVerifier", cvmRegistry: "CvmRegistry#CvmRegistry", tpmAkCertificateVerifier: "TpmAkCertificateVerifier#TpmAkCertificateVerifier" });
    }
  });
});

describe("the quote-verifier route (DcapQuoteVerifier.quoteVerifierRoute)", () => {
  // An example address (lower case, so the checksum normalisation shows), not Automata's real one.
  const AUTOMATA = "0xaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
  const withDcap = (dcap: Record<string, unknown>, chainId = 31337, base = localParameters) => {
    const p = structuredClone(base);
    Object.assign(p.DcapQuoteVerifier, dcap);
    return resolveDeployParameters(p, { chainId, source: "test.json" });
  };
  const refusedField = (fn: () => unknown) => {
    try {
      fn();
    } catch (e) {
      expect(e).toBeInstanceOf(DeployParametersError);
      return (e as DeployParametersError).field;
    }
    throw new Error("expected a DeployParametersError");
  };
  const publicFile = () => {
    const p = structuredClone(sepoliaParameters);
    p.Alliance.members = ["0x1000000000000000000000000000000000000001", "0x2000000000000000000000000000000000000002", "0x3000000000000000000000000000000000000003"];
    p.Alliance.names = ["A", "B", "C"];
    return p;
  };

  it('is "ours" when absent or said, deploying ProofOfCloud (DcapQuoteVerifier, no adapter)', () => {
    for (const r of [withDcap({}), withDcap({ quoteVerifierRoute: "ours" })]) {
      expect(r.quoteVerifierRoute).toBe("ours");
      expect(r.automataDcapAttestation).toBeUndefined();
      expect(r.ignition.AutomataDcapAdapter).toBeUndefined();
    }
    const m = proofOfCloudModule("ours");
    expect(m.id).toBe("ProofOfCloud");
    expect(Object.keys(m.results)).toContain("dcapQuoteVerifier");
    expect(Object.keys(m.results)).not.toContain("automataDcapAdapter");
  });

  it('"automata" takes the entrypoint address as a parameter and deploys ProofOfCloudAutomata (adapter, store, no DcapQuoteVerifier)', () => {
    const r = withDcap({ quoteVerifierRoute: "automata", automataDcapAttestation: AUTOMATA });
    expect(r.quoteVerifierRoute).toBe("automata");
    expect(r.automataDcapAttestation).toBe(getAddress(AUTOMATA));
    expect(r.ignition.AutomataDcapAdapter).toEqual({ automataDcapAttestation: getAddress(AUTOMATA) });
    expect(r.ignition.CollateralStore).toEqual({ rootCertHash: r.rootCertHash });
    const m = proofOfCloudModule("automata");
    expect(m.id).toBe("ProofOfCloudAutomata");
    const results = Object.fromEntries(Object.entries(m.results).map(([k, f]) => [k, (f as { contractName: string }).contractName]));
    expect(results.automataDcapAdapter).toBe("AutomataDcapAdapter");
    // The ZK route still needs the store's collateral hashes.
    expect(results.collateralStore).toBe("CollateralStore");
    expect(Object.values(results)).not.toContain("DcapQuoteVerifier");
    expect(Object.keys(m.results).sort()).toEqual(Object.keys(proofOfCloudModule("ours").results).map((k) => (k === "dcapQuoteVerifier" ? "automataDcapAdapter" : k)).sort());
  });

  it('"automata" resolves on a public chain with Intel\'s root (the deploy then checks the address has code)', () => {
    const p = publicFile();
    p.DcapQuoteVerifier.quoteVerifierRoute = "automata";
    p.DcapQuoteVerifier.automataDcapAttestation = AUTOMATA;
    const r = resolveDeployParameters(p, { chainId: 11155111, source: "sepolia.json" });
    expect(r.quoteVerifierRoute).toBe("automata");
    expect(r.ignition.AutomataDcapAdapter).toEqual({ automataDcapAttestation: getAddress(AUTOMATA) });
  });

  it("refuses, naming the field, an unknown route, a missing / malformed / zero / placeholder entrypoint, or an entrypoint without the route", () => {
    expect(refusedField(() => withDcap({ quoteVerifierRoute: "theirs" }))).toBe("DcapQuoteVerifier.quoteVerifierRoute");
    expect(refusedField(() => withDcap({ quoteVerifierRoute: "Automata", automataDcapAttestation: AUTOMATA }))).toBe("DcapQuoteVerifier.quoteVerifierRoute");
    expect(refusedField(() => withDcap({ quoteVerifierRoute: 1 }))).toBe("DcapQuoteVerifier.quoteVerifierRoute");
    const field = "DcapQuoteVerifier.automataDcapAttestation";
    expect(refusedField(() => withDcap({ quoteVerifierRoute: "automata" }))).toBe(field);
    expect(refusedField(() => withDcap({ quoteVerifierRoute: "automata", automataDcapAttestation: "0x1234" }))).toBe(field);
    expect(refusedField(() => withDcap({ quoteVerifierRoute: "automata", automataDcapAttestation: 42 }))).toBe(field);
    expect(refusedField(() => withDcap({ quoteVerifierRoute: "automata", automataDcapAttestation: `0x${"00".repeat(20)}` }))).toBe(field);
    expect(refusedField(() => withDcap({ quoteVerifierRoute: "automata", automataDcapAttestation: "REPLACE: Automata's DCAP attestation on this chain" }))).toBe(field);
    expect(refusedField(() => withDcap({ automataDcapAttestation: AUTOMATA }))).toBe(field);
    expect(refusedField(() => withDcap({ quoteVerifierRoute: "ours", automataDcapAttestation: AUTOMATA }))).toBe(field);
    // The route's checks do not loosen the others: a simulator root is still refused off local chains.
    expect(refusedField(() => withDcap({ rootCertificate: "simulator:x", quoteVerifierRoute: "automata", automataDcapAttestation: AUTOMATA }, 11155111, publicFile()))).toBe("DcapQuoteVerifier.rootCertificate");
  });
});

describe("address book parsing", () => {
  it("reads the older CLI shapes and refuses a book for another chain", () => {
    const legacy = parseAddressBook({ contracts: { Alliance: "0x9fe46736679d2d9a65f0992f2272de9f3c7fa6e0", HardwareRegistry: { address: "0x0165878a594ca255338adfa4d48449f69242eb8f" } } }, 31337);
    expect(pocAddressesFromBook(legacy)).toEqual({ alliance: "0x9fE46736679d2D9a65F0992F2272dE9f3c7fa6e0", hardwareRegistry: "0x0165878A594ca255338adfa4d48449f69242Eb8F" });
    expect(() => parseAddressBook({ format: "proof-of-cloud/address-book/1", chainId: 1, contracts: {} }, 31337)).toThrow(AddressBookError);
    expect(() => addressOf(legacy, "CvmRegistry")).toThrow(/no CvmRegistry/);
    // A full book: the CVM registry and the quote verifier of either route join the addresses.
    const a = (n: number) => `0x${String(n).repeat(40)}`;
    const full = (verifierName: string) => parseAddressBook({ format: "proof-of-cloud/address-book/1", chainId: 31337, contracts: { Alliance: a(1), HardwareRegistry: a(2), CvmRegistry: a(3), [verifierName]: a(4) } });
    for (const name of ["DcapQuoteVerifier", "AutomataDcapAdapter"]) {
      expect(pocAddressesFromBook(full(name))).toEqual({ alliance: getAddress(a(1)), hardwareRegistry: getAddress(a(2)), cvmRegistry: getAddress(a(3)), dcapQuoteVerifier: getAddress(a(4)) });
    }
    expect(() => parseAddressBook({ format: "proof-of-cloud/address-book/1", chainId: 31337, contracts: { Alliance: { address: "0x12" } } })).toThrow(/contracts.Alliance.address/);
  });
});
