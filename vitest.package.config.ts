import { defineConfig } from "vitest/config";

// The package suite (test/system/package/): packs the repository and installs the tarball into a
// fresh consumer project (npm registry for the consumer's own dependencies, through npm's cache).
// `npm run test:package`; CI: .ci/suites/package.sh.
export default defineConfig({
  test: {
    include: ["test/system/package/**/*.test.ts"],
    testTimeout: 900_000,
    hookTimeout: 1_200_000,
    pool: "forks",
    fileParallelism: false,
  },
});
