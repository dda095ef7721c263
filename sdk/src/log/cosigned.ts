/**
 * The cosigned-checkpoint file (docs/transparency-log.md "Cosigned checkpoint file"): a checkpoint,
 * the members' signatures over it and the member set they were counted against. `poc log prove
 * --checkpoint` turns one into an offline receipt for any leaf the checkpoint covers.
 */
import { getAddress, isAddressEqual, type Address, type Hex } from "viem";
import { PocError } from "../errors.js";
import { logOrigin, type Cosignature, type Member } from "./checkpoint.js";
import { CheckpointCombineError } from "./errors.js";
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
  asOfBlock?: number | undefined;
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

export type CombineCosignedCheckpointsParameters = {
  /** The files to merge, each with the name errors call it by (a path, say); at least one. */
  files: readonly { name: string; checkpoint: CosignedCheckpoint }[];
};
export type CombineCosignedCheckpointsReturnType = CosignedCheckpoint;

/**
 * Merges cosigned-checkpoint files of the same checkpoint (what each member's `poc log cosign`
 * writes) into one carrying every cosignature. Throws `CheckpointCombineError` naming the file when
 * one is for another origin, size or root, was counted against another member set (the Alliance
 * changed between signatures: cosigning again is the fix), or repeats a signer: a quorum must not
 * count anyone twice. The member snapshot is the latest any file was taken at.
 */
export function combineCosignedCheckpoints({ files }: CombineCosignedCheckpointsParameters): CombineCosignedCheckpointsReturnType {
  const head = files[0];
  if (!head) throw new PocError("combineCosignedCheckpoints: no files to combine");
  const first = head.checkpoint;
  const cosignatures: Cosignature[] = [];
  const from = new Map<string, string>();
  for (const { name, checkpoint: f } of files) {
    const fail = (reason: CheckpointCombineError["reason"], message: string) => new CheckpointCombineError(name, reason, message);
    if (f.checkpoint.origin !== first.checkpoint.origin) throw fail("origin", `origin ${f.checkpoint.origin} differs from ${head.name}'s ${first.checkpoint.origin}`);
    if (f.checkpoint.size !== first.checkpoint.size) throw fail("size", `checkpoint size ${f.checkpoint.size} differs from ${head.name}'s ${first.checkpoint.size}`);
    if (f.checkpoint.rootHash.toLowerCase() !== first.checkpoint.rootHash.toLowerCase()) {
      throw fail("root", `root hash ${f.checkpoint.rootHash} differs from ${head.name}'s ${first.checkpoint.rootHash}`);
    }
    const a = first.members.list;
    const b = f.members.list;
    if (a.length !== b.length || !b.every((m) => a.some((x) => isAddressEqual(x.address, m.address)))) {
      throw fail("members", `member set differs from ${head.name}'s (the Alliance changed between signatures: cosign again)`);
    }
    for (const c of f.cosignatures) {
      const key = c.signer.toLowerCase();
      if (from.has(key)) throw fail("duplicate-signer", `${getAddress(c.signer)} already signed in ${from.get(key)}`);
      from.set(key, name);
      cosignatures.push(c);
    }
  }
  const asOf = files.map((f) => f.checkpoint.members.asOfBlock).filter((b): b is number => b !== undefined);
  return createCosignedCheckpoint({
    chainId: first.chainId,
    registry: first.registry,
    size: first.checkpoint.size,
    rootHash: first.checkpoint.rootHash,
    cosignatures,
    members: first.members.list,
    ...(asOf.length ? { asOfBlock: Math.max(...asOf) } : {}),
  });
}
