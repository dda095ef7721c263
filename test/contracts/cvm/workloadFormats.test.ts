/**
 * The workload formats are the same in TypeScript and Solidity: the golden-measurement hash
 * (property-based over random registers, PCR banks and values), the EIP-712 registration,
 * re-attestation and rotation hashes; bad SDK input gives typed errors.
 */
import { describe, it, expect, beforeAll } from "vitest";
import fc from "fast-check";
import { keccak256, toHex, zeroAddress, type Address } from "viem";
import { measurementHash, pcrMaskOf, teeRegistersHash, workloadReportData, akKeyHash, TeeType, tdxTeeRegisters } from "../../../sdk/src/chain/workload.js";
import { hashRegistration, hashReAttestation, hashRotation } from "../../../sdk/src/chain/cvmRegistry.js";
import { ChainInputError } from "../../../sdk/src/chain/errors.js";
import { connectChain, SALT, type Connection } from "../fixture.js";
import { deploySystem } from "../../../testkit/deploy.js";
import { addressOf } from "../../../sdk/src/chain/addressBook.js";
import { readFileSync } from "node:fs";

const addr = fc.uint8Array({ minLength: 20, maxLength: 20 }).map((b) => toHex(b) as Address);

describe("workload formats: TypeScript equals Solidity", () => {
  let c: Connection;
  let workload: Awaited<ReturnType<Connection["viem"]["deployContract"]>>;
  let registry: Awaited<ReturnType<Connection["viem"]["deployContract"]>>;
  beforeAll(async () => {
    c = await connectChain();
    // The WorkloadVerifier and CvmRegistry of a module deployment (testkit/deploy.ts): the hashes are
    // compared against the contracts as deployed, not hand-wired copies.
    const book = await deploySystem(c.conn, { salt: SALT });
    workload = (await c.viem.getContractAt("WorkloadVerifier", addressOf(book, "WorkloadVerifier"))) as never;
    registry = (await c.viem.getContractAt("CvmRegistry", addressOf(book, "CvmRegistry"))) as never;
  });

  it("measurementHash (property: random TEE registers, bank, mask, values)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(TeeType.Tdx, TeeType.SevSnp),
        fc.uint8Array({ minLength: 192, maxLength: 192 }),
        fc.constantFrom(0x0004, 0x000b, 0x000c),
        fc.integer({ min: 0, max: 0xffffffff }),
        fc.uint8Array({ maxLength: 24 * 48 }),
        async (teeType, regs, alg, mask, values) => {
          const teeRegisters = teeType === TeeType.Tdx ? regs : regs.subarray(0, 48);
          const ts = measurementHash({ teeType, teeRegisters, pcrHashAlg: alg, pcrMask: mask, pcrValues: values });
          const sol = await workload.read.measurementHash([teeType, teeRegistersHash(teeRegisters), alg, mask, keccak256(values)]);
          expect(sol).toBe(ts);
        },
      ),
      { numRuns: 25 },
    );
  });

  it("Registration, ReAttestation and Rotation hashes (property: random addresses, nonces, deadlines)", async () => {
    const target = { chainId: c.chainId, registry: registry.address as Address };
    await fc.assert(
      fc.asyncProperty(addr, addr, fc.bigInt({ min: 0n, max: (1n << 32n) - 1n }), fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), fc.boolean(), async (a, b, nonce, deadline, rotating) => {
        expect(await registry.read.hashRegistration([a, b, nonce, deadline])).toBe(hashRegistration(target, { identity: a, owner: b, nonce, deadline }));
        const next = rotating ? b : zeroAddress;
        expect(await registry.read.hashReAttestation([a, nonce, next])).toBe(hashReAttestation(target, { identity: a, nonce, newIdentity: next }));
        expect(await registry.read.hashRotation([a, b, nonce])).toBe(hashRotation(target, { identity: a, newIdentity: b, nonce }));
      }),
      { numRuns: 15 },
    );
  });

  it("the platform key salt is the hardware registry's", async () => {
    expect(await workload.read.salt()).toBe(SALT);
  });
});

describe("workload SDK input errors are typed", () => {
  it("measurementHash refuses wrong register lengths and out-of-range masks", () => {
    expect(() => measurementHash({ teeType: TeeType.Tdx, teeRegisters: new Uint8Array(48), pcrHashAlg: 11, pcrMask: 1, pcrValues: new Uint8Array(32) })).toThrow(ChainInputError);
    expect(() => measurementHash({ teeType: TeeType.SevSnp, teeRegisters: new Uint8Array(48), pcrHashAlg: 11, pcrMask: -1, pcrValues: "0x" })).toThrow(/pcrMask/);
    expect(() => measurementHash({ teeType: TeeType.None, teeRegisters: new Uint8Array(0), pcrHashAlg: 11, pcrMask: 1, pcrValues: "0x" })).toThrow(/teeRegisters/);
  });

  it("pcrMaskOf, workloadReportData and tdxTeeRegisters check their input", () => {
    expect(pcrMaskOf([0, 4, 8, 9])).toBe(0x311);
    expect(pcrMaskOf([31])).toBe(0x80000000);
    expect(() => pcrMaskOf([32])).toThrow(ChainInputError);
    expect(() => workloadReportData("0x1234", "0x00")).toThrow(/bindingHash/);
    const rd = workloadReportData(`0x${"11".repeat(32)}`, "0xabcd");
    expect(toHex(rd.subarray(32))).toBe(akKeyHash("0xabcd"));
    const sgx = new Uint8Array(readFileSync("test/fixtures/intel/sgx-v3/quote.bin"));
    expect(() => tdxTeeRegisters(sgx)).toThrow(/TDX/);
    const tdx = new Uint8Array(readFileSync("test/fixtures/intel/tdx-v4/quote.bin"));
    const regs = tdxTeeRegisters(tdx);
    expect(regs.length).toBe(192);
    expect(toHex(regs.subarray(0, 48))).toBe(toHex(tdx.subarray(48 + 136, 48 + 184)));
    expect(toHex(regs.subarray(48))).toBe(toHex(tdx.subarray(48 + 328, 48 + 472)));
  });
});
