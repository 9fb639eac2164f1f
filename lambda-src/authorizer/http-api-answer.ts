import { type AuthorizerContext, callerContext } from "./caller.js";
import type { ResponseMode } from "./config.js";
import { type PolicyDocument, policy, routeResource, type StageArn, stageResource } from "./policy.js";
import type { VerifiedToken } from "./verify.js";

export type HttpApiResponse =
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
export function allowResponse(mode: ResponseMode, { token, stageArn, routeKey }: Allowance): HttpApiResponse {
  const context = callerContext(token);
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
): HttpApiResponse {
  if (mode === "simple") {
    return { isAuthorized: false };
  }
  const deny = { principalId: UNAUTHENTICATED, policyDocument: policy("Deny", stageResource(stageArn)) };
  return mode === undefined ? { ...deny, isAuthorized: false } : deny;
}
