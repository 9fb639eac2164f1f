import { describe, expect, it } from "vitest";
import {
  type AuthorizerConfig,
  CLOUD_HOSTS,
  GUID,
  issuerFor,
  loadConfig,
  readFailSafeSettings,
  type RouteRule,
} from "../../lambda-src/authorizer/config.js";
import { ConfigurationError } from "../../lambda-src/authorizer/errors.js";

const TENANT = "3c9f2a51-7e4d-4b8a-9f10-2d6e8c4b1a73";
const OTHER_TENANT = "f8cdef31-a31e-4b4a-93e4-5f571e91255a";
const THIRD_TENANT = "11111111-2222-3333-4444-555555555555";
const APP = "6e74172b-be56-4843-9ff4-e66a39bb12e3";
const CLIENT = "0c5a1f3e-6b1e-4a43-9c3f-0d3e5b7b1a11";
const MINIMAL = Object.freeze({ ENTRA_TENANT_ID: TENANT, ENTRA_AUDIENCE: `api://${APP}` });

type Env = Record<string, string | undefined>;

function configError(env: Env): ConfigurationError {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigurationError) {
      return error;
    }
    throw error;
  }
  throw new Error(`expected a ConfigurationError for ${JSON.stringify(env)}`);
}

function withRules(rules: unknown): AuthorizerConfig {
  return loadConfig({ ...MINIMAL, AUTHZ_ROUTE_PERMISSIONS: JSON.stringify(rules) });
}

function ruleOf(rules: unknown, routeKey = "GET /a"): RouteRule {
  const rule = withRules(rules).routeRules?.get(routeKey);
  if (rule === undefined) {
    throw new Error(`no rule for ${routeKey}`);
  }
  return rule;
}

function rulesError(rules: unknown): ConfigurationError {
  return configError({
    ...MINIMAL,
    AUTHZ_ROUTE_PERMISSIONS: typeof rules === "string" ? rules : JSON.stringify(rules),
  });
}

describe("loadConfig defaults", () => {
  it("derives issuers, JWKS URI and every default from the two required variables", () => {
    const config = loadConfig(MINIMAL);

    expect(config.tenantId).toBe(TENANT);
    expect(config.tenantIds).toEqual([TENANT]);
    expect(config.audiences).toEqual([`api://${APP}`, APP]);
    expect(config.tokenVersions).toEqual(["1.0", "2.0"]);
    expect(config.cloud).toBe("public");
    expect(config.authorityHost).toBe("login.microsoftonline.com");
    expect(config.v2IssuerHost).toBe("login.microsoftonline.com");
    expect([...config.issuers]).toEqual([
      [`https://sts.windows.net/${TENANT}/`, { tenantId: TENANT, version: "1.0" }],
      [`https://login.microsoftonline.com/${TENANT}/v2.0`, { tenantId: TENANT, version: "2.0" }],
    ]);
    expect(config.jwksUri).toBe(`https://login.microsoftonline.com/${TENANT}/discovery/v2.0/keys`);
    expect(config.allowedClientIds).toBeUndefined();
    expect(config.routeRules).toBeUndefined();
    expect(config.responseMode).toBe("iam");
    expect(config.tokenCacheSeconds).toBe(300);
    expect(config.logLevel).toBe("WARN");
  });

  it("freezes the configuration and its lists", () => {
    const config = loadConfig(MINIMAL);

    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.tenantIds)).toBe(true);
    expect(Object.isFrozen(config.audiences)).toBe(true);
    expect(Object.isFrozen(config.tokenVersions)).toBe(true);
  });

  it("trims values and treats blank variables as unset", () => {
    const config = loadConfig({
      ENTRA_TENANT_ID: `  ${TENANT}  `,
      ENTRA_AUDIENCE: `  api://${APP} ,  other  `,
      ENTRA_CLOUD: "   ",
      ENTRA_AUTHORITY_HOST: " ",
      ENTRA_JWKS_URI: "",
      ENTRA_TOKEN_VERSIONS: "  ",
      ENTRA_ALLOWED_TENANT_IDS: " ",
      ENTRA_ALLOWED_CLIENT_IDS: "",
      AUTHZ_ROUTE_PERMISSIONS: "  ",
      AUTHZ_RESPONSE_MODE: " simple ",
      AUTHZ_TOKEN_CACHE_SECONDS: " 60 ",
      AWS_LAMBDA_LOG_LEVEL: " ",
    });

    expect(config.tenantId).toBe(TENANT);
    expect(config.audiences).toEqual([`api://${APP}`, APP, "other"]);
    expect(config.cloud).toBe("public");
    expect(config.tokenVersions).toEqual(["1.0", "2.0"]);
    expect(config.tenantIds).toEqual([TENANT]);
    expect(config.allowedClientIds).toBeUndefined();
    expect(config.routeRules).toBeUndefined();
    expect(config.responseMode).toBe("simple");
    expect(config.tokenCacheSeconds).toBe(60);
    expect(config.logLevel).toBe("WARN");
  });
});

describe("loadConfig tenant", () => {
  it("lower-cases the tenant ID", () => {
    expect(loadConfig({ ...MINIMAL, ENTRA_TENANT_ID: TENANT.toUpperCase() }).tenantId).toBe(TENANT);
  });

  it.each([[{ ENTRA_AUDIENCE: APP }], [{ ENTRA_AUDIENCE: APP, ENTRA_TENANT_ID: "   " }]])(
    "requires ENTRA_TENANT_ID (%j)",
    (env) => {
      const error = configError(env);

      expect(error.variable).toBe("ENTRA_TENANT_ID");
      expect(error.message).toBe("ENTRA_TENANT_ID: is required");
      expect(error.reason).toBe("INVALID_CONFIGURATION");
      expect(error.name).toBe("ConfigurationError");
    },
  );

  it.each([
    ["contoso.onmicrosoft.com"],
    [`x${TENANT}`],
    [`${TENANT}x`],
    [`{${TENANT}}`],
    [TENANT.replace(/-/g, "")],
    ["9188040-6c67-4c5b-b112-36a304b66dad"],
    ["9188040d0-6c67-4c5b-b112-36a304b66dad"],
    ["9188040d-6c6-4c5b-b112-36a304b66dad"],
    ["9188040d-6c670-4c5b-b112-36a304b66dad"],
    ["9188040d-6c67-4c5-b112-36a304b66dad"],
    ["9188040d-6c67-4c5b0-b112-36a304b66dad"],
    ["9188040d-6c67-4c5b-b11-36a304b66dad"],
    ["9188040d-6c67-4c5b-b1120-36a304b66dad"],
    ["9188040d-6c67-4c5b-b112-36a304b66da"],
    ["3c9f2a51-7e4d-4b8a-9f10-2d6e8c4b1a730"],
    ["9188040g-6c67-4c5b-b112-36a304b66dad"],
    ["9188040d-6c67-4c5b-b112-36a304b66da\u0434"],
  ])("refuses the tenant ID %j, quoting it", (tenant) => {
    const error = configError({ ...MINIMAL, ENTRA_TENANT_ID: tenant });

    expect(error.variable).toBe("ENTRA_TENANT_ID");
    expect(error.message).toBe(
      `ENTRA_TENANT_ID: must be GUIDs such as 00000000-0000-0000-0000-000000000000, not ${JSON.stringify(tenant.toLowerCase())}`,
    );
  });

  it("exports an anchored GUID pattern of lower-case hex", () => {
    expect(GUID.test(TENANT)).toBe(true);
    expect(GUID.test("00000000-0000-0000-0000-000000000000")).toBe(true);
    expect(GUID.test("ffffffff-ffff-ffff-ffff-ffffffffffff")).toBe(true);
    expect(GUID.test(TENANT.toUpperCase())).toBe(false);
    expect(GUID.test(` ${TENANT}`)).toBe(false);
    expect(GUID.test(`${TENANT}\n`)).toBe(false);
  });

  it("adds the allowed tenants' issuers and reads the keys of the common endpoint", () => {
    const config = loadConfig({
      ...MINIMAL,
      ENTRA_ALLOWED_TENANT_IDS: `${OTHER_TENANT.toUpperCase()}, ${THIRD_TENANT}`,
      ENTRA_TOKEN_VERSIONS: "2.0",
    });

    expect(config.tenantIds).toEqual([TENANT, OTHER_TENANT, THIRD_TENANT]);
    expect([...config.issuers]).toEqual([
      [`https://login.microsoftonline.com/${TENANT}/v2.0`, { tenantId: TENANT, version: "2.0" }],
      [`https://login.microsoftonline.com/${OTHER_TENANT}/v2.0`, { tenantId: OTHER_TENANT, version: "2.0" }],
      [`https://login.microsoftonline.com/${THIRD_TENANT}/v2.0`, { tenantId: THIRD_TENANT, version: "2.0" }],
    ]);
    expect(config.jwksUri).toBe("https://login.microsoftonline.com/common/discovery/v2.0/keys");
  });

  it("stays single-tenant when the allowed list only repeats the home tenant", () => {
    const config = loadConfig({ ...MINIMAL, ENTRA_ALLOWED_TENANT_IDS: `${TENANT},${TENANT.toUpperCase()}` });

    expect(config.tenantIds).toEqual([TENANT]);
    expect(config.jwksUri).toBe(`https://login.microsoftonline.com/${TENANT}/discovery/v2.0/keys`);
  });

  it.each([["not-a-guid"], [`${OTHER_TENANT},common`]])("refuses the allowed tenants %j", (value) => {
    const error = configError({ ...MINIMAL, ENTRA_ALLOWED_TENANT_IDS: value });

    expect(error.variable).toBe("ENTRA_ALLOWED_TENANT_IDS");
    expect(error.message).toMatch(/^ENTRA_ALLOWED_TENANT_IDS: must be GUIDs such as /);
  });

  it("refuses an empty item in a list", () => {
    const error = configError({ ...MINIMAL, ENTRA_ALLOWED_TENANT_IDS: `${OTHER_TENANT},,${THIRD_TENANT}` });

    expect(error.variable).toBe("ENTRA_ALLOWED_TENANT_IDS");
    expect(error.message).toBe(
      "ENTRA_ALLOWED_TENANT_IDS: must be a comma-separated list without empty items",
    );
  });
});

describe("loadConfig audiences", () => {
  it.each([
    [`api://${APP}`, [`api://${APP}`, APP]],
    [APP, [APP, `api://${APP}`]],
    [`${APP},api://${APP}`, [APP, `api://${APP}`]],
    ["api://not-a-guid", ["api://not-a-guid"]],
    [`api://${APP}x`, [`api://${APP}x`]],
    [`api://x${APP}`, [`api://x${APP}`]],
    [`x${APP}`, [`x${APP}`]],
    [`spn://${APP}`, [`spn://${APP}`]],
    [`https://contoso.example/${APP}`, [`https://contoso.example/${APP}`]],
    [`${APP}/api://`, [`${APP}/api://`]],
    ["https://contoso.example/api, other", ["https://contoso.example/api", "other"]],
    ["a".repeat(256), ["a".repeat(256)]],
  ])("accepts %j as the audiences %j", (value, audiences) => {
    expect(loadConfig({ ...MINIMAL, ENTRA_AUDIENCE: value }).audiences).toEqual(audiences);
  });

  it("expands a GUID audience given in upper case into the lower-case spelling Entra writes", () => {
    expect(loadConfig({ ...MINIMAL, ENTRA_AUDIENCE: APP.toUpperCase() }).audiences).toContain(`api://${APP}`);
    expect(loadConfig({ ...MINIMAL, ENTRA_AUDIENCE: `API://${APP.toUpperCase()}` }).audiences).toContain(APP);
  });

  // Entra writes GUIDs in lower case; a GUID typed in upper case must still match v1 and v2 tokens.
  it("accepts both lower-case spellings of a GUID audience given in upper case", () => {
    expect(loadConfig({ ...MINIMAL, ENTRA_AUDIENCE: APP.toUpperCase() }).audiences).toEqual(
      expect.arrayContaining([APP, `api://${APP}`]),
    );
    expect(loadConfig({ ...MINIMAL, ENTRA_AUDIENCE: `API://${APP.toUpperCase()}` }).audiences).toEqual(
      expect.arrayContaining([APP, `api://${APP}`]),
    );
  });

  it("requires ENTRA_AUDIENCE", () => {
    const error = configError({ ENTRA_TENANT_ID: TENANT });

    expect(error.variable).toBe("ENTRA_AUDIENCE");
    expect(error.message).toBe("ENTRA_AUDIENCE: is required");
  });

  it.each([["a b"], ["a".repeat(257)], [`${APP},two words`]])("refuses the audience %j", (value) => {
    const error = configError({ ...MINIMAL, ENTRA_AUDIENCE: value });

    expect(error.variable).toBe("ENTRA_AUDIENCE");
    expect(error.message).toBe("ENTRA_AUDIENCE: each audience must be 1 to 256 characters without spaces");
  });

  it.each([[`${APP},`], [`${APP}, ,other`], [","]])("refuses the empty audience in %j", (value) => {
    const error = configError({ ...MINIMAL, ENTRA_AUDIENCE: value });

    expect(error.variable).toBe("ENTRA_AUDIENCE");
    expect(error.message).toBe("ENTRA_AUDIENCE: each audience must be 1 to 256 characters without spaces");
  });
});

describe("loadConfig token versions", () => {
  it.each([
    ["2.0", ["2.0"], [`https://login.microsoftonline.com/${TENANT}/v2.0`]],
    ["1.0", ["1.0"], [`https://sts.windows.net/${TENANT}/`]],
    [
      "2.0,1.0",
      ["2.0", "1.0"],
      [`https://login.microsoftonline.com/${TENANT}/v2.0`, `https://sts.windows.net/${TENANT}/`],
    ],
    ["2.0, 2.0", ["2.0"], [`https://login.microsoftonline.com/${TENANT}/v2.0`]],
  ])("reads %j as %j with only those issuers", (value, versions, issuers) => {
    const config = loadConfig({ ...MINIMAL, ENTRA_TOKEN_VERSIONS: value });

    expect(config.tokenVersions).toEqual(versions);
    expect([...config.issuers.keys()]).toEqual(issuers);
  });

  it.each([["2"], ["v2.0"], ["1.0,3.0"], ["2.0,1"]])("refuses %j", (value) => {
    const error = configError({ ...MINIMAL, ENTRA_TOKEN_VERSIONS: value });

    expect(error.variable).toBe("ENTRA_TOKEN_VERSIONS");
    expect(error.message).toBe("ENTRA_TOKEN_VERSIONS: must be 1.0, 2.0 or 1.0,2.0");
  });
});

describe("loadConfig clouds and hosts", () => {
  it.each([
    ["public", "login.microsoftonline.com", "login.microsoftonline.com", "sts.windows.net"],
    ["usgov", "login.microsoftonline.us", "login.microsoftonline.us", "sts.windows.net"],
    ["china", "login.chinacloudapi.cn", "login.partner.microsoftonline.cn", "sts.chinacloudapi.cn"],
  ] as const)("uses the %s cloud's hosts for issuers and keys", (cloud, authority, v2Issuer, v1Issuer) => {
    const config = loadConfig({ ...MINIMAL, ENTRA_CLOUD: cloud });

    expect(config.cloud).toBe(cloud);
    expect(config.authorityHost).toBe(authority);
    expect(config.v2IssuerHost).toBe(v2Issuer);
    expect([...config.issuers.keys()]).toEqual([
      `https://${v1Issuer}/${TENANT}/`,
      `https://${v2Issuer}/${TENANT}/v2.0`,
    ]);
    expect(config.jwksUri).toBe(`https://${authority}/${TENANT}/discovery/v2.0/keys`);
    expect(CLOUD_HOSTS[cloud]).toEqual({
      authorityHost: authority,
      v2IssuerHost: v2Issuer,
      v1IssuerHost: v1Issuer,
    });
  });

  it("freezes the cloud table", () => {
    expect(Object.isFrozen(CLOUD_HOSTS)).toBe(true);
    expect(Object.keys(CLOUD_HOSTS)).toEqual(["public", "usgov", "china"]);
  });

  it.each([["China"], ["azure"], ["global"]])("refuses the cloud %j", (cloud) => {
    const error = configError({ ...MINIMAL, ENTRA_CLOUD: cloud });

    expect(error.variable).toBe("ENTRA_CLOUD");
    expect(error.message).toBe("ENTRA_CLOUD: must be one of public, usgov, china");
  });

  it("lets an authority host override the authority and the v2 issuer host, but not the v1 issuer host", () => {
    const config = loadConfig({ ...MINIMAL, ENTRA_CLOUD: "china", ENTRA_AUTHORITY_HOST: "127.0.0.1:8443" });

    expect(config.authorityHost).toBe("127.0.0.1:8443");
    expect(config.v2IssuerHost).toBe("127.0.0.1:8443");
    expect([...config.issuers.keys()]).toEqual([
      `https://sts.chinacloudapi.cn/${TENANT}/`,
      `https://127.0.0.1:8443/${TENANT}/v2.0`,
    ]);
    expect(config.jwksUri).toBe(`https://127.0.0.1:8443/${TENANT}/discovery/v2.0/keys`);
  });

  it.each([
    ["LOGIN.Example.COM", "login.example.com"],
    ["localhost", "localhost"],
    ["a", "a"],
    ["a.b", "a.b"],
    ["a-b.c-d", "a-b.c-d"],
    ["xn--bcher-kva.example", "xn--bcher-kva.example"],
    ["a1.b2.c3:1", "a1.b2.c3:1"],
    ["host:65535", "host:65535"],
    ["0.9.z", "0.9.z"],
    [`${"a".repeat(63)}.${"b".repeat(63)}`, `${"a".repeat(63)}.${"b".repeat(63)}`],
    [`a${"-".repeat(61)}z.a${"-".repeat(61)}z`, `a${"-".repeat(61)}z.a${"-".repeat(61)}z`],
  ])("accepts the authority host %j as %j", (host, expected) => {
    expect(loadConfig({ ...MINIMAL, ENTRA_AUTHORITY_HOST: host }).authorityHost).toBe(expected);
  });

  it.each([
    ["https://login.microsoftonline.com"],
    ["login.microsoftonline.com/tenant"],
    ["-login.example"],
    ["login-.example"],
    ["login.-example"],
    ["login.example-"],
    ["login..example"],
    [".login.example"],
    ["login.example."],
    ["login_example.com"],
    ["host:"],
    ["host:123456"],
    ["host:80a"],
    [":443"],
    ["host name"],
    [`${"a".repeat(64)}.example`],
    [`example.${"b".repeat(64)}`],
    ["user@host"],
    ["h\u00f6st"],
  ])("refuses the authority host %j", (host) => {
    const error = configError({ ...MINIMAL, ENTRA_AUTHORITY_HOST: host });

    expect(error.variable).toBe("ENTRA_AUTHORITY_HOST");
    expect(error.message).toBe("ENTRA_AUTHORITY_HOST: must be a host name such as login.microsoftonline.com");
  });

  // An out-of-range port must be blamed on the variable that holds it, not on the JWKS URL derived from it.
  it.each([["127.0.0.1:0"], ["127.0.0.1:65536"], ["127.0.0.1:99999"]])(
    "names ENTRA_AUTHORITY_HOST when its port is out of range: %s",
    (host) => {
      const error = configError({ ...MINIMAL, ENTRA_AUTHORITY_HOST: host });

      expect(error.variable).toBe("ENTRA_AUTHORITY_HOST");
    },
  );

  it("takes an explicit JWKS URI over the derived one", () => {
    const config = loadConfig({ ...MINIMAL, ENTRA_JWKS_URI: "https://127.0.0.1:8443/keys" });

    expect(config.jwksUri).toBe("https://127.0.0.1:8443/keys");
  });

  it.each([
    ["http://login.microsoftonline.com/keys"],
    ["not a url"],
    ["login.microsoftonline.com/keys"],
    ["file:///keys"],
  ])("refuses the JWKS URI %j", (uri) => {
    const error = configError({ ...MINIMAL, ENTRA_JWKS_URI: uri });

    expect(error.variable).toBe("ENTRA_JWKS_URI");
    expect(error.message).toBe("ENTRA_JWKS_URI: must be an https:// URL");
  });
});

describe("issuerFor", () => {
  it("writes Entra's two issuer forms", () => {
    expect(issuerFor("2.0", TENANT, "login.example")).toBe(`https://login.example/${TENANT}/v2.0`);
    expect(issuerFor("1.0", TENANT, "sts.example")).toBe(`https://sts.example/${TENANT}/`);
  });
});

describe("loadConfig allowed clients", () => {
  it("reads a set of lower-cased client IDs", () => {
    const config = loadConfig({ ...MINIMAL, ENTRA_ALLOWED_CLIENT_IDS: `${CLIENT.toUpperCase()}, ${APP}` });

    expect(config.allowedClientIds).toEqual(new Set([CLIENT, APP]));
  });

  it("refuses a client ID that is not a GUID", () => {
    const error = configError({ ...MINIMAL, ENTRA_ALLOWED_CLIENT_IDS: `${CLIENT},my-app` });

    expect(error.variable).toBe("ENTRA_ALLOWED_CLIENT_IDS");
    expect(error.message).toBe(
      'ENTRA_ALLOWED_CLIENT_IDS: must be GUIDs such as 00000000-0000-0000-0000-000000000000, not "my-app"',
    );
  });
});

describe("loadConfig response mode, token cache and log level", () => {
  it.each([
    ["iam", "iam"],
    ["simple", "simple"],
  ])("reads the response mode %j", (value, mode) => {
    expect(loadConfig({ ...MINIMAL, AUTHZ_RESPONSE_MODE: value }).responseMode).toBe(mode);
  });

  it.each([["allow"], ["IAM"], ["SIMPLE"]])("refuses the response mode %j", (value) => {
    const error = configError({ ...MINIMAL, AUTHZ_RESPONSE_MODE: value });

    expect(error.variable).toBe("AUTHZ_RESPONSE_MODE");
    expect(error.message).toBe("AUTHZ_RESPONSE_MODE: must be one of iam, simple");
  });

  it.each([
    ["0", 0],
    ["1", 1],
    ["3600", 3600],
    ["00060", 60],
  ])("reads the token cache seconds %j as %i (0 disables the cache)", (value, seconds) => {
    expect(loadConfig({ ...MINIMAL, AUTHZ_TOKEN_CACHE_SECONDS: value }).tokenCacheSeconds).toBe(seconds);
  });

  it.each([
    ["3601"],
    ["99999"],
    ["000060"],
    ["-1"],
    ["1.5"],
    ["1e3"],
    ["sixty"],
    ["60s"],
    ["0x10"],
    ["Infinity"],
  ])("refuses the token cache seconds %j", (value) => {
    const error = configError({ ...MINIMAL, AUTHZ_TOKEN_CACHE_SECONDS: value });

    expect(error.variable).toBe("AUTHZ_TOKEN_CACHE_SECONDS");
    expect(error.message).toBe("AUTHZ_TOKEN_CACHE_SECONDS: must be a whole number of seconds from 0 to 3600");
  });

  it.each([
    ["TRACE", "TRACE"],
    ["debug", "DEBUG"],
    ["Info", "INFO"],
    ["WARN", "WARN"],
    ["error", "ERROR"],
    ["FATAL", "FATAL"],
  ])("reads AWS_LAMBDA_LOG_LEVEL %j as %s", (value, level) => {
    expect(loadConfig({ ...MINIMAL, AWS_LAMBDA_LOG_LEVEL: value }).logLevel).toBe(level);
  });

  it("ignores the retired LOG_LEVEL", () => {
    expect(loadConfig({ ...MINIMAL, LOG_LEVEL: "verbose" }).logLevel).toBe("WARN");
  });

  it("refuses an unknown AWS_LAMBDA_LOG_LEVEL", () => {
    const error = configError({ ...MINIMAL, AWS_LAMBDA_LOG_LEVEL: "verbose" });

    expect(error.variable).toBe("AWS_LAMBDA_LOG_LEVEL");
    expect(error.message).toBe("AWS_LAMBDA_LOG_LEVEL: must be one of TRACE, DEBUG, INFO, WARN, ERROR, FATAL");
  });
});

describe("loadConfig route rules", () => {
  it("reads each rule part, lower-casing client IDs, and freezes the rules", () => {
    const rule = ruleOf({
      "GET /a": {
        scopes: ["Files.Read", "b"],
        roles: ["Admin"],
        clients: [CLIENT.toUpperCase()],
        condition: 'claims.tid == "x"',
      },
    });

    expect(rule.scopes).toEqual(["Files.Read", "b"]);
    expect(rule.roles).toEqual(["Admin"]);
    expect(rule.clients).toEqual([CLIENT]);
    expect(rule.condition?.source).toBe('claims.tid == "x"');
    expect(rule.condition?.evaluate({ tid: "x" })).toBe(true);
    expect(Object.isFrozen(rule)).toBe(true);
    expect(Object.isFrozen(rule.scopes)).toBe(true);
    expect(Object.isFrozen(rule.roles)).toBe(true);
    expect(Object.isFrozen(rule.clients)).toBe(true);
  });

  it.each([
    ["absent", {}],
    ["null", { scopes: null, roles: null, clients: null, condition: null }],
    ["[]", { scopes: [], roles: [], clients: [] }],
  ])("treats %s parts alike: no scopes, roles, clients or condition", (_, entry) => {
    const rule = ruleOf({ "GET /a": entry });

    expect(rule).toEqual({ scopes: [], roles: [], clients: [], condition: undefined });
    expect(Object.isFrozen(rule.scopes)).toBe(true);
    expect(Object.isFrozen(rule.clients)).toBe(true);
  });

  it("keeps the rules in their order, under their keys", () => {
    const config = withRules({ "POST /b": { roles: ["W"] }, "*": {}, $default: { scopes: ["s"] } });

    expect([...(config.routeRules?.keys() ?? [])]).toEqual(["POST /b", "*", "$default"]);
  });

  it.each([["{}"], ["  {}  "]])("reads %j as no route rules", (value) => {
    expect(loadConfig({ ...MINIMAL, AUTHZ_ROUTE_PERMISSIONS: value }).routeRules).toBeUndefined();
  });

  it.each([
    ["*"],
    ["$default"],
    ["ANY /x"],
    ["GET /"],
    ["POST /items"],
    ["PUT /items/{id}"],
    ["PATCH /a/b"],
    ["DELETE /{proxy+}"],
    ["HEAD /h"],
    ["OPTIONS /o"],
  ])("accepts the route key %j", (routeKey) => {
    expect(withRules({ [routeKey]: {} }).routeRules?.has(routeKey)).toBe(true);
  });

  it.each([
    ["/reports"],
    ["GET"],
    ["GET "],
    ["GET reports"],
    ["GET  /a"],
    ["GET /a b"],
    ["GET /a "],
    ["GET /a\n"],
    ["get /a"],
    ["TRACE /a"],
    ["CONNECT /a"],
    [" GET /a"],
    ["XGET /a"],
    ["$default x"],
    ["x$default"],
    ["$DEFAULT"],
    ["**"],
    ["* "],
    ["x*"],
    [""],
  ])("refuses the route key %j", (routeKey) => {
    const error = rulesError({ [routeKey]: {} });

    expect(error.variable).toBe("AUTHZ_ROUTE_PERMISSIONS");
    expect(error.message).toBe(
      `AUTHZ_ROUTE_PERMISSIONS: route key ${JSON.stringify(routeKey)} must look like "GET /path", "$default" or "*"`,
    );
  });

  it("refuses text that is not JSON, passing the parser's error on", () => {
    const error = rulesError("{not json");

    expect(error.variable).toBe("AUTHZ_ROUTE_PERMISSIONS");
    expect(error.message).toBe("AUTHZ_ROUTE_PERMISSIONS: must be a JSON object");
    expect(error.cause).toBeInstanceOf(SyntaxError);
  });

  it.each([["[]"], ["null"], ['"GET /a"'], ["42"], ['[{"scopes":[]}]']])(
    "refuses the JSON %s that is not an object",
    (value) => {
      const error = rulesError(value);

      expect(error.variable).toBe("AUTHZ_ROUTE_PERMISSIONS");
      expect(error.message).toBe(
        "AUTHZ_ROUTE_PERMISSIONS: must be a JSON object of route key → { scopes, roles, clients, condition }",
      );
    },
  );

  it.each([
    ["null", null],
    ["an array", [["scopes"]]],
    ["a string", "scopes"],
    ["an unknown part", { scope: ["x"] }],
    ["a known and an unknown part", { scopes: ["x"], methods: ["GET"] }],
  ])("refuses a rule that is %s", (_, entry) => {
    const error = rulesError({ "GET /a": entry });

    expect(error.variable).toBe("AUTHZ_ROUTE_PERMISSIONS");
    expect(error.message).toBe(
      'AUTHZ_ROUTE_PERMISSIONS: rule for "GET /a" must be an object with only scopes, roles, clients and condition',
    );
  });

  it.each([
    ["scopes as a string", { scopes: "x" }],
    ["scopes with a number", { scopes: ["x", 1] }],
    ["scopes with a space", { scopes: ["x y"] }],
    ["scopes with an empty name", { scopes: [""] }],
    ["scopes with a 257-character name", { scopes: ["s".repeat(257)] }],
    ["roles as an object", { roles: { a: 1 } }],
    ["roles with null", { roles: [null] }],
    ["roles with a tab", { roles: ["a\tb"] }],
  ])("refuses %s", (_, entry) => {
    const error = rulesError({ "GET /a": entry });

    expect(error.variable).toBe("AUTHZ_ROUTE_PERMISSIONS");
    expect(error.message).toBe(
      'AUTHZ_ROUTE_PERMISSIONS: scopes and roles of "GET /a" must be lists of names without spaces',
    );
  });

  it("accepts names of 1 and 256 characters", () => {
    const rule = ruleOf({ "GET /a": { scopes: ["s".repeat(256)], roles: ["r"] } });

    expect(rule.scopes).toEqual(["s".repeat(256)]);
    expect(rule.roles).toEqual(["r"]);
  });

  it.each([
    ["a name", { clients: ["my-app"] }],
    ["a string", { clients: CLIENT }],
    ["a number", { clients: [CLIENT, 7] }],
    ["a GUID with a suffix", { clients: [`${CLIENT}0`] }],
  ])("refuses clients that are %s", (_, entry) => {
    const error = rulesError({ "GET /a": entry });

    expect(error.variable).toBe("AUTHZ_ROUTE_PERMISSIONS");
    expect(error.message).toBe(
      'AUTHZ_ROUTE_PERMISSIONS: clients of "GET /a" must be a list of client IDs (GUIDs)',
    );
  });

  it.each([
    ["an empty string", ""],
    ["a blank string", "   "],
    ["a number", 1],
    ["a boolean", true],
    ["a list", ["claims.x == 1"]],
  ])("refuses a condition that is %s", (_, condition) => {
    const error = rulesError({ "GET /a": { condition } });

    expect(error.variable).toBe("AUTHZ_ROUTE_PERMISSIONS");
    expect(error.message).toBe('AUTHZ_ROUTE_PERMISSIONS: condition of "GET /a" must be a non-empty string');
  });

  it.each([
    ["claims.tid", "has type dyn, not bool"],
    ["1 + 1", "has type int, not bool"],
    ["unknown == 1", "Unknown variable: unknown"],
    ['claims.tid.matches("^a")', "calls matches(), which is not allowed"],
    ["claims.tid ==", "Unexpected token"],
  ])(
    "refuses the condition %j, which does not compile to bool, with the compiler's reason",
    (condition, reason) => {
      const error = rulesError({ "GET /a": { condition } });

      expect(error.variable).toBe("AUTHZ_ROUTE_PERMISSIONS");
      expect(error.message).toContain(
        `AUTHZ_ROUTE_PERMISSIONS: condition of "GET /a" is not a CEL expression of type bool: ${reason}`,
      );
      expect(error.cause).toBeInstanceOf(Error);
      expect(error.message).toContain((error.cause as Error).message);
    },
  );
});

describe("readFailSafeSettings", () => {
  it.each([
    [{}, "iam", "WARN"],
    [{ AUTHZ_RESPONSE_MODE: "simple", AWS_LAMBDA_LOG_LEVEL: "debug" }, "simple", "DEBUG"],
    [{ AUTHZ_RESPONSE_MODE: " simple ", AWS_LAMBDA_LOG_LEVEL: "ERROR" }, "simple", "ERROR"],
    [{ AUTHZ_RESPONSE_MODE: "  ", AWS_LAMBDA_LOG_LEVEL: "  " }, "iam", "WARN"],
    [{ AUTHZ_RESPONSE_MODE: "iam", AWS_LAMBDA_LOG_LEVEL: "verbose" }, "iam", "WARN"],
    [{ AUTHZ_RESPONSE_MODE: "allow" }, undefined, "WARN"],
  ])("reads %j as %s mode at %s, whatever else is wrong", (env, responseMode, logLevel) => {
    expect(readFailSafeSettings({ ENTRA_TENANT_ID: "broken", ...env })).toEqual({ responseMode, logLevel });
  });
});

describe("ConfigurationError", () => {
  it("names the variable, prefixes the message with it, and keeps the cause", () => {
    const cause = new Error("inner");

    const error = new ConfigurationError("SOME_VARIABLE", "is wrong", { cause });

    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe("ConfigurationError");
    expect(error.variable).toBe("SOME_VARIABLE");
    expect(error.message).toBe("SOME_VARIABLE: is wrong");
    expect(error.reason).toBe("INVALID_CONFIGURATION");
    expect(error.cause).toBe(cause);
  });
});
