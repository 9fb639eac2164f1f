import type { ResponseMode } from "./config.js";
import { type PolicyDocument, policy, routeResource, type StageArn, stageResource } from "./policy.js";
import type { VerifiedToken } from "./verify.js";

/** What the backend receives in `requestContext.authorizer.lambda`: strings only, so REST APIs accept it too. */
export interface AuthorizerContext {
  [key: string]: string;
  sub: string;
  oid: string;
  tid: string;
  clientId: string;
  scopes: string;
  roles: string;
  tokenVersion: string;
}

export type AuthorizerResponse =
  | { principalId: string; policyDocument: PolicyDocument; context?: AuthorizerContext }
  | { isAuthorized: boolean; context?: AuthorizerContext }
  | { principalId: string; policyDocument: PolicyDocument; isAuthorized: false };

/** An allowed request: who called, and the route whose requests the answer may cover. */
export interface Allowance {
  readonly token: VerifiedToken;
  readonly stageArn: StageArn;
  /** Undefined when every route has the same rule: the answer then covers the whole stage. */
  readonly routeKey: string | undefined;
}

const UNAUTHENTICATED = "unauthenticated";

/**
 * Allow names the requested route only, or the whole stage when no route rules exist (API Gateway then
 * caches the answer under the token alone, and every route has the same rule).
 */
export function allowResponse(
  mode: ResponseMode,
  { token, stageArn, routeKey }: Allowance,
): AuthorizerResponse {
  const context = contextOf(token);
  if (mode === "simple") {
    return { isAuthorized: true, context };
  }
  const resource = routeKey === undefined ? stageResource(stageArn) : routeResource(stageArn, routeKey);
  return { principalId: token.objectId ?? token.subject, policyDocument: policy("Allow", resource), context };
}

/**
 * Deny names the whole stage: whatever route this answer is replayed for, it refuses. With the response
 * mode unknown (its variable is wrong), the answer takes a shape that both modes read as a refusal.
 */
export function denyResponse(
  mode: ResponseMode | undefined,
  stageArn: StageArn | undefined,
): AuthorizerResponse {
  if (mode === "simple") {
    return { isAuthorized: false };
  }
  const deny = { principalId: UNAUTHENTICATED, policyDocument: policy("Deny", stageResource(stageArn)) };
  return mode === undefined ? { ...deny, isAuthorized: false } : deny;
}

function contextOf(token: VerifiedToken): AuthorizerContext {
  return {
    sub: token.subject,
    oid: token.objectId ?? "",
    tid: token.tenantId,
    clientId: token.clientId,
    scopes: token.scopes.join(" "),
    roles: token.roles.join(" "),
    tokenVersion: token.version,
  };
}
