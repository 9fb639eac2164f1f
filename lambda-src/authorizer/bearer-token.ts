import { type Refusal, refuse } from "./refusal.js";

/** Entra access tokens are a few KB even with many groups; anything this large is not one of them. */
export const MAX_TOKEN_LENGTH = 16 * 1024;

// RFC 6750: the scheme is case-insensitive; the token is exactly one compact JWS (three base64url parts).
const BEARER_JWT = /^Bearer +([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*)$/i;
const BASE64URL_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/** Extracts the JWT from an Authorization header value, refusing oversized input before any parsing. */
export function readBearerToken(authorization: string | undefined): string | Refusal {
  if (authorization === undefined || authorization.trim() === "") {
    return refuse("MISSING_TOKEN", "no Authorization header");
  }
  if (authorization.length > MAX_TOKEN_LENGTH + "Bearer ".length) {
    return refuse("TOKEN_TOO_LARGE", `${authorization.length} characters`);
  }
  const token = BEARER_JWT.exec(authorization)?.[1];
  if (token === undefined) {
    return refuse("MALFORMED_AUTHORIZATION_HEADER", "not `Bearer <one JWT>`");
  }
  const [header = "", payload = "", signature = ""] = token.split(".");
  if (!isCanonicalBase64url(header) || !isCanonicalBase64url(payload) || !isCanonicalBase64url(signature)) {
    return refuse("MALFORMED_TOKEN", "a part is not canonical base64url");
  }
  return token;
}

/**
 * Base64url decoders ignore the unused low bits of the last character, so one signature has many
 * spellings that all verify (up to 16 for RS256). Each would be a new API Gateway cache key and a new
 * token to the authorizer: only the canonical spelling, with those bits zero, is accepted. The regex
 * above already limits the alphabet, so only the length and the last character need checking.
 */
export function isCanonicalBase64url(part: string): boolean {
  const unusedBits = [0, -1, 4, 2][part.length % 4] as number;
  if (unusedBits === 0) {
    return true;
  }
  if (unusedBits < 0) {
    return false; // 4n+1 characters cannot encode whole bytes
  }
  const last = BASE64URL_ALPHABET.indexOf(part.charAt(part.length - 1));
  return last >= 0 && (last & ((1 << unusedBits) - 1)) === 0;
}
