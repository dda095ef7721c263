/**
 * Act 12: levels 2 and 3 as mechanisms. On a deployment made the production way (the Ignition
 * modules; its own chain), the Alliance registers the GCE verification method by one
 * security-critical vote; a simulated GCE machine then enrols itself with no vote (TDX quote + vTPM
 * quote + an AK certificate from a simulated Google vTPM CA naming its zone), is refused when it
 * claims another zone, stays at level 3 through re-attestations, and decays to level 2 when they stop.
 */
import { parseEventLogs } from "viem";
import { writeGceEnrol, writeGceReattest } from "../../sdk/src/chain/gceMethod.js";
import { readHardwareEntry, readLevel } from "../../sdk/src/chain/hardwareRegistry.js";
import { readMethod } from "../../sdk/src/chain/methodRegistry.js";
import { hardwareRegistryAbi } from "../../sdk/src/chain/abi/HardwareRegistry.js";
import { deployGceWorld, GceMachine, GCE_ZONE, type GceWorld } from "../../testkit/gceWorld.js";
import { attempt, gasOf, type Story } from "../../testkit/story.js";

const HOUR = 3600;

export async function actMethodsEnrol(story: Story) {
  story.act(
    12,
    "A GCE machine enrols itself: level 2 with no vote, level 3 by re-attestation",
    "a verification method is a contract the Alliance registers once (security-critical, with a level cap and\nfacilities); when its evidence verifies it writes the entry itself, and every action is a log leaf naming\nthe method and the evidence hash. No bound TDX + GCE vTPM pair is public: a simulated Google vTPM CA\nissues the AK certificate (the zone parser is tested on a real Google certificate)",
  );
  let w!: GceWorld;
  let machine!: GceMachine;
  await story.step(12, "gce-method-registered", "the Alliance pins the (simulated) Google vTPM root, maps the zone to a facility and registers the GCE method", "active, level ≤ 3", async () => {
    w = await deployGceWorld({ seed: "demo gce" });
    machine = await GceMachine.create(w, { label: "demo-gce-vm" });
    const m = await readMethod(w.pub, { methodRegistry: w.methods.address, method: w.gce.address });
    return {
      outcome: m.status === 1 ? `active, level ≤ ${m.maxLevel}` : `status ${m.status}`,
      say: `GceMethod ${w.gce.address}: zone ${GCE_ZONE} -> facility ${m.facilities[0]}`,
      details: { gceMethod: w.gce.address, methodRegistry: w.methods.address, facilities: m.facilities },
    };
  });
  const key = () => w.hwKey;
  await story.step(12, "gce-wrong-zone-refused", "the machine claims us-central1-a; its AK certificate says otherwise", "refused: WrongZone", async () => {
    const e = await machine.enrolment({ level: 3, cadence: HOUR, zone: "us-central1-a" });
    const r = await attempt(writeGceEnrol(w.wallets[6]!, { gceMethod: w.gce.address, evidence: e.evidence, claim: e.claim }));
    return { outcome: r.outcome, details: { args: r.args } };
  });
  await story.step(12, "gce-enrolled-no-vote", "the machine enrols itself: TDX quote, vTPM quote and AK chain bound to a recent block hash", "level 3, no vote", async () => {
    const e = await machine.enrolment({ level: 3, cadence: HOUR });
    const hash = await writeGceEnrol(w.wallets[6]!, { gceMethod: w.gce.address, evidence: e.evidence, claim: e.claim });
    const receipt = await w.pub.waitForTransactionReceipt({ hash });
    const [logged] = parseEventLogs({ abi: hardwareRegistryAbi, logs: receipt.logs, eventName: "MethodActionLogged" });
    const level = await readLevel(w.pub, { registry: w.hardware.address, platformKey: key() });
    return {
      outcome: receipt.status === "success" && logged ? `level ${level}, no vote` : "not enrolled",
      gasUsed: gasOf(receipt),
      say: [`zone ${e.claim.zone}, instance ${e.claim.instanceId}: entry ${key()} written by the method, no proposal`, `log leaf MethodAction: method ${logged?.args.method}, evidence ${e.evidenceHash}`],
      details: { platformKey: key(), evidenceHash: e.evidenceHash, zone: e.claim.zone, instanceId: e.claim.instanceId.toString() },
    };
  });
  await story.step(12, "gce-stays-level-3", "every 50 minutes for 5 hours the machine re-attests (a vTPM quote by its enrolled AK, freshly bound)", "level 3", async () => {
    let gas = 0;
    for (let i = 0; i < 6; i++) {
      await w.time.increase(50 * 60);
      const r = await machine.reattestation(key());
      const hash = await writeGceReattest(w.wallets[6]!, { gceMethod: w.gce.address, platformKey: key(), ...r });
      gas = gasOf(await w.pub.waitForTransactionReceipt({ hash }));
    }
    const level = await readLevel(w.pub, { registry: w.hardware.address, platformKey: key() });
    const e = await readHardwareEntry(w.pub, { registry: w.hardware.address, platformKey: key() });
    return { outcome: `level ${level}`, gasUsed: gas, say: `6 heartbeats from re-attestation, last at ${new Date(Number(e.lastHeartbeat) * 1000).toISOString()}` };
  });
  await story.step(12, "gce-decays-to-level-2", "the re-attestations stop for more than twice the cadence", "level 2", async () => {
    await w.time.increase(2 * HOUR + 60);
    const level = await readLevel(w.pub, { registry: w.hardware.address, platformKey: key() });
    return { outcome: `level ${level}`, say: "the decay rule is unchanged: a level-3 entry whose last heartbeat is older than 2 × cadence reads as level 2" };
  });
}
