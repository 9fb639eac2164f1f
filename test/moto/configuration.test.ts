// The moto suite runs only through its own configuration: `npm test` (vitest.config.ts) leaves it
// out, since it needs Python's moto, and `npm run test:moto` (vitest.moto.config.ts) runs it alone.
import { describe, expect, it } from "vitest";
import defaults from "../../vitest.config.js";
import moto from "../../vitest.moto.config.js";

describe("the moto suite's place among the test runs", () => {
  it("is left out of npm test and is all npm run test:moto runs", () => {
    expect(defaults.test?.include).toEqual(["test/**/*.test.ts"]);
    expect(defaults.test?.exclude).toContain("test/moto/**");
    expect(moto.test?.include).toEqual(["test/moto/**/*.test.ts"]);
    expect(moto.test?.globalSetup).toEqual(["test/moto/setup.ts"]);
  });
});
