/**
 * Cosigning without code: `poc log cosign` / `combine` / `record`, then `prove --recorded` and
 * `verify-receipt` offline and `--online`, on the in-process chain (injected transport) with four
 * members, one of them an ERC-1271 contract wallet owned by w3.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { custom, getAddress, toHex, type Hex } from "viem";
import { mnemonicToAccount, privateKeyToAccount } from "viem/accounts";
import { beforeAll, describe, expect, it } from "vitest";
import { createLogCommand } from "../../../cli/commands/log.js";
import { UsageError, type CliIO } from "../../../cli/io.js";
import { setupRegistry } from "./chain.js";

const { connection, w0, w1, w2, w3, registryAddress, registry, wallet } = await setupRegistry({ contractMember: true });
const command = createLogCommand({ transport: custom(connection.provider) });
const dir = mkdtempSync(join(tmpdir(), "poc-log-cosign-"));
// Hardhat's default accounts come from this mnemonic; checked against the wallets below.
const keyOf = (addressIndex: number) => toHex(mnemonicToAccount("test test test test test test test test test test test junk", { addressIndex }).getHdKey().privateKey!);
const keys = { w0: keyOf(0), w1: keyOf(1), w2: keyOf(2), w3: keyOf(3), w4: keyOf(4) } as const;
const chain = ["--registry", registryAddress];

async function run(key: Hex | undefined, ...argv: string[]) {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const io: CliIO = { out: (l) => stdout.push(l), err: (l) => stderr.push(l), progress: () => {}, cwd: dir, env: key ? { POC_PRIVATE_KEY: key } : {} };
  const code = await command.run(argv, io);
  return { code, stdout, stderr, json: () => JSON.parse(stdout.join("\n")) };
}
const read = (name: string) => JSON.parse(readFileSync(join(dir, name), "utf8"));
const write = (name: string, value: unknown) => writeFileSync(join(dir, name), JSON.stringify(value));

beforeAll(() => {
  for (const [k, w] of Object.entries({ w0, w1, w2, w3 })) expect(privateKeyToAccount(keys[k as keyof typeof keys]).address).toBe(getAddress(w.account.address));
});

describe("poc log cosign", () => {
  it("three members (one through its contract wallet) cosign the current tree head", async () => {
    const a = await run(keys.w0, "cosign", ...chain, "--out", "w0.json", "--json");
    expect(a.code).toBe(0);
    expect(a.json()).toMatchObject({ signer: getAddress(w0.account.address), size: 11 });
    expect((await run(keys.w1, "cosign", ...chain, "--out", "w1.json")).stdout[0]).toMatch(/cosigned the tree of 11/);
    const c = await run(keys.w3, "cosign", ...chain, "--as", wallet!.address, "--out", "wallet.json", "--json");
    expect(c.code).toBe(0);
    const file = read("wallet.json");
    expect(file.format).toBe("proof-of-cloud/cosigned-checkpoint");
    expect(file.cosignatures).toEqual([{ signer: getAddress(wallet!.address), signature: expect.stringMatching(/^0x[0-9a-f]{130}$/) }]);
    expect(file.members.list).toContainEqual({ address: getAddress(wallet!.address), contract: true });
    expect(file.members.list).toHaveLength(4);
    expect(file.checkpoint.rootHash).toBe(read("w0.json").checkpoint.rootHash);
    // Without --out the file goes to stdout.
    expect(JSON.parse((await run(keys.w2, "cosign", ...chain, "--size", "5")).stdout.join("\n")).checkpoint.size).toBe(5);
  });

  it("refuses a missing key, a non-member, an EOA passed as --as, and a wallet that does not accept the key", async () => {
    await expect(run(undefined, "cosign", ...chain)).rejects.toThrow(/POC_PRIVATE_KEY/);
    await expect(run(keys.w4, "cosign", ...chain)).rejects.toThrow(/is not a member of the registry's Alliance/);
    await expect(run(keys.w0, "cosign", ...chain, "--as", w1.account.address)).rejects.toThrow(/holds no code/);
    await expect(run(keys.w0, "cosign", ...chain, "--size", "12")).rejects.toBeInstanceOf(UsageError);
    const r = await run(keys.w4, "cosign", ...chain, "--as", wallet!.address, "--out", "nope.json");
    expect(r.code).toBe(1);
    expect(r.stderr.join("\n")).toMatch(/does not accept .* signature \(ERC-1271/);
  });
});

describe("poc log combine", () => {
  it("merges cosignatures of the same checkpoint", async () => {
    const r = await run(undefined, "combine", "w0.json", "w1.json", "wallet.json", "--out", "cosigned.json", "--json");
    expect(r.code).toBe(0);
    expect(r.json().signers).toEqual([w0, w1].map((w) => getAddress(w.account.address)).concat(getAddress(wallet!.address)));
    const combined = read("cosigned.json");
    expect(combined.cosignatures).toHaveLength(3);
    expect(combined.checkpoint).toEqual(read("w0.json").checkpoint);
  });

  it("refuses a different size, root or origin, a changed member set and a repeated signer, in one line each", async () => {
    expect((await run(keys.w2, "cosign", ...chain, "--size", "5", "--out", "w2-5.json")).code).toBe(0);
    await expect(run(undefined, "combine", "w0.json", "w2-5.json")).rejects.toThrow(/^w2-5\.json: checkpoint size 5 differs from w0\.json's 11$/);
    const rooted = read("w1.json");
    rooted.checkpoint.rootHash = `0x${"ab".repeat(32)}`;
    write("rooted.json", rooted);
    await expect(run(undefined, "combine", "w0.json", "rooted.json")).rejects.toThrow(/^rooted\.json: root hash 0xabab.* differs from w0\.json's 0x/);
    const moved = read("w1.json");
    moved.chainId = 1;
    moved.checkpoint.origin = `proof-of-cloud:1:${registryAddress.toLowerCase()}`;
    write("moved.json", moved);
    await expect(run(undefined, "combine", "w0.json", "moved.json")).rejects.toThrow(/^moved\.json: origin proof-of-cloud:1:0x.* differs from w0\.json's proof-of-cloud:31337:0x/);
    const fewer = read("w1.json");
    fewer.members.list = fewer.members.list.slice(1);
    write("fewer.json", fewer);
    await expect(run(undefined, "combine", "w0.json", "fewer.json")).rejects.toThrow(/member set differs/);
    await expect(run(undefined, "combine", "cosigned.json", "w1.json")).rejects.toThrow(/^w1\.json: 0x[0-9a-fA-F]{40} already signed in cosigned\.json$/);
    await expect(run(undefined, "combine", "missing.json")).rejects.toThrow(/cannot read missing\.json/);
  });
});

describe("poc log record", () => {
  it("exits 1 with the registry's decoded error below the threshold", async () => {
    expect((await run(undefined, "combine", "w0.json", "w1.json", "--out", "two.json")).code).toBe(0);
    const r = await run(keys.w2, "record", "two.json", ...chain);
    expect(r.code).toBe(1);
    expect(r.stderr).toEqual(["poc log: the registry refused the checkpoint: BelowThreshold(2, 3)"]);
  });

  it("records the combined checkpoint (any account may submit) and prints the gas", async () => {
    const r = await run(keys.w2, "record", "cosigned.json", ...chain, "--json");
    expect(r.code).toBe(0);
    const out = r.json();
    expect(Number(out.gasUsed)).toBeGreaterThan(21_000);
    expect(out).toMatchObject({ size: 11, consistencyProof: 0 });
    const latest = (await registry.read.latestCheckpoint()) as { size: bigint; rootHash: Hex };
    expect(latest).toMatchObject({ size: 11n, rootHash: read("cosigned.json").checkpoint.rootHash });
    const human = await run(keys.w2, "record", "cosigned.json", ...chain);
    expect(human.stdout[0]).toMatch(/recorded the checkpoint of size 11 with 3 cosignatures in 0x[0-9a-f]{64} \(\d+ gas\)/);
  });

  it("an older checkpoint is stale, a root that is not the log's is refused before sending", async () => {
    for (const [k, out] of [["w0", "o0.json"], ["w1", "o1.json"], ["w2", "o2.json"]] as const) expect((await run(keys[k], "cosign", ...chain, "--size", "5", "--out", out)).code).toBe(0);
    expect((await run(undefined, "combine", "o0.json", "o1.json", "o2.json", "--out", "old.json")).code).toBe(0);
    const stale = await run(keys.w0, "record", "old.json", ...chain);
    expect(stale.code).toBe(1);
    expect(stale.stderr).toEqual(["poc log: the registry refused the checkpoint: StaleCheckpoint(5, 11)"]);
    const forged = read("cosigned.json");
    forged.checkpoint.rootHash = `0x${"cd".repeat(32)}`;
    write("forged.json", forged);
    const r = await run(keys.w0, "record", "forged.json", ...chain);
    expect(r.code).toBe(1);
    expect(r.stderr[0]).toMatch(/is not the log's root at size 11/);
  });
});

describe("prove --recorded, then verify-receipt offline and --online", () => {
  it("offline the wallet's signature cannot count (exit 1); online it does (exit 0)", async () => {
    expect((await run(undefined, "prove", "7", ...chain, "--recorded", "--out", "receipt.json")).code).toBe(0);
    const offline = await run(undefined, "verify-receipt", "receipt.json", "--json");
    expect(offline.code).toBe(1);
    expect(offline.json()).toMatchObject({ ok: false, status: "needs-online-check", onlineOnly: [getAddress(wallet!.address)], required: 3 });

    const online = await run(undefined, "verify-receipt", "receipt.json", "--online", "--json");
    expect(online.code).toBe(0);
    const out = online.json();
    expect(out).toMatchObject({ ok: true, status: "valid", index: 7, treeSize: 11, required: 3 });
    expect(out.online).toHaveLength(3);
    expect(out.online.every((o: { valid: boolean }) => o.valid)).toBe(true);
    expect(out.checks.map((c: { name: string }) => c.name)).toEqual(expect.arrayContaining(["members.current", "cosignatures.online", "online.chainId"]));
    const human = await run(undefined, "verify-receipt", "receipt.json", "--online");
    expect(human.stdout.at(-1)).toMatch(/receipt verifies \(online\): leaf 7 is in the tree of 11 cosigned by 3 of 4 members/);
  });

  it("online fails when the wallet stops accepting, or the member set is not the Alliance's current one", async () => {
    const receipt = read("receipt.json");
    receipt.members.list = receipt.members.list.slice(0, 3);
    receipt.members.threshold.required = 2;
    write("three.json", receipt);
    const fewer = await run(undefined, "verify-receipt", "three.json", "--online", "--json");
    expect(fewer.code).toBe(1);
    expect(fewer.json().checks.find((c: { name: string }) => c.name === "members.current").ok).toBe(false);

    await wallet!.write.setOpen([false], { account: w3.account });
    const closed = await run(undefined, "verify-receipt", "receipt.json", "--online", "--json");
    expect(closed.code).toBe(1);
    expect(closed.json().checks.find((c: { name: string }) => c.name === "cosignatures.online")).toMatchObject({ ok: false, detail: expect.stringMatching(/^2 of 3/) });
    await wallet!.write.setOpen([true], { account: w3.account });
    await expect(run(undefined, "verify-receipt", "receipt.json", "--rpc", "http://127.0.0.1:1")).rejects.toThrow(/--rpc needs --online/);
  });
});
