import { describe, it, expect } from "vitest";
import { main } from "../../sdk/src/cli/main.js";
import type { CliIO } from "../../sdk/src/cli/io.js";

function capture(): CliIO & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (l) => stdout.push(l), err: (l) => stderr.push(l), progress: (l) => stderr.push(l), cwd: process.cwd(), env: {} };
}

describe("poc", () => {
  it("an unknown command is one clear line and exit code 2", async () => {
    const io = capture();
    expect(await main(["frobnicate"], io)).toBe(2);
    expect(io.stderr[0]).toMatch(/unknown command 'frobnicate'/);
  });
  it("help lists the commands", async () => {
    const io = capture();
    expect(await main(["help"], io)).toBe(0);
    expect(io.stdout.join("\n")).toMatch(/usage: poc/);
  });
});
