/** `arn:aws:execute-api:eu-west-1:123456789012:a1b2c3/$default` — the API stage every resource lives under. */
export type StageArn = string;

export type Effect = "Allow" | "Deny";

/** Key of the rule that applies to every route (or method) the rules do not list. */
export const UNLISTED_ROUTES = "*";

export interface PolicyStatement {
  Action: "execute-api:Invoke";
  Effect: Effect;
  Resource: string | string[];
}

export interface PolicyDocument {
  Version: "2012-10-17";
  Statement: PolicyStatement[];
}

/**
 * The IAM resource covering every request of one route: `GET /items/{id}` → `<stage>/GET/items/*`, `ANY`
 * as `*`. Requests carry the concrete path (`…/GET/items/42`), which the template's `*` matches. The
 * `$default` route catches whatever no other route does, so it covers the whole stage. A REST API's root
 * resource, `GET /`, is `<stage>/GET/`, as its method ARN is.
 *
 * In IAM a `*` matches any run of characters, `/` included, so `<stage>/GET/items/*` also covers
 * `GET /items/42/history`. An answer naming one route is safe only where API Gateway caches it for this
 * route alone: HTTP APIs with `$context.routeKey` in the identity sources, REST APIs with the method and
 * resource in them. REST answers cached under the token alone name every route (rest-policy.ts).
 */
export function routeResource(stageArn: StageArn, routeKey: string): string {
  if (routeKey === "$default") {
    return `${stageArn}/*`;
  }
  return `${stageArn}/${routePattern(routeKey)}`;
}

/** `GET /items/{id}` → `GET/items/*`: a route's resource below its stage. */
export function routePattern(routeKey: string): string {
  const space = routeKey.indexOf(" ");
  const method = routeKey.slice(0, space);
  const path = routeKey.slice(space + 1).replace(/\{[^}]*\}/g, "*");
  return `${method === "ANY" ? "*" : method}${path}`;
}

/** Every route of the stage: the answer when every route has the same rule, and every Deny. */
export function stageResource(stageArn: StageArn | undefined): string {
  return stageArn === undefined ? "*" : `${stageArn}/*`;
}

export function policy(effect: Effect, resource: string): PolicyDocument {
  return { Version: "2012-10-17", Statement: [statement(effect, resource)] };
}

export function statement(effect: Effect, resource: string | string[]): PolicyStatement {
  return { Action: "execute-api:Invoke", Effect: effect, Resource: resource };
}
