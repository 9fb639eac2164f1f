import { type IssuerEntry, issuerFor } from "./config.js";
import type { JwtHeader, JwtPayload } from "./jwt-library.js";
import { claimText, type Refusal, refuse } from "./refusal.js";

/** Tolerated clock difference between Entra and Lambda for `exp`, `nbf` and `iat`. */
export const CLOCK_SKEW_SECONDS = 60;

/**
 * The longest lifetime (`exp - iat`) Entra gives an access token: "The default token lifetime for long
 * lived token lifetime ranges from 20 to 28 hours" (Continuous Access Evaluation; access-tokens page,
 * learn.microsoft.com/entra/identity-platform/access-tokens). Ordinary tokens live 60 to 90 minutes.
 */
export const MAX_TOKEN_LIFETIME_SECONDS = 28 * 60 * 60;

/** What the rules below read of the verifying key: Entra's keys may say which issuer they sign for. */
export interface SigningKeyFacts {
  readonly issuer?: unknown;
}

/**
 * Entra's rules for an access token, checked after aws-jwt-verify has verified the signature, that `iss`
 * is one of the configured issuers, that `aud` is accepted, and `exp`/`nbf` (with the skew). Returns the
 * first rule broken, or undefined.
 */
export function breachedEntraRule(
  header: JwtHeader,
  payload: JwtPayload,
  key: SigningKeyFacts,
  issuer: IssuerEntry,
  v2IssuerHost: string,
  nowSeconds: number,
): Refusal | undefined {
  // Entra's keys carry no `alg`, so the library would accept any header `alg` the key type allows.
  if (header.alg !== "RS256") {
    return refuse("UNSUPPORTED_ALGORITHM", `alg ${claimText(header.alg)}`);
  }
  // Graph tokens carry a nonce in the header and a signature third parties cannot check (access-tokens page).
  if (header.nonce !== undefined) {
    return refuse("GRAPH_TOKEN", `aud ${claimText(payload.aud)}`);
  }
  // RFC 7515 §4.1.11: a recipient must refuse critical extensions it does not understand; Entra uses none.
  if (header.crit !== undefined) {
    return refuse("UNSUPPORTED_CRITICAL_HEADER", `crit ${claimText(header.crit)}`);
  }
  // Entra's `aud` is one string; the library would accept an array holding one accepted value.
  if (typeof payload.aud !== "string") {
    return refuse("INVALID_AUDIENCE", "aud is not a single string");
  }
  // access-tokens page: "Validate that the tid claim is a GUID and the iss claim is of the form
  // https://login.microsoftonline.com/{tid}/v2.0 where {tid} is the exact tid claim."
  if (payload.tid !== issuer.tenantId) {
    return refuse("INVALID_ISSUER", `tid ${claimText(payload.tid)} does not match iss`);
  }
  const keyIssuer = key.issuer;
  if (keyIssuer !== undefined && !keyIssuerAllows(keyIssuer, payload.iss as string, issuer, v2IssuerHost)) {
    return refuse("SIGNING_KEY_ISSUER_MISMATCH", `key issuer ${claimText(keyIssuer)}`);
  }
  if (typeof payload.exp !== "number") {
    return refuse("MISSING_EXPIRY");
  }
  if (typeof payload.iat !== "number" || payload.iat > nowSeconds + CLOCK_SKEW_SECONDS) {
    return refuse("INVALID_ISSUED_AT", `iat ${claimText(payload.iat)}`);
  }
  if (payload.exp - payload.iat > MAX_TOKEN_LIFETIME_SECONDS) {
    return refuse("TOKEN_LIFETIME_TOO_LONG", `${payload.exp - payload.iat} s`);
  }
  return idTokenMarker(payload, issuer);
}

/**
 * An ID token for an app that is also the API has the API's client ID as `aud` and may carry `roles`, so
 * it would pass every check above. Access tokens name the calling app ("appid … only present in v1.0
 * tokens", "azp … only present in v2.0 tokens", access-token-claims-reference); ID tokens do not, and only
 * they carry `nonce`, `at_hash` or `c_hash` (id-token-claims-reference).
 */
function idTokenMarker(payload: JwtPayload, issuer: IssuerEntry): Refusal | undefined {
  for (const claim of ["nonce", "at_hash", "c_hash"]) {
    if (payload[claim] !== undefined) {
      return refuse("NOT_AN_ACCESS_TOKEN", `${claim} claim`);
    }
  }
  const clientClaim = issuer.version === "2.0" ? "azp" : "appid";
  return typeof payload[clientClaim] === "string"
    ? undefined
    : refuse("NOT_AN_ACCESS_TOKEN", `no ${clientClaim} claim`);
}

/**
 * access-tokens page: "Keys that have a templated issuer value like https://login.microsoftonline.com/{tenantid}/v2.0
 * should only be used when the iss claim in the token matches this value after substituting the tid claim
 * in the token for the {tenantid} placeholder", and keys with a fixed tenant "only when the iss claim in the
 * token matches the value exactly". Keys name the v2 issuer; a v1 token of the same tenant is held to its
 * tenant's v2 issuer, so the key's tenant binding applies to both versions.
 */
function keyIssuerAllows(
  keyIssuer: unknown,
  tokenIssuer: string,
  issuer: IssuerEntry,
  v2IssuerHost: string,
): boolean {
  if (typeof keyIssuer !== "string") {
    return false;
  }
  const expected = keyIssuer.replace("{tenantid}", issuer.tenantId);
  return expected === tokenIssuer || expected === issuerFor("2.0", issuer.tenantId, v2IssuerHost);
}
