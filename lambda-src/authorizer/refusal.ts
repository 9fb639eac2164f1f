/**
 * Every way a request can be refused, as a stable reason code for logs, metric filters and dashboards.
 * A refusal is a plain value, not an Error: it is expected, it happens on every bad request, and it needs
 * no stack. The codes are part of the log contract: never rename one.
 */
export type Reason =
  // The request
  | "UNRECOGNIZED_EVENT"
  | "ROUTE_UNKNOWN"
  | "CACHE_KEY_WITHOUT_ROUTE"
  | "MISSING_TOKEN"
  | "MALFORMED_AUTHORIZATION_HEADER"
  | "TOKEN_TOO_LARGE"
  // The token
  | "MALFORMED_TOKEN"
  | "UNSUPPORTED_ALGORITHM"
  | "UNSUPPORTED_CRITICAL_HEADER"
  | "GRAPH_TOKEN"
  | "NOT_AN_ACCESS_TOKEN"
  | "INVALID_SIGNATURE"
  | "UNKNOWN_SIGNING_KEY"
  | "SIGNING_KEY_ISSUER_MISMATCH"
  | "INVALID_ISSUER"
  | "TENANT_NOT_ALLOWED"
  | "INVALID_AUDIENCE"
  | "TOKEN_EXPIRED"
  | "TOKEN_NOT_YET_VALID"
  | "MISSING_EXPIRY"
  | "INVALID_ISSUED_AT"
  | "TOKEN_LIFETIME_TOO_LONG"
  // What the token may do
  | "CLIENT_NOT_ALLOWED"
  | "NO_SCOPES_OR_ROLES"
  | "INSUFFICIENT_PERMISSIONS"
  | "CONDITION_NOT_MET"
  | "CONDITION_ERROR"
  | "ROUTE_NOT_CONFIGURED"
  // The authorizer itself
  | "JWKS_UNAVAILABLE"
  | "JWKS_REFETCH_THROTTLED"
  | "INVALID_CONFIGURATION"
  | "INTERNAL_ERROR";

export interface Refusal {
  readonly reason: Reason;
  /** A short, token-free explanation that is safe to log (a claim value such as `iss`, never the token). */
  readonly detail?: string;
}

const MAX_DETAIL_LENGTH = 200;

export function refuse(reason: Reason, detail?: string): Refusal {
  return detail === undefined ? { reason } : { reason, detail: detail.slice(0, MAX_DETAIL_LENGTH) };
}

/**
 * Failures of the authorizer or its configuration rather than of the caller: logged at ERROR, because no
 * caller can fix them. ROUTE_UNKNOWN belongs here: it means the API sends payload 1.0 events;
 * CACHE_KEY_WITHOUT_ROUTE means the authorizer's identity sources lack the route.
 */
export const OPERATIONAL_FAILURES: ReadonlySet<Reason> = new Set<Reason>([
  "INVALID_CONFIGURATION",
  "JWKS_UNAVAILABLE",
  "INTERNAL_ERROR",
  "ROUTE_UNKNOWN",
  "CACHE_KEY_WITHOUT_ROUTE",
]);

/**
 * Refusals that say nothing about the token, so an answer for them must not be cached: the authorizer
 * fails the invocation instead, which API Gateway and AppSync answer without caching (HTTP APIs and REST
 * APIs with 500). A Deny would be replayed under the token for the TTL, long after the keys came back or
 * the configuration was fixed. A throttled refetch belongs here: the key may be found a moment later.
 */
export const UNCACHEABLE_REFUSALS: ReadonlySet<Reason> = new Set<Reason>([
  ...OPERATIONAL_FAILURES,
  "JWKS_REFETCH_THROTTLED",
]);

/**
 * What says the token does not prove who calls: REST APIs answer these 401 (the Lambda ends with
 * "Unauthorized") and the rest 403. Verified tokens that lack a right are refused with a Deny instead.
 */
export const AUTHENTICATION_FAILURES: ReadonlySet<Reason> = new Set<Reason>([
  "MISSING_TOKEN",
  "MALFORMED_AUTHORIZATION_HEADER",
  "TOKEN_TOO_LARGE",
  "MALFORMED_TOKEN",
  "UNSUPPORTED_ALGORITHM",
  "UNSUPPORTED_CRITICAL_HEADER",
  "GRAPH_TOKEN",
  "NOT_AN_ACCESS_TOKEN",
  "INVALID_SIGNATURE",
  "UNKNOWN_SIGNING_KEY",
  "SIGNING_KEY_ISSUER_MISMATCH",
  "INVALID_ISSUER",
  "TENANT_NOT_ALLOWED",
  "INVALID_AUDIENCE",
  "TOKEN_EXPIRED",
  "TOKEN_NOT_YET_VALID",
  "MISSING_EXPIRY",
  "INVALID_ISSUED_AT",
  "TOKEN_LIFETIME_TOO_LONG",
]);

export function isRefusal(value: object): value is Refusal {
  return "reason" in value;
}

/** A claim or header value as log text: strings as they are, anything else as JSON. */
export function claimText(value: unknown): string {
  return typeof value === "string" ? value : (JSON.stringify(value) ?? "undefined");
}
