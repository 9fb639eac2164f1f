import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // The moto suite needs Python's moto and runs apart: npm run test:moto (vitest.moto.config.ts).
    exclude: ["**/node_modules/**", "test/moto/**"],
    // Says once, plainly, when Terraform is missing for a run that needs it.
    globalSetup: ["test/support/terraform-check.ts"],
    // Integration suites start child processes and HTTPS servers; forks keep them isolated.
    pool: "forks",
    testTimeout: 30_000,
    hookTimeout: 120_000,
  },
});
