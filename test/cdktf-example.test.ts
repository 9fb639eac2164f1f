/**
 * examples/cdktf as a user gets it: its own locked packages (not the repository's), installed with
 * `npm ci` into a temporary copy, type-checked, synthesized with `tsx main.ts`, and the synthesized
 * stack validated by Terraform against a copy of the root module, offline.
 */
import { cp, mkdir, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  copyTerraformSources,
  INIT_SCRIPT,
  REPO,
  run as runCommand,
  TERRAFORM_ENV,
} from "./support/terraform-workspace.js";

const EXAMPLE = path.join(REPO, "examples", "cdktf");
const EXAMPLE_FILES = ["package.json", "package-lock.json", "tsconfig.json", "cdktf.json", "main.ts"];
const TIMEOUT = { timeout: 300_000 };

const ENV = {
  ...TERRAFORM_ENV,
  DISABLE_VERSION_CHECK: "true",
  CDKTF_DISABLE_PLUGIN_CACHE_ENV: "true",
  // npm ci from the registry the repository uses, reusing npm's cache; no audit or funding calls.
  npm_config_audit: "false",
  npm_config_fund: "false",
  npm_config_update_notifier: "false",
  npm_config_prefer_offline: "true",
};

const run = (command: string, args: string[], cwd: string) => runCommand(command, args, cwd, ENV);

describe("examples/cdktf", () => {
  let workspace: string;
  let repoCopy: string;
  let example: string;

  beforeAll(async () => {
    workspace = await mkdtemp(path.join(tmpdir(), "cdktf-example-"));
    repoCopy = path.join(workspace, "repo");
    example = path.join(repoCopy, "examples", "cdktf");
    // The root module's Terraform files, and the example at the same relative place as in the repository.
    await copyTerraformSources(repoCopy, ["modules"]);
    await mkdir(example, { recursive: true });
    for (const file of EXAMPLE_FILES) await cp(path.join(EXAMPLE, file), path.join(example, file));
  });

  afterAll(async () => {
    if (workspace !== undefined) await rm(workspace, { recursive: true, force: true });
  });

  it("declares its own packages, none of which the repository's lock file installs", async () => {
    const own = JSON.parse(await readFile(path.join(EXAMPLE, "package.json"), "utf8"));
    const rootLock = JSON.parse(await readFile(path.join(REPO, "package-lock.json"), "utf8"));
    const rootPackages = Object.keys(rootLock.packages as Record<string, unknown>);

    expect(own.dependencies).toMatchObject({ cdktf: expect.any(String), constructs: expect.any(String) });
    expect(own.devDependencies).toHaveProperty("cdktf-cli");
    // Only @cdktf/hcl2json (scripts/terraform-docs.ts) may stay at the root.
    expect(
      rootPackages.filter((name) =>
        /(^|\/)(cdktf|cdktf-cli|constructs|@cdktf\/(?!hcl2json$)[^/]+)$/.test(name),
      ),
    ).toEqual([]);
  });

  it(
    "installs its locked packages, type-checks, synthesizes, and the stack validates with Terraform",
    TIMEOUT,
    async () => {
      await run("npm", ["ci", "--no-audit", "--no-fund", "--loglevel=error"], example);
      const bin = (name: string) => path.join(example, "node_modules", ".bin", name);

      await run(bin("tsc"), ["--noEmit", "-p", "."], example);
      await run(bin("tsx"), ["main.ts"], example);

      const stack = path.join(example, "cdktf.out", "stacks", "entra-api");
      const synthesized = JSON.parse(await readFile(path.join(stack, "cdk.tf.json"), "utf8")) as {
        module: Record<string, { source: string; tenant_id: string; audience: string }>;
        variable: Record<string, unknown>;
      };
      expect(path.resolve(stack, synthesized.module.entra_api?.source ?? "")).toBe(repoCopy);
      expect(synthesized.module.entra_api).toMatchObject({
        tenant_id: "${var.tenant_id}",
        audience: "${var.audience}",
      });
      expect(Object.keys(synthesized.variable).sort()).toEqual(["audience", "region", "tenant_id"]);

      await run(INIT_SCRIPT, [stack], stack);
      const validation = JSON.parse(await run("terraform", ["validate", "-json", "-no-color"], stack)) as {
        valid: boolean;
        error_count: number;
        diagnostics: unknown[];
      };

      expect(validation).toMatchObject({ valid: true, error_count: 0 });
    },
  );
});
