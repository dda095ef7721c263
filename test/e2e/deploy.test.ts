/**
 * Deployment end to end, over real JSON-RPC: a `hardhat node` child process on a free loopback
 * port, the deploy command a user runs for Sepolia with only the network name changed
 * (`npm run deploy -- --network localhost`; LOCALHOST_RPC_URL points it at the
 * port), state read back through the SDK from the address book, one Alliance decision by an
 * EIP-712 signature batch adding the real TDX fixture's hardware and a simulated TDX platform, the
 * simulated collateral uploaded through the SDK and one simulated CVM registered on that platform
 * (local.json pins the simulator root for its seed), then a second deploy that must send nothing; an interrupted deployment that resumes. A second node started with chain ID
 * 11155111 shows the public-chain refusals happen before any transaction. The nodes are killed at
 * the end whatever happens. The checks alone (no node): deployParameters.test.ts.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bytesToHex, createPublicClient, createWalletClient, http, keccak256, stringToBytes, type Address, type Hex } from "viem";
import { mnemonicToAccount } from "viem/accounts";
import { p256 } from "@noble/curves/nist.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { parseQuote } from "../../sdk/src/intel/quote.js";
import { parsePckExtensions } from "../../sdk/src/intel/pckExtensions.js";
import { createSimulatedDcapPki } from "../../sdk/src/simulate/pki.js";
import { readAddressBook, pocAddressesFromBook, addressOf, parseAddressBook, type AddressBook } from "../../sdk/src/chain/addressBook.js";
import { pocActions } from "../../sdk/src/chain/decorator.js";
import { platformKey } from "../../sdk/src/vocabulary/platformKey.js";
import { registryCalls } from "../../sdk/src/chain/hardwareRegistry.js";
import { hashProposal, ProposalClass, proposalThreshold, type Proposal } from "../../sdk/src/chain/proposal.js";
import { collectVoteSignatures } from "../../sdk/src/chain/votes.js";
import { collateralStoreAbi } from "../../sdk/src/chain/abi/CollateralStore.js";
import { zkAttestationVerifierAbi } from "../../sdk/src/chain/abi/ZkAttestationVerifier.js";
import { workloadVerifierAbi } from "../../sdk/src/chain/abi/WorkloadVerifier.js";
import { buildCollateralUploads, uploadCollateral } from "../../sdk/src/chain/collateralStore.js";
import { CvmStatus } from "../../sdk/src/chain/cvmRegistry.js";
import type { SimulatedTdxEnvironment } from "../../sdk/src/simulate/index.js";
import { createOnchainTdxEnvironment } from "../../testkit/onchainTdx.js";
import { SimulatedCvm } from "../../testkit/simulatedCvm.js";
import { facility, hardwareEntry } from "../../testkit/registryEntries.js";

const repo = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const MNEMONIC = "test test test test test test test test test test test junk";
const member = (i: number) => mnemonicToAccount(MNEMONIC, { addressIndex: i });
const localParameters = JSON.parse(readFileSync(join(repo, "ignition/parameters/local.json"), "utf8"));
/** Every contract a local deployment (route "ours") makes. */
const DEPLOYED_CONTRACTS = [
  "Alliance",
  "CollateralParser",
  "CollateralStore",
  "CvmRegistry",
  "DcapQuoteVerifier",
  "DevRiscZeroVerifier",
  "DevSp1Verifier",
  "GceMethod",
  "HardwareRegistry",
  "MethodRegistry",
  "TpmAkCertificateVerifier",
  "TpmQuoteVerifier",
  "WorkloadVerifier",
  "ZkAttestationVerifier",
];
/** The seed local.json's "simulator:<seed>" root names: quotes issued under it verify on the local deployment. */
const LOCAL_SIMULATOR_SEED = "proof-of-cloud local";
const localChain = (url: string) => ({ id: 31337, name: "localhost", nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 }, rpcUrls: { default: { http: [url] } } });
const sepoliaParameters = JSON.parse(readFileSync(join(repo, "ignition/parameters/sepolia.json"), "utf8"));

async function freeLoopbackPort(): Promise<number> {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.once("error", fail);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => ok(port));
    });
  });
}

type Run = { code: number | null; stdout: string; stderr: string };
const RUN_LIMIT_MS = 180_000;
/** Runs a command in the repository; its process group is killed if it outlives RUN_LIMIT_MS. */
function run(cmd: string, args: string[], env: Record<string, string>): Promise<Run> {
  return new Promise((ok) => {
    const p = spawn(cmd, args, { cwd: repo, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"], detached: true });
    let stdout = "";
    let stderr = "";
    const timer = setTimeout(() => {
      stderr += `\n[test] killed after ${RUN_LIMIT_MS} ms`;
      try {
        process.kill(-p.pid!, "SIGTERM");
      } catch {
        /* already gone */
      }
    }, RUN_LIMIT_MS);
    p.stdout.on("data", (d) => (stdout += d));
    p.stderr.on("data", (d) => (stderr += d));
    p.on("close", (code) => {
      clearTimeout(timer);
      ok({ code, stdout, stderr });
    });
  });
}
const LONG = 240_000;

type NodeHandle = { url: string; child: ChildProcess };
const nodes: NodeHandle[] = [];

/** Kills each node's whole process group (npx -> hardhat), never anything else. */
function killNodes() {
  for (const { child } of nodes) {
    if (child.pid && child.exitCode === null) {
      try {
        process.kill(-child.pid, "SIGTERM");
      } catch {
        /* already gone */
      }
    }
  }
}
process.once("exit", killNodes); // also when the run is torn down before afterAll

/** `npx hardhat node` on a free loopback port, answering eth_chainId. */
async function startNode(extraArgs: string[] = []): Promise<NodeHandle> {
  const port = await freeLoopbackPort();
  const url = `http://127.0.0.1:${port}`;
  // detached: its own process group, so the kill reaches hardhat behind npx.
  const child = spawn("npx", ["hardhat", "node", "--hostname", "127.0.0.1", "--port", String(port), ...extraArgs], { cwd: repo, detached: true, stdio: "ignore" });
  const handle = { url, child };
  nodes.push(handle);
  const until = Date.now() + 90_000;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`hardhat node exited with ${child.exitCode}`);
    try {
      const r = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }) });
      if (r.ok) return handle;
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error("hardhat node did not answer in time");
}

let url = "";
let booksDir = "";
let deploymentId = "";
let env: Record<string, string> = {};

/** What docs/deploy.md tells a user to run (package.json "deploy" = hardhat run scripts/deploy.ts). */
const deployCommand = (extraEnv: Record<string, string> = {}) => run("npm", ["run", "deploy", "--", "--network", "localhost"], { ...env, ...extraEnv });

beforeAll(async () => {
  booksDir = mkdtempSync(join(tmpdir(), "poc-deployments-"));
  deploymentId = `e2e-${process.pid}-${Date.now()}`;
  url = (await startNode()).url;
  env = { LOCALHOST_RPC_URL: url, POC_DEPLOYMENTS_DIR: booksDir, POC_DEPLOYMENT_ID: deploymentId };
}, 120_000);

afterAll(() => {
  killNodes();
  for (const id of [deploymentId, `${deploymentId}-resume`, `${deploymentId}-sepolia`]) rmSync(join(repo, "ignition/deployments", id), { recursive: true, force: true });
  if (booksDir) rmSync(booksDir, { recursive: true, force: true });
});

describe("deploy to a hardhat node over JSON-RPC with the user's command", () => {
  let first: Run;
  let book: AddressBook;
  const client = () => createPublicClient({ transport: http(url) });
  const load = (p: string) => (existsSync(join(booksDir, p)) ? readFileSync(join(booksDir, p), "utf8") : undefined);

  it("deploys and writes deployments/<chainId>.json", async () => {
    first = await deployCommand();
    expect(first.code, first.stderr + first.stdout).toBe(0);
    expect(first.stdout).toContain("wrote");
    book = await readAddressBook(client(), { load, dir: "." });
    expect(book.chainId).toBe(31337);
    expect(book.network).toBe("localhost");
    expect(book.deploymentId).toBe(deploymentId);
    expect(Object.keys(book.contracts).sort()).toEqual(
      DEPLOYED_CONTRACTS.slice().sort(),
    );
    const gas: Record<string, bigint> = {};
    for (const [name, c] of Object.entries(book.contracts)) {
      const code = await client().getCode({ address: c.address });
      expect(code?.length ?? 0, `${name} has code`).toBeGreaterThan(2);
      const receipt = await client().getTransactionReceipt({ hash: c.transactionHash! });
      gas[name] = receipt.gasUsed;
      // The MethodRegistry is created by the HardwareRegistry's constructor: the book gives that transaction.
      const creator = name === "MethodRegistry" ? book.contracts.HardwareRegistry!.address : c.address;
      expect(receipt.contractAddress?.toLowerCase(), `${name} creation tx`).toBe(creator.toLowerCase());
      expect(receipt.blockNumber).toBe(c.block);
    }
    const total = Object.values(gas).reduce((a, b) => a + b, 0n);
    console.log(`[deploy e2e] creation gas: ${Object.entries(gas).map(([n, g]) => `${n} ${g}`).join(", ")}; total ${total}`);
    expect(book.deploymentBlock).toBe(1n);
    expect(book.gitCommit).toMatch(/^[0-9a-f]{40}$/);
  }, LONG);

  it("the node runs osaka: the P-256 precompile at 0x100 verifies a signature", async () => {
    const sk = p256.utils.randomSecretKey();
    const pub = p256.getPublicKey(sk, false);
    const h = sha256(stringToBytes("proof of cloud"));
    const sig = p256.sign(h, sk, { prehash: false });
    const input = bytesToHex(new Uint8Array([...h, ...sig, ...pub.slice(1)]));
    const out = await client().call({ to: "0x0000000000000000000000000000000000000100", data: input });
    expect(BigInt(out.data ?? "0x0")).toBe(1n);
  });

  it("reads the deployed state through the SDK", async () => {
    const poc = client().extend(pocActions(pocAddressesFromBook(book)));
    const status = await poc.readAllianceStatus();
    expect(status.members.map((m) => m.address)).toEqual(localParameters.Alliance.members);
    expect(status.members.map((m) => m.name)).toEqual(localParameters.Alliance.names);
    const n = localParameters.Alliance.members.length;
    expect(status.thresholds).toEqual({
      emergencyFreeze: proposalThreshold(ProposalClass.EmergencyFreeze, n),
      ordinary: proposalThreshold(ProposalClass.Ordinary, n),
      securityCritical: proposalThreshold(ProposalClass.SecurityCritical, n),
    });
    expect(await poc.readRegistrySalt()).toBe(localParameters.HardwareRegistry.salt);
    // The deployment's only leaf: the deployer connected the CvmRegistry to the hardware feed.
    expect((await poc.readLogState()).size).toBe(1n);
    expect(await poc.readHardwareListeners()).toEqual([addressOf(book, "CvmRegistry")]);
    expect((await poc.cvm!.readCvmParams()).hardwareFeedConnected).toBe(true);

    const store = addressOf(book, "CollateralStore");
    const simulatorRoot = createSimulatedDcapPki({ seed: "proof-of-cloud local" }).root.der;
    expect(await client().readContract({ address: store, abi: collateralStoreAbi, functionName: "rootCertHash" })).toBe(bytesToHex(sha256(simulatorRoot)));
    const root = await client().readContract({ address: store, abi: collateralStoreAbi, functionName: "certificate", args: [1] });
    expect(root.notAfter).toBeGreaterThan(0n);
    // The store answers the ZK route's collateral hashes (ICollateralHashes): the root is held.
    const rootCaKind = keccak256(stringToBytes("poc.collateral.ROOT_CA"));
    expect(await client().readContract({ address: store, abi: collateralStoreAbi, functionName: "collateralHash", args: [rootCaKind, "0x000000000000"] })).toBe(keccak256(simulatorRoot));
    expect(book.parameters?.DcapQuoteVerifier).toEqual({ quoteVerifierRoute: "ours" });

    const zk = addressOf(book, "ZkAttestationVerifier");
    const read = (functionName: "alliance" | "riscZeroVerifier" | "sp1Verifier" | "collateralStore") => client().readContract({ address: zk, abi: zkAttestationVerifierAbi, functionName });
    expect(await read("alliance")).toBe(addressOf(book, "Alliance"));
    expect(await read("riscZeroVerifier")).toBe(addressOf(book, "DevRiscZeroVerifier"));
    expect(await read("sp1Verifier")).toBe(addressOf(book, "DevSp1Verifier"));
    expect(await read("collateralStore")).toBe(store);

    // The CVM stack: WorkloadVerifier on our DCAP verifier and the ZK verifier, the registry's bounds from local.json.
    const addresses = pocAddressesFromBook(book);
    expect(addresses.cvmRegistry).toBe(addressOf(book, "CvmRegistry"));
    expect(addresses.dcapQuoteVerifier).toBe(addressOf(book, "DcapQuoteVerifier"));
    const workload = addressOf(book, "WorkloadVerifier");
    expect(await client().readContract({ address: workload, abi: workloadVerifierAbi, functionName: "quoteVerifier" })).toBe(addressOf(book, "DcapQuoteVerifier"));
    expect(await client().readContract({ address: workload, abi: workloadVerifierAbi, functionName: "zkVerifier" })).toBe(zk);
    const cvm = client().extend(pocActions(addresses)).cvm!;
    expect(await cvm.readCvmParams()).toEqual({ workloadVerifier: workload, ...localParameters.CvmRegistry, hardwareFeedConnected: true, hardwareFeedRetired: false });
    expect(book.parameters?.CvmRegistry).toEqual(Object.fromEntries(Object.entries(localParameters.CvmRegistry).map(([k, v]) => [k, String(v)])));
  });

  let tdx: SimulatedTdxEnvironment;

  it("one Alliance decision by an EIP-712 signature batch registers the real TDX platform and a simulated one", async () => {
    const addresses = pocAddressesFromBook(book);
    const chainId = book.chainId;
    const quote = parseQuote(readFileSync(join(repo, "test/fixtures/intel/tdx-v4/quote.bin")));
    const ppid = bytesToHex(parsePckExtensions(quote.pckChain[0]!).ppid);
    expect(ppid).toBe("0x811dca2a26b952e85bb6448b097ba4fd"); // test/fixtures/PROVENANCE.md
    const key = platformKey(1, ppid, localParameters.HardwareRegistry.salt as Hex);
    const site = facility({ name: "e2e-deploy", provider: "Example Cloud", country: "DE", site: "Frankfurt FRA1", evidence: "site audit", evidenceUri: "ipfs://site-audit" });
    const latest = await client().getBlock();
    // A simulated TDX platform under the root local.json pins, its collateral issued an hour ago
    // (valid 30 days) so it verifies at the node's wall-clock time.
    tdx = createOnchainTdxEnvironment({ seed: LOCAL_SIMULATOR_SEED, issuedAt: new Date(Number(latest.timestamp - 3600n) * 1000) });
    const simulatedKey = platformKey(1, bytesToHex(tdx.pck.sgx.ppid), localParameters.HardwareRegistry.salt as Hex);
    const proposal: Proposal = {
      calls: [
        registryCalls.setFacilities(addresses.hardwareRegistry, [site]),
        registryCalls.setEntries(addresses.hardwareRegistry, [
          hardwareEntry({
            platformKey: key,
            facilityId: site.facilityId,
            verifiedAt: latest.timestamp,
            evidenceHash: keccak256(stringToBytes("human-assisted visit")),
            method: "human-assisted site visit",
            evidenceUri: "ipfs://visit-report",
            endorsers: [member(0).address],
          }),
          hardwareEntry({
            platformKey: simulatedKey,
            facilityId: site.facilityId,
            verifiedAt: latest.timestamp,
            evidenceHash: keccak256(stringToBytes("simulated platform")),
            method: "simulator (local chain)",
            evidenceUri: "ipfs://simulated",
          }),
        ]),
      ],
      proposalClass: ProposalClass.Ordinary,
      deadline: latest.timestamp + 3600n,
      description: "register the TDX fixture platform and a simulated platform",
    };
    const proposalId = hashProposal(proposal);
    // Members 0 and 1 sign offline (2 of 3 = the ordinary threshold); member 2 submits.
    const files = await Promise.all(
      [0, 1].map(async (i) => {
        const w = createWalletClient({ account: member(i), transport: http(url) }).extend(pocActions(addresses));
        return { name: `member${i}.json`, content: await w.signVote({ chainId, proposalId }) };
      }),
    );
    const votes = await collectVoteSignatures({ alliance: addresses.alliance, chainId, proposalId, files });
    const submitter = createWalletClient({ account: member(2), transport: http(url), chain: localChain(url) }).extend(pocActions(addresses));
    const hash = await submitter.writeExecuteWithSignatures({ proposal, votes });
    const receipt = await client().waitForTransactionReceipt({ hash });
    expect(receipt.status).toBe("success");

    const poc = client().extend(pocActions(addresses));
    expect(await poc.readProposalExecuted({ proposalId })).toBe(true);
    const entry = await poc.readHardwareEntry({ platformKey: key });
    expect(entry.level).toBe(1);
    expect(await poc.readLevel({ platformKey: key })).toBe(1);
    expect(await poc.readIsVerified({ platformKey: key, minLevel: 1, maxAge: 0n })).toBe(true);
    expect((await poc.readFacility({ facilityId: site.facilityId })).site).toBe("Frankfurt FRA1");
    expect(await poc.readLevel({ platformKey: simulatedKey })).toBe(1);
    const leaves = await poc.getLogLeaves({ fromBlock: book.deploymentBlock });
    expect(leaves.map((l) => l.decoded.leafType)).toEqual([7, 1, 2, 2]); // the deployment's ListenerAdded, then the facility and both entries
  });

  it("one CVM registration: simulated collateral uploaded through the SDK, a simulated CVM registered, checkCvm valid", async () => {
    const addresses = pocAddressesFromBook(book);
    const relayer = createWalletClient({ account: member(2), transport: http(url), chain: localChain(url) });
    const pub = client() as unknown as Parameters<typeof uploadCollateral>[1];
    // The deploy uploaded the pinned root already; the rest (PCK CA, TCB signing, CRLs, TCB info, QE identity) goes now.
    const uploads = buildCollateralUploads({ collateral: tdx.collateral, rootCertificate: tdx.pki.root.der });
    const up = await uploadCollateral(relayer, pub, { address: addressOf(book, "CollateralStore"), uploads });
    expect(up.alreadyCurrent).toBe(1);
    expect(up.stored).toBe(uploads.length - 1);
    // Uploading again sends nothing: the store holds every item.
    expect(await uploadCollateral(relayer, pub, { address: addressOf(book, "CollateralStore"), uploads })).toMatchObject({ stored: 0, alreadyCurrent: uploads.length });

    const target = { chainId: book.chainId, registry: addresses.cvmRegistry! };
    const vm = await SimulatedCvm.create({ tdx, pub: client() as never, target }, "rsa", "deploy-e2e");
    const owner = member(3).address;
    const deadline = (await client().getBlock()).timestamp + 600n;
    const r = await vm.registration({ owner, deadline });
    const relay = relayer.extend(pocActions(addresses)).cvm!;
    const hash = await relay.writeRegisterCvm({ tee: r.tee, tpm: r.tpm, identity: r.args.identity, owner, deadline, identitySignature: r.identitySignature });
    const receipt = await client().waitForTransactionReceipt({ hash });
    expect(receipt.status).toBe("success");
    console.log(`[deploy e2e] CvmRegistry.register over JSON-RPC: ${receipt.gasUsed} gas`);

    const cvm = client().extend(pocActions(addresses)).cvm!;
    const check = await cvm.readCheckCvm({ identity: vm.address });
    expect(check.valid).toBe(true);
    expect(check.hardwareLevel).toBe(1);
    expect(check.measurementHash).toBe(vm.expectedMeasurement());
    expect(check.attestedAt).toBe((await client().getBlock({ blockNumber: receipt.blockNumber })).timestamp);
    const record = await cvm.readCvm({ identity: vm.address });
    expect(record.owner).toBe(owner);
    expect(record.status).toBe(CvmStatus.Active);
    expect(record.platformKey).toBe(platformKey(1, bytesToHex(tdx.pck.sgx.ppid), localParameters.HardwareRegistry.salt as Hex));
    // The registration's quote is bound to one use: replaying it is refused.
    await expect(relay.writeRegisterCvm({ tee: r.tee, tpm: r.tpm, identity: r.args.identity, owner, deadline, identitySignature: r.identitySignature })).rejects.toThrow();
  }, LONG);

  it("re-running the deploy sends nothing and leaves the address book as it was", async () => {
    const bookText = readFileSync(join(booksDir, "31337.json"), "utf8");
    const blockBefore = await client().getBlockNumber();
    const deployer = localParameters.Alliance.members[0] as Address;
    const nonceBefore = await client().getTransactionCount({ address: deployer });
    const again = await deployCommand();
    expect(again.code, again.stderr + again.stdout).toBe(0);
    expect(again.stdout).toContain("nothing deployed");
    expect(await client().getBlockNumber()).toBe(blockBefore);
    expect(await client().getTransactionCount({ address: deployer })).toBe(nonceBefore);
    expect(readFileSync(join(booksDir, "31337.json"), "utf8")).toBe(bookText);
  }, LONG);
});

describe("an interrupted deployment resumes", () => {
  it("keeps what the first attempt deployed and deploys only the rest", async () => {
    // The first attempt stops after the Alliance: Ignition's own CLI deploys just that module
    // into the same deployment ID, as a run cut short after its first batch would leave it.
    // (--build-profile default: the CLI's own default, production, would recompile everything.)
    const id = `${deploymentId}-resume`;
    const dir = mkdtempSync(join(tmpdir(), "poc-resume-"));
    try {
      const allianceOnly = join(dir, "alliance.json");
      writeFileSync(allianceOnly, JSON.stringify({ Alliance: localParameters.Alliance }));
      const partial = await run("npx", ["hardhat", "ignition", "deploy", "ignition/modules/Alliance.ts", "--network", "localhost", "--deployment-id", id, "--parameters", allianceOnly, "--build-profile", "default"], env);
      expect(partial.code, partial.stderr + partial.stdout).toBe(0);
      const before = JSON.parse(readFileSync(join(repo, "ignition/deployments", id, "deployed_addresses.json"), "utf8")) as Record<string, string>;
      expect(Object.keys(before)).toEqual(["Alliance#Alliance"]);

      const resumed = await run("npx", ["hardhat", "run", "scripts/deploy.ts", "--network", "localhost"], { ...env, POC_DEPLOYMENT_ID: id, POC_DEPLOYMENTS_DIR: dir });
      expect(resumed.code, resumed.stderr + resumed.stdout).toBe(0);
      const book = parseAddressBook(JSON.parse(readFileSync(join(dir, "31337.json"), "utf8")), 31337);
      expect(book.contracts.Alliance!.address).toBe(before["Alliance#Alliance"]);
      expect(Object.keys(book.contracts).sort()).toEqual(DEPLOYED_CONTRACTS.slice().sort());
      const client = createPublicClient({ transport: http(url) });
      const registry = client.extend(pocActions(pocAddressesFromBook(book)));
      expect((await registry.readAllianceStatus()).members).toHaveLength(3);
      expect(book.contracts.HardwareRegistry!.block! > book.contracts.Alliance!.block!).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, LONG);
});

describe("on a node that calls itself Sepolia (chain 11155111) the deploy refuses and sends nothing", () => {
  let sepoliaUrl = "";
  let sepoliaEnv: Record<string, string> = {};
  let filled = "";
  const deployer = () => localParameters.Alliance.members[0] as Address;
  const nonce = () => createPublicClient({ transport: http(sepoliaUrl) }).getTransactionCount({ address: deployer() });

  beforeAll(async () => {
    sepoliaUrl = (await startNode(["--chain-id", "11155111"])).url;
    sepoliaEnv = { LOCALHOST_RPC_URL: sepoliaUrl, POC_DEPLOYMENTS_DIR: booksDir, POC_DEPLOYMENT_ID: `${deploymentId}-sepolia` };
    const p = structuredClone(sepoliaParameters);
    p.Alliance.members = ["0x1000000000000000000000000000000000000001", "0x2000000000000000000000000000000000000002", "0x3000000000000000000000000000000000000003"];
    p.Alliance.names = ["A", "B", "C"];
    filled = join(booksDir, "sepolia-filled.json");
    writeFileSync(filled, JSON.stringify(p));
  }, 120_000);

  it("the local parameters (simulator root, dev verifiers, dev accounts)", async () => {
    const r = await run("npx", ["hardhat", "run", "scripts/deploy.ts", "--network", "localhost"], { ...sepoliaEnv, POC_DEPLOY_PARAMETERS: "ignition/parameters/local.json" });
    expect(r.code).toBe(1);
    expect(r.stderr + r.stdout).toContain("Alliance.members[0]");
    expect(await nonce()).toBe(0);
  }, LONG);

  it("without a terminal to confirm on", async () => {
    const r = await run("npx", ["hardhat", "run", "scripts/deploy.ts", "--network", "localhost"], { ...sepoliaEnv, POC_DEPLOY_PARAMETERS: filled });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("HARDHAT_IGNITION_CONFIRM_DEPLOYMENT");
    expect(await nonce()).toBe(0);
  }, LONG);

  it("when no RiscZero router exists at the configured address", async () => {
    const r = await run("npx", ["hardhat", "run", "scripts/deploy.ts", "--network", "localhost"], { ...sepoliaEnv, POC_DEPLOY_PARAMETERS: filled, HARDHAT_IGNITION_CONFIRM_DEPLOYMENT: "1" });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("no contract at 0x925d8331ddc0a1F0d96E68CF073DFE1d92b69187 on chain 11155111");
    expect(await nonce()).toBe(0);
    expect(existsSync(join(booksDir, "11155111.json"))).toBe(false);
  }, LONG);
});
