// Drives Terraform over the modules, the examples and the HCL tests, fully offline: providers come
// from a local plugin directory (scripts/terraform-init.sh), AWS is either mocked (terraform test)
// or given fake credentials (plans of new resources never call AWS).
//
// Everything runs in a temporary copy of the Terraform files, so the work tree gets no .terraform
// folders, lock files or plans. The copy uses the committed dist/*.zip packages, or empty
// placeholder archives where a package is not built yet: no test here depends on their content.
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { cp, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { staleReadmes } from "../scripts/terraform-docs.js";

const exec = promisify(execFile);

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const INIT_SCRIPT = path.join(REPO, "scripts", "terraform-init.sh");
const FIXTURES = path.join(REPO, "test", "terraform", "fixtures");
const PACKAGES = ["authorizer.zip", "response.zip", "jwt-verify-layer.zip"];
const SUBMODULES = ["entra-authorizer", "jwt-verify-layer", "response-function"];
// An empty but valid zip archive: only the end-of-central-directory record.
const EMPTY_ZIP = Buffer.from([0x50, 0x4b, 0x05, 0x06, ...new Array<number>(18).fill(0)]);

const TENANT_ID = "72f988bf-86f1-41af-91ab-2d7cd011db47";
const TIMEOUT = { timeout: 300_000 };

const ENV = {
  ...process.env,
  CHECKPOINT_DISABLE: "1",
  TF_IN_AUTOMATION: "1",
  TF_INPUT: "0",
};

let workspace: string;
let copy: string;

async function run(command: string, args: string[], cwd: string): Promise<string> {
  try {
    const { stdout } = await exec(command, args, { cwd, env: ENV, maxBuffer: 64 * 1024 * 1024 });
    return stdout;
  } catch (error) {
    const failure = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(
      `${command} ${args.join(" ")} failed in ${cwd}\n${failure.stdout ?? ""}\n${failure.stderr ?? failure.message}`,
      { cause: error },
    );
  }
}

const terraform = (cwd: string, ...args: string[]) => run("terraform", args, cwd);
const init = (cwd: string, ...args: string[]) => run(INIT_SCRIPT, [cwd, ...args], cwd);

/** Copies the Terraform sources, skipping everything Terraform or CDKTF generates. */
async function copyTerraformSources(target: string): Promise<void> {
  const generated = new Set([".terraform", "cdktf.out", "node_modules", ".terraform.lock.hcl", ".gen"]);
  const filter = (source: string) => {
    const name = path.basename(source);
    return !generated.has(name) && !name.includes(".tfstate") && !name.endsWith(".tfplan");
  };
  for (const file of ["main.tf", "variables.tf", "outputs.tf", "versions.tf"]) {
    await cp(path.join(REPO, file), path.join(target, file));
  }
  for (const dir of ["modules", "examples", "test/terraform"]) {
    await cp(path.join(REPO, dir), path.join(target, dir), { recursive: true, filter });
  }
  await mkdir(path.join(target, "dist"), { recursive: true });
  for (const zip of PACKAGES) {
    const built = path.join(REPO, "dist", zip);
    await (existsSync(built)
      ? cp(built, path.join(target, "dist", zip))
      : writeFile(path.join(target, "dist", zip), EMPTY_ZIP));
  }
  // The CDKTF example resolves cdktf and constructs by walking up to a node_modules folder.
  await symlink(path.join(REPO, "node_modules"), path.join(target, "node_modules"), "dir");
}

interface PlanResourceChange {
  address: string;
  change: { actions: string[]; after: Record<string, unknown> | null };
}

/** Plans a configuration offline with fake credentials; returns its resource changes. */
async function planOffline(dir: string, vars: Record<string, string>): Promise<PlanResourceChange[]> {
  await cp(path.join(FIXTURES, "provider_override.tf"), path.join(dir, "aws_override.tf"));
  await init(dir);
  await terraform(dir, "validate", "-no-color");
  const varArgs = Object.entries(vars).map(([name, value]) => `-var=${name}=${value}`);
  await terraform(
    dir,
    "plan",
    "-no-color",
    "-lock=false",
    "-refresh=false",
    "-out=offline.tfplan",
    ...varArgs,
  );
  const plan = JSON.parse(await terraform(dir, "show", "-json", "offline.tfplan")) as {
    resource_changes: PlanResourceChange[];
  };
  return plan.resource_changes;
}

function createdAddresses(changes: PlanResourceChange[]): string[] {
  return changes
    .filter((change) => change.change.actions.includes("create"))
    .map((change) => change.address)
    .sort();
}

/** The resources the root module creates by default, under a module address prefix. */
function rootModuleResources(prefix: string, routes: string[]): string[] {
  return [
    "aws_apigatewayv2_api.this",
    "aws_apigatewayv2_integration.this",
    ...routes.map((route) => `aws_apigatewayv2_route.this["${route}"]`),
    "aws_apigatewayv2_stage.this",
    "aws_lambda_permission.integration",
    "module.entra_authorizer.aws_apigatewayv2_authorizer.this",
    "module.entra_authorizer.aws_cloudwatch_log_group.this",
    "module.entra_authorizer.aws_iam_role.this",
    "module.entra_authorizer.aws_iam_role_policy.logs",
    "module.entra_authorizer.aws_lambda_function.this",
    "module.entra_authorizer.aws_lambda_permission.authorizer",
    "module.jwt_verify_layer.aws_lambda_layer_version.this",
    "module.response_function.aws_cloudwatch_log_group.this",
    "module.response_function.aws_iam_role.this",
    "module.response_function.aws_iam_role_policy.logs",
    "module.response_function.aws_lambda_function.this",
  ].map((address) => `${prefix}${address}`);
}

function planned(changes: PlanResourceChange[], address: string): Record<string, unknown> {
  const change = changes.find((candidate) => candidate.address === address);
  if (!change?.change.after) {
    throw new Error(`${address} is not in the plan`);
  }
  return change.change.after;
}

beforeAll(async () => {
  workspace = await mkdtemp(path.join(tmpdir(), "entra-authz-terraform-"));
  copy = path.join(workspace, "repo");
  await copyTerraformSources(copy);
});

afterAll(async () => {
  if (workspace) {
    await rm(workspace, { recursive: true, force: true });
  }
});

describe("terraform formatting and validation", () => {
  it("finds every Terraform file formatted canonically", TIMEOUT, async () => {
    // Run in the copy: from the repository root -recursive would also walk node_modules.
    const diff = await terraform(copy, "fmt", "-check", "-recursive", "-diff", "-no-color").catch(
      (error: Error) => error.message,
    );

    expect(diff).toBe("");
  });

  it("validates the root module and every submodule", TIMEOUT, async () => {
    for (const dir of [".", ...SUBMODULES.map((name) => `modules/${name}`)]) {
      const moduleDir = path.join(copy, dir);
      await init(moduleDir);

      const output = await terraform(moduleDir, "validate", "-json", "-no-color");

      expect(JSON.parse(output), dir).toMatchObject({ valid: true, error_count: 0 });
    }
  });

  it("lists every submodule folder it validates", TIMEOUT, async () => {
    const folders = (await readdir(path.join(REPO, "modules"), { withFileTypes: true }))
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name)
      .sort();

    expect(folders).toEqual(SUBMODULES);
  });
});

describe("terraform test with a mocked AWS provider", () => {
  it.each(["root", ...SUBMODULES])("passes every run in test/terraform/%s", TIMEOUT, async (suite) => {
    const testDirectory = `-test-directory=test/terraform/${suite}`;
    const files = (await readdir(path.join(REPO, "test", "terraform", suite))).filter((file) =>
      file.endsWith(".tftest.hcl"),
    );
    await init(copy, testDirectory);

    const output = await terraform(copy, "test", "-no-color", testDirectory);

    expect(files.length).toBeGreaterThan(0);
    expect(output).toMatch(/Success! \d+ passed, 0 failed\./);
    expect(output.match(/\.tftest\.hcl\.\.\. pass/g) ?? []).toHaveLength(files.length);
  });
});

describe("examples", () => {
  it("plans examples/complete offline with the root module's resources", TIMEOUT, async () => {
    const dir = path.join(copy, "examples", "complete");

    const changes = await planOffline(dir, { tenant_id: TENANT_ID, audience: "api://entra-authz-demo" });

    expect(createdAddresses(changes)).toEqual(
      [
        ...rootModuleResources("module.entra_api.", ["GET /auth"]),
        "module.entra_api.aws_cloudwatch_log_group.access_logs[0]",
      ].sort(),
    );
    const authorizer = planned(changes, "module.entra_api.module.entra_authorizer.aws_lambda_function.this");
    expect(authorizer).toMatchObject({
      runtime: "nodejs22.x",
      handler: "index.handler",
      architectures: ["arm64"],
      environment: [{ variables: { ENTRA_TENANT_ID: TENANT_ID, ENTRA_AUDIENCE: "api://entra-authz-demo" } }],
    });
  });

  it("plans examples/existing-http-api offline with the authorizer on both routes", TIMEOUT, async () => {
    const dir = path.join(copy, "examples", "existing-http-api");

    const changes = await planOffline(dir, { tenant_id: TENANT_ID, audience: "api://orders-api" });

    expect(createdAddresses(changes)).toEqual(
      [
        "aws_apigatewayv2_api.this",
        "aws_apigatewayv2_integration.backend",
        'aws_apigatewayv2_route.this["GET /items"]',
        'aws_apigatewayv2_route.this["GET /reports"]',
        "aws_apigatewayv2_stage.default",
        "aws_lambda_permission.backend",
        "module.backend.aws_cloudwatch_log_group.this",
        "module.backend.aws_iam_role.this",
        "module.backend.aws_iam_role_policy.logs",
        "module.backend.aws_lambda_function.this",
        "module.entra_authorizer.aws_apigatewayv2_authorizer.this",
        "module.entra_authorizer.aws_cloudwatch_log_group.this",
        "module.entra_authorizer.aws_iam_role.this",
        "module.entra_authorizer.aws_iam_role_policy.logs",
        "module.entra_authorizer.aws_lambda_function.this",
        "module.entra_authorizer.aws_lambda_permission.authorizer",
        "module.entra_authorizer.aws_lambda_layer_version.this[0]",
      ].sort(),
    );
    for (const route of ["GET /items", "GET /reports"]) {
      expect(planned(changes, `aws_apigatewayv2_route.this["${route}"]`)).toMatchObject({
        route_key: route,
        authorization_type: "CUSTOM",
      });
    }
    const environment = planned(changes, "module.entra_authorizer.aws_lambda_function.this").environment as [
      { variables: Record<string, string> },
    ];
    expect(JSON.parse(environment[0].variables.AUTHZ_ROUTE_PERMISSIONS ?? "null")).toEqual({
      "GET /items": { scopes: ["api.read"], roles: [] },
      "GET /reports": { scopes: [], roles: ["Reports.Read.All"] },
    });
  });

  it("synthesizes examples/cdktf offline into a stack that validates and plans", TIMEOUT, async () => {
    const example = path.join(copy, "examples", "cdktf");
    const outdir = path.join(workspace, "cdktf.out");
    await exec(path.join(REPO, "node_modules", ".bin", "tsx"), ["main.ts"], {
      cwd: example,
      env: {
        ...ENV,
        CDKTF_OUTDIR: outdir,
        DISABLE_VERSION_CHECK: "true",
        CDKTF_DISABLE_PLUGIN_CACHE_ENV: "true",
      },
    });
    const stack = path.join(outdir, "stacks", "entra-api");
    const synthesized = JSON.parse(await readFile(path.join(stack, "cdk.tf.json"), "utf8")) as {
      module: Record<string, { source: string }>;
    };

    expect(path.resolve(stack, synthesized.module.entra_api?.source ?? "")).toBe(copy);

    const changes = await planOffline(stack, { tenant_id: TENANT_ID, audience: "api://entra-authz-demo" });

    expect(createdAddresses(changes)).toEqual(rootModuleResources("module.entra_api.", ["GET /auth"]).sort());
  });
});

describe("a configuration outside the repository", () => {
  let external: string;

  beforeAll(async () => {
    external = path.join(workspace, "external");
    await mkdir(path.join(external, "tests"), { recursive: true });
    const template = await readFile(path.join(FIXTURES, "external", "main.tf.tpl"), "utf8");
    await writeFile(path.join(external, "main.tf"), template.replaceAll("__REPO__", copy));
    await cp(
      path.join(FIXTURES, "external", "tests", "external.tftest.hcl"),
      path.join(external, "tests", "external.tftest.hcl"),
    );
  });

  it("applies and destroys both modules by absolute path against a mocked provider", TIMEOUT, async () => {
    await init(external);

    const output = await terraform(external, "test", "-no-color");

    expect(output).toMatch(/Success! 1 passed, 0 failed\./);
  });

  it("plans both modules by absolute path offline", TIMEOUT, async () => {
    const changes = await planOffline(external, {});

    const created = createdAddresses(changes);
    expect(created).toEqual(
      expect.arrayContaining([
        ...rootModuleResources("module.protected_api.", ["GET /auth"]),
        "aws_apigatewayv2_route.mine",
        "module.authorizer.aws_apigatewayv2_authorizer.this",
        "module.authorizer.aws_lambda_function.this",
        "module.authorizer.aws_lambda_layer_version.this[0]",
      ]),
    );
    expect(planned(changes, "module.authorizer.aws_apigatewayv2_authorizer.this")).toMatchObject({
      authorizer_type: "REQUEST",
      authorizer_payload_format_version: "2.0",
      enable_simple_responses: false,
      // The fixture sets route_permissions: the route is part of the cache key.
      identity_sources: ["$context.routeKey", "$request.header.Authorization"],
      authorizer_result_ttl_in_seconds: 300,
    });
  });
});

describe("generated README tables", () => {
  it("match the variables and outputs of every module", TIMEOUT, async () => {
    const stale = await staleReadmes(REPO);

    expect(stale.map(({ file }) => path.relative(REPO, file))).toEqual([]);
  });
});
