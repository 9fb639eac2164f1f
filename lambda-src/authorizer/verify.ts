import { classify } from "./classify.js";
import type { AuthorizerConfig, IssuerEntry } from "./config.js";
import { breachedEntraRule, CLOCK_SKEW_SECONDS, type SigningKeyFacts } from "./entra-rules.js";
import type { EntraJwksCache } from "./jwks-cache.js";
import { type Jwk, type JwtHeader, type JwtPayload, JwtVerifier, libraryErrors } from "./jwt-library.js";
import { type Refusal, refuse } from "./refusal.js";
import { VerifiedTokenCache } from "./token-cache.js";

/** The identity a verified token proves, in the shape the rest of the authorizer needs. Frozen. */
export interface VerifiedToken {
  readonly subject: string;
  readonly objectId: string | undefined;
  readonly tenantId: string;
  readonly clientId: string;
  readonly scopes: readonly string[];
  readonly roles: readonly string[];
  readonly version: string;
  /** The verified payload, for route conditions. */
  readonly claims: Readonly<JwtPayload>;
}

export interface TokenVerifier {
  verify(token: string): Promise<VerifiedToken | Refusal>;
  /** Fetches the JWKS ahead of the first request. */
  prefetch(): Promise<void>;
  /** A trusted key was withdrawn or changed: forgets every verified token and every imported key. */
  forgetKeys(): void;
}

const TOKEN_CACHE_ENTRIES = 1000;
const TOKEN_CACHE_CHARACTERS = 4 * 1024 * 1024;

/** What customJwtCheck saw of a token, kept by its payload object until the verifier returns that payload. */
interface VerifiedParts {
  readonly header: JwtHeader;
  readonly key: SigningKeyFacts;
}

export function createTokenVerifier(
  config: AuthorizerConfig,
  jwksCache: EntraJwksCache,
  now: () => number = () => Date.now(),
): TokenVerifier {
  // aws-jwt-verify hands the header and the key only to customJwtCheck; keeping them by payload lets the
  // Entra rules run after verification and return a refusal rather than throw from inside the library.
  const partsOf = new WeakMap<JwtPayload, VerifiedParts>();
  const issuerConfigs = [...config.issuers.keys()].map((issuer) => ({
    issuer,
    jwksUri: config.jwksUri,
    audience: [...config.audiences],
    graceSeconds: CLOCK_SKEW_SECONDS,
    customJwtCheck: ({ header, payload, jwk }: { header: JwtHeader; payload: JwtPayload; jwk: Jwk }) => {
      partsOf.set(payload, { header, key: jwk as SigningKeyFacts });
    },
  }));
  // The library keeps each key it imported by issuer and kid, and never looks at the material again: a
  // kid served with a new modulus would still verify with the old one. A new verifier starts empty.
  const createLibraryVerifier = () => JwtVerifier.create(issuerConfigs, { jwksCache });
  let verifier = createLibraryVerifier();
  const cache = new VerifiedTokenCache<VerifiedToken>(
    {
      maxEntries: TOKEN_CACHE_ENTRIES,
      maxTokenCharacters: TOKEN_CACHE_CHARACTERS,
      maxAgeSeconds: config.tokenCacheSeconds,
    },
    now,
  );

  const issuerHosts = new Set([...config.issuers.keys()].map((issuer) => new URL(issuer).host));

  async function verifyWithLibrary(token: string): Promise<{ payload: JwtPayload } | Refusal> {
    try {
      // Warm path: the key is cached, so no promise and no fetch.
      return { payload: verifier.verifySync(token) };
    } catch (error) {
      if (error instanceof libraryErrors.JwtInvalidSignatureError) {
        return verifyIfKeyChanged(token, error);
      }
      if (!isJwksCacheMiss(error)) {
        return classify(error, token, issuerHosts);
      }
    }
    return verifyFetchingKeys(token);
  }

  async function verifyFetchingKeys(token: string): Promise<{ payload: JwtPayload } | Refusal> {
    try {
      return { payload: await verifier.verify(token) };
    } catch (error) {
      return classify(error, token, issuerHosts);
    }
  }

  /** A token signed with new material under a kid served before verifies once the new key is fetched. */
  async function verifyIfKeyChanged(
    token: string,
    signatureError: Error,
  ): Promise<{ payload: JwtPayload } | Refusal> {
    let changed: boolean;
    try {
      changed = await jwksCache.keyChanged(config.jwksUri, headerKid(token));
    } catch (error) {
      return classify(error, token, issuerHosts);
    }
    return changed ? verifyFetchingKeys(token) : classify(signatureError, token, issuerHosts);
  }

  return {
    prefetch: () => verifier.hydrate(),
    forgetKeys() {
      cache.clear();
      verifier = createLibraryVerifier();
    },
    async verify(token) {
      const cached = cache.get(token);
      if (cached !== undefined) {
        return cached;
      }
      const verification = await verifyWithLibrary(token);
      if (!("payload" in verification)) {
        return verification;
      }
      const { payload } = verification;
      const parts = partsOf.get(payload);
      const issuer = config.issuers.get(payload.iss as string);
      // Stryker disable next-line ConditionalExpression,LogicalOperator,BlockStatement: unreachable guard: the library returns only payloads it passed to customJwtCheck, with an iss that is a key of config.issuers
      if (parts === undefined || issuer === undefined) {
        // Stryker disable next-line StringLiteral: unreachable, as the guard above
        return refuse("INTERNAL_ERROR", "verified token without its header, key or issuer");
      }
      const identity =
        breachedEntraRule(parts.header, payload, parts.key, issuer, config.v2IssuerHost, now() / 1000) ??
        readIdentity(payload, issuer);
      if ("subject" in identity) {
        cache.set(token, identity, payload.exp as number);
      }
      return identity;
    },
  };
}

function readIdentity(payload: JwtPayload, { tenantId, version }: IssuerEntry): VerifiedToken | Refusal {
  const { scp, roles, sub, oid, azp, appid } = payload;
  if (
    (scp !== undefined && typeof scp !== "string") ||
    (roles !== undefined && !(Array.isArray(roles) && roles.every((role) => typeof role === "string"))) ||
    typeof sub !== "string" ||
    (oid !== undefined && typeof oid !== "string")
  ) {
    return refuse("MALFORMED_TOKEN", "scp, roles, sub or oid has an unexpected type");
  }
  return Object.freeze({
    subject: sub,
    objectId: oid,
    tenantId,
    clientId: version === "2.0" ? (azp as string) : (appid as string),
    scopes: Object.freeze(scp === undefined ? [] : scp.split(" ").filter((scope) => scope !== "")),
    roles: Object.freeze([...(roles ?? [])]),
    version,
    claims: Object.freeze(payload),
  });
}

/** The header's kid of a token the library has already decomposed (it got as far as the signature). */
function headerKid(token: string): string {
  const header = JSON.parse(
    Buffer.from(token.slice(0, token.indexOf(".")), "base64url").toString("utf8"),
  ) as {
    kid: string;
  };
  return header.kid;
}

function isJwksCacheMiss(error: unknown): boolean {
  return (
    error instanceof libraryErrors.JwksNotAvailableInCacheError ||
    error instanceof libraryErrors.KidNotFoundInJwksError
  );
}
