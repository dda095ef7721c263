/**
 * `poc alliance propose|sign|submit|status`: write a proposal file, sign it offline (one vote file
 * per member), submit the proposal with every vote file in one transaction, read the Alliance.
 */
import { writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { custom, getAddress, isAddress, isHex, keccak256, stringToBytes, toHex, type Address, type Hex } from "viem";
import { getCode, waitForTransactionReceipt } from "viem/actions";
import { allianceCalls, readAllianceStatus, readProposalExecuted, readRequiredClass, writeExecuteWithSignatures } from "../../sdk/src/chain/alliance.js";
import { readRegistrySalt, registryCalls, type EntryInput, type FacilityInput } from "../../sdk/src/chain/hardwareRegistry.js";
import { platformKey, parsePlatformKind } from "../../sdk/src/vocabulary/platformKey.js";
import { parseProposalClass, proposalClassNames, proposalFromFile, proposalThreshold, proposalToFile, ProposalClass, type Call } from "../../sdk/src/chain/proposal.js";
import { collectVoteSignatures, signVote } from "../../sdk/src/chain/votes.js";
import { UsageError, type CliIO, type Command } from "../io.js";
import { chainOptions, chainUsage, connect, isoTime, readJsonFile, signingAccount, toJson, walletFor, type ChainDeps } from "./_chain.js";

const usage = `usage:
  poc alliance propose <action> [action options] [--class C] [--deadline-in S | --deadline UNIX]
                       [--description TEXT] [--out FILE] [--json]
    the class defaults to what the Alliance's class table requires for the call (requiredClass);
    --class may only name that class or a stronger one
    actions:
      add-member --member ADDR --name NAME
      remove-member --member ADDR
      elect-chair --member ADDR
      set-facilities --input FILE.json              [FacilityInput, ...]
      set-entries --input FILE.json                 [{platformKey | kind+rawId, ...}, ...]
      freeze|confirm-freeze|unfreeze|revoke --key K [--key K ...] --reason TEXT
                                                    (confirm-freeze: frozen with no lapse until unfreeze or revoke)
      dismiss-challenge --challenge ID
      remove-listener --listener ADDR               stop pushing hardware status to a listener
      set-challenge-bond --wei N                    the bond a challenge must carry
      set-freeze-window --seconds N                 how long an emergency freeze lasts
  poc alliance sign <proposal.json> [--signer ADDR] [--out FILE] [--json]
      signs Vote(proposalId, true) with POC_PRIVATE_KEY; --signer names an ERC-1271 wallet member
  poc alliance submit <proposal.json> <vote.json>... [--json]
      executes the proposal with every vote in one transaction (any account may submit)
  poc alliance status [proposal.json] [--json]
${chainUsage}`;

const actions = [
  "add-member",
  "remove-member",
  "elect-chair",
  "set-facilities",
  "set-entries",
  "freeze",
  "confirm-freeze",
  "unfreeze",
  "revoke",
  "dismiss-challenge",
  "remove-listener",
  "set-challenge-bond",
  "set-freeze-window",
];

function needAddress(v: string | undefined, flag: string): Address {
  if (!v) throw new UsageError(`${flag} ADDR is required`);
  if (!isAddress(v)) throw new UsageError(`${flag}: not an address: ${v}`);
  return getAddress(v);
}

function needKey(v: string, flag: string): Hex {
  if (!isHex(v) || v.length !== 66) throw new UsageError(`${flag}: expected a 32-byte platformKey, got ${v}`);
  return v as Hex;
}

type EntryFileItem = Partial<EntryInput> & { rawId?: string; kind?: number | string; verifiedAt?: string | number | bigint };

export function makeAllianceCommand(deps: ChainDeps = {}): Command {
  return { summary: "Alliance proposals: propose, sign, submit, status", usage, run: (argv, io) => run(argv, io, deps) };
}

async function run(argv: string[], io: CliIO, deps: ChainDeps): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === "propose") return propose(rest, io, deps);
  if (sub === "sign") return sign(rest, io);
  if (sub === "submit") return submit(rest, io, deps);
  if (sub === "status") return status(rest, io, deps);
  throw new UsageError(`expected propose, sign, submit or status, got ${sub ?? "nothing"}`);
}

async function propose(argv: string[], io: CliIO, deps: ChainDeps): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      ...chainOptions,
      member: { type: "string" },
      name: { type: "string" },
      input: { type: "string" },
      key: { type: "string", multiple: true },
      reason: { type: "string" },
      challenge: { type: "string" },
      listener: { type: "string" },
      wei: { type: "string" },
      seconds: { type: "string" },
      class: { type: "string" },
      deadline: { type: "string" },
      "deadline-in": { type: "string" },
      description: { type: "string" },
      out: { type: "string" },
    },
  });
  const action = positionals[0];
  if (!action || !actions.includes(action)) throw new UsageError(`propose needs an action: ${actions.join(", ")}`);
  const needsRegistry = !["add-member", "remove-member", "elect-chair"].includes(action);
  const ctx = await connect(values, io, deps, { alliance: true, registry: needsRegistry });
  const a = ctx.alliance;
  const r = ctx.hardwareRegistry;
  const keys = (values.key ?? []).map((k) => needKey(k, "--key"));
  const reasonHash = keccak256(stringToBytes(values.reason ?? ""));
  let call: Call;
  switch (action) {
    case "add-member":
      if (!values.name) throw new UsageError("add-member needs --name");
      call = allianceCalls.addMember(a, needAddress(values.member, "--member"), values.name);
      break;
    case "remove-member":
      call = allianceCalls.removeMember(a, needAddress(values.member, "--member"));
      break;
    case "elect-chair":
      call = allianceCalls.electChair(a, needAddress(values.member, "--member"));
      break;
    case "set-facilities": {
      if (!values.input) throw new UsageError("set-facilities needs --input FILE.json");
      const items = readJsonFile(io, values.input);
      if (!Array.isArray(items) || items.length === 0) throw new UsageError(`${values.input}: expected a non-empty JSON array of facilities`);
      call = registryCalls.setFacilities(r, items as FacilityInput[]);
      break;
    }
    case "set-entries": {
      if (!values.input) throw new UsageError("set-entries needs --input FILE.json");
      const items = readJsonFile(io, values.input);
      if (!Array.isArray(items) || items.length === 0) throw new UsageError(`${values.input}: expected a non-empty JSON array of entries`);
      const salt = await readRegistrySalt(ctx.client, { registry: r });
      const entries = (items as EntryFileItem[]).map((e, i): EntryInput => {
        const kind = parsePlatformKind(e.kind ?? "");
        const key = e.platformKey ?? (e.rawId ? platformKey(kind, e.rawId, salt) : undefined);
        if (!key) throw new UsageError(`${values.input}[${i}]: needs platformKey or rawId`);
        return {
          platformKey: key,
          facilityId: e.facilityId as Hex,
          kind,
          level: Number(e.level),
          cadence: Number(e.cadence ?? 0),
          verifiedAt: BigInt(e.verifiedAt ?? 0),
          evidenceHash: e.evidenceHash as Hex,
          method: e.method ?? "",
          evidenceUri: e.evidenceUri ?? "",
          endorsers: (e.endorsers ?? []).map((x) => getAddress(x)),
        };
      });
      call = registryCalls.setEntries(r, entries);
      break;
    }
    case "freeze":
    case "confirm-freeze":
    case "unfreeze":
    case "revoke":
      if (keys.length === 0) throw new UsageError(`${action} needs --key K`);
      call = registryCalls[action === "confirm-freeze" ? "confirmFreeze" : action](r, keys, reasonHash);
      break;
    case "remove-listener":
      call = registryCalls.removeListener(r, needAddress(values.listener, "--listener"));
      break;
    case "set-challenge-bond":
      if (!values.wei || !/^\d+$/.test(values.wei)) throw new UsageError("set-challenge-bond needs --wei N (a decimal amount of wei)");
      call = registryCalls.setChallengeBond(r, BigInt(values.wei));
      break;
    case "set-freeze-window":
      if (!values.seconds || !/^\d+$/.test(values.seconds)) throw new UsageError("set-freeze-window needs --seconds N");
      call = registryCalls.setFreezeWindow(r, BigInt(values.seconds));
      break;
    default: {
      if (!values.challenge || !/^\d+$/.test(values.challenge)) throw new UsageError("dismiss-challenge needs --challenge ID");
      call = registryCalls.dismissChallenge(r, BigInt(values.challenge));
    }
  }
  // The class is the Alliance's decision (its class table), not the CLI's: ask it.
  const required = await readRequiredClass(ctx.client, { alliance: a, calls: [call] });
  const proposalClass = values.class ? parseProposalClass(values.class) : required;
  if (proposalClass < required) {
    throw new UsageError(`--class ${proposalClassNames[proposalClass]}: the Alliance's class table requires ${proposalClassNames[required]} for this call`);
  }
  const nowSec = (await ctx.client.getBlock()).timestamp;
  const deadline = values.deadline ? BigInt(values.deadline) : nowSec + BigInt(values["deadline-in"] ?? 7 * 86400);
  const description = values.description ?? `${action}${values.reason ? `: ${values.reason}` : ""}`;
  const file = proposalToFile({ calls: [call], proposalClass, deadline, description }, { chainId: ctx.chainId, alliance: a });
  if (values.out) writeFileSync(resolve(io.cwd, values.out), toJson(file) + "\n");
  if (values.json || !values.out) io.out(toJson(file));
  else io.out(`proposal ${file.proposalId} (${file.class}, deadline ${isoTime(deadline)}) written to ${values.out}`);
  return 0;
}

async function sign(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { signer: { type: "string" }, out: { type: "string" }, json: { type: "boolean" } },
  });
  if (positionals.length !== 1) throw new UsageError("sign needs exactly one proposal file");
  const { chainId, alliance, proposalId } = proposalFromFile(readJsonFile(io, positionals[0]!));
  const account = signingAccount(io);
  // Signing is offline: a client without transport calls, only the local account.
  const offline = custom({
    request: async ({ method }) => {
      throw new UsageError(`sign works offline; it does not call ${method}`);
    },
  });
  const client = walletFor(offline, account, chainId);
  const vote = await signVote(client, { alliance, chainId, proposalId, ...(values.signer ? { signer: needAddress(values.signer, "--signer") } : {}) });
  if (values.out) writeFileSync(resolve(io.cwd, values.out), toJson(vote) + "\n");
  if (values.json || !values.out) io.out(toJson(vote));
  else io.out(`vote by ${vote.signer} on ${vote.proposalId} written to ${values.out}`);
  return 0;
}

async function submit(argv: string[], io: CliIO, deps: ChainDeps): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { ...chainOptions } });
  if (positionals.length < 1) throw new UsageError("submit needs a proposal file and vote files");
  const { proposal, chainId, alliance, proposalId } = proposalFromFile(readJsonFile(io, positionals[0]!));
  const ctx = await connect({ ...values, alliance }, io, deps, { alliance: true });
  if (ctx.chainId !== chainId) throw new UsageError(`the proposal is for chain ${chainId}, the RPC serves chain ${ctx.chainId}`);
  const votes = await collectVoteSignatures({
    alliance,
    chainId,
    proposalId,
    files: positionals.slice(1).map((name) => ({ name, content: readJsonFile(io, name) })),
    isContract: async (addr) => ((await getCode(ctx.client, { address: addr })) ?? "0x") !== "0x",
  });
  io.progress(`submitting ${toHex(proposalId, { size: 32 })} with ${votes.length} signature(s)...`);
  const wallet = walletFor(ctx.transport, signingAccount(io), chainId);
  const hash = await writeExecuteWithSignatures(wallet, { alliance, proposal, votes });
  const receipt = await waitForTransactionReceipt(ctx.client, { hash });
  const result = { proposalId: toHex(proposalId, { size: 32 }), transactionHash: hash, status: receipt.status, gasUsed: receipt.gasUsed, signatures: votes.length };
  if (values.json) io.out(toJson(result));
  else io.out(`executed ${result.proposalId} in ${hash} (${receipt.gasUsed} gas, ${votes.length} signatures)`);
  return receipt.status === "success" ? 0 : 1;
}

async function status(argv: string[], io: CliIO, deps: ChainDeps): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { ...chainOptions } });
  const parsed = positionals[0] ? proposalFromFile(readJsonFile(io, positionals[0])) : undefined;
  const ctx = await connect({ ...values, ...(parsed ? { alliance: parsed.alliance } : {}) }, io, deps, { alliance: true });
  const s = await readAllianceStatus(ctx.client, { alliance: ctx.alliance });
  const nowSec = (await ctx.client.getBlock()).timestamp;
  let proposal: Record<string, unknown> | undefined;
  if (parsed) {
    const executed = await readProposalExecuted(ctx.client, { alliance: ctx.alliance, proposalId: parsed.proposalId });
    proposal = {
      proposalId: toHex(parsed.proposalId, { size: 32 }),
      class: proposalClassNames[parsed.proposal.proposalClass],
      deadline: parsed.proposal.deadline,
      expired: nowSec > parsed.proposal.deadline,
      executed,
      required: proposalThreshold(parsed.proposal.proposalClass, s.members.length),
    };
  }
  const out = { chainId: ctx.chainId, alliance: ctx.alliance, ...s, ...(proposal ? { proposal } : {}) };
  if (values.json) {
    io.out(toJson(out));
    return 0;
  }
  io.out(`Alliance ${ctx.alliance} on chain ${ctx.chainId}: ${s.members.length} members`);
  for (const m of s.members) io.out(`  ${m.address}  ${m.name}${s.chair.address === m.address ? "  (chair)" : ""}`);
  io.out(`thresholds: emergency-freeze ${s.thresholds.emergencyFreeze}, ordinary ${s.thresholds.ordinary}, security-critical ${s.thresholds.securityCritical}`);
  io.out(s.chair.address ? `chair: ${s.chair.address}, term ends ${isoTime(s.chair.termEnd)}${s.chair.inOffice ? "" : " (not in office)"}` : "chair: none elected");
  if (proposal) io.out(`proposal ${proposal.proposalId}: ${proposal.class}, needs ${proposal.required}, ${proposal.executed ? "executed" : proposal.expired ? "expired" : "open"}`);
  return 0;
}

export const command: Command = makeAllianceCommand();
