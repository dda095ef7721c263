/**
 * `poc registry show|list|challenge|claim-bond`: read an entry by PPID, chip ID or platformKey; list
 * every entry from the log; open a challenge (with its bond); pay an upheld challenge's bond back.
 * `show` exits 1 when the hardware is not verified now.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { decodeEventLog, formatEther, isHex, keccak256, type Hex } from "viem";
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
${chainUsage}`;

const levelNames = ["none", "human-assisted", "automated", "continuous"];

export function makeRegistryCommand(deps: ChainDeps = {}): Command {
  return { summary: "Proof of Cloud hardware registry: show, list, challenge, claim-bond", usage, run: (argv, io) => run(argv, io, deps) };
}

async function run(argv: string[], io: CliIO, deps: ChainDeps): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === "show") return show(rest, io, deps);
  if (sub === "list") return list(rest, io, deps);
  if (sub === "challenge") return challenge(rest, io, deps);
  if (sub === "claim-bond") return claimBond(rest, io, deps);
  throw new UsageError(`expected show, list, challenge or claim-bond, got ${sub ?? "nothing"}`);
}

/** A PPID (16 bytes), chip ID (64 bytes) or platformKey (32 bytes) to a platformKey. */
async function resolveKey(id: string | undefined, kindFlag: string | undefined, salt: () => Promise<Hex>): Promise<{ key: Hex; kind?: number }> {
  // `poc verify` prints IDs without 0x: accept both spellings.
  if (id !== undefined) id = withHexPrefix(id);
  if (!id || !isHex(id) || id.length % 2 !== 0) throw new UsageError("expected a 0x-hex PPID (16 bytes), chip ID (64 bytes) or platformKey (32 bytes)");
  const n = (id.length - 2) / 2;
  if (n === 32 && !kindFlag) return { key: id.toLowerCase() as Hex };
  const kind = kindFlag ? parsePlatformKind(kindFlag) : n === 16 ? 1 : n === 64 ? 2 : undefined;
  if (!kind) throw new UsageError(`a hardware ID has 16 (Intel PPID) or 64 (AMD chip ID) bytes; got ${n}`);
  return { key: platformKey(kind, id, await salt()), kind };
}

async function show(argv: string[], io: CliIO, deps: ChainDeps): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { ...chainOptions, kind: { type: "string" } } });
  const ctx = await connect(values, io, deps, { registry: true });
  const registry = ctx.hardwareRegistry;
  const { key } = await resolveKey(positionals[0], values.kind, () => readRegistrySalt(ctx.client, { registry }));
  const e = await readEntryRecord(ctx.client, { registry, platformKey: key });
  const facility = e.exists ? await readFacility(ctx.client, { registry, facilityId: e.facilityId }) : null;
  const challengeIds = e.exists
    ? (await getLogLeaves(ctx.client, { registry }))
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
  const leaves = await getLogLeaves(ctx.client, { registry });
  const keys = [...new Set(leaves.filter((l) => l.decoded.leafType === 2).map((l) => l.decoded.subject))];
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
  const ctx = await connect(values, io, deps, { registry: true });
  const registry = ctx.hardwareRegistry;
  const { key } = await resolveKey(positionals[0], values.kind, () => readRegistrySalt(ctx.client, { registry }));
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
