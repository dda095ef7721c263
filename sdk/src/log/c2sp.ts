/**
 * The log in the C2SP formats standard transparency tooling reads (docs/transparency-log.md
 * "C2SP interop"):
 * - c2sp.org/tlog-checkpoint: the note body `<origin>\n<size>\n<base64 root>\n`, with the same origin
 *   string as the EIP-712 Checkpoint (`logOrigin()`: chain and contract), so both forms commit to the
 *   same (origin, size, root);
 * - c2sp.org/signed-note: each member's EIP-712 cosignature as a signature line of an unregistered
 *   type (0xff + EIP712_NOTE_TYPE), key name = the member's address; tools that do not know the type
 *   skip the line, as the spec says;
 * - c2sp.org/tlog-tiles: tile and entry-bundle paths, entry bundles;
 * - c2sp.org/tlog-proof: an offline proof (index, inclusion proof, the signed checkpoint), the
 *   leaf itself carried as the `extra` data.
 * Browser-safe. Parsers throw C2spFormatError (a ParseError naming the line or byte offset).
 */
import { sha256 } from "@noble/hashes/sha2.js";
import { getAddress, isAddress, recoverTypedDataAddress, type Address, type Hex } from "viem";
import { equalBytes, hex, type BytesLike } from "../bytes.js";
import { ParseError } from "../errors.js";
import { checkpointDomain, checkpointTypes, type Cosignature } from "./checkpoint.js";
import { bytesOf, HASH_SIZE, leafHash, toHash } from "./hash.js";
import { verifyInclusion } from "./proof.js";

export const TLOG_PROOF_HEADER = "c2sp.org/tlog-proof@v1";
/** Name of our signed-note signature type (no assigned byte: 0xff followed by this name). */
export const EIP712_NOTE_TYPE = "proof-of-cloud/eip712-checkpoint@v1";
/** Entries per full tile and per full entry bundle (tlog-tiles: height 8). */
export const TILE_WIDTH = 256;

/** Malformed C2SP text or bytes; `offset` is a line number (notes, proofs) or a byte offset (bundles). */
export class C2spFormatError extends ParseError {
  override name = "C2spFormatError";
}

function fail(structure: string, field: string, offset: number, expected: string, got?: string): never {
  throw new C2spFormatError({ structure, field, offset, expected, ...(got === undefined ? {} : { got }) });
}

export function toBase64(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

/** Strict standard base64 (RFC 4648 §4, padded); C2spFormatError otherwise. */
export function fromBase64(text: string, structure: string, field: string, line: number): Uint8Array {
  if (text.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(text)) fail(structure, field, line, "standard padded base64", JSON.stringify(text.slice(0, 40)));
  const bin = atob(text);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

export type CheckpointNoteFields = { origin: string; size: number | bigint; rootHash: BytesLike };

/** The tlog-checkpoint note body: origin, decimal size, base64 root, each line ending in "\n". */
export function checkpointNoteBody(c: CheckpointNoteFields): string {
  if (!c.origin || /[\s+]/u.test(c.origin)) fail("checkpoint note", "origin", 1, "a non-empty origin without spaces or '+'", JSON.stringify(c.origin));
  const size = BigInt(c.size);
  if (size < 0n) fail("checkpoint note", "size", 2, "a non-negative size");
  return `${c.origin}\n${size}\n${toBase64(toHash(c.rootHash, "rootHash"))}\n`;
}

const encoder = new TextEncoder();

/** signed-note key ID of a member: SHA-256(name || 0x0A || 0xff || EIP712_NOTE_TYPE || address)[:4]. */
export function eip712NoteKeyId(signer: Address): Uint8Array {
  const name = encoder.encode(noteKeyName(signer));
  const type = encoder.encode(EIP712_NOTE_TYPE);
  const addr = bytesOf(signer, "signer");
  const buf = new Uint8Array(name.length + 2 + type.length + addr.length);
  buf.set(name, 0);
  buf[name.length] = 0x0a;
  buf[name.length + 1] = 0xff;
  buf.set(type, name.length + 2);
  buf.set(addr, name.length + 2 + type.length);
  return sha256(buf).subarray(0, 4);
}

/** The key name a member signs under: its checksummed address. */
export function noteKeyName(signer: Address): string {
  return getAddress(signer);
}

/**
 * The signed note: the body, an empty line, one `— <address> <base64(keyID || signature)>` line per
 * cosignature. With no cosignature it is the bare body (a signed note needs at least one line).
 */
export function signedCheckpointNote(c: CheckpointNoteFields, cosignatures: readonly Cosignature[]): string {
  if (cosignatures.length === 0) return checkpointNoteBody(c);
  const lines = cosignatures.map((s) => {
    const sig = bytesOf(s.signature, "signature");
    const blob = new Uint8Array(4 + sig.length);
    blob.set(eip712NoteKeyId(s.signer), 0);
    blob.set(sig, 4);
    return `\u2014 ${noteKeyName(s.signer)} ${toBase64(blob)}\n`;
  });
  return `${checkpointNoteBody(c)}\n${lines.join("")}`;
}

export type NoteSignature = { name: string; keyId: Uint8Array; signature: Uint8Array };
export type ParsedCheckpointNote = { body: string; origin: string; size: number; rootHash: Hex; extensions: string[]; signatures: NoteSignature[] };

/** Parses a signed checkpoint note (or a bare body). Sizes above 2^53 are refused (the log's sizes are uint64 but far smaller). */
export function parseCheckpointNote(text: string): ParsedCheckpointNote {
  const S = "checkpoint note";
  if (!text.endsWith("\n")) fail(S, "text", 0, "text ending in a newline");
  const split = text.indexOf("\n\n");
  const body = split < 0 ? text : text.slice(0, split + 1);
  const lines = body.slice(0, -1).split("\n");
  if (lines.length < 3) fail(S, "body", lines.length, "origin, size and root lines");
  const [origin, sizeText, rootText, ...extensions] = lines as [string, string, string, ...string[]];
  if (!origin || /\s/u.test(origin)) fail(S, "origin", 1, "a non-empty origin without spaces", JSON.stringify(origin));
  if (!/^(0|[1-9][0-9]*)$/.test(sizeText) || !Number.isSafeInteger(Number(sizeText))) fail(S, "size", 2, "a decimal size without leading zeros", JSON.stringify(sizeText));
  const root = fromBase64(rootText, S, "root", 3);
  if (root.length !== HASH_SIZE) fail(S, "root", 3, "a 32-byte hash", `${root.length} bytes`);
  extensions.forEach((e, i) => {
    if (!e) fail(S, "extension", 4 + i, "a non-empty extension line");
  });
  const signatures: NoteSignature[] = [];
  if (split >= 0) {
    const sigLines = text.slice(split + 2, -1).split("\n");
    sigLines.forEach((line, i) => {
      const n = lines.length + 2 + i;
      const m = /^\u2014 (\S+) (\S+)$/u.exec(line);
      if (!m) fail(S, "signature", n, "'\u2014 <name> <base64>'", JSON.stringify(line.slice(0, 60)));
      const blob = fromBase64(m[2]!, S, "signature", n);
      if (blob.length < 5) fail(S, "signature", n, "a key ID and a signature", `${blob.length} bytes`);
      signatures.push({ name: m[1]!, keyId: blob.slice(0, 4), signature: blob.slice(4) });
    });
  }
  return { body, origin, size: Number(sizeText), rootHash: `0x${hex(root)}` as Hex, extensions, signatures };
}

/** The member cosignatures among a note's signature lines (other types are skipped, as signed-note says). */
export function eip712Cosignatures(note: ParsedCheckpointNote): Cosignature[] {
  const out: Cosignature[] = [];
  for (const s of note.signatures) {
    if (!isAddress(s.name, { strict: false })) continue;
    const signer = getAddress(s.name);
    if (!equalBytes(s.keyId, eip712NoteKeyId(signer))) continue;
    out.push({ signer, signature: `0x${hex(s.signature)}` as Hex });
  }
  return out;
}

export type TlogProof = { index: number; proof: Uint8Array[]; extra?: Uint8Array; note: string };

/** c2sp.org/tlog-proof text. */
export function formatTlogProof(p: TlogProof): string {
  const lines = [TLOG_PROOF_HEADER];
  if (p.extra) lines.push(`extra ${toBase64(p.extra)}`);
  lines.push(`index ${p.index}`);
  for (const h of p.proof) lines.push(toBase64(toHash(h, "proof")));
  return `${lines.join("\n")}\n\n${p.note}`;
}

export type ParsedTlogProof = TlogProof & { checkpoint: ParsedCheckpointNote };

export function parseTlogProof(text: string): ParsedTlogProof {
  const S = "tlog-proof";
  const split = text.indexOf("\n\n");
  if (split < 0) fail(S, "checkpoint", 0, "an empty line before the checkpoint");
  const lines = text.slice(0, split).split("\n");
  if (lines[0] !== TLOG_PROOF_HEADER) fail(S, "header", 1, JSON.stringify(TLOG_PROOF_HEADER), JSON.stringify(lines[0]?.slice(0, 40)));
  let i = 1;
  let extra: Uint8Array | undefined;
  if (lines[i]?.startsWith("extra ")) {
    extra = fromBase64(lines[i]!.slice(6), S, "extra", i + 1);
    i++;
  }
  const m = /^index (0|[1-9][0-9]*)$/.exec(lines[i] ?? "");
  if (!m || !Number.isSafeInteger(Number(m[1]))) fail(S, "index", i + 1, "'index <decimal>'", JSON.stringify(lines[i]?.slice(0, 40)));
  const index = Number(m[1]);
  const proof: Uint8Array[] = [];
  for (i++; i < lines.length; i++) {
    const h = fromBase64(lines[i]!, S, "proof", i + 1);
    if (h.length !== HASH_SIZE) fail(S, "proof", i + 1, "a 32-byte hash", `${h.length} bytes`);
    proof.push(h);
  }
  const note = text.slice(split + 2);
  const checkpoint = parseCheckpointNote(note);
  return { index, proof, note, checkpoint, ...(extra ? { extra } : {}) };
}

export type VerifyTlogProofParameters = {
  /** The logged entry; default: the proof's `extra` data (checked by the inclusion proof, not trusted). */
  leaf?: BytesLike | undefined;
  chainId: number | bigint;
  registry: Address;
  /** Member addresses whose signatures count; `required` of them must have signed. */
  trustedMembers: readonly Address[];
  required: number;
};

export type VerifyTlogProofReturnType = { ok: boolean; index: number; size: number; rootHash: Hex; signers: Address[]; problems: string[] };

/**
 * Verifies a tlog-proof of this log as its spec's steps say: the origin is this registry's, the
 * inclusion proof binds the leaf to the checkpoint's root, and at least `required` trusted members'
 * EIP-712 cosignatures recover (EOAs; a contract-wallet member needs verifyReceiptOnline).
 */
export async function verifyTlogProof(text: string, args: VerifyTlogProofParameters): Promise<VerifyTlogProofReturnType> {
  const p = parseTlogProof(text);
  const c = p.checkpoint;
  const problems: string[] = [];
  const origin = `proof-of-cloud:${args.chainId.toString()}:${args.registry.toLowerCase()}`;
  if (c.origin !== origin) problems.push(`origin is ${c.origin}, expected ${origin}`);
  const leaf = args.leaf ?? p.extra;
  if (!leaf) problems.push("no leaf: pass it or carry it as extra");
  else {
    try {
      verifyInclusion({ leafHash: leafHash(leaf), index: p.index, treeSize: c.size, proof: p.proof, rootHash: c.rootHash });
    } catch (e) {
      problems.push((e as Error).message.split("\n")[0]!);
    }
  }
  const signers: Address[] = [];
  for (const cs of eip712Cosignatures(c)) {
    if (!args.trustedMembers.some((m) => getAddress(m) === cs.signer) || signers.includes(cs.signer)) continue;
    const recovered = await recoverTypedDataAddress({
      domain: checkpointDomain(args),
      types: checkpointTypes,
      primaryType: "Checkpoint",
      message: { origin: c.origin, size: BigInt(c.size), rootHash: c.rootHash },
      signature: cs.signature,
    }).catch(() => undefined);
    if (recovered && getAddress(recovered) === cs.signer) signers.push(cs.signer);
  }
  if (signers.length < args.required) problems.push(`${signers.length} of ${args.required} required member cosignatures verify`);
  return { ok: problems.length === 0, index: p.index, size: c.size, rootHash: c.rootHash, signers, problems };
}

/** tlog-tiles `<N>`: 3-digit groups, all but the last prefixed with "x" (1234067 -> x001/x234/067). */
export function tileIndexPath(n: number): string {
  if (!Number.isSafeInteger(n) || n < 0) fail("tile path", "index", 0, "a non-negative integer", String(n));
  const groups: string[] = [];
  let x = n;
  do {
    groups.unshift(String(x % 1000).padStart(3, "0"));
    x = Math.floor(x / 1000);
  } while (x > 0);
  return groups.map((g, i) => (i < groups.length - 1 ? `x${g}` : g)).join("/");
}

function widthSuffix(width: number): string {
  if (!Number.isInteger(width) || width < 1 || width > TILE_WIDTH) fail("tile path", "width", 0, "1..256", String(width));
  return width === TILE_WIDTH ? "" : `.p/${width}`;
}

/** `tile/<L>/<N>[.p/<W>]`: level L holds the tree's hashes at height 8L. */
export function tilePath(level: number, index: number, width = TILE_WIDTH): string {
  return `tile/${level}/${tileIndexPath(index)}${widthSuffix(width)}`;
}

/** `tile/entries/<N>[.p/<W>]`. */
export function entriesPath(index: number, width = TILE_WIDTH): string {
  return `tile/entries/${tileIndexPath(index)}${widthSuffix(width)}`;
}

/** An entry bundle: each entry as a big-endian uint16 length and its bytes. */
export function entryBundle(entries: readonly Uint8Array[]): Uint8Array {
  let n = 0;
  for (const [i, e] of entries.entries()) {
    if (e.length > 0xffff) fail("entry bundle", `entries[${i}]`, n, "an entry of at most 65535 bytes", `${e.length} bytes`);
    n += 2 + e.length;
  }
  const out = new Uint8Array(n);
  let at = 0;
  for (const e of entries) {
    out[at] = e.length >> 8;
    out[at + 1] = e.length & 0xff;
    out.set(e, at + 2);
    at += 2 + e.length;
  }
  return out;
}

export function parseEntryBundle(bytes: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let at = 0; at < bytes.length; ) {
    if (at + 2 > bytes.length) fail("entry bundle", "length", at, "a 2-byte length");
    const len = (bytes[at]! << 8) | bytes[at + 1]!;
    if (at + 2 + len > bytes.length) fail("entry bundle", "entry", at + 2, `${len} bytes`, `${bytes.length - at - 2}`);
    out.push(bytes.subarray(at + 2, at + 2 + len));
    at += 2 + len;
  }
  if (out.length > TILE_WIDTH) fail("entry bundle", "count", bytes.length, "at most 256 entries", String(out.length));
  return out;
}
