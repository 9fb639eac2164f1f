import { afterEach, describe, expect, it } from "vitest";
import { type FunctionInvoker, LocalHttpApi } from "../../local/gateway/http-api.js";
import type { InvokeResult } from "../../local/lambda/lambda-sandbox.js";
import {
  DEFAULT_SETTINGS,
  ENTRA_ROUTE,
  type LocalStackSettings,
  type RouteSettings,
} from "../../local/stack-settings.js";

const STAGE = "arn:aws:execute-api:us-east-1:123456789012:l0ca1api00/$default";

/** A routes map: each key protected by the authorizer, with the given rule parts. */
function routes(...keys: Array<string | [string, Partial<RouteSettings>]>): Record<string, RouteSettings> {
  return Object.fromEntries(
    keys.map((key) =>
      typeof key === "string" ? [key, { ...ENTRA_ROUTE }] : [key[0], { ...ENTRA_ROUTE, ...key[1] }],
    ),
  );
}

/** A function double that records its events and answers with `answer(event)`. */
function fakeFunction(
  answer: (event: Record<string, unknown>) => Partial<InvokeResult> | Promise<Partial<InvokeResult>>,
) {
  const events: Record<string, unknown>[] = [];
  const invoker: FunctionInvoker & { events: typeof events } = {
    events,
    async invoke(event: unknown) {
      events.push(event as Record<string, unknown>);
      return {
        timedOut: false,
        durationMs: 1,
        logs: [],
        ...(await answer(event as Record<string, unknown>)),
      };
    },
  };
  return invoker;
}

/** Allows "Bearer good" (everything) and "Bearer reader" (GET only); denies the rest. */
const policyAuthorizer = () =>
  fakeFunction((event) => {
    const header = (event.headers as Record<string, string>).authorization;
    const resources =
      header === "Bearer good" ? [`${STAGE}/*`] : header === "Bearer reader" ? [`${STAGE}/GET/*`] : [];
    return {
      result: {
        principalId: "user-1",
        policyDocument: {
          Version: "2012-10-17",
          Statement:
            resources.length > 0
              ? [{ Action: "execute-api:Invoke", Effect: "Allow", Resource: resources }]
              : [{ Action: "execute-api:Invoke", Effect: "Deny", Resource: [`${STAGE}/*`] }],
        },
        context: { sub: "user-1", scopes: "read" },
      },
    };
  });

const echoBackend = () =>
  fakeFunction((event) => ({
    result: { statusCode: 200, headers: { "x-backend": "yes" }, body: JSON.stringify({ seen: event }) },
  }));

describe("LocalHttpApi", () => {
  let api: LocalHttpApi | undefined;

  afterEach(async () => {
    await api?.close();
    api = undefined;
  });

  async function start(
    settings: Partial<LocalStackSettings>,
    authorizer: FunctionInvoker,
    backend: FunctionInvoker = echoBackend(),
    authorizerWaitMs?: number,
  ): Promise<LocalHttpApi> {
    api = await LocalHttpApi.start({
      settings: { ...DEFAULT_SETTINGS, ...settings },
      authorizer,
      backend,
      ...(authorizerWaitMs !== undefined ? { authorizerWaitMs } : {}),
    });
    return api;
  }

  const call = async (path: string, authorization?: string, method = "GET") => {
    const response = await fetch(`${api?.url}${path}`, {
      method,
      headers: authorization === undefined ? {} : { authorization },
    });
    return {
      status: response.status,
      headers: response.headers,
      body: (await response.json()) as Record<string, unknown>,
    };
  };

  it("answers 401 without the Authorization header and never invokes the authorizer", async () => {
    const authorizer = policyAuthorizer();
    await start({}, authorizer);

    const response = await call("/auth");

    expect(response).toMatchObject({ status: 401, body: { message: "Unauthorized" } });
    expect(response.headers.get("apigw-requestid")).toMatch(/=$/);
    expect(authorizer.events).toHaveLength(0);
  });

  it("sends a payload 2.0 REQUEST event and passes the authorizer context to the backend", async () => {
    const authorizer = policyAuthorizer();
    const backend = echoBackend();
    await start({ routes: routes("GET /items/{id}") }, authorizer, backend);

    const response = await call("/items/42?x=1&x=2", "Bearer good");

    expect(response.status).toBe(200);
    expect(response.headers.get("x-backend")).toBe("yes");
    expect(authorizer.events[0]).toMatchObject({
      version: "2.0",
      type: "REQUEST",
      routeArn: `${STAGE}/GET/items/42`,
      identitySource: ["Bearer good"],
      routeKey: "GET /items/{id}",
      rawPath: "/items/42",
      rawQueryString: "x=1&x=2",
      queryStringParameters: { x: "1,2" },
      pathParameters: { id: "42" },
      headers: { authorization: "Bearer good" },
      requestContext: {
        accountId: "123456789012",
        apiId: "l0ca1api00",
        stage: "$default",
        routeKey: "GET /items/{id}",
        http: { method: "GET", path: "/items/42", sourceIp: "127.0.0.1" },
      },
    });
    expect(backend.events[0]).toMatchObject({
      version: "2.0",
      routeKey: "GET /items/{id}",
      requestContext: { authorizer: { lambda: { sub: "user-1", scopes: "read" } } },
      isBase64Encoded: false,
    });
  });

  it("evaluates the cached IAM policy against each request's route, calling the authorizer once per token", async () => {
    const authorizer = policyAuthorizer();
    await start({ routes: routes("GET /items", "POST /items") }, authorizer);

    const get = await call("/items", "Bearer reader");
    const post = await call("/items", "Bearer reader", "POST");

    expect(get.status).toBe(200);
    expect(post).toMatchObject({ status: 403, body: { message: "Forbidden" } });
    expect(authorizer.events).toHaveLength(1);
    expect(api?.requests.map((record) => record.authorizer)).toEqual(["miss", "hit"]);
  });

  it("invokes the authorizer every time when the cache TTL is 0", async () => {
    const authorizer = policyAuthorizer();
    await start({ authorizerCacheTtlSeconds: 0 }, authorizer);

    await call("/auth", "Bearer good");
    await call("/auth", "Bearer good");

    expect(authorizer.events).toHaveLength(2);
  });

  it("caches simple answers per route when route rules are set", async () => {
    const authorizer = fakeFunction((event) => ({ result: { isAuthorized: event.routeKey === "GET /a" } }));
    await start(
      {
        routes: routes(["GET /a", { scopes: ["a"] }], ["GET /b", { scopes: ["b"] }]),
        authorizerResponseMode: "simple",
      },
      authorizer,
    );

    const a = await call("/a", "Bearer t");
    const b = await call("/b", "Bearer t");
    const again = await call("/a", "Bearer t");

    expect([a.status, b.status, again.status]).toEqual([200, 403, 200]);
    expect(authorizer.events.map((event) => event.identitySource)).toEqual([
      ["Bearer t", "GET /a"],
      ["Bearer t", "GET /b"],
    ]);
  });

  it("keys the cache by token and route key when route rules exist, in IAM mode too", async () => {
    const authorizer = policyAuthorizer();
    await start({ routes: routes(["GET /items", { scopes: ["items.read"] }], "POST /items") }, authorizer);

    await call("/items", "Bearer good");
    await call("/items", "Bearer good", "POST");
    await call("/items", "Bearer good");

    expect(api?.identitySources).toEqual(["$request.header.Authorization", "$context.routeKey"]);
    expect(authorizer.events.map((event) => event.identitySource)).toEqual([
      ["Bearer good", "GET /items"],
      ["Bearer good", "POST /items"],
    ]);
    expect(api?.requests.map((record) => record.authorizer)).toEqual(["miss", "miss", "hit"]);
  });

  it("keys the cache by token alone without route rules, in simple mode too", async () => {
    const authorizer = fakeFunction(() => ({ result: { isAuthorized: true } }));
    await start({ routes: routes("GET /a", "GET /b"), authorizerResponseMode: "simple" }, authorizer);

    await call("/a", "Bearer t");
    await call("/b", "Bearer t");

    expect(api?.identitySources).toEqual(["$request.header.Authorization"]);
    expect(authorizer.events.map((event) => event.identitySource)).toEqual([["Bearer t"]]);
  });

  it("answers 401 for an empty Authorization header without invoking the authorizer", async () => {
    const authorizer = policyAuthorizer();
    await start({ routes: routes(["GET /a", { roles: ["r"] }]) }, authorizer);

    const response = await call("/a", "   ");

    expect(response.status).toBe(401);
    expect(authorizer.events).toHaveLength(0);
  });

  it("names the method and path in routeArn for $default too, as AWS's documented event does", async () => {
    const authorizer = policyAuthorizer();
    await start({ routes: routes("GET /known", "$default") }, authorizer);

    const response = await call("/some/where?q=1", "Bearer good", "DELETE");

    expect(response.status).toBe(200);
    expect(authorizer.events[0]).toMatchObject({
      routeKey: "$default",
      routeArn: `${STAGE}/DELETE/some/where`,
      requestContext: { routeKey: "$default", http: { method: "DELETE", path: "/some/where" } },
    });
  });

  it("serves a public route without the authorizer and without an authorizer in the backend's event", async () => {
    const authorizer = policyAuthorizer();
    const backend = echoBackend();
    await start(
      { routes: { ...routes("GET /private"), "GET /health": { ...ENTRA_ROUTE, authorization: "none" } } },
      authorizer,
      backend,
    );

    const publicCall = await call("/health");
    const privateCall = await call("/private");

    expect(publicCall.status).toBe(200);
    expect(privateCall.status).toBe(401);
    expect(authorizer.events).toHaveLength(0);
    expect(backend.events[0]?.routeKey).toBe("GET /health");
    expect(backend.events[0]?.requestContext).not.toHaveProperty("authorizer");
    expect(api?.requests[0]).toMatchObject({
      status: 200,
      authorizer: "not-invoked",
      reason: "public route",
    });
  });

  it("answers 500 when the authorizer fails, answers nonsense or times out, and caches none of it", async () => {
    let mode = "throw";
    const authorizer = fakeFunction(async () => {
      if (mode === "throw") return { error: { errorType: "Error", errorMessage: "boom" } };
      if (mode === "nonsense") return { result: { allow: true } };
      if (mode === "timeout")
        return { timedOut: true, error: { errorType: "Sandbox.Timedout", errorMessage: "" } };
      await new Promise((resolve) => setTimeout(resolve, 1000));
      return { result: { isAuthorized: true } };
    });
    await start({}, authorizer, echoBackend(), 200);

    const statuses: number[] = [];
    for (const next of ["throw", "nonsense", "timeout", "slow"]) {
      mode = next;
      statuses.push((await call("/auth", "Bearer good")).status);
    }

    expect(statuses).toEqual([500, 500, 500, 500]);
    expect(authorizer.events).toHaveLength(4);
  });

  it("sends an OPTIONS request without Origin to the authorizer of an ANY or $default route, never unauthenticated to the backend", async () => {
    // The local stack does not read cors_configuration, so it has none of the module's public OPTIONS
    // routes: an OPTIONS request matches the protected ANY or $default route like any other method.
    const authorizer = policyAuthorizer();
    const backend = echoBackend();
    await start({ routes: routes("ANY /items/{id}", "$default") }, authorizer, backend);

    const anyRoute = await call("/items/1", undefined, "OPTIONS");
    const defaultRoute = await call("/elsewhere", undefined, "OPTIONS");
    const denied = await call("/items/1", "Bearer nobody", "OPTIONS");

    expect([anyRoute.status, defaultRoute.status, denied.status]).toEqual([401, 401, 403]);
    expect(backend.events).toHaveLength(0);
    expect(api?.requests.map((record) => record.routeKey)).toEqual([
      "ANY /items/{id}",
      "$default",
      "ANY /items/{id}",
    ]);
  });

  it("answers 404 for a request no route matches", async () => {
    await start({}, policyAuthorizer());

    expect(await call("/nowhere", "Bearer good")).toMatchObject({
      status: 404,
      body: { message: "Not Found" },
    });
  });

  it("turns a plain object from the backend into a JSON 200, and a backend error into 500", async () => {
    let fail = false;
    const backend = fakeFunction(() =>
      fail ? { error: { errorType: "TypeError", errorMessage: "x" } } : { result: { plain: true } },
    );
    await start({}, policyAuthorizer(), backend);

    const plain = await call("/auth", "Bearer good");
    fail = true;
    const failed = await call("/auth", "Bearer good");

    expect(plain).toMatchObject({ status: 200, body: { plain: true } });
    expect(plain.headers.get("content-type")).toBe("application/json");
    expect(failed).toMatchObject({ status: 500, body: { message: "Internal Server Error" } });
  });
});
