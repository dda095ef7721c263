import { defineConfig } from "vitest/config";

// Cross-check of the log's C2SP tiles and proofs with Go's golang.org/x/mod/sumdb/tlog
// (test/system/go/): needs golang-go and golang-golang-x-mod-dev (.ci/suites/go.sh installs them).
export default defineConfig({
  test: {
    include: ["test/system/go/**/*.test.ts"],
    testTimeout: 240_000,
    hookTimeout: 240_000,
    pool: "forks",
  },
});
