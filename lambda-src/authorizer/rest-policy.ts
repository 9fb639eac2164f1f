import type { RouteRule, RouteRules } from "./config.js";
import {
  type PolicyDocument,
  type PolicyStatement,
  routePattern,
  type StageArn,
  stageResource,
  statement,
  UNLISTED_ROUTES,
} from "./policy.js";

/**
 * Answers a REST API caches under the token alone (a TOKEN authorizer, or a REQUEST authorizer whose
 * identity sources are the Authorization header only). API Gateway evaluates such an answer against every
 * later method ARN of the API for the TTL ("To enable caching, your authorizer must return a policy that is
 * applicable to all methods across an API", configure-api-gateway-lambda-authorization-with-console), so it
 * names every route: Allow for the routes the token may call, and, where the token passes the `"*"` rule,
 * the whole stage with a Deny for each listed route it may not call. IAM's `*` crosses `/` and a Deny wins.
 *
 * That answer is exact only for rule sets in which no route's pattern can match a request of a route with
 * another rule (tokenWideProblem). Otherwise it would answer some route with another route's rule: such
 * rule sets are refused, and a REQUEST authorizer with the method and resource in its cache key serves
 * them instead.
 */

/** An AWS limit on each Resource of an authorizer's policy (api-gateway-lambda-authorizer-output). */
export const MAX_RESOURCE_LENGTH = 512;
/**
 * AWS documents no size limit of a REST authorizer's answer; the one it documents for Lambda authorizers,
 * WebSocket APIs' "AWS Lambda authorizer result size", is 8 KB. The largest token-wide answer stays within.
 */
export const MAX_POLICY_BYTES = 8 * 1024;
/** A REST resource path: `/`, or segments of unreserved characters, `{name}`, and a last `{name+}`. */
const REST_PATH =
  /^\/(?:(?:[A-Za-z0-9._~-]+|\{[A-Za-z0-9._-]+\})(?:\/(?:[A-Za-z0-9._~-]+|\{[A-Za-z0-9._-]+\}))*(?:\/\{[A-Za-z0-9._-]+\+\})?|\{[A-Za-z0-9._-]+\+\})?$/;

/** Why these rules cannot be one answer for every method of a REST API, or undefined when they can. */
export function tokenWideProblem(rules: RouteRules): string | undefined {
  const unlisted = rules.get(UNLISTED_ROUTES);
  const listed = [...rules].filter(([routeKey]) => routeKey !== UNLISTED_ROUTES);
  for (const [routeKey] of listed) {
    const path = routeKey.slice(routeKey.indexOf(" ") + 1);
    if (routeKey === "$default" || !REST_PATH.test(path)) {
      return `${JSON.stringify(routeKey)} is not a REST API method such as "GET /items/{id}" or "ANY /{proxy+}"`;
    }
  }
  for (const [index, [routeKey, rule]] of listed.entries()) {
    const pattern = routePattern(routeKey);
    // The "*" rule covers methods the rules do not list, which may lie under any pattern with a `*`.
    if (unlisted !== undefined && pattern.includes("*") && !sameRule(rule, unlisted)) {
      return `${JSON.stringify(routeKey)} has its own rule and a pattern (${pattern}) that also matches methods the "*" rule covers`;
    }
    for (const [otherKey, otherRule] of listed.slice(index + 1)) {
      if (!sameRule(rule, otherRule) && patternsOverlap(pattern, routePattern(otherKey))) {
        return `${JSON.stringify(routeKey)} and ${JSON.stringify(otherKey)} have different rules and patterns that match the same requests`;
      }
    }
  }
  return undefined;
}

/**
 * Why these rules cannot be answered per method and resource, or undefined. A REQUEST event names the
 * resource and the request's method, not whether the API's method is that method or ANY: with a `"*"` rule,
 * a listed `ANY /x` cannot be told from an unlisted `GET /x`, so they must have the same rule.
 */
export function perRouteProblem(rules: RouteRules): string | undefined {
  const unlisted = rules.get(UNLISTED_ROUTES);
  for (const [routeKey, rule] of rules) {
    if (unlisted !== undefined && routeKey.startsWith("ANY ") && !sameRule(rule, unlisted)) {
      return `${JSON.stringify(routeKey)} has its own rule, but a REQUEST event cannot tell it from a method of the same resource that the "*" rule covers: list that resource's methods instead`;
    }
  }
  return undefined;
}

/**
 * The answer for one token, for every method: `passes` says whether the token meets a rule. Each rule is
 * asked once per route; at most one Allow and one Deny statement, each listing its resources.
 */
export function tokenWidePolicy(
  stageArn: StageArn,
  rules: RouteRules,
  passes: (rule: RouteRule) => boolean,
): PolicyDocument {
  const unlisted = rules.get(UNLISTED_ROUTES);
  const allowed: string[] = [];
  const denied: string[] = [];
  for (const [routeKey, rule] of rules) {
    if (routeKey !== UNLISTED_ROUTES) {
      (passes(rule) ? allowed : denied).push(`${stageArn}/${routePattern(routeKey)}`);
    }
  }
  const statements: PolicyStatement[] =
    unlisted !== undefined && passes(unlisted)
      ? [
          statement("Allow", stageResource(stageArn)),
          ...(denied.length > 0 ? [statement("Deny", denied)] : []),
        ]
      : allowed.length > 0
        ? [statement("Allow", allowed)]
        : [statement("Deny", stageResource(stageArn))];
  return { Version: "2012-10-17", Statement: statements };
}

/**
 * A stage ARN as long as API Gateway makes them (a GovCloud partition and Region, a 128-character stage
 * name): the size checks below hold for any stage.
 */
const LONGEST_STAGE_ARN = `arn:aws-us-gov:execute-api:us-gov-west-1:123456789012:abcdefghij/${"s".repeat(128)}`;
/** Room left in an answer for principalId and the caller's context. */
const CONTEXT_ALLOWANCE_BYTES = 2048;

/** Why the largest token-wide answer of these rules would be too large for API Gateway, or undefined. */
export function policySizeProblem(rules: RouteRules): string | undefined {
  for (const routeKey of rules.keys()) {
    const resource = `${LONGEST_STAGE_ARN}/${routeKey === UNLISTED_ROUTES ? "*" : routePattern(routeKey)}`;
    if (resource.length > MAX_RESOURCE_LENGTH) {
      return `the resource of ${JSON.stringify(routeKey)} can exceed ${MAX_RESOURCE_LENGTH} characters`;
    }
  }
  // The two largest answers: every listed route allowed, or the stage allowed and every listed route denied.
  const unlisted = rules.get(UNLISTED_ROUTES);
  const largest = Math.max(
    JSON.stringify(tokenWidePolicy(LONGEST_STAGE_ARN, rules, (rule) => rule !== unlisted)).length,
    JSON.stringify(tokenWidePolicy(LONGEST_STAGE_ARN, rules, (rule) => rule === unlisted)).length,
  );
  return largest + CONTEXT_ALLOWANCE_BYTES > MAX_POLICY_BYTES
    ? `a token-wide answer can reach ${largest} bytes, and with the caller's context exceed ${MAX_POLICY_BYTES}: use fewer or shorter routes`
    : undefined;
}

/**
 * Whether two IAM patterns (`*` for any run of characters, no `?`) match a common string. Two literals
 * must be equal; a literal must match the other pattern; two patterns with a `*` share a string exactly
 * when one's literal start is a prefix of the other's and one's literal end a suffix of the other's: the
 * stars absorb everything in between.
 */
export function patternsOverlap(a: string, b: string): boolean {
  const aOpen = a.includes("*");
  const bOpen = b.includes("*");
  if (!aOpen || !bOpen) {
    return aOpen ? patternMatches(a, b) : bOpen ? patternMatches(b, a) : a === b;
  }
  const [aStart, aEnd] = [a.slice(0, a.indexOf("*")), a.slice(a.lastIndexOf("*") + 1)];
  const [bStart, bEnd] = [b.slice(0, b.indexOf("*")), b.slice(b.lastIndexOf("*") + 1)];
  return (
    (aStart.startsWith(bStart) || bStart.startsWith(aStart)) && (aEnd.endsWith(bEnd) || bEnd.endsWith(aEnd))
  );
}

/** Whether an IAM pattern (`*` for any run of characters, `/` included) matches a literal. */
export function patternMatches(pattern: string, literal: string): boolean {
  const source = pattern
    .split("*")
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
    .join("[\\s\\S]*");
  return new RegExp(`^${source}$`).test(literal);
}

/** Two rules that every token meets alike: the same parts (conditions by their source). */
function sameRule(a: RouteRule, b: RouteRule): boolean {
  const parts = (rule: RouteRule) =>
    JSON.stringify([
      [...rule.scopes].sort(),
      [...rule.roles].sort(),
      [...rule.clients].sort(),
      rule.condition?.source ?? null,
    ]);
  return parts(a) === parts(b);
}
