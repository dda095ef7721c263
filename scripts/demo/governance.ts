/**
 * Acts 1 and 2: the Alliance forms and elects a chair; its members check the real TDX quote with
 * the SDK, then register a facility and that quote's hardware (PPID from the PCK certificate) at
 * level 1 in one proposal carried by an EIP-712 signature batch (heartbeats are for level 3 only).
 */
import { getAddress, keccak256, stringToBytes } from "viem";
import { allianceCalls } from "../../sdk/src/chain/alliance.js";
import { readHardwareEntry, readLevel, registryCalls, writeHeartbeat, type FacilityInput } from "../../sdk/src/chain/hardwareRegistry.js";
import { platformKey } from "../../sdk/src/vocabulary/platformKey.js";
import { ProposalClass } from "../../sdk/src/chain/proposal.js";
import { verifyQuote } from "../../sdk/src/intel/index.js";
import { fixtures, govern, MEMBER_NAMES, TDX_VERIFY_AT, type DemoWorld } from "./world.js";
import { attempt, type Story } from "../../testkit/story.js";
import { deployHardwareModules } from "../../testkit/deploy.js";
import { facility, hardwareEntry } from "../../testkit/registryEntries.js";

export const FACILITY: FacilityInput = facility({
  name: "demo-fra-1",
  provider: "Example Colocation GmbH",
  country: "DE",
  site: "Frankfurt FRA-1, hall 2, cage 14",
  evidence: "site visit report 2025-06-30",
  evidenceUri: "ipfs://bafy-demo-site-visit",
});

/** test/fixtures/PROVENANCE.md gives this PPID for intel/tdx-v4. */
export const TDX_PPID = "0x811dca2a26b952e85bb6448b097ba4fd";

export async function actAllianceForms(w: DemoWorld, story: Story) {
  story.act(1, "An alliance forms");
  await story.step(1, "alliance-formed", `${MEMBER_NAMES.length} members deploy the Alliance and the HardwareRegistry`, "deployed", async () => {
    w.salt = keccak256(stringToBytes("proof-of-cloud demo deployment"));
    // Through the Alliance and HardwareRegistry Ignition modules, as a deployment does (class table included).
    const { alliance, registry } = await deployHardwareModules(w.conn, w.members.map((m) => m.account.address), w.salt, MEMBER_NAMES);
    w.alliance = alliance.address;
    w.hardwareRegistry = registry.address;
    const listed = (await alliance.read.members()) as readonly string[];
    return {
      outcome: listed.length === MEMBER_NAMES.length ? "deployed" : `deployed with ${listed.length} members`,
      say: [`members: ${MEMBER_NAMES.join(", ")}`, `Alliance ${alliance.address}, HardwareRegistry ${registry.address} (chain ${w.chainId})`],
      details: { chainId: w.chainId, alliance: alliance.address, hardwareRegistry: registry.address, members: MEMBER_NAMES, salt: w.salt },
    };
  });
  await story.step(1, "chair-elected", "3 of 5 members elect a chair (ordinary vote, EIP-712 signature batch)", "passed", async () => {
    const g = await govern(w, [allianceCalls.electChair(w.alliance, w.members[0]!.account.address)], ProposalClass.Ordinary, w.members.slice(0, 3), "elect chair");
    return {
      outcome: "passed",
      gasUsed: g.receipt.gasUsed,
      say: `chair: ${MEMBER_NAMES[0]}; proposal ${g.proposalId.slice(0, 18)}… passed with ${g.signatures} signatures in one transaction`,
      details: { chair: MEMBER_NAMES[0], proposalId: g.proposalId, signatures: g.signatures, transactionHash: g.receipt.transactionHash },
    };
  });
}

export async function actRegisterHardware(w: DemoWorld, story: Story) {
  story.act(2, "Members register a facility and the real TDX platform at level 1");
  let ppid = "0x" as `0x${string}`;
  await story.step(2, "tdx-quote-checked-offchain", "members verify the real TDX quote with the SDK (verifyQuote) and read its PPID", `PPID ${TDX_PPID}`, async () => {
    const r = await verifyQuote({ quote: fixtures.tdxQuote, collateral: fixtures.tdxCollateral, now: TDX_VERIFY_AT, cache: false });
    ppid = r.ppid.toLowerCase() as `0x${string}`;
    return { outcome: `PPID ${ppid}`, say: `verdict ${r.verdict}, TCB ${r.status}, FMSPC ${r.fmspc}`, details: { verdict: r.verdict, tcbStatus: r.status, fmspc: r.fmspc, ppid } };
  });
  const key = platformKey(1, ppid, w.salt);
  await story.step(2, "hardware-registered", "3 of 5 members sign one proposal: facility FRA-1 + the platform at level 1", "level 1", async () => {
    const g = await govern(
      w,
      [
        registryCalls.setFacilities(w.hardwareRegistry, [FACILITY]),
        registryCalls.setEntries(w.hardwareRegistry, [
          hardwareEntry({
            platformKey: key,
            facilityId: FACILITY.facilityId,
            verifiedAt: await w.now(),
            evidenceHash: keccak256(fixtures.tdxQuote),
            method: "dcap-quote+site-visit",
            evidenceUri: "ipfs://bafy-demo-tdx-quote",
            endorsers: [getAddress(w.members[0]!.account.address), getAddress(w.members[2]!.account.address)],
          }),
        ]),
      ],
      ProposalClass.Ordinary,
      w.members.slice(1, 4),
      "register facility FRA-1 and its TDX host",
    );
    const level = await readLevel(w.pub, { registry: w.hardwareRegistry, platformKey: key });
    return {
      outcome: `level ${level}`,
      gasUsed: g.receipt.gasUsed,
      say: `platformKey ${key.slice(0, 18)}… at "${FACILITY.site}", ${g.signatures} signatures in one transaction`,
      details: { ppid, platformKey: key, facility: FACILITY.site, proposalId: g.proposalId, signatures: g.signatures, transactionHash: g.receipt.transactionHash },
    };
  });
  await story.step(2, "heartbeat-needs-level-3", `${MEMBER_NAMES[3]} tries to post a monitoring heartbeat for it`, "refused: NotContinuouslyMonitored", async () => {
    const r = await attempt(w.receipt(writeHeartbeat(w.members[3]!, { registry: w.hardwareRegistry, platformKeys: [key] })));
    const e = await readHardwareEntry(w.pub, { registry: w.hardwareRegistry, platformKey: key });
    return { outcome: r.outcome, say: "heartbeats keep level-3 (continuously monitored) entries current; a level-1 entry has none", details: { level: e.level, lastHeartbeat: e.lastHeartbeat } };
  });
  return { ppid, platformKey: key };
}
