/**
 * The SDK's layers, checked on the source text: every `import` / `export ... from` statement under
 * sdk/src is read (static and dynamic), resolved to a file, and the rules below are asserted.
 *
 *   evidence + foundations  intel/ amd/ tpm/ nitro/ eventlog/ dstack/ pki/ zk/ vocabulary/
 *                           must not import report/ or chain/ (the report sits above every
 *                           verifier, the chain actions above the formats they send);
 *   everything under sdk/src must not import "hardhat" (the SDK runs in a browser and in viem apps)
 *                           nor anything outside sdk/src (the CLI in cli/, the test kit, scripts sit above it);
 *   no import cycle between sdk/src folders (a top-level file such as errors.ts counts as its own
 *   module) and none between files: a cycle makes module initialisation order-dependent.
 *
 * On failure the message lists the offending imports and every cycle found.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const SRC = resolve(import.meta.dirname, "../../sdk/src");
const LOW_LAYERS = ["intel", "amd", "tpm", "nitro", "eventlog", "dstack", "pki", "zk", "vocabulary"];
const FORBIDDEN_FROM_LOW = ["report", "chain"];

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return walk(p);
    return /\.(ts|mts)$/.test(name) && !name.endsWith(".d.ts") ? [p] : [];
  });
}

// `import ... from "x"`, `export ... from "x"`, `import "x"`, `import("x")` (type-only imports too:
// they are still a dependency of the source, and a type cycle is a design cycle).
const IMPORT_RE = /(?:^|[\s;])(?:import|export)\s+(?:type\s+)?(?:[^"'`;]*?\sfrom\s+)?["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g;

function importsOf(file: string): string[] {
  const text = readFileSync(file, "utf8").replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\s*\/\/.*$/gm, "");
  return [...text.matchAll(IMPORT_RE)].map((m) => (m[1] ?? m[2])!);
}

function resolveLocal(from: string, spec: string): string | undefined {
  if (!spec.startsWith(".")) return undefined;
  const base = resolve(dirname(from), spec).replace(/\.js$/, "");
  for (const candidate of [`${base}.ts`, join(base, "index.ts")]) {
    try {
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // not this candidate
    }
  }
  return undefined;
}

/** The module of a file: its first folder under sdk/src, or the file name for top-level files. */
const moduleOf = (file: string) => relative(SRC, file).split("/")[0]!;

type Graph = Map<string, Set<string>>;

/** Strongly connected components with more than one node (or a self-loop): the import cycles. */
function cycles(graph: Graph): string[][] {
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  const strong = (v: string): void => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!idx.has(w)) {
        strong(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1 || graph.get(v)?.has(v)) out.push(scc.sort());
    }
  };
  for (const v of graph.keys()) if (!idx.has(v)) strong(v);
  return out;
}

const files = walk(SRC);
const edges = files.flatMap((file) => importsOf(file).map((spec) => ({ file, spec, target: resolveLocal(file, spec) })));

describe("sdk/src layers", () => {
  it("finds the sources and resolves every relative import", () => {
    expect(files.length).toBeGreaterThan(50);
    const unresolved = edges.filter((e) => e.spec.startsWith(".") && !e.target).map((e) => `${relative(SRC, e.file)} -> ${e.spec}`);
    expect(unresolved).toEqual([]);
  });

  it(`${LOW_LAYERS.join("/ ")}/ import nothing from ${FORBIDDEN_FROM_LOW.join("/, ")}/`, () => {
    const bad = edges
      .filter((e) => e.target && LOW_LAYERS.includes(moduleOf(e.file)) && FORBIDDEN_FROM_LOW.includes(moduleOf(e.target)))
      .map((e) => `${relative(SRC, e.file)} -> ${e.spec}`);
    expect(bad).toEqual([]);
  });

  it('nothing under sdk/src imports "hardhat", nor a file outside sdk/src (cli/, testkit/, scripts/ sit above it)', () => {
    const bad = edges
      .filter((e) => e.spec === "hardhat" || e.spec.startsWith("hardhat/") || (e.spec.startsWith(".") && !resolve(dirname(e.file), e.spec).startsWith(SRC)))
      .map((e) => `${relative(SRC, e.file)} -> ${e.spec}`);
    expect(bad).toEqual([]);
  });

  it("no import cycle between sdk/src folders", () => {
    const graph: Graph = new Map();
    for (const e of edges) {
      if (!e.target) continue;
      const [a, b] = [moduleOf(e.file), moduleOf(e.target)];
      if (!graph.has(a)) graph.set(a, new Set());
      if (a !== b) graph.get(a)!.add(b);
    }
    expect(cycles(graph).map((c) => c.join(" <-> "))).toEqual([]);
  });

  it("no import cycle between sdk/src files", () => {
    const graph: Graph = new Map();
    for (const e of edges) {
      if (!e.target) continue;
      const [a, b] = [relative(SRC, e.file), relative(SRC, e.target)];
      if (!graph.has(a)) graph.set(a, new Set());
      graph.get(a)!.add(b);
    }
    expect(cycles(graph).map((c) => c.join(" <-> "))).toEqual([]);
  });
});
