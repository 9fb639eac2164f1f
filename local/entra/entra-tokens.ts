/**
 * Signing keys and access tokens shaped like the ones Microsoft Entra ID issues.
 *
 * Only node:crypto is used on purpose: the tokens must be verifiable by the authorizer's real
 * verifier (aws-jwt-verify), so minting them with a second JWT library would only test that the
 * two libraries agree with each other.
 */
import { createHash, generateKeyPairSync, type KeyObject, randomBytes, sign } from "node:crypto";
import { CLOUD_HOSTS, issuerFor as entraIssuerFor } from "../../lambda-src/authorizer/config.js";

export type TokenVersion = "1.0" | "2.0";
export type TokenKind = "user" | "app";

export interface PublicJwk {
  kty: "RSA";
  use: "sig";
  kid: string;
  n: string;
  e: string;
  x5t?: string;
}

export interface SigningKey {
  kid: string;
  privateKey: KeyObject;
  /** As Entra publishes it: note there is no `alg` member in Entra's JWKS. */
  publicJwk: PublicJwk;
}

export const DEFAULT_AUTHORITY_HOST = "login.microsoftonline.com";

/** Creates an RSA-2048 key; the default kid looks like Entra's (a base64url SHA-1 thumbprint). */
export function createSigningKey(kid?: string): SigningKey {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const jwk = publicKey.export({ format: "jwk" });
  if (jwk.n === undefined || jwk.e === undefined) throw new Error("RSA public key export lacks n or e");
  const keyId = kid ?? base64url(createHash("sha1").update(randomBytes(32)).digest());
  // Entra's kid and x5t are the same certificate thumbprint; mirror that for generated ids.
  const publicJwk: PublicJwk = { kty: "RSA", use: "sig", kid: keyId, n: jwk.n, e: jwk.e };
  if (kid === undefined) publicJwk.x5t = keyId;
  return { kid: keyId, privateKey, publicJwk };
}

/** Signs `payload` with RS256; `header` entries override the defaults so tests can forge headers. */
export function signJwt(payload: object, key: SigningKey, header?: Record<string, unknown>): string {
  const encodedHeader = base64url(JSON.stringify({ typ: "JWT", alg: "RS256", kid: key.kid, ...header }));
  const encodedPayload = base64url(JSON.stringify(payload));
  const signingInput = `${encodedHeader}.${encodedPayload}`;
  const signature = sign("sha256", Buffer.from(signingInput), key.privateKey);
  return `${signingInput}.${base64url(signature)}`;
}

/**
 * The `iss` claim Entra puts in access tokens of each version.
 * v1 tokens come from the cloud's Security Token Service host (the authorizer's CLOUD_HOSTS table;
 * `sts.windows.net` for any other authority, such as the local issuer); v2 tokens name the authority
 * host the token was requested from.
 */
export function issuerFor(
  version: TokenVersion,
  tenantId: string,
  authorityHost: string,
  v1IssuerHost?: string,
): string {
  if (version === "2.0") return entraIssuerFor("2.0", tenantId, authorityHost);
  const cloud = Object.values(CLOUD_HOSTS).find(
    (hosts) => hosts.authorityHost === authorityHost.toLowerCase(),
  );
  return entraIssuerFor(
    "1.0",
    tenantId,
    v1IssuerHost ?? cloud?.v1IssuerHost ?? CLOUD_HOSTS.public.v1IssuerHost,
  );
}

export interface EntraClaimsOptions {
  tenantId: string;
  audience: string;
  version: TokenVersion;
  kind: TokenKind;
  /** Delegated permissions; Entra only puts `scp` in user (delegated) tokens. */
  scopes?: string[];
  /** App roles: granted to the user (user tokens) or to the client application (app tokens). */
  roles?: string[];
  /** Default login.microsoftonline.com. */
  authorityHost?: string;
  /** Host in v1 tokens' `iss`; default the one Entra uses for the authority host's cloud. */
  v1IssuerHost?: string;
  /** The calling application (`appid` in v1, `azp` in v2). */
  clientId?: string;
  /** Sign-in name of the user (`upn` in v1, `preferred_username` in v2). */
  userName?: string;
  /** Object ID of the user, or of the client's service principal for app tokens. */
  oid?: string;
  /** Default 3600. */
  lifetimeSeconds?: number;
  /** Issue time in seconds since the epoch; default now. */
  now?: number;
}

export const DEV_CLIENT_ID = "00000000-0000-4000-8000-00000000c11e";
export const DEV_USER_NAME = "dev.user@contoso.example";

/** The claim set of an Entra access token of the given version and kind. */
export function entraClaims(options: EntraClaimsOptions): Record<string, unknown> {
  const authorityHost = options.authorityHost ?? DEFAULT_AUTHORITY_HOST;
  const iat = options.now ?? Math.floor(Date.now() / 1000);
  const clientId = options.clientId ?? DEV_CLIENT_ID;
  const userName = options.userName ?? DEV_USER_NAME;
  const isUser = options.kind === "user";
  // Stable object IDs, so the same user or client keeps the same oid across tokens and runs.
  const oid = options.oid ?? guidFrom(isUser ? `user:${options.tenantId}:${userName}` : `sp:${clientId}`);
  // Entra's user `sub` is pairwise (per user and application); an app's `sub` is its oid.
  const sub = isUser ? base64url(createHash("sha256").update(`${oid}:${clientId}`).digest()) : oid;

  const claims: Record<string, unknown> = {
    aud: options.audience,
    iss: issuerFor(options.version, options.tenantId, authorityHost, options.v1IssuerHost),
    iat,
    nbf: iat,
    exp: iat + (options.lifetimeSeconds ?? 3600),
    aio: base64url(randomBytes(48)),
  };
  if (options.version === "1.0") {
    if (isUser) claims.amr = ["pwd"];
    claims.appid = clientId;
    // 0 = public client, 1 = client secret, 2 = certificate.
    claims.appidacr = isUser ? "0" : "1";
    if (!isUser) claims.idp = issuerFor("1.0", options.tenantId, authorityHost, options.v1IssuerHost);
  } else {
    claims.azp = clientId;
    claims.azpacr = isUser ? "0" : "1";
  }
  if (!isUser) claims.idtyp = "app";
  if (isUser) claims.name = displayName(userName);
  claims.oid = oid;
  if (isUser && options.version === "2.0") claims.preferred_username = userName;
  claims.rh = `0.${base64url(randomBytes(24))}.`;
  if (options.roles !== undefined) claims.roles = [...options.roles];
  if (isUser && options.scopes !== undefined) claims.scp = options.scopes.join(" ");
  claims.sub = sub;
  claims.tid = options.tenantId;
  if (isUser && options.version === "1.0") {
    claims.unique_name = userName;
    claims.upn = userName;
  }
  claims.uti = base64url(randomBytes(16));
  claims.ver = options.version;
  return claims;
}

export function base64url(input: string | Buffer): string {
  return Buffer.from(input).toString("base64url");
}

function displayName(userName: string): string {
  const local = userName.split("@")[0] ?? userName;
  return local
    .split(/[._-]+/)
    .filter((part) => part.length > 0)
    .map((part) => part[0]?.toUpperCase() + part.slice(1))
    .join(" ");
}

/** A version-4-shaped GUID derived from `seed`, so derived ids are stable but look real. */
function guidFrom(seed: string): string {
  const hex = createHash("sha256").update(seed).digest("hex");
  const variant = ((Number.parseInt(hex[16] ?? "0", 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
