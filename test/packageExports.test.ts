/**
 * package.json's exports map against the tree it is built from (no build needed): every SDK folder
 * with an index.ts has a subpath, every subpath's module exists in sdk/src, and the files whitelist
 * ships what the exports point at and no repository-only code. The built package itself is
 * exercised by test/system/package/ (npm run test:package).
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "..");
const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as {
  exports: Record<string, string | { types: string; default: string }>;
  files: string[];
  sideEffects: boolean;
  scripts: Record<string, string>;
  dependencies: Record<string, string>;
  peerDependencies: Record<string, string>;
};

/** dist/sdk/src/x.js (or .d.ts) -> sdk/src/x.ts */
const sourceOf = (target: string) => target.replace(/^\.\/dist\//, "").replace(/\.(d\.ts|js)$/, ".ts");

describe("package.json", () => {
  it("exports a subpath for every SDK folder with an index.ts", () => {
    const folders = readdirSync(join(ROOT, "sdk/src"), { withFileTypes: true })
      .filter((d) => d.isDirectory() && existsSync(join(ROOT, "sdk/src", d.name, "index.ts")))
      .map((d) => d.name);
    expect(folders.filter((f) => !(`./${f}` in pkg.exports))).toEqual([]);
  });

  it("points every subpath at types and JavaScript built from an existing module", () => {
    for (const [subpath, target] of Object.entries(pkg.exports)) {
      if (typeof target === "string") continue; // ./contracts/* and ./package.json: shipped as they are
      expect(Object.keys(target), subpath).toEqual(["types", "default"]); // types first, as TypeScript wants
      expect(sourceOf(target.types), subpath).toBe(sourceOf(target.default));
      const source = sourceOf(target.default);
      if (source.includes("*")) {
        const dir = join(ROOT, source.slice(0, source.indexOf("*")));
        expect(readdirSync(dir).some((f) => f.endsWith(".ts")), subpath).toBe(true);
      } else {
        expect(existsSync(join(ROOT, source)), `${subpath} -> ${source}`).toBe(true);
      }
    }
  });

  it("ships dist/, the bin and the contracts only, free of side effects, with no install scripts", () => {
    expect(pkg.files).toEqual(["dist/sdk", "dist/cli", "dist/agent", "dist/service", "bin/poc.mjs", "contracts", "!contracts/test", "CHANGELOG.md"]);
    expect(pkg.sideEffects).toBe(false);
    for (const hook of ["preinstall", "install", "postinstall"]) expect(pkg.scripts[hook]).toBeUndefined();
    for (const devOnly of ["node", "tsx", "hardhat", "viem"]) expect(Object.keys(pkg.dependencies)).not.toContain(devOnly);
    expect(Object.keys(pkg.peerDependencies).sort()).toEqual(["@openzeppelin/contracts", "viem"]);
  });
});
