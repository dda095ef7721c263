/**
 * `npm run demo [-- --json]`: the whole Proof of Cloud story on the embedded chain, in twelve acts
 * (scripts/demo/*.ts, one file per group of acts):
 *   1. an Alliance forms (and elects a chair);  2. members register a facility and the real TDX
 *   fixture's PPID at level 1 by an EIP-712 signature batch;  3. Intel's real collateral goes
 *   onchain;  4. the real TDX quote verifies onchain and its hardware is found at level 1;
 *   5. the real TEE.fail quote passes DCAP (SDK) yet its hardware is in no facility;  6. a
 *   simulated CVM registers and a gated dApp call succeeds;  7. the TTL lapses;  8. re-attestation
 *   restores it;  9. its key rotates;  10. an emergency freeze refuses it again;  11. members cosign
 *   a checkpoint and an offline receipt verifies without the chain;  12. a simulated GCE machine enrols
 *   itself through the GCE verification method (no vote), stays at level 3 by re-attestation, decays.
 * Every step asserts its outcome; the process exits 1 when one differs (CI runs it). Progress goes
 * to stderr; with --json stdout carries one transcript: every step's expected and actual outcome and gas.
 */
import { parseArgs } from "node:util";
import hre from "hardhat";
import { actAllianceForms, actRegisterHardware } from "./demo/governance.js";
import { actIntelCollateral, actRealQuoteOnchain, actTeeFail } from "./demo/intel.js";
import { actCvmRegisters } from "./demo/cvm.js";
import { actCheckpointAndReceipt } from "./demo/transparency.js";
import { actMethodsEnrol } from "./demo/methods.js";
import { DemoStepFailed, Story, toJson } from "../testkit/story.js";
import { startWorld } from "./demo/world.js";

const { values } = parseArgs({ options: { json: { type: "boolean" }, "no-build": { type: "boolean" } } });
const log = (line: string) => process.stderr.write(line + "\n");

async function main(): Promise<number> {
  const t0 = performance.now();
  if (!values["no-build"]) {
    log("demo: compiling contracts ...");
    await hre.tasks.getTask("build").run({ quiet: true });
  }
  const story = new Story(log);
  let failure: DemoStepFailed | undefined;
  let chainId = 0;
  try {
    const w = await startWorld();
    chainId = w.chainId;
    log(`demo: embedded chain ${chainId}, clock at ${new Date(Number(await w.now()) * 1000).toISOString()}`);
    await actAllianceForms(w, story);
    const tdx = await actRegisterHardware(w, story);
    const dcap = await actIntelCollateral(w, story);
    await actRealQuoteOnchain(w, story, dcap, tdx.platformKey);
    const teeFail = await actTeeFail(w, story, dcap);
    await actCvmRegisters(w, story, teeFail.teeFailPpid);
    await actCheckpointAndReceipt(w, story, tdx.platformKey);
    await actMethodsEnrol(story);
  } catch (e) {
    if (!(e instanceof DemoStepFailed)) throw e;
    failure = e;
  }
  const ms = Math.round(performance.now() - t0);
  const ok = !failure && story.steps.every((s) => s.ok);
  const gas = story.steps.filter((s) => s.gasUsed !== undefined).map((s) => `${s.step} ${s.gasUsed!.toLocaleString("en-US")}`);
  log(`\ndemo: ${ok ? "all" : "NOT all"} ${story.steps.length} steps as expected in ${(ms / 1000).toFixed(1)} s${failure ? ` (stopped at ${failure.record.step})` : ""}`);
  log(`gas: ${gas.join("; ")}`);
  if (values.json) process.stdout.write(toJson({ demo: "proof-of-cloud", ok, chainId, durationMs: ms, acts: story.acts, steps: story.steps }) + "\n");
  return ok ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    log(`demo: crashed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    process.exit(1);
  },
);
