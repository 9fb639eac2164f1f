/**
 * The property the security model rests on: whatever API Gateway's authorizer cache replays, it decides
 * exactly what the authorizer would decide when asked directly.
 *
 * API Gateway keys its cache by the identity sources' values and replays one answer for every request with
 * the same key, across routes unless `$context.routeKey` is a source. An IAM answer is evaluated against
 * each request's ARN (`*` and `?` match across `/`, Deny wins); a simple answer's isAuthorized is reused
 * as it is. The identity sources are the module's: the route key joins the header whenever route rules
 * exist. Routing is the local gateway's emulation of API Gateway's (most specific route, then `$default`).
 */
import { beforeAll, describe, expect, it } from "vitest";
import { matchRoute } from "../../local/gateway/route-match.js";
import { evaluatePolicy } from "../support/iam-policy.js";
import { bearer, event, inProcessAuthorizer, STAGE_ARN, userToken } from "../support/in-process.js";

const ROUTE_POOL = [
  "GET /items",
  "GET /items/{id}",
  "GET /items/{id}/history",
  "POST /items",
  "DELETE /items/{id}",
  "ANY /health",
  "GET /admin/health",
  "ANY /admin",
  "GET /admin",
  "GET /a/{x}/c",
  "GET /a/b/{y}",
  "GET /{proxy+}",
  "ANY /files/{path+}",
  "$default",
];
const REQUESTS: readonly (readonly [method: string, path: string])[] = [
  ["GET", "/items"],
  ["POST", "/items"],
  ["GET", "/items/1"],
  ["DELETE", "/items/1"],
  ["GET", "/items/1/history"],
  ["GET", "/health"],
  ["POST", "/health"],
  ["GET", "/admin/health"],
  ["GET", "/admin"],
  ["PUT", "/admin"],
  ["GET", "/a/b/c"],
  ["GET", "/a/z/c"],
  ["GET", "/a/b/z"],
  ["GET", "/files/x/y.txt"],
  ["GET", "/elsewhere/deep/path"],
  ["PATCH", "/"],
];
const SCOPES = ["read", "write"];
const ROLES = ["Admin"];
const GRANTS: readonly { scopes?: string[]; roles?: string[] }[] = [
  {},
  { scopes: ["read"] },
  { scopes: ["write"] },
  { roles: ["Admin"] },
  { scopes: ["read"], roles: ["Admin"] },
];
const MAPS = 40;

/** mulberry32: a small seeded generator, so a failure names a map that can be replayed. */
function generator(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface RouteMap {
  readonly seed: number;
  readonly routes: string[];
  /** Undefined: no route rules, the baseline for every route. */
  readonly rules: Record<string, { scopes?: string[]; roles?: string[] }> | undefined;
}

function routeMap(seed: number): RouteMap {
  const random = generator(seed);
  const pick = <T>(items: readonly T[]) => items.filter(() => random() < 0.5);
  const routes = pick(ROUTE_POOL);
  if (routes.length === 0) {
    routes.push("GET /items/{id}");
  }
  if (random() < 0.2) {
    return { seed, routes, rules: undefined };
  }
  const rules: Record<string, { scopes?: string[]; roles?: string[] }> = {};
  for (const route of [...routes, "*"]) {
    if (random() < 0.7) {
      rules[route] = { scopes: pick(SCOPES), roles: pick(ROLES) };
    }
  }
  return { seed, routes, rules };
}

function cacheKey(authorization: string, routeKey: string, perRoute: boolean): string {
  return perRoute ? `${authorization}\n${routeKey}` : authorization;
}

describe.each(["iam", "simple"])("API Gateway's cache in front of the authorizer, %s answers", (mode) => {
  const tokens = GRANTS.map((grants) =>
    bearer(
      userToken({
        claims:
          grants.roles === undefined
            ? { scopes: grants.scopes ?? [] }
            : { kind: "app", roles: grants.roles, scopes: undefined },
        extra:
          grants.roles !== undefined && grants.scopes !== undefined ? { scp: grants.scopes.join(" ") } : {},
      }),
    ),
  );
  let checked = 0;

  beforeAll(() => {
    checked = 0;
  });

  it.each(Array.from({ length: MAPS }, (_, index) => index + 1))(
    "never answers a request from the cache otherwise than directly (route map %i)",
    async (seed) => {
      const map = routeMap(seed);
      const authorizer = await inProcessAuthorizer({
        AUTHZ_RESPONSE_MODE: mode,
        AWS_LAMBDA_LOG_LEVEL: "ERROR",
        ...(map.rules === undefined ? {} : { AUTHZ_ROUTE_PERMISSIONS: JSON.stringify(map.rules) }),
      });
      const perRoute = map.rules !== undefined;
      const routed = REQUESTS.flatMap(([method, path]) => {
        const match = matchRoute(map.routes, method, path);
        return match === undefined ? [] : [{ method, path, routeKey: match.routeKey }];
      });

      for (const authorization of tokens) {
        const answers = new Map<string, Record<string, unknown>>();
        const direct = new Map<(typeof routed)[number], boolean>();
        for (const request of routed) {
          const answer = (await authorizer.authorize(
            event(authorization, request.routeKey, request.path, request.method),
          )) as Record<string, unknown>;
          direct.set(request, allows(answer, request));
          answers.set(`${request.method} ${request.path}`, answer);
        }
        for (const first of routed) {
          const cached = answers.get(`${first.method} ${first.path}`) as Record<string, unknown>;
          for (const later of routed) {
            if (
              cacheKey(authorization, first.routeKey, perRoute) !==
              cacheKey(authorization, later.routeKey, perRoute)
            ) {
              continue;
            }
            const replayed = allows(cached, later);
            expect(
              replayed,
              `map ${JSON.stringify(map)}: answer for ${first.method} ${first.path} (${first.routeKey}) replayed for ${later.method} ${later.path} (${later.routeKey})`,
            ).toBe(direct.get(later));
            checked += 1;
          }
        }
      }
    },
  );

  it("checked enough replays to mean something", () => {
    expect(checked).toBeGreaterThan(2000);
  });

  function allows(answer: Record<string, unknown>, request: { method: string; path: string }): boolean {
    if (mode === "simple") {
      return answer.isAuthorized === true;
    }
    return (
      evaluatePolicy(answer.policyDocument as never, `${STAGE_ARN}/${request.method}${request.path}`) ===
      "Allow"
    );
  }
});
