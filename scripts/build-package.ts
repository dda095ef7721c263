/**
 * Builds the published package under dist/ (`npm run build:pkg`, also run by `npm pack` through
 * `prepack`): the SDK's ESM JavaScript and declarations (tsconfig.build.json), the CLI's JavaScript
 * (tsconfig.build.cli.json), and the creation bytecode the CLI's embedded chain deploys, taken from
 * Hardhat's artifacts (run `npx hardhat build` first; the npm script does). See docs/architecture.md.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { EMBEDDED_BYTECODE_FILE, EMBEDDED_CONTRACTS } from "../cli/commands/_embeddedArtifacts.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
const dist = join(root, "dist");

rmSync(dist, { recursive: true, force: true });
for (const project of ["tsconfig.build.json", "tsconfig.build.cli.json"]) {
  execFileSync(process.execPath, [tsc, "-p", join(root, project)], { stdio: ["ignore", 2, 2], cwd: root });
}

const bytecode: Record<string, string> = {};
for (const [name, source] of Object.entries(EMBEDDED_CONTRACTS)) {
  const artifact = join(root, "artifacts", source, `${name}.json`);
  bytecode[name] = (JSON.parse(readFileSync(artifact, "utf8")) as { bytecode: string }).bytecode;
  if (!/^0x[0-9a-f]+$/.test(bytecode[name]!)) throw new Error(`${artifact}: no creation bytecode (library links are not supported here)`);
}
const out = join(dist, "cli", "commands", EMBEDDED_BYTECODE_FILE);
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, JSON.stringify(bytecode) + "\n");
// stderr: `npm pack --json` runs this (prepack) and its stdout must stay JSON.
console.error(`dist/: SDK and CLI compiled; ${Object.keys(bytecode).join(", ")} bytecode in ${out.slice(root.length + 1)}`);
