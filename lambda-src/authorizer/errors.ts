import type { Reason } from "./refusal.js";

/**
 * What is thrown, as opposed to what is refused (refusal.ts). A configuration the authorizer cannot run
 * with is thrown once, at start-up, and turned into a refusal of every request.
 */
export class ConfigurationError extends Error {
  readonly reason = "INVALID_CONFIGURATION";

  constructor(
    /** The environment variable at fault. */
    readonly variable: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${variable}: ${message}`, options);
    this.name = "ConfigurationError";
  }
}

/**
 * Thrown from the JWKS cache's extension points (the library's Fetcher and PenaltyBox contracts are to
 * throw), and mapped to the refusal of the same reason by classify.ts.
 */
export class JwksUnavailableError extends Error {
  readonly reason = "JWKS_UNAVAILABLE";

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "JwksUnavailableError";
  }
}

export class JwksRefetchThrottledError extends Error {
  readonly reason = "JWKS_REFETCH_THROTTLED";

  constructor(message: string) {
    super(message);
    this.name = "JwksRefetchThrottledError";
  }
}

/**
 * What the handler throws for a refusal no answer may carry (refusal.ts, UNCACHEABLE_REFUSALS): the
 * invocation fails, the front door refuses the request and caches nothing. The reason is in the message
 * for Lambda's error line; the decision line was written before.
 */
export class UncachedRefusalError extends Error {
  constructor(readonly reason: Reason) {
    super(`${reason}: refused without an answer, so that nothing is cached`);
    this.name = "UncachedRefusalError";
  }
}

/**
 * What a REST API authorizer throws for a token that proves nothing: API Gateway answers 401 when the
 * function fails with exactly this message (apigateway-use-lambda-authorizer), 500 for any other.
 */
export class UnauthorizedError extends Error {
  constructor() {
    super("Unauthorized");
    this.name = "Unauthorized";
  }
}

/** A failure's name for a log field: an Error's name, the type of anything else. */
export function errorName(error: unknown): string {
  return error instanceof Error ? error.name : typeof error;
}
