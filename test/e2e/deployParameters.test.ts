/**
 * What scripts/deploy.ts refuses before sending anything (docs/deploy.md, "Parameters"), and the
 * address book reader's handling of other shapes. Pure: no chain. The deployment itself:
 * deploy.test.ts.
 */
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { bytesToHex } from "viem";
import { sha256 } from "@noble/hashes/sha2.js";
import { INTEL_SGX_ROOT_CA_DER } from "../../sdk/src/intel/rootCa.js";
import { addressOf, AddressBookError, parseAddressBook, pocAddressesFromBook } from "../../sdk/src/chain/addressBook.js";
import { DeployParametersError, resolveDeployParameters } from "../../scripts/deploy/parameters.js";

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
    expect(r.ignition.DcapQuoteVerifier).toEqual({ rootCertHash: r.rootCertHash });
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

describe("address book parsing", () => {
  it("reads the older CLI shapes and refuses a book for another chain", () => {
    const legacy = parseAddressBook({ contracts: { Alliance: "0x9fe46736679d2d9a65f0992f2272de9f3c7fa6e0", HardwareRegistry: { address: "0x0165878a594ca255338adfa4d48449f69242eb8f" } } }, 31337);
    expect(pocAddressesFromBook(legacy)).toEqual({ alliance: "0x9fE46736679d2D9a65F0992F2272dE9f3c7fa6e0", hardwareRegistry: "0x0165878A594ca255338adfa4d48449f69242Eb8F" });
    expect(() => parseAddressBook({ format: "proof-of-cloud/address-book/1", chainId: 1, contracts: {} }, 31337)).toThrow(AddressBookError);
    expect(() => addressOf(legacy, "CvmRegistry")).toThrow(/no CvmRegistry/);
    expect(() => parseAddressBook({ format: "proof-of-cloud/address-book/1", chainId: 31337, contracts: { Alliance: { address: "0x12" } } })).toThrow(/contracts.Alliance.address/);
  });
});
