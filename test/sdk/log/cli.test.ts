/**
 * `poc log` end to end on the in-process chain. The command reads the chain through a viem
 * transport; here that transport is the in-process chain's EIP-1193 provider instead of HTTP.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { custom, getAddress, type Hex } from "viem";
import { describe, expect, it } from "vitest";
import { hex } from "../../../sdk/src/bytes.js";
import { createLogCommand } from "../../../cli/commands/log.js";
import { UsageError, type CliIO } from "../../../cli/io.js";
import { main } from "../../../cli/main.js";
import { signCheckpoint } from "../../../sdk/src/log/checkpoint.js";
import { createCosignedCheckpoint } from "../../../sdk/src/log/cosigned.js";
import { rebuildLog } from "../../../sdk/src/log/onchain.js";
import { setupRegistry } from "./chain.js";

const { connection, publicClient, w0, w1, w2, chainId, registryAddress, alliance, registry } = await setupRegistry();
const command = createLogCommand({ transport: custom(connection.provider) });
const dir = mkdtempSync(join(tmpdir(), "poc-log-"));

function capture(): CliIO & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (l) => stdout.push(l), err: (l) => stderr.push(l), progress: (l) => stderr.push(l), cwd: dir, env: {} };
}

async function run(...argv: string[]) {
  const io = capture();
  const code = await command.run(argv, io);
  return { code, io, json: () => JSON.parse(io.stdout.join("\n")) };
}

const chain = ["--registry", registryAddress];

async function cosignedFile(size: number, signers: (typeof w0)[]): Promise<string> {
  const rebuilt = await rebuildLog(publicClient, { registry: registryAddress });
  const rootHash = `0x${hex(rebuilt.tree.root(size))}` as Hex;
  const checkpoint = { origin: rebuilt.origin, size: BigInt(size), rootHash };
  const cosignatures = await Promise.all(signers.map((walletClient) => signCheckpoint({ chainId, registry: registryAddress, checkpoint, walletClient })));
  const members = ((await alliance.read.members()) as Hex[]).map((address) => ({ address }));
  const file = join(dir, `checkpoint-${size}-${signers.length}.json`);
  writeFileSync(file, JSON.stringify(createCosignedCheckpoint({ chainId, registry: registryAddress, size, rootHash, cosignatures, members })));
  return file;
}

describe("poc log root", () => {
  it("rebuilds from events and prints the contract's size and root", async () => {
    const r = await run("root", ...chain, "--page-size", "3", "--json");
    expect(r.code).toBe(0);
    const out = r.json();
    expect(out).toMatchObject({ size: 11, rebuilt: true, registry: getAddress(registryAddress) });
    expect(out.rootHash).toBe(await publicClient.readContract({ address: registryAddress, abi: [{ type: "function", name: "logRoot", stateMutability: "view", inputs: [], outputs: [{ type: "bytes32" }] }], functionName: "logRoot" }));
  });

  it("--quick only reads the contract; human output names the origin", async () => {
    const r = await run("root", ...chain, "--quick");
    expect(r.code).toBe(0);
    expect(r.io.stdout.join("\n")).toMatch(/origin\s+proof-of-cloud:31337:0x/);
  });

  it("a scan that starts after the first leaf is a failed verification (exit 1)", async () => {
    const first = (await rebuildLog(publicClient, { registry: registryAddress })).entries[0]!.blockNumber;
    const r = await run("root", ...chain, "--from-block", String(first + 1n));
    expect(r.code).toBe(1);
    expect(r.io.stderr.join("\n")).toMatch(/expected leaf index 0/);
  });

  it("bad flags are usage errors (exit 2 through main)", async () => {
    await expect(run("root", "--registry", "0x12")).rejects.toBeInstanceOf(UsageError);
    await expect(run("root", "--page-size", "0", ...chain)).rejects.toBeInstanceOf(UsageError);
    await expect(run("root", "--bogus")).rejects.toBeInstanceOf(UsageError);
    const io = capture();
    expect(await main(["log", "frob"], io)).toBe(2);
    expect(await main(["log", "prove"], io)).toBe(2);
  });

  it("finds the registry in deployments/<chainId>.json like the other chain commands", async () => {
    mkdirSync(join(dir, "deployments"), { recursive: true });
    writeFileSync(join(dir, "deployments", `${chainId}.json`), JSON.stringify({ chainId, contracts: { HardwareRegistry: registryAddress } }));
    const r = await run("root", "--quick", "--json");
    expect(r.code).toBe(0);
    expect(r.json().size).toBe(11);
  });
});

describe("poc log prove", () => {
  it("prints the leaf, its decoding and an inclusion proof to the current root", async () => {
    const r = await run("prove", "3", ...chain, "--json");
    expect(r.code).toBe(0);
    const out = r.json();
    expect(out).toMatchObject({ index: 3, treeSize: 11 });
    expect(out.decoded.leafTypeName).toBe("EntrySet");
    expect(out.inclusionProof.length).toBe(4);
  });

  it("--size proves against an earlier tree; an index outside it is a usage error", async () => {
    expect((await run("prove", "3", ...chain, "--size", "4", "--json")).json().inclusionProof.length).toBe(2);
    await expect(run("prove", "5", ...chain, "--size", "4")).rejects.toBeInstanceOf(UsageError);
    await expect(run("prove", "1", ...chain, "--size", "12")).rejects.toThrow(/beyond the log's 11 leaves/);
  });
});

describe("poc log verify-receipt (no network)", () => {
  it("prove --checkpoint writes a receipt that verify-receipt accepts with exit 0", async () => {
    const file = await cosignedFile(9, [w0, w1]);
    const made = await run("prove", "6", ...chain, "--checkpoint", file, "--out", "receipt.json", "--json");
    expect(made.code).toBe(0);
    const r = await run("verify-receipt", "receipt.json", "--json", "--chain-id", String(chainId));
    expect(r.code).toBe(0);
    expect(r.json()).toMatchObject({ ok: true, status: "valid", index: 6, treeSize: 9, required: 2 });
    const human = await run("verify-receipt", "receipt.json");
    expect(human.code).toBe(0);
    expect(human.io.stdout.at(-1)).toMatch(/receipt verifies: leaf 6 is in the tree of 9/);
  });

  it("a receipt below the threshold, or tampered with, exits 1", async () => {
    const file = await cosignedFile(9, [w2]);
    expect((await run("prove", "2", ...chain, "--checkpoint", file, "--out", "weak.json")).code).toBe(0);
    const weak = await run("verify-receipt", "weak.json", "--json");
    expect(weak.code).toBe(1);
    expect(weak.json().checks.find((c: { name: string }) => c.name === "cosignatures.quorum").ok).toBe(false);

    const good = JSON.parse(readFileSync(join(dir, "receipt.json"), "utf8"));
    good.entry.index = 5;
    writeFileSync(join(dir, "moved.json"), JSON.stringify(good));
    expect((await run("verify-receipt", "moved.json")).code).toBe(1);
  });

  it("a malformed receipt or a missing file is exit 2", async () => {
    writeFileSync(join(dir, "broken.json"), JSON.stringify({ format: "proof-of-cloud/log-receipt", version: 1 }));
    const io = capture();
    expect(await main(["log", "verify-receipt", join(dir, "broken.json")], io)).toBe(2);
    expect(io.stderr.join("\n")).toMatch(/chainId/);
    expect(await main(["log", "verify-receipt", join(dir, "nope.json")], capture())).toBe(2);
  });
});

describe("poc log prove --recorded", () => {
  it("exports a receipt from the checkpoint the registry recorded, and says so when none covers the leaf", async () => {
    expect((await run("prove", "2", ...chain, "--recorded")).code).toBe(1);
    const rebuilt = await rebuildLog(publicClient, { registry: registryAddress });
    const size = 10;
    const checkpoint = { origin: rebuilt.origin, size: BigInt(size), rootHash: `0x${hex(rebuilt.tree.root(size))}` as Hex };
    const cosignatures = await Promise.all([w1, w2].map((walletClient) => signCheckpoint({ chainId, registry: registryAddress, checkpoint, walletClient })));
    const proof = rebuilt.tree.consistencyProof(size, rebuilt.size).map((h) => `0x${hex(h)}` as Hex);
    await registry.write.recordCheckpoint([BigInt(size), checkpoint.rootHash, proof, cosignatures], { account: w0.account });

    const made = await run("prove", "9", ...chain, "--recorded", "--out", "recorded.json");
    expect(made.code).toBe(0);
    const r = await run("verify-receipt", "recorded.json", "--json", "--trusted-members", ((await alliance.read.members()) as Hex[]).join(","));
    expect(r.code).toBe(0);
    expect(r.json()).toMatchObject({ ok: true, index: 9, treeSize: 10 });
    expect((await run("prove", "10", ...chain, "--recorded")).code).toBe(1);
  });
});
