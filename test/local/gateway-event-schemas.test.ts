/**
 * The events the local gateway sends to the Lambdas, checked against AWS's event shapes as
 * Powertools for AWS Lambda publishes them (@aws-lambda-powertools/parser), code this project did
 * not write. Top-level members the schemas do not know are refused too (.strict()).
 */
import {
  APIGatewayProxyEventV2Schema,
  APIGatewayRequestAuthorizerEventV2Schema,
} from "@aws-lambda-powertools/parser/schemas";
import { afterEach, describe, expect, it } from "vitest";
import {
  type ApiIdentity,
  authorizerEvent,
  proxyEvent,
  type RequestFacts,
} from "../../local/gateway/gateway-events.js";
import { type FunctionInvoker, LOCAL_API, LocalHttpApi } from "../../local/gateway/http-api.js";
import type { InvokeResult } from "../../local/lambda/lambda-sandbox.js";
import { matchRoute } from "../../local/gateway/route-match.js";
import { DEFAULT_SETTINGS, ENTRA_ROUTE, type RouteSettings } from "../../local/stack-settings.js";

const authorizerSchema = APIGatewayRequestAuthorizerEventV2Schema.strict();
const proxySchema = APIGatewayProxyEventV2Schema.strict();

const ROUTE_KEYS = ["GET /auth", "ANY /items/{id}", "POST /files/{path+}", "$default"];
const REQUESTS: Array<{ method: string; url: string; headers: string[]; body: string; sourceIp: string }> = [
  { method: "GET", url: "/auth", headers: ["Authorization", "Bearer a"], body: "", sourceIp: "127.0.0.1" },
  {
    method: "PATCH",
    url: "/items/%C3%A9t%C3%A9?x=1&x=2&empty=",
    headers: ["authorization", "Bearer b", "Cookie", "a=1; b=2", "X-Multi", "1", "X-Multi", "2"],
    body: '{"json":true}',
    sourceIp: "::1",
  },
  {
    method: "POST",
    url: "/files/a/b/c.bin",
    headers: [
      "Authorization",
      "Bearer c",
      "Content-Type",
      "application/octet-stream",
      "User-Agent",
      "curl/8",
    ],
    body: "\u0000\u0001binary",
    sourceIp: "10.1.2.3",
  },
  {
    method: "DELETE",
    url: "/nowhere/else",
    headers: ["Authorization", "Bearer d"],
    body: "",
    sourceIp: "127.0.0.1",
  },
];

function facts(request: (typeof REQUESTS)[number]): RequestFacts {
  const [rawPath = "/", query = ""] = request.url.split("?");
  return {
    method: request.method,
    rawPath,
    rawQueryString: query,
    rawHeaders: request.headers,
    body: Buffer.from(request.body, "latin1"),
    sourceIp: request.sourceIp,
    protocol: "HTTP/1.1",
    domainName: "127.0.0.1:3000",
  };
}

function issues(result: { success: boolean; error?: { issues: unknown[] } }): unknown[] {
  return result.success ? [] : (result.error?.issues ?? ["invalid"]);
}

describe("events the local gateway sends, against AWS's published schemas", () => {
  const api: ApiIdentity = LOCAL_API;
  const identity = { requestId: "JKJaXmPLvHcESHA=", timeEpoch: 1_700_000_000_000 };

  it("sends payload 2.0 REQUEST authorizer events of the documented shape, on every kind of route", () => {
    for (const request of REQUESTS) {
      const requestFacts = facts(request);
      const route = matchRoute(ROUTE_KEYS, requestFacts.method, requestFacts.rawPath);
      expect(route, request.url).toBeDefined();
      if (route === undefined) continue;

      const event = authorizerEvent(api, requestFacts, route, identity, ["Bearer x", route.routeKey]);

      expect(issues(authorizerSchema.safeParse(event)), request.url).toEqual([]);
      expect(event).not.toHaveProperty("methodArn");
    }
  });

  it("sends payload 2.0 proxy events of the documented shape, with and without an authorizer", () => {
    for (const request of REQUESTS) {
      const requestFacts = facts(request);
      const route = matchRoute(ROUTE_KEYS, requestFacts.method, requestFacts.rawPath);
      if (route === undefined) continue;

      const protectedEvent = proxyEvent(api, requestFacts, route, identity, { context: { sub: "s" } });
      const publicEvent = proxyEvent(api, requestFacts, route, identity, undefined);

      expect(issues(proxySchema.safeParse(protectedEvent)), request.url).toEqual([]);
      expect(issues(proxySchema.safeParse(publicEvent)), request.url).toEqual([]);
    }
  });

  it("would catch a member AWS does not send", () => {
    const requestFacts = facts(REQUESTS[0] as (typeof REQUESTS)[number]);
    const route = matchRoute(ROUTE_KEYS, "GET", "/auth");
    if (route === undefined) throw new Error("no route");
    const event = { ...authorizerEvent(api, requestFacts, route, identity, ["Bearer a"]), methodArn: "x" };

    expect(authorizerSchema.safeParse(event).success).toBe(false);
  });
});

describe("events captured from a running local gateway, against AWS's published schemas", () => {
  let gateway: LocalHttpApi | undefined;

  afterEach(async () => {
    await gateway?.close();
    gateway = undefined;
  });

  function recorder(result: unknown) {
    const events: unknown[] = [];
    const invoker: FunctionInvoker = {
      async invoke(event: unknown): Promise<InvokeResult> {
        events.push(event);
        return { result, timedOut: false, durationMs: 1, logs: [] };
      },
    };
    return { events, invoker };
  }

  it("validates every event sent for protected and public routes", async () => {
    const authorizer = recorder({ isAuthorized: true, context: { sub: "s", scopes: "a b" } });
    const backend = recorder({ statusCode: 200, body: "ok" });
    const routes: Record<string, RouteSettings> = {
      "GET /auth": { ...ENTRA_ROUTE, scopes: ["a"] },
      "ANY /items/{id}": { ...ENTRA_ROUTE },
      "GET /health": { ...ENTRA_ROUTE, authorization: "none" },
      $default: { ...ENTRA_ROUTE },
    };
    gateway = await LocalHttpApi.start({
      settings: { ...DEFAULT_SETTINGS, routes, authorizerResponseMode: "simple" },
      authorizer: authorizer.invoker,
      backend: backend.invoker,
    });

    for (const [path, method, body] of [
      ["/auth?x=1", "GET", undefined],
      ["/items/7", "PUT", '{"a":1}'],
      ["/health", "GET", undefined],
      ["/elsewhere", "POST", "plain"],
    ] as const) {
      const response = await fetch(`${gateway.url}${path}`, {
        method,
        headers: { authorization: "Bearer token", cookie: "c=1" },
        ...(body !== undefined ? { body } : {}),
      });
      expect(response.status, path).toBe(200);
    }

    expect(authorizer.events).toHaveLength(3);
    expect(backend.events).toHaveLength(4);
    for (const event of authorizer.events) expect(issues(authorizerSchema.safeParse(event))).toEqual([]);
    for (const event of backend.events) expect(issues(proxySchema.safeParse(event))).toEqual([]);
  });
});
