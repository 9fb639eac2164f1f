import type { VerifiedToken } from "./verify.js";

/**
 * Who called, for the backend: HTTP APIs hand it over as `requestContext.authorizer.lambda`, REST APIs as
 * `requestContext.authorizer`. Strings only, which both accept. Key data by `tid` and `oid`.
 */
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

export function callerContext(token: VerifiedToken): AuthorizerContext {
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

/** The caller's principal ID: the object ID, unique in its tenant, else the subject. */
export function principalOf(token: VerifiedToken): string {
  return token.objectId ?? token.subject;
}
