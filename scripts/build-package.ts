/**
 * Builds the published package under dist/ (`npm run build:pkg`, also run by `npm pack` through
 * `prepack`): the SDK's ESM JavaScript and declarations (tsc, tsconfig.build.json), the CLI's
 * JavaScript (esbuild, one file per module), and the creation bytecode the CLI's embedded chain
 * deploys, taken from Hardhat's artifacts (run `npx hardhat build` first; the npm script does).
 * See docs/architecture.md.
 */
import { execFileSync } from "node:child_process";
import { build } from "esbuild";
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { EMBEDDED_BYTECODE_FILE, EMBEDDED_CONTRACTS } from "../cli/commands/_embeddedArtifacts.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
const dist = join(root, "dist");

rmSync(dist, { recursive: true, force: true });
// The SDK: JavaScript and declarations, type-checked.
execFileSync(process.execPath, [tsc, "-p", join(root, "tsconfig.build.json")], { stdio: ["ignore", 2, 2], cwd: root });
// The CLI: JavaScript only (it is no library API), file by file with esbuild; its imports of
// ../../sdk/src/*.js land on the SDK files tsc just wrote. `npm run typecheck` checks its types.
// The CVM agent (`poc agent`) and the verification service (`poc serve`) sit beside the CLI and
// ship the same way: the CLI's commands import them.
for (const dir of ["cli", "agent", "service"]) {
  const sources = readdirSync(join(root, dir), { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".ts")).map((f) => join(root, dir, f));
  await build({ entryPoints: sources, outdir: join(dist, dir), outbase: join(root, dir), bundle: false, format: "esm", platform: "node", target: "node20", logLevel: "warning" });
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
