/**
 * Where the web page and the service sit (docs/architecture.md): web/src (the page, bundled for a
 * browser) imports only its own files, sdk/src and the browser packages preact and viem, never a
 * node: built-in, the service, the CLI, the kit or scripts; service/ (Node) imports sdk/src and
 * node: built-ins, never cli/, scripts/, testkit/ or web/; nothing in sdk/src imports either.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "..", "..");
const IMPORT_RE = /(?:^|[\s;])(?:import|export)\s+(?:type\s+)?(?:[^"'`;]*?\sfrom\s+)?["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g;

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) return n === "dist" || n === "node_modules" ? [] : walk(p);
    return /\.(ts|tsx|mts)$/.test(n) ? [p] : [];
  });
}

const importsOf = (file: string) =>
  [...readFileSync(file, "utf8").replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\s*\/\/.*$/gm, "").matchAll(IMPORT_RE)].map((m) => (m[1] ?? m[2])!);

const top = (file: string, spec: string) => relative(ROOT, resolve(dirname(file), spec)).split("/")[0]!;

describe("web/ and service/ layers", () => {
  it("web/src: its own files, sdk/src, preact and viem only; no node: built-in", () => {
    const files = walk(join(ROOT, "web", "src"));
    expect(files.length).toBeGreaterThan(5);
    const bad = files.flatMap((f) =>
      importsOf(f)
        .filter((s) => (s.startsWith(".") ? !["web", "sdk"].includes(top(f, s)) : !/^(preact|preact\/hooks|viem|viem\/accounts)$/.test(s)))
        .map((s) => `${relative(ROOT, f)} -> ${s}`),
    );
    expect(bad).toEqual([]);
  });

  it("service/: sdk/src, its own files, node: built-ins and viem; not cli/, scripts/, testkit/, web/", () => {
    const files = walk(join(ROOT, "service"));
    const bad = files.flatMap((f) =>
      importsOf(f)
        .filter((s) => (s.startsWith(".") ? !["service", "sdk"].includes(top(f, s)) : !(s.startsWith("node:") || s === "viem")))
        .map((s) => `${relative(ROOT, f)} -> ${s}`),
    );
    expect(bad).toEqual([]);
  });
});
