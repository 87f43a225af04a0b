import { defineConfig } from "vitest/config";

/**
 * Three projects:
 *  - unit:        `*.test.ts` beside the code, no servers.
 *  - integration: `*.int.test.ts`, against the real HA topology (profile `test`, its own ports)
 *                 that tests/setup/topology.ts starts fresh and stops afterwards.
 *  - chaos:       tests/chaos, kills and freezes real processes of that topology.
 * Integration and chaos files run one at a time: they share one topology.
 */
const serverTests = {
  globalSetup: ["tests/setup/topology.ts"],
  // The processEnv of a "test-runner" process: code under test reads config from env only.
  setupFiles: ["tests/setup/env.ts"],
  env: { AGORA_PROFILE: "test" },
  fileParallelism: false,
  hookTimeout: 240_000,
};

export default defineConfig({
  test: {
    reporters: ["default"],
    projects: [
      {
        test: {
          name: "unit",
          sequence: { groupOrder: 0 },
          include: ["**/*.test.ts"],
          exclude: ["**/node_modules/**", "**/*.int.test.ts", "tests/chaos/**", "e2e/**", "**/.next/**"],
        },
      },
      {
        test: {
          name: "integration",
          sequence: { groupOrder: 1 },
          include: ["**/*.int.test.ts"],
          exclude: ["**/node_modules/**", "**/.next/**"],
          testTimeout: 120_000,
          ...serverTests,
        },
      },
      {
        test: {
          name: "chaos",
          sequence: { groupOrder: 2 },
          include: ["tests/chaos/**/*.chaos.test.ts"],
          testTimeout: 240_000,
          ...serverTests,
        },
      },
    ],
  },
});
