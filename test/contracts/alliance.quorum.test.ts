/**
 * Alliance quorum rules (docs/alliance.md): thresholds over all current members n, for n = 1..9 and
 * every class, and the chair's tie-break on ordinary proposals.
 */
import fc from "fast-check";
import { describe, expect, it, beforeAll } from "vitest";
import { encodeFunctionData, getAddress, type Address } from "viem";
import { allianceCalls } from "../../sdk/src/chain/alliance.js";
import { proposalThreshold } from "../../sdk/src/chain/proposal.js";
import { connectChain, deployAlliance, execute, expectRevert, makeProposal, pass, ProposalClass, signAll, type Connection } from "./fixture.js";

const classes = [ProposalClass.EmergencyFreeze, ProposalClass.Ordinary, ProposalClass.SecurityCritical] as const;
const className = ["emergency freeze", "ordinary", "security-critical"];

// The formulas, written out independently of the SDK and the contract.
function expected(cls: number, n: number): number {
  if (cls === 1) return Math.floor(n / 2) + 1;
  if (cls === 2) return Math.ceil((2 * n) / 3);
  return n === 1 ? 1 : Math.max(2, Math.ceil(n / 3));
}

let c: Connection;
beforeAll(async () => {
  c = await connectChain();
});

async function probeCall(alliance: Address) {
  const probe = await c.viem.deployContract("ClassProbe", [alliance]);
  const abi = [{ type: "function", name: "probe", inputs: [], outputs: [], stateMutability: "payable" }] as const;
  const data = encodeFunctionData({ abi, functionName: "probe" });
  // Every class may reach the probe: the class table's weakest entry, written in the set-up window.
  const a = await c.viem.getContractAt("Alliance", alliance);
  await a.write.setCallClass([probe.address, [data], ProposalClass.EmergencyFreeze]);
  return { probe, call: { target: probe.address, value: 0n, data } };
}

describe("thresholds over all current members: ordinary floor(n/2)+1, security-critical ceil(2n/3), emergency freeze max(2, ceil(n/3)) (n=1: 1)", () => {
  it("the SDK's proposalThreshold equals the formulas for n = 1..50", () => {
    for (let n = 1; n <= 50; n++) for (const cls of classes) expect(proposalThreshold(cls, n)).toBe(expected(cls, n));
  });

  for (let n = 1; n <= 9; n++) {
    it(`n = ${n}: each class passes with exactly its threshold and fails one below`, async () => {
      const memberWallets = c.wallets.slice(0, n);
      const alliance = await deployAlliance(c, memberWallets.map((w) => w.account.address));
      const { probe, call } = await probeCall(alliance.address);
      for (const cls of classes) {
        const t = expected(cls, n);
        expect(Number(await alliance.read.threshold([cls])), `${className[cls]} threshold`).toBe(t);
        // Odd n never ties, so the chair rule cannot interfere; even n has no chair elected here.
        if (t > 1) {
          const p = await makeProposal(c, [call], cls, `below ${n}/${cls}`);
          const votes = await signAll(c, alliance.address, p, memberWallets.slice(0, t - 1));
          const args = await expectRevert(execute(c, alliance.address, p, votes), "BelowThreshold");
          expect(args[1]).toBe(BigInt(t - 1));
          expect(args[2]).toBe(BigInt(t));
        }
        const before = (await probe.read.calls()) as bigint;
        await pass(c, alliance.address, [call], cls, memberWallets.slice(n - t), `at ${n}/${cls}`);
        expect(await probe.read.calls()).toBe(before + 1n);
        expect(await probe.read.lastClass()).toBe(cls);
      }
    });
  }
});

describe("the chair elected by ordinary vote breaks an exact n/2 tie on ordinary proposals", () => {
  it("n = 4: two supporters including the chair pass; two without the chair fail; the tie-break never helps other classes", async () => {
    const m = c.wallets.slice(0, 4);
    const alliance = await deployAlliance(c, m.map((w) => w.account.address));
    const { probe, call } = await probeCall(alliance.address);
    await pass(c, alliance.address, [allianceCalls.electChair(alliance.address, m[0]!.account.address)], ProposalClass.Ordinary, m.slice(0, 3));
    const [chair, termEnd] = (await alliance.read.chair()) as readonly [`0x${string}`, bigint];
    expect(getAddress(chair)).toBe(getAddress(m[0]!.account.address));
    expect(termEnd - (await c.publicClient.getBlock()).timestamp).toBe(182n * 86400n);

    await pass(c, alliance.address, [call], ProposalClass.Ordinary, [m[0]!, m[3]!], "chair + 1");
    expect(await probe.read.calls()).toBe(1n);

    const p = await makeProposal(c, [call], ProposalClass.Ordinary, "two without chair");
    await expectRevert(execute(c, alliance.address, p, await signAll(c, alliance.address, p, [m[1]!, m[2]!])), "BelowThreshold");

    // Security-critical needs ceil(8/3) = 3 even with the chair.
    const sc = await makeProposal(c, [call], ProposalClass.SecurityCritical, "sc");
    await expectRevert(execute(c, alliance.address, sc, await signAll(c, alliance.address, sc, [m[0]!, m[1]!])), "BelowThreshold");
  });

  it("a chair whose term ran out no longer breaks ties", async () => {
    const m = c.wallets.slice(0, 2);
    const alliance = await deployAlliance(c, m.map((w) => w.account.address));
    const { call } = await probeCall(alliance.address);
    await pass(c, alliance.address, [allianceCalls.electChair(alliance.address, m[1]!.account.address)], ProposalClass.Ordinary, m);
    await pass(c, alliance.address, [call], ProposalClass.Ordinary, [m[1]!], "tie with chair");
    await c.networkHelpers.time.increase(183 * 86400);
    expect(await alliance.read.isChairInOffice([m[1]!.account.address])).toBe(false);
    const p = await makeProposal(c, [call], ProposalClass.Ordinary, "tie, chair's term over");
    await expectRevert(execute(c, alliance.address, p, await signAll(c, alliance.address, p, [m[1]!])), "BelowThreshold");
  });

  it("odd n has no tie: the chair alone with fewer than floor(n/2)+1 does not pass", async () => {
    const m = c.wallets.slice(0, 3);
    const alliance = await deployAlliance(c, m.map((w) => w.account.address));
    const { call } = await probeCall(alliance.address);
    await pass(c, alliance.address, [allianceCalls.electChair(alliance.address, m[0]!.account.address)], ProposalClass.Ordinary, m.slice(0, 2));
    const p = await makeProposal(c, [call], ProposalClass.Ordinary, "chair alone");
    await expectRevert(execute(c, alliance.address, p, await signAll(c, alliance.address, p, [m[0]!])), "BelowThreshold");
  });
});

describe("any set of supporters: the contract passes exactly what the formulas (and the chair rule) allow", () => {
  it("random n, class, chair and supporter subsets (fast-check)", async () => {
    const alliances = new Map<number, { a: Address; call: { target: Address; value: bigint; data: `0x${string}` } }>();
    let passed = 0;
    let refused = 0;
    let seq = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 8 }),
        fc.constantFrom(...classes),
        fc.array(fc.boolean(), { minLength: 8, maxLength: 8 }),
        async (n, cls, mask) => {
          if (!alliances.has(n)) {
            const m = c.wallets.slice(0, n);
            const alliance = await deployAlliance(c, m.map((w) => w.account.address));
            // The probe's class entry goes in during the set-up window, which the first execution closes.
            const { call } = await probeCall(alliance.address);
            // Member 0 chairs every alliance, so even n exercises the tie-break.
            await pass(c, alliance.address, [allianceCalls.electChair(alliance.address, m[0]!.account.address)], ProposalClass.Ordinary, m, "chair");
            alliances.set(n, { a: alliance.address, call });
          }
          const { a, call } = alliances.get(n)!;
          const supporters = c.wallets.slice(0, n).filter((_, i) => mask[i]);
          const k = supporters.length;
          const chairIn = mask[0] === true;
          const shouldPass = k >= expected(cls, n) || (cls === 1 && n % 2 === 0 && k === n / 2 && chairIn);
          const p = await makeProposal(c, [call], cls, `random ${seq++}`);
          const votes = await signAll(c, a, p, supporters);
          if (shouldPass) {
            await execute(c, a, p, votes);
            passed++;
          } else {
            await expectRevert(execute(c, a, p, votes), "BelowThreshold");
            refused++;
          }
        },
      ),
      { numRuns: 60 },
    );
    expect(passed).toBeGreaterThan(5);
    expect(refused).toBeGreaterThan(5);
  });
});
