/**
 * Cross-check of the log's C2SP output with an implementation we did not write: Go's
 * golang.org/x/mod/sumdb/tlog and sumdb/note (Debian's golang-golang-x-mod-dev, built offline by
 * test/system/go/tlogcheck). Static tiles and tlog-proof files from `poc log tiles` /
 * `poc log prove --recorded --c2sp` on the embedded chain, and from a 70,000-leaf tree (three tile
 * levels, partial tiles); every tampered tile, entry or proof must make Go refuse.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { custom, type Hex } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogCommand } from "../../../cli/commands/log.js";
import type { CliIO } from "../../../cli/io.js";
import { hex } from "../../../sdk/src/bytes.js";
import { formatTlogProof, signedCheckpointNote, verifyTlogProof } from "../../../sdk/src/log/c2sp.js";
import { logOrigin, signCheckpoint } from "../../../sdk/src/log/checkpoint.js";
import { rebuildLog } from "../../../sdk/src/log/onchain.js";
import { MerkleTree } from "../../../sdk/src/log/tree.js";
import { writeTiles } from "../../../sdk/node/tiles.js";
import { setupRegistry } from "../../sdk/log/chain.js";

const work = mkdtempSync(join(tmpdir(), "poc-go-tlog-"));
const bin = join(work, "tlogcheck");

beforeAll(() => {
  // Offline GOPATH build, as Debian ships x/mod: no module proxy, no network.
  execFileSync("go", ["build", "-o", bin, "."], {
    cwd: join(import.meta.dirname, "tlogcheck"),
    env: { ...process.env, GO111MODULE: "off", GOPATH: `${join(work, "gopath")}:/usr/share/gocode`, GOCACHE: join(work, "gocache"), GOFLAGS: "" },
    stdio: "pipe",
  });
});

// The Go build cache and the tiles are ~70 MB: not left behind on a shared machine.
afterAll(() => rmSync(work, { recursive: true, force: true }));

function go(...args: string[]) {
  const r = spawnSync(bin, args, { encoding: "utf8" });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const { connection, publicClient, w0, w1, w2, chainId, registryAddress, alliance, registry } = await setupRegistry();
const command = createLogCommand({ transport: custom(connection.provider) });
const io = (): CliIO & { stdout: string[]; stderr: string[] } => {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (l) => stdout.push(l), err: (l) => stderr.push(l), progress: (l) => stderr.push(l), cwd: work, env: {} };
};

describe("C2SP output checked by Go's sumdb/tlog", () => {
  it("poc log tiles and poc log prove --recorded --c2sp on the registry's log", async () => {
    const rebuilt = await rebuildLog(publicClient, { registry: registryAddress });
    const size = rebuilt.size;
    const checkpoint = { origin: rebuilt.origin, size: BigInt(size), rootHash: `0x${hex(rebuilt.tree.root())}` as Hex };
    const cosignatures = await Promise.all([w1, w2].map((walletClient) => signCheckpoint({ chainId, registry: registryAddress, checkpoint, walletClient })));
    await registry.write.recordCheckpoint([checkpoint.size, checkpoint.rootHash, [], cosignatures], { account: w0.account });

    const t = io();
    expect(await command.run(["tiles", "--registry", registryAddress, "--out", "tiles", "--json"], t)).toBe(0);
    expect(JSON.parse(t.stdout[0]!)).toMatchObject({ size, signed: 2, hashTiles: 1, entryBundles: 1 });
    const tiles = go("tiles", join(work, "tiles"));
    expect(tiles.err).toBe("");
    expect(tiles.out).toMatch(new RegExp(`^ok tiles .* origin=${rebuilt.origin} size=${size} root=${checkpoint.rootHash.slice(2)} signatures=2`));

    for (const index of [0, 4, size - 1]) {
      const p = io();
      expect(await command.run(["prove", String(index), "--registry", registryAddress, "--recorded", "--out", `r${index}.json`, "--c2sp", `r${index}.tlog-proof`], p)).toBe(0);
      const r = go("proof", join(work, `r${index}.tlog-proof`));
      expect(r.err).toBe("");
      expect(r.out).toMatch(new RegExp(`^ok proof .* index=${index} size=${size} signatures=2`));
      const members = (await alliance.read.members()) as Hex[];
      expect(await verifyTlogProof(readFileSync(join(work, `r${index}.tlog-proof`), "utf8"), { chainId, registry: registryAddress, trustedMembers: members, required: 2 })).toMatchObject({ ok: true, index });
    }
  });

  describe("a 70,000-leaf tree: three tile levels, partial tiles", () => {
    const N = 70_000;
    const leaves = Array.from({ length: N }, (_, i) => new TextEncoder().encode(`entry ${i} ${"x".repeat(i % 300)}`));
    const tree = MerkleTree.fromLeaves(leaves);
    const origin = logOrigin({ chainId: 1, registry: registryAddress });
    const note = signedCheckpointNote({ origin, size: N, rootHash: tree.root() }, []);
    const dir = join(work, "big");

    it("tiles and proofs verify in Go", () => {
      expect(writeTiles(dir, { tree, size: N, leaves, checkpointNote: note })).toEqual({ hashTiles: 274 + 2 + 1, entryBundles: 274 });
      const r = go("tiles", dir);
      expect(r.err).toBe("");
      expect(r.out).toMatch(/^ok tiles .* size=70000 /);
      const files = [0, 255, 256, 65_535, 65_536, N - 1].map((i) => {
        const f = join(work, `big-${i}.tlog-proof`);
        writeFileSync(f, formatTlogProof({ index: i, proof: tree.inclusionProof(i), extra: leaves[i]!, note }));
        return f;
      });
      const p = go("proof", ...files);
      expect(p.err).toBe("");
      expect(p.out.trim().split("\n")).toHaveLength(files.length);
    });

    it("Go refuses a tampered hash tile, entry bundle, proof hash or record", () => {
      const tamper = (rel: string, at: number) => {
        const copy = join(work, `tampered-${rel.replace(/\W/g, "_")}-${at}`);
        cpSync(dir, copy, { recursive: true });
        const bytes = readFileSync(join(copy, rel));
        bytes[at]! ^= 1;
        writeFileSync(join(copy, rel), bytes);
        return copy;
      };
      expect(go("tiles", tamper("tile/0/017", 100)).code).toBe(1);
      expect(go("tiles", tamper("tile/1/000", 31)).code).toBe(1);
      expect(go("tiles", tamper("tile/entries/017", 5)).code).toBe(1);
      expect(go("tiles", tamper("checkpoint", origin.length + 4)).code).toBe(1);
      const good = formatTlogProof({ index: 1234, proof: tree.inclusionProof(1234), extra: leaves[1234]!, note });
      const lines = good.split("\n");
      lines[4] = lines[5]!; // a proof hash replaced by another
      writeFileSync(join(work, "bad-hash.tlog-proof"), lines.join("\n"));
      expect(go("proof", join(work, "bad-hash.tlog-proof")).code).toBe(1);
      writeFileSync(join(work, "bad-extra.tlog-proof"), formatTlogProof({ index: 1234, proof: tree.inclusionProof(1234), extra: leaves[1235]!, note }));
      expect(go("proof", join(work, "bad-extra.tlog-proof")).code).toBe(1);
    });
  });
});
