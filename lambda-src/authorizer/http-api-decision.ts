import { readBearerToken } from "./bearer-token.js";
import type { ResponseMode } from "./config.js";
import { allowResponse, denyResponse } from "./http-api-answer.js";
import type { HttpApiRequest } from "./http-api-event.js";
import type { DecisionCore, Outcome } from "./outcome.js";
import { applicableRule, breachedRule } from "./permissions.js";
import { isRefusal, type Refusal, refuse } from "./refusal.js";

/** An HTTP API request: the route's rule, or the baseline for every route when there are no route rules. */
export async function decideHttpApi(
  request: HttpApiRequest,
  { config, verifier }: DecisionCore,
): Promise<Outcome> {
  const route =
    "routeKey" in request.route
      ? request.route.routeKey
      : `${request.route.method} ${request.route.resource}`;
  const refused = (refusal: Refusal): Outcome => httpApiRefusal(refusal, request, config.responseMode, route);
  const bearer = readBearerToken(request.authorization);
  if (typeof bearer !== "string") {
    return refused(bearer);
  }
  const applicable = applicableRule(request.route, config.routeRules);
  if (isRefusal(applicable)) {
    return refused(applicable);
  }
  // With route rules every answer is for one route: cached under the token alone, API Gateway would
  // replay it for every other route. The module puts the route in the cache key; other tooling may not.
  if (config.routeRules !== undefined && !request.identitySource.includes(applicable.routeKey as string)) {
    return refused(
      refuse(
        "CACHE_KEY_WITHOUT_ROUTE",
        "route rules need $context.routeKey in the authorizer's identity sources (modules/entra-authorizer adds it)",
      ),
    );
  }
  const token = await verifier.verify(bearer);
  if (isRefusal(token)) {
    return refused(token);
  }
  const breach = breachedRule(token, applicable, config.allowedClientIds);
  if (breach !== undefined) {
    return { answer: denyResponse(config.responseMode, request.stageArn), refusal: breach, token, route };
  }
  // Without route rules every route has the same rule, so the answer may cover the whole stage.
  const routeKey = config.routeRules === undefined ? undefined : applicable.routeKey;
  return {
    answer: allowResponse(config.responseMode, { token, stageArn: request.stageArn, routeKey }),
    refusal: undefined,
    token,
    route,
  };
}

/** A refusal in the HTTP API's shape; with the response mode unknown, in a shape both modes refuse. */
export function httpApiRefusal(
  refusal: Refusal,
  request: HttpApiRequest | undefined,
  mode: ResponseMode | undefined,
  route: string | undefined,
): Outcome {
  return { answer: denyResponse(mode, request?.stageArn), refusal, token: undefined, route };
}
