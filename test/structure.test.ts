/**
 * Who may import whom. Tests, the demo and the bench each used to reach into the others' files
 * (tests importing scripts/demo, the bench importing test/), so changing one silently changed the
 * others. Whatever they share lives in testkit/; this test walks every import statement (static,
 * `export ... from` and dynamic `import("...")`) of test/, scripts/ and testkit/ and fails on:
 *   - test/ importing scripts/ (except scripts/deploy/, the deploy tool the deploy tests check: it
 *     is product code, like sdk/, not another consumer of the kit);
 *   - scripts/ importing test/;
 *   - scripts/bench* importing scripts/demo* and the other way round;
 *   - testkit/ importing test/, scripts/demo* or scripts/bench* (the kit is below all three);
 *   - agent/ (the CVM agent, product code over the SDK) importing anything but sdk/src/ and itself,
 *     or Hardhat: it runs inside a CVM with the SDK and viem only; cli/ may import it.
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const repo = resolve(import.meta.dirname, "..");

function tsFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(join(repo, dir), { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) {
      if (e.name !== "node_modules" && e.name !== "fixtures") out.push(...tsFiles(p));
    } else if (/\.(ts|mts|js|mjs)$/.test(e.name)) out.push(p);
  }
  return out;
}

// `import x from "…"`, `import "…"`, `export … from "…"`, `import("…")`.
const IMPORT_RE = /(?:^|[\s;])(?:import|export)\s[^'"`;]*?from\s*["']([^"']+)["']|(?:^|[\s;])import\s*["']([^"']+)["']|\bimport\(\s*["']([^"']+)["']\s*\)/gm;

/** Repository-relative paths of the files `file` imports by relative specifier. */
export function relativeImports(file: string, source: string): string[] {
  const out: string[] = [];
  for (const m of source.matchAll(IMPORT_RE)) {
    const spec = m[1] ?? m[2] ?? m[3]!;
    if (!spec.startsWith(".")) continue;
    out.push(relative(repo, resolve(repo, dirname(file), spec)).split("\\").join("/"));
  }
  return out;
}

const area = (p: string): string => {
  if (p.startsWith("test/")) return "test";
  if (p.startsWith("testkit/")) return "testkit";
  if (p.startsWith("agent/")) return "agent";
  if (p.startsWith("sdk/src/")) return "sdk";
  if (p === "scripts/demo.ts" || p.startsWith("scripts/demo/")) return "demo";
  if (p === "scripts/bench.ts" || p.startsWith("scripts/bench/")) return "bench";
  if (p.startsWith("scripts/deploy/") || p === "scripts/deploy.ts") return "deploy";
  if (p.startsWith("scripts/")) return "scripts";
  return "other";
};

/** Why `from` may not import `to`, or undefined when it may. */
export function violation(from: string, to: string): string | undefined {
  const a = area(from);
  const b = area(to);
  const isScripts = (x: string) => x === "demo" || x === "bench" || x === "scripts" || x === "deploy";
  if (a === "test" && isScripts(b) && b !== "deploy") return "tests import the kit (testkit/), not scripts/";
  if (isScripts(a) && b === "test") return "scripts import the kit (testkit/), not test/";
  if (a === "bench" && b === "demo") return "the bench does not import the demo (share through testkit/)";
  if (a === "demo" && b === "bench") return "the demo does not import the bench (share through testkit/)";
  if (a === "testkit" && (b === "test" || b === "demo" || b === "bench")) return "the kit is below tests, demo and bench and imports none of them";
  if (a === "agent" && b !== "agent" && b !== "sdk") return "the agent sits over sdk/src only (not cli/, testkit/, scripts/ or test/)";
  return undefined;
}

describe("import structure: tests, demo and bench share testkit/ and never import each other", () => {
  it("the rules catch each forbidden direction (and allow the kit and the deploy tool)", () => {
    expect(violation("test/e2e/x.test.ts", "scripts/demo/world.ts")).toBeDefined();
    expect(violation("test/e2e/x.test.ts", "scripts/bench/cvm.ts")).toBeDefined();
    expect(violation("scripts/bench/cvm.ts", "test/contracts/fixture.ts")).toBeDefined();
    expect(violation("scripts/bench/cvm.ts", "scripts/demo/world.ts")).toBeDefined();
    expect(violation("scripts/demo.ts", "scripts/bench/log.ts")).toBeDefined();
    expect(violation("testkit/cvmWorld.ts", "test/contracts/fixture.ts")).toBeDefined();
    expect(violation("test/e2e/x.test.ts", "testkit/cvmWorld.ts")).toBeUndefined();
    expect(violation("scripts/bench/cvm.ts", "testkit/cvmWorld.ts")).toBeUndefined();
    expect(violation("test/e2e/deployRoute.test.ts", "scripts/deploy/deployProofOfCloud.ts")).toBeUndefined();
    expect(violation("agent/agent.ts", "testkit/cvmWorld.ts")).toBeDefined();
    expect(violation("agent/agent.ts", "cli/io.ts")).toBeDefined();
    expect(violation("agent/agent.ts", "sdk/src/chain/cvmRegistry.ts")).toBeUndefined();
    expect(violation("testkit/agentWorld.ts", "agent/config.ts")).toBeUndefined();
    expect(relativeImports("test/e2e/a.ts", `import { x } from "../../scripts/demo/world.js";\nexport * from "./b.js";\nconst m = await import("../../testkit/story.js");\nimport "./side.js";`)).toEqual([
      "scripts/demo/world.js",
      "test/e2e/b.js",
      "testkit/story.js",
      "test/e2e/side.js",
    ]);
  });

  it('agent/ imports no "hardhat" (it runs in a CVM with the SDK and viem)', () => {
    const bad = tsFiles("agent").filter((f) => /from\s+["']hardhat(\/[^"']*)?["']|import\(\s*["']hardhat/.test(readFileSync(join(repo, f), "utf8")));
    expect(bad).toEqual([]);
  });

  it("no file in test/, scripts/, testkit/ or agent/ breaks them", () => {
    const files = [...tsFiles("test"), ...tsFiles("scripts"), ...tsFiles("testkit"), ...tsFiles("agent")];
    expect(files.length).toBeGreaterThan(50);
    const broken: string[] = [];
    for (const f of files) {
      for (const to of relativeImports(f, readFileSync(join(repo, f), "utf8"))) {
        const why = violation(f, to);
        if (why) broken.push(`${f} imports ${to}: ${why}`);
      }
    }
    expect(broken).toEqual([]);
  });
});
