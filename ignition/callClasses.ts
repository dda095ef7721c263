/**
 * The Alliance's class table as a deployment fills it: for every governed function, the weakest
 * proposal class that may call it. This file is the one place a governed function's class is
 * decided; the Ignition modules write its entries into the Alliance (`setCallClass`, during the
 * deployer's set-up window), the test kit does the same for hand-wired worlds, and docs/alliance.md
 * prints it (a test holds the page to this file).
 *
 * Only entries weaker than SecurityCritical are written onchain: a (target, selector) with no entry
 * needs SecurityCritical, so listing those here documents them at no gas. The Alliance's own entries
 * are set by its constructor (contracts/governance/Alliance.sol) and listed for the docs.
 */
import type { IgnitionModuleBuilder } from "@nomicfoundation/ignition-core";
import type { CallableContractFuture } from "@nomicfoundation/ignition-core";
import { toFunctionSelector, type Abi, type AbiFunction, type Hex } from "viem";
import { ProposalClass } from "../sdk/src/chain/proposal.js";
import { allianceAbi } from "../sdk/src/chain/abi/Alliance.js";
import { hardwareRegistryAbi } from "../sdk/src/chain/abi/HardwareRegistry.js";
import { cvmRegistryAbi } from "../sdk/src/chain/abi/CvmRegistry.js";
import { workloadVerifierAbi } from "../sdk/src/chain/abi/WorkloadVerifier.js";
import { zkAttestationVerifierAbi } from "../sdk/src/chain/abi/ZkAttestationVerifier.js";
import { tpmAkCertificateVerifierAbi } from "../sdk/src/chain/abi/TpmAkCertificateVerifier.js";
import { methodRegistryAbi } from "../sdk/src/chain/abi/MethodRegistry.js";
import { gceMethodAbi } from "../sdk/src/chain/abi/GceMethod.js";

type ClassName = keyof typeof ProposalClass;

/** Governed contract => function name => the weakest class that may call it. */
export const callClasses = {
  Alliance: {
    addMember: "SecurityCritical",
    removeMember: "SecurityCritical",
    electChair: "Ordinary",
    setChairTerm: "SecurityCritical",
    setCallClass: "SecurityCritical",
  },
  HardwareRegistry: {
    setFacilities: "Ordinary",
    setEntries: "Ordinary",
    freeze: "EmergencyFreeze",
    confirmFreeze: "Ordinary",
    unfreeze: "Ordinary",
    dismissChallenge: "Ordinary",
    revoke: "SecurityCritical",
    addListener: "SecurityCritical",
    removeListener: "SecurityCritical",
    setFreezeWindow: "SecurityCritical",
    setChallengeBond: "SecurityCritical",
  },
  CvmRegistry: {
    revoke: "SecurityCritical",
    setTtlBounds: "SecurityCritical",
    setMinHardwareLevel: "SecurityCritical",
    setWorkloadVerifier: "SecurityCritical",
  },
  WorkloadVerifier: {
    setQuoteVerifier: "SecurityCritical",
    setZkVerifier: "SecurityCritical",
  },
  ZkAttestationVerifier: {
    setProgram: "SecurityCritical",
    setArkPinned: "SecurityCritical",
    setMaxJournalAge: "SecurityCritical",
    setCollateralStore: "SecurityCritical",
  },
  TpmAkCertificateVerifier: {
    setRootPinned: "SecurityCritical",
  },
  // A method writes entries with no vote: what it may do is decided as strongly as a revocation.
  MethodRegistry: {
    registerMethod: "SecurityCritical",
    suspendMethod: "EmergencyFreeze",
    removeMethod: "SecurityCritical",
  },
  GceMethod: {
    setZoneFacility: "Ordinary",
    revokeAkCertificate: "EmergencyFreeze",
  },
} as const satisfies Record<string, Record<string, ClassName>>;

export type GovernedContract = keyof typeof callClasses;

const abis: Record<GovernedContract, Abi> = {
  Alliance: allianceAbi,
  HardwareRegistry: hardwareRegistryAbi,
  CvmRegistry: cvmRegistryAbi,
  WorkloadVerifier: workloadVerifierAbi,
  ZkAttestationVerifier: zkAttestationVerifierAbi,
  TpmAkCertificateVerifier: tpmAkCertificateVerifierAbi,
  MethodRegistry: methodRegistryAbi,
  GceMethod: gceMethodAbi,
};

/** One `setCallClass(target, selectors, class)` call's worth of entries. */
export type CallClassEntry = { proposalClass: ProposalClass; selectors: Hex[]; functions: string[] };

/** The selector of `contract`'s function `name` (one overload only: governed functions are not overloaded). */
export function governedSelector(contract: GovernedContract, name: string): Hex {
  const items = abis[contract].filter((x): x is AbiFunction => x.type === "function" && x.name === name);
  if (items.length !== 1) throw new Error(`callClasses: ${contract}.${name} has ${items.length} ABI entries, expected 1`);
  return toFunctionSelector(items[0]!);
}

/**
 * The entries a deployment writes for `contract`, grouped by class; SecurityCritical ones are left
 * out (no entry already means SecurityCritical). Empty for the Alliance (its constructor sets its own).
 */
export function callClassEntries(contract: GovernedContract): CallClassEntry[] {
  if (contract === "Alliance") return [];
  const byClass = new Map<ProposalClass, CallClassEntry>();
  for (const [name, className] of Object.entries(callClasses[contract]) as [string, ClassName][]) {
    const proposalClass = ProposalClass[className];
    if (proposalClass === ProposalClass.SecurityCritical) continue;
    const entry = byClass.get(proposalClass) ?? { proposalClass, selectors: [], functions: [] };
    entry.selectors.push(governedSelector(contract, name));
    entry.functions.push(name);
    byClass.set(proposalClass, entry);
  }
  return [...byClass.values()];
}

/**
 * Writes `contract`'s entries into the Alliance's class table from an Ignition module (the deployer's
 * set-up window: ProofOfCloud closes it once every unit is wired).
 */
export function setCallClasses(
  m: IgnitionModuleBuilder,
  alliance: CallableContractFuture<string>,
  contract: GovernedContract,
  target: CallableContractFuture<string>,
): void {
  for (const entry of callClassEntries(contract)) {
    m.call(alliance, "setCallClass", [target, entry.selectors, entry.proposalClass], {
      id: `Alliance_setCallClass_${contract}_${entry.proposalClass}`,
    });
  }
}
