/**
 * `poc alliance` and `poc registry` against the in-process chain: the commands' own code with an
 * injected EIP-1193 transport instead of HTTP, addresses from a deployments/<chainId>.json book,
 * keys from POC_PRIVATE_KEY (the chain's well-known test mnemonic).
 */
import { mkdtempSync, readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { custom, getAddress, keccak256, parseEther, stringToBytes, toHex, type Hex } from "viem";
import { readChallengeBond } from "../../../sdk/src/chain/hardwareRegistry.js";
import { mnemonicToAccount } from "viem/accounts";
import type { CliIO } from "../../../cli/io.js";
import { makeAllianceCommand } from "../../../cli/commands/alliance.js";
import { makeRegistryCommand } from "../../../cli/commands/registry.js";
import { main } from "../../../cli/main.js";
import { connectChain, deployStack, TDX_PPID, type Connection } from "../../contracts/fixture.js";
import { FACILITY } from "../../contracts/registryFixture.js";

const MNEMONIC = "test test test test test test test test test test test junk";
const keyOf = (i: number): Hex => toHex(mnemonicToAccount(MNEMONIC, { addressIndex: i }).getHdKey().privateKey!);

let c: Connection;
let dir: string;
let alliance: ReturnType<typeof makeAllianceCommand>;
let registry: ReturnType<typeof makeRegistryCommand>;
let registryAddress: Hex;

function io(env: Record<string, string> = {}): CliIO & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (l) => stdout.push(l), err: (l) => stderr.push(l), progress: (l) => stderr.push(l), cwd: dir, env };
}
const json = (o: { stdout: string[] }) => JSON.parse(o.stdout.join("\n"));

beforeAll(async () => {
  c = await connectChain();
  expect(mnemonicToAccount(MNEMONIC, { addressIndex: 0 }).address).toBe(getAddress(c.wallets[0]!.account.address));
  const s = await deployStack(c, 3);
  registryAddress = s.registry.address;
  dir = mkdtempSync(join(tmpdir(), "poc-cli-"));
  mkdirSync(join(dir, "deployments"));
  writeFileSync(join(dir, "deployments", `${c.chainId}.json`), JSON.stringify({ chainId: c.chainId, contracts: { Alliance: s.alliance.address, HardwareRegistry: s.registry.address } }));
  const transport = custom(c.publicClient.transport as unknown as { request: (...a: any[]) => Promise<any> });
  alliance = makeAllianceCommand({ transport });
  registry = makeRegistryCommand({ transport });
});

/** propose → three members sign (the ordinary threshold for 3 or 4 members) → an outsider submits. */
async function governed(args: string[], name: string): Promise<void> {
  const p = io();
  expect(await alliance.run(["propose", ...args, "--out", `${name}.json`], p), p.stderr.join("\n")).toBe(0);
  for (const i of [0, 1, 2]) {
    const s = io({ POC_PRIVATE_KEY: keyOf(i) });
    expect(await alliance.run(["sign", `${name}.json`, "--out", `${name}-vote${i}.json`], s), s.stderr.join("\n")).toBe(0);
  }
  const sub = io({ POC_PRIVATE_KEY: keyOf(9) });
  expect(await alliance.run(["submit", `${name}.json`, `${name}-vote0.json`, `${name}-vote1.json`, `${name}-vote2.json`, "--json"], sub), sub.stderr.join("\n")).toBe(0);
  expect(json(sub).status).toBe("success");
}

describe("poc alliance: a proposal file, offline vote files, one submission", () => {
  it("admits a member and status shows it", async () => {
    await governed(["add-member", "--member", c.wallets[5]!.account.address, "--name", "Fifth Org"], "add");
    const st = io();
    expect(await alliance.run(["status", "add.json", "--json"], st)).toBe(0);
    const s = json(st);
    expect(s.members.map((m: { name: string }) => m.name)).toEqual(["Member 1", "Member 2", "Member 3", "Fifth Org"]);
    expect(s.thresholds).toEqual({ emergencyFreeze: 2, ordinary: 3, securityCritical: 3 });
    // The class came from the Alliance's class table: admission is security-critical.
    expect(s.proposal).toMatchObject({ executed: true, class: "security-critical" });
    const human = io();
    expect(await alliance.run(["status"], human)).toBe(0);
    expect(human.stdout.join("\n")).toMatch(/4 members/);
  });

  it("a --class weaker than the Alliance's class table requires is a usage error", async () => {
    const p = io();
    await expect(alliance.run(["propose", "remove-member", "--member", c.wallets[1]!.account.address, "--class", "ordinary"], p)).rejects.toThrow(
      /--class ordinary: the Alliance's class table requires security-critical/,
    );
  });

  it("a vote file for another proposal is refused before any transaction, naming the file", async () => {
    const p = io();
    expect(await alliance.run(["propose", "elect-chair", "--member", c.wallets[0]!.account.address, "--out", "chair.json"], p)).toBe(0);
    const sub2 = io({ POC_PRIVATE_KEY: keyOf(9) });
    await expect(alliance.run(["submit", "chair.json", "add-vote0.json"], sub2)).rejects.toThrow(/add-vote0.json: signed proposal/);
  });

  it("through `poc` itself: a missing subcommand is a usage error with exit code 2", async () => {
    const o = io();
    expect(await main(["alliance"], o)).toBe(2);
    expect(o.stderr.join("\n")).toMatch(/expected propose, sign, submit or status/);
  });

  it("a tampered proposal file is refused: its id no longer matches its contents", async () => {
    const f = JSON.parse(readFileSync(join(dir, "chair.json"), "utf8"));
    f.description = "something else";
    writeFileSync(join(dir, "tampered.json"), JSON.stringify(f));
    await expect(alliance.run(["sign", "tampered.json"], io({ POC_PRIVATE_KEY: keyOf(0) }))).rejects.toThrow(/proposalId/);
  });
});

describe("poc registry: show, list, challenge", () => {
  it("registers the real TDX PPID through proposals, then shows, lists and challenges it", async () => {
    writeFileSync(join(dir, "facilities.json"), JSON.stringify([FACILITY]));
    await governed(["set-facilities", "--input", "facilities.json"], "fac");
    const now = (await c.publicClient.getBlock()).timestamp;
    writeFileSync(
      join(dir, "entries.json"),
      JSON.stringify([
        {
          kind: "intel-ppid",
          rawId: TDX_PPID,
          facilityId: FACILITY.facilityId,
          level: 3,
          cadence: 3600,
          verifiedAt: now.toString(),
          evidenceHash: keccak256(stringToBytes("tdx quote + site visit")),
          method: "dcap-quote+site-visit",
          evidenceUri: "ipfs://bafy-tdx",
          endorsers: [c.wallets[0]!.account.address],
        },
      ]),
    );
    await governed(["set-entries", "--input", "entries.json"], "entries");

    const show = io();
    expect(await registry.run(["show", TDX_PPID, "--json"], show)).toBe(0);
    const shown = json(show);
    expect(shown.verified).toBe(true);
    expect(shown.entry).toMatchObject({ level: 3, effectiveLevel: 3, status: 0 });
    expect(shown.entry.record.method).toBe("dcap-quote+site-visit");
    expect(shown.facility.provider).toBe("OVHcloud");

    const ch = io({ POC_PRIVATE_KEY: keyOf(12) });
    expect(await registry.run(["challenge", TDX_PPID, "--evidence-hash", keccak256(stringToBytes("report")), "--uri", "https://x/report", "--json"], ch), ch.stderr.join("\n")).toBe(0);
    expect(json(ch).challengeId).toBe("0");

    const human = io();
    expect(await registry.run(["show", shown.platformKey], human)).toBe(0);
    expect(human.stdout.join("\n")).toMatch(/challenge #0: open/);

    const ls = io();
    expect(await registry.run(["list", "--json"], ls)).toBe(0);
    expect(json(ls).entries).toHaveLength(1);
    expect(json(ls).logSize).toBe(3);

    const unknown = io();
    expect(await registry.run(["show", "0xea13c3903ba2db3b83fed09efb90c417"], unknown)).toBe(1);
    expect(unknown.stdout[0]).toMatch(/not in the registry/);
  });

  it("an upheld challenge's bond comes back through claim-bond, once; the bond and freeze window are proposals", async () => {
    const show = io();
    expect(await registry.run(["show", TDX_PPID, "--json"], show)).toBe(0);
    const key = json(show).platformKey as Hex;
    await governed(["revoke", "--key", key, "--reason", "upheld challenge"], "revoke");
    const challenger = c.wallets[12]!.account.address;
    const before = await c.publicClient.getBalance({ address: challenger });
    const claim = io({ POC_PRIVATE_KEY: keyOf(9) });
    expect(await registry.run(["claim-bond", "0", "--json"], claim), claim.stderr.join("\n")).toBe(0);
    expect(json(claim)).toMatchObject({ challengeId: "0", status: "success" });
    expect((await c.publicClient.getBalance({ address: challenger })) - before).toBe(parseEther("0.01"));
    await expect(registry.run(["claim-bond", "0"], io({ POC_PRIVATE_KEY: keyOf(9) }))).rejects.toThrow(/BondAlreadyClaimed/);

    await governed(["set-challenge-bond", "--wei", parseEther("0.05").toString()], "bond");
    expect(await readChallengeBond(c.publicClient, { registry: registryAddress })).toBe(parseEther("0.05"));
    await governed(["set-freeze-window", "--seconds", "86400"], "window");
    const p = io();
    await expect(alliance.run(["propose", "set-challenge-bond", "--wei", "1", "--class", "ordinary"], p)).rejects.toThrow(/requires security-critical/);
    await expect(alliance.run(["propose", "set-challenge-bond"], io())).rejects.toThrow(/--wei N/);
  });

  it("bad input is a usage error", async () => {
    await expect(registry.run(["show", "0x1234"], io())).rejects.toThrow(/16 \(Intel PPID\) or 64/);
    await expect(registry.run(["frob"], io())).rejects.toThrow(/expected show, list, challenge, claim-bond or enroll/);
    await expect(registry.run(["claim-bond", "x"], io())).rejects.toThrow(/challenge ID/);
    await expect(registry.run(["challenge", TDX_PPID, "--uri", "u", "--evidence-hash", "0x12"], io())).rejects.toThrow(/--evidence/);
  });
});
