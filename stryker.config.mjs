// Mutation testing of the authorizer (`npm run test:mutation`): would the in-process tests notice a bug?
// Only test/unit runs for each mutant (vitest.mutation.config.ts): the zip-level tests run the built
// bundle, which a mutant of the source never reaches.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: "vitest",
  vitest: { configFile: "vitest.mutation.config.ts", related: false },
  mutate: [
    "lambda-src/authorizer/**/*.ts",
    // The Lambda entry point and the two library loaders only wire modules that are tested here.
    "!lambda-src/authorizer/handler.ts",
    "!lambda-src/authorizer/jwt-library.ts",
    "!lambda-src/authorizer/cel-library.ts",
  ],
  thresholds: { high: 95, low: 90, break: 90 },
  reporters: ["clear-text", "progress", "json"],
  jsonReporter: { fileName: "reports/mutation/mutation.json" },
  tempDirName: ".stryker-tmp",
  concurrency: 2,
  timeoutMS: 10000,
  cleanTempDir: true,
};
