import { afterEach, describe, expect, it } from "vitest";
import type { FunctionInvoker } from "../../local/gateway/http-api.js";
import {
  LocalRestApi,
  type RestAuthorizerType,
  restAuthorizerEnvironment,
  restIdentitySources,
} from "../../local/gateway/rest-api.js";
import type { InvokeResult } from "../../local/lambda/lambda-sandbox.js";
import { frontDoorEnvironment } from "../../local/local-stack.js";
import {
  authorizerEnvironment,
  DEFAULT_SETTINGS,
  ENTRA_ROUTE,
  type LocalStackSettings,
} from "../../local/stack-settings.js";

const STAGE = "arn:aws:execute-api:us-east-1:123456789012:l0ca1rest0/local";

function fakeFunction(answer: (event: Record<string, unknown>) => Partial<InvokeResult>) {
  const events: Record<string, unknown>[] = [];
  const invoker: FunctionInvoker & { events: typeof events } = {
    events,
    async invoke(event: unknown) {
      events.push(event as Record<string, unknown>);
      return { timedOut: false, durationMs: 1, logs: [], ...answer(event as Record<string, unknown>) };
    },
  };
  return invoker;
}

const policy = (statements: Array<{ Effect: string; Resource: string[] }>) => ({
  result: {
    principalId: "user-1",
    policyDocument: {
      Version: "2012-10-17",
      Statement: statements.map((statement) => ({ Action: "execute-api:Invoke", ...statement })),
    },
    context: { oid: "o-1" },
  },
});

/** TOKEN events carry authorizationToken, REQUEST events the headers. */
const tokenOf = (event: Record<string, unknown>): string | undefined =>
  (event.authorizationToken as string | undefined) ??
  (event.headers as Record<string, string> | undefined)?.authorization;

/**
 * "Bearer all": the stage, except an explicit Deny of DELETE anywhere; "Bearer get": GET under the stage
 * (IAM's `*` crosses `/`); "Bearer boom": an operational failure; anything else: "Unauthorized".
 */
const authorizer = () =>
  fakeFunction((event) => {
    const token = tokenOf(event);
    if (token === "Bearer all")
      return policy([
        { Effect: "Allow", Resource: [`${STAGE}/*`] },
        { Effect: "Deny", Resource: [`${STAGE}/DELETE/*`] },
      ]);
    if (token === "Bearer get") return policy([{ Effect: "Allow", Resource: [`${STAGE}/GET/*`] }]);
    if (token === "Bearer boom")
      return { error: { errorType: "JwksUnavailableError", errorMessage: "down" } };
    return { error: { errorType: "Error", errorMessage: "Unauthorized" } };
  });

const backend = () =>
  fakeFunction((event) => ({
    result: { statusCode: 200, body: JSON.stringify({ resource: event.resource }) },
  }));

const ROUTES = {
  "GET /items/{id}": { ...ENTRA_ROUTE },
  "DELETE /items/{id}": { ...ENTRA_ROUTE },
  "ANY /files/{proxy+}": { ...ENTRA_ROUTE },
};

describe("LocalRestApi", () => {
  let api: LocalRestApi | undefined;
  afterEach(async () => {
    await api?.close();
    api = undefined;
  });

  async function start(
    settings: Partial<LocalStackSettings>,
    authorizerType: RestAuthorizerType,
    functions = { authorizer: authorizer(), backend: backend() },
  ) {
    api = await LocalRestApi.start({
      settings: { ...DEFAULT_SETTINGS, routes: ROUTES, ...settings },
      authorizerType,
      ...functions,
    });
    return functions;
  }

  const call = async (method: string, path: string, authorization?: string) => {
    const response = await fetch(`${api?.url}${path}`, {
      method,
      headers: authorization === undefined ? {} : { authorization },
    });
    return {
      status: response.status,
      challenge: response.headers.get("www-authenticate"),
      body: (await response.json()) as Record<string, unknown>,
    };
  };

  it("sends a TOKEN event with the token and the method ARN, and nothing of the request", async () => {
    const { authorizer: fake } = await start({}, "TOKEN");

    await call("GET", "/items/42?x=1", "Bearer get");

    expect(fake.events).toEqual([
      { type: "TOKEN", methodArn: `${STAGE}/GET/items/42`, authorizationToken: "Bearer get" },
    ]);
  });

  it("sends a REQUEST event with the resource, method, headers, query and path parameters", async () => {
    const { authorizer: fake } = await start({}, "REQUEST");

    await call("GET", "/items/42?x=1&x=2", "Bearer get");

    expect(fake.events[0]).toMatchObject({
      type: "REQUEST",
      methodArn: `${STAGE}/GET/items/42`,
      resource: "/items/{id}",
      path: "/items/42",
      httpMethod: "GET",
      headers: { authorization: "Bearer get" },
      queryStringParameters: { x: "2" },
      multiValueQueryStringParameters: { x: ["1", "2"] },
      pathParameters: { id: "42" },
      requestContext: { resourcePath: "/items/{id}", httpMethod: "GET", stage: "local", apiId: "l0ca1rest0" },
    });
  });

  it("evaluates one cached policy against each method ARN: `*` crosses `/`, an explicit Deny wins", async () => {
    const { authorizer: fake } = await start({}, "TOKEN");

    const read = await call("GET", "/items/1", "Bearer all");
    const nested = await call("PUT", "/files/a/b/c", "Bearer all");
    const deleted = await call("DELETE", "/items/1", "Bearer all");
    const notGranted = await call("DELETE", "/items/1", "Bearer get");

    expect([read.status, nested.status, deleted.status, notGranted.status]).toEqual([200, 200, 403, 403]);
    expect(deleted.body).toEqual({
      error: "insufficient_scope",
      message: "User is not authorized to access this resource with an explicit deny",
    });
    expect(notGranted.body.message).toBe("User is not authorized to access this resource");
    expect(deleted.challenge).toBe('Bearer realm="api", error="insufficient_scope"');
    expect(fake.events).toHaveLength(2);
  });

  it("answers 401 with the module's challenge without the header, without invoking the authorizer", async () => {
    const { authorizer: fake } = await start({}, "TOKEN");

    const response = await call("GET", "/items/1");

    expect(response).toEqual({
      status: 401,
      challenge: 'Bearer realm="api", error="invalid_token"',
      body: { error: "invalid_token", message: "Unauthorized" },
    });
    expect(fake.events).toHaveLength(0);
  });

  it("answers 401 on Unauthorized and 500 on any other failure, and caches neither", async () => {
    const { authorizer: fake } = await start({}, "TOKEN");

    const statuses = [];
    for (const token of ["Bearer nobody", "Bearer nobody", "Bearer boom", "Bearer boom"]) {
      statuses.push((await call("GET", "/items/1", token)).status);
    }

    expect(statuses).toEqual([401, 401, 500, 500]);
    expect(fake.events).toHaveLength(4);
  });

  it("keys the cache by token, method and resource for REQUEST with route rules, by token otherwise", async () => {
    const withRules = {
      routes: { ...ROUTES, "GET /items/{id}": { ...ENTRA_ROUTE, scopes: ["Items.Read"] } },
    };
    const { authorizer: fake } = await start(withRules, "REQUEST");

    await call("GET", "/items/1", "Bearer all");
    await call("GET", "/items/2", "Bearer all");
    await call("DELETE", "/items/2", "Bearer all");

    expect(api?.identitySources).toEqual([
      "method.request.header.Authorization",
      "context.httpMethod",
      "context.resourcePath",
    ]);
    // Same resource and method: a hit; another method: a new invocation.
    expect(fake.events).toHaveLength(2);
    expect(restIdentitySources({ ...DEFAULT_SETTINGS, ...withRules }, "TOKEN")).toEqual([
      "method.request.header.Authorization",
    ]);
    expect(restIdentitySources({ ...DEFAULT_SETTINGS, routes: ROUTES }, "REQUEST")).toEqual([
      "method.request.header.Authorization",
    ]);
  });

  it("sets AUTHZ_REST_CACHE_KEY as the module does, and drops the HTTP API's response mode", () => {
    const plain = { ...DEFAULT_SETTINGS, routes: ROUTES };
    const ruled = { ...plain, routes: { ...ROUTES, "GET /items/{id}": { ...ENTRA_ROUTE, roles: ["R"] } } };

    expect(restAuthorizerEnvironment(plain, "REQUEST")).toEqual({ AUTHZ_REST_CACHE_KEY: "token" });
    expect(restAuthorizerEnvironment(ruled, "TOKEN")).toEqual({ AUTHZ_REST_CACHE_KEY: "token" });
    expect(restAuthorizerEnvironment(ruled, "REQUEST")).toEqual({ AUTHZ_REST_CACHE_KEY: "route" });
    const env = frontDoorEnvironment(authorizerEnvironment(ruled, "localhost:1"), ruled, "rest", {
      restAuthorizerType: "REQUEST",
    });
    expect(env).toMatchObject({ AUTHZ_REST_CACHE_KEY: "route" });
    expect(JSON.parse(env.AUTHZ_ROUTE_PERMISSIONS ?? "{}")).toHaveProperty(["GET /items/{id}"]);
    expect(env).not.toHaveProperty("AUTHZ_RESPONSE_MODE");
  });

  it("passes the principal and context to the backend, and answers 502 for a malformed proxy answer", async () => {
    const seen = backend();
    await start({}, "TOKEN", { authorizer: authorizer(), backend: seen });

    await call("GET", "/items/1", "Bearer all");

    expect(seen.events[0]).toMatchObject({
      resource: "/items/{id}",
      requestContext: { authorizer: { principalId: "user-1", oid: "o-1" } },
    });
    await api?.close();
    api = undefined;
    await start({}, "TOKEN", {
      authorizer: authorizer(),
      backend: fakeFunction(() => ({ result: { ok: 1 } })),
    });
    expect((await call("GET", "/items/1", "Bearer all")).status).toBe(502);
  });
});
