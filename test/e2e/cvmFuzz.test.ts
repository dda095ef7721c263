/**
 * Mutated and truncated real evidence (a simulated TDX quote and RSA / P-256 vTPM quotes) through
 * register and reattest: every bad input reverts with a named custom error, never a panic, an empty
 * revert or a silent pass (property-based, fast-check).
 */
import { describe, it, expect, beforeAll } from "vitest";
import fc from "fast-check";
import { encodeFunctionData, type Hex } from "viem";
import { cvmRegistryAbi } from "../../sdk/src/chain/abi/CvmRegistry.js";
import { writeRegisterCvm } from "../../sdk/src/chain/cvmRegistry.js";
import type { TpmEvidence } from "../../sdk/src/chain/workload.js";
import { Cvm, deployCvmWorld, type CvmWorld } from "../../testkit/cvmWorld.js";
import { CVM_PATH_ERRORS, revertName } from "../../testkit/cvmRevert.js";

function mutate(h: Hex, kind: "flip" | "truncate", at: number, bit: number): Hex {
  const b = Buffer.from(h.slice(2), "hex");
  if (b.length === 0) return h;
  const i = at % b.length;
  if (kind === "truncate") return `0x${b.subarray(0, i).toString("hex")}`;
  b[i] = b[i]! ^ (1 << bit);
  return `0x${b.toString("hex")}`;
}

const mutation = fc.record({ kind: fc.constantFrom("flip" as const, "truncate" as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) });

describe("bad evidence gives typed errors", () => {
  let w: CvmWorld;
  let rsa: Cvm;
  let ecdsa: Cvm;
  let reg: Awaited<ReturnType<Cvm["registration"]>>;
  beforeAll(async () => {
    w = await deployCvmWorld({ seed: "fuzz" });
    await w.registerHardware();
    rsa = await Cvm.create(w, "rsa", "fuzz-rsa");
    ecdsa = await Cvm.create(w, "ecdsa", "fuzz-ecdsa");
    const r = await ecdsa.registration({ owner: w.wallets[5]!.account.address, deadline: (await w.now()) + 86_400n });
    await w.pub.waitForTransactionReceipt({ hash: await writeRegisterCvm(w.wallets[6]!, { registry: w.registry.address, ...r.args, tee: r.tee, tpm: r.tpm, identitySignature: r.identitySignature }) });
    reg = await rsa.registration({ owner: w.wallets[5]!.account.address, deadline: (await w.now()) + 86_400n });
  });

  const call = (data: Hex) => w.pub.call({ account: w.wallets[6]!.account.address, to: w.registry.address, data });

  it("register: a mutated or truncated TDX quote or TPM part", async () => {
    const fields = ["quote", "akPublic", "attest", "signature", "pcrValues"] as const;
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...fields), mutation, async (field, m) => {
        const tee = field === "quote" ? { ...reg.tee, payload: mutate(reg.tee.payload, m.kind, m.at, m.bit) } : reg.tee;
        const tpm: TpmEvidence = field === "quote" ? reg.tpm : { ...reg.tpm, [field]: mutate(reg.tpm[field], m.kind, m.at, m.bit) };
        const data = encodeFunctionData({ abi: cvmRegistryAbi, functionName: "register", args: [tee, tpm, reg.args.identity, reg.args.owner, reg.args.deadline, reg.identitySignature] });
        const name = await revertName(call(data));
        // a flip inside bytes nobody checks (e.g. the quote's unsigned padding) may still verify; nothing else may
        if (name === "no revert" && field === "quote") return;
        expect(CVM_PATH_ERRORS.has(name), `${field} ${m.kind}@${m.at}: ${name}`).toBe(true);
      }),
      { numRuns: 60 },
    );
  });

  it("reattest: a mutated or truncated TPM quote or TEE registers hash", async () => {
    const r = await ecdsa.reattestation();
    await fc.assert(
      fc.asyncProperty(fc.constantFrom("akPublic", "attest", "signature", "pcrValues", "teeRegistersHash") as fc.Arbitrary<keyof TpmEvidence | "teeRegistersHash">, mutation, async (field, m) => {
        const tpm: TpmEvidence = field === "teeRegistersHash" ? r.tpm : { ...r.tpm, [field]: mutate(r.tpm[field], m.kind, m.at, m.bit) };
        const regs = field === "teeRegistersHash" ? mutate(r.teeRegistersHash, "flip", m.at, m.bit) : r.teeRegistersHash;
        const data = encodeFunctionData({ abi: cvmRegistryAbi, functionName: "reattest", args: [ecdsa.address, tpm, regs] });
        const name = await revertName(call(data));
        expect(CVM_PATH_ERRORS.has(name), `${field} ${m.kind}@${m.at}: ${name}`).toBe(true);
      }),
      { numRuns: 60 },
    );
  });
});
