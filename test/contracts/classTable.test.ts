/**
 * The Alliance's class table (docs/alliance.md, "Class table"): every call of a proposal is checked
 * against the weakest class allowed for its (target, selector); no entry means SecurityCritical.
 * Issue 11, hole 1: a freeze-class proposal (2 of 6 members) reached ZkAttestationVerifier's setters,
 * which never read the executing class, and could allowlist its own zk program or pin its own ARK.
 */
import { readFileSync, readdirSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import hre from "hardhat";
import { encodeFunctionData, getAddress, keccak256, stringToBytes, toFunctionSelector, type Address, type Hex, type PublicClient } from "viem";
import { allianceCalls } from "../../sdk/src/chain/alliance.js";
import { allianceAbi } from "../../sdk/src/chain/abi/Alliance.js";
import { zkAttestationVerifierAbi } from "../../sdk/src/chain/abi/ZkAttestationVerifier.js";
import { hardwareRegistryAbi } from "../../sdk/src/chain/abi/HardwareRegistry.js";
import { registryCalls } from "../../sdk/src/chain/hardwareRegistry.js";
import { callClasses, governedSelector, type GovernedContract } from "../../ignition/callClasses.js";
import { deploySystem } from "../../testkit/deploy.js";
import { addressOf } from "../../sdk/src/chain/addressBook.js";
import { connectChain, deployStack, execute, expectRevert, makeProposal, pass, ProposalClass, signAll, type Connection, type Wallet } from "./fixture.js";

const repo = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const RISC0 = 0;
const KIND_SNP = 3;

let c: Connection;
let m: Wallet[];
beforeAll(async () => {
  c = await connectChain();
  m = c.wallets.slice(0, 6);
});

/** Six members and the whole system, deployed by the deploy script's code through the modules (testkit/deploy.ts). */
async function world() {
  const book = await deploySystem(c.conn, { members: m.map((w) => w.account.address) });
  const alliance = await c.viem.getContractAt("Alliance", addressOf(book, "Alliance"));
  const registry = await c.viem.getContractAt("HardwareRegistry", addressOf(book, "HardwareRegistry"));
  const zk = await c.viem.getContractAt("ZkAttestationVerifier", addressOf(book, "ZkAttestationVerifier"));
  return { a: alliance.address, alliance, registry, zk };
}

const zkCall = (zk: Address, functionName: "setProgram" | "setArkPinned" | "setMaxJournalAge" | "setCollateralStore", args: readonly unknown[]) => ({
  target: zk,
  value: 0n,
  data: encodeFunctionData({ abi: zkAttestationVerifierAbi, functionName, args } as never),
});

describe("hole 1: a freeze minority reaches only what the table marks for it", () => {
  it("2 of 6 members cannot allowlist a zk program, pin an ARK, change the age or the store (ClassTooWeak)", async () => {
    const { a, zk } = await world();
    const attackerProgram = keccak256(stringToBytes("the attackers' own program"));
    const calls = [
      zkCall(zk.address, "setProgram", [RISC0, attackerProgram, KIND_SNP]),
      zkCall(zk.address, "setArkPinned", [keccak256(stringToBytes("the attackers' ARK")), true]),
      zkCall(zk.address, "setMaxJournalAge", [10n ** 9n]),
      zkCall(zk.address, "setCollateralStore", [m[0]!.account.address]),
    ];
    expect(await zk.read.programKind([RISC0, attackerProgram])).toBe(0);
    for (const call of calls) {
      for (const cls of [ProposalClass.EmergencyFreeze, ProposalClass.Ordinary]) {
        const p = await makeProposal(c, [call], cls, `attack ${call.data.slice(0, 10)} ${cls}`);
        const args = await expectRevert(execute(c, a, p, await signAll(c, a, p, m.slice(0, cls === ProposalClass.Ordinary ? 4 : 2))), "ClassTooWeak");
        expect(args).toEqual([0n, getAddress(zk.address), call.data.slice(0, 10), ProposalClass.SecurityCritical, cls]);
      }
    }
    expect(await zk.read.programKind([RISC0, attackerProgram])).toBe(0);
    // The same calls pass with the security-critical bar (4 of 6).
    await pass(c, a, calls.slice(0, 1), ProposalClass.SecurityCritical, m.slice(0, 4), "allowlist by the bar");
    expect(await zk.read.programKind([RISC0, attackerProgram])).toBe(KIND_SNP);
  });

  it("the freeze class reaches HardwareRegistry.freeze and nothing else of the registry", async () => {
    const { a, registry } = await world();
    const key = keccak256(stringToBytes("some platform"));
    const weak = [
      registryCalls.unfreeze(registry.address, [key], keccak256("0x01")),
      registryCalls.setFreezeWindow(registry.address, 60n),
      registryCalls.dismissChallenge(registry.address, 0n),
    ];
    for (const call of weak) {
      const p = await makeProposal(c, [call], ProposalClass.EmergencyFreeze, `weak ${call.data.slice(0, 10)}`);
      await expectRevert(execute(c, a, p, await signAll(c, a, p, m.slice(0, 2))), "ClassTooWeak");
    }
    // freeze itself gets past the table (and then fails on the registry's own rule: no such entry).
    const freeze = await makeProposal(c, [registryCalls.freeze(registry.address, [key], keccak256("0x01"))], ProposalClass.EmergencyFreeze, "freeze");
    await expectRevert(execute(c, a, freeze, await signAll(c, a, freeze, m.slice(0, 2))), "UnknownEntry");
  });

  it("a call the table does not know, even one that moves no value, needs SecurityCritical; so does a plain transfer", async () => {
    const { a, alliance } = await world();
    const stranger = m[5]!.account.address;
    const unknown = { target: stranger, value: 0n, data: "0xdeadbeef" as Hex };
    expect(await alliance.read.callClass([stranger, "0xdeadbeef"])).toBe(ProposalClass.SecurityCritical);
    expect(await alliance.read.requiredClass([[unknown]])).toBe(ProposalClass.SecurityCritical);
    const p = await makeProposal(c, [unknown], ProposalClass.Ordinary, "unknown");
    expect(await expectRevert(execute(c, a, p, await signAll(c, a, p, m.slice(0, 4))), "ClassTooWeak")).toEqual([
      0n,
      getAddress(stranger),
      "0xdeadbeef",
      ProposalClass.SecurityCritical,
      ProposalClass.Ordinary,
    ]);
    const transfer = { target: stranger, value: 0n, data: "0x" as Hex };
    const q = await makeProposal(c, [transfer], ProposalClass.Ordinary, "transfer");
    expect((await expectRevert(execute(c, a, q, await signAll(c, a, q, m.slice(0, 4))), "ClassTooWeak"))[2]).toBe("0x00000000");
  });

  it("the table is checked per call: one strong call in a batch makes the whole proposal need its class; propose checks too", async () => {
    const { a, registry, zk } = await world();
    const calls = [registryCalls.setFreezeWindow(registry.address, 3600n), zkCall(zk.address, "setMaxJournalAge", [60n])];
    const weakFirst = [registryCalls.dismissChallenge(registry.address, 0n), calls[1]!];
    const p = await makeProposal(c, weakFirst, ProposalClass.Ordinary, "mixed");
    expect((await expectRevert(execute(c, a, p, await signAll(c, a, p, m.slice(0, 6))), "ClassTooWeak"))[0]).toBe(1n);
    await expectRevert(
      c.wallets[0]!.writeContract({ address: a, abi: allianceAbi, functionName: "propose", args: [weakFirst, ProposalClass.Ordinary, p.deadline, "mixed"] }),
      "ClassTooWeak",
    );
    const { alliance } = await world();
    expect(await alliance.read.requiredClass([calls])).toBe(ProposalClass.SecurityCritical);
  });
});

describe("only a security-critical proposal changes the table; the deployer only wires it before the first execution", () => {
  it("an ordinary majority cannot lower a class; the bar can; setCallClass's own entry is fixed", async () => {
    const { a, alliance, zk } = await world();
    const setProgram = governedSelector("ZkAttestationVerifier", "setProgram");
    const lower = { target: a, value: 0n, data: encodeFunctionData({ abi: allianceAbi, functionName: "setCallClass", args: [zk.address, [setProgram], ProposalClass.EmergencyFreeze] }) };
    const p = await makeProposal(c, [lower], ProposalClass.Ordinary, "lower");
    await expectRevert(execute(c, a, p, await signAll(c, a, p, m.slice(0, 6))), "ClassTooWeak");
    await pass(c, a, [lower], ProposalClass.SecurityCritical, m.slice(0, 4), "lower by the bar");
    expect(await alliance.read.callClass([zk.address, setProgram])).toBe(ProposalClass.EmergencyFreeze);

    const self = governedSelector("Alliance", "setCallClass");
    const unfix = { target: a, value: 0n, data: encodeFunctionData({ abi: allianceAbi, functionName: "setCallClass", args: [a, [self], ProposalClass.Ordinary] }) };
    const q = await makeProposal(c, [unfix], ProposalClass.SecurityCritical, "unfix");
    expect(await expectRevert(execute(c, a, q, await signAll(c, a, q, m.slice(0, 4))), "FixedCallClass")).toEqual([getAddress(a), self]);
  });

  it("the deployer's set-up window ends at closeSetup or the first execution; nobody else ever had it", async () => {
    const { alliance } = await deployStack(c, 3);
    const target = m[5]!.account.address;
    await expectRevert(alliance.write.setCallClass([target, ["0x12345678"], ProposalClass.EmergencyFreeze], { account: m[1]!.account }), "NotAlliance");
    // Not even in the window may the deployer touch the Alliance's own entries (e.g. make admission a freeze-class call).
    const addMember = governedSelector("Alliance", "addMember");
    await expectRevert(alliance.write.setCallClass([alliance.address, [addMember], ProposalClass.EmergencyFreeze]), "NotAlliance");
    expect(await alliance.read.callClass([alliance.address, addMember])).toBe(ProposalClass.SecurityCritical);
    await alliance.write.setCallClass([target, ["0x12345678"], ProposalClass.EmergencyFreeze]);
    expect(await alliance.read.setupOpen()).toBe(true);
    await pass(c, alliance.address, [allianceCalls.electChair(alliance.address, m[0]!.account.address)], ProposalClass.Ordinary, m.slice(0, 2), "first");
    expect(await alliance.read.setupOpen()).toBe(false);
    await expectRevert(alliance.write.setCallClass([target, ["0x12345678"], ProposalClass.EmergencyFreeze]), "NotAlliance");
    await expectRevert(alliance.write.closeSetup(), "NotAlliance");

    const other = await deployStack(c, 3);
    await other.alliance.write.closeSetup();
    await expectRevert(other.alliance.write.setCallClass([target, ["0x12345678"], ProposalClass.EmergencyFreeze]), "NotAlliance");
  });
});

describe("the deployment fills the table from ignition/callClasses.ts and closes the set-up", () => {
  it("every governed function has the class the file gives it, onchain, after `npm run deploy`'s code", async () => {
    const connection = await hre.network.connect();
    const client = (await connection.viem.getPublicClient()) as unknown as PublicClient;
    // local.json as is, through deployProofOfCloud (the code `npm run deploy` runs).
    const book = await deploySystem(connection);
    const alliance = addressOf(book, "Alliance");
    const read = (functionName: "callClass" | "setupOpen", args?: readonly unknown[]) =>
      client.readContract({ address: alliance, abi: allianceAbi, functionName, args } as never) as Promise<unknown>;
    expect(await read("setupOpen")).toBe(false);
    for (const [contract, functions] of Object.entries(callClasses) as [GovernedContract, Record<string, keyof typeof ProposalClass>][]) {
      const target = addressOf(book, contract);
      for (const [name, cls] of Object.entries(functions)) {
        expect(await read("callClass", [target, governedSelector(contract, name)]), `${contract}.${name}`).toBe(ProposalClass[cls]);
      }
    }
    // The registry's freeze is the only thing a freeze proposal may reach.
    const registry = addressOf(book, "HardwareRegistry");
    const freezeClass = await read("callClass", [registry, toFunctionSelector(hardwareRegistryAbi.find((x) => x.type === "function" && x.name === "freeze")!)]);
    expect(freezeClass).toBe(ProposalClass.EmergencyFreeze);
  }, 120_000);

  it("every function a contract guards with onlyAlliance is in the table (no governed function is left to the default by accident)", () => {
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const f of readdirSync(dir)) {
        const p = join(dir, f);
        if (statSync(p).isDirectory()) {
          if (f !== "test") walk(p);
        } else if (p.endsWith(".sol")) files.push(p);
      }
    };
    walk(join(repo, "contracts"));
    const guarded: string[] = [];
    for (const file of files) {
      const src = readFileSync(file, "utf8");
      const contract = /^(?:abstract )?contract (\w+)/m.exec(src)?.[1];
      for (const match of src.matchAll(/function (\w+)\([^)]*\)[^{;]*\bonlyAlliance\b/g)) guarded.push(`${contract}.${match[1]}`);
    }
    expect(guarded.length).toBeGreaterThan(10);
    const listed = Object.entries(callClasses).flatMap(([contract, fns]) => Object.keys(fns).map((f) => `${contract}.${f}`));
    for (const g of guarded) expect(listed, g).toContain(g);
  });

  it("docs/alliance.md prints the same table", () => {
    const doc = readFileSync(join(repo, "docs/alliance.md"), "utf8");
    const names: Record<string, string> = { EmergencyFreeze: "emergency freeze", Ordinary: "ordinary", SecurityCritical: "security-critical" };
    for (const [contract, fns] of Object.entries(callClasses)) {
      for (const [fn, cls] of Object.entries(fns)) {
        expect(doc, `${contract}.${fn}`).toMatch(new RegExp(`\\| \`${contract}\` \\| \`${fn}\` \\| ${names[cls]} \\|`));
      }
    }
  });
});
