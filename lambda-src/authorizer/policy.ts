import type { RoutePermissions } from "./config.js";
import { type Grants, satisfies, UNLISTED_ROUTES } from "./permissions.js";

/** `arn:aws:execute-api:eu-west-1:123456789012:a1b2c3/$default` — the API stage every resource lives under. */
export type StageArn = string;

export interface ResourcePlan {
  readonly allow: readonly string[];
  readonly deny: readonly string[];
}

export interface PolicyDocument {
  Version: "2012-10-17";
  Statement: { Action: "execute-api:Invoke"; Effect: "Allow" | "Deny"; Resource: string[] }[];
}

const EXECUTE_API_ARN = /^(arn:[a-z-]+:execute-api:[a-z0-9-]+:\d{12}:[A-Za-z0-9]+\/[^/]+)\/.+$/;

/** The stage ARN of a routeArn/methodArn, taken from the event so no account or API id is hard-coded. */
export function stageArnOf(requestArn: string | undefined): StageArn | undefined {
  return requestArn === undefined ? undefined : EXECUTE_API_ARN.exec(requestArn)?.[1];
}

/**
 * `GET /items/{id}` → `<stage>/GET/items/*`; `ANY` becomes `*`, as does every path parameter.
 * `$default` requests carry `<stage>/$default` as their ARN.
 */
export function routeResource(stageArn: StageArn, routeKey: string): string {
  if (routeKey === "$default") {
    return `${stageArn}/$default`;
  }
  const [method = "", path = ""] = routeKey.split(" ", 2);
  const wildcardPath = path.replace(/\{[^}]*\}/g, "*");
  return `${stageArn}/${method === "ANY" ? "*" : method}${wildcardPath}`;
}

/**
 * Every route this token may call, as IAM resources, so that API Gateway can cache the policy under the
 * token alone and still answer right for every other route. Where an allowed pattern also covers a listed
 * route the token may not call (`*` for unlisted routes covers the whole stage; `GET /items/{id}` covers
 * `GET /items/special`), that route is carved out with an explicit Deny. Where a carve-out would in turn hit
 * an allowed route or the allowed request itself (overlapping templates), the plan keeps only the allowed
 * patterns that cover nothing refused: it can then refuse too much from the cache, never allow too much.
 */
export function planResources(
  stageArn: StageArn,
  grants: Grants,
  permissions: RoutePermissions | undefined,
  request?: { readonly arn: string; readonly allowed: boolean },
): ResourcePlan {
  const wholeStage = `${stageArn}/*`;
  if (permissions === undefined) {
    const allowed = grants.scopes.length > 0 || grants.roles.length > 0;
    return allowed ? { allow: [wholeStage], deny: [] } : { allow: [], deny: [] };
  }
  const allowedRoutes: string[] = [];
  const deniedRoutes: string[] = [];
  let unlistedAllowed = false;
  for (const [routeKey, required] of permissions) {
    const allowed = satisfies(grants, required);
    if (routeKey === UNLISTED_ROUTES) {
      unlistedAllowed = allowed;
    } else {
      (allowed ? allowedRoutes : deniedRoutes).push(routeResource(stageArn, routeKey));
    }
  }
  const allow = unlistedAllowed ? [...allowedRoutes, wholeStage] : allowedRoutes;
  const deny = deniedRoutes.filter((denied) => allow.some((pattern) => resourceMatches(pattern, denied)));
  const mustStayAllowed = request?.allowed ? [...allowedRoutes, request.arn] : allowedRoutes;
  if (deny.some((pattern) => mustStayAllowed.some((allowed) => resourceMatches(pattern, allowed)))) {
    const harmless = allowedRoutes.filter(
      (pattern) => !deniedRoutes.some((denied) => resourceMatches(pattern, denied)),
    );
    return { allow: harmless, deny: [] };
  }
  return { allow, deny };
}

/**
 * IAM resource matching: `*` is any run of characters (including `/`), `?` is one character.
 * The classic greedy two-pointer glob match: no RegExp to compile on every request.
 */
export function resourceMatches(pattern: string, resource: string): boolean {
  let p = 0;
  let r = 0;
  let starAt = -1;
  let resumeAt = 0;
  while (r < resource.length) {
    if (p < pattern.length && (pattern[p] === "?" || pattern[p] === resource[r])) {
      p += 1;
      r += 1;
    } else if (p < pattern.length && pattern[p] === "*") {
      starAt = p;
      resumeAt = r;
      p += 1;
    } else if (starAt !== -1) {
      p = starAt + 1;
      resumeAt += 1;
      r = resumeAt;
    } else {
      return false;
    }
  }
  while (pattern[p] === "*") {
    p += 1;
  }
  return p === pattern.length;
}

/**
 * The policy for a verified token: the plan, plus the request's own ARN made explicit. A request ARN holding
 * `*` or `?` (they are legal in URL paths) is never copied into the policy, where it would act as a wildcard.
 */
export function policyFor(plan: ResourcePlan, requestArn: string, requestAllowed: boolean): PolicyDocument {
  const literalArn = /[*?]/.test(requestArn) ? undefined : requestArn;
  const allow = [...plan.allow];
  const deny = [...plan.deny];
  if (
    requestAllowed &&
    literalArn !== undefined &&
    !allow.some((pattern) => resourceMatches(pattern, literalArn))
  ) {
    allow.push(literalArn);
  }
  if (!requestAllowed) {
    deny.push(literalArn ?? requestArn.replace(/[*?]/g, "?"));
  }
  return document([
    ["Allow", allow],
    ["Deny", deny],
  ]);
}

/** Refuses everything on the stage: for tokens that failed verification, whatever route they ask for. */
export function denyAllPolicy(stageArn: StageArn | undefined): PolicyDocument {
  return document([["Deny", [stageArn === undefined ? "*" : `${stageArn}/*`]]]);
}

function document(statements: [effect: "Allow" | "Deny", resources: string[]][]): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: statements
      .filter(([, resources]) => resources.length > 0)
      .map(([Effect, resources]) => ({
        Action: "execute-api:Invoke",
        Effect,
        Resource: [...new Set(resources)],
      })),
  };
}
