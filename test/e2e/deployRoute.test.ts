/**
 * The quote-verifier route "automata" deployed by the deploy script's own code
 * (deployProofOfCloud, as `npm run deploy` runs it) on the in-process chain. No Automata contract
 * can exist here (no live chain), so MockAutomataDcapAttestation (contracts/test, TEST ONLY) stands
 * at the entrypoint address. Route "ours" over JSON-RPC: deploy.test.ts; parameter checks:
 * deployParameters.test.ts.
 */
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import hre from "hardhat";
import { bytesToHex, getAddress, keccak256, type Address, type PublicClient } from "viem";
import { resolveDeployParameters } from "../../scripts/deploy/parameters.js";
import { DeployError, deployProofOfCloud } from "../../scripts/deploy/deployProofOfCloud.js";
import { addressOf } from "../../sdk/src/chain/addressBook.js";
import { automataDcapAdapterAbi } from "../../sdk/src/chain/abi/AutomataDcapAdapter.js";
import { collateralStoreAbi } from "../../sdk/src/chain/abi/CollateralStore.js";
import { zkAttestationVerifierAbi } from "../../sdk/src/chain/abi/ZkAttestationVerifier.js";
import { workloadVerifierAbi } from "../../sdk/src/chain/abi/WorkloadVerifier.js";
import { readCvmParams } from "../../sdk/src/chain/cvmRegistry.js";
import { COLLATERAL_KINDS } from "../../sdk/src/zk/journal.js";
import { createSimulatedDcapPki } from "../../sdk/src/simulate/pki.js";

const repo = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const localParameters = JSON.parse(readFileSync(join(repo, "ignition/parameters/local.json"), "utf8"));

function automataParameters(entrypoint: Address) {
  const p = structuredClone(localParameters);
  p.DcapQuoteVerifier.quoteVerifierRoute = "automata";
  p.DcapQuoteVerifier.automataDcapAttestation = entrypoint;
  return resolveDeployParameters(p, { chainId: 31337, source: "local.json + automata route" });
}

describe('quoteVerifierRoute "automata" on the in-process chain', () => {
  it("deploys AutomataDcapAdapter over the given entrypoint instead of DcapQuoteVerifier; the store and the ZK route as usual", async () => {
    const connection = await hre.network.connect();
    const client = (await connection.viem.getPublicClient()) as unknown as PublicClient;
    const entrypoint = { address: getAddress((await connection.viem.deployContract("MockAutomataDcapAttestation")).address) };
    const { book } = await deployProofOfCloud({ hre, connection, chainId: 31337, parameters: automataParameters(entrypoint.address) });

    expect(Object.keys(book.contracts).sort()).toEqual(
      ["Alliance", "AutomataDcapAdapter", "CollateralParser", "CollateralStore", "CvmRegistry", "DevRiscZeroVerifier", "DevSp1Verifier", "GceMethod", "HardwareRegistry", "MethodRegistry", "TpmAkCertificateVerifier", "TpmQuoteVerifier", "WorkloadVerifier", "ZkAttestationVerifier"].sort(),
    );
    expect(book.contracts.AutomataDcapAdapter!.futureId).toBe("AutomataDcapAdapter#AutomataDcapAdapter");
    const adapter = addressOf(book, "AutomataDcapAdapter");
    expect(await client.readContract({ address: adapter, abi: automataDcapAdapterAbi, functionName: "automata" })).toBe(entrypoint.address);

    // The CVM stack's WorkloadVerifier calls the route's quote verifier, the adapter.
    const workload = addressOf(book, "WorkloadVerifier");
    expect(await client.readContract({ address: workload, abi: workloadVerifierAbi, functionName: "quoteVerifier" })).toBe(adapter);
    expect(book.contracts.WorkloadVerifier!.futureId).toBe("CvmRegistry#WorkloadVerifier");
    expect((await readCvmParams(client as never, { registry: addressOf(book, "CvmRegistry") })).workloadVerifier).toBe(workload);

    const store = addressOf(book, "CollateralStore");
    const zk = addressOf(book, "ZkAttestationVerifier");
    expect(await client.readContract({ address: zk, abi: zkAttestationVerifierAbi, functionName: "collateralStore" })).toBe(store);
    // The deploy uploaded the pinned root, so the store already answers the ZK route for it.
    const root = createSimulatedDcapPki({ seed: "proof-of-cloud local" }).root.der;
    expect(await client.readContract({ address: store, abi: collateralStoreAbi, functionName: "collateralHash", args: [COLLATERAL_KINDS.rootCa, "0x000000000000"] })).toBe(
      keccak256(bytesToHex(root)),
    );

    expect(book.parameters?.DcapQuoteVerifier).toEqual({ quoteVerifierRoute: "automata" });
    expect(book.parameters?.AutomataDcapAdapter).toEqual({ automataDcapAttestation: entrypoint.address });
    expect(book.parameters?.CollateralStore).toMatchObject({ rootCertificate: "simulator:proof-of-cloud local" });
  }, 120_000);

  it("refuses an entrypoint address without code before sending anything", async () => {
    const connection = await hre.network.connect();
    const client = await connection.viem.getPublicClient();
    const [wallet] = await connection.viem.getWalletClients();
    const nonce = await client.getTransactionCount({ address: wallet!.account.address });
    const empty = "0x000000000000000000000000000000000000dEaD";
    const err = await deployProofOfCloud({ hre, connection, chainId: 31337, parameters: automataParameters(empty) }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DeployError);
    expect((err as DeployError).message).toContain(`DcapQuoteVerifier.automataDcapAttestation: no contract at ${empty} on chain 31337`);
    // The dev ZK verifiers come first on local chains; the route check must precede them too.
    expect(await client.getTransactionCount({ address: wallet!.account.address })).toBe(nonce);
  });
});
