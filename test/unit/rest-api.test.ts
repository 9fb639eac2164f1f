/**
 * The authorizer in front of a REST API, in-process: AWS's documented TOKEN and REQUEST events, 401 by
 * "Unauthorized" for a token that proves nothing, a Deny (403) for a verified token without the right,
 * policies cached under the token that are right for every method, usage plans per client app.
 */
import { describe, expect, it } from "vitest";
import { UnauthorizedError, UncachedRefusalError } from "../../lambda-src/authorizer/errors.js";
import { createSigningKey } from "../../local/entra/entra-tokens.js";
import { evaluatePolicy } from "../support/iam-policy.js";
import {
  bearer,
  CLIENT_ID,
  event,
  type InProcessAuthorizer,
  inProcessAuthorizer,
  keySetEndpoint,
  REST_STAGE_ARN,
  restRequestEvent,
  restTokenEvent,
  TENANT,
  userToken,
} from "../support/in-process.js";

interface RestAnswer {
  principalId: string;
  policyDocument: { Statement: { Effect: string; Resource: string | string[] }[] };
  context: Record<string, unknown>;
  usageIdentifierKey?: string;
}

async function ask(authorizer: InProcessAuthorizer, request: unknown): Promise<RestAnswer> {
  return (await authorizer.authorize(request)) as unknown as RestAnswer;
}

async function failure(authorizer: InProcessAuthorizer, request: unknown): Promise<unknown> {
  return authorizer.authorize(request).then(
    (answer) => {
      throw new Error(`expected the invocation to fail, got ${JSON.stringify(answer)}`);
    },
    (error: unknown) => error,
  );
}

function effect(answer: RestAnswer, method: string, path: string): string {
  return evaluatePolicy(answer.policyDocument, `${REST_STAGE_ARN}/${method}${path}`);
}

const lastDecision = (authorizer: InProcessAuthorizer) => authorizer.decisions().at(-1);

describe("a REST API TOKEN authorizer with no route rules", () => {
  it("allows a token on every method, with the caller as principal and flat string context", async () => {
    const authorizer = await inProcessAuthorizer();
    const token = userToken({ extra: { oid: "11111111-2222-3333-4444-555555555555" } });

    const answer = await ask(authorizer, restTokenEvent(bearer(token), "GET", "/items/1"));

    expect(answer.principalId).toBe("11111111-2222-3333-4444-555555555555");
    expect(answer.policyDocument.Statement).toEqual([
      { Action: "execute-api:Invoke", Effect: "Allow", Resource: `${REST_STAGE_ARN}/*` },
    ]);
    expect(answer.context).toMatchObject({ tid: TENANT, clientId: CLIENT_ID, scopes: "api.read" });
    expect(Object.values(answer.context).every((value) => typeof value === "string")).toBe(true);
    expect(answer).not.toHaveProperty("usageIdentifierKey");
    expect(lastDecision(authorizer)).toMatchObject({
      decision: "allow",
      frontDoor: "rest-api",
      route: "GET /items/1",
    });
  });

  it.each([
    ["no token", undefined, "MISSING_TOKEN"],
    ["AWS's documented example token", "allow", "MALFORMED_AUTHORIZATION_HEADER"],
    ["an expired token", bearer(userToken({ claims: { lifetimeSeconds: -600 } })), "TOKEN_EXPIRED"],
    [
      "a token of another tenant",
      bearer(userToken({ claims: { tenantId: "f8cdef31-a31e-4b4a-93e4-5f571e91255a" } })),
      "TENANT_NOT_ALLOWED",
    ],
    ["a forged signature", bearer(userToken({ key: createSigningKey("test-key-1") })), "INVALID_SIGNATURE"],
  ])("ends with exactly Unauthorized (401) for %s", async (_, authorization, reason) => {
    const authorizer = await inProcessAuthorizer();

    const error = await failure(authorizer, restTokenEvent(authorization));

    expect(error).toBeInstanceOf(UnauthorizedError);
    expect((error as Error).message).toBe("Unauthorized");
    expect(lastDecision(authorizer)).toMatchObject({
      decision: "deny",
      answer: "unauthorized",
      reason,
      frontDoor: "rest-api",
    });
  });

  it("denies (403) a verified token without a scope or a role, naming the caller", async () => {
    const authorizer = await inProcessAuthorizer();

    const answer = await ask(authorizer, restTokenEvent(bearer(userToken({ claims: { scopes: [] } }))));

    expect(answer.policyDocument.Statement).toEqual([
      { Action: "execute-api:Invoke", Effect: "Deny", Resource: `${REST_STAGE_ARN}/*` },
    ]);
    expect(answer.principalId).not.toBe("unauthenticated");
    expect(lastDecision(authorizer)).toMatchObject({ reason: "NO_SCOPES_OR_ROLES", answer: "deny" });
  });

  it("fails without an answer while the keys cannot be fetched, so no 401 or Deny is cached", async () => {
    const endpoint = keySetEndpoint();
    endpoint.fault = new Error("ECONNREFUSED");
    const authorizer = await inProcessAuthorizer({}, { endpoint });

    const error = await failure(authorizer, restTokenEvent(bearer(userToken())));

    expect(error).toBeInstanceOf(UncachedRefusalError);
    expect(error).toMatchObject({ reason: "JWKS_UNAVAILABLE" });
  });
});

describe("REST route rules under the token alone (TOKEN)", () => {
  const rules = {
    "GET /items": { scopes: ["api.read"] },
    "GET /items/{id}": { scopes: ["api.read"] },
    "POST /items": { roles: ["Items.Write"] },
    "DELETE /items/{id}": { roles: ["Items.Admin"] },
  };

  it("answers for every method at once, whichever method was asked", async () => {
    const authorizer = await inProcessAuthorizer({
      AUTHZ_ROUTE_PERMISSIONS: JSON.stringify(rules),
      AUTHZ_REST_CACHE_KEY: "token",
    });

    const answer = await ask(authorizer, restTokenEvent(bearer(userToken()), "POST", "/items"));

    expect(effect(answer, "GET", "/items")).toBe("Allow");
    expect(effect(answer, "GET", "/items/7")).toBe("Allow");
    expect(effect(answer, "POST", "/items")).toBe("Deny");
    expect(effect(answer, "DELETE", "/items/7")).toBe("Deny");
    expect(lastDecision(authorizer)).toMatchObject({
      decision: "deny",
      reason: "INSUFFICIENT_PERMISSIONS",
      route: "POST /items",
    });
  });

  it("names an unlisted method's refusal without a * rule", async () => {
    const authorizer = await inProcessAuthorizer({ AUTHZ_ROUTE_PERMISSIONS: JSON.stringify(rules) });

    const answer = await ask(authorizer, restTokenEvent(bearer(userToken()), "PUT", "/other"));

    expect(effect(answer, "PUT", "/other")).toBe("Deny");
    expect(lastDecision(authorizer)).toMatchObject({ reason: "ROUTE_NOT_CONFIGURED", route: "PUT /other" });
  });

  it("refuses at start-up rules it cannot answer exactly for every method, naming the fix", async () => {
    const authorizer = await inProcessAuthorizer({
      AUTHZ_ROUTE_PERMISSIONS: JSON.stringify({
        "GET /items/{id}": { roles: ["A"] },
        "GET /items/{id}/history": {},
      }),
      AUTHZ_REST_CACHE_KEY: "token",
    });

    const error = await failure(authorizer, restTokenEvent(bearer(userToken()), "GET", "/items/1"));

    expect(error).toMatchObject({ reason: "INVALID_CONFIGURATION" });
    expect(authorizer.logs[0]).toMatchObject({ level: "ERROR", variable: "AUTHZ_ROUTE_PERMISSIONS" });
    expect(String(authorizer.logs[0]?.problem)).toContain(
      "use a REQUEST authorizer with the method and resource",
    );
  });

  it("refuses such rules for REST events only when AUTHZ_REST_CACHE_KEY is unset, and serves HTTP APIs", async () => {
    const authorizer = await inProcessAuthorizer({
      AUTHZ_ROUTE_PERMISSIONS: JSON.stringify({ "GET /auth": {}, $default: { roles: ["A"] } }),
    });

    const rest = await failure(authorizer, restTokenEvent(bearer(userToken()), "GET", "/auth"));
    const http = await authorizer.authorize(event(bearer(userToken())));

    expect(rest).toMatchObject({ reason: "INVALID_CONFIGURATION" });
    expect(lastDecision(authorizer)).toMatchObject({ decision: "allow", frontDoor: "http-api" });
    expect(http).toHaveProperty("policyDocument");
  });
});

describe("REST route rules per method and resource (REQUEST with them in the cache key)", () => {
  const env = {
    AUTHZ_REST_CACHE_KEY: "route",
    AUTHZ_ROUTE_PERMISSIONS: JSON.stringify({
      "GET /items/{id}": { scopes: ["api.read"] },
      "GET /items/{id}/history": { roles: ["Auditor"] },
      "*": {},
    }),
  };

  it("allows the requested method's resources only, and a child's rule is its own", async () => {
    const authorizer = await inProcessAuthorizer(env);
    const token = bearer(userToken());

    const item = await ask(authorizer, restRequestEvent(token, "GET", "/items/{id}", "/items/7"));
    const history = await ask(
      authorizer,
      restRequestEvent(token, "GET", "/items/{id}/history", "/items/7/history"),
    );
    const other = await ask(authorizer, restRequestEvent(token, "POST", "/orders", "/orders"));

    expect(item.policyDocument.Statement).toEqual([
      { Action: "execute-api:Invoke", Effect: "Allow", Resource: `${REST_STAGE_ARN}/GET/items/*` },
    ]);
    expect(effect(history, "GET", "/items/7/history")).toBe("Deny");
    expect(effect(other, "POST", "/orders")).toBe("Allow");
    expect(effect(other, "GET", "/items/7")).toBe("Deny");
  });

  it("fails a TOKEN event without an answer: its cache key cannot hold the method", async () => {
    const authorizer = await inProcessAuthorizer(env);

    const error = await failure(authorizer, restTokenEvent(bearer(userToken()), "GET", "/items/7"));

    expect(error).toMatchObject({ reason: "CACHE_KEY_WITHOUT_ROUTE" });
    expect(lastDecision(authorizer)).toMatchObject({ level: "ERROR" });
  });
});

describe("usage plans per client app", () => {
  it("returns the token's azp as usageIdentifierKey with AUTHZ_USAGE_IDENTIFIER_CLAIM=azp, on Allow and Deny", async () => {
    const authorizer = await inProcessAuthorizer({ AUTHZ_USAGE_IDENTIFIER_CLAIM: "azp" });

    const allowed = await ask(authorizer, restTokenEvent(bearer(userToken())));
    const denied = await ask(authorizer, restTokenEvent(bearer(userToken({ claims: { scopes: [] } }))));

    expect(allowed.usageIdentifierKey).toBe(CLIENT_ID);
    expect(denied.usageIdentifierKey).toBe(CLIENT_ID);
  });

  it("returns no key when the token lacks the claim, or it is not a string", async () => {
    const authorizer = await inProcessAuthorizer({ AUTHZ_USAGE_IDENTIFIER_CLAIM: "appid" });
    const numeric = await inProcessAuthorizer({ AUTHZ_USAGE_IDENTIFIER_CLAIM: "iat" });

    expect(await ask(authorizer, restTokenEvent(bearer(userToken())))).not.toHaveProperty(
      "usageIdentifierKey",
    );
    expect(await ask(numeric, restTokenEvent(bearer(userToken())))).not.toHaveProperty("usageIdentifierKey");
  });

  it("refuses a claim name that is not one", async () => {
    const authorizer = await inProcessAuthorizer({ AUTHZ_USAGE_IDENTIFIER_CLAIM: "a b" });

    await failure(authorizer, restTokenEvent(bearer(userToken())));

    expect(authorizer.logs[0]).toMatchObject({ variable: "AUTHZ_USAGE_IDENTIFIER_CLAIM" });
  });
});
