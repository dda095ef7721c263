// Hardhat 3's in-process EVM (@nomicfoundation/edr) ships its engine as a platform package that
// declares `engines: node >= 22`. An `npm install` run by Node 20 silently skips it; the `node@22`
// dev dependency puts a Node 22 binary first on PATH for npm scripts (this one included), so running
// the install once more from here, under Node 22, fetches the missing native package.
import { createRequire } from "node:module";
import { spawnSync } from "node:child_process";

const require = createRequire(import.meta.url);

function edrLoads() {
  try {
    require("@nomicfoundation/edr");
    return true;
  } catch {
    return false;
  }
}

if (process.env.POC_ENSURE_NATIVE_RUNNING || edrLoads()) process.exit(0);

const major = Number(process.versions.node.split(".")[0]);
if (major < 22) {
  console.error(
    `[prepare] Node ${process.version} is running npm scripts, but Hardhat needs Node >= 22.\n` +
      "[prepare] The node@22 dev dependency should be first on PATH; run `npm install` again.",
  );
  process.exit(0);
}

const npmCli = process.env.npm_execpath;
console.error(`[prepare] installing Hardhat's native EVM under Node ${process.version}...`);
const result = spawnSync(
  npmCli && npmCli.endsWith(".js") ? process.execPath : "npm",
  [...(npmCli && npmCli.endsWith(".js") ? [npmCli] : []), "install", "--no-audit", "--no-fund"],
  { stdio: "inherit", env: { ...process.env, POC_ENSURE_NATIVE_RUNNING: "1" } },
);
if (result.status !== 0 || !edrLoads()) {
  console.error("[prepare] could not install @nomicfoundation/edr's native package");
  process.exit(1);
}
