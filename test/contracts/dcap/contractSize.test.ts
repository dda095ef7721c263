/** EIP-170: every deployable DCAP contract stays under 24,576 bytes (Sepolia and the Automata testnet enforce it). */
import { it, expect } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";

const DIR = join(import.meta.dirname, "..", "..", "..", "artifacts", "contracts", "verifier", "dcap");

for (const name of ["DcapQuoteVerifier", "CollateralStore", "CollateralParser", "AutomataDcapAdapter"]) {
  it(`${name} fits EIP-170`, () => {
    const a = JSON.parse(readFileSync(join(DIR, `${name}.sol`, `${name}.json`), "utf8")) as { deployedBytecode: string };
    const size = (a.deployedBytecode.length - 2) / 2;
    expect(size).toBeGreaterThan(1000);
    expect(size).toBeLessThanOrEqual(24576);
  });
}
