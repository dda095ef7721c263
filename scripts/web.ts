/**
 * `npm run web`: one command on a fresh clone. Compiles the contracts, builds the page (web/build.ts),
 * starts the embedded chain (Hardhat's in-process EDR network, as the demo uses) and plays the demo's
 * eleven acts on it (so the explorer shows a facility, the real TDX entry, the simulated CVM host the
 * demo froze, a CVM, log leaves and a cosigned checkpoint), then serves the page and the verification
 * service (service/server.ts) on one port, the page reading the chain through the service's
 * read-only /rpc. Files to try the page with (a receipt, the pinned member list, a proposal, a
 * checkpoint to cosign) are served under /demo/. Stops on Ctrl-C.
 *   --port N (default 8080)   --host ADDR (default 127.0.0.1)   --no-build (contracts already compiled)
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import hre from "hardhat";
import { keccak256, stringToBytes, type Address } from "viem";
import { readHardwareEntry, readLogState, registryCalls } from "../sdk/src/chain/hardwareRegistry.js";
import { proposalToFile, ProposalClass } from "../sdk/src/chain/proposal.js";
import { exportReceipt, readAllianceMembers } from "../sdk/src/log/recorded.js";
import { createCosignedCheckpoint } from "../sdk/src/log/cosigned.js";
import { createRegistryLookup } from "../sdk/src/report/index.js";
import { HeldCollateral } from "../service/heldCollateral.js";
import { createHardwareLookup } from "../service/hardwareLookup.js";
import { createCvmBadge } from "../service/badge.js";
import { createService } from "../service/server.js";
import { buildWeb } from "../web/build.js";
import { Story } from "../testkit/story.js";
import { actAllianceForms, actRegisterHardware } from "./demo/governance.js";
import { actIntelCollateral, actRealQuoteOnchain, actTeeFail } from "./demo/intel.js";
import { actCvmRegisters } from "./demo/cvm.js";
import { actCheckpointAndReceipt } from "./demo/transparency.js";
import { fixtures, startWorld } from "./demo/world.js";

const { values } = parseArgs({ options: { port: { type: "string" }, host: { type: "string" }, "no-build": { type: "boolean" } } });
const log = (line: string) => process.stderr.write(line + "\n");
const port = Number(values.port ?? 8080);
const host = values.host ?? "127.0.0.1";

if (!values["no-build"]) {
  log("web: compiling contracts ...");
  await hre.tasks.getTask("build").run({ quiet: true });
}
log("web: building the page ...");
const built = await buildWeb();
log(`web: page built (initial JS ${built.initialJsGzipBytes} B gzip)`);

log("web: playing the demo on the embedded chain ...");
const story = new Story(() => {});
const w = await startWorld();
await actAllianceForms(w, story);
const tdx = await actRegisterHardware(w, story);
const dcap = await actIntelCollateral(w, story);
await actRealQuoteOnchain(w, story, dcap, tdx.platformKey);
const teeFail = await actTeeFail(w, story, dcap);
const cvm = await actCvmRegisters(w, story, teeFail.teeFailPpid);
await actCheckpointAndReceipt(w, story, tdx.platformKey);
const failed = story.steps.filter((s) => !s.ok);
if (failed.length) {
  log(`web: the demo did not go as expected: ${failed.map((s) => s.step).join(", ")}`);
  process.exit(1);
}
log(`web: demo world ready (${story.steps.length} steps; chain ${w.chainId})`);

// Files to try the Receipts and Members pages with.
const demoDir = join(built.dir, "demo");
mkdirSync(demoDir, { recursive: true });
const entry = await readHardwareEntry(w.pub, { registry: w.hardwareRegistry, platformKey: tdx.platformKey });
const receipt = await exportReceipt(w.pub, { registry: w.hardwareRegistry, index: Number(entry.entryLeaf) });
const members = await readAllianceMembers(w.pub, { registry: w.hardwareRegistry });
const json = (v: unknown) => JSON.stringify(v, (_k, x) => (typeof x === "bigint" ? x.toString() : x), 2) + "\n";
writeFileSync(join(demoDir, "receipt.json"), json(receipt));
writeFileSync(join(demoDir, "members.json"), json(members.map((m) => m.address)));
const proposal = {
  calls: [registryCalls.confirmFreeze(w.hardwareRegistry, [cvm.hwKey], keccak256(stringToBytes("incident-42")))],
  proposalClass: ProposalClass.Ordinary,
  deadline: (await w.now()) + 7n * 86400n,
  description: "confirm the freeze of the demo CVM host pending incident-42",
};
writeFileSync(join(demoDir, "proposal.json"), json(proposalToFile(proposal, { chainId: w.chainId, alliance: w.alliance })));
const head = await readLogState(w.pub, { registry: w.hardwareRegistry });
writeFileSync(
  join(demoDir, "checkpoint.json"),
  json(createCosignedCheckpoint({ chainId: w.chainId, registry: w.hardwareRegistry, size: Number(head.size), rootHash: head.rootHash, cosignatures: [], members })),
);

const book = {
  chainId: w.chainId,
  contracts: {
    Alliance: { address: w.alliance },
    HardwareRegistry: { address: w.hardwareRegistry },
    CvmRegistry: { address: cvm.cvmRegistry as Address },
    DcapQuoteVerifier: { address: dcap.verifier as Address },
    CollateralStore: { address: dcap.store as Address },
  },
};
const collateral = new HeldCollateral();
await collateral.admit(fixtures.tdxCollateral);
const provider = w.conn.provider as unknown as { request(a: { method: string; params?: unknown }): Promise<unknown> };
const service = createService({
  collateral,
  registry: createRegistryLookup(w.pub, { registry: w.hardwareRegistry }),
  hardware: createHardwareLookup(w.pub, w.hardwareRegistry),
  badge: createCvmBadge(w.pub, w.chainId),
  rpc: provider,
  pageConfig: { chainId: w.chainId, rpc: "/rpc", addressBook: book, demo: { files: ["receipt.json", "members.json", "proposal.json", "checkpoint.json"], frozenPlatformKey: cvm.hwKey, tdxPlatformKey: tdx.platformKey } },
  staticDir: built.dir,
  log,
});
const bound = await service.listen(port, host).catch((e: NodeJS.ErrnoException) => {
  log(`web: cannot listen on ${host}:${port}: ${e.code === "EADDRINUSE" ? "the port is in use; pass another with npm run web -- --port N" : e.message}`);
  process.exit(1);
});
const url = `http://${host}:${bound}/`;
process.stdout.write(`web: listening on ${url}\n`);
log(`web: open ${url}#/explore/${w.chainId}/${w.hardwareRegistry}  (Ctrl-C stops)`);
const stop = async () => {
  await service.close(500);
  process.exit(0);
};
process.once("SIGINT", stop);
process.once("SIGTERM", stop);
