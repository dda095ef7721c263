/**
 * The cosigned-checkpoint file (docs/transparency-log.md "Cosigned checkpoint file"): a checkpoint,
 * the members' signatures over it and the member set they were counted against. `poc log prove
 * --checkpoint` turns one into an offline receipt for any leaf the checkpoint covers.
 */
import { getAddress, type Address, type Hex } from "viem";
import { logOrigin, type Cosignature, type Member } from "./checkpoint.js";
import { JsonReader } from "./json.js";

export const COSIGNED_CHECKPOINT_FORMAT = "proof-of-cloud/cosigned-checkpoint";

export type CosignedCheckpoint = {
  format: typeof COSIGNED_CHECKPOINT_FORMAT;
  version: 1;
  chainId: number;
  registry: Address;
  checkpoint: { origin: string; size: number; rootHash: Hex };
  cosignatures: Cosignature[];
  members: { list: Member[]; asOfBlock?: number };
};

export type CreateCosignedCheckpointParameters = {
  chainId: number;
  registry: Address;
  size: number;
  rootHash: Hex;
  cosignatures: readonly Cosignature[];
  members: readonly Member[];
  asOfBlock?: number;
};

export function createCosignedCheckpoint(args: CreateCosignedCheckpointParameters): CosignedCheckpoint {
  const registry = getAddress(args.registry);
  return {
    format: COSIGNED_CHECKPOINT_FORMAT,
    version: 1,
    chainId: args.chainId,
    registry,
    checkpoint: { origin: logOrigin({ chainId: args.chainId, registry }), size: args.size, rootHash: args.rootHash },
    cosignatures: args.cosignatures.map((c) => ({ signer: getAddress(c.signer), signature: c.signature })),
    members: { list: args.members.map((m) => ({ ...m, address: getAddress(m.address) })), ...(args.asOfBlock === undefined ? {} : { asOfBlock: args.asOfBlock }) },
  };
}

const json = new JsonReader("CosignedCheckpoint");

/** Parses a cosigned-checkpoint file (JSON text or value); throws ParseError naming the field. */
export function parseCosignedCheckpoint(input: unknown): CosignedCheckpoint {
  const r = json.obj(json.parse(input), "(root)");
  if (r.format !== COSIGNED_CHECKPOINT_FORMAT) json.bad("format", JSON.stringify(COSIGNED_CHECKPOINT_FORMAT), r.format);
  if (r.version !== 1) json.bad("version", "1", r.version);
  const chainId = json.uint(r.chainId, "chainId");
  const registry = json.address(r.registry, "registry");
  const c = json.obj(r.checkpoint, "checkpoint");
  const checkpoint = { origin: json.str(c.origin, "checkpoint.origin"), size: json.uint(c.size, "checkpoint.size"), rootHash: json.hex(c.rootHash, "checkpoint.rootHash", 32) };
  if (checkpoint.origin !== logOrigin({ chainId, registry })) json.bad("checkpoint.origin", JSON.stringify(logOrigin({ chainId, registry })), checkpoint.origin);
  const m = json.obj(r.members, "members");
  const members: CosignedCheckpoint["members"] = { list: json.members(m.list, "members.list") };
  if (m.asOfBlock !== undefined) members.asOfBlock = json.uint(m.asOfBlock, "members.asOfBlock");
  return { format: COSIGNED_CHECKPOINT_FORMAT, version: 1, chainId, registry, checkpoint, cosignatures: json.cosignatures(r.cosignatures, "cosignatures"), members };
}
