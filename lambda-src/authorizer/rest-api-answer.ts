import { type AuthorizerContext, callerContext, principalOf } from "./caller.js";
import type { PolicyDocument } from "./policy.js";
import type { VerifiedToken } from "./verify.js";

/** A REST API Lambda authorizer's answer (api-gateway-lambda-authorizer-output). */
export interface RestApiResponse {
  principalId: string;
  policyDocument: PolicyDocument;
  /** Flat strings: REST APIs refuse objects and arrays in the context. */
  context: AuthorizerContext;
  /** The API key of the caller's usage plan, for an API whose api_key_source is AUTHORIZER. */
  usageIdentifierKey?: string;
}

/**
 * The answer for a verified token, Allow or Deny: the caller and its context either way, so an access log
 * names who was refused. With `usageIdentifierClaim`, that claim's value (a string) is the usage plan's key.
 */
export function restApiResponse(
  token: VerifiedToken,
  policyDocument: PolicyDocument,
  usageIdentifierClaim: string | undefined,
): RestApiResponse {
  const answer: RestApiResponse = {
    principalId: principalOf(token),
    policyDocument,
    context: callerContext(token),
  };
  const key = usageIdentifierClaim === undefined ? undefined : token.claims[usageIdentifierClaim];
  return typeof key === "string" && key !== "" ? { ...answer, usageIdentifierKey: key } : answer;
}
