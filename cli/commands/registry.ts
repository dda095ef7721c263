/**
 * `poc registry show|list|challenge|claim-bond|enroll`: read an entry by PPID, chip ID or platformKey; list
 * every entry from the log; open a challenge (with its bond); pay an upheld challenge's bond back;
 * enrol hardware through the GCE verification method from evidence files (no vote).
 * `show` exits 1 when the hardware is not verified now; `enroll` exits 1 when the method refuses.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { decodeEventLog, formatEther, getAddress, isAddress, isHex, keccak256, type Address, type Hex } from "viem";
import { waitForTransactionReceipt } from "viem/actions";
import { hardwareRegistryAbi } from "../../sdk/src/chain/abi/HardwareRegistry.js";
import {
  entryStatusNames,
  getLogLeaves,
  readChallenge,
  readChallengeBond,
  readEntryRecord,
  readFacility,
  readHardwareEntry,
  readRegistrySalt,
  writeChallenge,
  writeClaimChallengeBond,
} from "../../sdk/src/chain/hardwareRegistry.js";
import { parsePlatformKind, platformKey } from "../../sdk/src/vocabulary/platformKey.js";
import { UsageError, withHexPrefix, type CliIO, type Command } from "../io.js";
import { buildGceEnrolment, gceBindingHash, gceEnrolSubject, gceEvidenceFromFiles, GCE_MAX_ANCHOR_AGE } from "../../sdk/src/chain/gceMethod.js";
import { decodeContractRevert } from "../../sdk/src/chain/revert.js";
import { findAddress } from "../../sdk/src/chain/addressBook.js";
import { ChainInputError } from "../../sdk/src/chain/errors.js";
import { ParseError } from "../../sdk/src/errors.js";
import { chainOptions, chainUsage, connect, isoTime, signingAccount, toJson, walletFor, type ChainDeps } from "./_chain.js";

const usage = `usage:
  poc registry show <ppid | chip-id | platformKey> [--kind intel|amd] [--json]
      16 bytes: Intel PPID, 64 bytes: AMD chip ID, 32 bytes: platformKey. Exit 0 when the
      hardware is verified now (effective level >= 1), 1 when unknown, frozen or revoked.
  poc registry list [--json]
  poc registry challenge <ppid | chip-id | platformKey> (--evidence FILE | --evidence-hash HEX)
                         --uri URI [--json]     (signs with POC_PRIVATE_KEY; anyone may challenge)
      sends the registry's challenge bond: refunded if the entry is revoked while the challenge is
      open, kept by the Alliance if the challenge is dismissed
  poc registry claim-bond <challengeId> [--json]
      pays an upheld challenge's bond back to its challenger (once; any account may send it)
  poc registry enroll --prepare --level 2|3 [--cadence SECONDS] [--method ADDR] [--json]
      the newest block and the binding hash the machine's quotes must carry (TDX report data =
      binding || sha256(akPublic); TPM qualifying data = binding); valid for ${GCE_MAX_ANCHOR_AGE} blocks
  poc registry enroll --quote FILE --tpm FILE.json --ak-chain FILE.pem --anchor-block N
                      --level 2|3 [--cadence SECONDS] [--zone Z] [--instance ID] [--method ADDR]
                      [--calldata] [--json]
      builds GceMethod.enrol's calldata from the evidence files (quote: raw TDX quote or 0x-hex;
      tpm: { akPublic, attest, signature, pcrValues } 0x-hex; ak-chain: PEM, AK certificate first,
      root last; zone and instance default to the AK certificate's); --calldata prints it, otherwise
      it is sent (POC_PRIVATE_KEY; anyone may relay). Method: --method, POC_GCE_METHOD or the book's
      GceMethod. docs/hardware-registry.md#the-gce-method
${chainUsage}`;

const levelNames = ["none", "human-assisted", "automated", "continuous"];

export function makeRegistryCommand(deps: ChainDeps = {}): Command {
  return { summary: "Proof of Cloud hardware registry: show, list, challenge, claim-bond, enroll", usage, run: (argv, io) => run(argv, io, deps) };
}

async function run(argv: string[], io: CliIO, deps: ChainDeps): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === "show") return show(rest, io, deps);
  if (sub === "list") return list(rest, io, deps);
  if (sub === "challenge") return challenge(rest, io, deps);
  if (sub === "claim-bond") return claimBond(rest, io, deps);
  if (sub === "enroll") return enroll(rest, io, deps);
  throw new UsageError(`expected show, list, challenge, claim-bond or enroll, got ${sub ?? "nothing"}`);
}

/**
 * A PPID (16 bytes), chip ID (64 bytes) or platformKey (32 bytes), checked before anything is
 * asked of the chain: bad input is a usage error whatever the endpoint's state.
 */
type HardwareIdArg = { key: Hex } | { id: Hex; kind: number };
function hardwareIdArg(id: string | undefined, kindFlag: string | undefined): HardwareIdArg {
  // `poc verify` prints IDs without 0x: accept both spellings.
  if (id !== undefined) id = withHexPrefix(id);
  if (!id || !isHex(id) || id.length % 2 !== 0) throw new UsageError("expected a 0x-hex PPID (16 bytes), chip ID (64 bytes) or platformKey (32 bytes)");
  const n = (id.length - 2) / 2;
  if (n === 32 && !kindFlag) return { key: id.toLowerCase() as Hex };
  const kind = kindFlag ? parsePlatformKind(kindFlag) : n === 16 ? 1 : n === 64 ? 2 : undefined;
  if (!kind) throw new UsageError(`a hardware ID has 16 (Intel PPID) or 64 (AMD chip ID) bytes; got ${n}`);
  return { id, kind };
}

/** The platformKey of a checked hardware ID (a PPID or chip ID needs the registry's salt). */
async function resolveKey(arg: HardwareIdArg, salt: () => Promise<Hex>): Promise<Hex> {
  return "key" in arg ? arg.key : platformKey(arg.kind, arg.id, await salt());
}

async function show(argv: string[], io: CliIO, deps: ChainDeps): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { ...chainOptions, kind: { type: "string" } } });
  const idArg = hardwareIdArg(positionals[0], values.kind);
  const ctx = await connect(values, io, deps, { registry: true });
  const registry = ctx.hardwareRegistry;
  const key = await resolveKey(idArg, () => readRegistrySalt(ctx.client, { registry }));
  // Events start at the deployment (the address book's block), never 0 when a book is at hand.
  const fromBlock = ctx.book?.deploymentBlock ?? ctx.book?.contracts.HardwareRegistry?.block ?? 0n;
  const e = await readEntryRecord(ctx.client, { registry, platformKey: key, fromBlock });
  const facility = e.exists ? await readFacility(ctx.client, { registry, facilityId: e.facilityId }) : null;
  const challengeIds = e.exists
    ? (await getLogLeaves(ctx.client, { registry, fromBlock }))
        .filter((l) => l.decoded.leafType === 5 && l.decoded.subject.toLowerCase() === key)
        .map((l) => (l.decoded.leafType === 5 ? l.decoded.payload.challengeId : 0n))
    : [];
  const challenges = await Promise.all(challengeIds.map((id) => readChallenge(ctx.client, { registry, challengeId: id })));
  const verified = e.exists && e.effectiveLevel > 0;
  if (values.json) {
    io.out(toJson({ platformKey: key, verified, entry: e, facility, challenges }));
    return verified ? 0 : 1;
  }
  if (!e.exists) {
    io.out(`${key}: not in the registry`);
    return 1;
  }
  io.out(`platformKey  ${key}`);
  io.out(`status       ${entryStatusNames[e.status]}${e.status === 1 ? ` until ${isoTime(e.frozenUntil)}` : ""}`);
  io.out(`level        ${e.effectiveLevel} (${levelNames[e.effectiveLevel]})${e.effectiveLevel !== e.level ? `, recorded ${e.level}` : ""}`);
  io.out(`facility     ${facility?.provider}, ${facility?.site}, ${facility?.country}`);
  io.out(`verified at  ${isoTime(e.verifiedAt)}; last heartbeat ${isoTime(e.lastHeartbeat)}${e.cadence ? `; cadence ${e.cadence} s` : ""}`);
  if (e.record) {
    io.out(`method       ${e.record.method}`);
    io.out(`evidence     ${e.record.evidenceHash} ${e.record.evidenceUri}`);
    io.out(`endorsers    ${e.record.endorsers.join(", ") || "-"}`);
  }
  for (const c of challenges) {
    io.out(`challenge #${c.challengeId}: ${["open", "dismissed", "upheld"][c.outcome]}, age ${(Number(c.age) / 3600).toFixed(1)} h, by ${c.challenger}`);
  }
  return verified ? 0 : 1;
}

async function list(argv: string[], io: CliIO, deps: ChainDeps): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { ...chainOptions } });
  const ctx = await connect(values, io, deps, { registry: true });
  const registry = ctx.hardwareRegistry;
  io.progress("reading the log...");
  const leaves = await getLogLeaves(ctx.client, { registry, fromBlock: ctx.book?.deploymentBlock ?? ctx.book?.contracts.HardwareRegistry?.block ?? 0n });
  // Entries come from votes (EntrySet) and from verification methods (MethodAction, action 1: enrolled).
  const entryLeaf = (d: (typeof leaves)[number]["decoded"]) => d.leafType === 2 || (d.leafType === 9 && d.payload.action === 1);
  const keys = [...new Set(leaves.filter((l) => entryLeaf(l.decoded)).map((l) => l.decoded.subject))];
  const entries = await Promise.all(keys.map(async (k) => ({ platformKey: k, ...(await readHardwareEntry(ctx.client, { registry, platformKey: k })) })));
  if (values.json) {
    io.out(toJson({ logSize: leaves.length, entries }));
    return 0;
  }
  io.out(`${entries.length} entries, ${leaves.length} log leaves`);
  for (const e of entries) {
    io.out(`${e.platformKey}  level ${e.effectiveLevel}  ${entryStatusNames[e.status].padEnd(7)}  challenges ${e.openChallenges}  verified ${isoTime(e.verifiedAt)}`);
  }
  return 0;
}

async function challenge(argv: string[], io: CliIO, deps: ChainDeps): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { ...chainOptions, kind: { type: "string" }, evidence: { type: "string" }, "evidence-hash": { type: "string" }, uri: { type: "string" } },
  });
  if (!values.uri) throw new UsageError("challenge needs --uri where the evidence can be read");
  let evidenceHash: Hex;
  if (values.evidence) evidenceHash = keccak256(readFileSync(resolve(io.cwd, values.evidence)));
  else if (values["evidence-hash"] && isHex(values["evidence-hash"]) && values["evidence-hash"].length === 66) evidenceHash = values["evidence-hash"] as Hex;
  else throw new UsageError("challenge needs --evidence FILE or --evidence-hash 0x<32 bytes>");
  const idArg = hardwareIdArg(positionals[0], values.kind);
  const ctx = await connect(values, io, deps, { registry: true });
  const registry = ctx.hardwareRegistry;
  const key = await resolveKey(idArg, () => readRegistrySalt(ctx.client, { registry }));
  const wallet = walletFor(ctx.transport, signingAccount(io), ctx.chainId);
  // The bond comes back if the entry is revoked while the challenge is open, and goes to the Alliance if it is dismissed.
  const bond = await readChallengeBond(ctx.client, { registry });
  io.progress(`challenging ${key} (bond ${formatEther(bond)} ETH)...`);
  const hash = await writeChallenge(wallet, { registry, platformKey: key, evidenceHash, evidenceUri: values.uri, bond });
  const receipt = await waitForTransactionReceipt(ctx.client, { hash });
  let challengeId: bigint | undefined;
  for (const log of receipt.logs) {
    try {
      const ev = decodeEventLog({ abi: hardwareRegistryAbi, data: log.data, topics: log.topics });
      if (ev.eventName === "ChallengeOpened") challengeId = ev.args.challengeId;
    } catch {
      /* other events */
    }
  }
  const result = { platformKey: key, challengeId, evidenceHash, bond, transactionHash: hash, status: receipt.status };
  if (values.json) io.out(toJson(result));
  else io.out(`challenge #${challengeId} opened against ${key} in ${hash} (bond ${formatEther(bond)} ETH, refunded if upheld)`);
  return receipt.status === "success" ? 0 : 1;
}

export const command: Command = makeRegistryCommand();

async function claimBond(argv: string[], io: CliIO, deps: ChainDeps): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { ...chainOptions } });
  const id = positionals[0];
  if (!id || !/^\d+$/.test(id)) throw new UsageError("claim-bond needs a challenge ID (a decimal number)");
  const ctx = await connect(values, io, deps, { registry: true });
  const registry = ctx.hardwareRegistry;
  const c = await readChallenge(ctx.client, { registry, challengeId: BigInt(id) });
  const wallet = walletFor(ctx.transport, signingAccount(io), ctx.chainId);
  const hash = await writeClaimChallengeBond(wallet, { registry, challengeId: BigInt(id) });
  const receipt = await waitForTransactionReceipt(ctx.client, { hash });
  const result = { challengeId: BigInt(id), challenger: c.challenger, transactionHash: hash, status: receipt.status };
  if (values.json) io.out(toJson(result));
  else io.out(`challenge #${id}: bond paid back to ${c.challenger} in ${hash}`);
  return receipt.status === "success" ? 0 : 1;
}

function fileBytes(io: CliIO, path: string | undefined, what: string): Uint8Array {
  if (!path) throw new UsageError(`enroll needs ${what}`);
  try {
    return new Uint8Array(readFileSync(resolve(io.cwd, path)));
  } catch {
    throw new UsageError(`${what}: cannot read ${path}`);
  }
}

function intFlag(v: string | undefined, what: string, fallback?: number): number {
  if (v === undefined && fallback !== undefined) return fallback;
  if (v === undefined || !/^\d+$/.test(v)) throw new UsageError(`${what}: expected a non-negative integer, got ${v ?? "nothing"}`);
  return Number(v);
}

async function enroll(argv: string[], io: CliIO, deps: ChainDeps): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      ...chainOptions,
      prepare: { type: "boolean" },
      calldata: { type: "boolean" },
      method: { type: "string" },
      quote: { type: "string" },
      tpm: { type: "string" },
      "ak-chain": { type: "string" },
      "anchor-block": { type: "string" },
      level: { type: "string" },
      cadence: { type: "string" },
      zone: { type: "string" },
      instance: { type: "string" },
    },
  });
  const level = intFlag(values.level, "--level");
  const cadence = intFlag(values.cadence, "--cadence", 0);
  const ctx = await connect(values, io, deps, {});
  const m = values.method ?? io.env.POC_GCE_METHOD;
  if (m !== undefined && !isAddress(m)) throw new UsageError(`--method: not an address: ${m}`);
  const gceMethod: Address | undefined = m !== undefined ? getAddress(m) : ctx.book && findAddress(ctx.book, "GceMethod");
  if (!gceMethod) throw new UsageError(`no GceMethod address: pass --method, set POC_GCE_METHOD or add it to deployments/${ctx.chainId}.json`);
  if (values.prepare) {
    const block = await ctx.client.getBlock();
    const bindingHash = gceBindingHash({ chainId: ctx.chainId, gceMethod, anchorBlock: block.number, anchorBlockHash: block.hash, subject: gceEnrolSubject(level, cadence) });
    const result = { gceMethod, anchorBlock: block.number, anchorBlockHash: block.hash, level, cadence, bindingHash, validUntilBlock: block.number + GCE_MAX_ANCHOR_AGE };
    if (values.json) io.out(toJson(result));
    else io.out(`bind ${bindingHash} (anchor block ${block.number}, usable until block ${result.validUntilBlock})`);
    return 0;
  }
  const anchorBlock = BigInt(intFlag(values["anchor-block"], "--anchor-block"));
  if (values.instance !== undefined && !/^\d+$/.test(values.instance)) throw new UsageError(`--instance: expected a decimal instance ID, got ${values.instance}`);
  let built;
  try {
    const ev = gceEvidenceFromFiles({
      quote: fileBytes(io, values.quote, "--quote"),
      tpmJson: new TextDecoder().decode(fileBytes(io, values.tpm, "--tpm")),
      akChainPem: fileBytes(io, values["ak-chain"], "--ak-chain"),
    });
    built = buildGceEnrolment({ ...ev, level, cadence, anchorBlock, zone: values.zone, instanceId: values.instance === undefined ? undefined : BigInt(values.instance) });
  } catch (e) {
    if (e instanceof ChainInputError || e instanceof ParseError) throw new UsageError(e.message);
    throw e;
  }
  const summary = { gceMethod, zone: built.claim.zone, instanceId: built.claim.instanceId, projectId: built.instance.projectId, level, cadence, anchorBlock, evidenceHash: built.evidenceHash };
  if (values.calldata) {
    if (values.json) io.out(toJson({ ...summary, to: gceMethod, data: built.data }));
    else io.out(`to ${gceMethod}\ndata ${built.data}`);
    return 0;
  }
  const wallet = walletFor(ctx.transport, signingAccount(io), ctx.chainId);
  io.progress(`enrolling ${built.claim.zone} / ${built.claim.instanceId} through ${gceMethod}...`);
  try {
    const hash = await wallet.sendTransaction({ to: gceMethod, data: built.data, chain: wallet.chain, account: wallet.account });
    const receipt = await waitForTransactionReceipt(ctx.client, { hash });
    const result = { ...summary, transactionHash: hash, status: receipt.status, gasUsed: receipt.gasUsed };
    if (values.json) io.out(toJson(result));
    else io.out(`enrolled (${receipt.status}) in ${hash}, ${receipt.gasUsed} gas`);
    return receipt.status === "success" ? 0 : 1;
  } catch (e) {
    // A refusal by the method (or any contract it calls) is exit 1, not an input error.
    const revert = decodeContractRevert(e);
    if (!revert) throw e;
    if (values.json) io.out(toJson({ ...summary, refused: revert.errorName, args: revert.args }));
    else io.err(`refused: ${revert.reason}`);
    return 1;
  }
}
