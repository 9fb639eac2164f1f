import { describe, expect, it } from "vitest";
import { loadConfig } from "../../lambda-src/authorizer/config.js";
import { ConfigurationError } from "../../lambda-src/authorizer/errors.js";

const TENANT = "72F988BF-86F1-41AF-91AB-2D7CD011DB47";
const APP = "6e74172b-be56-4843-9ff4-e66a39bb12e3";
const minimal = { ENTRA_TENANT_ID: TENANT, ENTRA_AUDIENCE: `api://${APP}` };

function configError(env: Record<string, string>): ConfigurationError {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigurationError) {
      return error;
    }
    throw error;
  }
  throw new Error("expected a ConfigurationError");
}

describe("loadConfig", () => {
  it("derives issuers, JWKS URI and defaults from the two required variables", () => {
    const config = loadConfig(minimal);

    expect(config.tenantId).toBe(TENANT.toLowerCase());
    expect(config.issuers).toEqual([
      `https://sts.windows.net/${TENANT.toLowerCase()}/`,
      `https://login.microsoftonline.com/${TENANT.toLowerCase()}/v2.0`,
    ]);
    expect(config.jwksUri).toBe(
      `https://login.microsoftonline.com/${TENANT.toLowerCase()}/discovery/v2.0/keys`,
    );
    expect(config.responseMode).toBe("iam");
    expect(config.logLevel).toBe("info");
    expect(config.routePermissions).toBeUndefined();
    expect(Object.isFrozen(config)).toBe(true);
  });

  it("accepts api://<guid> and the bare <guid> for each other, and keeps other audiences as given", () => {
    const config = loadConfig({ ...minimal, ENTRA_AUDIENCE: `api://${APP}, https://contoso.example/api` });

    expect(config.audiences).toEqual([`api://${APP}`, APP, "https://contoso.example/api"]);
    expect(loadConfig({ ...minimal, ENTRA_AUDIENCE: APP }).audiences).toEqual([APP, `api://${APP}`]);
  });

  it("accepts only the issuer forms of the configured token versions", () => {
    const config = loadConfig({ ...minimal, ENTRA_TOKEN_VERSIONS: "2.0" });

    expect(config.tokenVersions).toEqual(["2.0"]);
    expect(config.issuers).toEqual([`https://login.microsoftonline.com/${TENANT.toLowerCase()}/v2.0`]);
  });

  it("uses the sovereign cloud's hosts for issuers and keys", () => {
    const config = loadConfig({ ...minimal, ENTRA_AUTHORITY_HOST: "login.chinacloudapi.cn" });

    expect(config.issuers[0]).toBe(`https://sts.chinacloudapi.cn/${TENANT.toLowerCase()}/`);
    expect(config.issuers[1]).toBe(`https://login.chinacloudapi.cn/${TENANT.toLowerCase()}/v2.0`);
    expect(config.jwksUri).toContain("https://login.chinacloudapi.cn/");
  });

  it("takes an explicit JWKS URI over the derived one", () => {
    const config = loadConfig({ ...minimal, ENTRA_JWKS_URI: "https://127.0.0.1:8443/keys" });

    expect(config.jwksUri).toBe("https://127.0.0.1:8443/keys");
  });

  it("parses route permissions, defaulting missing lists to empty", () => {
    const config = loadConfig({
      ...minimal,
      AUTHZ_ROUTE_PERMISSIONS: JSON.stringify({
        "GET /reports/{id}": { scopes: ["reports.read"] },
        "POST /reports": { roles: ["Reports.Write"] },
        "*": {},
      }),
    });

    expect([...(config.routePermissions ?? new Map())]).toEqual([
      ["GET /reports/{id}", { scopes: ["reports.read"], roles: [] }],
      ["POST /reports", { scopes: [], roles: ["Reports.Write"] }],
      ["*", { scopes: [], roles: [] }],
    ]);
  });

  it.each([
    [{ ENTRA_AUDIENCE: "x" }, "ENTRA_TENANT_ID"],
    [{ ...minimal, ENTRA_TENANT_ID: "contoso.onmicrosoft.com" }, "ENTRA_TENANT_ID"],
    [{ ENTRA_TENANT_ID: TENANT }, "ENTRA_AUDIENCE"],
    [{ ...minimal, ENTRA_AUDIENCE: "a,,b" }, "ENTRA_AUDIENCE"],
    [{ ...minimal, ENTRA_TOKEN_VERSIONS: "2" }, "ENTRA_TOKEN_VERSIONS"],
    [{ ...minimal, ENTRA_AUTHORITY_HOST: "https://login.microsoftonline.com" }, "ENTRA_AUTHORITY_HOST"],
    [{ ...minimal, ENTRA_JWKS_URI: "http://login.microsoftonline.com/keys" }, "ENTRA_JWKS_URI"],
    [{ ...minimal, AUTHZ_RESPONSE_MODE: "allow" }, "AUTHZ_RESPONSE_MODE"],
    [{ ...minimal, LOG_LEVEL: "verbose" }, "LOG_LEVEL"],
    [{ ...minimal, AUTHZ_ROUTE_PERMISSIONS: "{not json" }, "AUTHZ_ROUTE_PERMISSIONS"],
    [{ ...minimal, AUTHZ_ROUTE_PERMISSIONS: '[{"scopes":[]}]' }, "AUTHZ_ROUTE_PERMISSIONS"],
    [{ ...minimal, AUTHZ_ROUTE_PERMISSIONS: '{"/reports":{}}' }, "AUTHZ_ROUTE_PERMISSIONS"],
    [{ ...minimal, AUTHZ_ROUTE_PERMISSIONS: '{"GET /a":{"scope":["x"]}}' }, "AUTHZ_ROUTE_PERMISSIONS"],
    [{ ...minimal, AUTHZ_ROUTE_PERMISSIONS: '{"GET /a":{"scopes":"x"}}' }, "AUTHZ_ROUTE_PERMISSIONS"],
    [{ ...minimal, AUTHZ_ROUTE_PERMISSIONS: '{"GET /a":{"scopes":["x y"]}}' }, "AUTHZ_ROUTE_PERMISSIONS"],
  ])("rejects a bad value and names the variable (%j → %s)", (env, variable) => {
    const error = configError(env);

    expect(error.variable).toBe(variable);
    expect(error.reason).toBe("INVALID_CONFIGURATION");
    expect(error.message.startsWith(`${variable}:`)).toBe(true);
  });
});
