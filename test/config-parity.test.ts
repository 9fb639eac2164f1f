/**
 * One contract, three readers: the Terraform module builds the authorizer's environment and identity
 * sources, the local stack derives them from the same variables, and the authorizer keeps the table of
 * Entra's hosts per cloud. `terraform test` (offline, mocked provider) checks the module's outputs
 * against what the local stack and the authorizer compute, for a handful of configurations.
 */
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLOUD_HOSTS } from "../lambda-src/authorizer/config.js";
import {
  authorizerEnvironment,
  identitySources,
  settingsFromVariables,
  terraformJsonEncode,
} from "../local/stack-settings.js";
import { copyTerraformSources, INIT_SCRIPT, run } from "./support/terraform-workspace.js";

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
    routes: { $default: {} },
  },
};

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

beforeAll(async () => {
  workspace = await mkdtemp(path.join(tmpdir(), "entra-authz-parity-"));
  await copyTerraformSources(workspace, ["modules", "test/terraform/mocks"]);
  await mkdir(path.join(workspace, "parity"));
  await writeFile(path.join(workspace, "parity", "parity.tftest.hcl"), parityTests());
}, 60_000);

afterAll(async () => {
  await rm(workspace, { recursive: true, force: true });
});

describe("the module, the local stack and the authorizer", () => {
  it("derive the same environment, identity sources and cloud hosts", { timeout: 300_000 }, async () => {
    await run(INIT_SCRIPT, [workspace, "-test-directory=parity"], workspace);

    // A failing run's output is in the error's message: the assertion below shows which run failed.
    const output = await run("terraform", ["test", "-no-color", "-test-directory=parity"], workspace).catch(
      (error: Error) => error.message,
    );

    expect(output).toMatch(new RegExp(`Success! ${Object.keys(CONFIGURATIONS).length} passed, 0 failed\\.`));
  });
});
