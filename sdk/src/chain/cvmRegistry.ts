/**
 * viem actions and message builders for the CvmRegistry (contracts/cvm/CvmRegistry.sol,
 * docs/cvm-registry.md): the EIP-712 Registration / ReAttestation / Rotation messages (hashes the
 * CVM puts in its TEE report data and TPM qualifying data, and signs with its identity keys), reads
 * of an identity's state, the lifecycle writes, and calldata of the governed setters.
 */
import {
  encodeFunctionData,
  getAddress,
  hashTypedData,
  zeroAddress,
  type Account,
  type Address,
  type Chain,
  type Client,
  type Hash,
  type Hex,
  type Transport,
  type TypedDataDomain,
} from "viem";
import { readContract } from "viem/actions";
import { cvmRegistryAbi } from "./abi/CvmRegistry.js";
import { workloadVerifierAbi } from "./abi/WorkloadVerifier.js";
import type { Call } from "./proposal.js";
import { contractWriter, type AnyClient } from "./write.js";
import type { TeeEvidence, TpmEvidence } from "./workload.js";
import type { HardwareStatus } from "./hardwareRegistry.js";
import { TCB_STATUS_NAMES, tcbStatusRank, type TcbStatusName, type WeakestTcbStatusName } from "../vocabulary/tcbStatus.js";

/** ICvmRegistry.CvmStatus. */
export const CvmStatus = { None: 0, Active: 1, Revoked: 2, Rotated: 3 } as const;
export const cvmStatusNames = ["none", "active", "revoked", "rotated"] as const;

// TCB status names and their CvmGate ranks (TCB_STATUSES_STRONGEST_FIRST, tcbStatusRank) are shared
// vocabulary: sdk/src/vocabulary/tcbStatus.ts.

/** The weakest TCB status a CvmGate rule that names none accepts (`WeakestTcbStatus.Default`). */
export const DEFAULT_WEAKEST_TCB_STATUS: WeakestTcbStatusName = "SWHardeningNeeded";

/**
 * `CvmGate.WeakestTcbStatus` for a rule (CvmVault.setRule, CvmPolicyList): undefined is `Default`
 * (UpToDate and SWHardeningNeeded), a status its code + 1.
 */
export function encodeWeakestTcbStatus(weakestTcbStatus?: WeakestTcbStatusName): number {
  return weakestTcbStatus === undefined ? 0 : TCB_STATUS_NAMES.indexOf(weakestTcbStatus) + 1;
}

/** Whether a CvmGate rule whose weakest accepted status is `weakestTcbStatus` lets `status` through (the gate's TcbStatusNotAccepted check). */
export function tcbStatusAccepted(status: TcbStatusName, weakestTcbStatus: WeakestTcbStatusName = DEFAULT_WEAKEST_TCB_STATUS): boolean {
  return tcbStatusRank(status) <= tcbStatusRank(weakestTcbStatus);
}

export const CVM_REGISTRY_NAME = "Proof of Cloud CVM Registry";
export const CVM_REGISTRY_VERSION = "1";

export const cvmTypes = {
  Registration: [
    { name: "identity", type: "address" },
    { name: "owner", type: "address" },
    { name: "nonce", type: "uint256" },
    { name: "deadline", type: "uint256" },
  ],
  ReAttestation: [
    { name: "identity", type: "address" },
    { name: "nonce", type: "uint256" },
    { name: "newIdentity", type: "address" },
  ],
  Rotation: [
    { name: "identity", type: "address" },
    { name: "newIdentity", type: "address" },
    { name: "nonce", type: "uint256" },
  ],
} as const;

/** Which registry on which chain a message is for. */
export type CvmRegistryTarget = { chainId: number; registry: Address };

export function cvmRegistryDomain({ chainId, registry }: CvmRegistryTarget): TypedDataDomain {
  return { name: CVM_REGISTRY_NAME, version: CVM_REGISTRY_VERSION, chainId, verifyingContract: getAddress(registry) };
}

export type Registration = { identity: Address; owner: Address; nonce: bigint; deadline: bigint };
export type ReAttestation = { identity: Address; nonce: bigint; newIdentity?: Address };
export type Rotation = { identity: Address; newIdentity: Address; nonce: bigint };

export function registrationTypedData(t: CvmRegistryTarget, m: Registration) {
  return { domain: cvmRegistryDomain(t), types: cvmTypes, primaryType: "Registration" as const, message: m };
}
export function reAttestationTypedData(t: CvmRegistryTarget, m: ReAttestation) {
  return {
    domain: cvmRegistryDomain(t),
    types: cvmTypes,
    primaryType: "ReAttestation" as const,
    message: { identity: m.identity, nonce: m.nonce, newIdentity: m.newIdentity ?? zeroAddress },
  };
}
export function rotationTypedData(t: CvmRegistryTarget, m: Rotation) {
  return { domain: cvmRegistryDomain(t), types: cvmTypes, primaryType: "Rotation" as const, message: m };
}

/** The registration hash: first 32 bytes of the TEE report data and the TPM quote's qualifying data. */
export function hashRegistration(t: CvmRegistryTarget, m: Registration): Hex {
  return hashTypedData(registrationTypedData(t, m));
}
/** The re-attestation hash: the TPM quote's qualifying data (newIdentity set for a rotation). */
export function hashReAttestation(t: CvmRegistryTarget, m: ReAttestation): Hex {
  return hashTypedData(reAttestationTypedData(t, m));
}
/** The rotation hash the old identity key signs. */
export function hashRotation(t: CvmRegistryTarget, m: Rotation): Hex {
  return hashTypedData(rotationTypedData(t, m));
}

type TypedSigner = { signTypedData: (p: any) => Promise<Hex> };

/** The identity key's signature of a Registration (inside the CVM). */
export function signRegistration(identity: TypedSigner, t: CvmRegistryTarget, m: Registration): Promise<Hex> {
  return identity.signTypedData(registrationTypedData(t, m));
}
/**
 * A key's signature of a Rotation: the old identity key and the new one sign the same message
 * (`oldKeySignature`, `newKeySignature`), the new key's proving the CVM holds it.
 */
export function signRotation(identity: TypedSigner, t: CvmRegistryTarget, m: Rotation): Promise<Hex> {
  return identity.signTypedData(rotationTypedData(t, m));
}

// ---------------------------------------------------------------- reads

export type ReadCvmParameters = { registry: Address; identity: Address };
export type ReadCvmReturnType = {
  status: number;
  statusName: (typeof cvmStatusNames)[number];
  owner: Address;
  nonce: number;
  teeAttestedAt: bigint;
  tpmAttestedAt: bigint;
  teeTtl: number;
  tpmTtl: number;
  tcbStatus: number;
  teeType: number;
  platformKey: Hex;
  akKeyHash: Hex;
  measurementHash: Hex;
  measurementCount: number;
  rotatedTo: Address;
  hardwareLevel: number;
  valid: boolean;
};
/** An identity's state at the latest block, validity included. */
export async function readCvm(client: AnyClient, args: ReadCvmParameters): Promise<ReadCvmReturnType> {
  const v = await readContract(client, { address: args.registry, abi: cvmRegistryAbi, functionName: "getCvm", args: [args.identity] });
  return { ...v, statusName: cvmStatusNames[v.status] ?? "none" };
}

export type ReadCheckCvmReturnType = {
  valid: boolean;
  measurementHash: Hex;
  hardwareLevel: number;
  attestedAt: bigint;
  /** IQuoteVerifier.TcbStatus of the last TEE evidence (UpToDate for SEV-SNP); see tcbStatusAccepted. */
  tcbStatus: number;
  tcbStatusName: TcbStatusName;
};
/** What a gate sees: validity, current measurement, hardware level, last attestation time, TCB status. */
export async function readCheckCvm(client: AnyClient, args: ReadCvmParameters): Promise<ReadCheckCvmReturnType> {
  const [valid, measurementHash, hardwareLevel, attestedAt, tcbStatus] = await readContract(client, {
    address: args.registry,
    abi: cvmRegistryAbi,
    functionName: "checkCvm",
    args: [args.identity],
  });
  return { valid, measurementHash, hardwareLevel, attestedAt, tcbStatus, tcbStatusName: TCB_STATUS_NAMES[tcbStatus]! };
}

/** The nonce the identity's next registration, re-attestation or rotation must carry. */
export async function readCvmNonce(client: AnyClient, args: ReadCvmParameters): Promise<bigint> {
  return BigInt(await readContract(client, { address: args.registry, abi: cvmRegistryAbi, functionName: "nonces", args: [args.identity] }));
}

/** Every measurement hash the identity has run, oldest first. */
export async function readMeasurementHistory(client: AnyClient, args: ReadCvmParameters): Promise<readonly Hex[]> {
  return readContract(client, { address: args.registry, abi: cvmRegistryAbi, functionName: "measurementHistory", args: [args.identity] });
}

/**
 * TTL bounds and minimum level: each identity takes them up at its next attestation. `hardwareFeedConnected`:
 * the HardwareRegistry pushes to this registry (registrations need it); `hardwareFeedRetired`: it was
 * removed as a listener once and can never be connected again.
 */
export type ReadCvmParamsReturnType = {
  workloadVerifier: Address;
  maxTeeTtl: number;
  maxTpmTtl: number;
  minHardwareLevel: number;
  hardwareFeedConnected: boolean;
  hardwareFeedRetired: boolean;
};
export async function readCvmParams(client: AnyClient, args: { registry: Address }): Promise<ReadCvmParamsReturnType> {
  return readContract(client, { address: args.registry, abi: cvmRegistryAbi, functionName: "params" });
}

/**
 * The hardware status the CVM registry mirrors for `platformKey` (pushed by the HardwareRegistry);
 * `tracked` false until a CVM registers on that platform, and after a failed push until writeSyncHardware.
 * A tracked status equals readHardwareStatus's.
 */
export async function readMirroredHardwareStatus(client: AnyClient, args: { registry: Address; platformKey: Hex }): Promise<{ tracked: boolean; status: HardwareStatus }> {
  const [tracked, status] = await readContract(client, { address: args.registry, abi: cvmRegistryAbi, functionName: "mirroredHardwareStatus", args: [args.platformKey] });
  return { tracked, status };
}

/** True when `identity` is valid and signed `digest`. */
export async function readVerifyCvmSignature(client: AnyClient, args: ReadCvmParameters & { digest: Hex; signature: Hex }): Promise<boolean> {
  return readContract(client, {
    address: args.registry,
    abi: cvmRegistryAbi,
    functionName: "verifyCvmSignature",
    args: [args.identity, args.digest, args.signature],
  });
}

// ---------------------------------------------------------------- writes

const writeCvmRegistry = contractWriter(cvmRegistryAbi);

export type WriteRegisterCvmParameters = {
  registry: Address;
  tee: TeeEvidence;
  tpm: TpmEvidence;
  identity: Address;
  owner: Address;
  deadline: bigint;
  identitySignature: Hex;
  account?: Account | undefined;
  gas?: bigint | undefined;
};
export async function writeRegisterCvm(client: AnyClient, a: WriteRegisterCvmParameters): Promise<Hash> {
  return writeCvmRegistry(client, a.registry, a.account, "register", [a.tee, a.tpm, a.identity, a.owner, a.deadline, a.identitySignature], { gas: a.gas });
}

export type WriteReattestCvmParameters = { registry: Address; identity: Address; tpm: TpmEvidence; teeRegistersHash: Hex; account?: Account };
export async function writeReattestCvm(client: AnyClient, a: WriteReattestCvmParameters): Promise<Hash> {
  return writeCvmRegistry(client, a.registry, a.account, "reattest", [a.identity, a.tpm, a.teeRegistersHash]);
}

/** `oldKeySignature` and `newKeySignature`: signRotation by the old and the new identity key. */
export type WriteRotateCvmParameters = WriteReattestCvmParameters & { newIdentity: Address; oldKeySignature: Hex; newKeySignature: Hex };
export async function writeRotateCvm(client: AnyClient, a: WriteRotateCvmParameters): Promise<Hash> {
  return writeCvmRegistry(client, a.registry, a.account, "rotate", [a.identity, a.newIdentity, a.oldKeySignature, a.newKeySignature, a.tpm, a.teeRegistersHash]);
}

export type WriteRevokeCvmParameters = { registry: Address; identity: Address; reasonHash: Hex; account?: Account };
/** Owner revocation (the Alliance revokes through a proposal: cvmRegistryCalls.revoke). */
export async function writeRevokeCvm(client: AnyClient, a: WriteRevokeCvmParameters): Promise<Hash> {
  return writeCvmRegistry(client, a.registry, a.account, "revoke", [a.identity, a.reasonHash]);
}

export type WriteSetCvmTtlsParameters = { registry: Address; identity: Address; teeTtl: number; tpmTtl: number; account?: Account };
export async function writeSetCvmTtls(client: AnyClient, a: WriteSetCvmTtlsParameters): Promise<Hash> {
  return writeCvmRegistry(client, a.registry, a.account, "setTtls", [a.identity, a.teeTtl, a.tpmTtl]);
}

export type WriteSyncHardwareParameters = { registry: Address; platformKey: Hex; account?: Account };
/**
 * Anyone: re-mirror a platform's status from the HardwareRegistry after a push to the CVM registry
 * failed (event HardwareFeedLost), so the CVMs on it are judged by its current status again.
 */
export async function writeSyncHardware(client: AnyClient, a: WriteSyncHardwareParameters): Promise<Hash> {
  return writeCvmRegistry(client, a.registry, a.account, "syncHardware", [a.platformKey]);
}

// ---------------------------------------------------------------- governed calldata

function call(target: Address, data: Hex): Call {
  return { target: getAddress(target), value: 0n, data };
}

/** Calls to put in Alliance proposals; all security-critical. */
export const cvmRegistryCalls = {
  revoke: (registry: Address, identity: Address, reasonHash: Hex): Call =>
    call(registry, encodeFunctionData({ abi: cvmRegistryAbi, functionName: "revoke", args: [identity, reasonHash] })),
  setTtlBounds: (registry: Address, maxTeeTtl: number, maxTpmTtl: number): Call =>
    call(registry, encodeFunctionData({ abi: cvmRegistryAbi, functionName: "setTtlBounds", args: [maxTeeTtl, maxTpmTtl] })),
  setMinHardwareLevel: (registry: Address, level: number): Call =>
    call(registry, encodeFunctionData({ abi: cvmRegistryAbi, functionName: "setMinHardwareLevel", args: [level] })),
  setWorkloadVerifier: (registry: Address, verifier: Address): Call =>
    call(registry, encodeFunctionData({ abi: cvmRegistryAbi, functionName: "setWorkloadVerifier", args: [verifier] })),
};

/** Calls to put in Alliance proposals for the WorkloadVerifier; security-critical. */
export const workloadVerifierCalls = {
  setQuoteVerifier: (verifier: Address, quoteVerifier: Address): Call =>
    call(verifier, encodeFunctionData({ abi: workloadVerifierAbi, functionName: "setQuoteVerifier", args: [quoteVerifier] })),
  setZkVerifier: (verifier: Address, zkVerifier: Address): Call =>
    call(verifier, encodeFunctionData({ abi: workloadVerifierAbi, functionName: "setZkVerifier", args: [zkVerifier] })),
};

// ---------------------------------------------------------------- decorator

type Without<T, K extends keyof T> = Omit<T, K>;

/**
 * `client.extend(cvmRegistryActions({ cvmRegistry }))`: the CVM registry actions bound to one
 * deployment; `pocActions({ ..., cvmRegistry })` exposes the same as `client.cvm`.
 */
export function cvmRegistryActions({ cvmRegistry: registry }: { cvmRegistry: Address }) {
  return <transport extends Transport, chain extends Chain | undefined, account extends Account | undefined>(
    client: Client<transport, chain, account>,
  ) => {
    const c = client as unknown as AnyClient;
    return {
      cvmRegistry: registry,
      readCvm: (args: { identity: Address }) => readCvm(c, { registry, ...args }),
      readCheckCvm: (args: { identity: Address }) => readCheckCvm(c, { registry, ...args }),
      readCvmNonce: (args: { identity: Address }) => readCvmNonce(c, { registry, ...args }),
      readMeasurementHistory: (args: { identity: Address }) => readMeasurementHistory(c, { registry, ...args }),
      readCvmParams: () => readCvmParams(c, { registry }),
      readMirroredHardwareStatus: (args: { platformKey: Hex }) => readMirroredHardwareStatus(c, { registry, ...args }),
      readVerifyCvmSignature: (args: { identity: Address; digest: Hex; signature: Hex }) => readVerifyCvmSignature(c, { registry, ...args }),
      writeRegisterCvm: (args: Without<WriteRegisterCvmParameters, "registry">) => writeRegisterCvm(c, { registry, ...args }),
      writeReattestCvm: (args: Without<WriteReattestCvmParameters, "registry">) => writeReattestCvm(c, { registry, ...args }),
      writeRotateCvm: (args: Without<WriteRotateCvmParameters, "registry">) => writeRotateCvm(c, { registry, ...args }),
      writeRevokeCvm: (args: Without<WriteRevokeCvmParameters, "registry">) => writeRevokeCvm(c, { registry, ...args }),
      writeSetCvmTtls: (args: Without<WriteSetCvmTtlsParameters, "registry">) => writeSetCvmTtls(c, { registry, ...args }),
      writeSyncHardware: (args: Without<WriteSyncHardwareParameters, "registry">) => writeSyncHardware(c, { registry, ...args }),
    };
  };
}

export type CvmRegistryActions = ReturnType<ReturnType<typeof cvmRegistryActions>>;
