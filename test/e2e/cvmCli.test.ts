/**
 * `poc cvm` against the in-process chain: prepare the registration hash, let the (simulated) CVM
 * quote it, register, read the status, re-attest, rotate, revoke; refusals exit 1, bad input throws UsageError.
 */
import { describe, it, expect, beforeAll } from "vitest";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { custom, parseEther } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { makeCvmCommand } from "../../cli/commands/cvm.js";
import { UsageError, type CliIO } from "../../cli/io.js";
import { Cvm, deployCvmWorld, type CvmWorld } from "../../testkit/cvmWorld.js";

describe("poc cvm", () => {
  let w: CvmWorld;
  let cvm: Cvm;
  let dir: string;
  const ownerKey = generatePrivateKey();
  let cvmKeyNow: `0x${string}`;
  const owner = privateKeyToAccount(ownerKey);
  let lines: string[];
  const io = (env: Record<string, string>): CliIO => ({
    out: (l) => lines.push(l),
    err: (l) => lines.push(l),
    progress: () => {},
    cwd: dir,
    env: { POC_CVM_REGISTRY: w.registry.address, ...env },
  });
  const poc = async (argv: string[], env: Record<string, string> = {}) => {
    lines = [];
    const code = await makeCvmCommand({ transport: custom(w.conn.provider as never) }).run(argv, io(env));
    return { code, out: lines.join("\n") };
  };
  const json = (out: string) => JSON.parse(out);

  beforeAll(async () => {
    w = await deployCvmWorld({ seed: "cli" });
    await w.registerHardware();
    cvm = await Cvm.create(w, "rsa", "cli-cvm");
    dir = mkdtempSync(join(tmpdir(), "poc-cvm-"));
    await w.conn.networkHelpers.setBalance(owner.address, parseEther("10"));
    writeFileSync(join(dir, "ak.bin"), cvm.tpm.akPublic);
  });

  const writeTpm = (name: string, t: Awaited<ReturnType<Cvm["tpmQuote"]>>) => writeFileSync(join(dir, name), JSON.stringify(t));

  it("register --prepare, then register with the CVM's quote and TPM quote", async () => {
    const env: Record<string, string> = { POC_PRIVATE_KEY: ownerKey };
    const deadline = String((await w.now()) + 3600n);
    const cvmKey = generatePrivateKey();
    cvmKeyNow = cvmKey;
    cvm = new Cvm(w, cvm.tpm, cvmKey);
    env.POC_CVM_KEY = cvmKey;
    const prep = await poc(["register", "--owner", owner.address, "--deadline", deadline, "--prepare", "--ak-public", "ak.bin", "--json"], env);
    expect(prep.code).toBe(0);
    const p = json(prep.out);
    expect(p.identity).toBe(cvm.address);
    expect(p.reportData.length).toBe(2 + 128);
    writeFileSync(join(dir, "quote.bin"), cvm.tdxQuote(p.registrationHash));
    writeTpm("tpm.json", await cvm.tpmQuote(p.registrationHash));
    const r = await poc(["register", "--owner", owner.address, "--deadline", deadline, "--quote", "quote.bin", "--tpm", "tpm.json", "--json"], env);
    expect(r.code, r.out).toBe(0);
    expect(json(r.out).status).toBe("success");
    // the same files again: the CLI signs the current nonce, but the quote still holds the old one
    const again = await poc(["register", "--owner", owner.address, "--deadline", deadline, "--quote", "quote.bin", "--tpm", "tpm.json", "--json"], env);
    expect(again.code).toBe(1);
    expect(json(again.out).refused).toBe("ReportDataMismatch");
  });

  it("status: exit 0 and the record when valid; text form names it", async () => {
    const s = await poc(["status", cvm.address, "--json"]);
    expect(s.code).toBe(0);
    expect(json(s.out)).toMatchObject({ valid: true, statusName: "active", measurementHash: cvm.expectedMeasurement() });
    const t = await poc(["status", cvm.address]);
    expect(t.out).toMatch(/VALID/);
  });

  it("reattest --prepare, then reattest", async () => {
    const prep = json((await poc(["reattest", cvm.address, "--prepare", "--json"])).out);
    writeTpm("re.json", await cvm.tpmQuote(prep.qualifyingData));
    const r = await poc(["reattest", cvm.address, "--tpm", "re.json", "--tee-registers-hash", cvm.teeRegistersHash(), "--json"], { POC_PRIVATE_KEY: ownerKey });
    expect(r.code, r.out).toBe(0);
  });

  it("rotate --prepare, then rotate signed by both keys; the new key must be the one named", async () => {
    const nextKey = generatePrivateKey();
    const next = privateKeyToAccount(nextKey).address;
    const prep = json((await poc(["rotate", cvm.address, "--new-identity", next, "--prepare", "--json"])).out);
    writeTpm("rot.json", await cvm.tpmQuote(prep.qualifyingData));
    const args = ["rotate", cvm.address, "--tpm", "rot.json", "--tee-registers-hash", cvm.teeRegistersHash(), "--json"];
    await expect(poc(args, { POC_PRIVATE_KEY: ownerKey, POC_CVM_KEY: cvmKeyNow })).rejects.toThrow(/POC_CVM_NEW_KEY/);
    await expect(poc([...args, "--new-identity", next], { POC_PRIVATE_KEY: ownerKey, POC_CVM_KEY: cvmKeyNow, POC_CVM_NEW_KEY: generatePrivateKey() })).rejects.toThrow(/not the new identity/);
    const r = await poc(args, { POC_PRIVATE_KEY: ownerKey, POC_CVM_KEY: cvmKeyNow, POC_CVM_NEW_KEY: nextKey });
    expect(r.code, r.out).toBe(0);
    expect(json(r.out)).toMatchObject({ status: "success", newIdentity: next });
    cvm = cvm.rotated(nextKey);
    cvmKeyNow = nextKey;
    expect(json((await poc(["status", next, "--json"])).out)).toMatchObject({ valid: true, statusName: "active" });
  });

  it("revoke by the owner; status then exits 1", async () => {
    const r = await poc(["revoke", cvm.address, "--reason", "decommissioned", "--json"], { POC_PRIVATE_KEY: ownerKey });
    expect(r.code, r.out).toBe(0);
    const s = await poc(["status", cvm.address, "--json"]);
    expect(s.code).toBe(1);
    expect(json(s.out).statusName).toBe("revoked");
  });

  it("bad input is a UsageError", async () => {
    await expect(poc(["status", "0x1234"])).rejects.toThrow(UsageError);
    await expect(poc(["register", "--deadline", "1", "--prepare"])).rejects.toThrow(/--owner/);
    await expect(poc(["frobnicate"])).rejects.toThrow(UsageError);
    await expect(poc(["reattest", cvm.address, "--tpm", "missing.json", "--tee-registers-hash", cvm.teeRegistersHash()])).rejects.toThrow(/no such file/);
  });
});
