import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Suites that need a system component (Chromium, PostgreSQL, swtpm, Go, the npm registry) live
    // under test/system/<suite>/ and run from their own npm script (`npm run test:<suite>`), which
    // .ci/run calls after `npm test` through .ci/suites/<suite>.sh.
    exclude: ["test/system/**", "**/node_modules/**"],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: "forks",
    // Vitest's default is one worker fewer than the cores: on a 2-core machine that is one worker,
    // so the whole suite ran file after file, and the e2e files that mostly wait on child processes
    // (deploy.test.ts: a `hardhat node` and `npm run deploy`; demo.test.ts: the demo) held up the
    // rest. At least two workers let those waits overlap with the in-process tests.
    maxWorkers: Math.max(2, availableParallelism()),
  },
});
