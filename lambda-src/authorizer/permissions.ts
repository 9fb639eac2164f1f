import type { RouteRule, RouteRules } from "./config.js";
import { errorName } from "./errors.js";
import { claimText, type Refusal, refuse } from "./refusal.js";
import type { RouteReference } from "./http-api-event.js";
import { routePattern, UNLISTED_ROUTES } from "./policy.js";
import { patternMatches } from "./rest-policy.js";
import type { VerifiedToken } from "./verify.js";

export { UNLISTED_ROUTES } from "./policy.js";

/** The rule a request is held to, and the key of the route it asked for (undefined: not known). */
export interface ApplicableRule {
  readonly routeKey: string | undefined;
  /** Undefined: the baseline alone. */
  readonly rule: RouteRule | undefined;
}

/**
 * Finds the rule of the requested route. Payload 2.0: the route's own rule, else the `*` rule. Payload 1.0
 * events carry no route key, so `METHOD resource` and then `ANY resource` are tried; anything else might be
 * an `ANY` or `$default` route that the event cannot name, and is refused rather than given the `*` rule.
 */
export function applicableRule(
  route: RouteReference,
  rules: RouteRules | undefined,
): ApplicableRule | Refusal {
  if ("routeKey" in route) {
    if (rules === undefined) {
      return { routeKey: route.routeKey, rule: undefined };
    }
    const rule = rules.get(route.routeKey) ?? rules.get(UNLISTED_ROUTES);
    return rule === undefined
      ? refuse("ROUTE_NOT_CONFIGURED", route.routeKey)
      : { routeKey: route.routeKey, rule };
  }
  if (rules === undefined) {
    return { routeKey: undefined, rule: undefined };
  }
  for (const routeKey of [`${route.method} ${route.resource}`, `ANY ${route.resource}`]) {
    const rule = rules.get(routeKey);
    if (rule !== undefined) {
      return { routeKey, rule };
    }
  }
  return refuse(
    "ROUTE_UNKNOWN",
    `payload 1.0 event for ${route.method} ${route.resource} names no route key: use payload format 2.0`,
  );
}

/**
 * The rule of a REST API request, by its method and resource template (REQUEST events name both): the
 * method's own rule, else its resource's `ANY` rule, else the `*` rule. Only for answers cached per
 * method and resource: a token-wide answer applies every rule at once (rest-policy.ts).
 */
export function restApplicableRule(
  method: string,
  resource: string,
  rules: RouteRules | undefined,
): ApplicableRule | Refusal {
  const routeKey = `${method} ${resource}`;
  if (rules === undefined) {
    return { routeKey, rule: undefined };
  }
  for (const key of [routeKey, `ANY ${resource}`, UNLISTED_ROUTES]) {
    const rule = rules.get(key);
    if (rule !== undefined) {
      return { routeKey: key === UNLISTED_ROUTES ? routeKey : key, rule };
    }
  }
  return refuse("ROUTE_NOT_CONFIGURED", routeKey);
}

/**
 * The listed route whose pattern matches a REST request's method and concrete path, for naming the
 * decision of a token-wide answer: in a rule set that passed tokenWideProblem, routes whose patterns match
 * one request share their rule. Else the `*` rule, or none.
 */
export function restRouteOf(method: string, path: string, rules: RouteRules): ApplicableRule | Refusal {
  const request = `${method}${path}`;
  for (const [routeKey, rule] of rules) {
    if (routeKey !== UNLISTED_ROUTES && patternMatches(routePattern(routeKey), request)) {
      return { routeKey, rule };
    }
  }
  const unlisted = rules.get(UNLISTED_ROUTES);
  return unlisted === undefined
    ? refuse("ROUTE_NOT_CONFIGURED", `${method} ${path}`)
    : { routeKey: `${method} ${path}`, rule: unlisted };
}

/**
 * Why a verified token may not call the route, or undefined when it may. The baseline comes first and
 * always: a token with neither a scope nor a role is refused (any app in a tenant can get a token without
 * roles for an API that does not require assignment). Then every part of the rule that is set must hold:
 * any one of its scopes or roles (exact match, as API Gateway's JWT authorizer does), its clients, its
 * condition.
 */
export function breachedRule(
  token: VerifiedToken,
  applicable: ApplicableRule,
  allowedClientIds: ReadonlySet<string> | undefined,
): Refusal | undefined {
  if (token.scopes.length === 0 && token.roles.length === 0) {
    return refuse("NO_SCOPES_OR_ROLES");
  }
  if (allowedClientIds !== undefined && !allowedClientIds.has(token.clientId)) {
    return refuse("CLIENT_NOT_ALLOWED", `client ${token.clientId}`);
  }
  const { rule, routeKey } = applicable;
  if (rule === undefined) {
    return undefined;
  }
  const route = routeKey ?? "";
  if (
    (rule.scopes.length > 0 || rule.roles.length > 0) &&
    !rule.scopes.some((scope) => token.scopes.includes(scope)) &&
    !rule.roles.some((role) => token.roles.includes(role))
  ) {
    return refuse("INSUFFICIENT_PERMISSIONS", route);
  }
  if (rule.clients.length > 0 && !rule.clients.includes(token.clientId)) {
    return refuse("CLIENT_NOT_ALLOWED", `client ${token.clientId} on ${route}`);
  }
  if (rule.condition !== undefined) {
    let holds: boolean;
    try {
      holds = rule.condition.evaluate(token.claims);
    } catch (error) {
      return refuse("CONDITION_ERROR", `${route}: ${errorName(error)}`);
    }
    if (!holds) {
      return refuse("CONDITION_NOT_MET", `${route}: ${claimText(rule.condition.source)}`);
    }
  }
  return undefined;
}
