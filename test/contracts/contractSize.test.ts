/**
 * EIP-170 with headroom: every deployable contract (every artifact with runtime code, test-only
 * contracts under contracts/test aside) stays at least 2 KB under 24,576 bytes, so the next change
 * to any of them still deploys on Sepolia and the Automata testnet, which enforce the limit.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";

const EIP170 = 24_576;
const HEADROOM = 2_048;
const ROOT = join(import.meta.dirname, "..", "..", "artifacts", "contracts");

function artifacts(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) return f === "test" && dir === ROOT ? [] : artifacts(p);
    return p.endsWith(".json") && !p.endsWith(".dbg.json") ? [p] : [];
  });
}

const sizes = artifacts(ROOT)
  .map((p) => {
    const a = JSON.parse(readFileSync(p, "utf8")) as { contractName?: string; deployedBytecode?: string };
    return { name: a.contractName ?? p, size: ((a.deployedBytecode ?? "0x").length - 2) / 2 };
  })
  .filter((a) => a.size > 0);

it("finds the deployable contracts", () => {
  for (const name of ["Alliance", "HardwareRegistry", "CvmRegistry", "DcapQuoteVerifier", "CollateralStore", "WorkloadVerifier", "ZkAttestationVerifier"]) {
    expect(sizes.map((s) => s.name)).toContain(name);
  }
});

for (const { name, size } of sizes) {
  it(`${name} (${size} bytes) is at least ${HEADROOM} bytes under EIP-170`, () => {
    expect(size).toBeLessThanOrEqual(EIP170 - HEADROOM);
  });
}
