/** EIP-170: the ZK route's deployable contracts stay under 24,576 bytes (Sepolia and the Automata testnet enforce it). */
import { it, expect } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";

const ARTIFACTS = join(import.meta.dirname, "..", "..", "..", "artifacts", "contracts", "verifier");

for (const [dir, name] of [["zk", "ZkAttestationVerifier"], [".", "WorkloadVerifier"]] as const) {
  it(`${name} fits EIP-170`, () => {
    const a = JSON.parse(readFileSync(join(ARTIFACTS, dir, `${name}.sol`, `${name}.json`), "utf8")) as { deployedBytecode: string };
    const size = (a.deployedBytecode.length - 2) / 2;
    expect(size).toBeGreaterThan(1000);
    expect(size).toBeLessThanOrEqual(24576);
  });
}
