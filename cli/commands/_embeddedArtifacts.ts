/**
 * The creation bytecode of the contracts the embedded chain deploys (CollateralParser,
 * CollateralStore, DcapQuoteVerifier). The published package ships them as
 * dist/cli/commands/embeddedBytecode.json (written by scripts/build-package.ts from Hardhat's
 * artifacts); in a checkout of the repository they are read from artifacts/ (`npx hardhat build`).
 */
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Hex } from "viem";

export const EMBEDDED_CONTRACTS = {
  CollateralParser: "contracts/verifier/dcap/CollateralParser.sol",
  CollateralStore: "contracts/verifier/dcap/CollateralStore.sol",
  DcapQuoteVerifier: "contracts/verifier/dcap/DcapQuoteVerifier.sol",
} as const;
export type EmbeddedContractName = keyof typeof EMBEDDED_CONTRACTS;

/** Shipped next to this module in the package; absent in a checkout. */
export const EMBEDDED_BYTECODE_FILE = "embeddedBytecode.json";

let cache: Record<EmbeddedContractName, Hex> | undefined;

export function embeddedBytecode(name: EmbeddedContractName): Hex {
  cache ??= load();
  return cache[name];
}

function load(): Record<EmbeddedContractName, Hex> {
  const shipped = fileURLToPath(new URL(`./${EMBEDDED_BYTECODE_FILE}`, import.meta.url));
  if (existsSync(shipped)) return JSON.parse(readFileSync(shipped, "utf8")) as Record<EmbeddedContractName, Hex>;
  const root = fileURLToPath(new URL("../../", import.meta.url));
  const out = {} as Record<EmbeddedContractName, Hex>;
  for (const [name, source] of Object.entries(EMBEDDED_CONTRACTS) as [EmbeddedContractName, string][]) {
    const file = `${root}artifacts/${source}/${name}.json`;
    if (!existsSync(file)) throw new Error(`no compiled ${name} (${file}): run \`npx hardhat build\` in the repository first`);
    out[name] = (JSON.parse(readFileSync(file, "utf8")) as { bytecode: Hex }).bytecode;
  }
  return out;
}
