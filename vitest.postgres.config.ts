import { defineConfig } from "vitest/config";

// The indexer on PostgreSQL (test/system/postgres/): starts its own server with Debian's initdb and
// pg_ctl (.ci/suites/postgres.sh installs postgresql when missing) and `ponder start` against it.
export default defineConfig({
  test: {
    include: ["test/system/postgres/**/*.test.ts"],
    testTimeout: 240_000,
    hookTimeout: 240_000,
    pool: "forks",
    fileParallelism: false,
  },
});
