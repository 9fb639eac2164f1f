import { APPSYNC_REFUSAL, appSyncResponse } from "./appsync-answer.js";
import type { AppSyncRequest } from "./appsync-event.js";
import { readBareOrBearerToken } from "./bearer-token.js";
import type { DecisionCore, Outcome } from "./outcome.js";
import { breachedRule } from "./permissions.js";
import { UNLISTED_ROUTES } from "./policy.js";
import { isRefusal, type Refusal } from "./refusal.js";

/**
 * An AppSync request. AppSync caches the answer by the token and applies its deniedFields to every later
 * query, so the answer is for the token as a whole: the `*` rule to use the API at all (the baseline when
 * unset), and every field whose rule the token fails.
 */
export async function decideAppSync(
  request: AppSyncRequest,
  { config, verifier, now }: DecisionCore,
): Promise<Outcome> {
  const route = request.operationName;
  const refused = (refusal: Refusal): Outcome => ({
    answer: APPSYNC_REFUSAL,
    refusal,
    token: undefined,
    route,
  });
  const bearer = readBareOrBearerToken(request.authorization);
  if (typeof bearer !== "string") {
    return refused(bearer);
  }
  const token = await verifier.verify(bearer);
  if (isRefusal(token)) {
    return refused(token);
  }
  const rules = config.fieldRules;
  const breach = breachedRule(
    token,
    { routeKey: UNLISTED_ROUTES, rule: rules?.get(UNLISTED_ROUTES) },
    config.allowedClientIds,
  );
  if (breach !== undefined) {
    return { answer: APPSYNC_REFUSAL, refusal: breach, token, route };
  }
  const deniedFields = [...(rules ?? [])]
    .filter(
      ([field, rule]) =>
        field !== UNLISTED_ROUTES &&
        breachedRule(token, { routeKey: field, rule }, config.allowedClientIds) !== undefined,
    )
    .map(([field]) => field);
  return {
    answer: appSyncResponse(token, deniedFields, config.cacheTtlSeconds, now() / 1000),
    refusal: undefined,
    token,
    route,
  };
}
