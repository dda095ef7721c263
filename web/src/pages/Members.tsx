/**
 * Members: open a proposal file and see exactly what it calls (target, decoded function and
 * arguments, class), then sign the EIP-712 vote with the browser's wallet (EIP-1193,
 * `window.ethereum`) and download the vote file `poc alliance submit` takes. Cosign a checkpoint
 * file the same way. Signing happens in the wallet; this page only builds the typed data.
 */
import { useState } from "preact/hooks";
import { createPublicClient, createWalletClient, custom, decodeFunctionData, http, getAddress, type Abi, type Account, type Address, type EIP1193Provider, type Hex } from "viem";
import { PocError } from "../../../sdk/src/errors.js";
import { allianceAbi } from "../../../sdk/src/chain/abi/Alliance.js";
import { hardwareRegistryAbi } from "../../../sdk/src/chain/abi/HardwareRegistry.js";
import { cvmRegistryAbi } from "../../../sdk/src/chain/abi/CvmRegistry.js";
import { collateralStoreAbi } from "../../../sdk/src/chain/abi/CollateralStore.js";
import { workloadVerifierAbi } from "../../../sdk/src/chain/abi/WorkloadVerifier.js";
import { proposalFromFile, proposalClassNames, type Proposal, type ProposalClass } from "../../../sdk/src/chain/proposal.js";
import { readRequiredClass } from "../../../sdk/src/chain/alliance.js";
import { pageConfig } from "../config.js";
import { signVote, type VoteFile } from "../../../sdk/src/chain/votes.js";
import { signCheckpoint } from "../../../sdk/src/log/checkpoint.js";
import { createCosignedCheckpoint, parseCosignedCheckpoint, type CosignedCheckpoint } from "../../../sdk/src/log/cosigned.js";
import { download, readFileBytes, toJson } from "../files.js";

const ABIS: [string, Abi][] = [
  ["Alliance", allianceAbi as Abi],
  ["HardwareRegistry", hardwareRegistryAbi as Abi],
  ["CvmRegistry", cvmRegistryAbi as Abi],
  ["CollateralStore", collateralStoreAbi as Abi],
  ["WorkloadVerifier", workloadVerifierAbi as Abi],
];

export type DecodedCall = { target: Address; value: bigint; contract?: string; functionName?: string; args: string[]; selector: Hex };

/** The function a call's data selects, decoded with the first of our contracts' ABIs that knows it. */
export function decodeCall(c: { target: Address; value: bigint; data: Hex }): DecodedCall {
  const selector = c.data.slice(0, 10) as Hex;
  for (const [contract, abi] of ABIS) {
    try {
      const d = decodeFunctionData({ abi, data: c.data });
      return { target: c.target, value: c.value, contract, functionName: d.functionName, args: (d.args ?? []).map((a) => toJson(a)), selector };
    } catch {
      /* not this ABI */
    }
  }
  return { target: c.target, value: c.value, args: [c.data], selector };
}

function wallet(): EIP1193Provider {
  const eth = (globalThis as { ethereum?: EIP1193Provider }).ethereum;
  if (!eth) throw new PocError("no wallet found: this page signs with an injected EIP-1193 wallet (window.ethereum)");
  return eth;
}

async function walletAccount() {
  const client = createWalletClient({ transport: custom(wallet()) });
  const [address] = await client.requestAddresses();
  if (!address) throw new PocError("the wallet gave no account");
  const account: Account = { address: getAddress(address), type: "json-rpc" };
  return { client: createWalletClient({ transport: custom(wallet()), account }), account };
}

/**
 * What the Alliance's class table requires for these calls, read from the proposal's chain when the
 * page knows an RPC endpoint for it (its own chain, or the one last used in the explorer).
 */
async function requiredClassNote(chainId: number, alliance: Address, calls: Proposal["calls"], proposed: ProposalClass): Promise<string> {
  const cfg = await pageConfig();
  const rpc = cfg.chainId === chainId ? cfg.rpc : (localStorage.getItem(`poc.rpc.${chainId}`) ?? undefined);
  if (!rpc) return `The class table was not checked: no RPC endpoint known for chain ${chainId} (open it in Explore first).`;
  try {
    const client = createPublicClient({ transport: http(new URL(rpc, location.href).href) });
    if ((await client.getChainId()) !== chainId) return `The class table was not checked: the RPC endpoint is not chain ${chainId}.`;
    const required = await readRequiredClass(client, { alliance, calls });
    const ok = required === proposed;
    return `The Alliance's class table requires ${proposalClassNames[required]} for these calls: ${ok ? "the proposal's class matches" : `the proposal says ${proposalClassNames[proposed]}, so it cannot execute`}.`;
  } catch (e) {
    return `The class table could not be read: ${((e as { shortMessage?: string }).shortMessage ?? String(e)).split("\n")[0]}`;
  }
}

export function Page() {
  const [proposal, setProposal] = useState<{ proposal: Proposal; chainId: number; alliance: Address; proposalId: bigint }>();
  const [support, setSupport] = useState(true);
  const [vote, setVote] = useState<VoteFile>();
  const [checkpoint, setCheckpoint] = useState<CosignedCheckpoint>();
  const [cosigned, setCosigned] = useState<CosignedCheckpoint>();
  const [error, setError] = useState<string>();

  const [classCheck, setClassCheck] = useState<string>();
  const fail = (e: unknown) => setError(e instanceof PocError ? e.shortMessage : (e as { shortMessage?: string }).shortMessage ?? String(e));

  async function openProposal(file: File | undefined) {
    setError(undefined);
    setVote(undefined);
    setProposal(undefined);
    if (!file) return;
    setClassCheck(undefined);
    try {
      const p = proposalFromFile(JSON.parse(new TextDecoder().decode(await readFileBytes(file))));
      setProposal(p);
      setClassCheck(await requiredClassNote(p.chainId, p.alliance, p.proposal.calls, p.proposal.proposalClass));
    } catch (e) {
      fail(e);
    }
  }

  async function sign() {
    setError(undefined);
    try {
      if (!proposal) throw new PocError("open a proposal file first");
      const { client, account } = await walletAccount();
      setVote(await signVote(client, { account, alliance: proposal.alliance, chainId: proposal.chainId, proposalId: proposal.proposalId, support }));
    } catch (e) {
      fail(e);
    }
  }

  async function openCheckpoint(file: File | undefined) {
    setError(undefined);
    setCosigned(undefined);
    setCheckpoint(undefined);
    if (!file) return;
    try {
      setCheckpoint(parseCosignedCheckpoint(new TextDecoder().decode(await readFileBytes(file))));
    } catch (e) {
      fail(e);
    }
  }

  async function cosign() {
    setError(undefined);
    try {
      if (!checkpoint) throw new PocError("open a checkpoint file first");
      const { client } = await walletAccount();
      const c = checkpoint.checkpoint;
      const sig = await signCheckpoint({ chainId: checkpoint.chainId, registry: checkpoint.registry, checkpoint: { origin: c.origin, size: BigInt(c.size), rootHash: c.rootHash }, walletClient: client as never });
      setCosigned(createCosignedCheckpoint({ chainId: checkpoint.chainId, registry: checkpoint.registry, size: c.size, rootHash: c.rootHash, cosignatures: [sig], members: checkpoint.members.list, asOfBlock: checkpoint.members.asOfBlock }));
    } catch (e) {
      fail(e);
    }
  }

  const calls = proposal?.proposal.calls.map(decodeCall) ?? [];
  return (
    <section aria-labelledby="members-title">
      <h2 id="members-title">Alliance members</h2>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <h3>Vote on a proposal</h3>
      <label for="proposal-file">Proposal file (from poc alliance propose)</label>
      <input id="proposal-file" type="file" accept=".json,application/json" onChange={(e) => openProposal((e.currentTarget as HTMLInputElement).files?.[0])} />
      {proposal && (
        <div data-testid="proposal">
          <p>
            Proposal <code>0x{proposal.proposalId.toString(16).padStart(64, "0")}</code>, class <strong data-testid="proposal-class">{proposalClassNames[proposal.proposal.proposalClass]}</strong>, chain {proposal.chainId},
            Alliance <code>{proposal.alliance}</code>, deadline {new Date(Number(proposal.proposal.deadline) * 1000).toISOString()}: “{proposal.proposal.description}”
          </p>
          <table>
            <caption>What the proposal calls</caption>
            <thead>
              <tr>
                <th scope="col">#</th>
                <th scope="col">Target</th>
                <th scope="col">Function</th>
                <th scope="col">Arguments</th>
                <th scope="col">Value (wei)</th>
              </tr>
            </thead>
            <tbody>
              {calls.map((c, i) => (
                <tr key={i}>
                  <td>{i + 1}</td>
                  <td class="mono">
                    {c.target}
                    {c.contract ? ` (${c.contract})` : ""}
                  </td>
                  <td class="mono" data-testid="call-function">{c.functionName ?? `unknown selector ${c.selector}`}</td>
                  <td class="mono">{c.args.join(", ")}</td>
                  <td>{c.value.toString()}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {classCheck && <p data-testid="class-check">{classCheck}</p>}
          <fieldset>
            <legend>Your vote</legend>
            <label>
              <input type="radio" name="support" checked={support} onChange={() => setSupport(true)} /> For
            </label>
            <label>
              <input type="radio" name="support" checked={!support} onChange={() => setSupport(false)} /> Against
            </label>
          </fieldset>
          <button type="button" onClick={sign}>
            Sign vote with wallet
          </button>
        </div>
      )}
      {vote && (
        <div aria-live="polite">
          <p data-testid="vote-signed">
            Vote signed by <code>{vote.signer}</code>: <code class="mono">{vote.signature}</code>
          </p>
          <button type="button" onClick={() => download(`vote-${vote.signer.slice(2, 8)}.json`, toJson(vote))}>
            Download vote
          </button>
        </div>
      )}
      <h3>Cosign a checkpoint</h3>
      <label for="checkpoint-file">Checkpoint file (cosigned-checkpoint JSON from poc log cosign)</label>
      <input id="checkpoint-file" type="file" accept=".json,application/json" onChange={(e) => openCheckpoint((e.currentTarget as HTMLInputElement).files?.[0])} />
      {checkpoint && (
        <div>
          <p>
            {checkpoint.checkpoint.origin}, size {checkpoint.checkpoint.size}, root <code>{checkpoint.checkpoint.rootHash}</code>; {checkpoint.cosignatures.length} cosignature(s) so far
          </p>
          <button type="button" onClick={cosign}>
            Cosign checkpoint with wallet
          </button>
        </div>
      )}
      {cosigned && (
        <div aria-live="polite">
          <p data-testid="checkpoint-cosigned">Cosigned by {cosigned.cosignatures[0]!.signer}</p>
          <button type="button" onClick={() => download("cosignature.json", toJson(cosigned))}>
            Download cosignature
          </button>
        </div>
      )}
    </section>
  );
}
