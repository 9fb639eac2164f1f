/**
 * The authorizer in front of AppSync (AWS_LAMBDA authorization), in-process: AppSync's documented event,
 * bare and Bearer tokens, the `*` rule, field rules of every kind as deniedFields, ttlOverride against exp.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { UncachedRefusalError } from "../../lambda-src/authorizer/errors.js";
import {
  appSyncEvent,
  bearer,
  CLIENT_ID,
  type InProcessAuthorizer,
  inProcessAuthorizer,
  TENANT,
  userToken,
} from "../support/in-process.js";

afterEach(() => {
  vi.useRealTimers();
});

async function ask(authorizer: InProcessAuthorizer, token: string): Promise<Record<string, unknown>> {
  return (await authorizer.authorize(appSyncEvent(token))) as unknown as Record<string, unknown>;
}

const OTHER_CLIENT = "9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a";

describe("AppSync Lambda authorization", () => {
  it("authorizes a bare token and a Bearer token alike, with string resolverContext and no denied field", async () => {
    const authorizer = await inProcessAuthorizer();
    const token = userToken({ claims: { roles: ["Reader"] } });

    const bare = await ask(authorizer, token);
    const withScheme = await ask(authorizer, bearer(token));

    expect(bare).toEqual(withScheme);
    expect(bare).toEqual({
      isAuthorized: true,
      resolverContext: {
        oid: expect.any(String) as string,
        tid: TENANT,
        clientId: CLIENT_ID,
        scopes: "api.read",
        roles: "Reader",
        tokenVersion: "2.0",
      },
      deniedFields: [],
      ttlOverride: 300,
    });
    expect(authorizer.decisions().at(-1)).toMatchObject({ frontDoor: "appsync", route: "MyNewTask" });
  });

  it.each([
    ["an expired token", userToken({ claims: { lifetimeSeconds: -600 } }), "TOKEN_EXPIRED"],
    ["a Basic credential", "Basic dXNlcjpwYXNz", "MALFORMED_AUTHORIZATION_HEADER"],
    ["a token without a scope or a role", userToken({ claims: { scopes: [] } }), "NO_SCOPES_OR_ROLES"],
  ])("refuses %s with isAuthorized false and nothing else", async (_, token, reason) => {
    const authorizer = await inProcessAuthorizer();

    expect(await ask(authorizer, token)).toEqual({ isAuthorized: false });
    expect(authorizer.decisions().at(-1)).toMatchObject({ decision: "deny", reason });
  });

  it("holds the * rule for using the API at all", async () => {
    const authorizer = await inProcessAuthorizer({
      AUTHZ_FIELD_PERMISSIONS: JSON.stringify({ "*": { roles: ["Api.User"] } }),
    });

    expect(await ask(authorizer, userToken())).toEqual({ isAuthorized: false });
    expect(await ask(authorizer, userToken({ claims: { roles: ["Api.User"] } }))).toMatchObject({
      isAuthorized: true,
    });
    expect(authorizer.decisions().map((line) => line.reason)).toEqual([
      "INSUFFICIENT_PERMISSIONS",
      "ALLOWED",
    ]);
  });

  it("denies exactly the fields whose rule the token fails, for every kind of rule", async () => {
    const authorizer = await inProcessAuthorizer({
      AUTHZ_FIELD_PERMISSIONS: JSON.stringify({
        "Query.reports": { scopes: ["Reports.Read"] },
        "Mutation.createTask": { roles: ["Tasks.Write"] },
        "Mutation.deleteTask": { clients: [OTHER_CLIENT] },
        "Query.me": {},
        "Task.secret": { condition: 'has(claims.idtyp) && claims.idtyp == "app"' },
      }),
    });

    const user = await ask(
      authorizer,
      userToken({ claims: { scopes: ["Reports.Read"], roles: ["Tasks.Write"] } }),
    );
    const app = await ask(
      authorizer,
      userToken({
        claims: { kind: "app", roles: ["Other"], scopes: undefined, clientId: OTHER_CLIENT },
        extra: { idtyp: "app" },
      }),
    );

    expect(user.deniedFields).toEqual(["Mutation.deleteTask", "Task.secret"]);
    expect(app.deniedFields).toEqual(["Query.reports", "Mutation.createTask"]);
  });

  it("never caches beyond the token's remaining lifetime or the configured TTL, and not at all for a token at its end", async () => {
    const configured = await inProcessAuthorizer({ AUTHZ_CACHE_TTL_SECONDS: "60" });
    const authorizer = await inProcessAuthorizer();
    const shortLived = userToken({ claims: { lifetimeSeconds: 100 } });

    const capped = await ask(configured, userToken());
    const byExpiry = await ask(authorizer, shortLived);
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.now() + 100_500);
    const atTheEnd = await ask(authorizer, shortLived);

    expect(capped.ttlOverride).toBe(60);
    expect(byExpiry.ttlOverride).toBeGreaterThanOrEqual(99);
    expect(byExpiry.ttlOverride).toBeLessThanOrEqual(100);
    expect(atTheEnd).toMatchObject({ isAuthorized: true, ttlOverride: 0 });
  });

  it.each([
    ["a key that is not Type.field", { "Query.reports.x": {} }],
    ["a key with a space", { "Query reports": {} }],
    ["a route key", { "GET /reports": {} }],
    ["a type alone", { Mutation: {} }],
  ])("refuses every request when AUTHZ_FIELD_PERMISSIONS has %s, with one ERROR line", async (_, rules) => {
    const authorizer = await inProcessAuthorizer({ AUTHZ_FIELD_PERMISSIONS: JSON.stringify(rules) });

    const error = await authorizer.authorize(appSyncEvent(userToken())).catch((failure: unknown) => failure);

    expect(error).toBeInstanceOf(UncachedRefusalError);
    expect(
      authorizer.logs.filter(
        (line) => line.message === "invalid configuration: every request will be denied",
      ),
    ).toEqual([expect.objectContaining({ level: "ERROR", variable: "AUTHZ_FIELD_PERMISSIONS" })]);
    expect(String(authorizer.logs[0]?.problem)).toContain(
      'must look like "Type.field" (GraphQL names) or "*"',
    );
  });

  it("refuses an AppSync event without an API ID", async () => {
    const authorizer = await inProcessAuthorizer();
    const event = appSyncEvent(userToken());

    const answer = await authorizer.authorize({
      ...event,
      requestContext: { ...event.requestContext, apiId: undefined },
    });

    expect(answer).toMatchObject({ isAuthorized: false });
    expect(authorizer.decisions().at(-1)).toMatchObject({ reason: "UNRECOGNIZED_EVENT" });
  });
});
