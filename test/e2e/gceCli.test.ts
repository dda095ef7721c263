/**
 * `poc registry enroll` against the in-process chain: --prepare gives the binding, the simulated GCE
 * machine quotes it into files, enroll builds the calldata from those files (--calldata) and sends it;
 * a refusal exits 1 naming the error, bad files are a UsageError naming what is wrong.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { custom, decodeFunctionData, parseEther, type Hex } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { makeRegistryCommand } from "../../cli/commands/registry.js";
import { UsageError, type CliIO } from "../../cli/io.js";
import { gceMethodAbi } from "../../sdk/src/chain/abi/GceMethod.js";
import { certificateToPem } from "../../sdk/src/pki/pem.js";
import { workloadReportData } from "../../sdk/src/chain/workload.js";
import { readHardwareEntry } from "../../sdk/src/chain/hardwareRegistry.js";
import { deployGceWorld, GceMachine, GCE_ZONE, type GceWorld } from "../../testkit/gceWorld.js";

describe("poc registry enroll", () => {
  let w: GceWorld;
  let machine: GceMachine;
  let dir: string;
  let lines: string[];
  const key = generatePrivateKey();
  const io = (): CliIO => ({ out: (l) => lines.push(l), err: (l) => lines.push(l), progress: () => {}, cwd: dir, env: { POC_PRIVATE_KEY: key, POC_GCE_METHOD: w.gce.address } });
  const poc = async (argv: string[]) => {
    lines = [];
    const code = await makeRegistryCommand({ transport: custom(w.conn.provider as never) }).run(argv, io());
    return { code, out: lines.join("\n") };
  };

  beforeAll(async () => {
    w = await deployGceWorld({ seed: "gce cli" });
    machine = await GceMachine.create(w, { label: "gce-cli" });
    dir = mkdtempSync(join(tmpdir(), "poc-gce-"));
    await w.conn.networkHelpers.setBalance(privateKeyToAccount(key).address, parseEther("10"));
    writeFileSync(join(dir, "chain.pem"), machine.akChain.map((d) => certificateToPem(d)).join(""));
  }, 180_000);

  /** What the machine does with --prepare's output: quote the binding into files. */
  const quoteInto = async (bindingHash: Hex, suffix = "") => {
    writeFileSync(join(dir, `quote${suffix}.bin`), w.tdx.issueQuote({ reportData: workloadReportData(bindingHash, machine.tpm.akPublic), mrTd: new Uint8Array(48).fill(0x11), rtmrs: [0x20, 0x21, 0x22, 0x23].map((b) => new Uint8Array(48).fill(b)) }));
    writeFileSync(join(dir, `tpm${suffix}.json`), JSON.stringify(await machine.tpmQuote(bindingHash)));
  };

  it("prepare, quote, build the calldata from the files, send: the entry exists with no vote", async () => {
    const prep = await poc(["enroll", "--prepare", "--level", "3", "--cadence", "3600", "--json"]);
    expect(prep.code).toBe(0);
    const p = JSON.parse(prep.out);
    await quoteInto(p.bindingHash);
    const args = ["enroll", "--quote", "quote.bin", "--tpm", "tpm.json", "--ak-chain", "chain.pem", "--anchor-block", p.anchorBlock, "--level", "3", "--cadence", "3600", "--json"];
    const cd = await poc([...args, "--calldata"]);
    expect(cd.code).toBe(0);
    const c = JSON.parse(cd.out);
    expect(c).toMatchObject({ to: w.gce.address, zone: GCE_ZONE, instanceId: machine.instance.instanceId.toString() });
    const decoded = decodeFunctionData({ abi: gceMethodAbi, data: c.data });
    expect(decoded.functionName).toBe("enrol");
    const sent = await poc(args);
    expect(sent.code, sent.out).toBe(0);
    expect(JSON.parse(sent.out).status).toBe("success");
    expect((await readHardwareEntry(w.pub, { registry: w.hardware.address, platformKey: w.hwKey })).level).toBe(3);
    // `poc registry list` finds the method-made entry; `show` names the method.
    const listed = JSON.parse((await poc(["list", "--json", "--registry", w.hardware.address])).out);
    expect(listed.entries.map((e: { platformKey: string }) => e.platformKey)).toContain(w.hwKey);
    const shown = await poc(["show", w.hwKey, "--json", "--registry", w.hardware.address]);
    expect(shown.code).toBe(0);
    expect(shown.out).toContain(`method:${w.gce.address}`);
    // The same files again: the method refuses (exit 1, the error named).
    const again = await poc(args);
    expect(again.code).toBe(1);
    expect(JSON.parse(again.out).refused).toBe("EvidenceReplayed");
  });

  it("a claimed zone other than the certificate's is refused onchain (exit 1, WrongZone)", async () => {
    const p = JSON.parse((await poc(["enroll", "--prepare", "--level", "2", "--json"])).out);
    await quoteInto(p.bindingHash, "-2");
    const r = await poc(["enroll", "--quote", "quote-2.bin", "--tpm", "tpm-2.json", "--ak-chain", "chain.pem", "--anchor-block", p.anchorBlock, "--level", "2", "--zone", "us-central1-a", "--json"]);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.out).refused).toBe("WrongZone");
  });

  it("bad input is a UsageError naming the file or flag", async () => {
    writeFileSync(join(dir, "bad.json"), "{ not json");
    writeFileSync(join(dir, "hexless.json"), JSON.stringify({ akPublic: "zz", attest: "0x", signature: "0x", pcrValues: "0x" }));
    writeFileSync(join(dir, "one.pem"), certificateToPem(machine.akChain[0]!));
    const base = ["enroll", "--quote", "quote.bin", "--ak-chain", "chain.pem", "--anchor-block", "1", "--level", "2"];
    await expect(poc([...base, "--tpm", "bad.json"])).rejects.toThrow(/tpm: not JSON/);
    await expect(poc([...base, "--tpm", "hexless.json"])).rejects.toThrow(/tpm.akPublic/);
    await expect(poc(["enroll", "--quote", "quote.bin", "--tpm", "tpm.json", "--ak-chain", "one.pem", "--anchor-block", "1", "--level", "2"])).rejects.toThrow(/akChain/);
    await expect(poc([...base, "--tpm", "tpm.json", "--level", "4"])).rejects.toThrow(/level/);
    await expect(poc([...base, "--tpm", "tpm.json", "--level", "3"])).rejects.toThrow(/cadence/);
    await expect(poc([...base, "--tpm", "missing.json"])).rejects.toThrow(UsageError);
    await expect(poc(["enroll", "--prepare", "--level", "2", "--method", "0x1234"])).rejects.toThrow(/--method/);
  });
});
