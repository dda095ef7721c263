/**
 * The verification methods' table (contracts/registry/MethodRegistry.sol, docs/hardware-registry.md#verification-methods):
 * reads, and the governed calls to put in Alliance proposals. The HardwareRegistry created it; its
 * address is `HardwareRegistry.methodRegistry()` ({@link readMethodRegistryAddress}).
 */
import { encodeFunctionData, getAddress, type Address, type Hex } from "viem";
import { readContract } from "viem/actions";
import { methodRegistryAbi } from "./abi/MethodRegistry.js";
import { hardwareRegistryAbi } from "./abi/HardwareRegistry.js";
import type { Call } from "./proposal.js";
import type { AnyClient } from "./write.js";

/** IMethodRegistry.MethodStatus. */
export const MethodStatus = { None: 0, Active: 1, Suspended: 2 } as const;
export const methodStatusNames = ["none", "active", "suspended"] as const;

/** What a MethodAction leaf (type 9) records: the METHOD_* constants of IMethodRegistry.sol. */
export const MethodActionKind = { Enrolled: 1, Heartbeat: 2, Registered: 3, Suspended: 4, Removed: 5 } as const;

export async function readMethodRegistryAddress(client: AnyClient, args: { registry: Address }): Promise<Address> {
  return readContract(client, { address: args.registry, abi: hardwareRegistryAbi, functionName: "methodRegistry" });
}

export type MethodRecord = { status: number; maxLevel: number; registeredAt: number; facilities: readonly Hex[] };

/** A method's status, level cap, registration time and facilities (status 0: not registered). */
export async function readMethod(client: AnyClient, args: { methodRegistry: Address; method: Address }): Promise<MethodRecord> {
  const [m, facilities] = await Promise.all([
    readContract(client, { address: args.methodRegistry, abi: methodRegistryAbi, functionName: "getMethod", args: [args.method] }),
    readContract(client, { address: args.methodRegistry, abi: methodRegistryAbi, functionName: "facilities", args: [args.method] }),
  ]);
  return { status: m.status, maxLevel: m.maxLevel, registeredAt: Number(m.registeredAt), facilities };
}

function call(target: Address, data: Hex): Call {
  return { target: getAddress(target), value: 0n, data };
}

/** Calls to put in Alliance proposals; each comment gives the minimum class (ignition/callClasses.ts). */
export const methodRegistryCalls = {
  /** Security-critical: lets `method` enrol up to `maxLevel` (3: also heartbeats) in `facilityIds`. */
  registerMethod: (methodRegistry: Address, method: Address, maxLevel: number, facilityIds: readonly Hex[]): Call =>
    call(methodRegistry, encodeFunctionData({ abi: methodRegistryAbi, functionName: "registerMethod", args: [method, maxLevel, facilityIds] })),
  /** Emergency freeze: the method may neither enrol nor refresh until registered again. */
  suspendMethod: (methodRegistry: Address, method: Address, reasonHash: Hex): Call =>
    call(methodRegistry, encodeFunctionData({ abi: methodRegistryAbi, functionName: "suspendMethod", args: [method, reasonHash] })),
  /** Security-critical. */
  removeMethod: (methodRegistry: Address, method: Address, reasonHash: Hex): Call =>
    call(methodRegistry, encodeFunctionData({ abi: methodRegistryAbi, functionName: "removeMethod", args: [method, reasonHash] })),
};
