/**
 * The offline receipt (docs/transparency-log.md "Offline receipt"): one JSON file proving that a
 * leaf is in the log at a checkpoint the alliance cosigned, checkable with no network.
 */
import { getAddress, isAddressEqual, type Address, type Hex } from "viem";
import { hex } from "../bytes.js";
import { PocError } from "../errors.js";
import {
  logOrigin,
  ordinaryThreshold,
  verifyCosignatures,
  type Cosignature,
  type CosignatureCheck,
  type Member,
} from "./checkpoint.js";
import { leafHash } from "./hash.js";
import { JsonReader } from "./json.js";
import { decodeLogLeaf, logLeafToJson, type LogLeaf, type LogLeafJson } from "./leaf.js";
import { verifyInclusion } from "./proof.js";
import type { MerkleTree } from "./tree.js";

export const RECEIPT_FORMAT = "proof-of-cloud/log-receipt";
export const RECEIPT_VERSION = 1;

export type ThresholdRule = { rule: "ordinary"; required: number };

export type LogReceipt = {
  format: typeof RECEIPT_FORMAT;
  version: typeof RECEIPT_VERSION;
  chainId: number;
  registry: Address;
  entry: { index: number; leaf: Hex; leafHash: Hex; decoded: LogLeafJson };
  /** RFC 9162 inclusion proof of `entry` in the tree of `checkpoint.size`, deepest sibling first. */
  inclusionProof: Hex[];
  checkpoint: { origin: string; size: number; rootHash: Hex };
  cosignatures: Cosignature[];
  /** The Alliance's members when the checkpoint was cosigned, and the rule that counts them. */
  members: { list: Member[]; threshold: ThresholdRule; asOfBlock?: number };
};

export type BuildReceiptParameters = {
  chainId: number;
  registry: Address;
  /** A tree holding at least `checkpoint.size` leaves (e.g. `rebuildLog(...).tree`). */
  tree: MerkleTree;
  index: number;
  /** The raw leaf bytes at `index` (from its LeafAppended event). */
  leaf: Hex;
  checkpoint: { size: number; rootHash: Hex };
  cosignatures: readonly Cosignature[];
  members: readonly Member[];
  asOfBlock?: number | undefined;
};

/** Something that stops a receipt from being built (not a verification result). */
export class ReceiptBuildError extends PocError {
  override name = "ReceiptBuildError";
}

/** Assembles a receipt; checks the tree agrees with the checkpoint and the leaf with the tree. */
export function buildReceipt(args: BuildReceiptParameters): LogReceipt {
  const { tree, index, checkpoint } = args;
  if (checkpoint.size > tree.size) throw new ReceiptBuildError(`checkpoint size ${checkpoint.size} is beyond the tree's ${tree.size} leaves`);
  if (index >= checkpoint.size) throw new ReceiptBuildError(`leaf ${index} is not in the checkpoint's tree of ${checkpoint.size}`);
  const root = `0x${hex(tree.root(checkpoint.size))}` as Hex;
  if (root !== checkpoint.rootHash.toLowerCase()) throw new ReceiptBuildError(`the tree's root at size ${checkpoint.size} is ${root}, not the checkpoint's ${checkpoint.rootHash}`);
  const lh = leafHash(args.leaf);
  if (hex(lh) !== hex(tree.leafHash(index))) throw new ReceiptBuildError(`leaf ${index} does not match the tree's leaf hash`);
  const registry = getAddress(args.registry);
  return {
    format: RECEIPT_FORMAT,
    version: RECEIPT_VERSION,
    chainId: args.chainId,
    registry,
    entry: { index, leaf: args.leaf.toLowerCase() as Hex, leafHash: `0x${hex(lh)}`, decoded: logLeafToJson(decodeLogLeaf(args.leaf)) },
    inclusionProof: tree.inclusionProof(index, checkpoint.size).map((h) => `0x${hex(h)}` as Hex),
    checkpoint: { origin: logOrigin({ chainId: args.chainId, registry }), size: checkpoint.size, rootHash: root },
    cosignatures: args.cosignatures.map((c) => ({ signer: getAddress(c.signer), signature: c.signature })),
    members: {
      list: args.members.map((m) => ({ ...m, address: getAddress(m.address) })),
      threshold: { rule: "ordinary", required: ordinaryThreshold(args.members.length) },
      ...(args.asOfBlock === undefined ? {} : { asOfBlock: args.asOfBlock }),
    },
  };
}

// ---------------------------------------------------------------- parsing

const json = new JsonReader("LogReceipt");

/** Parses a receipt from JSON text or a parsed value; throws ParseError naming the field. */
export function parseReceipt(input: unknown): LogReceipt {
  const r = json.obj(json.parse(input), "(root)");
  if (r.format !== RECEIPT_FORMAT) json.bad("format", JSON.stringify(RECEIPT_FORMAT), r.format);
  if (r.version !== RECEIPT_VERSION) json.bad("version", String(RECEIPT_VERSION), r.version);
  const chainId = json.uint(r.chainId, "chainId");
  if (chainId === 0) json.bad("chainId", "a chain id > 0", chainId);
  const registry = json.address(r.registry, "registry");
  const e = json.obj(r.entry, "entry");
  const entry = {
    index: json.uint(e.index, "entry.index"),
    leaf: json.hex(e.leaf, "entry.leaf"),
    leafHash: json.hex(e.leafHash, "entry.leafHash", 32),
    decoded: json.obj(e.decoded, "entry.decoded") as LogLeafJson,
  };
  const inclusionProof = json.arr(r.inclusionProof, "inclusionProof").map((h, i) => json.hex(h, `inclusionProof[${i}]`, 32));
  const c = json.obj(r.checkpoint, "checkpoint");
  const checkpoint = { origin: json.str(c.origin, "checkpoint.origin"), size: json.uint(c.size, "checkpoint.size"), rootHash: json.hex(c.rootHash, "checkpoint.rootHash", 32) };
  const cosignatures = json.cosignatures(r.cosignatures, "cosignatures");
  const m = json.obj(r.members, "members");
  const list = json.members(m.list, "members.list");
  const t = json.obj(m.threshold, "members.threshold");
  if (t.rule !== "ordinary") json.bad("members.threshold.rule", '"ordinary"', t.rule);
  const threshold: ThresholdRule = { rule: "ordinary", required: json.uint(t.required, "members.threshold.required") };
  const members: LogReceipt["members"] = { list, threshold };
  if (m.asOfBlock !== undefined) members.asOfBlock = json.uint(m.asOfBlock, "members.asOfBlock");
  return { format: RECEIPT_FORMAT, version: RECEIPT_VERSION, chainId, registry, entry, inclusionProof, checkpoint, cosignatures, members };
}

// ---------------------------------------------------------------- verification

// Key order in a hand-edited file must not matter when comparing the decoded view.
function stableJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableJson).join(",")}]`;
  if (v && typeof v === "object") {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o).sort().map((k) => `${JSON.stringify(k)}:${stableJson(o[k])}`).join(",")}}`;
  }
  return JSON.stringify(v);
}

export type ReceiptCheckName =
  | "entry.leafHash"
  | "entry.decoded"
  | "checkpoint.origin"
  | "inclusion"
  | "members.threshold"
  | "members.trusted"
  | "expected.chainId"
  | "expected.registry"
  | "cosignatures.quorum"
  /** Only from verifyReceiptOnline (online.ts). */
  | "online.chainId"
  | "members.current"
  | "cosignatures.online";

export type ReceiptCheck = { name: ReceiptCheckName; ok: boolean; detail: string };

export type VerifyReceiptOptions = {
  /** Pin the member set instead of trusting the receipt's list (compared as a set). */
  trustedMembers?: readonly Address[] | undefined;
  /** Require this chain / registry (a receipt is otherwise only bound to what it names). */
  chainId?: number | undefined;
  registry?: Address | undefined;
};

export type VerifyReceiptReturnType = {
  /** True only when every check passed and enough EOA cosignatures verified offline. */
  ok: boolean;
  /**
   * "valid"; "invalid"; or "needs-online-check" when everything else passed and the quorum is only
   * reachable by counting contract-wallet (ERC-1271) signatures, which need a chain to check.
   */
  status: "valid" | "invalid" | "needs-online-check";
  checks: ReceiptCheck[];
  signers: CosignatureCheck[];
  counted: Address[];
  onlineOnly: Address[];
  required: number;
  index: number;
  treeSize: number;
  rootHash: Hex;
  /** The decoded leaf, when it decodes. */
  entry?: LogLeaf | undefined;
  receipt: LogReceipt;
};

/** Verifies a receipt with no network. Throws ParseError only when the JSON is malformed. */
export async function verifyReceipt(input: unknown, options: VerifyReceiptOptions = {}): Promise<VerifyReceiptReturnType> {
  const receipt = parseReceipt(input);
  const checks: ReceiptCheck[] = [];
  const check = (name: ReceiptCheckName, ok: boolean, detail: string) => checks.push({ name, ok, detail });
  const { entry, checkpoint } = receipt;

  const lh = leafHash(entry.leaf);
  check("entry.leafHash", `0x${hex(lh)}` === entry.leafHash.toLowerCase(), `SHA-256(0x00 || leaf) = 0x${hex(lh)}`);

  let decoded: LogLeaf | undefined;
  try {
    decoded = decodeLogLeaf(entry.leaf);
    const same = stableJson(logLeafToJson(decoded)) === stableJson(entry.decoded);
    check("entry.decoded", same, same ? `${logLeafToJson(decoded).leafTypeName} leaf` : "entry.decoded does not match the decoded leaf");
  } catch (e) {
    check("entry.decoded", false, e instanceof PocError ? e.shortMessage : String(e));
  }

  const origin = logOrigin({ chainId: receipt.chainId, registry: receipt.registry });
  check("checkpoint.origin", checkpoint.origin === origin, `expected ${origin}`);

  try {
    verifyInclusion({ leafHash: lh, index: entry.index, treeSize: checkpoint.size, proof: receipt.inclusionProof, rootHash: checkpoint.rootHash });
    check("inclusion", true, `leaf ${entry.index} is in the tree of ${checkpoint.size}`);
  } catch (e) {
    check("inclusion", false, e instanceof PocError ? e.shortMessage : String(e));
  }

  const list = receipt.members.list;
  const distinct = new Set(list.map((m) => m.address.toLowerCase())).size === list.length;
  const required = ordinaryThreshold(list.length);
  check(
    "members.threshold",
    distinct && list.length > 0 && receipt.members.threshold.required === required,
    !distinct ? "the member list repeats an address" : `ordinary threshold of ${list.length} members is ${required}, receipt says ${receipt.members.threshold.required}`,
  );

  if (options.trustedMembers) {
    const pinned = new Set(options.trustedMembers.map((a) => a.toLowerCase()));
    const same = pinned.size === list.length && list.every((m) => pinned.has(m.address.toLowerCase()));
    check("members.trusted", same, same ? "member set equals the pinned set" : "member set differs from the pinned set");
  }
  if (options.chainId !== undefined) check("expected.chainId", receipt.chainId === options.chainId, `receipt is for chain ${receipt.chainId}`);
  if (options.registry !== undefined) check("expected.registry", isAddressEqual(receipt.registry, options.registry), `receipt is for registry ${receipt.registry}`);

  const sig = await verifyCosignatures({
    chainId: receipt.chainId,
    registry: receipt.registry,
    checkpoint: { origin: checkpoint.origin, size: BigInt(checkpoint.size), rootHash: checkpoint.rootHash },
    cosignatures: receipt.cosignatures,
    members: list,
  });
  check("cosignatures.quorum", sig.counted.length >= required, `${sig.counted.length} of ${required} required member signatures verified offline`);

  const othersOk = checks.every((c) => c.ok || c.name === "cosignatures.quorum");
  const ok = checks.every((c) => c.ok);
  const status = ok ? "valid" : othersOk && sig.counted.length + sig.onlineOnly.length >= required ? "needs-online-check" : "invalid";
  return {
    ok,
    status,
    checks,
    signers: sig.checks,
    counted: sig.counted,
    onlineOnly: sig.onlineOnly,
    required,
    index: entry.index,
    treeSize: checkpoint.size,
    rootHash: checkpoint.rootHash,
    ...(decoded ? { entry: decoded } : {}),
    receipt,
  };
}
