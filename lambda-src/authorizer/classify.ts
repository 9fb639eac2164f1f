import { GUID } from "./config.js";
import { errorName, JwksRefetchThrottledError, JwksUnavailableError } from "./errors.js";
import { isPlainObject } from "./json.js";
import { libraryErrors as E } from "./jwt-library.js";
import { claimText, type Refusal, refuse } from "./refusal.js";

const GRAPH_APP_ID = "00000003-0000-0000-c000-000000000000";
const GRAPH_AUDIENCE =
  /^https:\/\/(?:graph\.microsoft\.com|graph\.microsoft\.us|dod-graph\.microsoft\.us|microsoftgraph\.chinacloudapi\.cn)\/?$/;
/** `https://<host>/<tenant>/` or `…/v2.0`: the shape of an Entra issuer. */
const ENTRA_ISSUER_SHAPE = /^https:\/\/([^/]+)\/([^/]+)\/(?:v2\.0)?$/;

/**
 * Maps a verification failure (the library's error, or ours from the JWKS cache) to one refusal. Runs only
 * on the deny path, so decoding the token again for a helpful detail costs nothing on the allow path.
 */
export function classify(error: unknown, token: string, issuerHosts: ReadonlySet<string>): Refusal {
  // The library decodes before it verifies or fetches anything: what it cannot decode fails first.
  const unverified = tryDecompose(token);
  if (unverified === undefined) {
    return refuse("MALFORMED_TOKEN", "not a well-formed JWT");
  }
  const { header, payload } = unverified;
  if (header.nonce !== undefined || isGraphAudience(payload.aud)) {
    return refuse("GRAPH_TOKEN", `aud ${claimText(payload.aud)}`);
  }
  if (error instanceof JwksUnavailableError) {
    return refuse("JWKS_UNAVAILABLE", error.message);
  }
  if (error instanceof JwksRefetchThrottledError) {
    return refuse("JWKS_REFETCH_THROTTLED", `kid ${claimText(header.kid)}`);
  }
  if (header.alg !== "RS256" || error instanceof E.JwtInvalidSignatureAlgorithmError) {
    return refuse("UNSUPPORTED_ALGORITHM", `alg ${claimText(header.alg)}`);
  }
  if (error instanceof E.JwtParseError) {
    return refuse("MALFORMED_TOKEN", "not a well-formed JWT");
  }
  if (error instanceof E.JwtExpiredError) {
    return refuse("TOKEN_EXPIRED", `exp ${claimText(payload.exp)}`);
  }
  if (error instanceof E.JwtNotBeforeError) {
    return refuse("TOKEN_NOT_YET_VALID", `nbf ${claimText(payload.nbf)}`);
  }
  if (error instanceof E.JwtInvalidAudienceError) {
    return refuse("INVALID_AUDIENCE", `aud ${claimText(payload.aud)}`);
  }
  if (error instanceof E.JwtInvalidIssuerError || error instanceof E.ParameterValidationError) {
    // The library reports an issuer outside the configured ones as a parameter error ("issuer not configured").
    // One of this cloud's issuers, for a tenant that is not on the list, is worth its own reason.
    const issuer = ENTRA_ISSUER_SHAPE.exec(claimText(payload.iss));
    const otherTenant =
      issuer !== null && issuerHosts.has(issuer[1] as string) && GUID.test(issuer[2] as string);
    return refuse(otherTenant ? "TENANT_NOT_ALLOWED" : "INVALID_ISSUER", `iss ${claimText(payload.iss)}`);
  }
  if (error instanceof E.JwtInvalidSignatureError) {
    return refuse("INVALID_SIGNATURE");
  }
  if (error instanceof E.KidNotFoundInJwksError || error instanceof E.JwtWithoutValidKidError) {
    return refuse("UNKNOWN_SIGNING_KEY", `kid ${claimText(header.kid)}`);
  }
  if (error instanceof E.JwkValidationError || error instanceof E.JwtInvalidClaimError) {
    return refuse("MALFORMED_TOKEN", errorName(error));
  }
  return refuse("INTERNAL_ERROR", errorName(error));
}

/** Best-effort, unvalidated decoding, for naming the reason of a refusal only. */
function tryDecompose(
  token: string,
): { header: Record<string, unknown>; payload: Record<string, unknown> } | undefined {
  let parts: unknown[];
  try {
    parts = token
      .split(".", 2)
      .map((part): unknown => JSON.parse(Buffer.from(part, "base64url").toString("utf8")));
  } catch {
    return undefined;
  }
  const [header, payload] = parts;
  return isPlainObject(header) && isPlainObject(payload) ? { header, payload } : undefined;
}

function isGraphAudience(aud: unknown): boolean {
  const audiences: unknown[] = Array.isArray(aud) ? aud : [aud];
  return audiences.some(
    (value) => value === GRAPH_APP_ID || (typeof value === "string" && GRAPH_AUDIENCE.test(value)),
  );
}
