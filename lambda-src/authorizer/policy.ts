/** `arn:aws:execute-api:eu-west-1:123456789012:a1b2c3/$default` — the API stage every resource lives under. */
export type StageArn = string;

export interface PolicyDocument {
  Version: "2012-10-17";
  Statement: [{ Action: "execute-api:Invoke"; Effect: "Allow" | "Deny"; Resource: string }];
}

/**
 * The IAM resource covering every request of one route: `GET /items/{id}` → `<stage>/GET/items/*`, `ANY`
 * as `*`. Requests carry the concrete path (`…/GET/items/42`), which the template's `*` matches. The
 * `$default` route catches whatever no other route does, so it covers the whole stage.
 *
 * In IAM a `*` matches any run of characters, `/` included, so `<stage>/GET/items/*` also covers
 * `GET /items/42/history`. That is safe only because the module puts `$context.routeKey` in the identity
 * sources whenever route rules exist: API Gateway then caches this answer for this route alone and never
 * evaluates it for another route.
 */
export function routeResource(stageArn: StageArn, routeKey: string): string {
  if (routeKey === "$default") {
    return `${stageArn}/*`;
  }
  const space = routeKey.indexOf(" ");
  const method = routeKey.slice(0, space);
  const path = routeKey.slice(space + 1).replace(/\{[^}]*\}/g, "*");
  return `${stageArn}/${method === "ANY" ? "*" : method}${path}`;
}

/** Every route of the stage: the answer when every route has the same rule, and every Deny. */
export function stageResource(stageArn: StageArn | undefined): string {
  return stageArn === undefined ? "*" : `${stageArn}/*`;
}

export function policy(effect: "Allow" | "Deny", resource: string): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [{ Action: "execute-api:Invoke", Effect: effect, Resource: resource }],
  };
}
