/**
 * Worlds deployed the way production is: through the Ignition modules (ignition/modules), with
 * parameters taken from ignition/parameters/local.json and only the fields a test needs overridden.
 * Hand-wiring contracts with `deployContract` would skip what the modules do (class-table entries,
 * the hardware feed, closing the Alliance's set-up window), so tests would not exercise the real
 * wiring. The whole system goes through scripts/deploy/deployProofOfCloud.ts, so its checks
 * (resolveDeployParameters, the root upload) apply to every simulated world as well.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import hre from "hardhat";
import { bytesToHex, type Address, type Hex } from "viem";
import type { NetworkConnection } from "hardhat/types/network";
import HardwareRegistryModule from "../ignition/modules/HardwareRegistry.js";
import { resolveDeployParameters, type ModuleParameters } from "../scripts/deploy/parameters.js";
import { deployProofOfCloud } from "../scripts/deploy/deployProofOfCloud.js";
import type { AddressBook } from "../sdk/src/chain/addressBook.js";

export const LOCAL_PARAMETERS_FILE = join(import.meta.dirname, "..", "ignition", "parameters", "local.json");

/** ignition/parameters/local.json as written (a fresh copy each call: callers may edit it). */
export function localParameters(): ModuleParameters {
  return JSON.parse(readFileSync(LOCAL_PARAMETERS_FILE, "utf8")) as ModuleParameters;
}

export type WorldOverrides = {
  /** Alliance members; local.json's three dev accounts when omitted. */
  members?: readonly Address[];
  /** One organisation name per member; "Member i" when members are overridden without names. */
  names?: readonly string[];
  /** HardwareRegistry salt. */
  salt?: Hex;
  /** The root the collateral store is pinned to (DER); local.json's simulator root when omitted. */
  rootCertificate?: Uint8Array;
  /** CvmRegistry bounds (seconds / level), as the module names them. */
  maxTeeTtl?: number;
  maxTpmTtl?: number;
  minHardwareLevel?: number;
};

/** local.json with `o` applied: the raw parameters file a deploy would read. */
export function worldParameters(o: WorldOverrides = {}): ModuleParameters {
  const p = localParameters();
  if (o.members) {
    p.Alliance = { members: [...o.members], names: o.names ? [...o.names] : o.members.map((_, i) => `Member ${i + 1}`) };
  }
  if (o.salt) p.HardwareRegistry = { ...p.HardwareRegistry, salt: o.salt };
  if (o.rootCertificate) p.DcapQuoteVerifier = { ...p.DcapQuoteVerifier, rootCertificate: bytesToHex(o.rootCertificate) };
  for (const k of ["maxTeeTtl", "maxTpmTtl", "minHardwareLevel"] as const) if (o[k] !== undefined) p.CvmRegistry = { ...p.CvmRegistry, [k]: o[k] };
  return p;
}

/**
 * Deploys the whole system (route "ours") on `connection` with scripts/deploy's own code, exactly
 * as `npm run deploy` does, and returns its address book.
 */
export async function deploySystem(connection: NetworkConnection<string>, o: WorldOverrides = {}): Promise<AddressBook> {
  const chainId = await (await connection.viem.getPublicClient()).getChainId();
  const parameters = resolveDeployParameters(worldParameters(o), { chainId, source: "local.json (testkit overrides)" });
  const { book } = await deployProofOfCloud({ hre, connection: connection as NetworkConnection, chainId, parameters });
  return book;
}

/**
 * The governance core alone: the Alliance and the HardwareRegistry modules (the registry's
 * class-table entries written by the module). The Alliance's set-up window stays open, as it does
 * between module steps of a full deployment; worlds that need the rest use {@link deploySystem}.
 */
export async function deployHardwareModules(connection: NetworkConnection<string>, members: readonly Address[], salt: Hex, names?: readonly string[]) {
  const parameters = {
    Alliance: { members: [...members], names: names ? [...names] : members.map((_, i) => `Member ${i + 1}`) },
    HardwareRegistry: { salt },
  };
  const r = await connection.ignition.deploy(HardwareRegistryModule, { parameters, displayUi: false });
  const { hardwareRegistry } = r as unknown as { hardwareRegistry: { address: Address } };
  const registry = await connection.viem.getContractAt("HardwareRegistry", hardwareRegistry.address);
  // The module returns only the registry; its Alliance is the one it was deployed with.
  const alliance = await connection.viem.getContractAt("Alliance", (await registry.read.alliance()) as Address);
  return { alliance, registry };
}
