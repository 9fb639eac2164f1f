import { readBearerToken } from "./bearer-token.js";
import type { DecisionCore, Outcome } from "./outcome.js";
import { UNAUTHORIZED } from "./outcome.js";
import { breachedRule, restApplicableRule, restRouteOf } from "./permissions.js";
import { type PolicyDocument, policy, routeResource, stageResource } from "./policy.js";
import { isRefusal, type Refusal, refuse } from "./refusal.js";
import { restApiResponse } from "./rest-api-answer.js";
import type { RestApiRequest } from "./rest-api-event.js";
import { tokenWidePolicy } from "./rest-policy.js";

/**
 * A REST API request. A token that proves nothing ends the invocation with "Unauthorized" (401). A verified
 * token gets a policy (a Deny is 403): for its route alone when the cache key holds the method and
 * resource, else for every method of the API at once, since API Gateway evaluates the cached policy
 * against every later method ARN.
 */
export async function decideRestApi(
  request: RestApiRequest,
  { config, verifier }: DecisionCore,
): Promise<Outcome> {
  const { routeRules: rules, restCacheKey } = config;
  const perRoute = rules !== undefined && restCacheKey === "route" && request.resource !== undefined;
  const route = `${request.method} ${request.resource ?? request.path}`;
  const refused = (refusal: Refusal): Outcome => ({
    answer: UNAUTHORIZED,
    refusal,
    token: undefined,
    route,
  });
  if (rules !== undefined && !perRoute && restCacheKey === "route") {
    // A TOKEN event is cached under the token: an answer for one route would be replayed for all.
    return refused(
      refuse(
        "CACHE_KEY_WITHOUT_ROUTE",
        "AUTHZ_REST_CACHE_KEY is route, but a TOKEN authorizer's cache key is the token alone: use REQUEST",
      ),
    );
  }
  if (config.restRulesProblem !== undefined) {
    return refused(refuse("INVALID_CONFIGURATION", `AUTHZ_ROUTE_PERMISSIONS: ${config.restRulesProblem}`));
  }
  const bearer = readBearerToken(request.authorization);
  if (typeof bearer !== "string") {
    return refused(bearer);
  }
  const applicable = perRoute
    ? restApplicableRule(request.method, request.resource, rules)
    : rules === undefined
      ? { routeKey: undefined, rule: undefined }
      : restRouteOf(request.method, request.path, rules);
  const token = await verifier.verify(bearer);
  if (isRefusal(token)) {
    // A verification refusal is an authentication failure (401), or an outage the caller sees as 500.
    return refused(token);
  }
  const breach = isRefusal(applicable)
    ? applicable
    : breachedRule(token, applicable, config.allowedClientIds);
  const { stageArn } = request;
  let document: PolicyDocument;
  if (
    rules === undefined ||
    breachedRule(token, { routeKey: undefined, rule: undefined }, config.allowedClientIds)
  ) {
    // One rule for every method, or a token that fails the baseline everywhere.
    document = policy(breach === undefined ? "Allow" : "Deny", stageResource(stageArn));
  } else if (perRoute) {
    document =
      breach === undefined
        ? policy("Allow", routeResource(stageArn, (applicable as { routeKey: string }).routeKey))
        : policy("Deny", stageResource(stageArn));
  } else {
    document = tokenWidePolicy(
      stageArn,
      rules,
      (rule) => breachedRule(token, { routeKey: undefined, rule }, config.allowedClientIds) === undefined,
    );
  }
  return {
    answer: restApiResponse(token, document, config.usageIdentifierClaim),
    refusal: breach,
    token,
    route,
  };
}
