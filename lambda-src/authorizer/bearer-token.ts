import { type Refusal, refuse } from "./refusal.js";

/** Entra access tokens are a few KB even with many groups; anything this large is not one of them. */
export const MAX_TOKEN_LENGTH = 16 * 1024;

// RFC 6750: the scheme is case-insensitive; the token is exactly one compact JWS (three base64url parts).
const BEARER_JWT = /^Bearer +([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*)$/i;
const BASE64URL_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
/** The unused low bits of the last character, by length mod 4; 4n+1 characters cannot encode whole bytes. */
const UNUSED_BITS_MASK = [0, -1, 0b1111, 0b11];

/**
 * AppSync hands the authorizer the Authorization header as the client sent it, and clients send a bare
 * token as often as `Bearer <token>`: a value without a space is a bare token, anything else must be Bearer.
 */
export function readBareOrBearerToken(authorization: string | undefined): string | Refusal {
  return authorization !== undefined && /^[^\s]+$/.test(authorization)
    ? readBearerToken(`Bearer ${authorization}`)
    : readBearerToken(authorization);
}

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
  if (!token.split(".").every(isCanonicalBase64url)) {
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
  const mask = UNUSED_BITS_MASK[part.length % 4] as number;
  return mask >= 0 && (BASE64URL_ALPHABET.indexOf(part.charAt(part.length - 1)) & mask) === 0;
}
