import { afterEach, describe, expect, it } from "vitest";
import { LocalAppSyncApi } from "../../local/gateway/appsync-api.js";
import type { FunctionInvoker } from "../../local/gateway/http-api.js";
import type { InvokeResult } from "../../local/lambda/lambda-sandbox.js";
import { fieldPermissionsEnvironment, frontDoorEnvironment } from "../../local/local-stack.js";
import { authorizerEnvironment, DEFAULT_SETTINGS, ENTRA_ROUTE } from "../../local/stack-settings.js";

function fakeAuthorizer(answer: (event: Record<string, unknown>) => Partial<InvokeResult>) {
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

const allow = (deniedFields: string[], ttlOverride?: number) => ({
  result: {
    isAuthorized: true,
    resolverContext: { oid: "o-1" },
    deniedFields,
    ...(ttlOverride !== undefined ? { ttlOverride } : {}),
  },
});

describe("LocalAppSyncApi", () => {
  let api: LocalAppSyncApi | undefined;
  afterEach(async () => {
    await api?.close();
    api = undefined;
  });

  async function start(authorizer: FunctionInvoker, ttl = 300) {
    api = await LocalAppSyncApi.start({
      settings: { ...DEFAULT_SETTINGS, authorizerCacheTtlSeconds: ttl },
      authorizer,
    });
  }

  const post = async (body: unknown, authorization?: string) => {
    const response = await fetch(`${api?.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", ...(authorization ? { authorization } : {}) },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  it("sends AppSync's event: the header as it came, the query, operation, variables and headers", async () => {
    const authorizer = fakeAuthorizer(() => allow([]));
    await start(authorizer);

    await post(
      { query: "query Mine($n: String!) { tasks { id } }", operationName: "Mine", variables: { n: "a" } },
      "Bearer t1",
    );

    expect(authorizer.events[0]).toMatchObject({
      authorizationToken: "Bearer t1",
      requestContext: {
        apiId: expect.stringMatching(/^[a-z0-9]{26}$/),
        accountId: "123456789012",
        requestId: expect.any(String),
        queryString: "query Mine($n: String!) { tasks { id } }",
        operationName: "Mine",
        variables: { n: "a" },
      },
      requestHeaders: { authorization: "Bearer t1", "content-type": "application/json" },
    });
  });

  it("answers 401 UnauthorizedException for a refusal and for a failure, caching neither", async () => {
    let mode = "refuse";
    const authorizer = fakeAuthorizer(() =>
      mode === "refuse"
        ? { result: { isAuthorized: false } }
        : { error: { errorType: "Error", errorMessage: "x" } },
    );
    await start(authorizer);

    const refused = await post({ query: "{ tasks { id } }" }, "t");
    mode = "fail";
    const failed = await post({ query: "{ tasks { id } }" }, "t");
    const missing = await post({ query: "{ tasks { id } }" });

    const body = {
      errors: [{ errorType: "UnauthorizedException", message: "You are not authorized to make this call." }],
    };
    expect([refused, failed, missing]).toEqual([
      { status: 401, body },
      { status: 401, body },
      { status: 401, body },
    ]);
    expect(authorizer.events).toHaveLength(2);
  });

  it("caches an answer for its ttlOverride, and not at all when it is 0", async () => {
    const authorizer = fakeAuthorizer((event) => allow([], event.authorizationToken === "zero" ? 0 : 60));
    await start(authorizer, 0);

    for (const token of ["zero", "zero", "sixty", "sixty"]) await post({ query: "{ tasks { id } }" }, token);

    expect(authorizer.events.map((event) => event.authorizationToken)).toEqual(["zero", "zero", "sixty"]);
  });

  it("uses the API's TTL when the answer has no ttlOverride", async () => {
    const authorizer = fakeAuthorizer(() => allow([]));
    await start(authorizer, 0);

    await post({ query: "{ tasks { id } }" }, "t");
    await post({ query: "{ tasks { id } }" }, "t");

    expect(authorizer.events).toHaveLength(2);
  });

  it("answers a denied nullable-parent field with null and AppSync's Unauthorized error, other fields with data", async () => {
    await start(fakeAuthorizer(() => allow(["Task.title"])));

    const response = await post({ query: "{ tasks { id title } }" }, "t");

    // Task.title is non-null, so null propagates to the list item and then to the non-null list.
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      data: null,
      errors: [
        {
          path: ["tasks", 0, "title"],
          errorType: "Unauthorized",
          message: "Not Authorized to access title on type Task",
        },
      ],
    });
    expect((await post({ query: "{ tasks { id } }" }, "t")).body).toEqual({ data: { tasks: [{ id: "1" }] } });
  });

  it("enforces a denied mutation only when the query selects it", async () => {
    await start(fakeAuthorizer(() => allow(["Mutation.deleteTask"])));

    const created = await post({ query: 'mutation { createTask(title: "a") { title } }' }, "t");
    const deleted = await post({ query: 'mutation { deleteTask(id: "9") }' }, "t");

    expect(created.body).toEqual({ data: { createTask: { title: "a" } } });
    expect(deleted.body).toMatchObject({
      data: null,
      errors: [
        { errorType: "Unauthorized", message: "Not Authorized to access deleteTask on type Mutation" },
      ],
    });
  });

  it("answers a query that does not match the schema with a ValidationError", async () => {
    await start(fakeAuthorizer(() => allow([])));

    const response = await post({ query: "{ nothing }" }, "t");

    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ data: null, errors: [{ errorType: "ValidationError" }] });
  });

  it("gives the authorizer field rules and the TTL as the appsync module does, and no route rules", () => {
    const settings = {
      ...DEFAULT_SETTINGS,
      routes: { "GET /auth": { ...ENTRA_ROUTE, scopes: ["s"] } },
      authorizerCacheTtlSeconds: 120,
    };
    const env = frontDoorEnvironment(authorizerEnvironment(settings, "localhost:1"), settings, "appsync", {
      fieldPermissions: { "*": {}, "Mutation.deleteTask": { roles: ["Tasks.Admin"], scopes: [] } },
    });

    expect(env).toMatchObject({
      AUTHZ_CACHE_TTL_SECONDS: "120",
      AUTHZ_FIELD_PERMISSIONS: '{"*":{},"Mutation.deleteTask":{"roles":["Tasks.Admin"]}}',
    });
    expect(env).not.toHaveProperty("AUTHZ_ROUTE_PERMISSIONS");
    expect(env).not.toHaveProperty("AUTHZ_RESPONSE_MODE");
    expect(fieldPermissionsEnvironment({})).toBeUndefined();
  });
});
