/**
 * What a user of `poc` sees when they get something wrong (cli/main.ts handles it once for every
 * command): --version, did-you-mean, a one-line usage hint, JSON errors under --json, RPC errors
 * that name the endpoint, and argument checks that say what is wrong.
 */
import { createServer } from "node:http";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { didYouMean, main } from "../../cli/main.js";
import type { CliIO } from "../../cli/io.js";

const FIXTURES = join(import.meta.dirname, "../fixtures");
/** A loopback port nothing listens on (this session's range is 18100-18199). */
const DEAD_RPC = "http://127.0.0.1:18197";

function capture(env: Record<string, string> = {}): CliIO & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (l) => stdout.push(l), err: (l) => stderr.push(l), progress: (l) => stderr.push(l), cwd: FIXTURES, env };
}

describe("poc --version", () => {
  it("prints the package version", async () => {
    const io = capture();
    expect(await main(["--version"], io)).toBe(0);
    expect(io.stdout).toEqual([JSON.parse(readFileSync(join(import.meta.dirname, "../../package.json"), "utf8")).version]);
  });
});

describe("did-you-mean", () => {
  it("suggests the nearest command", async () => {
    const io = capture();
    expect(await main(["verfy", "x"], io)).toBe(2);
    expect(io.stderr[0]).toBe("poc verfy: unknown command 'verfy'; did you mean 'verify'?");
    expect(didYouMean("colateral", ["collateral", "cvm"])).toBe("collateral");
    expect(didYouMean("zzzzzz", ["verify", "log"])).toBeUndefined();
  });
  it("suggests the nearest flag, with a one-line usage instead of the whole help", async () => {
    const io = capture();
    expect(await main(["verify", "intel/tdx-v4/quote.bin", "--colateral", "x"], io)).toBe(2);
    expect(io.stderr[0]).toBe("poc verify: unknown flag --colateral (did you mean --collateral?)");
    expect(io.stderr[1]).toMatch(/^usage: poc verify /);
    expect(io.stderr.join("\n")).toMatch(/poc verify --help/);
    expect(io.stderr.length).toBeLessThanOrEqual(3);
  });
});

describe("--json errors", () => {
  it("a usage error is one JSON object on stdout", async () => {
    const io = capture();
    expect(await main(["verify", "intel/tdx-v4/quote.bin", "--frob", "--json"], io)).toBe(2);
    expect(JSON.parse(io.stdout.join("\n"))).toEqual({ error: { code: "usage", command: "verify", message: "unknown flag --frob" } });
  });
  it("bad input is one JSON object on stdout", async () => {
    const io = capture();
    expect(await main(["verify", "PROVENANCE.md", "--json"], io)).toBe(2);
    const e = JSON.parse(io.stdout.join("\n")) as { error: { code: string; message: string } };
    expect(e.error.code).toBe("input");
    expect(e.error.message).toMatch(/^PROVENANCE\.md: evidence: bad format at offset 0/);
  });
  it("an unknown command too", async () => {
    const io = capture();
    expect(await main(["frob", "--json"], io)).toBe(2);
    expect(JSON.parse(io.stdout[0]!).error.code).toBe("usage");
  });
});

describe("argument errors say what is wrong", () => {
  it.each([
    [["verify", "intel/tdx-v4/quote.bin", "--at", "-5"], /--at -5: a value starting with '-' reads as a flag; to pass it anyway, write --at=-5/],
    [["verify", "intel/tdx-v4/quote.bin", "--at=-5"], /--at must be a unix time in seconds .* got '-5'/],
    [["verify", "intel/tdx-v4/quote.bin", "--at", "1e20"], /--at must be a unix time in seconds .* got '1e20'/],
    [["verify", "intel/tdx-v4/quote.bin", "--at", "99999999999999999999"], /--at must be a unix time in seconds/],
    [["collateral", "upload", "intel/tdx-v4/collateral.json", "--at", "1e20"], /--at must be a unix time in seconds .* got '1e20'/],
    [["collateral", "upload", "intel/tdx-v4/collateral.json", "--rpc", DEAD_RPC, "--store", "0x12"], /--store: not an address: 0x12/],
    [["verify", "intel/tdx-v4/quote.bin", "--at"], /--at needs a value/],
  ])("%j", async (argv, message) => {
    const io = capture();
    expect(await main(argv, io)).toBe(2);
    expect(io.stderr[0]).toMatch(message);
    expect(io.stderr.join("\n")).not.toMatch(/RangeError|Invalid time value|\n\s+at /);
  });
});

describe("RPC errors name the endpoint", () => {
  it("a dead endpoint", async () => {
    const io = capture();
    expect(await main(["registry", "show", "811dca2a26b952e85bb6448b097ba4fd", "--rpc", DEAD_RPC], io)).toBe(2);
    expect(io.stderr[0]).toMatch(new RegExp(`^poc registry: the JSON-RPC endpoint ${DEAD_RPC}/? failed: HTTP request failed`));
  });
  it("collateral upload --rpc without --store reads the address book, and says which book is missing", async () => {
    // A loopback node answering eth_chainId only: the book lookup needs nothing else.
    const server = createServer((req, res) => {
      let body = "";
      req.on("data", (c) => (body += c));
      req.on("end", () => {
        const { id } = JSON.parse(body) as { id: number };
        res.setHeader("content-type", "application/json");
        res.end(JSON.stringify({ jsonrpc: "2.0", id, result: "0x7a69" }));
      });
    });
    await new Promise<void>((r) => server.listen(18196, "127.0.0.1", r));
    try {
      const io = capture({ POC_PRIVATE_KEY: "0x" + "11".repeat(32) });
      expect(await main(["collateral", "upload", "intel/tdx-v4/collateral.json", "--rpc", "http://127.0.0.1:18196", "--deployments", "nowhere"], io)).toBe(2);
      expect(io.stderr[0]).toBe("poc collateral: no CollateralStore address: pass --store or add it to nowhere/31337.json");
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});

describe("registry show takes a PPID as poc verify prints it", () => {
  it("without 0x it gets as far as the chain (no 'expected a 0x-hex' refusal)", async () => {
    const io = capture();
    expect(await main(["registry", "show", "811dca2a26b952e85bb6448b097ba4fd", "--rpc", DEAD_RPC, "--registry", "0x" + "22".repeat(20)], io)).toBe(2);
    expect(io.stderr[0]).toMatch(/JSON-RPC endpoint/);
  });
  it("a wrong length is refused before the chain is asked (the endpoint here is dead)", async () => {
    const io = capture();
    expect(await main(["registry", "show", "abcd", "--rpc", DEAD_RPC, "--registry", "0x" + "22".repeat(20)], io)).toBe(2);
    expect(io.stderr.join("\n")).toMatch(/16 \(Intel PPID\) or 64 \(AMD chip ID\) bytes; got 2/);
    expect(io.stderr.join("\n")).not.toMatch(/JSON-RPC endpoint/);
  });
});
