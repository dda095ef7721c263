/**
 * Two rules of docs/architecture.md the layers test does not cover: every eth_getLogs of the SDK and
 * the CLI goes through sdk/src/events/reader.ts, and nothing under sdk/src (browser-safe) imports the
 * Node-only sdk/node/.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const repo = resolve(import.meta.dirname, "../../..");
function files(dir: string): string[] {
  return readdirSync(join(repo, dir), { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith(".ts") ? [join(dir, e.name)] : []));
}
const strip = (t: string) => t.replace(/\/\*[\s\S]*?\*\//g, "").replace(/\/\/.*$/gm, "");

describe("one event reader", () => {
  it("no SDK or CLI file but the reader calls getLogs, getContractEvents or eth_getLogs", () => {
    const bad = [...files("sdk/src"), ...files("sdk/node"), ...files("cli")]
      .filter((f) => f !== "sdk/src/events/reader.ts" && !f.startsWith("sdk/src/chain/abi/"))
      .filter((f) => /\bgetLogs\b|\bgetContractEvents\b|"eth_getLogs"|\bcreateEventFilter\b/.test(strip(readFileSync(join(repo, f), "utf8"))));
    expect(bad).toEqual([]);
  });

  it("sdk/src never imports sdk/node (Node-only) or node: built-ins", () => {
    const bad = files("sdk/src").filter((f) => {
      const t = strip(readFileSync(join(repo, f), "utf8"));
      return /from\s+["'][^"']*\/node\/[^"']*["']/.test(t) || /from\s+["']node:/.test(t);
    });
    expect(bad.map((f) => relative(repo, join(repo, f)))).toEqual([]);
  });
});
