import type { AuthorizerConfig } from "./config.js";
import {
  AuthorizerError,
  GraphTokenError,
  InvalidAudienceError,
  InvalidIssuerError,
  InvalidSignatureError,
  JwksRefetchThrottledError,
  JwksUnavailableError,
  MalformedTokenError,
  MissingExpiryError,
  TokenExpiredError,
  TokenNotYetValidError,
  UnexpectedError,
  UnknownSigningKeyError,
  UnsupportedAlgorithmError,
  errorName,
} from "./errors.js";
import { isPlainObject } from "./json.js";
import {
  type JwksCache,
  type JwtHeader,
  type JwtPayload,
  JwtVerifier,
  libraryErrors,
} from "./jwt-library.js";

/** The identity a verified token proves, in the shape the rest of the authorizer needs. */
export interface VerifiedToken {
  readonly subject: string;
  readonly objectId: string | undefined;
  readonly tenantId: string;
  readonly clientId: string;
  readonly scopes: readonly string[];
  readonly roles: readonly string[];
  readonly version: string;
}

export interface TokenVerifier {
  verify(token: string): Promise<VerifiedToken>;
  /** Fetches the JWKS ahead of the first request. */
  prefetch(): Promise<void>;
}

/** Tolerated clock difference between Entra and Lambda for `exp` and `nbf`. */
export const CLOCK_SKEW_SECONDS = 60;

const GRAPH_APP_ID = "00000003-0000-0000-c000-000000000000";
const GRAPH_AUDIENCE =
  /^https:\/\/(?:graph\.microsoft\.com|graph\.microsoft\.us|dod-graph\.microsoft\.us|microsoftgraph\.chinacloudapi\.cn)\/?$/;

export function createTokenVerifier(config: AuthorizerConfig, jwksCache: JwksCache): TokenVerifier {
  const verifier = JwtVerifier.create(
    config.issuers.map((issuer) => ({
      issuer,
      jwksUri: config.jwksUri,
      audience: [...config.audiences],
      graceSeconds: CLOCK_SKEW_SECONDS,
      customJwtCheck: ({ header, payload }: { header: JwtHeader; payload: JwtPayload }) =>
        checkEntraRules(header, payload, config.tenantId),
    })),
    { jwksCache },
  );

  return {
    prefetch: () => verifier.hydrate(),
    async verify(token: string): Promise<VerifiedToken> {
      let payload: JwtPayload;
      try {
        try {
          // Warm path: the key is cached, so no promise and no fetch.
          payload = verifier.verifySync(token);
        } catch (error) {
          if (!isJwksCacheMiss(error)) {
            throw error;
          }
          payload = await verifier.verify(token);
        }
      } catch (error) {
        throw classify(error, token);
      }
      return readClaims(payload, config.tenantId);
    },
  };
}

/**
 * Runs after the library has checked the signature, issuer, audience and times.
 * Entra's JWKS keys carry no `alg`, in which case the library would accept any supported header `alg`
 * (ES256 even maps to an RSA digest): only RS256 is Entra's. The library also accepts a token without `exp`.
 */
function checkEntraRules(header: JwtHeader, payload: JwtPayload, tenantId: string): void {
  if (header.nonce !== undefined) {
    throw new GraphTokenError("a nonce header marks a Microsoft Graph token", {
      detail: `aud ${claimText(payload.aud)}`,
    });
  }
  if (header.alg !== "RS256") {
    throw new UnsupportedAlgorithmError("only RS256 is accepted", { detail: `alg ${claimText(header.alg)}` });
  }
  if (typeof payload.exp !== "number") {
    throw new MissingExpiryError("token has no exp claim");
  }
  if (payload.tid !== undefined && payload.tid !== tenantId) {
    throw new InvalidIssuerError("tid does not match the tenant", {
      detail: `tid ${claimText(payload.tid)}`,
    });
  }
}

function readClaims(payload: JwtPayload, tenantId: string): VerifiedToken {
  const { scp, roles, sub, oid, azp, appid, ver } = payload;
  if (
    (scp !== undefined && typeof scp !== "string") ||
    (roles !== undefined && !(Array.isArray(roles) && roles.every((role) => typeof role === "string"))) ||
    typeof sub !== "string" ||
    (oid !== undefined && typeof oid !== "string")
  ) {
    throw new MalformedTokenError("scp, roles, sub or oid has an unexpected type");
  }
  return {
    subject: sub,
    objectId: oid,
    tenantId,
    clientId: typeof azp === "string" ? azp : typeof appid === "string" ? appid : "",
    scopes: scp === undefined ? [] : scp.split(" ").filter((scope) => scope !== ""),
    roles: roles ?? [],
    version: typeof ver === "string" ? ver : "",
  };
}

function isJwksCacheMiss(error: unknown): boolean {
  return (
    error instanceof libraryErrors.JwksNotAvailableInCacheError ||
    error instanceof libraryErrors.KidNotFoundInJwksError
  );
}

/** Maps a failure to one reason. Only runs on the deny path, so decoding the token again costs nothing. */
function classify(error: unknown, token: string): AuthorizerError {
  const unverified = tryDecompose(token);
  const header = unverified?.header;
  const payload = unverified?.payload;
  const E = libraryErrors;

  if (header?.nonce !== undefined || isGraphAudience(payload?.aud)) {
    return new GraphTokenError("token is for Microsoft Graph, not for this API", {
      cause: error,
      detail: `aud ${claimText(payload?.aud)}`,
    });
  }
  if (error instanceof AuthorizerError) {
    return error;
  }
  if (unverified !== undefined && header?.alg !== "RS256") {
    return new UnsupportedAlgorithmError("only RS256 is accepted", {
      cause: error,
      detail: `alg ${claimText(header?.alg)}`,
    });
  }
  if (error instanceof E.JwtExpiredError) {
    return new TokenExpiredError("token expired", { cause: error, detail: `exp ${claimText(payload?.exp)}` });
  }
  if (error instanceof E.JwtNotBeforeError) {
    return new TokenNotYetValidError("token not yet valid", {
      cause: error,
      detail: `nbf ${claimText(payload?.nbf)}`,
    });
  }
  if (error instanceof E.JwtInvalidAudienceError) {
    return new InvalidAudienceError("audience not accepted", {
      cause: error,
      detail: `aud ${claimText(payload?.aud)}`,
    });
  }
  if (error instanceof E.JwtInvalidIssuerError || error instanceof E.ParameterValidationError) {
    // The library reports an issuer outside the configured ones as a parameter error.
    return new InvalidIssuerError("issuer not accepted", {
      cause: error,
      detail: `iss ${claimText(payload?.iss)}`,
    });
  }
  if (error instanceof E.JwtInvalidSignatureError) {
    return new InvalidSignatureError("signature does not verify", { cause: error });
  }
  if (error instanceof E.JwtInvalidSignatureAlgorithmError) {
    return new UnsupportedAlgorithmError("algorithm not accepted", {
      cause: error,
      detail: `alg ${claimText(header?.alg)}`,
    });
  }
  if (error instanceof E.KidNotFoundInJwksError || error instanceof E.JwtWithoutValidKidError) {
    return new UnknownSigningKeyError("no published key for this kid", {
      cause: error,
      detail: `kid ${claimText(header?.kid)}`,
    });
  }
  if (error instanceof E.WaitPeriodNotYetEndedJwkError) {
    return new JwksRefetchThrottledError("JWKS refetch throttled", { cause: error });
  }
  if (
    error instanceof E.FetchError ||
    error instanceof E.JwksValidationError ||
    error instanceof E.JwkValidationError
  ) {
    return new JwksUnavailableError("JWKS could not be fetched", { cause: error, detail: error.name });
  }
  if (error instanceof E.JwtParseError || unverified === undefined) {
    return new MalformedTokenError("token is not a well-formed JWT", { cause: error });
  }
  return new UnexpectedError("unexpected verification failure", {
    cause: error,
    detail: errorName(error),
  });
}

/** Best-effort, unvalidated decoding, for naming the reason of a refusal only. */
function tryDecompose(
  token: string,
): { header: Record<string, unknown>; payload: Record<string, unknown> } | undefined {
  try {
    const [header, payload] = token
      .split(".", 2)
      .map((part): unknown => JSON.parse(Buffer.from(part, "base64url").toString("utf8")));
    return isPlainObject(header) && isPlainObject(payload) ? { header, payload } : undefined;
  } catch {
    return undefined;
  }
}

function isGraphAudience(aud: unknown): boolean {
  const audiences = Array.isArray(aud) ? aud : [aud];
  return audiences.some(
    (value) => value === GRAPH_APP_ID || (typeof value === "string" && GRAPH_AUDIENCE.test(value)),
  );
}

/** A claim or header value as log text: strings as they are, anything else as JSON. */
function claimText(value: unknown): string {
  return typeof value === "string" ? value : (JSON.stringify(value) ?? "undefined");
}
