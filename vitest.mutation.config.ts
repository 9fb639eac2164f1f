import { defineConfig } from "vitest/config";

/** The in-process tests of the authorizer's source, which mutation testing runs for every mutant. */
export default defineConfig({
  test: {
    include: ["test/unit/**/*.test.ts"],
    testTimeout: 30_000,
  },
});
