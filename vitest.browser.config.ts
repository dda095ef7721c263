import { defineConfig } from "vitest/config";

/**
 * The browser suite (`npm run test:browser`, .ci/suites/browser.sh): Debian's Chromium driven by
 * playwright-core against `npm run web` (the page and the service on the embedded demo chain).
 * One worker: one Chromium and one chain for the whole suite.
 */
export default defineConfig({
  test: {
    include: ["test/system/browser/**/*.test.ts"],
    testTimeout: 120_000,
    hookTimeout: 300_000,
    pool: "forks",
    maxWorkers: 1,
    fileParallelism: false,
  },
});
