/**
 * The authorizer's source end to end, in-process: configuration, event reading, verification with
 * aws-jwt-verify against keys served from memory, Entra's rules, route rules, answers and log lines.
 */
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { type AuthorizerDependencies, createAuthorizer } from "../../lambda-src/authorizer/authorizer.js";
import { UncachedRefusalError } from "../../lambda-src/authorizer/errors.js";
import { DEFAULT_JWKS_TIMINGS } from "../../lambda-src/authorizer/jwks-cache.js";
import type { Fetcher } from "../../lambda-src/authorizer/jwt-library.js";
import { createSigningKey, entraClaims, signJwt } from "../../local/entra/entra-tokens.js";
import { evaluatePolicy } from "../support/iam-policy.js";
import {
  API_APP_ID,
  BASE_ENV,
  bearer,
  CLIENT_ID,
  event,
  eventV1,
  type InProcessAuthorizer,
  inProcessAuthorizer,
  keySetEndpoint,
  OTHER_TENANT,
  SIGNING_KEY,
  STAGE_ARN,
  TENANT,
  userClaims,
  userToken,
} from "../support/in-process.js";
import { exponentOneJwk, forgeForExponentOne } from "../support/forgery.js";

type Answer = Record<string, unknown> & {
  policyDocument?: { Statement: { Effect: string; Resource: string | string[] }[] };
};

async function ask(authorizer: InProcessAuthorizer, request: unknown): Promise<Answer> {
  return (await authorizer.authorize(request, { awsRequestId: "lambda-request-1" })) as Answer;
}

function lastDecision(authorizer: InProcessAuthorizer): Record<string, unknown> {
  const decisions = authorizer.decisions();
  const last = decisions.at(-1);
  if (last === undefined) {
    throw new Error(`no decision line in ${JSON.stringify(authorizer.logs)}`);
  }
  return last;
}

/** What API Gateway concludes for the request's own ARN, by the local gateway's independent evaluator. */
function effect(answer: Answer, arn = `${STAGE_ARN}/GET/auth`): "Allow" | "Deny" {
  if (answer.policyDocument === undefined) {
    throw new Error(`no policy in ${JSON.stringify(answer)}`);
  }
  return evaluatePolicy(answer.policyDocument, arn);
}

async function expectRefused(
  authorizer: InProcessAuthorizer,
  request: unknown,
  reason: string,
): Promise<Answer> {
  const answer = await ask(authorizer, request);
  expect(lastDecision(authorizer)).toMatchObject({ decision: "deny", answer: "deny", reason });
  expect(effect(answer)).toBe("Deny");
  expect(answer.context).toBeUndefined();
  return answer;
}

/**
 * A refusal API Gateway must not cache: the invocation fails (API Gateway answers 500 and caches nothing),
 * after the decision line was written.
 */
async function expectUncached(
  authorizer: InProcessAuthorizer,
  request: unknown,
  reason: string,
): Promise<UncachedRefusalError> {
  const failure = await authorizer.authorize(request, { awsRequestId: "lambda-request-1" }).then(
    (answer) => {
      throw new Error(`expected the invocation to fail, got ${JSON.stringify(answer)}`);
    },
    (error: unknown) => error,
  );
  expect(failure).toBeInstanceOf(UncachedRefusalError);
  expect(failure).toMatchObject({ name: "UncachedRefusalError", reason });
  expect(lastDecision(authorizer)).toMatchObject({ decision: "deny", answer: "error", reason });
  return failure as UncachedRefusalError;
}

afterEach(() => {
  vi.useRealTimers();
});

describe("the authorizer with its defaults", () => {
  let authorizer: InProcessAuthorizer;

  beforeAll(async () => {
    authorizer = await inProcessAuthorizer();
  });

  it("allows a v2 user token on the whole stage and passes the caller to the backend", async () => {
    const answer = await ask(authorizer, event(bearer(userToken())));

    expect(answer.policyDocument).toEqual({
      Version: "2012-10-17",
      Statement: [{ Action: "execute-api:Invoke", Effect: "Allow", Resource: `${STAGE_ARN}/*` }],
    });
    expect(answer.context).toMatchObject({
      tid: TENANT,
      clientId: CLIENT_ID,
      scopes: "api.read",
      roles: "",
      tokenVersion: "2.0",
    });
    expect(answer.principalId).toBe((answer.context as { oid: string }).oid);
    expect(lastDecision(authorizer)).toMatchObject({
      level: "INFO",
      decision: "allow",
      reason: "ALLOWED",
      route: "GET /auth",
      tid: TENANT,
      clientId: CLIENT_ID,
      requestId: "lambda-request-1",
    });
  });

  it("allows a v1 token: sts.windows.net issuer, api:// audience, appid", async () => {
    const token = userToken({ claims: { version: "1.0", audience: `api://${API_APP_ID}` } });

    const answer = await ask(authorizer, event(bearer(token)));

    expect(effect(answer)).toBe("Allow");
    expect(answer.context).toMatchObject({ tokenVersion: "1.0", clientId: CLIENT_ID });
  });

  it("allows an app token that carries roles and no scopes", async () => {
    const token = userToken({ claims: { kind: "app", roles: ["Reports.Read"], scopes: undefined } });

    const answer = await ask(authorizer, event(bearer(token)));

    expect(effect(answer)).toBe("Allow");
    expect(answer.context).toMatchObject({ roles: "Reports.Read", scopes: "" });
  });

  it.each([
    ["no Authorization header", undefined, "MISSING_TOKEN"],
    ["a Basic credential", "Basic dXNlcjpwYXNz", "MALFORMED_AUTHORIZATION_HEADER"],
    ["two tokens", `Bearer ${userToken()}, Bearer ${userToken()}`, "MALFORMED_AUTHORIZATION_HEADER"],
    ["a header over 16 KB", `Bearer ${"a".repeat(16 * 1024 + 1)}.b.c`, "TOKEN_TOO_LARGE"],
    ["three parts that are not JSON", "Bearer aaaa.bbbb.cccc", "MALFORMED_TOKEN"],
  ])("refuses %s", async (_name, authorization, reason) => {
    await expectRefused(authorizer, event(authorization), reason);
  });

  it("refuses a signature spelled with non-zero unused bits, which would otherwise verify", async () => {
    const token = userToken();
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    const last = alphabet.indexOf(token.at(-1) as string);
    const respelled = `${token.slice(0, -1)}${alphabet[last ^ 1]}`;

    await expectRefused(authorizer, event(bearer(respelled)), "MALFORMED_TOKEN");
  });

  it.each([
    ["signed with another key", { key: createSigningKey("test-key-1") }, "INVALID_SIGNATURE"],
    ["signed with an unpublished kid", { key: createSigningKey("unknown-kid") }, "UNKNOWN_SIGNING_KEY"],
    ["with a nonce header (Microsoft Graph)", { header: { nonce: "abc" } }, "GRAPH_TOKEN"],
    ["with a crit header", { header: { crit: ["exp"], exp: 1 } }, "UNSUPPORTED_CRITICAL_HEADER"],
    ["with alg RS384 in the header", { header: { alg: "RS384" } }, "UNSUPPORTED_ALGORITHM"],
  ])("refuses a token %s", async (_name, options, reason) => {
    // Its own authorizer: a failed signature refetches the keys, which holds the next refetch back.
    await expectRefused(await inProcessAuthorizer(), event(bearer(userToken(options))), reason);
  });

  it.each([
    ["from another tenant", { claims: { tenantId: OTHER_TENANT } }, "TENANT_NOT_ALLOWED"],
    ["whose tid disagrees with its iss", { extra: { tid: OTHER_TENANT } }, "INVALID_ISSUER"],
    ["without tid", { extra: { tid: undefined } }, "INVALID_ISSUER"],
    ["from another issuer host", { claims: { authorityHost: "login.example.com" } }, "INVALID_ISSUER"],
    ["for another audience", { claims: { audience: "api://someone-else" } }, "INVALID_AUDIENCE"],
    ["with an array aud holding the API", { extra: { aud: [API_APP_ID] } }, "INVALID_AUDIENCE"],
    ["for Microsoft Graph", { claims: { audience: "https://graph.microsoft.com" } }, "GRAPH_TOKEN"],
    ["without exp", { extra: { exp: undefined } }, "MISSING_EXPIRY"],
    ["without iat", { extra: { iat: undefined } }, "INVALID_ISSUED_AT"],
    ["without azp (v2)", { extra: { azp: undefined } }, "NOT_AN_ACCESS_TOKEN"],
    ["with a nonce claim (an ID token)", { extra: { nonce: "n-0S6_WzA2Mj" } }, "NOT_AN_ACCESS_TOKEN"],
    ["with at_hash (an ID token)", { extra: { at_hash: "77QmUPtjPfzWtF2AnpK9RQ" } }, "NOT_AN_ACCESS_TOKEN"],
    ["with c_hash (an ID token)", { extra: { c_hash: "LDktKdoQak3Pk0cnXxCltA" } }, "NOT_AN_ACCESS_TOKEN"],
    ["with neither scp nor roles", { claims: { scopes: undefined } }, "NO_SCOPES_OR_ROLES"],
    ["whose scp is not a string", { extra: { scp: ["api.read"] } }, "MALFORMED_TOKEN"],
  ])("refuses a token %s", async (_name, options, reason) => {
    // Its own authorizer: a failed signature refetches the keys, which holds the next refetch back.
    await expectRefused(await inProcessAuthorizer(), event(bearer(userToken(options))), reason);
  });

  it("refuses a v1 token without appid", async () => {
    const token = userToken({ claims: { version: "1.0" }, extra: { appid: undefined } });

    await expectRefused(authorizer, event(bearer(token)), "NOT_AN_ACCESS_TOKEN");
  });

  it("refuses the ID token Entra issues to an app that is also the API: aud is the app, roles, no azp", async () => {
    const now = Math.floor(Date.now() / 1000);
    const idToken = signJwt(
      {
        aud: API_APP_ID,
        iss: `https://login.microsoftonline.com/${TENANT}/v2.0`,
        iat: now,
        nbf: now,
        exp: now + 3600,
        name: "Dev User",
        oid: "3a5d6f6e-1b2c-4d5e-8f90-123456789abc",
        preferred_username: "dev.user@contoso.example",
        roles: ["Admin"],
        sub: "AAAAAAAAAAAAAAAAAAAAAIkzqFVrSaSaFHy782bbtaQ",
        tid: TENANT,
        ver: "2.0",
      },
      SIGNING_KEY,
    );

    await expectRefused(authorizer, event(bearer(idToken)), "NOT_AN_ACCESS_TOKEN");
  });

  it("refuses an expired token, one not yet valid, and one issued in the future, each past the 60 s skew", async () => {
    const now = Math.floor(Date.now() / 1000);

    await expectRefused(
      authorizer,
      event(bearer(userToken({ claims: { now: now - 3661 } }))),
      "TOKEN_EXPIRED",
    );
    await expectRefused(
      authorizer,
      event(bearer(userToken({ extra: { nbf: now + 120 } }))),
      "TOKEN_NOT_YET_VALID",
    );
    await expectRefused(
      authorizer,
      event(bearer(userToken({ extra: { iat: now + 120, nbf: now } }))),
      "INVALID_ISSUED_AT",
    );
  });

  it("accepts clocks that differ by less than the 60 s skew", async () => {
    const now = Math.floor(Date.now() / 1000);

    expect(
      effect(await ask(authorizer, event(bearer(userToken({ extra: { iat: now + 30, nbf: now + 30 } }))))),
    ).toBe("Allow");
    expect(effect(await ask(authorizer, event(bearer(userToken({ claims: { now: now - 3630 } })))))).toBe(
      "Allow",
    );
  });

  it("caps a token's lifetime at Entra's 28 hours", async () => {
    const now = Math.floor(Date.now() / 1000);
    const lifetime = (seconds: number) => userToken({ claims: { now, lifetimeSeconds: seconds } });

    expect(effect(await ask(authorizer, event(bearer(lifetime(28 * 3600)))))).toBe("Allow");
    await expectRefused(authorizer, event(bearer(lifetime(28 * 3600 + 1))), "TOKEN_LIFETIME_TOO_LONG");
  });

  it("never logs the token, even when refusing it", async () => {
    const token = userToken({ extra: { nonce: "x" } });

    await ask(authorizer, event(bearer(token)));
    await ask(authorizer, event(bearer(userToken())));

    const logged = JSON.stringify(authorizer.logs);
    expect(logged).not.toContain(token.split(".")[1]);
    expect(logged).not.toContain(token.split(".")[2]);
  });
});

describe("events the authorizer cannot read", () => {
  let authorizer: InProcessAuthorizer;

  beforeAll(async () => {
    authorizer = await inProcessAuthorizer();
  });

  it.each([
    ["null", null],
    ["a string", "GET /auth"],
    ["a REST TOKEN event", { type: "TOKEN", authorizationToken: "Bearer x", methodArn: 42 }],
    ["a routeArn that is not an execute-api ARN", { ...event(bearer("x")), routeArn: "arn:aws:s3:::bucket" }],
    ["a routeKey that is an object", { ...event(bearer("x")), routeKey: { toString: null } }],
    [
      "a 1.0 event whose httpMethod has no toString",
      { ...eventV1("Bearer x", "GET", "/auth"), httpMethod: Object.create(null) as object },
    ],
  ])("denies %s without throwing", async (_name, request) => {
    const answer = await ask(authorizer, request);

    expect(lastDecision(authorizer)).toMatchObject({ decision: "deny", reason: "UNRECOGNIZED_EVENT" });
    expect(answer).toMatchObject({ principalId: "unauthenticated" });
    expect(evaluatePolicy(answer.policyDocument as never, `${STAGE_ARN}/GET/auth`)).toBe("Deny");
  });

  it("answers a deny even when the log line cannot be written", async () => {
    const broken = await inProcessAuthorizer(
      {},
      {
        write: () => {
          throw new Error("EPIPE");
        },
      },
    );

    const answer = await broken.authorize(event(undefined));

    expect(answer).toMatchObject({ principalId: "unauthenticated" });
  });
});

describe("route rules", () => {
  const rules = {
    "GET /items/{id}": { scopes: ["items.read"] },
    "POST /items": { roles: ["Items.Write"], clients: [CLIENT_ID] },
    "GET /admin": { roles: ["Admin"], condition: 'has(claims.idtyp) && claims.idtyp == "app"' },
    "GET /groups": { condition: '"g-admins" in claims.groups' },
    "*": {},
  };
  let authorizer: InProcessAuthorizer;

  beforeAll(async () => {
    authorizer = await inProcessAuthorizer({ AUTHZ_ROUTE_PERMISSIONS: JSON.stringify(rules) });
  });

  it("allows only the requested route's resources, with path parameters as *", async () => {
    const token = userToken({ claims: { scopes: ["items.read"] } });

    const answer = await ask(authorizer, event(bearer(token), "GET /items/{id}", "/items/42"));

    expect(answer.policyDocument?.Statement).toEqual([
      { Action: "execute-api:Invoke", Effect: "Allow", Resource: `${STAGE_ARN}/GET/items/*` },
    ]);
  });

  it("refuses a token that holds none of the route's scopes, naming the route", async () => {
    const token = userToken({ claims: { scopes: ["other"] } });

    await ask(authorizer, event(bearer(token), "GET /items/{id}", "/items/42"));

    expect(lastDecision(authorizer)).toMatchObject({
      reason: "INSUFFICIENT_PERMISSIONS",
      detail: "GET /items/{id}",
    });
  });

  it("holds every part of a rule: a role and a client", async () => {
    const writer = { kind: "app" as const, roles: ["Items.Write"], scopes: undefined };

    const allowed = await ask(
      authorizer,
      event(bearer(userToken({ claims: writer })), "POST /items", "/items"),
    );
    await ask(
      authorizer,
      event(bearer(userToken({ claims: { ...writer, clientId: OTHER_TENANT } })), "POST /items", "/items"),
    );

    expect(evaluatePolicy(allowed.policyDocument as never, `${STAGE_ARN}/POST/items`)).toBe("Allow");
    expect(lastDecision(authorizer)).toMatchObject({ decision: "deny", reason: "CLIENT_NOT_ALLOWED" });
  });

  it("holds a route's condition: true allows, false refuses, an evaluation error refuses with its own reason", async () => {
    const app = userToken({ claims: { kind: "app", roles: ["Admin"], scopes: undefined } });
    const user = userToken({ claims: { roles: ["Admin"] } });

    const allowed = await ask(authorizer, event(bearer(app), "GET /admin", "/admin"));
    await ask(authorizer, event(bearer(user), "GET /admin", "/admin"));
    const conditionNotMet = lastDecision(authorizer);
    await ask(authorizer, event(bearer(userToken()), "GET /groups", "/groups"));

    expect(evaluatePolicy(allowed.policyDocument as never, `${STAGE_ARN}/GET/admin`)).toBe("Allow");
    expect(conditionNotMet).toMatchObject({ reason: "CONDITION_NOT_MET" });
    expect(lastDecision(authorizer)).toMatchObject({ reason: "CONDITION_ERROR" });
  });

  it("gives an unlisted route the * rule, and still names only that route", async () => {
    const answer = await ask(authorizer, event(bearer(userToken()), "DELETE /things/{id}", "/things/7"));

    expect(answer.policyDocument?.Statement[0]).toMatchObject({
      Effect: "Allow",
      Resource: `${STAGE_ARN}/DELETE/things/*`,
    });
  });

  it("denies on the whole stage, so no cached deny can be read as another route's allow", async () => {
    const answer = await ask(authorizer, event(bearer(userToken()), "GET /items/{id}", "/items/1"));

    expect(answer.policyDocument?.Statement).toEqual([
      { Action: "execute-api:Invoke", Effect: "Deny", Resource: `${STAGE_ARN}/*` },
    ]);
  });

  it("refuses a route with no rule when there is no * rule", async () => {
    const strict = await inProcessAuthorizer({ AUTHZ_ROUTE_PERMISSIONS: JSON.stringify({ "GET /a": {} }) });

    await expectRefused(strict, event(bearer(userToken()), "GET /b", "/b"), "ROUTE_NOT_CONFIGURED");
  });

  it.each(["iam", "simple"])(
    "fails without an answer in %s mode when the identity sources lack the route key, naming the fix",
    async (mode) => {
      const authorizer = await inProcessAuthorizer({
        AUTHZ_RESPONSE_MODE: mode,
        AUTHZ_ROUTE_PERMISSIONS: JSON.stringify({ "GET /auth": {} }),
      });
      const token = bearer(userToken());
      const v1 = await inProcessAuthorizer({ AUTHZ_ROUTE_PERMISSIONS: JSON.stringify({ "GET /auth": {} }) });

      await expectUncached(
        authorizer,
        { ...event(token), identitySource: [token] },
        "CACHE_KEY_WITHOUT_ROUTE",
      );
      await expectUncached(
        v1,
        { ...eventV1(token, "GET", "/auth"), identitySource: token },
        "CACHE_KEY_WITHOUT_ROUTE",
      );

      expect(lastDecision(authorizer)).toMatchObject({
        level: "ERROR",
        detail:
          "route rules need $context.routeKey in the authorizer's identity sources (modules/entra-authorizer adds it)",
      });
      const withRoute = await ask(authorizer, event(token));
      expect(mode === "simple" ? withRoute.isAuthorized : effect(withRoute)).toBe(
        mode === "simple" ? true : "Allow",
      );
    },
  );

  it("needs no route key in the identity sources without route rules: every answer is for the whole stage", async () => {
    const authorizer = await inProcessAuthorizer();
    const token = bearer(userToken());

    const answer = await ask(authorizer, { ...event(token), identitySource: [token] });

    expect(effect(answer)).toBe("Allow");
  });

  it("gives a payload 1.0 event its METHOD rule, then its ANY rule, and never the * rule", async () => {
    const v1 = await inProcessAuthorizer({
      AUTHZ_ROUTE_PERMISSIONS: JSON.stringify({
        "GET /a": { scopes: ["a"] },
        "ANY /b": { scopes: ["b"] },
        "*": {},
      }),
    });
    const token = bearer(userToken({ claims: { scopes: ["a", "b"] } }));

    const exact = await ask(v1, eventV1(token, "GET", "/a"));
    const any = await ask(v1, eventV1(token, "POST", "/b", "/b", "ANY /b"));
    await expectUncached(v1, eventV1(token, "GET", "/c"), "ROUTE_UNKNOWN");

    expect(exact.policyDocument?.Statement[0]).toMatchObject({
      Effect: "Allow",
      Resource: `${STAGE_ARN}/GET/a`,
    });
    expect(any.policyDocument?.Statement[0]).toMatchObject({ Effect: "Allow", Resource: `${STAGE_ARN}/*/b` });
    expect(lastDecision(v1)).toMatchObject({ level: "ERROR", reason: "ROUTE_UNKNOWN" });
    expect(String(lastDecision(v1).detail)).toContain("payload format 2.0");
  });

  it("allows a payload 1.0 event on the whole stage when there are no route rules", async () => {
    const plain = await inProcessAuthorizer();

    const answer = await ask(plain, eventV1(bearer(userToken()), "GET", "/anything"));

    expect(answer.policyDocument?.Statement[0]).toMatchObject({
      Effect: "Allow",
      Resource: `${STAGE_ARN}/*`,
    });
  });
});

describe("simple responses", () => {
  it("answers isAuthorized true with the caller, and false for a verified token the route refuses", async () => {
    const authorizer = await inProcessAuthorizer({
      AUTHZ_RESPONSE_MODE: "simple",
      AUTHZ_ROUTE_PERMISSIONS: JSON.stringify({
        "GET /auth": { scopes: ["api.read"] },
        "GET /admin": { roles: ["Admin"] },
      }),
    });

    const allowed = await ask(authorizer, event(bearer(userToken())));
    const refused = await ask(authorizer, event(bearer(userToken()), "GET /admin", "/admin"));
    const unauthenticated = await ask(authorizer, event(undefined));

    expect(allowed).toMatchObject({ isAuthorized: true, context: { tid: TENANT } });
    expect(refused).toEqual({ isAuthorized: false });
    expect(unauthenticated).toEqual({ isAuthorized: false });
  });
});

describe("a configuration the authorizer cannot run with", () => {
  it("denies every request and logs one ERROR line naming the variable", async () => {
    const authorizer = await inProcessAuthorizer({ ENTRA_TENANT_ID: "contoso.onmicrosoft.com" });

    const failure = await expectUncached(authorizer, event(bearer(userToken())), "INVALID_CONFIGURATION");

    expect(failure.message).toBe(
      "INVALID_CONFIGURATION: refused without an answer, so that nothing is cached",
    );
    const startup = authorizer.logs.filter(
      (line) => line.message === "invalid configuration: every request will be denied",
    );
    expect(startup).toEqual([expect.objectContaining({ level: "ERROR", variable: "ENTRA_TENANT_ID" })]);
    expect(lastDecision(authorizer)).toMatchObject({ level: "ERROR" });
  });

  it("refuses an unreadable event, whatever the mode, in a shape every front door reads as a refusal", async () => {
    const authorizer = await inProcessAuthorizer({ AUTHZ_RESPONSE_MODE: "simple", ENTRA_AUDIENCE: " " });

    const answer = await ask(authorizer, { version: "2.0" });

    expect(answer).toMatchObject({ isAuthorized: false, principalId: "unauthenticated" });
    expect(effect(answer)).toBe("Deny");
    expect(lastDecision(authorizer)).toMatchObject({ reason: "UNRECOGNIZED_EVENT" });
  });

  it("refuses an unreadable event in a shape both modes read as a refusal when the mode itself is wrong", async () => {
    const authorizer = await inProcessAuthorizer({ AUTHZ_RESPONSE_MODE: "both" });

    const answer = await ask(authorizer, { version: "2.0" });

    expect(answer).toMatchObject({ isAuthorized: false, principalId: "unauthenticated" });
    expect(effect(answer)).toBe("Deny");
  });

  it("rejects a condition that does not compile before any request, naming the route", async () => {
    const authorizer = await inProcessAuthorizer({
      AUTHZ_ROUTE_PERMISSIONS: JSON.stringify({ "GET /auth": { condition: "claims.groups.size() +" } }),
    });

    await expectUncached(authorizer, event(bearer(userToken())), "INVALID_CONFIGURATION");
    const [startup] = authorizer.logs;
    expect(startup).toMatchObject({ level: "ERROR", variable: "AUTHZ_ROUTE_PERMISSIONS" });
    expect(String(startup?.problem)).toContain('"GET /auth"');
  });
});

describe("multi-tenant APIs", () => {
  const templatedIssuer = "https://login.microsoftonline.com/{tenantid}/v2.0";
  let authorizer: InProcessAuthorizer;

  beforeAll(async () => {
    authorizer = await inProcessAuthorizer(
      { ENTRA_ALLOWED_TENANT_IDS: OTHER_TENANT },
      { endpoint: keySetEndpoint([SIGNING_KEY], templatedIssuer) },
    );
  });

  it("accepts the home tenant and a listed tenant, v1 and v2, each under its own tid", async () => {
    for (const tenantId of [TENANT, OTHER_TENANT]) {
      for (const version of ["1.0", "2.0"] as const) {
        const audience = version === "1.0" ? `api://${API_APP_ID}` : API_APP_ID;
        const answer = await ask(
          authorizer,
          event(bearer(userToken({ claims: { tenantId, version, audience } }))),
        );

        expect(effect(answer)).toBe("Allow");
        expect(answer.context).toMatchObject({ tid: tenantId });
      }
    }
  });

  it("refuses an unlisted tenant, and a token whose tid and iss name different allowed tenants", async () => {
    const unlisted = "0f7a4c1e-2a39-4e0a-8b7f-3a5c2d1e0f9b";

    await expectRefused(
      authorizer,
      event(bearer(userToken({ claims: { tenantId: unlisted } }))),
      "TENANT_NOT_ALLOWED",
    );
    await expectRefused(
      authorizer,
      event(bearer(userToken({ claims: { tenantId: OTHER_TENANT }, extra: { tid: TENANT } }))),
      "INVALID_ISSUER",
    );
  });

  it("refuses a token signed by a key that names another tenant as its issuer", async () => {
    const otherTenantsKey = createSigningKey("other-tenants-key");
    const endpoint = keySetEndpoint([SIGNING_KEY], templatedIssuer);
    endpoint.keys.push({
      ...otherTenantsKey.publicJwk,
      issuer: `https://login.microsoftonline.com/${OTHER_TENANT}/v2.0`,
    });
    const tenants = await inProcessAuthorizer({ ENTRA_ALLOWED_TENANT_IDS: OTHER_TENANT }, { endpoint });

    const own = await ask(
      tenants,
      event(bearer(userToken({ claims: { tenantId: OTHER_TENANT }, key: otherTenantsKey }))),
    );
    await expectRefused(
      tenants,
      event(bearer(userToken({ key: otherTenantsKey }))),
      "SIGNING_KEY_ISSUER_MISMATCH",
    );

    expect(effect(own)).toBe("Allow");
  });
});

describe("allowed client applications", () => {
  it("refuses a client that is not on ENTRA_ALLOWED_CLIENT_IDS", async () => {
    const authorizer = await inProcessAuthorizer({ ENTRA_ALLOWED_CLIENT_IDS: CLIENT_ID });

    const listed = await ask(authorizer, event(bearer(userToken())));
    await expectRefused(
      authorizer,
      event(bearer(userToken({ claims: { clientId: OTHER_TENANT } }))),
      "CLIENT_NOT_ALLOWED",
    );

    expect(effect(listed)).toBe("Allow");
  });
});

describe("the verified-token cache", () => {
  it("serves a token seen before without verifying it again", async () => {
    const authorizer = await inProcessAuthorizer();
    const token = bearer(userToken());
    await ask(authorizer, event(token));
    vi.useFakeTimers({ toFake: ["Date"] });
    // Ten minutes earlier the token is not yet valid: only a cache hit can allow it now.
    vi.setSystemTime(Date.now() - 600_000);

    expect(effect(await ask(authorizer, event(token)))).toBe("Allow");
  });

  it("never serves a token past its exp", async () => {
    const authorizer = await inProcessAuthorizer({ AUTHZ_TOKEN_CACHE_SECONDS: "3600" });
    const now = Math.floor(Date.now() / 1000);
    const token = bearer(userToken({ claims: { now, lifetimeSeconds: 120 } }));
    await ask(authorizer, event(token));
    vi.useFakeTimers({ toFake: ["Date"] });

    vi.setSystemTime((now + 120 + 61) * 1000);

    await expectRefused(authorizer, event(token), "TOKEN_EXPIRED");
  });

  it("forgets every token when a signing key is withdrawn", async () => {
    const endpoint = keySetEndpoint([SIGNING_KEY]);
    const authorizer = await inProcessAuthorizer({ ENTRA_JWKS_KEY_RETENTION_HOURS: "0" }, { endpoint });
    const token = bearer(userToken());
    await ask(authorizer, event(token));
    const newKey = createSigningKey("rotated-key");
    endpoint.keys = [{ ...newKey.publicJwk }];

    // A token signed with the new key makes the authorizer refetch, and the refetch finds a new key set.
    const rotated = await ask(authorizer, event(bearer(userToken({ key: newKey }))));
    await ask(authorizer, event(token));

    expect(effect(rotated)).toBe("Allow");
    expect(lastDecision(authorizer)).toMatchObject({ decision: "deny", reason: "UNKNOWN_SIGNING_KEY" });
  });

  it("still applies each route's rule to a cached token", async () => {
    const authorizer = await inProcessAuthorizer({
      AUTHZ_ROUTE_PERMISSIONS: JSON.stringify({ "GET /auth": {}, "GET /admin": { roles: ["Admin"] } }),
    });
    const token = bearer(userToken());

    const first = await ask(authorizer, event(token));
    await ask(authorizer, event(token, "GET /admin", "/admin"));

    expect(effect(first)).toBe("Allow");
    expect(lastDecision(authorizer)).toMatchObject({ reason: "INSUFFICIENT_PERMISSIONS" });
  });

  it("is off with AUTHZ_TOKEN_CACHE_SECONDS=0", async () => {
    const authorizer = await inProcessAuthorizer({ AUTHZ_TOKEN_CACHE_SECONDS: "0" });
    const token = bearer(userToken());
    await ask(authorizer, event(token));
    vi.useFakeTimers({ toFake: ["Date"] });

    vi.setSystemTime(Date.now() - 600_000);

    await expectRefused(authorizer, event(token), "TOKEN_NOT_YET_VALID");
  });
});

describe("the signing keys", () => {
  it("are fetched once, at start-up, before the first request", async () => {
    const authorizer = await inProcessAuthorizer();
    const fetchesAtStartup = authorizer.endpoint.fetches;

    await ask(authorizer, event(bearer(userToken())));
    await ask(authorizer, event(bearer(userToken())));

    expect(fetchesAtStartup).toBe(1);
    expect(authorizer.endpoint.fetches).toBe(1);
  });

  it("deny with JWKS_UNAVAILABLE, logged at ERROR, while the endpoint fails", async () => {
    const endpoint = keySetEndpoint();
    endpoint.fault = new Error("ECONNREFUSED");
    const authorizer = await inProcessAuthorizer({}, { endpoint });

    await expectUncached(authorizer, event(bearer(userToken())), "JWKS_UNAVAILABLE");

    expect(lastDecision(authorizer)).toMatchObject({ level: "ERROR" });
    expect(authorizer.logs[0]).toMatchObject({
      level: "WARN",
      message: "JWKS prefetch failed; requests will retry the fetch",
    });
  });

  it("keep a key the latest fetch left out for ENTRA_JWKS_KEY_RETENTION_HOURS, 48 by default", async () => {
    const newKey = createSigningKey("key-2");
    const endpoint = keySetEndpoint([SIGNING_KEY]);
    const authorizer = await inProcessAuthorizer({ AUTHZ_TOKEN_CACHE_SECONDS: "0" }, { endpoint });
    const latestOnly = await inProcessAuthorizer(
      { AUTHZ_TOKEN_CACHE_SECONDS: "0", ENTRA_JWKS_KEY_RETENTION_HOURS: "0" },
      { endpoint },
    );
    endpoint.keys = [{ ...newKey.publicJwk }];

    // A token signed with the new key makes each authorizer refetch; that fetch leaves the first key out.
    for (const each of [authorizer, latestOnly]) {
      expect(effect(await ask(each, event(bearer(userToken({ key: newKey })))))).toBe("Allow");
    }
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.now() + 47 * 60 * 60 * 1000);
    const retained = await ask(authorizer, event(bearer(userToken())));
    const dropped = await ask(latestOnly, event(bearer(userToken())));
    vi.setSystemTime(Date.now() + 60 * 60 * 1000);
    const lapsed = await ask(authorizer, event(bearer(userToken())));

    expect(effect(retained)).toBe("Allow");
    expect(effect(dropped)).toBe("Deny");
    expect(lastDecision(latestOnly)).toMatchObject({ reason: "UNKNOWN_SIGNING_KEY" });
    expect(effect(lapsed)).toBe("Deny");
    expect(lastDecision(authorizer)).toMatchObject({ reason: "UNKNOWN_SIGNING_KEY" });
  });

  it("follow new key material under a kid served before: the new key's tokens verify, the old key's no longer", async () => {
    const oldKey = createSigningKey("reused-kid");
    const newKey = createSigningKey("reused-kid");
    const endpoint = keySetEndpoint([oldKey]);
    const authorizer = await inProcessAuthorizer({}, { endpoint });
    const signedWithOld = bearer(userToken({ key: oldKey }));
    const before = await ask(authorizer, event(signedWithOld));
    endpoint.keys = [{ ...newKey.publicJwk }];

    const signedWithNew = await ask(authorizer, event(bearer(userToken({ key: newKey }))));
    const oldAgain = await ask(authorizer, event(signedWithOld));
    const fetches = endpoint.fetches;

    expect(effect(before)).toBe("Allow");
    expect(effect(signedWithNew)).toBe("Allow");
    expect(effect(oldAgain)).toBe("Deny");
    expect(lastDecision(authorizer)).toMatchObject({ reason: "INVALID_SIGNATURE" });
    // The failed signature right after a refetch waits out the refetch interval instead of fetching again.
    expect(fetches).toBe(2);
  });

  it("refetch at most once per interval for failed signatures, so forged signatures cannot flood Entra", async () => {
    const authorizer = await inProcessAuthorizer();
    const forged = (i: number) => {
      const [header, payload] = userToken({ extra: { jti: `forged-${i}` } }).split(".");
      return bearer(`${header}.${payload}.${userToken().split(".")[2]}`);
    };

    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) => ask(authorizer, event(forged(i)))),
    );

    expect(answers.map((answer) => effect(answer))).toEqual(Array.from({ length: 20 }, () => "Deny"));
    expect(new Set(authorizer.decisions().map((line) => line.reason))).toEqual(
      new Set(["INVALID_SIGNATURE"]),
    );
    expect(authorizer.endpoint.fetches).toBe(2);
  });

  it("never trust a key with the RSA exponent 1, whose signatures anyone can forge, and say why", async () => {
    const kid = "exponent-one";
    const endpoint = keySetEndpoint();
    endpoint.keys.push(exponentOneJwk(kid, SIGNING_KEY.publicJwk.n));
    const authorizer = await inProcessAuthorizer({}, { endpoint });

    const forged = forgeForExponentOne(userClaims(), kid, SIGNING_KEY.publicJwk.n);
    await expectRefused(authorizer, event(bearer(forged)), "UNKNOWN_SIGNING_KEY");

    expect(authorizer.logs).toContainEqual(
      expect.objectContaining({
        level: "WARN",
        message: "JWKS key not trusted",
        kid,
        problem: "exponent AQ is not an odd number from 65537 to 2^256 - 1",
      }),
    );
  });

  it("fail a throttled refetch without an answer, so that API Gateway caches no deny for a key Entra just published", async () => {
    const authorizer = await inProcessAuthorizer();
    await ask(authorizer, event(bearer(userToken({ key: createSigningKey("junk") }))));
    const published = createSigningKey("published");
    authorizer.endpoint.keys.push({ ...published.publicJwk });

    await expectUncached(authorizer, event(bearer(userToken({ key: published }))), "JWKS_REFETCH_THROTTLED");
    expect(lastDecision(authorizer)).toMatchObject({ level: "WARN" });
  });

  it("ignore RSA keys shorter than 2048 bits", async () => {
    const { generateKeyPairSync } = await import("node:crypto");
    const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 1024 });
    const jwk = publicKey.export({ format: "jwk" });
    const weakKey = {
      kid: "weak",
      privateKey,
      publicJwk: {
        kty: "RSA" as const,
        use: "sig" as const,
        kid: "weak",
        n: jwk.n as string,
        e: jwk.e as string,
      },
    };
    const endpoint = keySetEndpoint([SIGNING_KEY, weakKey]);
    const authorizer = await inProcessAuthorizer({}, { endpoint });

    await expectRefused(authorizer, event(bearer(userToken({ key: weakKey }))), "UNKNOWN_SIGNING_KEY");
  });
});

describe("log levels", () => {
  it("logs refusals and no allow line at the default level, WARN", async () => {
    const authorizer = await inProcessAuthorizer({ AWS_LAMBDA_LOG_LEVEL: undefined });

    await ask(authorizer, event(bearer(userToken())));
    await ask(authorizer, event(undefined));

    expect(authorizer.decisions()).toEqual([
      expect.objectContaining({ level: "WARN", reason: "MISSING_TOKEN" }),
    ]);
  });

  it("logs only failures of the authorizer itself at ERROR", async () => {
    const authorizer = await inProcessAuthorizer({ AWS_LAMBDA_LOG_LEVEL: "error" });

    await ask(authorizer, event(undefined));

    expect(authorizer.decisions()).toEqual([]);
  });
});

describe("the claims a condition sees", () => {
  it("are the verified payload, including claims the authorizer does not read itself", async () => {
    const authorizer = await inProcessAuthorizer({
      AUTHZ_ROUTE_PERMISSIONS: JSON.stringify({
        "GET /auth": { condition: 'claims.acrs.exists(a, a == "c1")' },
      }),
    });
    const claims = entraClaims({
      tenantId: TENANT,
      audience: API_APP_ID,
      version: "2.0",
      kind: "user",
      scopes: ["s"],
      clientId: CLIENT_ID,
    });

    const answer = await ask(authorizer, event(bearer(signJwt({ ...claims, acrs: ["c1"] }, SIGNING_KEY))));

    expect(effect(answer)).toBe("Allow");
  });
});

describe("the decision line", () => {
  function claimsOf(token: string): Record<string, unknown> {
    return JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString()) as Record<
      string,
      unknown
    >;
  }

  it("names the caller by oid, with the token's tenant, client and version, under the service's name", async () => {
    const authorizer = await inProcessAuthorizer();
    const token = userToken();

    await ask(authorizer, event(bearer(token)));

    const { oid, sub } = claimsOf(token);
    expect(oid).not.toBe(sub);
    expect(lastDecision(authorizer)).toMatchObject({
      service: "entra-authorizer",
      principal: oid,
      tid: TENANT,
      clientId: CLIENT_ID,
      tokenVersion: "2.0",
    });
  });

  it("names the caller by sub when the token has no oid, and names no caller for a refusal", async () => {
    const authorizer = await inProcessAuthorizer();
    const token = userToken({ extra: { oid: undefined } });

    await ask(authorizer, event(bearer(token)));
    const allowed = lastDecision(authorizer);
    await ask(authorizer, event(undefined));

    expect(allowed).toMatchObject({ decision: "allow", principal: claimsOf(token).sub });
    expect(lastDecision(authorizer)).not.toHaveProperty("principal");
  });

  it("says coldStart on the first decision of a container only", async () => {
    const authorizer = await inProcessAuthorizer();

    await ask(authorizer, event(undefined));
    await ask(authorizer, event(undefined));

    expect(authorizer.decisions().map((line) => line.coldStart)).toEqual([true, false]);
  });

  it("carries Lambda's request ID only when it is a string", async () => {
    const authorizer = await inProcessAuthorizer();

    await authorizer.authorize(event(undefined), { awsRequestId: "abc-123" });
    await authorizer.authorize(event(undefined), { awsRequestId: 42 as unknown as string });
    await authorizer.authorize(event(undefined));

    const [named, numbered, anonymous] = authorizer.decisions();
    expect(named).toMatchObject({ requestId: "abc-123" });
    expect(numbered).not.toHaveProperty("requestId");
    expect(anonymous).toMatchObject({ reason: "MISSING_TOKEN" });
    expect(anonymous).not.toHaveProperty("requestId");
  });

  it("gives the latency in milliseconds, rounded to the microsecond", async () => {
    const authorizer = await inProcessAuthorizer();
    const clock = vi.spyOn(performance, "now").mockReturnValueOnce(1000).mockReturnValue(1012.3456789);

    try {
      await ask(authorizer, event(undefined));
    } finally {
      clock.mockRestore();
    }

    expect(lastDecision(authorizer)).toMatchObject({ latencyMs: 12.346 });
  });

  it("names a payload 1.0 event's route by its method and resource", async () => {
    const authorizer = await inProcessAuthorizer();

    await ask(authorizer, eventV1(bearer(userToken()), "GET", "/items/{id}", "/items/7"));

    expect(lastDecision(authorizer)).toMatchObject({ decision: "allow", route: "GET /items/{id}" });
  });

  it("refuses with INTERNAL_ERROR, naming the error's type, when reading the event throws", async () => {
    const authorizer = await inProcessAuthorizer();
    const hostile = Object.defineProperty({ ...event(bearer(userToken())) }, "headers", {
      enumerable: true,
      get() {
        throw new TypeError("no headers for you");
      },
    });

    await expectUncached(authorizer, hostile, "INTERNAL_ERROR");

    expect(lastDecision(authorizer)).toMatchObject({
      level: "ERROR",
      decision: "deny",
      reason: "INTERNAL_ERROR",
      detail: "TypeError",
    });
  });
});

describe("start-up", () => {
  async function start(dependencies: AuthorizerDependencies = {}, env: Record<string, string> = {}) {
    const logs: Record<string, unknown>[] = [];
    const authorize = await createAuthorizer(
      { AWS_LAMBDA_LOG_LEVEL: "DEBUG", ...BASE_ENV, ...env },
      { write: (line) => logs.push(JSON.parse(line) as Record<string, unknown>), ...dependencies },
    );
    return { authorize, logs };
  }

  /** The in-memory endpoint, answering only after `ms`. */
  function slowEndpoint(ms: number): Fetcher {
    const endpoint = keySetEndpoint();
    return {
      async fetch(...args) {
        await new Promise((resolve) => setTimeout(resolve, ms));
        return await endpoint.fetch(...args);
      },
    };
  }

  it("logs nothing when the keys arrive within the budget", async () => {
    const { logs } = await start({ fetcher: keySetEndpoint() });

    expect(logs).toEqual([]);
  });

  it("warns, naming the budget, when the keys take longer, and the first request waits for them", async () => {
    const { authorize, logs } = await start({ fetcher: slowEndpoint(50), prefetchBudgetMs: 5 });
    const startup = [...logs];

    const answer = await authorize(event(bearer(userToken())));

    expect(startup).toEqual([
      expect.objectContaining({
        level: "WARN",
        message: "JWKS prefetch still running after the start-up budget; the first request waits for it",
        budgetMs: 5,
      }),
    ]);
    expect(effect(answer as Answer)).toBe("Allow");
  });

  it("warns, naming the problem, when the keys cannot be fetched", async () => {
    const endpoint = keySetEndpoint();
    endpoint.fault = new Error("ECONNREFUSED");

    const { logs } = await start({ fetcher: endpoint });

    expect(logs).toEqual([
      expect.objectContaining({
        level: "WARN",
        message: "JWKS prefetch failed; requests will retry the fetch",
        error: "JwksUnavailableError",
        problem: "fetch failed: Error",
      }),
    ]);
  });

  it("logs the reason, variable and problem of a configuration it cannot run with, and each refusal names the variable", async () => {
    const { authorize, logs } = await start({ fetcher: keySetEndpoint() }, { ENTRA_TENANT_ID: "contoso" });

    await expect(authorize(event(bearer(userToken())))).rejects.toBeInstanceOf(UncachedRefusalError);

    expect(logs[0]).toMatchObject({
      level: "ERROR",
      message: "invalid configuration: every request will be denied",
      reason: "INVALID_CONFIGURATION",
      variable: "ENTRA_TENANT_ID",
    });
    expect(String(logs[0]?.problem)).toMatch(/^ENTRA_TENANT_ID: /);
    expect(logs[1]).toMatchObject({ reason: "INVALID_CONFIGURATION", detail: "ENTRA_TENANT_ID" });
  });

  it("warns when a background refresh of the keys fails, and keeps answering with the cached keys", async () => {
    const clock = { now: Date.now() };
    const endpoint = keySetEndpoint();
    const { authorize, logs } = await start({
      fetcher: endpoint,
      now: () => clock.now,
      jwksTimings: { ...DEFAULT_JWKS_TIMINGS, refreshIntervalMs: 1000 },
    });
    endpoint.fault = new Error("ECONNRESET");
    clock.now += 1000;

    const answer = await authorize(event(bearer(userToken())));

    expect(effect(answer as Answer)).toBe("Allow");
    await vi.waitFor(() =>
      expect(logs).toContainEqual(
        expect.objectContaining({
          level: "WARN",
          message: "JWKS background refresh failed; keeping the cached keys",
          error: "JwksUnavailableError",
        }),
      ),
    );
    expect(endpoint.fetches).toBe(2);
  });
});
