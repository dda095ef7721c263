/**
 * `poc serve --registry` against a deployed system on the in-process chain (the deploy's modules,
 * testkit/cvmWorld.ts): GET /hardware_id/:id by PPID and by platformKey follows the registry as the
 * Alliance registers and freezes the hardware; /rpc reads the same chain. (The report's registry
 * dimension and the badge through the same code are in test/system/browser/ on the demo world.)
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { custom, keccak256, stringToBytes, toHex } from "viem";
import { registryCalls } from "../../sdk/src/chain/hardwareRegistry.js";
import { ProposalClass } from "../../sdk/src/chain/proposal.js";
import { makeServeCommand } from "../../cli/commands/serve.js";
import { writeRegisterCvm } from "../../sdk/src/chain/cvmRegistry.js";
import { Cvm, deployCvmWorld, type CvmWorld } from "../../testkit/cvmWorld.js";

let w: CvmWorld;
let base = "";
let stop: () => Promise<void> = async () => {};
let cvm: Cvm;

beforeAll(async () => {
  w = await deployCvmWorld({ seed: "serve" });
  const lines: string[] = [];
  const io = { out: (l: string) => lines.push(l), err: (l: string) => lines.push(l), progress: () => {}, cwd: process.cwd(), env: {} };
  await new Promise<void>((ok) => {
    const cmd = makeServeCommand({ transport: custom(w.conn.provider as never), onListening: (port, s) => ((base = `http://127.0.0.1:${port}`), (stop = s), ok()) });
    void cmd.run(["--port", "0", "--registry", w.hardware.address, "--state-dir", mkdtempSync(join(tmpdir(), "poc-serve-chain-")), "--web", tmpdir()], io);
  });
  expect(lines.join("\n")).toMatch(/registry connected/);
});
afterAll(() => stop());

const get = async (path: string) => {
  const r = await fetch(base + path);
  return { status: r.status, body: await r.json() };
};

describe("poc serve --registry: GET /hardware_id/:id", () => {
  it("an unregistered PPID is not_found (404, status unknown); once the Alliance registers it, success with its level", async () => {
    const ppid = toHex(w.tdx.pck.sgx.ppid).slice(2);
    expect(await get(`/hardware_id/${ppid}`)).toMatchObject({ status: 404, body: { success: false, error: "not_found", status: "unknown", platform_key: w.hwKey } });
    await w.registerHardware();
    expect(await get(`/hardware_id/${ppid}`)).toMatchObject({ status: 200, body: { success: true, status: "active", level: 2, effective_level: 2, platform_key: w.hwKey } });
    expect(await get(`/hardware_id/${w.hwKey}`)).toMatchObject({ status: 200, body: { success: true } });
    expect(await get(`/hardware_id/0x${ppid.toUpperCase()}`)).toMatchObject({ status: 200 });
  });

  it("a registered CVM's badge is live: valid at its hardware's level", async () => {
    cvm = await Cvm.create(w, "rsa", "serve-cvm");
    const r = await cvm.registration({ owner: w.wallets[4]!.account.address, deadline: (await w.now()) + 3600n });
    const hash = await writeRegisterCvm(w.wallets[4]! as never, { registry: w.registry.address, ...r.args, tee: r.tee, tpm: r.tpm, identitySignature: r.identitySignature });
    expect((await w.pub.waitForTransactionReceipt({ hash })).status).toBe("success");
    const badge = await fetch(`${base}/badge/31337/${w.registry.address}/${cvm.address}.svg`);
    expect(badge.headers.get("content-type")).toBe("image/svg+xml");
    expect(await badge.text()).toMatch(/aria-label="proof of cloud: valid · level 2"/);
    expect((await fetch(`${base}/badge/1/${w.registry.address}/${cvm.address}.svg`)).status).toBe(404);
    expect((await fetch(`${base}/badge/31337/not-an-address/x.svg`)).status).toBe(400);
  });

  it("a frozen entry is not verified: 404 not_found, status frozen, the reason in the message", async () => {
    await w.govern([registryCalls.freeze(w.hardware.address, [w.hwKey], keccak256(stringToBytes("incident")))], ProposalClass.EmergencyFreeze);
    const r = await get(`/hardware_id/${w.hwKey}`);
    expect(r).toMatchObject({ status: 404, body: { success: false, error: "not_found", status: "frozen" } });
    expect(r.body.message).toMatch(/is not verified: it is frozen/);
    // The CvmRegistry mirrors the freeze in the same transaction: the badge turns at once.
    expect(await (await fetch(`${base}/badge/31337/${w.registry.address}/${cvm.address}.svg`)).text()).toMatch(/aria-label="proof of cloud: invalid"/);
  });

  it("IDs of no known length or not hex: 400 invalid_hardware_id naming what is expected", async () => {
    for (const id of ["abc", "00".repeat(20), "zz".repeat(16), "%ZZ"]) {
      const r = await fetch(`${base}/hardware_id/${id}`);
      expect(r.status, id).toBe(400);
      expect(await r.json()).toMatchObject({ success: false, field: "id" });
    }
  });

  it("/rpc reads the same chain; a write is refused", async () => {
    const post = async (body: unknown) => (await fetch(`${base}/rpc`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) })).json();
    expect(await post({ jsonrpc: "2.0", id: 1, method: "eth_chainId" })).toEqual({ jsonrpc: "2.0", id: 1, result: "0x7a69" });
    expect((await post({ jsonrpc: "2.0", id: 2, method: "eth_sendTransaction", params: [{ from: w.wallets[0]!.account.address }] })).error.code).toBe(-32601);
  });
});
