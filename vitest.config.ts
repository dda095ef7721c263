import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
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
