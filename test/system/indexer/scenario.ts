/**
 * The indexer scenario both database back ends run (PGlite here, PostgreSQL in
 * test/system/postgres/): a whole deployment on the embedded chain (testkit/cvmWorld.ts) with a
 * facility, a hardware entry, a registered CVM, heartbeats, a challenge and a recorded checkpoint,
 * served over loopback HTTP (testkit/rpcProxy.ts); `ponder start` indexes it; then
 * - every table holds what the chain says;
 * - `poc log root --indexer` takes the leaves from the indexer and matches the contract, and falls
 *   back to the chain when the indexer is unreachable;
 * - a reorg (evm_revert to before a leaf, a longer chain without it) is rolled back by the indexer;
 * - a revocation upholds the entry's open challenge (no ChallengeClosed event for that).
 */
import { tmpdir } from "node:os";
import { join } from "node:path";
import { keccak256, stringToBytes, type Hex } from "viem";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createLogCommand } from "../../../cli/commands/log.js";
import type { CliIO } from "../../../cli/io.js";
import { hex } from "../../../sdk/src/bytes.js";
import { writeRegisterCvm } from "../../../sdk/src/chain/cvmRegistry.js";
import { registryCalls } from "../../../sdk/src/chain/hardwareRegistry.js";
import { ProposalClass } from "../../../testkit/proposals.js";
import { signCheckpoint } from "../../../sdk/src/log/checkpoint.js";
import { readIndexedLeaves } from "../../../sdk/src/log/indexer.js";
import { rebuildLog } from "../../../sdk/src/log/onchain.js";
import { Cvm, deployCvmWorld, type CvmWorld } from "../../../testkit/cvmWorld.js";
import { startIndexer, waitFor, type IndexerProcess } from "../../../testkit/indexer.js";
import { startRpcProxy, type RpcProxy } from "../../../testkit/rpcProxy.js";

export function indexerScenario(options: { port: number; databaseUrl?: () => string }) {
  let w: CvmWorld;
  let cvm: Cvm;
  let proxy: RpcProxy;
  let ix: IndexerProcess;
  const get = async (path: string) => {
    const r = await fetch(`${ix.url}${path}`);
    if (!r.ok) throw new Error(`${path}: HTTP ${r.status}`);
    return r.json() as Promise<any>;
  };
  // One evm_mine per block: hardhat_mine's reserved blocks get their hashes late, which an indexer
  // following the head rightly takes for a reorg.
  const mine = async (n: number) => {
    for (let i = 0; i < n; i++) await w.conn.provider.request({ method: "evm_mine", params: [] });
  };
  const logSize = async () => Number(await w.hardware.read.logSize());
  type EntryView = { level: number; cadence: number; lastHeartbeat: bigint; entryLeaf: bigint | number; status: number; facilityId: Hex };
  const entryOf = async () => (await w.hardware.read.getEntry([w.hwKey])) as EntryView;

  beforeAll(async () => {
    w = await deployCvmWorld({ seed: "indexer" });
    cvm = await Cvm.create(w, "rsa");
    // Level 3 (continuous monitoring): members post heartbeats for it.
    await w.registerHardware({ level: 3, cadence: 86_400 });
    const owner = w.wallets[5]!;
    const r = await cvm.registration({ owner: owner.account.address, deadline: (await w.now()) + 3600n });
    await w.pub.waitForTransactionReceipt({
      hash: await writeRegisterCvm(w.wallets[6]!, { registry: w.registry.address, ...r.args, tee: r.tee, tpm: r.tpm, identitySignature: r.identitySignature }),
    });
    await w.hardware.write.heartbeat([[w.hwKey]], { account: w.members[1]!.account });
    await w.hardware.write.challenge([w.hwKey, keccak256(stringToBytes("challenge")), "ipfs://c"], { account: w.wallets[7]!.account, value: await w.hardware.read.challengeBond() });
    // A checkpoint of the log so far, cosigned by two members and recorded.
    const rebuilt = await rebuildLog(w.pub as never, { registry: w.hardware.address });
    const checkpoint = { origin: rebuilt.origin, size: BigInt(rebuilt.size), rootHash: `0x${hex(rebuilt.tree.root())}` as Hex };
    const cosignatures = await Promise.all(w.members.slice(0, 2).map((walletClient) => signCheckpoint({ chainId: w.pub.chain?.id ?? 31337, registry: w.hardware.address, checkpoint, walletClient: walletClient as never })));
    await w.hardware.write.recordCheckpoint([checkpoint.size, checkpoint.rootHash, [], cosignatures], { account: w.members[0]!.account });
    await mine(40);

    proxy = await startRpcProxy(w.conn.provider as never, {});
    ix = await startIndexer({
      rpcUrl: proxy.url,
      chainId: 31337,
      registry: w.hardware.address,
      cvmRegistry: w.registry.address,
      startBlock: w.book.deploymentBlock ?? 0n,
      port: options.port,
      ...(options.databaseUrl ? { databaseUrl: options.databaseUrl() } : {}),
    });
    const size = await logSize();
    await waitFor(async () => (await get("/poc/status")).leaves === size, `${size} indexed leaves`);
  });

  afterAll(async () => {
    await ix?.stop();
    await proxy?.close();
  });

  it("every table holds what the chain says", async () => {
    const size = await logSize();
    const leaves = await readIndexedLeaves({ indexerUrl: ix.url, registry: w.hardware.address });
    const chain = await rebuildLog(w.pub as never, { registry: w.hardware.address });
    expect(leaves.map((l) => l.leafHash)).toEqual(chain.entries.map((e) => e.leafHash));
    expect(leaves).toHaveLength(size);

    const entries = await get("/poc/table/entries");
    const onchain = await entryOf();
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ platformKey: w.hwKey.toLowerCase(), level: onchain.level, cadence: onchain.cadence, lastHeartbeat: onchain.lastHeartbeat.toString(), entryLeaf: onchain.entryLeaf.toString(), status: onchain.status });

    const facilities = await get("/poc/table/facilities");
    expect(facilities.map((f: { facilityId: string }) => f.facilityId)).toContain((await entryOf()).facilityId.toLowerCase());

    const challenges = await get("/poc/table/challenges");
    expect(challenges).toEqual([expect.objectContaining({ challengeId: "0", platformKey: w.hwKey.toLowerCase(), outcome: 0, challenger: w.wallets[7]!.account.address.toLowerCase() })]);

    const cvms = await get("/poc/table/cvms");
    expect(cvms).toEqual([expect.objectContaining({ identity: cvm.address.toLowerCase(), platformKey: w.hwKey.toLowerCase(), revoked: false, measurementHash: cvm.expectedMeasurement().toLowerCase() })]);

    const checkpoints = await get("/poc/checkpoints");
    expect(checkpoints).toHaveLength(1);
    expect(checkpoints[0]).toMatchObject({ size: String(size), rootHash: chain.rootHash });
  });

  it("poc log root --indexer reads the leaves from the indexer; an unreachable indexer falls back to the chain", async () => {
    const command = createLogCommand({});
    const run = async (...argv: string[]) => {
      const stdout: string[] = [];
      const stderr: string[] = [];
      const io: CliIO = { out: (l) => stdout.push(l), err: (l) => stderr.push(l), progress: (l) => stderr.push(l), cwd: process.cwd(), env: {} };
      const code = await command.run(argv, io);
      return { code, stdout, stderr };
    };
    const size = await logSize();
    const via = await run("root", "--rpc", proxy.url, "--registry", w.hardware.address, "--indexer", ix.url, "--json");
    expect(via.code).toBe(0);
    expect(JSON.parse(via.stdout[0]!)).toMatchObject({ size, rebuilt: true });
    expect(via.stderr.join("\n")).toMatch(new RegExp(`${size} leaves from the indexer`));
    // prove --recorded takes the checkpoint transactions from the indexer (checked on chain) instead of a scan.
    const proved = await run("prove", "0", "--recorded", "--rpc", proxy.url, "--registry", w.hardware.address, "--indexer", ix.url, "--out", join(tmpdir(), `poc-ix-receipt-${process.pid}.json`), "--json");
    expect(proved.code).toBe(0);
    expect(proved.stderr.join("\n")).toMatch(/1 recorded checkpoints from the indexer/);
    const down = await run("root", "--rpc", proxy.url, "--registry", w.hardware.address, "--indexer", "http://127.0.0.1:1", "--json");
    expect(down.code).toBe(0);
    expect(JSON.parse(down.stdout[0]!)).toMatchObject({ size });
    expect(down.stderr.join("\n")).toMatch(/indexer not used .* unreachable/);
  });

  it("a reorg that drops a leaf is rolled back, and the new branch's leaf indexed", async () => {
    const size = await logSize();
    const snapshot = (await w.conn.provider.request({ method: "evm_snapshot", params: [] })) as string;
    await w.pub.waitForTransactionReceipt({ hash: await w.hardware.write.heartbeat([[w.hwKey]], { account: w.members[0]!.account }) });
    await waitFor(async () => (await get("/poc/status")).leaves === size + 1, "the heartbeat leaf").catch((e) => {
      throw new Error(`${e.message}\n${ix.log().slice(-4000)}`);
    });
    const before = (await readIndexedLeaves({ indexerUrl: ix.url, registry: w.hardware.address }))[size]!;

    // Another branch from the snapshot: longer, with a different leaf at the same index.
    await w.conn.provider.request({ method: "evm_revert", params: [snapshot] });
    await mine(3);
    await w.hardware.write.heartbeat([[w.hwKey]], { account: w.members[2]!.account });
    await mine(2);
    const chain = await rebuildLog(w.pub as never, { registry: w.hardware.address });
    expect(chain.entries[size]!.leafHash).not.toBe(before.leafHash);
    await waitFor(async () => {
      const leaves = await readIndexedLeaves({ indexerUrl: ix.url, registry: w.hardware.address });
      return leaves.length === size + 1 && leaves[size]!.leafHash === chain.entries[size]!.leafHash;
    }, "the reorged leaf replaced");
    const entry = (await get("/poc/table/entries"))[0];
    expect(entry.lastHeartbeat).toBe((await entryOf()).lastHeartbeat.toString());
  });

  it("a revocation (security-critical proposal) upholds the open challenge and revokes the entry", async () => {
    await w.govern([registryCalls.revoke(w.hardware.address, [w.hwKey], keccak256(stringToBytes("revoked")))], ProposalClass.SecurityCritical);
    await waitFor(async () => (await get("/poc/table/challenges"))[0]?.outcome === 2, "the challenge upheld");
    expect((await get("/poc/table/entries"))[0]).toMatchObject({ status: 2 });
    expect((await get("/poc/status")).leaves).toBe(await logSize());
  });
}
