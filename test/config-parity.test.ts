/**
 * One contract, three readers: the Terraform module builds the authorizer's environment and identity
 * sources, the local stack derives them from the same variables, and the authorizer keeps the table of
 * Entra's hosts per cloud. `terraform test` (offline, mocked provider) checks the module's outputs
 * against what the local stack and the authorizer compute, for a handful of configurations.
 *
 * And one gate: every root variable has cases that `terraform plan` refuses (and the local stack
 * refuses too) and a case both accept. The variable list is read from variables.tf, so a new variable
 * without cases fails here. All cases run in one `terraform test`: accepted values and validation
 * failures (`expect_failures`) as runs of one file, errors that stop a file (a value of the wrong
 * type, a null that a validation cannot read) in a file each.
 */
import { readFile, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { parse } from "@cdktf/hcl2json";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLOUD_HOSTS } from "../lambda-src/authorizer/config.js";
import {
  authorizerEnvironment,
  identitySources,
  ROOT_VARIABLES,
  SettingsError,
  settingsFromVariables,
  terraformJsonEncode,
} from "../local/stack-settings.js";
import { copyTerraformSources, INIT_SCRIPT, REPO, run } from "./support/terraform-workspace.js";

const GUIDS = {
  tenant: "11111111-2222-3333-4444-555555555555",
  otherTenant: "66666666-7777-4888-9999-aaaaaaaaaaaa",
  api: "6e74172b-be56-4843-9ff4-e66a39bb12e3",
  client: "0c5a1f3e-6b1e-4a43-9c3f-0d3e5b7b1a11",
};

/** Root-module variables, exactly as a .tfvars.json would hold them. */
const CONFIGURATIONS: Record<string, Record<string, unknown>> = {
  defaults: { tenant_id: GUIDS.tenant, audience: `api://${GUIDS.api}` },
  route_rules: {
    tenant_id: GUIDS.tenant,
    audience: `api://${GUIDS.api}`,
    additional_audiences: [GUIDS.api],
    token_versions: ["2.0"],
    authorizer_response_mode: "simple",
    routes: {
      "GET /items/{id}": { scopes: ["items.read"] },
      "POST /items": { roles: ["Items.Write"], clients: [GUIDS.client] },
      "GET /health": { authorization: "none" },
      "GET /admin": { condition: 'has(claims.idtyp) && claims.idtyp == "app" && "<&>" != claims.tid' },
      "GET /plain": {},
    },
  },
  identity_model: {
    tenant_id: GUIDS.tenant,
    audience: GUIDS.api,
    cloud: "usgov",
    allowed_tenant_ids: [GUIDS.otherTenant],
    allowed_client_ids: [GUIDS.client],
    verified_token_cache_seconds: 0,
    jwks_key_retention_hours: 0,
    routes: { $default: {} },
  },
};

/**
 * One value of one variable and how `terraform plan` takes it: "accept"; "validation", a failed
 * validation block of `fails` (default: the variable itself), which `expect_failures` names; "error",
 * a failure that stops the test file, whose diagnostics must mention `mentions` (default var.<name>).
 */
interface VariableCase {
  variable: string;
  value: unknown;
  plan: "accept" | "validation" | "error";
  /** Other variables the case needs. */
  with?: Record<string, unknown>;
  fails?: string;
  mentions?: string;
}

const ARN = {
  role: "arn:aws:iam::123456789012:role/existing",
  function: "arn:aws:lambda:us-east-1:123456789012:function:orders",
};
const NATIVE = {
  use_native_jwt_authorizer: true,
  token_versions: ["2.0"],
  routes: { "GET /a": { scopes: ["s"] } },
};

/** Per variable: what both accept, what both refuse. `plan` is Terraform's verdict; the local stack must agree where it refuses. */
const CASES: Record<string, Array<Omit<VariableCase, "variable">>> = {
  name: [
    { value: "orders-api_2", plan: "accept" },
    { value: "orders api", plan: "validation" },
    { value: "a".repeat(41), plan: "validation" },
    { value: null, plan: "error" },
  ],
  tags: [
    { value: { team: "orders", cost: 12 }, plan: "accept" },
    { value: ["orders"], plan: "error" },
  ],
  tenant_id: [
    { value: GUIDS.tenant.toUpperCase(), plan: "accept" },
    { value: "contoso.onmicrosoft.com", plan: "validation" },
  ],
  audience: [
    { value: "api://orders", plan: "accept" },
    { value: "api://a,api://b", plan: "validation" },
    { value: "", plan: "validation" },
  ],
  additional_audiences: [
    { value: [GUIDS.api], plan: "accept" },
    { value: ["api://a b"], plan: "validation" },
    { value: "api://a", plan: "error" },
  ],
  token_versions: [
    { value: ["2.0"], plan: "accept" },
    { value: ["3.0"], plan: "validation" },
    { value: [], plan: "validation" },
    { value: null, plan: "error" },
    { value: ["1.0", "2.0"], with: NATIVE, plan: "validation" },
  ],
  cloud: [
    { value: "china", plan: "accept" },
    { value: "germany", plan: "validation" },
  ],
  authority_host: [
    { value: "login.microsoftonline.us:443", plan: "accept" },
    { value: null, plan: "accept" },
    { value: "https://login.microsoftonline.com/", plan: "validation" },
  ],
  jwks_uri: [
    { value: "https://keys.example.test/keys", plan: "accept" },
    { value: "http://keys.example.test/keys", plan: "validation" },
    { value: "https://keys.example.test/keys", with: NATIVE, plan: "validation" },
  ],
  allowed_tenant_ids: [
    { value: [GUIDS.otherTenant], plan: "accept" },
    { value: ["contoso"], plan: "validation" },
    { value: [GUIDS.otherTenant], with: NATIVE, plan: "validation" },
  ],
  allowed_client_ids: [
    { value: [GUIDS.client], plan: "accept" },
    { value: ["my-app"], plan: "validation" },
    { value: [GUIDS.client], with: NATIVE, plan: "validation" },
  ],
  use_native_jwt_authorizer: [
    { value: false, plan: "accept" },
    { value: "maybe", plan: "error" },
    // true is refused locally in every case; here plan refuses it too (no scopes on the default route).
    { value: true, with: { token_versions: ["2.0"] }, plan: "validation", fails: "routes" },
  ],
  authorizer_response_mode: [
    { value: "simple", plan: "accept" },
    { value: "policy", plan: "validation" },
    { value: "simple", with: NATIVE, plan: "validation" },
  ],
  authorizer_cache_ttl_seconds: [
    { value: 0, plan: "accept" },
    { value: 3601, plan: "validation" },
    { value: 1.5, plan: "validation" },
  ],
  verified_token_cache_seconds: [
    { value: "60", plan: "accept" },
    { value: -1, plan: "validation" },
  ],
  jwks_key_retention_hours: [
    { value: 0, plan: "accept" },
    { value: 168, plan: "accept" },
    { value: 169, plan: "validation" },
    { value: 2.5, plan: "validation" },
    { value: null, plan: "error" },
  ],
  memory_size: [
    { value: 1024, plan: "accept" },
    { value: 64, plan: "validation" },
  ],
  timeout: [
    { value: "5", plan: "accept" },
    { value: 11, plan: "validation" },
    { value: "five", plan: "error" },
    { value: null, plan: "error" },
  ],
  authorizer_package_path: [
    { value: "dist/authorizer.zip", plan: "accept" },
    { value: "dist/authorizer.tar.gz", plan: "validation" },
  ],
  layer_package_path: [
    { value: "dist/jwt-verify-layer.zip", plan: "accept" },
    { value: "dist/layer", plan: "validation" },
  ],
  runtime: [
    { value: "nodejs20.x", plan: "accept" },
    { value: "python3.12", plan: "validation" },
  ],
  architecture: [
    { value: "x86_64", plan: "accept" },
    { value: "arm", plan: "validation" },
  ],
  application_log_level: [
    { value: "DEBUG", plan: "accept" },
    { value: "info", plan: "validation" },
  ],
  system_log_level: [
    { value: "INFO", plan: "accept" },
    { value: "TRACE", plan: "validation" },
  ],
  create_response_function: [
    { value: false, with: { routes: { "GET /a": { function_arn: ARN.function } } }, plan: "accept" },
    { value: false, plan: "validation" },
  ],
  response_package_path: [
    { value: "dist/response.zip", plan: "accept" },
    { value: "dist/response", plan: "validation" },
  ],
  create_role: [
    { value: "false", with: { role_arn: ARN.role }, plan: "accept" },
    { value: false, plan: "validation", fails: "role_arn" },
    { value: "no", plan: "error" },
  ],
  role_arn: [
    { value: ARN.role, with: { create_role: false }, plan: "accept" },
    { value: null, with: { create_role: false }, plan: "validation" },
  ],
  role_name_use_prefix: [
    { value: true, plan: "accept" },
    { value: "yes", plan: "error" },
  ],
  role_path: [
    { value: "/lambda/", plan: "accept" },
    { value: "lambda", plan: "validation" },
  ],
  role_permissions_boundary: [
    { value: "arn:aws:iam::123456789012:policy/boundary", plan: "accept" },
    { value: ["arn:aws:iam::123456789012:policy/boundary"], plan: "error" },
  ],
  routes: [
    {
      value: { "ANY /items/{proxy+}": { scopes: ["s"] }, $default: { authorization: "none" } },
      plan: "accept",
    },
    { value: {}, plan: "validation" },
    { value: { "FETCH /a": {} }, plan: "validation" },
    { value: { "GET /a": { authorization: "public" } }, plan: "validation" },
    { value: { "GET /a": { authorization: "none", scopes: ["s"] } }, plan: "validation" },
    { value: { "GET /a": { scopes: ["has space"] } }, plan: "validation" },
    { value: { "GET /a": { clients: ["my-app"] } }, plan: "validation" },
    { value: { "GET /a": { condition: " " } }, plan: "validation" },
    { value: { "GET /a": { condition: `claims.x == "${"x".repeat(1020)}"` } }, plan: "validation" },
    { value: ["GET /a"], plan: "error" },
    { value: { "GET /a": null }, plan: "error", mentions: "Attempt to get attribute from null value" },
    // Lambda's 4 KB limit on the environment, a precondition of the authorizer's module.
    {
      value: Object.fromEntries(
        Array.from({ length: 90 }, (_, index) => [
          `GET /r${index}`,
          { scopes: [`Scope.Number.${index}.Read.All`] },
        ]),
      ),
      plan: "error",
      mentions: "Lambda refuses more than 4096",
    },
  ],
  cors_configuration: [
    { value: { allow_origins: ["https://app.example"], max_age: "600" }, plan: "accept" },
    { value: null, plan: "accept" },
    { value: { allow_origins: ["*"], allow_credentials: true }, plan: "validation" },
    { value: "https://app.example", plan: "error" },
  ],
  access_log_enabled: [
    { value: false, plan: "accept" },
    { value: "off", plan: "error" },
  ],
  access_log_format: [
    { value: "$context.requestId $context.status", plan: "accept" },
    { value: "$context.status", plan: "validation" },
  ],
  throttling_burst_limit: [
    { value: 5000, plan: "accept" },
    { value: 999999, plan: "validation" },
    { value: 1.5, plan: "validation" },
  ],
  throttling_rate_limit: [
    { value: 0.5, plan: "accept" },
    { value: 10001, plan: "validation" },
  ],
  detailed_metrics_enabled: [
    { value: true, plan: "accept" },
    { value: "on", plan: "error" },
  ],
  authorizer_log_retention_in_days: [
    { value: 0, plan: "accept" },
    { value: 2, plan: "validation" },
  ],
  response_log_retention_in_days: [
    { value: 3653, plan: "accept" },
    { value: 10, plan: "validation" },
  ],
  access_log_retention_in_days: [
    { value: 14, plan: "accept" },
    { value: 4000, plan: "validation" },
  ],
  kms_key_id: [
    { value: "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab", plan: "accept" },
    { value: { arn: "x" }, plan: "error" },
  ],
  metric_namespace: [
    { value: "Orders/Authorizer", plan: "accept" },
    { value: "AWS/Lambda", plan: "validation" },
    { value: "", plan: "validation" },
  ],
  create_alarms: [
    { value: true, plan: "accept" },
    { value: "sometimes", plan: "error" },
  ],
  alarm_actions: [
    { value: ["arn:aws:sns:us-east-1:123456789012:alarms"], plan: "accept" },
    { value: "arn:aws:sns:us-east-1:123456789012:alarms", plan: "error" },
  ],
  alarm_refusal_rate_threshold: [
    { value: 100, plan: "accept" },
    { value: 0, plan: "validation" },
  ],
};

const BASE = { tenant_id: GUIDS.tenant, audience: `api://${GUIDS.api}` };
const VARIABLE_CASES: VariableCase[] = Object.entries(CASES).flatMap(([variable, cases]) =>
  cases.map((entry) => ({ variable, ...entry })),
);
/** A name per case, for the local stack's test. */
const caseName = (entry: VariableCase, index: number) =>
  `${entry.plan === "accept" ? "accept" : "reject"}_${entry.variable}_${index}`;

/** The variables of a case as the local stack gets them from a --config file. */
const caseVariables = (entry: VariableCase) => ({ ...BASE, ...entry.with, [entry.variable]: entry.value });

function hclVariables(variables: Record<string, unknown>): string {
  return Object.entries(variables)
    .map(([key, value]) => `    ${key} = jsondecode(${hclString(JSON.stringify(value))})`)
    .join("\n");
}

/** Variables whose validations read other variables: their cases get a run of their own. */
const CROSS_VARIABLE = new Set([
  "create_response_function",
  "create_role",
  "role_arn",
  "use_native_jwt_authorizer",
]);

interface CaseRun {
  name: string;
  variables: Record<string, unknown>;
  expectFailures: string[];
  /** Indexes into VARIABLE_CASES. */
  cases: number[];
}

/**
 * The cases as few runs as Terraform allows, since each plan of the whole module takes most of a
 * second: values of different variables share a run (accepted ones, or failing ones with every
 * failure expected), except where a validation reads another variable. An error that stops its file
 * gets a file of its own.
 */
function caseRuns(): { shared: CaseRun[]; stopping: CaseRun[] } {
  const shared: CaseRun[] = [];
  const stopping: CaseRun[] = [];
  VARIABLE_CASES.forEach((entry, index) => {
    const variables = { ...entry.with, [entry.variable]: entry.value };
    const expectFailures = entry.plan === "validation" ? [entry.fails ?? entry.variable] : [];
    const alone =
      entry.plan === "error" ||
      entry.with !== undefined ||
      entry.fails !== undefined ||
      CROSS_VARIABLE.has(entry.variable);
    const kind = entry.plan === "accept" ? "accept" : "reject";
    if (alone) {
      (entry.plan === "error" ? stopping : shared).push({
        name: `${kind}_${entry.variable}_${index}`,
        variables,
        expectFailures,
        cases: [index],
      });
      return;
    }
    const batch = shared.find(
      (candidate) => candidate.name.startsWith(`${kind}_batch_`) && !(entry.variable in candidate.variables),
    );
    if (batch === undefined) {
      shared.push({ name: `${kind}_batch_${shared.length}`, variables, expectFailures, cases: [index] });
    } else {
      batch.variables[entry.variable] = entry.value;
      batch.expectFailures.push(...expectFailures);
      batch.cases.push(index);
    }
  });
  return { shared, stopping };
}

function hclRun(caseRun: CaseRun): string {
  const failures = caseRun.expectFailures.map((name) => `var.${name}`).join(", ");
  return `
run "${caseRun.name}" {
  command = plan

  variables {
${hclVariables(caseRun.variables)}
  }
${failures === "" ? "" : `\n  expect_failures = [${failures}]\n`}}`;
}

/** The test files of the cases: the shared runs in one, each stopping error in its own. */
function variableCaseFiles(runs: ReturnType<typeof caseRuns>): Record<string, string> {
  const header = `mock_provider "aws" {\n  source = "./test/terraform/mocks"\n}\n\nvariables {\n${hclVariables(BASE)}\n}\n`;
  return Object.fromEntries([
    ["variables.tftest.hcl", header + runs.shared.map(hclRun).join("\n") + "\n"],
    ...runs.stopping.map((caseRun) => [`${caseRun.name}.tftest.hcl`, header + hclRun(caseRun) + "\n"]),
  ]);
}

/** What the module must output for one configuration, as the local stack derives it. */
function expected(variables: Record<string, unknown>) {
  const { settings } = settingsFromVariables(variables);
  // Locally the authority is the local issuer; the module sets ENTRA_AUTHORITY_HOST only when asked to.
  const environment: Record<string, string | undefined> = authorizerEnvironment(settings, "local");
  delete environment.ENTRA_AUTHORITY_HOST;
  return {
    environment: terraformJsonEncode(environment),
    identitySources: terraformJsonEncode([...identitySources(settings)].sort()),
  };
}

/** An HCL string literal holding `text`. */
function hclString(text: string): string {
  return JSON.stringify(text).replaceAll("${", "$${").replaceAll("%{", "%%{");
}

function parityTests(): string {
  const clouds = terraformJsonEncode(
    Object.fromEntries(
      Object.entries(CLOUD_HOSTS).map(([cloud, hosts]) => [
        cloud,
        { authority_host: hosts.authorityHost, v2_issuer_host: hosts.v2IssuerHost },
      ]),
    ),
  );
  const runs = Object.entries(CONFIGURATIONS).map(([name, variables]) => {
    const { environment, identitySources: sources } = expected(variables);
    return `
run "${name}" {
  command = plan

  variables {
${Object.entries(variables)
  .map(([key, value]) => `    ${key} = jsondecode(${hclString(JSON.stringify(value))})`)
  .join("\n")}
  }

  assert {
    condition     = jsonencode({ for key, value in output.authorizer_environment_variables : key => value if key != "ENTRA_AUTHORITY_HOST" }) == ${hclString(environment)}
    error_message = "The module's environment differs from the local stack's: \${jsonencode(output.authorizer_environment_variables)}"
  }

  assert {
    condition     = jsonencode(sort(output.authorizer_identity_sources)) == ${hclString(sources)}
    error_message = "The module's identity sources differ from the local stack's: \${jsonencode(output.authorizer_identity_sources)}"
  }

  assert {
    condition     = jsonencode(output.entra_clouds) == ${hclString(clouds)}
    error_message = "The module's Entra hosts per cloud differ from the authorizer's CLOUD_HOSTS: \${jsonencode(output.entra_clouds)}"
  }
}`;
  });
  return `mock_provider "aws" {\n  source = "./test/terraform/mocks"\n}\n${runs.join("\n")}\n`;
}

let workspace: string;
const CASE_RUNS = caseRuns();

beforeAll(async () => {
  workspace = await mkdtemp(path.join(tmpdir(), "entra-authz-parity-"));
  await copyTerraformSources(workspace, ["modules", "test/terraform/mocks"]);
  await mkdir(path.join(workspace, "parity"));
  await mkdir(path.join(workspace, "parity-errors"));
  await writeFile(path.join(workspace, "parity", "parity.tftest.hcl"), parityTests());
  for (const [name, text] of Object.entries(variableCaseFiles(CASE_RUNS))) {
    // The files that stop at their first error run beside the others, in a second terraform test.
    const folder = name === "variables.tftest.hcl" ? "parity" : "parity-errors";
    await writeFile(path.join(workspace, folder, name), text);
  }
}, 60_000);

afterAll(async () => {
  await rm(workspace, { recursive: true, force: true });
});

interface TestEvent {
  type: string;
  "@testfile"?: string;
  "@testrun"?: string;
  test_run?: { progress: string; status?: string };
}

/** Each run's status ("pass", "fail", "error", "skip") and each run's diagnostics, from `terraform test -json`. */
async function terraformTest(): Promise<{ status: Map<string, string>; diagnostics: Map<string, string[]> }> {
  await run(INIT_SCRIPT, [workspace, "-test-directory=parity"], workspace);
  const outputs = await Promise.all(
    ["parity", "parity-errors"].map((folder) =>
      run("terraform", ["test", "-json", `-test-directory=${folder}`], workspace).catch(
        (error: Error) => error.message,
      ),
    ),
  );
  const status = new Map<string, string>();
  const diagnostics = new Map<string, string[]>();
  for (const line of outputs.join("\n").split("\n")) {
    if (!line.startsWith("{")) continue;
    const event = JSON.parse(line) as TestEvent;
    const runName = event["@testrun"];
    if (runName === undefined) continue;
    if (event.type === "test_run" && event.test_run?.progress === "complete") {
      status.set(runName, event.test_run.status ?? "unknown");
    } else if (event.type === "diagnostic") {
      diagnostics.set(runName, [...(diagnostics.get(runName) ?? []), line]);
    }
  }
  return { status, diagnostics };
}

describe("the module, the local stack and the authorizer", () => {
  let results: Awaited<ReturnType<typeof terraformTest>>;

  beforeAll(async () => {
    results = await terraformTest();
  }, 300_000);

  it("derive the same environment, identity sources and cloud hosts", () => {
    for (const name of Object.keys(CONFIGURATIONS)) {
      expect({
        run: name,
        status: results.status.get(name),
        diagnostics: results.diagnostics.get(name),
      }).toEqual({
        run: name,
        status: "pass",
        diagnostics: undefined,
      });
    }
  });

  it("take every root variable's values as terraform plan does, and refuse what it refuses", () => {
    const mismatches = [...CASE_RUNS.shared, ...CASE_RUNS.stopping].flatMap((caseRun) => {
      const status = results.status.get(caseRun.name);
      const notes = results.diagnostics.get(caseRun.name) ?? [];
      const agrees = caseRun.cases.every((index) => {
        const entry = VARIABLE_CASES[index] as VariableCase;
        const mentions = entry.mentions ?? `var.${entry.variable}`;
        return entry.plan === "error"
          ? status === "error" && notes.some((note) => note.includes(mentions))
          : status === "pass";
      });
      const summaries = notes.map((note) => {
        const { diagnostic } = JSON.parse(note) as { diagnostic?: { summary: string; detail?: string } };
        return `${diagnostic?.summary ?? ""}: ${diagnostic?.detail ?? ""}`.slice(0, 300);
      });
      return agrees
        ? []
        : [{ run: caseRun.name, variables: caseRun.variables, status, diagnostics: summaries.slice(0, 3) }];
    });

    expect(mismatches).toEqual([]);
  });
});

describe("the local stack's --config", () => {
  it.each(VARIABLE_CASES.map((entry, index) => [caseName(entry, index), entry] as const))(
    "agrees with terraform plan on %s",
    (_name, entry) => {
      const read = () => settingsFromVariables(caseVariables(entry));

      if (entry.plan === "accept") {
        expect(read).not.toThrow();
      } else {
        // The message names the variable whose rule fails (a cross-variable rule may name the other).
        const names = [entry.variable, entry.fails ?? entry.variable, "use_native_jwt_authorizer"];
        expect(read).toThrow(SettingsError);
        expect(names).toContain(
          (() => {
            try {
              read();
            } catch (error) {
              return (error as SettingsError).variable.replace(/\[.*$/, "");
            }
            return undefined;
          })(),
        );
      }
    },
  );

  it("has cases for every variable of variables.tf: one both accept and one plan refuses", async () => {
    const parsed = (await parse("variables.tf", await readFile(path.join(REPO, "variables.tf"), "utf8"))) as {
      variable: Record<string, unknown>;
    };
    const declared = Object.keys(parsed.variable).sort();
    const covered = declared.filter(
      (variable) =>
        CASES[variable]?.some((entry) => entry.plan === "accept") === true &&
        CASES[variable]?.some((entry) => entry.plan !== "accept") === true,
    );

    expect(Object.keys(ROOT_VARIABLES).sort()).toEqual(declared);
    expect(Object.keys(CASES).sort()).toEqual(declared);
    expect(covered).toEqual(declared);
  });
});
