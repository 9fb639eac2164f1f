import { policyAllows, readAuthorizerResponse } from "../../local/gateway/authorizer-response.js";

export interface PolicyLike {
  Statement: { Effect: string; Action?: string | string[]; Resource: string | string[] }[];
}

/**
 * What API Gateway concludes from an authorizer's IAM policy for one resource. It uses the local
 * gateway's evaluator, code apart from the authorizer's own, so tests do not grade the authorizer with itself.
 */
export function evaluatePolicy(policy: PolicyLike, resource: string): "Allow" | "Deny" {
  const decision = readAuthorizerResponse({ principalId: "test", policyDocument: policy }, "iam");
  if (decision.kind !== "iam") {
    throw new Error(`API Gateway could not read this policy: ${JSON.stringify(policy)}`);
  }
  return policyAllows(decision.statements, resource) ? "Allow" : "Deny";
}
