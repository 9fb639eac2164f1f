/**
 * End to end, the other front doors: the real dist/ authorizer behind the local REST API (TOKEN and
 * REQUEST) and the local AppSync GraphQL API, with tokens from the local Entra issuer.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LocalStack, startLocalStack } from "../../local/local-stack.js";

const ORDERS_ROUTES = {
  "GET /orders": { scopes: ["Orders.Read"] },
  "POST /orders": { roles: ["Orders.Write"] },
  "GET /health": { authorization: "none" as const },
};

async function call(stack: LocalStack, method: string, path: string, authorization?: string) {
  const response = await fetch(`${stack.url}${path}`, {
    method,
    headers: authorization === undefined ? {} : { authorization },
    signal: AbortSignal.timeout(15_000),
  });
  return {
    status: response.status,
    challenge: response.headers.get("www-authenticate"),
    body: (await response.json()) as Record<string, unknown>,
  };
}

async function graphql(stack: LocalStack, query: string, authorization?: string) {
  const response = await fetch(`${stack.url}/graphql`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      ...(authorization === undefined ? {} : { authorization }),
    },
    body: JSON.stringify({ query }),
    signal: AbortSignal.timeout(15_000),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe("the local stack with --api rest --rest-authorizer-type REQUEST", () => {
  let stack: LocalStack;
  beforeAll(async () => {
    stack = await startLocalStack({
      frontDoor: "rest",
      restAuthorizerType: "REQUEST",
      settings: { routes: ORDERS_ROUTES },
    });
  }, 60_000);
  afterAll(() => stack?.close());

  it("keys the cache by token, method and resource, as the module's identity sources do", () => {
    expect(stack.api.identitySources).toEqual([
      "method.request.header.Authorization",
      "context.httpMethod",
      "context.resourcePath",
    ]);
  });

  it("answers 401 with the module's challenge without a token, and 403 with insufficient_scope for a token without the right", async () => {
    const none = await call(stack, "GET", "/orders");
    const reader = stack.token({ scopes: ["Orders.Read"] });
    const denied = await call(stack, "POST", "/orders", `Bearer ${reader}`);

    expect(none).toMatchObject({
      status: 401,
      challenge: 'Bearer realm="api", error="invalid_token"',
      body: { error: "invalid_token", message: "Unauthorized" },
    });
    expect(denied).toMatchObject({
      status: 403,
      challenge: 'Bearer realm="api", error="insufficient_scope"',
      body: { error: "insufficient_scope" },
    });
  });

  it("admits a token with the route's scope, caching that answer for its route only", async () => {
    const reader = stack.token({ scopes: ["Orders.Read"] });

    const first = await call(stack, "GET", "/orders", `Bearer ${reader}`);
    const second = await call(stack, "GET", "/orders", `Bearer ${reader}`);
    const otherRoute = await call(stack, "POST", "/orders", `Bearer ${reader}`);

    expect([first.status, second.status, otherRoute.status]).toEqual([200, 200, 403]);
    expect(stack.api.requests.slice(-3).map((record) => record.authorizer)).toEqual(["miss", "hit", "miss"]);
  });

  it("answers 401 when the authorizer ends a forged token with Unauthorized", async () => {
    const forged = `${stack.token().slice(0, -4)}AAAA`;

    const response = await call(stack, "GET", "/orders", `Bearer ${forged}`);

    expect(response).toMatchObject({ status: 401, body: { error: "invalid_token" } });
    expect(stack.api.requests.at(-1)).toMatchObject({ reason: "authorizer answered Unauthorized" });
  });

  it("serves a public method without the authorizer, and answers an unknown one 403 Missing Authentication Token", async () => {
    const health = await call(stack, "GET", "/health");
    const unknown = await call(stack, "DELETE", "/orders", `Bearer ${stack.token()}`);

    expect(health.status).toBe(200);
    expect(unknown).toMatchObject({ status: 403, body: { message: "Missing Authentication Token" } });
  });
});

describe("the local stack with --api rest (TOKEN, the module's default)", () => {
  let stack: LocalStack;
  beforeAll(async () => {
    stack = await startLocalStack({ frontDoor: "rest", settings: { routes: ORDERS_ROUTES } });
  }, 60_000);
  afterAll(() => stack?.close());

  it("keys the cache by the token alone and evaluates the token-wide policy per method", async () => {
    const reader = stack.token({ scopes: ["Orders.Read"] });

    const read = await call(stack, "GET", "/orders", `Bearer ${reader}`);
    const write = await call(stack, "POST", "/orders", `Bearer ${reader}`);

    expect(stack.api.identitySources).toEqual(["method.request.header.Authorization"]);
    expect([read.status, write.status]).toEqual([200, 403]);
    // One invocation: the second method is answered from the cached policy.
    expect(stack.api.requests.slice(-2).map((record) => record.authorizer)).toEqual(["miss", "hit"]);
  });

  it("refuses $default, which REST APIs do not have", async () => {
    await expect(
      startLocalStack({ frontDoor: "rest", settings: { routes: { $default: {} } } }),
    ).rejects.toThrow(/\$default/);
  });
});

describe("the local stack with --api appsync", () => {
  let stack: LocalStack;
  beforeAll(async () => {
    stack = await startLocalStack({
      frontDoor: "appsync",
      fieldPermissions: {
        "*": {},
        "Mutation.createTask": { scopes: ["Tasks.Write"], roles: ["Tasks.Write"] },
        "Mutation.deleteTask": { roles: ["Tasks.Admin"] },
      },
    });
  }, 60_000);
  afterAll(() => stack?.close());

  it("answers 401 UnauthorizedException without a token and for a forged one", async () => {
    const none = await graphql(stack, "{ tasks { id } }");
    const forged = await graphql(stack, "{ tasks { id } }", `${stack.token().slice(0, -4)}AAAA`);

    const refusal = {
      errors: [{ errorType: "UnauthorizedException", message: "You are not authorized to make this call." }],
    };
    expect(none).toEqual({ status: 401, body: refusal });
    expect(forged).toEqual({ status: 401, body: refusal });
  });

  it("answers a query with a bare or a Bearer token", async () => {
    const bare = await graphql(stack, "{ tasks { id title } }", stack.token());
    const bearer = await graphql(stack, "{ tasks { id title } }", `Bearer ${stack.token()}`);

    expect(bare).toEqual({
      status: 200,
      body: { data: { tasks: [{ id: "1", title: "Read the security model" }] } },
    });
    expect(bearer.status).toBe(200);
  });

  it("answers a denied field null with AppSync's Unauthorized error, and a granted one with data", async () => {
    const writer = stack.token({ scopes: ["Tasks.Write"] });

    const created = await graphql(stack, 'mutation { createTask(title: "x") { title } }', writer);
    const deleted = await graphql(stack, 'mutation { deleteTask(id: "1") }', writer);

    expect(created).toEqual({ status: 200, body: { data: { createTask: { title: "x" } } } });
    expect(deleted.status).toBe(200);
    expect(deleted.body).toMatchObject({
      data: null,
      errors: [
        {
          path: ["deleteTask"],
          errorType: "Unauthorized",
          message: "Not Authorized to access deleteTask on type Mutation",
        },
      ],
    });
  });

  it("caches an answer under the token for the answer's ttlOverride", async () => {
    const token = stack.token({ scopes: ["Tasks.Read"] });

    await graphql(stack, "{ tasks { id } }", token);
    await graphql(stack, "{ tasks { id } }", token);

    expect(stack.api.requests.slice(-2).map((record) => record.authorizer)).toEqual(["miss", "hit"]);
  });
});
