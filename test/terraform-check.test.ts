import { describe, expect, it } from "vitest";
import { cliFilters, runNeedsTerraform } from "./support/terraform-check.js";

describe("the Terraform check before a test run", () => {
  it("runs for a whole run or one naming a Terraform test, not for local-only runs", () => {
    expect(runNeedsTerraform(cliFilters(["node", "vitest", "run"]))).toBe(true);
    expect(runNeedsTerraform(cliFilters(["node", "vitest", "run", "test/terraform.test.ts"]))).toBe(true);
    expect(runNeedsTerraform(cliFilters(["node", "vitest", "run", "cdktf"]))).toBe(true);
    expect(runNeedsTerraform(cliFilters(["node", "vitest", "run", "test/local"]))).toBe(false);
    expect(runNeedsTerraform(cliFilters(["node", "vitest", "run", "--reporter=dot", "test/unit"]))).toBe(
      false,
    );
  });
});
