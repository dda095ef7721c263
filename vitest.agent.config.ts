import { defineConfig } from "vitest/config";

// The CVM agent's suite (test/system/agent/): needs swtpm and tpm2-tools (.ci/suites/agent.sh
// installs them). Files run one after another: each starts its own swtpm on its own ports.
export default defineConfig({
  test: {
    include: ["test/system/agent/**/*.test.ts"],
    testTimeout: 180_000,
    hookTimeout: 180_000,
    pool: "forks",
    fileParallelism: false,
  },
});
