import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  authorizerEnvironment,
  DEFAULT_SETTINGS,
  identitySources,
  loadSettingsFile,
  SettingsError,
  settingsFromVariables,
} from "../../local/stack-settings.js";

const TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";

describe("settingsFromVariables", () => {
  it("reads Terraform variable names over the defaults and notes the ones it ignores", () => {
    const { settings, warnings } = settingsFromVariables({
      tenant_id: TENANT,
      audience: "api://orders",
      routes: ["GET /orders", "POST /orders"],
      route_permissions: { "POST /orders": { scopes: ["Orders.Write"] } },
      authorizer_response_mode: "simple",
      authority_host: "login.microsoftonline.us",
      name: "my-api",
    });

    expect(settings).toMatchObject({
      tenantId: TENANT,
      audience: "api://orders",
      routes: ["GET /orders", "POST /orders"],
      routePermissions: { "POST /orders": { scopes: ["Orders.Write"], roles: [] } },
      authorizerResponseMode: "simple",
      authorizerCacheTtlSeconds: DEFAULT_SETTINGS.authorizerCacheTtlSeconds,
    });
    expect(warnings).toEqual([
      "authority_host is ignored locally: tokens come from the local issuer",
      "name has no effect on the local stack",
    ]);
  });

  it("names the variable when a value is wrong", () => {
    expect(() => settingsFromVariables({ tenant_id: "contoso" })).toThrow(SettingsError);
    expect(() => settingsFromVariables({ tenant_id: "contoso" })).toThrow(
      /^tenant_id must be the Entra tenant ID/,
    );
    expect(() => settingsFromVariables({ routes: ["GET auth"] })).toThrow(/^routes must list route keys/);
    expect(() => settingsFromVariables({ authorizer_cache_ttl_seconds: 4000 })).toThrow(
      /^authorizer_cache_ttl_seconds must be a whole number between 0 and 3600/,
    );
    expect(() => settingsFromVariables({ route_permissions: { "GET /a": { scopes: ["a b"] } } })).toThrow(
      /^route_permissions scopes and roles/,
    );
  });
});

describe("loadSettingsFile", () => {
  it("reads a .tfvars.json file and rejects one that is not JSON", async () => {
    const dir = await mkdtemp(join(tmpdir(), "settings-test-"));
    try {
      const good = join(dir, "local.tfvars.json");
      const bad = join(dir, "bad.json");
      await writeFile(good, JSON.stringify({ routes: ["ANY /{proxy+}"], authorizer_cache_ttl_seconds: 0 }));
      await writeFile(bad, 'routes = ["GET /auth"]');

      const loaded = await loadSettingsFile(good);

      expect(loaded.settings).toMatchObject({ routes: ["ANY /{proxy+}"], authorizerCacheTtlSeconds: 0 });
      expect(loaded.warnings).toEqual([]);
      await expect(loadSettingsFile(bad)).rejects.toThrow(/is not a readable JSON file/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe("authorizerEnvironment", () => {
  it("builds the variables as modules/entra-authorizer does", () => {
    const { settings } = settingsFromVariables({
      tenant_id: TENANT,
      audience: "api://orders",
      additional_audiences: ["api://orders", "11111111-1111-4111-8111-111111111111"],
      token_versions: ["2.0", "1.0", "2.0"],
      route_permissions: { "POST /orders": { scopes: ["Orders.Write"] }, "*": { roles: ["Reader"] } },
    });

    expect(authorizerEnvironment(settings, "127.0.0.1:4443")).toEqual({
      ENTRA_TENANT_ID: TENANT,
      ENTRA_AUDIENCE: "api://orders,11111111-1111-4111-8111-111111111111",
      ENTRA_TOKEN_VERSIONS: "1.0,2.0",
      ENTRA_AUTHORITY_HOST: "127.0.0.1:4443",
      AUTHZ_RESPONSE_MODE: "iam",
      LOG_LEVEL: "info",
      AUTHZ_ROUTE_PERMISSIONS:
        '{"*":{"roles":["Reader"],"scopes":[]},"POST /orders":{"roles":[],"scopes":["Orders.Write"]}}',
    });
  });

  it("leaves AUTHZ_ROUTE_PERMISSIONS unset without permissions", () => {
    expect(authorizerEnvironment({ ...DEFAULT_SETTINGS }, "h:1")).not.toHaveProperty(
      "AUTHZ_ROUTE_PERMISSIONS",
    );
  });
});

describe("identitySources", () => {
  it("adds the route key only for cached simple answers with per-route permissions", () => {
    const perRoute = {
      ...DEFAULT_SETTINGS,
      authorizerResponseMode: "simple" as const,
      routePermissions: { "*": { scopes: ["a"], roles: [] } },
    };

    expect(identitySources(perRoute)).toEqual(["$request.header.Authorization", "$context.routeKey"]);
    expect(identitySources({ ...perRoute, authorizerCacheTtlSeconds: 0 })).toEqual([
      "$request.header.Authorization",
    ]);
    expect(identitySources({ ...perRoute, authorizerResponseMode: "iam" })).toEqual([
      "$request.header.Authorization",
    ]);
  });
});
