/**
 * How API Gateway reads a Lambda authorizer's answer (payload 2.0): an IAM policy evaluated
 * against the request's route ARN, or a simple `{ isAuthorized, context }`. An answer it cannot
 * read is an authorizer failure (500), not a refusal.
 */

export type AuthorizerDecision =
  | {
      kind: "iam";
      principalId: string;
      statements: PolicyStatement[];
      context: Record<string, unknown> | undefined;
    }
  | { kind: "simple"; isAuthorized: boolean; context: Record<string, unknown> | undefined }
  | { kind: "invalid"; reason: string };

export interface PolicyStatement {
  effect: "Allow" | "Deny";
  actions: string[];
  resources: string[];
}

export function readAuthorizerResponse(response: unknown, mode: "iam" | "simple"): AuthorizerDecision {
  if (typeof response !== "object" || response === null || Array.isArray(response)) {
    return { kind: "invalid", reason: "the response is not a JSON object" };
  }
  const body = response as Record<string, unknown>;
  const context = readContext(body.context);
  if (context === null) return { kind: "invalid", reason: "context must be an object" };

  if (mode === "simple") {
    if (typeof body.isAuthorized !== "boolean")
      return { kind: "invalid", reason: "isAuthorized must be a boolean" };
    return { kind: "simple", isAuthorized: body.isAuthorized, context };
  }

  if (typeof body.principalId !== "string" || body.principalId === "") {
    return { kind: "invalid", reason: "principalId must be a non-empty string" };
  }
  const document = body.policyDocument;
  if (typeof document !== "object" || document === null) {
    return { kind: "invalid", reason: "policyDocument is missing" };
  }
  const rawStatements = (document as Record<string, unknown>).Statement;
  const list = Array.isArray(rawStatements) ? rawStatements : [rawStatements];
  const statements: PolicyStatement[] = [];
  for (const raw of list) {
    if (typeof raw !== "object" || raw === null)
      return { kind: "invalid", reason: "a policy statement is not an object" };
    const statement = raw as Record<string, unknown>;
    const effect = statement.Effect;
    if (effect !== "Allow" && effect !== "Deny") {
      return { kind: "invalid", reason: "a statement's Effect must be Allow or Deny" };
    }
    const actions = stringOrList(statement.Action);
    const resources = stringOrList(statement.Resource);
    if (actions === undefined || resources === undefined) {
      return {
        kind: "invalid",
        reason: "a statement needs Action and Resource as a string or list of strings",
      };
    }
    statements.push({ effect, actions, resources });
  }
  return { kind: "iam", principalId: body.principalId, statements, context };
}

/** IAM evaluation for one execute-api:Invoke request: an explicit Deny wins, else an Allow is needed. */
export function policyAllows(statements: readonly PolicyStatement[], resourceArn: string): boolean {
  return policyEffect(statements, resourceArn) === "allow";
}

/**
 * The same evaluation, telling an explicit Deny from the absence of an Allow: REST APIs word their 403
 * differently for each.
 */
export function policyEffect(
  statements: readonly PolicyStatement[],
  resourceArn: string,
): "allow" | "explicit-deny" | "implicit-deny" {
  const applies = (statement: PolicyStatement): boolean =>
    statement.actions.some((action) => wildcardMatches(action.toLowerCase(), "execute-api:invoke")) &&
    statement.resources.some((resource) => wildcardMatches(resource, resourceArn));
  const relevant = statements.filter(applies);
  if (relevant.some((statement) => statement.effect === "Deny")) return "explicit-deny";
  return relevant.some((statement) => statement.effect === "Allow") ? "allow" : "implicit-deny";
}

/** IAM wildcards: `*` is any run of characters, `/` included; `?` is exactly one character. */
export function wildcardMatches(pattern: string, value: string): boolean {
  const source = [...pattern]
    .map((char) => (char === "*" ? ".*" : char === "?" ? "." : char.replace(/[.+^${}()|[\]\\/-]/g, "\\$&")))
    .join("");
  return new RegExp(`^${source}$`, "s").test(value);
}

function stringOrList(value: unknown): string[] | undefined {
  if (typeof value === "string") return [value];
  if (Array.isArray(value) && value.length > 0 && value.every((item) => typeof item === "string"))
    return value;
  return undefined;
}

/** undefined when absent, null when present but unusable. */
function readContext(value: unknown): Record<string, unknown> | undefined | null {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "object" || Array.isArray(value)) return null;
  return value as Record<string, unknown>;
}
