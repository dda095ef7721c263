/**
 * The C2SP formats (sdk/src/log/c2sp.ts) and the static tiles writer (sdk/node/tiles.ts): round
 * trips, the spec's own examples, every malformed input a typed C2spFormatError, and a tlog-proof
 * with real member signatures verifying (and failing once tampered). The cross-check against Go's
 * golang.org/x/mod/sumdb/tlog is the system suite test/system/go/.
 */
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { getAddress, keccak256, toHex, type Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { describe, expect, it } from "vitest";
import { hex } from "../../../sdk/src/bytes.js";
import {
  C2spFormatError,
  checkpointNoteBody,
  eip712Cosignatures,
  entriesPath,
  entryBundle,
  formatTlogProof,
  parseCheckpointNote,
  parseEntryBundle,
  parseTlogProof,
  signedCheckpointNote,
  tilePath,
  verifyTlogProof,
} from "../../../sdk/src/log/c2sp.js";
import { logOrigin, signCheckpoint } from "../../../sdk/src/log/checkpoint.js";
import { leafHash, nodeHash } from "../../../sdk/src/log/hash.js";
import { MerkleTree } from "../../../sdk/src/log/tree.js";
import { writeTiles } from "../../../sdk/node/tiles.js";

const chainId = 11155111;
const registry = getAddress(`0x${"12".repeat(20)}`);
const origin = logOrigin({ chainId, registry });
const leaves = Array.from({ length: 700 }, (_, i) => new TextEncoder().encode(`leaf ${i}`));
const tree = MerkleTree.fromLeaves(leaves);
const members = Array.from({ length: 3 }, (_, i) => privateKeyToAccount(keccak256(toHex(`c2sp member ${i}`))));
const root = `0x${hex(tree.root())}` as Hex;
const cosignatures = await Promise.all(
  members.slice(0, 2).map((account) => signCheckpoint({ chainId, registry, checkpoint: { origin, size: BigInt(tree.size), rootHash: root }, account })),
);

describe("tlog-checkpoint notes", () => {
  it("body: origin naming chain and contract, decimal size, base64 root", () => {
    const body = checkpointNoteBody({ origin, size: tree.size, rootHash: root });
    expect(body).toBe(`proof-of-cloud:11155111:${registry.toLowerCase()}\n700\n${Buffer.from(tree.root()).toString("base64")}\n`);
  });

  it("signed note round-trips, and the member cosignatures come back out of it", () => {
    const note = signedCheckpointNote({ origin, size: tree.size, rootHash: root }, cosignatures);
    expect(note).toMatch(/\n\n\u2014 0x[0-9a-fA-F]{40} [A-Za-z0-9+/=]+\n\u2014 /u);
    const parsed = parseCheckpointNote(note);
    expect(parsed).toMatchObject({ origin, size: 700, rootHash: root });
    expect(eip712Cosignatures(parsed)).toEqual(cosignatures.map((c) => ({ signer: getAddress(c.signer), signature: c.signature.toLowerCase() })));
  });

  it.each([
    ["no final newline", "o\n1\nAAAA"],
    ["missing root", "o\n1\n"],
    ["leading zero size", `o\n01\n${"A".repeat(43)}=\n`],
    ["root not 32 bytes", "o\n1\nAAAA\n"],
    ["bad base64", `o\n1\n${"!".repeat(44)}\n`],
    ["space in origin", `o o\n1\n${"A".repeat(43)}=\n`],
    ["bad signature line", `o\n1\n${"A".repeat(43)}=\n\n- name AAAAAAAA\n`],
    ["signature too short", `o\n1\n${"A".repeat(43)}=\n\n\u2014 name AAAA\n`],
  ])("%s is a C2spFormatError", (_what, text) => {
    expect(() => parseCheckpointNote(text)).toThrow(C2spFormatError);
  });
});

describe("tlog-proof", () => {
  const note = signedCheckpointNote({ origin, size: tree.size, rootHash: root }, cosignatures);
  const proofFor = (i: number) => formatTlogProof({ index: i, proof: tree.inclusionProof(i), extra: leaves[i]!, note });
  const args = { chainId, registry, trustedMembers: members.map((m) => m.address), required: 2 };

  it("matches the spec's layout and verifies with the members' signatures", async () => {
    const text = proofFor(417);
    expect(text.startsWith(`c2sp.org/tlog-proof@v1\nextra ${Buffer.from(leaves[417]!).toString("base64")}\nindex 417\n`)).toBe(true);
    const r = await verifyTlogProof(text, args);
    expect(r).toMatchObject({ ok: true, index: 417, size: 700, rootHash: root, problems: [] });
    expect(r.signers).toEqual(members.slice(0, 2).map((m) => m.address));
  });

  it("round-trips for any index (property)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 699 }), (i) => {
        const p = parseTlogProof(proofFor(i));
        expect(p.index).toBe(i);
        expect(p.proof.map((h) => hex(h))).toEqual(tree.inclusionProof(i).map((h) => hex(h)));
        expect(p.note).toBe(note);
      }),
    );
  });

  it("a tampered leaf, index, proof hash, origin or too few signers fails", async () => {
    const text = proofFor(5);
    expect((await verifyTlogProof(text, { ...args, leaf: leaves[6]! })).ok).toBe(false);
    expect((await verifyTlogProof(text.replace("index 5", "index 4"), args)).ok).toBe(false);
    const lines = text.split("\n");
    lines[3] = Buffer.from(nodeHash(leafHash(leaves[1]!), leafHash(leaves[2]!))).toString("base64");
    expect((await verifyTlogProof(lines.join("\n"), args)).ok).toBe(false);
    expect((await verifyTlogProof(text, { ...args, registry: getAddress(`0x${"13".repeat(20)}`) })).problems.join()).toMatch(/origin/);
    expect((await verifyTlogProof(text, { ...args, required: 3 })).ok).toBe(false);
    // A signature line moved to a non-member name does not count.
    expect((await verifyTlogProof(text, { ...args, trustedMembers: [members[2]!.address], required: 1 })).ok).toBe(false);
  });

  it.each([
    ["wrong header", (t: string) => t.replace("c2sp.org/tlog-proof@v1", "c2sp.org/tlog-proof@v2")],
    ["no checkpoint", (t: string) => t.slice(0, t.indexOf("\n\n"))],
    ["leading zero index", (t: string) => t.replace("index 5", "index 05")],
    ["short proof hash", (t: string) => t.replace(/\nindex 5\n[^\n]+/, "\nindex 5\nAAAA")],
    ["truncated", (t: string) => t.slice(0, 30)],
  ])("%s is a C2spFormatError", (_what, mutate) => {
    expect(() => parseTlogProof(mutate(proofFor(5)))).toThrow(C2spFormatError);
  });
});

describe("tlog-tiles", () => {
  it("paths as the spec writes them", () => {
    expect(tilePath(0, 1234067)).toBe("tile/0/x001/x234/067");
    expect(tilePath(1, 1234067, 5)).toBe("tile/1/x001/x234/067.p/5");
    expect(tilePath(2, 0, 1)).toBe("tile/2/000.p/1");
    expect(entriesPath(1000, 17)).toBe("tile/entries/x001/000.p/17");
    expect(() => tilePath(0, 1, 0)).toThrow(C2spFormatError);
    expect(() => tilePath(0, -1)).toThrow(C2spFormatError);
  });

  it("entry bundles round-trip; truncated ones are typed errors", () => {
    const b = entryBundle(leaves.slice(0, 3));
    expect(parseEntryBundle(b).map((e) => new TextDecoder().decode(e))).toEqual(["leaf 0", "leaf 1", "leaf 2"]);
    expect(() => parseEntryBundle(b.subarray(0, b.length - 1))).toThrow(C2spFormatError);
    expect(() => parseEntryBundle(b.subarray(0, 1))).toThrow(C2spFormatError);
    expect(() => entryBundle([new Uint8Array(70_000)])).toThrow(C2spFormatError);
  });

  it("writes every hash tile and bundle of a 700-leaf tree; level-0 tiles fold back to the root", () => {
    const out = mkdtempSync(join(tmpdir(), "poc-tiles-"));
    const note = signedCheckpointNote({ origin, size: 700, rootHash: root }, cosignatures);
    const r = writeTiles(out, { tree, size: 700, leaves, checkpointNote: note });
    expect(r).toEqual({ hashTiles: 4, entryBundles: 3 });
    for (const p of ["tile/0/000", "tile/0/001", "tile/0/002.p/188", "tile/1/000.p/2", "tile/entries/000", "tile/entries/002.p/188", "checkpoint"]) expect(existsSync(join(out, p)), p).toBe(true);
    expect(readFileSync(join(out, "checkpoint"), "utf8")).toBe(note);
    const hashes = [0, 1, 2].flatMap((n) => {
      const bytes = readFileSync(join(out, n === 2 ? "tile/0/002.p/188" : `tile/0/00${n}`));
      return Array.from({ length: bytes.length / 32 }, (_, k) => new Uint8Array(bytes.subarray(k * 32, k * 32 + 32)));
    });
    expect(hex(MerkleTree.fromLeafHashes(hashes).root())).toBe(hex(tree.root()));
    expect(new Uint8Array(parseEntryBundle(readFileSync(join(out, "tile/entries/002.p/188")))[0]!)).toEqual(leaves[512]);
  });
});
