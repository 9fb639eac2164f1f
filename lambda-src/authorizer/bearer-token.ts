import { MalformedAuthorizationHeaderError, MissingTokenError, TokenTooLargeError } from "./errors.js";

/** Entra access tokens are a few KB even with many groups; anything this large is not one of them. */
export const MAX_TOKEN_LENGTH = 16 * 1024;

// RFC 6750: the scheme is case-insensitive; the token is exactly one compact JWS (three base64url parts).
const BEARER_JWT = /^Bearer +([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*)$/i;

/** Extracts the JWT from an Authorization header value, refusing oversized input before any parsing. */
export function readBearerToken(authorization: string | undefined): string {
  if (authorization === undefined || authorization.trim() === "") {
    throw new MissingTokenError("no Authorization header");
  }
  if (authorization.length > MAX_TOKEN_LENGTH + "Bearer ".length) {
    throw new TokenTooLargeError("Authorization header too large", {
      detail: `${authorization.length} characters`,
    });
  }
  const token = BEARER_JWT.exec(authorization)?.[1];
  if (token === undefined) {
    throw new MalformedAuthorizationHeaderError("Authorization header is not `Bearer <one JWT>`");
  }
  return token;
}

/** Header names are case-insensitive; payload 2.0 lower-cases them, payload 1.0 keeps the client's case. */
export function findHeader(
  headers: Readonly<Record<string, string | undefined>> | null | undefined,
  name: string,
): string | undefined {
  if (!headers) {
    return undefined;
  }
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === wanted) {
      return value;
    }
  }
  return undefined;
}
