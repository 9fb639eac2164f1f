import { defineConfig } from "vitest/config";

/**
 * The moto suite (npm run test:moto): the modules and examples applied, re-planned, changed and
 * destroyed against moto_server, a local emulation of AWS's APIs. Apart from `npm test`: it needs
 * Python with moto 5.2.1, and a few minutes.
 */
export default defineConfig({
  test: {
    include: ["test/moto/**/*.test.ts"],
    // Fails the run, in one line, when moto or Terraform is missing.
    globalSetup: ["test/moto/setup.ts"],
    pool: "forks",
    // Each step (apply, plan, destroy) has its own timeout in the suite; these bound the rest.
    testTimeout: 600_000,
    hookTimeout: 180_000,
  },
});
