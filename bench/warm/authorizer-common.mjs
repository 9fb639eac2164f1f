/**
 * What the two comparison authorizers share with each other and with the built one, so that only the
 * verification differs: the same environment contract, the same Allow/Deny rule (any scope or role
 * allows the whole stage), the same IAM answer and one JSON decision line on stdout per request.
 */

const tenantId = required("ENTRA_TENANT_ID").toLowerCase();
const host = process.env.ENTRA_AUTHORITY_HOST || "login.microsoftonline.com";

export const config = Object.freeze({
  tenantId,
  // The module accepts v1 and v2 tokens by default, so both verifiers get both issuers.
  issuers: [`https://${host}/${tenantId}/v2.0`, `https://sts.windows.net/${tenantId}/`],
  audiences: required("ENTRA_AUDIENCE").split(","),
  jwksUri: `https://${host}/${tenantId}/discovery/v2.0/keys`,
});

export function bearerToken(event) {
  const header = event?.headers?.authorization ?? "";
  return header.startsWith("Bearer ") ? header.slice("Bearer ".length) : undefined;
}

/** The built authorizer's rule without route permissions: a verified token with a scope or a role. */
export function respond(event, payload, started) {
  const allowed =
    payload !== undefined &&
    payload.tid === tenantId &&
    ((typeof payload.scp === "string" && payload.scp !== "") ||
      (Array.isArray(payload.roles) && payload.roles.length > 0));
  const stageArn = /^(arn:[^/]+\/[^/]+)\//.exec(event.routeArn ?? "")?.[1] ?? "*";
  const principal = payload?.oid ?? payload?.sub ?? "unauthenticated";
  process.stdout.write(
    `${JSON.stringify({
      timestamp: new Date().toISOString(),
      level: "INFO",
      message: "authorization decision",
      decision: allowed ? "allow" : "deny",
      route: event.routeKey,
      principal,
      latencyMs: Math.round((performance.now() - started) * 1000) / 1000,
    })}\n`,
  );
  return {
    principalId: principal,
    policyDocument: {
      Version: "2012-10-17",
      Statement: [
        { Action: "execute-api:Invoke", Effect: allowed ? "Allow" : "Deny", Resource: [`${stageArn}/*`] },
      ],
    },
    context: allowed
      ? { sub: payload.sub, oid: payload.oid ?? "", tid: payload.tid, scopes: payload.scp ?? "" }
      : undefined,
  };
}

function required(name) {
  const value = process.env[name]?.trim();
  if (!value) throw new Error(`${name} is required`);
  return value;
}
