import { defineConfig } from "vitest/config";

// The indexer on its embedded default (Ponder on PGlite, test/system/indexer/): starts `ponder start`
// as a child process, so it stays out of `npm test`. No system package needed.
export default defineConfig({
  test: {
    include: ["test/system/indexer/**/*.test.ts"],
    testTimeout: 240_000,
    hookTimeout: 240_000,
    pool: "forks",
    fileParallelism: false,
  },
});
