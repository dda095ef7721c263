/**
 * The GCE verification method (contracts/registry/methods/GceMethod.sol, docs/hardware-registry.md#the-gce-method):
 * the binding both quotes must carry (a recent block hash), the evidence hash the log records, the
 * enrolment calldata built from evidence (TDX quote, TPM quote, AK chain), writes, reads, and the
 * governed calls (zone table, AK revocation). Zone and instance default to what the AK certificate
 * names (`parseGceInstanceInfo`).
 */
import { encodeAbiParameters, encodeFunctionData, getAddress, keccak256, stringToBytes, type Account, type Address, type Hash, type Hex } from "viem";
import { readContract } from "viem/actions";
import { gceMethodAbi } from "./abi/GceMethod.js";
import type { Call } from "./proposal.js";
import { contractWriter, type AnyClient } from "./write.js";
import { ChainInputError } from "./errors.js";
import { parseGceInstanceInfo, type GceInstanceInfo } from "../tpm/gceInstanceInfo.js";
import { hex, toBytes, type BytesLike } from "../bytes.js";
import { EvidenceRoute, type TeeEvidence, type TpmEvidence } from "./workload.js";
import { parseCertificates } from "../pki/x509.js";

export const GCE_BINDING_TAG = keccak256(stringToBytes("ProofOfCloud.GceMethod.binding.v1"));
/** GceMethod.MAX_ANCHOR_AGE: blocks an anchor stays usable. */
export const GCE_MAX_ANCHOR_AGE = 64n;

export type GceEvidence = { tee: TeeEvidence; tpm: TpmEvidence; akChain: readonly Hex[] };
export type GceClaim = { zone: string; instanceId: bigint; level: number; cadence: number; anchorBlock: bigint };

const TEE = { type: "tuple", components: [{ name: "route", type: "uint8" }, { name: "payload", type: "bytes" }] } as const;
const TPM = {
  type: "tuple",
  components: [
    { name: "akPublic", type: "bytes" },
    { name: "attest", type: "bytes" },
    { name: "signature", type: "bytes" },
    { name: "pcrValues", type: "bytes" },
  ],
} as const;
const EVIDENCE = [{ type: "tuple", components: [{ name: "tee", ...TEE }, { name: "tpm", ...TPM }, { name: "akChain", type: "bytes[]" }] }] as const;

/** The subject an enrolment binds: keccak256(abi.encode(uint8 level, uint32 cadence)). */
export function gceEnrolSubject(level: number, cadence: number): Hex {
  return keccak256(encodeAbiParameters([{ type: "uint8" }, { type: "uint32" }], [level, cadence]));
}

/** GceMethod.bindingHash: what the TDX report data (first half) and the TPM quote's qualifying data carry. */
export function gceBindingHash(p: { chainId: number | bigint; gceMethod: Address; anchorBlock: bigint; anchorBlockHash: Hex; subject: Hex }): Hex {
  return keccak256(
    encodeAbiParameters(
      [{ type: "bytes32" }, { type: "uint256" }, { type: "address" }, { type: "uint64" }, { type: "bytes32" }, { type: "bytes32" }],
      [GCE_BINDING_TAG, BigInt(p.chainId), p.gceMethod, p.anchorBlock, p.anchorBlockHash, p.subject],
    ),
  );
}

/** keccak256(abi.encode(evidence)): the evidence hash the MethodAction leaf names. */
export function gceEvidenceHash(evidence: GceEvidence): Hex {
  return keccak256(encodeAbiParameters(EVIDENCE, [evidence as never]));
}

/** keccak256(abi.encode(tpm)): a re-attestation's evidence hash. */
export function gceReattestEvidenceHash(tpm: TpmEvidence): Hex {
  return keccak256(encodeAbiParameters([TPM], [tpm]));
}

export type BuildGceEnrolmentParameters = {
  tee: TeeEvidence;
  tpm: TpmEvidence;
  /** AK certificate first, pinned root last (DER). */
  akChain: readonly BytesLike[];
  level: number;
  cadence: number;
  anchorBlock: bigint;
  /** Default: the zone the AK certificate names. */
  zone?: string | undefined;
  /** Default: the instance the AK certificate names. */
  instanceId?: bigint | undefined;
};
export type BuildGceEnrolmentReturnType = { evidence: GceEvidence; claim: GceClaim; instance: GceInstanceInfo; evidenceHash: Hex; data: Hex };

/** The `enrol(evidence, claim)` calldata from evidence; a `ChainInputError` / `ParseError` naming what is wrong. */
export function buildGceEnrolment(p: BuildGceEnrolmentParameters): BuildGceEnrolmentReturnType {
  if (p.akChain.length < 2) throw new ChainInputError("akChain", `expected the AK certificate, its intermediates and the root, got ${p.akChain.length} certificate(s)`);
  if (!Number.isInteger(p.level) || p.level < 1 || p.level > 3) throw new ChainInputError("level", `expected 1, 2 or 3, got ${p.level}`);
  if (!Number.isInteger(p.cadence) || p.cadence < 0 || p.cadence > 0xffffffff) throw new ChainInputError("cadence", `expected seconds in 0..2^32-1, got ${p.cadence}`);
  if (p.level === 3 && p.cadence === 0) throw new ChainInputError("cadence", "level 3 needs a heartbeat cadence");
  const chain = p.akChain.map((c, i) => toBytes(c, `akChain[${i}]`));
  const instance = parseGceInstanceInfo(chain[0]!);
  const evidence: GceEvidence = { tee: p.tee, tpm: p.tpm, akChain: chain.map((c) => `0x${hex(c)}` as Hex) };
  const claim: GceClaim = { zone: p.zone ?? instance.zone, instanceId: p.instanceId ?? instance.instanceId, level: p.level, cadence: p.cadence, anchorBlock: p.anchorBlock };
  const data = encodeFunctionData({ abi: gceMethodAbi, functionName: "enrol", args: [evidence as never, claim] });
  return { evidence, claim, instance, evidenceHash: gceEvidenceHash(evidence), data };
}

const writeGce = contractWriter(gceMethodAbi);

export async function writeGceEnrol(client: AnyClient, args: { gceMethod: Address; evidence: GceEvidence; claim: GceClaim; account?: Account; gas?: bigint }): Promise<Hash> {
  return writeGce(client, args.gceMethod, args.account, "enrol", [args.evidence as never, args.claim], args.gas === undefined ? {} : { gas: args.gas });
}

export async function writeGceReattest(client: AnyClient, args: { gceMethod: Address; platformKey: Hex; tpm: TpmEvidence; anchorBlock: bigint; account?: Account }): Promise<Hash> {
  return writeGce(client, args.gceMethod, args.account, "reattest", [args.platformKey, args.tpm, args.anchorBlock]);
}

export async function readGceZoneFacility(client: AnyClient, args: { gceMethod: Address; zone: string }): Promise<Hex> {
  return readContract(client, { address: args.gceMethod, abi: gceMethodAbi, functionName: "zoneFacility", args: [args.zone] });
}

function call(target: Address, data: Hex): Call {
  return { target: getAddress(target), value: 0n, data };
}

/** Calls to put in Alliance proposals; each comment gives the minimum class (ignition/callClasses.ts). */
export const gceMethodCalls = {
  /** Ordinary: zone -> facility (0 unmaps). */
  setZoneFacility: (gceMethod: Address, zone: string, facilityId: Hex): Call =>
    call(gceMethod, encodeFunctionData({ abi: gceMethodAbi, functionName: "setZoneFacility", args: [zone, facilityId] })),
  /** Emergency freeze: an AK certificate (keccak256 of its serial, `GceInstanceInfo.serialHash`) may no longer enrol nor re-attest. */
  revokeAkCertificate: (gceMethod: Address, serialHash: Hex): Call =>
    call(gceMethod, encodeFunctionData({ abi: gceMethodAbi, functionName: "revokeAkCertificate", args: [serialHash] })),
};

/**
 * The GCE evidence from what a machine writes to files: the TDX quote (raw bytes, or 0x-hex text), the
 * TPM quote as JSON `{ akPublic, attest, signature, pcrValues }` (0x-hex, as `poc cvm --tpm` takes), and
 * the AK chain as PEM (AK certificate first, root last). A `ChainInputError` / `ParseError` names the
 * file field that is wrong.
 */
export function gceEvidenceFromFiles(p: { quote: Uint8Array; tpmJson: string; akChainPem: Uint8Array | string }): { tee: TeeEvidence; tpm: TpmEvidence; akChain: Uint8Array[] } {
  const text = new TextDecoder().decode(p.quote.subarray(0, 2));
  const quote = text === "0x" ? toBytes(new TextDecoder().decode(p.quote).trim() as Hex, "quote") : p.quote;
  if (quote.length < 48) throw new ChainInputError("quote", `expected a TDX quote, got ${quote.length} bytes`);
  let j: Record<string, unknown>;
  try {
    j = JSON.parse(p.tpmJson) as Record<string, unknown>;
  } catch (e) {
    throw new ChainInputError("tpm", `not JSON (${(e as Error).message})`);
  }
  if (typeof j !== "object" || j === null) throw new ChainInputError("tpm", "expected a JSON object");
  for (const k of ["akPublic", "attest", "signature", "pcrValues"]) {
    if (typeof j[k] !== "string" || !/^0x([0-9a-fA-F]{2})*$/.test(j[k] as string)) throw new ChainInputError(`tpm.${k}`, "expected 0x-hex bytes");
  }
  const akChain = parseCertificates(p.akChainPem, "AK certificate chain").map((c) => c.der);
  return {
    tee: { route: EvidenceRoute.DcapQuote, payload: `0x${hex(quote)}` },
    tpm: { akPublic: j.akPublic as Hex, attest: j.attest as Hex, signature: j.signature as Hex, pcrValues: j.pcrValues as Hex },
    akChain,
  };
}
