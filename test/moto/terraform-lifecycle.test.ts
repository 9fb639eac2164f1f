// The modules and examples applied for real, against moto: apply, a clean re-plan, changes that
// replace resources with a clean re-plan after each, destroy, and nothing left behind.
//
// Each configuration gets its own moto server (test/moto/server.py: moto 5.2.1 with the patches
// that make it answer as AWS does where Terraform depends on it) and its own copy of the Terraform
// sources, so the configurations run side by side. A clean re-plan is what an offline plan cannot
// show: that what the provider reads back equals what the configuration asks for.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { copyTerraformSources } from "../support/terraform-workspace.js";
import { explain, init, leftovers, startMoto, tail, terraform, writeProviderOverride } from "./harness.js";
import type { MotoServer } from "./harness.js";

type Variables = Record<string, unknown>;

interface Configuration {
  /** The folder of the root module to apply, from the repository root. */
  dir: string;
  /** Variables of the first apply. */
  variables: Variables;
  /** Applied in turn after the first apply, each over `variables`; each must re-plan clean. */
  changes?: { name: string; variables: Variables }[];
}

const ENTRA = { tenant_id: "11111111-2222-3333-4444-555555555555", audience: "api://entra-authz-moto" };

// Routes valid for both authorizers: every entra route has scopes (the native JWT authorizer needs
// them) and nothing else; with rules, $context.routeKey is an identity source of the Lambda
// authorizer. The ANY route with CORS adds a public preflight route.
const ROOT: Variables = {
  ...ENTRA,
  name: "moto-root",
  routes: {
    "GET /auth": { scopes: ["api.read"] },
    "ANY /items/{id}": { scopes: ["api.read", "api.write"] },
    "GET /health": { authorization: "none" },
  },
  cors_configuration: { allow_origins: ["https://app.example.com"], allow_headers: ["authorization"] },
  create_alarms: true,
  tags: { Suite: "moto" },
};

/** One line per configuration; examples/rest-api and examples/appsync join here when they exist. */
const CONFIGURATIONS: Configuration[] = [
  {
    dir: ".",
    variables: ROOT,
    changes: [
      // Replaces the authorizer (and drops the authorizer function, its layer, logs and alarms), moves
      // every entra route to the new one, and changes the stage's access log format and every tag.
      {
        name: "the native JWT authorizer",
        variables: {
          use_native_jwt_authorizer: true,
          token_versions: ["2.0"],
          tags: { Suite: "moto", Authorizer: "jwt" },
        },
      },
      { name: "the Lambda authorizer again", variables: {} },
    ],
  },
  { dir: "examples/complete", variables: ENTRA },
  { dir: "examples/existing-http-api", variables: ENTRA },
];

const MINUTE = 60_000;
const STEP_TIMEOUT = { init: 2 * MINUTE, apply: 4 * MINUTE, plan: 2 * MINUTE, destroy: 4 * MINUTE };
/** Room for the test around a step that has its own timeout. */
const around = (ms: number) => ({ timeout: ms + 30_000 });
const VARIABLES_FILE = "moto.tfvars.json";

describe.concurrent.each(CONFIGURATIONS)("$dir, against moto", (configuration) => {
  let workspace: string;
  let dir: string;
  let moto: MotoServer;
  /** Set by a failed step: the steps after it are skipped, except destroy and the leftovers check. */
  let broken: string | undefined;
  let ready = false;

  /** Runs a Terraform command that must exit with `expected`; fails with its output otherwise. */
  async function step(args: string[], timeoutMs: number, expected = 0): Promise<string> {
    const { code, output } = await terraform(dir, args, { timeoutMs, moto });
    if (code !== expected) {
      throw new Error(`terraform ${args.join(" ")} exited with ${code}\n${explain(output, moto)}`);
    }
    return output;
  }

  async function apply(variables: Variables): Promise<void> {
    await writeFile(path.join(dir, VARIABLES_FILE), JSON.stringify(variables, null, 2));
    await step(["apply", "-auto-approve", "-input=false", `-var-file=${VARIABLES_FILE}`], STEP_TIMEOUT.apply);
  }

  /** A plan after an apply must have nothing to do: exit code 0 of -detailed-exitcode. */
  async function planClean(): Promise<void> {
    const { code, output } = await terraform(
      dir,
      ["plan", "-detailed-exitcode", "-input=false", `-var-file=${VARIABLES_FILE}`],
      { timeoutMs: STEP_TIMEOUT.plan, moto },
    );
    if (code === 2) {
      throw new Error(`the plan after the apply is not clean:\n${tail(output, 150)}`);
    }
    if (code !== 0) {
      throw new Error(`terraform plan exited with ${code}\n${explain(output, moto)}`);
    }
  }

  /** A step that is skipped once an earlier one failed, and marks the configuration broken if it fails. */
  function sequentialStep(name: string, timeoutMs: number, body: () => Promise<void>) {
    it.sequential(name, around(timeoutMs), async (context) => {
      if (broken) context.skip(`after the failure of: ${broken}`);
      try {
        await body();
      } catch (error) {
        broken = name;
        throw error;
      }
    });
  }

  beforeAll(async () => {
    moto = await startMoto();
    workspace = await mkdtemp(path.join(tmpdir(), "entra-authz-moto-"));
    await copyTerraformSources(workspace, ["modules", "examples"]);
    dir = path.join(workspace, configuration.dir);
    await writeProviderOverride(dir, moto.endpoint);
    await init(dir);
    ready = true;
  }, STEP_TIMEOUT.init);

  afterAll(async () => {
    await moto?.stop();
    if (workspace) await rm(workspace, { recursive: true, force: true });
  });

  sequentialStep("applies", STEP_TIMEOUT.apply, () => apply(configuration.variables));
  sequentialStep("re-plans clean after the apply", STEP_TIMEOUT.plan, planClean);

  for (const change of configuration.changes ?? []) {
    sequentialStep(`applies ${change.name} in one run`, STEP_TIMEOUT.apply, () =>
      apply({ ...configuration.variables, ...change.variables }),
    );
    sequentialStep(`re-plans clean after ${change.name}`, STEP_TIMEOUT.plan, planClean);
  }

  it.sequential("destroys", around(STEP_TIMEOUT.destroy), async (context) => {
    if (!ready) context.skip("the configuration was not initialised");
    await step(
      ["destroy", "-auto-approve", "-input=false", `-var-file=${VARIABLES_FILE}`],
      STEP_TIMEOUT.destroy,
    );
  });

  it.sequential("leaves nothing behind", async (context) => {
    if (!ready) context.skip("the configuration was not initialised");
    expect(await leftovers(moto)).toEqual({
      http_apis: [],
      rest_apis: [],
      appsync_apis: [],
      lambda_functions: [],
      layer_versions: [],
      iam_roles: [],
      log_groups: [],
      metric_filters: [],
      alarms: [],
    });
  });
});
