import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LambdaSandbox } from "../../local/lambda/lambda-sandbox.js";
import {
  APP_ID,
  decisionOf,
  effectFor,
  forgeToken,
  type Harness,
  requestEvent,
  STAGE_ARN,
  startHarness,
} from "./harness.js";

let harness: Harness;

beforeAll(async () => {
  harness = await startHarness();
});

afterAll(async () => {
  await harness?.close();
});

function startupLines(authorizer: LambdaSandbox) {
  return authorizer.logs
    .filter((line) => line.includes("invalid configuration"))
    .map((line) => JSON.parse(line));
}

describe("a misconfigured authorizer", () => {
  it.each([
    [{ ENTRA_TENANT_ID: undefined }, "ENTRA_TENANT_ID"],
    [{ ENTRA_AUDIENCE: "" }, "ENTRA_AUDIENCE"],
    [{ AUTHZ_ROUTE_PERMISSIONS: '{"GET /auth": {"scopes": "api.read"}}' }, "AUTHZ_ROUTE_PERMISSIONS"],
    [{ ENTRA_JWKS_URI: "http://127.0.0.1/keys" }, "ENTRA_JWKS_URI"],
  ])(
    "fails every request without an answer and names the variable once at start-up (%j)",
    async (env, variable) => {
      const authorizer = await harness.authorizer(env);

      const first = await authorizer.invoke(requestEvent(`Bearer ${forgeToken(harness.issuer)}`));
      const second = await authorizer.invoke(requestEvent(`Bearer ${forgeToken(harness.issuer)}`));

      for (const result of [first, second]) {
        // A function error: API Gateway answers 500 and caches nothing, so a fixed configuration applies at once.
        expect(result.result).toBeUndefined();
        expect(result.error).toEqual({
          errorType: "UncachedRefusalError",
          errorMessage: "INVALID_CONFIGURATION: refused without an answer, so that nothing is cached",
        });
        expect(decisionOf(result)).toMatchObject({
          decision: "deny",
          reason: "INVALID_CONFIGURATION",
          detail: variable,
        });
      }
      expect(startupLines(authorizer)).toEqual([expect.objectContaining({ level: "ERROR", variable })]);
    },
  );

  it("answers an unreadable event in a shape both response modes read as a refusal when the mode itself is unreadable", async () => {
    const authorizer = await harness.authorizer({ AUTHZ_RESPONSE_MODE: "allow-all" });

    const result = await authorizer.invoke({ version: "2.0", type: "REQUEST" });

    expect(result.result).toMatchObject({ isAuthorized: false });
    expect(effectFor(result, `${STAGE_ARN}/GET/auth`)).toBe("Deny");
  });
});

describe("the simple response mode", () => {
  it("answers isAuthorized with the caller's context, and false for a bad token", async () => {
    const authorizer = await harness.authorizer({ AUTHZ_RESPONSE_MODE: "simple" });

    const allowed = await authorizer.invoke(requestEvent(`Bearer ${forgeToken(harness.issuer)}`));
    const denied = await authorizer.invoke(requestEvent("Bearer abc.def.ghi"));

    expect(allowed.result).toMatchObject({
      isAuthorized: true,
      context: { scopes: "api.read", tokenVersion: "2.0" },
    });
    expect(denied.result).toEqual({ isAuthorized: false });
  });
});

describe("per-route permissions", () => {
  const permissions = {
    "GET /reports/{id}": { scopes: ["reports.read"] },
    "POST /reports": { roles: ["Reports.Write"], condition: 'has(claims.idtyp) && claims.idtyp == "app"' },
    "GET /health": {},
  };
  let authorizer: LambdaSandbox;

  beforeAll(async () => {
    authorizer = await harness.authorizer({ AUTHZ_ROUTE_PERMISSIONS: JSON.stringify(permissions) });
  });

  it("allows a scope-protected route to a user holding the scope, naming that route only", async () => {
    const token = forgeToken(harness.issuer, { claims: { scopes: ["reports.read"] } });

    const result = await authorizer.invoke(
      requestEvent(`Bearer ${token}`, "GET /reports/{id}", "/reports/42"),
    );

    expect(decisionOf(result)).toMatchObject({ decision: "allow", route: "GET /reports/{id}" });
    expect(effectFor(result, `${STAGE_ARN}/GET/reports/42`)).toBe("Allow");
    expect(effectFor(result, `${STAGE_ARN}/GET/health`)).toBe("Deny");
    expect(effectFor(result, `${STAGE_ARN}/POST/reports`)).toBe("Deny");
  });

  it("evaluates a CEL condition with the library the layer ships, and refuses on the whole stage", async () => {
    const app = forgeToken(harness.issuer, {
      claims: { kind: "app", scopes: undefined, roles: ["Reports.Write"] },
    });
    const user = forgeToken(harness.issuer, { claims: { roles: ["Reports.Write"] } });

    const write = await authorizer.invoke(requestEvent(`Bearer ${app}`, "POST /reports", "/reports"));
    const refused = await authorizer.invoke(requestEvent(`Bearer ${user}`, "POST /reports", "/reports"));

    expect(decisionOf(write).decision).toBe("allow");
    expect(decisionOf(refused)).toMatchObject({ decision: "deny", reason: "CONDITION_NOT_MET" });
    expect(effectFor(refused, `${STAGE_ARN}/POST/reports`)).toBe("Deny");
    expect(effectFor(refused, `${STAGE_ARN}/GET/health`)).toBe("Deny");
    expect((refused.result as { context?: unknown }).context).toBeUndefined();
  });

  it("refuses a route the map does not list", async () => {
    const result = await authorizer.invoke(
      requestEvent(`Bearer ${forgeToken(harness.issuer)}`, "GET /other", "/other"),
    );

    expect(decisionOf(result)).toMatchObject({ decision: "deny", reason: "ROUTE_NOT_CONFIGURED" });
    expect(effectFor(result, `${STAGE_ARN}/GET/other`)).toBe("Deny");
  });

  it("fails, logging the fix at ERROR, when the identity sources lack the route, whose answer would be replayed for others", async () => {
    const token = forgeToken(harness.issuer, { claims: { scopes: ["reports.read"] } });
    // As an authorizer created by other tooling would be called: cached under the token alone.
    const tokenOnly = {
      ...requestEvent(`Bearer ${token}`, "GET /reports/{id}", "/reports/42"),
      identitySource: [`Bearer ${token}`],
    };

    const result = await authorizer.invoke(tokenOnly);

    expect(result.result).toBeUndefined();
    expect(result.error?.errorType).toBe("UncachedRefusalError");
    expect(decisionOf(result)).toMatchObject({ decision: "deny", reason: "CACHE_KEY_WITHOUT_ROUTE" });
    expect(decisionOf(result).detail).toContain("$context.routeKey");
    expect(
      JSON.parse(result.logs.find((line) => line.includes("CACHE_KEY_WITHOUT_ROUTE")) ?? "{}"),
    ).toMatchObject({
      level: "ERROR",
    });
  });

  it("refuses every request when a condition does not compile, naming the route at start-up", async () => {
    const broken = await harness.authorizer({
      AUTHZ_ROUTE_PERMISSIONS: JSON.stringify({ "GET /auth": { condition: "claims.tid" } }),
    });

    const result = await broken.invoke(requestEvent(`Bearer ${forgeToken(harness.issuer)}`));

    expect(result.error?.errorType).toBe("UncachedRefusalError");
    expect(decisionOf(result)).toMatchObject({ decision: "deny", reason: "INVALID_CONFIGURATION" });
    expect(startupLines(broken)).toEqual([
      expect.objectContaining({
        variable: "AUTHZ_ROUTE_PERMISSIONS",
        problem: expect.stringContaining("not bool"),
      }),
    ]);
  });
});

describe("event and token forms", () => {
  it("authorizes a payload format 1.0 event from its methodArn", async () => {
    const authorizer = await harness.authorizer();
    const event = {
      version: "1.0",
      type: "REQUEST",
      methodArn: `${STAGE_ARN}/GET/auth`,
      identitySource: "Bearer x,GET /auth",
      resource: "/auth",
      path: "/auth",
      httpMethod: "GET",
      headers: { Authorization: `Bearer ${forgeToken(harness.issuer)}` },
      requestContext: { routeKey: "GET /auth" },
    };

    const result = await authorizer.invoke(event);

    expect(decisionOf(result).decision).toBe("allow");
    expect(effectFor(result, `${STAGE_ARN}/GET/auth`)).toBe("Allow");
  });

  it("accepts only the configured token versions", async () => {
    const authorizer = await harness.authorizer({ ENTRA_TOKEN_VERSIONS: "2.0" });
    const v1 = harness.issuer.issueToken({
      version: "1.0",
      kind: "user",
      audience: `api://${APP_ID}`,
      scopes: ["a"],
    });

    const result = await authorizer.invoke(requestEvent(`Bearer ${v1}`));

    expect(decisionOf(result)).toMatchObject({ decision: "deny", reason: "INVALID_ISSUER" });
  });
});
