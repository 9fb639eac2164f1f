// Drives Terraform over the modules, the examples and the HCL tests, fully offline: providers come
// from a local plugin directory (scripts/terraform-init.sh), AWS is either mocked (terraform test)
// or given fake credentials (plans of new resources never call AWS).
//
// Everything runs in a temporary copy of the Terraform files, so the work tree gets no .terraform
// folders, lock files or plans. The copy uses the committed dist/*.zip packages, or empty
// placeholder archives where a package is not built yet: no test here depends on their content.
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { staleReadmes } from "../scripts/terraform-docs.js";
import {
  copyTerraformSources as copySources,
  INIT_SCRIPT,
  REPO,
  run,
} from "./support/terraform-workspace.js";

const FIXTURES = path.join(REPO, "test", "terraform", "fixtures");
const SUBMODULES = [
  "appsync-authorizer",
  "entra-authorizer",
  "function",
  "jwt-verify-layer",
  "lambda-authorizer",
  "response-function",
  "rest-api-authorizer",
  "rest-route-rules",
];
// The terraform test folders: the root module's and one per submodule, except rest-route-rules, whose
// check test/rest-rules-parity.test.ts compares with the authorizer's.
const SUITES = ["root", ...SUBMODULES.filter((name) => name !== "rest-route-rules")];
const MODULE_FILES = ["README.md", "main.tf", "outputs.tf", "variables.tf", "versions.tf"];

const TENANT_ID = "11111111-2222-3333-4444-555555555555";
const TIMEOUT = { timeout: 300_000 };

let workspace: string;
let copy: string;

const terraform = (cwd: string, ...args: string[]) => run("terraform", args, cwd);
const init = (cwd: string, ...args: string[]) => run(INIT_SCRIPT, [cwd, ...args], cwd);

/** The message of a command expected to fail; the test fails if it succeeds. */
async function failure(command: Promise<unknown>): Promise<string> {
  const outcome = await command.then(
    () => undefined,
    (error: Error) => error.message,
  );
  if (outcome === undefined) {
    throw new Error("the command succeeded, but it was expected to fail");
  }
  return outcome;
}

/** Copies the Terraform sources, skipping everything Terraform generates. */
function copyTerraformSources(target: string): Promise<void> {
  return copySources(target, ["modules", "examples", "mocks", "test/terraform"]);
}

interface PlanResourceChange {
  address: string;
  change: { actions: string[]; after: Record<string, unknown> | null };
}

/** Plans an initialised configuration offline; returns its resource changes. */
async function plan(dir: string, ...args: string[]): Promise<PlanResourceChange[]> {
  await terraform(dir, "plan", "-no-color", "-lock=false", "-refresh=false", "-out=offline.tfplan", ...args);
  const shown = JSON.parse(await terraform(dir, "show", "-json", "offline.tfplan")) as {
    resource_changes: PlanResourceChange[];
  };
  return shown.resource_changes;
}

/** Gives a configuration fake credentials, so that plans need no AWS account, and initialises it. */
async function prepareOffline(dir: string): Promise<void> {
  await cp(path.join(FIXTURES, "provider_override.tf"), path.join(dir, "aws_override.tf"));
  await init(dir);
}

function createdAddresses(changes: PlanResourceChange[]): string[] {
  return changes
    .filter((change) => change.change.actions.includes("create"))
    .map((change) => change.address)
    .sort();
}

/** The resources the root module creates by default, under a module address prefix. */
function rootModuleResources(prefix: string, routes: string[]): string[] {
  const authorizer = "module.entra_authorizer[0]";
  const lambda = `${authorizer}.module.lambda`;
  const response = "module.response_function[0].module.function";
  return [
    "aws_apigatewayv2_api.this",
    ...routes.flatMap((route) => [
      `aws_apigatewayv2_integration.this["${route}"]`,
      `aws_apigatewayv2_route.this["${route}"]`,
      `aws_lambda_permission.route["${route}"]`,
    ]),
    "aws_apigatewayv2_stage.this",
    "aws_cloudwatch_log_group.access_logs[0]",
    `${authorizer}.aws_apigatewayv2_authorizer.this`,
    ...[
      "errors",
      "invalid-configuration",
      "jwks-unavailable",
      "refusals",
      "refusals-by-reason",
      "unauthorized",
    ].map((filter) => `${lambda}.aws_cloudwatch_log_metric_filter.this["${filter}"]`),
    `${authorizer}.aws_lambda_permission.authorizer`,
    `${lambda}.module.function.aws_cloudwatch_log_group.this`,
    `${lambda}.module.function.aws_iam_role.this[0]`,
    `${lambda}.module.function.aws_iam_role_policy.logs[0]`,
    `${lambda}.module.function.aws_lambda_function.this`,
    `${lambda}.module.layer[0].aws_lambda_layer_version.this`,
    `${response}.aws_cloudwatch_log_group.this`,
    `${response}.aws_iam_role.this[0]`,
    `${response}.aws_iam_role_policy.logs[0]`,
    `${response}.aws_lambda_function.this`,
  ].map((address) => `${prefix}${address}`);
}

function planned(changes: PlanResourceChange[], address: string): Record<string, unknown> {
  const change = changes.find((candidate) => candidate.address === address);
  if (!change?.change.after) {
    throw new Error(`${address} is not in the plan`);
  }
  return change.change.after;
}

/** The first (only) element of a nested block, as the plan JSON lists blocks. */
function block(after: Record<string, unknown>, name: string): Record<string, unknown> {
  return (after[name] as Record<string, unknown>[])[0] ?? {};
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

  // Validating the root module validates every module it calls, and it calls them all: one init
  // instead of one per folder. The mocked suites below then plan each module on its own.
  it("validates the root module and, through it, every submodule", TIMEOUT, async () => {
    await init(copy);

    const output = await terraform(copy, "validate", "-json", "-no-color");

    expect(JSON.parse(output)).toMatchObject({ valid: true, error_count: 0 });
  });

  it("lists every submodule folder it validates and tests", TIMEOUT, async () => {
    const folders = (await readdir(path.join(REPO, "modules"), { withFileTypes: true }))
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name)
      .sort();

    expect(folders).toEqual(SUBMODULES);
  });

  it("gives every module folder the same file set", async () => {
    for (const dir of [".", ...SUBMODULES.map((name) => `modules/${name}`)]) {
      const files = await readdir(path.join(REPO, dir));

      expect(
        MODULE_FILES.filter((file) => !files.includes(file)),
        dir,
      ).toEqual([]);
    }
  });
});

// Concurrently, each suite in a copy of its own (init writes into the configuration's folder): the
// suites are independent and Terraform uses one core for most of a run.
describe.concurrent("terraform test with a mocked AWS provider", () => {
  it("has a suite for every module but the private rest-route-rules", async () => {
    const folders = (await readdir(path.join(REPO, "test", "terraform"))).filter(
      (name) => !["fixtures", "mocks"].includes(name),
    );

    expect(folders.sort()).toEqual([...SUITES].sort());
  });

  it.each(SUITES)("passes every run in test/terraform/%s", TIMEOUT, async (suite) => {
    const testDirectory = `-test-directory=test/terraform/${suite}`;
    const files = (await readdir(path.join(REPO, "test", "terraform", suite))).filter((file) =>
      file.endsWith(".tftest.hcl"),
    );
    const suiteCopy = path.join(workspace, `suite-${suite}`);
    await copyTerraformSources(suiteCopy);
    await init(suiteCopy, testDirectory);

    const output = await terraform(suiteCopy, "test", "-no-color", testDirectory);

    expect(files.length).toBeGreaterThan(0);
    expect(output).toMatch(/Success! \d+ passed, 0 failed\./);
    expect(output.match(/\.tftest\.hcl\.\.\. pass/g) ?? []).toHaveLength(files.length);
  });
});

describe("examples", () => {
  it("plans examples/complete offline: the walkthrough's stack with access logs", TIMEOUT, async () => {
    const dir = path.join(copy, "examples", "complete");
    await prepareOffline(dir);

    const changes = await plan(dir, `-var=tenant_id=${TENANT_ID}`, "-var=audience=api://entra-authz-demo");

    expect(createdAddresses(changes)).toEqual(rootModuleResources("module.entra_api.", ["GET /auth"]).sort());
    const authorizer = planned(
      changes,
      "module.entra_api.module.entra_authorizer[0].module.lambda.module.function.aws_lambda_function.this",
    );
    expect(authorizer).toMatchObject({
      runtime: "nodejs22.x",
      handler: "index.handler",
      architectures: ["arm64"],
      environment: [{ variables: { ENTRA_TENANT_ID: TENANT_ID, ENTRA_AUDIENCE: "api://entra-authz-demo" } }],
      logging_config: [{ log_format: "JSON", application_log_level: "WARN", system_log_level: "WARN" }],
    });
  });

  it("plans examples/existing-http-api offline with the authorizer on both routes", TIMEOUT, async () => {
    const dir = path.join(copy, "examples", "existing-http-api");
    await prepareOffline(dir);

    const changes = await plan(dir, `-var=tenant_id=${TENANT_ID}`, "-var=audience=api://orders-api");

    expect(createdAddresses(changes)).toEqual(
      expect.arrayContaining([
        "aws_apigatewayv2_api.this",
        'aws_apigatewayv2_route.this["GET /items"]',
        'aws_apigatewayv2_route.this["GET /reports"]',
        "module.backend.module.function.aws_lambda_function.this",
        "module.entra_authorizer.aws_apigatewayv2_authorizer.this",
        "module.entra_authorizer.module.lambda.module.function.aws_lambda_function.this",
        "module.entra_authorizer.module.lambda.module.layer[0].aws_lambda_layer_version.this",
      ]),
    );
    for (const route of ["GET /items", "GET /reports"]) {
      expect(planned(changes, `aws_apigatewayv2_route.this["${route}"]`)).toMatchObject({
        route_key: route,
        authorization_type: "CUSTOM",
      });
    }
    const authorizer = planned(
      changes,
      "module.entra_authorizer.module.lambda.module.function.aws_lambda_function.this",
    );
    const variables = block(authorizer, "environment").variables as Record<string, string>;
    expect(JSON.parse(variables.AUTHZ_ROUTE_PERMISSIONS ?? "null")).toEqual({
      "GET /items": { scopes: ["api.read"] },
      "GET /reports": { roles: ["Reports.Read.All"] },
    });
    expect(planned(changes, "module.entra_authorizer.aws_apigatewayv2_authorizer.this")).toMatchObject({
      identity_sources: ["$context.routeKey", "$request.header.Authorization"],
    });
  });
});

describe("examples of the other front doors", () => {
  it("plans examples/rest-api offline: a TOKEN authorizer on every protected method", TIMEOUT, async () => {
    const dir = path.join(copy, "examples", "rest-api");
    await prepareOffline(dir);

    const changes = await plan(dir, `-var=tenant_id=${TENANT_ID}`, "-var=audience=api://orders-api");

    const methods = changes.filter((change) => change.address.startsWith("aws_api_gateway_method.this["));
    expect(
      Object.fromEntries(
        methods.map((change) => [change.address, change.change.after?.authorization as string]),
      ),
    ).toEqual({
      'aws_api_gateway_method.this["DELETE /items/{id}"]': "CUSTOM",
      'aws_api_gateway_method.this["GET /health"]': "NONE",
      'aws_api_gateway_method.this["GET /items"]': "CUSTOM",
      'aws_api_gateway_method.this["GET /reports"]': "CUSTOM",
      'aws_api_gateway_method.this["POST /items"]': "CUSTOM",
    });
    expect(planned(changes, "module.entra_authorizer.aws_api_gateway_authorizer.this")).toMatchObject({
      type: "TOKEN",
      identity_source: "method.request.header.Authorization",
    });
    const fn = planned(
      changes,
      "module.entra_authorizer.module.lambda.module.function.aws_lambda_function.this",
    );
    const variables = block(fn, "environment").variables as Record<string, string>;
    expect(variables.AUTHZ_REST_CACHE_KEY).toBe("token");
    expect(Object.keys(JSON.parse(variables.AUTHZ_ROUTE_PERMISSIONS ?? "{}") as object).sort()).toEqual([
      "DELETE /items/{id}",
      "GET /items",
      "GET /reports",
      "POST /items",
    ]);
    expect(createdAddresses(changes)).toEqual(
      expect.arrayContaining([
        'module.entra_authorizer.aws_api_gateway_gateway_response.this["UNAUTHORIZED"]',
        'module.entra_authorizer.aws_api_gateway_gateway_response.this["ACCESS_DENIED"]',
        "aws_api_gateway_stage.this",
      ]),
    );
  });

  it("plans examples/appsync offline: AWS_LAMBDA authorization with field rules", TIMEOUT, async () => {
    const dir = path.join(copy, "examples", "appsync");
    await prepareOffline(dir);

    const changes = await plan(dir, `-var=tenant_id=${TENANT_ID}`, "-var=audience=api://tasks-api");

    expect(planned(changes, "aws_appsync_graphql_api.this")).toMatchObject({
      authentication_type: "AWS_LAMBDA",
      lambda_authorizer_config: [{ authorizer_result_ttl_in_seconds: 300 }],
    });
    expect(planned(changes, "module.entra_authorizer.aws_lambda_permission.appsync")).toMatchObject({
      principal: "appsync.amazonaws.com",
    });
    const fn = planned(
      changes,
      "module.entra_authorizer.module.lambda.module.function.aws_lambda_function.this",
    );
    const variables = block(fn, "environment").variables as Record<string, string>;
    expect(JSON.parse(variables.AUTHZ_FIELD_PERMISSIONS ?? "{}")).toEqual({
      "*": {},
      "Mutation.createTask": { scopes: ["Tasks.Write"], roles: ["Tasks.Write"] },
      "Mutation.deleteTask": { roles: ["Tasks.Admin"] },
    });
    expect(
      createdAddresses(changes).filter((address) => address.startsWith("aws_appsync_resolver.")),
    ).toHaveLength(3);
  });
});

describe("offline plans of the root module with every option", () => {
  let dir: string;
  let changes: PlanResourceChange[];
  const lambda = "module.lambda";
  const authorizer = `${lambda}.module.entra_authorizer[0].module.lambda`;

  beforeAll(async () => {
    dir = path.join(copy, "test", "terraform", "fixtures", "offline");
    await prepareOffline(dir);
    changes = await plan(dir);
  }, TIMEOUT.timeout);

  it("gives the authorizer function its settings, JSON logs and its layer", () => {
    const fn = planned(changes, `${authorizer}.module.function.aws_lambda_function.this`);
    expect(fn).toMatchObject({
      function_name: "offline-lambda-authorizer",
      runtime: "nodejs20.x",
      architectures: ["x86_64"],
      memory_size: 512,
      timeout: 8,
      logging_config: [
        {
          log_format: "JSON",
          application_log_level: "INFO",
          system_log_level: "DEBUG",
          log_group: "/aws/lambda/offline-lambda-authorizer",
        },
      ],
    });
    const variables = block(fn, "environment").variables as Record<string, string>;
    expect(variables).toMatchObject({ AUTHZ_TOKEN_CACHE_SECONDS: "120", ENTRA_CLOUD: "public" });
    expect(variables).not.toHaveProperty("LOG_LEVEL");
    // The layer declares the function's runtime, not a literal.
    expect(planned(changes, `${authorizer}.module.layer[0].aws_lambda_layer_version.this`)).toMatchObject({
      layer_name: "offline-lambda-jwt-verify",
      compatible_runtimes: ["nodejs20.x"],
    });
  });

  it("puts the IAM guardrails on every role and the key and retention on every log group", () => {
    for (const [fn, prefix] of [
      [`${authorizer}.module.function`, "offline-lambda-authorizer-"],
      [`${lambda}.module.response_function[0].module.function`, "offline-lambda-response-"],
    ] as const) {
      expect(planned(changes, `${fn}.aws_iam_role.this[0]`)).toMatchObject({
        name_prefix: prefix,
        path: "/workloads/",
        permissions_boundary: "arn:aws:iam::123456789012:policy/workload-boundary",
      });
    }
    const key = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    const retention = (address: string) => {
      const group = planned(changes, address);
      return [group.kms_key_id, group.retention_in_days];
    };
    expect(retention(`${authorizer}.module.function.aws_cloudwatch_log_group.this`)).toEqual([key, 90]);
    expect(
      retention(`${lambda}.module.response_function[0].module.function.aws_cloudwatch_log_group.this`),
    ).toEqual([key, 7]);
    expect(retention(`${lambda}.aws_cloudwatch_log_group.access_logs[0]`)).toEqual([key, 400]);
  });

  it("logs every call in JSON and throttles every route on the stage", () => {
    const stage = planned(changes, `${lambda}.aws_apigatewayv2_stage.this`);
    expect(block(stage, "default_route_settings")).toMatchObject({
      throttling_burst_limit: 200,
      throttling_rate_limit: 100,
      detailed_metrics_enabled: true,
    });
    const format = JSON.parse(block(stage, "access_log_settings").format as string) as Record<string, string>;
    expect(format).toMatchObject({
      requestId: "$context.requestId",
      routeKey: "$context.routeKey",
      status: "$context.status",
      authorizerError: "$context.authorizer.error",
      callerObjectId: "$context.authorizer.oid",
      callerTenantId: "$context.authorizer.tid",
      callerClientId: "$context.authorizer.clientId",
    });
    // REST-only variables that HTTP APIs do not document.
    expect(
      Object.values(format).filter((value) => /authorizer\.(principalId|status|latency)/.test(value)),
    ).toEqual([]);
  });

  it("adds a public OPTIONS route for each ANY and $default route when CORS is set", () => {
    const routes = changes
      .filter((change) => change.address.startsWith(`${lambda}.aws_apigatewayv2_route.this[`))
      .map((change) => [change.change.after?.route_key, change.change.after?.authorization_type]);

    expect(Object.fromEntries(routes)).toEqual({
      $default: "CUSTOM",
      "ANY /items/{id}": "CUSTOM",
      "GET /auth": "CUSTOM",
      "GET /health": "NONE",
      "OPTIONS /items/{id}": "NONE",
      "OPTIONS /{proxy+}": "NONE",
    });
  });

  it("creates the five alarms when asked", () => {
    const alarms = createdAddresses(changes).filter((address) =>
      address.startsWith(`${authorizer}.aws_cloudwatch_metric_alarm.`),
    );

    expect(alarms).toHaveLength(5);
  });

  it("plans no authorizer function and no layer with the native JWT authorizer", () => {
    const native = createdAddresses(changes).filter((address) => address.startsWith("module.native."));

    expect(native.filter((address) => address.includes("entra_authorizer"))).toEqual([]);
    expect(native.filter((address) => address.includes("aws_lambda_layer_version"))).toEqual([]);
    expect(native.filter((address) => address.endsWith("aws_lambda_function.this"))).toEqual([
      "module.native.module.response_function[0].module.function.aws_lambda_function.this",
    ]);
    expect(planned(changes, "module.native.aws_apigatewayv2_authorizer.jwt[0]")).toMatchObject({
      authorizer_type: "JWT",
      jwt_configuration: [{ issuer: `https://login.microsoftonline.com/${TENANT_ID}/v2.0` }],
    });
  });

  it("refuses at plan time an environment Lambda would refuse at apply", TIMEOUT, async () => {
    // 40 routes with three names each: past Lambda's 4 KB.
    const extra = Object.fromEntries(
      Array.from({ length: 40 }, (_, i) => [
        `GET /resource${i}/items`,
        { scopes: [`Resource${i}.Read`, `Resource${i}.Write`, `Resource${i}.Admin`] },
      ]),
    );
    await writeFile(path.join(dir, "oversized.tfvars.json"), JSON.stringify({ extra_routes: extra }));

    const message = await failure(plan(dir, "-var-file=oversized.tfvars.json"));

    expect(message.replace(/\s+/g, " ")).toMatch(
      /The authorizer.s environment would be \d+ bytes, and Lambda refuses more than 4096 .* Shorten them/,
    );
  });
});

describe("a configuration outside the repository", () => {
  /** Writes the consumer fixture with its module sources, and initialises it. */
  async function consumer(name: string, sources: { root: string; modules: string; repo: string }) {
    const dir = path.join(workspace, name);
    await mkdir(path.join(dir, "tests"), { recursive: true });
    const fill = (text: string) =>
      text
        .replaceAll("__ROOT_PATH__", sources.repo)
        .replaceAll("__ROOT__", sources.root)
        .replaceAll("__MODULES__", sources.modules);
    const fixture = path.join(FIXTURES, "consumer");
    await writeFile(
      path.join(dir, "main.tf"),
      fill(await readFile(path.join(fixture, "main.tf.tpl"), "utf8")),
    );
    await writeFile(
      path.join(dir, "tests", "consumer.tftest.hcl"),
      fill(await readFile(path.join(fixture, "tests", "consumer.tftest.hcl"), "utf8")),
    );
    await init(dir);
    return dir;
  }

  function expectAppliedAndDestroyed(output: string): void {
    expect(output).toMatch(/Success! 1 passed, 0 failed\./);
    expect(output).not.toMatch(/left the following resources in state/);
  }

  // Terraform links an absolute local path into .terraform/modules as a package of its own; the
  // // makes the whole repository that package, so ../../dist and ../function stay inside it.
  it("applies and destroys the three consumer scenarios by absolute path", TIMEOUT, async () => {
    const dir = await consumer("consumer-absolute", {
      root: copy,
      modules: `${copy}//modules`,
      repo: copy,
    });

    expectAppliedAndDestroyed(await terraform(dir, "test", "-no-color"));
  });

  it("applies and destroys the three consumer scenarios by relative path", TIMEOUT, async () => {
    const dir = await consumer("consumer-relative", {
      root: "../repo",
      modules: "../repo/modules",
      repo: "../repo",
    });

    expectAppliedAndDestroyed(await terraform(dir, "test", "-no-color"));
  });

  it("refuses a submodule's absolute path without //, as docs/terraform.md says", TIMEOUT, async () => {
    const dir = path.join(workspace, "consumer-single-slash");
    await mkdir(dir, { recursive: true });
    await writeFile(
      path.join(dir, "main.tf"),
      `module "authorizer" {\n  source = "${copy}/modules/entra-authorizer"\n}\n`,
    );

    const message = await failure(init(dir));

    expect(message).toMatch(/Local module path escapes module package/);
  });

  it("plans the root module and a submodule from git with //subdir", TIMEOUT, async () => {
    const git = path.join(workspace, "git-repo");
    await cp(copy, git, { recursive: true, filter: (source) => path.basename(source) !== ".terraform" });
    for (const args of [
      ["init", "--quiet"],
      ["add", "--all"],
      [
        "-c",
        "user.name=test",
        "-c",
        "user.email=test@example.invalid",
        "commit",
        "--quiet",
        "-m",
        "snapshot",
      ],
    ]) {
      await run("git", args, git);
    }
    const dir = path.join(workspace, "consumer-git");
    await mkdir(dir, { recursive: true });
    await writeFile(
      path.join(dir, "main.tf"),
      [
        `module "stack" {`,
        `  source    = "git::file://${git}"`,
        `  tenant_id = "${TENANT_ID}"`,
        `  audience  = "api://git"`,
        `}`,
        `resource "aws_apigatewayv2_api" "own" {`,
        `  name          = "own"`,
        `  protocol_type = "HTTP"`,
        `}`,
        `module "authorizer" {`,
        `  source            = "git::file://${git}//modules/entra-authorizer"`,
        `  api_id            = aws_apigatewayv2_api.own.id`,
        `  api_execution_arn = aws_apigatewayv2_api.own.execution_arn`,
        `  tenant_id         = "${TENANT_ID}"`,
        `  audience          = "api://git"`,
        `}`,
        ``,
      ].join("\n"),
    );
    await prepareOffline(dir);

    const created = createdAddresses(await plan(dir));

    expect(created).toEqual(
      expect.arrayContaining([
        "module.stack.module.entra_authorizer[0].module.lambda.module.function.aws_lambda_function.this",
        "module.authorizer.module.lambda.module.function.aws_lambda_function.this",
        "module.authorizer.module.lambda.module.layer[0].aws_lambda_layer_version.this",
      ]),
    );
  });
});

describe("generated README tables", () => {
  it("match the variables and outputs of every module", TIMEOUT, async () => {
    const stale = await staleReadmes(REPO);

    expect(stale.map(({ file }) => path.relative(REPO, file))).toEqual([]);
  });
});
