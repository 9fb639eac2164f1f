/**
 * The REST API counterpart of cache-model.test.ts: whatever API Gateway's authorizer cache replays, it
 * decides what the rules say for the method the request reaches, for every generated resource tree.
 *
 * A REST API caches an answer under its identity sources and evaluates the cached IAM policy against each
 * later request's method ARN (`*` crosses `/`, Deny wins). With a TOKEN authorizer the key is the token
 * alone, so one answer is replayed for every method of the API; with a REQUEST authorizer whose identity
 * sources hold the method and resource, for that method only. Routing is the local gateway's emulation of
 * REST APIs' (the most specific resource, then its method, then ANY).
 *
 * The expected decision is computed here, from the rules, independently of the authorizer: the method's
 * own rule, else the `*` rule, else a refusal; a rule with scopes or roles wants one of them, an empty
 * rule a scope or a role. A rule set the authorizer cannot answer exactly under the token alone must be
 * refused for every request, never answered approximately.
 */
import { describe, expect, it } from "vitest";
import { UncachedRefusalError } from "../../lambda-src/authorizer/errors.js";
import { matchRestMethod } from "../../local/gateway/rest-route-match.js";
import { evaluatePolicy } from "../support/iam-policy.js";
import {
  bearer,
  inProcessAuthorizer,
  REST_STAGE_ARN,
  restRequestEvent,
  restTokenEvent,
  userToken,
} from "../support/in-process.js";

const METHOD_POOL = [
  "GET /",
  "GET /items",
  "POST /items",
  "GET /items/{id}",
  "DELETE /items/{id}",
  "GET /items/{id}/history",
  "ANY /health",
  "GET /health",
  "GET /admin",
  "ANY /admin",
  "GET /a/{x}/c",
  "GET /a/b/{y}",
  "ANY /{proxy+}",
  "GET /files/{path+}",
  "PUT /files/{path+}",
];
const REQUESTS: readonly (readonly [method: string, path: string])[] = [
  ["GET", "/"],
  ["GET", "/items"],
  ["POST", "/items"],
  ["GET", "/items/1"],
  ["DELETE", "/items/1"],
  ["GET", "/items/1/history"],
  ["GET", "/health"],
  ["POST", "/health"],
  ["GET", "/admin"],
  ["PUT", "/admin"],
  ["GET", "/a/b/c"],
  ["GET", "/a/z/c"],
  ["GET", "/a/b/z"],
  ["GET", "/files/x/y.txt"],
  ["PUT", "/files/x"],
  ["GET", "/elsewhere/deep/path"],
  ["PATCH", "/items/1/history"],
];
const SCOPES = ["read", "write"];
const ROLES = ["Admin"];
const GRANTS: readonly { scopes: string[]; roles: string[] }[] = [
  { scopes: [], roles: [] },
  { scopes: ["read"], roles: [] },
  { scopes: ["write"], roles: [] },
  { scopes: [], roles: ["Admin"] },
  { scopes: ["read"], roles: ["Admin"] },
];
const MAPS = 100;

type Rule = { scopes: string[]; roles: string[] };

/** mulberry32: a small seeded generator, so a failure names a tree that can be replayed. */
function generator(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface ResourceTree {
  readonly seed: number;
  /** Every method of the API. */
  readonly methods: string[];
  /** Without "*", every method is listed (a TOKEN authorizer's rules must name every method). */
  readonly rules: Record<string, Rule>;
}

function resourceTree(seed: number): ResourceTree {
  const random = generator(seed);
  const pick = <T>(items: readonly T[]) => items.filter(() => random() < 0.5);
  const methods = pick(METHOD_POOL);
  if (methods.length === 0) {
    methods.push("GET /items/{id}");
  }
  // Few distinct rules, so that trees whose overlapping methods share a rule are common.
  const palette: Rule[] = [
    { scopes: [], roles: [] },
    { scopes: pick(SCOPES), roles: pick(ROLES) },
  ];
  const ruleOf = () => palette[random() < 0.6 ? 0 : 1] as Rule;
  const rules: Record<string, Rule> = {};
  const withUnlisted = random() < 0.5;
  for (const method of methods) {
    if (!withUnlisted || random() < 0.5) {
      rules[method] = ruleOf();
    }
  }
  if (withUnlisted) {
    rules["*"] = ruleOf();
  }
  return { seed, methods, rules };
}

/** What the rules say for a token on the method a request reaches. */
function expected(tree: ResourceTree, methodKey: string, grants: Rule): boolean {
  const rule = tree.rules[methodKey] ?? tree.rules["*"];
  if (rule === undefined || (grants.scopes.length === 0 && grants.roles.length === 0)) {
    return false;
  }
  if (rule.scopes.length === 0 && rule.roles.length === 0) {
    return true;
  }
  return (
    rule.scopes.some((scope) => grants.scopes.includes(scope)) ||
    rule.roles.some((role) => grants.roles.includes(role))
  );
}

function tokenFor(grants: Rule): string {
  const app = grants.roles.length > 0;
  return bearer(
    userToken({
      claims: app ? { kind: "app", roles: grants.roles, scopes: undefined } : { scopes: grants.scopes },
      extra: app && grants.scopes.length > 0 ? { scp: grants.scopes.join(" ") } : {},
    }),
  );
}

interface Routed {
  readonly method: string;
  readonly path: string;
  readonly methodKey: string;
  readonly resource: string;
}

describe.each([
  ["a TOKEN authorizer (cache key: the token)", "token"],
  ["a REQUEST authorizer with the method and resource in its cache key", "route"],
] as const)("API Gateway's REST cache in front of %s", (_, cacheKey) => {
  const tokens = GRANTS.map((grants) => ({ grants, authorization: tokenFor(grants) }));
  const tally = { replays: 0, answered: 0, refused: 0 };

  it.each(Array.from({ length: MAPS }, (_, index) => index + 1))(
    "never answers a request from the cache otherwise than the rules say (resource tree %i)",
    async (seed) => {
      const tree = resourceTree(seed);
      const authorizer = await inProcessAuthorizer({
        AWS_LAMBDA_LOG_LEVEL: "FATAL",
        AUTHZ_ROUTE_PERMISSIONS: JSON.stringify(tree.rules),
        AUTHZ_REST_CACHE_KEY: cacheKey,
      }).catch((error: unknown) => error);
      const routed: Routed[] = REQUESTS.flatMap(([method, path]) => {
        const match = matchRestMethod(tree.methods, method, path);
        return match === undefined ? [] : [{ method, path, ...match }];
      });
      const ask = (authorization: string, request: Routed) =>
        (authorizer as Awaited<ReturnType<typeof inProcessAuthorizer>>).authorize(
          cacheKey === "token"
            ? restTokenEvent(authorization, request.method, request.path)
            : restRequestEvent(authorization, request.method, request.resource, request.path),
        );
      const keyOf = (authorization: string, request: Routed) =>
        cacheKey === "token" ? authorization : `${authorization}\n${request.method}\n${request.resource}`;
      const allows = (answer: unknown, request: Routed) =>
        evaluatePolicy(
          (answer as { policyDocument: never }).policyDocument,
          `${REST_STAGE_ARN}/${request.method}${request.path}`,
        ) === "Allow";

      for (const { grants, authorization } of tokens) {
        const answers = new Map<Routed, unknown>();
        for (const request of routed) {
          const answer = await ask(authorization, request).catch((error: unknown) => error);
          if (answer instanceof UncachedRefusalError) {
            // Refused, never answered: every request of this tree must be refused the same way.
            expect(answer.reason, `tree ${JSON.stringify(tree)}`).toBe("INVALID_CONFIGURATION");
            answers.set(request, answer);
            continue;
          }
          expect(
            allows(answer, request),
            `tree ${JSON.stringify(tree)}: ${request.method} ${request.path} (${request.methodKey}) for ${JSON.stringify(grants)}`,
          ).toBe(expected(tree, request.methodKey, grants));
          answers.set(request, answer);
        }
        const refusedTree = [...answers.values()].some((answer) => answer instanceof UncachedRefusalError);
        if (refusedTree) {
          expect([...answers.values()].every((answer) => answer instanceof UncachedRefusalError)).toBe(true);
          continue;
        }
        for (const first of routed) {
          for (const later of routed) {
            if (keyOf(authorization, first) !== keyOf(authorization, later)) {
              continue;
            }
            expect(
              allows(answers.get(first), later),
              `tree ${JSON.stringify(tree)}: answer for ${first.method} ${first.path} replayed for ${later.method} ${later.path} (${later.methodKey}), ${JSON.stringify(grants)}`,
            ).toBe(expected(tree, later.methodKey, grants));
            tally.replays += 1;
          }
        }
      }
      if (routed.length > 0) {
        const outcome = await ask(
          (tokens[0] as { authorization: string }).authorization,
          routed[0] as Routed,
        ).catch((error: unknown) => error);
        tally[outcome instanceof UncachedRefusalError ? "refused" : "answered"] += 1;
      }
    },
  );

  it("checked enough replays, of trees answered and of trees refused", () => {
    expect(tally.replays).toBeGreaterThan(800);
    expect(tally.answered).toBeGreaterThan(20);
    expect(tally.refused).toBeGreaterThan(cacheKey === "token" ? 5 : 0);
  });
});
