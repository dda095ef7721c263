import { describe, expect, it } from "vitest";
import { build } from "esbuild";

describe("browser safety", () => {
  it("the simulator and the zk journal codecs bundle for a browser target without Node built-ins", async () => {
    for (const entry of ["sdk/src/simulate/index.ts", "sdk/src/zk/journal.ts"]) {
      const r = await build({ entryPoints: [entry], bundle: true, platform: "browser", format: "esm", write: false, logLevel: "silent" });
      expect(r.errors).toEqual([]);
      const text = r.outputFiles[0]!.text;
      expect(text).not.toMatch(/from\s+["']node:/);
      expect(text).not.toMatch(/require\(["'](fs|crypto|path|node:)/);
    }
  });
});
