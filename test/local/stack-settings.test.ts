import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkAuthorizerEnvironment } from "../../local/lambda/authorizer-config-check.js";
import {
  authorizerEnvironment,
  DEFAULT_SETTINGS,
  DEV_API_CLIENT_ID,
  ENTRA_ROUTE,
  environmentBytes,
  identitySources,
  type LocalStackSettings,
  loadSettingsFile,
  SettingsError,
  settingsFromVariables,
  terraformJsonEncode,
} from "../../local/stack-settings.js";

const TENANT = "11111111-2222-3333-4444-555555555555";
const OTHER_TENANT = "11111111-1111-4111-8111-111111111111";
const CLIENT = "22222222-2222-4222-8222-222222222222";
const HOST = "127.0.0.1:4443";

function settings(variables: Record<string, unknown>): LocalStackSettings {
  return settingsFromVariables(variables).settings;
}

describe("settingsFromVariables", () => {
  it("reads the root module's variables over the defaults, routes as a map", () => {
    const { settings: read, warnings } = settingsFromVariables({
      tenant_id: TENANT,
      audience: "api://orders",
      cloud: "usgov",
      allowed_tenant_ids: [OTHER_TENANT],
      allowed_client_ids: [CLIENT],
      routes: {
        "GET /orders": {},
        "POST /orders": { scopes: ["Orders.Write"], roles: ["Orders.Manage"], clients: [CLIENT] },
        "GET /health": { authorization: "none" },
        "GET /vip": { condition: 'claims.tid == "x"', scopes: null },
      },
      authorizer_response_mode: "simple",
      verified_token_cache_seconds: 60,
      application_log_level: "DEBUG",
      use_native_jwt_authorizer: false,
    });

    expect(read).toMatchObject({
      tenantId: TENANT,
      audience: "api://orders",
      additionalAudiences: [],
      cloud: "usgov",
      allowedTenantIds: [OTHER_TENANT],
      allowedClientIds: [CLIENT],
      authorizerResponseMode: "simple",
      authorizerCacheTtlSeconds: DEFAULT_SETTINGS.authorizerCacheTtlSeconds,
      verifiedTokenCacheSeconds: 60,
      applicationLogLevel: "DEBUG",
      routes: {
        "GET /orders": { authorization: "entra", scopes: [], roles: [], clients: [] },
        "POST /orders": {
          authorization: "entra",
          scopes: ["Orders.Write"],
          roles: ["Orders.Manage"],
          clients: [CLIENT],
        },
        "GET /health": { authorization: "none", scopes: [], roles: [], clients: [] },
        "GET /vip": { authorization: "entra", condition: 'claims.tid == "x"', scopes: [] },
      },
    });
    expect(warnings).toEqual([]);
  });

  it("defaults to GET /auth and the development audiences, both spellings of the API", () => {
    const read = settings({});

    expect(Object.keys(read.routes)).toEqual(["GET /auth"]);
    expect([read.audience, ...read.additionalAudiences]).toEqual([
      `api://${DEV_API_CLIENT_ID}`,
      DEV_API_CLIENT_ID,
    ]);
    expect(read.applicationLogLevel).toBe("WARN");
  });

  it("keeps no hidden development audience once the config names its audience", () => {
    expect(settings({ audience: "api://orders" }).additionalAudiences).toEqual([]);
    expect(
      settings({ audience: "api://orders", additional_audiences: [CLIENT] }).additionalAudiences,
    ).toEqual([CLIENT]);
  });

  it("warns about what has no local meaning, function_arn once", () => {
    const { warnings } = settingsFromVariables({
      authority_host: "login.microsoftonline.us",
      jwks_uri: "https://example.test/keys",
      name: "my-api",
      system_log_level: "INFO",
      routes: {
        "GET /a": { function_arn: "arn:aws:lambda:us-east-1:123456789012:function:a" },
        "GET /b": { function_arn: "arn:aws:lambda:us-east-1:123456789012:function:b", scope: ["typo"] },
      },
    });

    expect(warnings).toEqual([
      "authority_host is ignored locally: the local issuer is the authority",
      "jwks_uri is ignored locally: the local issuer serves the keys",
      "name has no effect on the local stack",
      "system_log_level has no effect on the local stack",
      'routes["GET /b"].scope is not a route attribute: Terraform ignores it, and so does the local stack',
      "routes: function_arn is ignored locally: the sample backend answers every route",
    ]);
  });

  it.each([
    [
      { route_permissions: { "*": { scopes: ["a"] } } },
      /^route_permissions was removed: put each rule on its route/,
    ],
    [{ routes: ["GET /auth"] }, /^routes is a map keyed by route key now, not a list/],
    [{ log_level: "info" }, /^log_level was replaced by application_log_level/],
    [{ use_native_jwt_authorizer: true }, /^use_native_jwt_authorizer = true is not emulated locally/],
    [{ tenant_id: "contoso" }, /^tenant_id must be the Entra tenant ID/],
    [{ routes: {} }, /^routes must have at least one route/],
    [{ routes: { "GET auth": {} } }, /^routes key "GET auth" must be a route key/],
    [
      { routes: { "GET /a": { authorization: "jwt" } } },
      /^routes\["GET \/a"\]\.authorization must be "entra" or "none"/,
    ],
    [
      { routes: { "GET /health": { authorization: "none", roles: ["r"] } } },
      /^routes\["GET \/health"\] is public \(authorization = "none"\) and cannot carry/,
    ],
    [{ routes: { "GET /a": { scopes: ["a b"] } } }, /^routes\["GET \/a"\]\.scopes must be names/],
    [
      { routes: { "GET /a": { clients: ["app"] } } },
      /^routes\["GET \/a"\]\.clients must be application \(client\) IDs/,
    ],
    [
      { routes: { "GET /a": { condition: " " } } },
      /^routes\["GET \/a"\]\.condition must be null or a CEL expression/,
    ],
    [{ cloud: "germany" }, /^cloud must be one of public, usgov, china/],
    [{ allowed_tenant_ids: ["contoso.onmicrosoft.com"] }, /^allowed_tenant_ids must be tenant IDs/],
    [{ allowed_client_ids: ["x"] }, /^allowed_client_ids must be application \(client\) IDs/],
    [{ timeout: 4 }, /^timeout must be a whole number between 5 and 10/],
    [
      { authorizer_cache_ttl_seconds: 4000 },
      /^authorizer_cache_ttl_seconds must be a whole number between 0 and 3600/,
    ],
    [{ verified_token_cache_seconds: -1 }, /^verified_token_cache_seconds must be a whole number/],
    [
      { application_log_level: "info" },
      /^application_log_level must be one of TRACE, DEBUG, INFO, WARN, ERROR, FATAL/,
    ],
    [{ authority_host: "https://login.microsoftonline.com/" }, /^authority_host must be a host name/],
    [{ jwks_uri: "http://example.test/keys" }, /^jwks_uri must be null or an https:\/\/ URL/],
  ])("refuses %j, naming the variable", (variables, message) => {
    expect(() => settingsFromVariables(variables)).toThrow(SettingsError);
    expect(() => settingsFromVariables(variables)).toThrow(message);
  });

  it("refuses route rules that would take the authorizer's environment over Lambda's 4 KB", () => {
    const routes = Object.fromEntries(
      Array.from({ length: 80 }, (_, index) => [
        `GET /r${index}`,
        { scopes: [`Scope.Number.${index}.Read.All.Long`] },
      ]),
    );

    expect(() => settingsFromVariables({ routes })).toThrow(
      /^routes make the authorizer's environment \d+ bytes/,
    );
  });
});

describe("loadSettingsFile", () => {
  it("reads a .tfvars.json file and rejects one that is not JSON", async () => {
    const dir = await mkdtemp(join(tmpdir(), "settings-test-"));
    try {
      const good = join(dir, "local.tfvars.json");
      const bad = join(dir, "bad.json");
      await writeFile(
        good,
        JSON.stringify({ routes: { "ANY /{proxy+}": {} }, authorizer_cache_ttl_seconds: 0 }),
      );
      await writeFile(bad, 'routes = { "GET /auth" = {} }');

      const loaded = await loadSettingsFile(good);

      expect(Object.keys(loaded.settings.routes)).toEqual(["ANY /{proxy+}"]);
      expect(loaded.settings.authorizerCacheTtlSeconds).toBe(0);
      expect(loaded.warnings).toEqual([]);
      await expect(loadSettingsFile(bad)).rejects.toThrow(/is not a readable JSON file/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe("authorizerEnvironment", () => {
  it("builds the variables as the root module does, route rules with only their set parts", () => {
    const read = settings({
      tenant_id: TENANT,
      audience: "api://orders",
      additional_audiences: ["api://orders", CLIENT],
      token_versions: ["2.0", "1.0", "2.0"],
      allowed_tenant_ids: [OTHER_TENANT, OTHER_TENANT],
      allowed_client_ids: [CLIENT],
      verified_token_cache_seconds: 0,
      jwks_key_retention_hours: 12,
      routes: {
        "POST /orders": { scopes: ["Orders.Write"], clients: [CLIENT] },
        "GET /orders": {},
        "GET /health": { authorization: "none" },
        $default: { condition: "claims.age > 17 && claims.tid != '<x>'", roles: ["Reader"] },
      },
    });

    expect(authorizerEnvironment(read, HOST)).toEqual({
      ENTRA_TENANT_ID: TENANT,
      ENTRA_AUDIENCE: `api://orders,${CLIENT}`,
      ENTRA_TOKEN_VERSIONS: "1.0,2.0",
      ENTRA_CLOUD: "public",
      ENTRA_AUTHORITY_HOST: HOST,
      ENTRA_ALLOWED_TENANT_IDS: OTHER_TENANT,
      ENTRA_ALLOWED_CLIENT_IDS: CLIENT,
      ENTRA_JWKS_KEY_RETENTION_HOURS: "12",
      AUTHZ_RESPONSE_MODE: "iam",
      AUTHZ_TOKEN_CACHE_SECONDS: "0",
      AUTHZ_ROUTE_PERMISSIONS:
        '{"$default":{"condition":"claims.age \\u003e 17 \\u0026\\u0026 claims.tid != \'\\u003cx\\u003e\'","roles":["Reader"]},' +
        `"GET /orders":{},"POST /orders":{"clients":["${CLIENT}"],"scopes":["Orders.Write"]}}`,
    });
  });

  it("leaves AUTHZ_ROUTE_PERMISSIONS and the allow lists unset when nothing asks for them", () => {
    const env = authorizerEnvironment(
      settings({ routes: { "GET /a": {}, "GET /b": { authorization: "none" } } }),
      HOST,
    );

    expect(env).not.toHaveProperty("AUTHZ_ROUTE_PERMISSIONS");
    expect(env).not.toHaveProperty("ENTRA_ALLOWED_TENANT_IDS");
    expect(env).not.toHaveProperty("ENTRA_ALLOWED_CLIENT_IDS");
    expect(env).not.toHaveProperty("LOG_LEVEL");
    expect(env).toMatchObject({ ENTRA_CLOUD: "public", AUTHZ_TOKEN_CACHE_SECONDS: "300" });
  });

  it("stays within 4 KB for the defaults", () => {
    expect(environmentBytes(authorizerEnvironment({ ...DEFAULT_SETTINGS }, HOST))).toBeLessThan(4096);
  });
});

describe("terraformJsonEncode", () => {
  it("sorts keys and escapes <, >, &, U+2028 and U+2029 as Terraform's jsonencode does", () => {
    expect(terraformJsonEncode({ b: { y: "a<b>&\u2028\u2029é/", x: [2, 1] }, a: null })).toBe(
      '{"a":null,"b":{"x":[2,1],"y":"a\\u003cb\\u003e\\u0026\\u2028\\u2029é/"}}',
    );
  });
});

describe("identitySources", () => {
  const withRules = {
    ...DEFAULT_SETTINGS,
    routes: { "GET /a": { ...ENTRA_ROUTE, scopes: ["a"] }, "GET /b": { ...ENTRA_ROUTE } },
  };

  it("adds the route key whenever route rules exist, in both response modes and with the cache off", () => {
    const both = ["$request.header.Authorization", "$context.routeKey"];

    expect(identitySources(withRules)).toEqual(both);
    expect(identitySources({ ...withRules, authorizerResponseMode: "simple" })).toEqual(both);
    expect(identitySources({ ...withRules, authorizerCacheTtlSeconds: 0 })).toEqual(both);
  });

  it("uses the Authorization header alone without route rules, public routes aside", () => {
    const noRules = {
      ...DEFAULT_SETTINGS,
      routes: { "GET /a": { ...ENTRA_ROUTE }, "GET /b": { ...ENTRA_ROUTE, authorization: "none" as const } },
    };

    expect(identitySources(noRules)).toEqual(["$request.header.Authorization"]);
    expect(identitySources({ ...noRules, authorizerResponseMode: "simple" })).toEqual([
      "$request.header.Authorization",
    ]);
  });
});

describe("checkAuthorizerEnvironment (the authorizer's own loadConfig, in-process)", () => {
  it("refuses what the authorizer refuses, naming the Terraform variable", () => {
    const env = authorizerEnvironment({ ...DEFAULT_SETTINGS }, HOST);

    expect(() => checkAuthorizerEnvironment({ ...env, ENTRA_TENANT_ID: "contoso" })).toThrow(
      /^tenant_id is refused by the authorizer \(ENTRA_TENANT_ID: /,
    );
    expect(() => checkAuthorizerEnvironment(env)).not.toThrow();
  });

  it("refuses a condition that does not compile", () => {
    const env = authorizerEnvironment(
      settings({ routes: { "GET /a": { condition: "claims.tid ==" } } }),
      HOST,
    );

    expect(() => checkAuthorizerEnvironment(env)).toThrow(/^routes is refused by the authorizer/);
  });

  // Needs the new authorizer (clients and CEL conditions in AUTHZ_ROUTE_PERMISSIONS).
  it("accepts route rules with clients and a condition that compiles", () => {
    const env = authorizerEnvironment(
      settings({ routes: { "GET /a": { clients: [CLIENT], condition: `claims.tid == "${TENANT}"` } } }),
      HOST,
    );

    expect(() => checkAuthorizerEnvironment(env)).not.toThrow();
  });
});
