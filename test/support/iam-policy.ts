/**
 * How API Gateway reads an authorizer's IAM policy for one resource, written independently of the
 * authorizer's own code so tests do not grade it with itself: an explicit Deny wins, else any Allow;
 * in resources `*` matches any run of characters (including `/`) and `?` one character.
 */
export interface PolicyLike {
  Statement: { Effect: string; Resource: string | string[] }[];
}

export function evaluatePolicy(policy: PolicyLike, resource: string): "Allow" | "Deny" {
  const matches = (pattern: string) =>
    new RegExp(
      `^${pattern
        .replace(/[.+^${}()|[\]\\]/g, "\\$&")
        .replace(/\*/g, ".*")
        .replace(/\?/g, ".")}$`,
      "s",
    ).test(resource);
  const effects = policy.Statement.filter((statement) =>
    (Array.isArray(statement.Resource) ? statement.Resource : [statement.Resource]).some(matches),
  ).map((statement) => statement.Effect);
  return effects.includes("Deny") || !effects.includes("Allow") ? "Deny" : "Allow";
}
