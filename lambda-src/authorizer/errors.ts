/**
 * Every way a request can be refused, each with a stable reason code for logs and dashboards.
 * The code is part of the log contract: rename a class freely, never its reason.
 */
export abstract class AuthorizerError extends Error {
  abstract readonly reason: string;
  /** A short, token-free explanation that is safe to log (claim values such as `iss`, never the token). */
  readonly detail: string | undefined;

  constructor(message: string, options?: { cause?: unknown; detail?: string }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.detail = options?.detail?.slice(0, 200);
  }
}

export class ConfigurationError extends AuthorizerError {
  readonly reason = "INVALID_CONFIGURATION";
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`${variable}: ${message}`, { detail: variable });
  }
}

export class UnrecognizedEventError extends AuthorizerError {
  readonly reason = "UNRECOGNIZED_EVENT";
}

export class MissingTokenError extends AuthorizerError {
  readonly reason = "MISSING_TOKEN";
}

export class MalformedAuthorizationHeaderError extends AuthorizerError {
  readonly reason = "MALFORMED_AUTHORIZATION_HEADER";
}

export class TokenTooLargeError extends AuthorizerError {
  readonly reason = "TOKEN_TOO_LARGE";
}

export class MalformedTokenError extends AuthorizerError {
  readonly reason = "MALFORMED_TOKEN";
}

export class UnsupportedAlgorithmError extends AuthorizerError {
  readonly reason = "UNSUPPORTED_ALGORITHM";
}

/** Tokens for Microsoft Graph are meant for Graph only; a third party cannot validate them. */
export class GraphTokenError extends AuthorizerError {
  readonly reason = "GRAPH_TOKEN";
}

export class InvalidSignatureError extends AuthorizerError {
  readonly reason = "INVALID_SIGNATURE";
}

export class UnknownSigningKeyError extends AuthorizerError {
  readonly reason = "UNKNOWN_SIGNING_KEY";
}

export class JwksUnavailableError extends AuthorizerError {
  readonly reason = "JWKS_UNAVAILABLE";
}

export class JwksRefetchThrottledError extends AuthorizerError {
  readonly reason = "JWKS_REFETCH_THROTTLED";
}

export class InvalidIssuerError extends AuthorizerError {
  readonly reason = "INVALID_ISSUER";
}

export class InvalidAudienceError extends AuthorizerError {
  readonly reason = "INVALID_AUDIENCE";
}

export class TokenExpiredError extends AuthorizerError {
  readonly reason = "TOKEN_EXPIRED";
}

export class TokenNotYetValidError extends AuthorizerError {
  readonly reason = "TOKEN_NOT_YET_VALID";
}

export class MissingExpiryError extends AuthorizerError {
  readonly reason = "MISSING_EXPIRY";
}

export class NoScopesOrRolesError extends AuthorizerError {
  readonly reason = "NO_SCOPES_OR_ROLES";
}

export class InsufficientPermissionsError extends AuthorizerError {
  readonly reason = "INSUFFICIENT_PERMISSIONS";
}

export class RouteNotConfiguredError extends AuthorizerError {
  readonly reason = "ROUTE_NOT_CONFIGURED";
}

/** Anything unforeseen: still a deny, never a crash. */
export class UnexpectedError extends AuthorizerError {
  readonly reason = "INTERNAL_ERROR";
}

/** A failure's name for a log field: the reason code of ours, the class name of anything else. */
export function errorName(error: unknown): string {
  return error instanceof AuthorizerError
    ? error.reason
    : error instanceof Error
      ? error.constructor.name
      : typeof error;
}
