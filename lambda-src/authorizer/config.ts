import { ConfigurationError } from "./errors.js";
import { isPlainObject } from "./json.js";

export type TokenVersion = "1.0" | "2.0";
export type ResponseMode = "iam" | "simple";
export type LogLevel = "debug" | "info" | "warn" | "error";

export interface RoutePermission {
  readonly scopes: readonly string[];
  readonly roles: readonly string[];
}

/** Route key (`GET /items/{id}`, `$default`, or `*` for unlisted routes) → what a token needs to call it. */
export type RoutePermissions = ReadonlyMap<string, RoutePermission>;

export interface AuthorizerConfig {
  readonly tenantId: string;
  /** Every accepted `aud`, with `api://<guid>` and `<guid>` already expanded into each other. */
  readonly audiences: readonly string[];
  readonly tokenVersions: readonly TokenVersion[];
  readonly authorityHost: string;
  /** Accepted `iss` values, one per enabled token version. */
  readonly issuers: readonly string[];
  readonly jwksUri: string;
  /** Undefined when unset: then any token with a scope or a role may call every route. */
  readonly routePermissions: RoutePermissions | undefined;
  readonly responseMode: ResponseMode;
  readonly logLevel: LogLevel;
}

type Environment = Readonly<Record<string, string | undefined>>;

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const HOST =
  /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?::\d{1,5})?$/i;
const ROUTE_KEY = /^(?:\*|\$default|(?:ANY|GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS) \/\S*)$/;
const CLAIM_VALUE = /^\S{1,256}$/;
const TOKEN_VERSIONS: readonly TokenVersion[] = ["1.0", "2.0"];
const RESPONSE_MODES: readonly ResponseMode[] = ["iam", "simple"];
const LOG_LEVELS: readonly LogLevel[] = ["debug", "info", "warn", "error"];

export const DEFAULT_AUTHORITY_HOST = "login.microsoftonline.com";

/**
 * Reads and validates the environment once, at start-up. Any bad value throws one ConfigurationError
 * naming the variable; the handler then denies every request rather than guess.
 */
export function loadConfig(env: Environment): AuthorizerConfig {
  const tenantId = required(env, "ENTRA_TENANT_ID").toLowerCase();
  if (!GUID.test(tenantId)) {
    throw new ConfigurationError("ENTRA_TENANT_ID", "must be the tenant ID, a GUID");
  }

  const authorityHost = (env.ENTRA_AUTHORITY_HOST ?? "").trim() || DEFAULT_AUTHORITY_HOST;
  if (!HOST.test(authorityHost)) {
    throw new ConfigurationError(
      "ENTRA_AUTHORITY_HOST",
      "must be a host name such as login.microsoftonline.com",
    );
  }

  const tokenVersions = parseList(env, "ENTRA_TOKEN_VERSIONS", "1.0,2.0");
  for (const version of tokenVersions) {
    if (!isOneOf(version, TOKEN_VERSIONS)) {
      throw new ConfigurationError("ENTRA_TOKEN_VERSIONS", "must be 1.0, 2.0 or 1.0,2.0");
    }
  }

  const jwksUri = (env.ENTRA_JWKS_URI ?? "").trim() || defaultJwksUri(authorityHost, tenantId);
  if (!isHttpsUrl(jwksUri)) {
    throw new ConfigurationError("ENTRA_JWKS_URI", "must be an https:// URL");
  }

  const responseMode = (env.AUTHZ_RESPONSE_MODE ?? "").trim() || "iam";
  if (!isOneOf(responseMode, RESPONSE_MODES)) {
    throw new ConfigurationError("AUTHZ_RESPONSE_MODE", "must be iam or simple");
  }

  const logLevel = readLogLevel(env);
  if (logLevel === undefined) {
    throw new ConfigurationError("LOG_LEVEL", "must be debug, info, warn or error");
  }

  const versions = tokenVersions as TokenVersion[];
  return Object.freeze({
    tenantId,
    audiences: Object.freeze(expandAudiences(parseList(env, "ENTRA_AUDIENCE"))),
    tokenVersions: Object.freeze([...new Set(versions)]),
    authorityHost,
    issuers: Object.freeze(
      [...new Set(versions)].map((version) => issuerFor(version, tenantId, authorityHost)),
    ),
    jwksUri,
    routePermissions: parseRoutePermissions(env.AUTHZ_ROUTE_PERMISSIONS),
    responseMode,
    logLevel,
  });
}

/** LOG_LEVEL on its own, so the logger can honour it even when another variable is wrong. */
export function readLogLevel(env: Environment): LogLevel | undefined {
  const level = (env.LOG_LEVEL ?? "").trim().toLowerCase() || "info";
  return isOneOf(level, LOG_LEVELS) ? level : undefined;
}

/** Entra's `iss` forms: v1 tokens name the STS of the cloud, v2 tokens the authority itself. */
export function issuerFor(version: TokenVersion, tenantId: string, authorityHost: string): string {
  if (version === "2.0") {
    return `https://${authorityHost}/${tenantId}/v2.0`;
  }
  const stsHost = authorityHost === "login.chinacloudapi.cn" ? "sts.chinacloudapi.cn" : "sts.windows.net";
  return `https://${stsHost}/${tenantId}/`;
}

export function defaultJwksUri(authorityHost: string, tenantId: string): string {
  return `https://${authorityHost}/${tenantId}/discovery/v2.0/keys`;
}

/**
 * v1 tokens carry the Application ID URI (`api://<guid>`) and v2 tokens the bare client ID, depending on
 * the app's accessTokenAcceptedVersion; accepting both spellings of one app removes that trap.
 */
function expandAudiences(audiences: readonly string[]): string[] {
  const expanded = new Set<string>();
  for (const audience of audiences) {
    if (!CLAIM_VALUE.test(audience)) {
      throw new ConfigurationError("ENTRA_AUDIENCE", "each audience must be non-empty and without spaces");
    }
    expanded.add(audience);
    if (GUID.test(audience)) {
      expanded.add(`api://${audience}`);
    } else if (audience.startsWith("api://") && GUID.test(audience.slice("api://".length))) {
      expanded.add(audience.slice("api://".length));
    }
  }
  return [...expanded];
}

function parseRoutePermissions(raw: string | undefined): RoutePermissions | undefined {
  if (raw === undefined || raw.trim() === "") {
    return undefined;
  }
  const invalid = (message: string) => new ConfigurationError("AUTHZ_ROUTE_PERMISSIONS", message);
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw invalid("must be a JSON object");
  }
  if (!isPlainObject(parsed)) {
    throw invalid("must be a JSON object of route key → { scopes, roles }");
  }
  const permissions = new Map<string, RoutePermission>();
  for (const [routeKey, entry] of Object.entries(parsed)) {
    const name = JSON.stringify(routeKey);
    if (!ROUTE_KEY.test(routeKey)) {
      throw invalid(`route key ${name} must look like "GET /path", "$default" or "*"`);
    }
    if (!isPlainObject(entry) || Object.keys(entry).some((key) => key !== "scopes" && key !== "roles")) {
      throw invalid(`entry for ${name} must be an object with only "scopes" and "roles"`);
    }
    const scopes = claimList(entry.scopes);
    const roles = claimList(entry.roles);
    if (scopes === undefined || roles === undefined) {
      throw invalid(`scopes and roles of ${name} must be lists of strings without spaces`);
    }
    permissions.set(routeKey, Object.freeze({ scopes, roles }));
  }
  return permissions;
}

function claimList(value: unknown): readonly string[] | undefined {
  if (value === undefined) {
    return Object.freeze([]);
  }
  if (!Array.isArray(value) || !value.every((item) => typeof item === "string" && CLAIM_VALUE.test(item))) {
    return undefined;
  }
  return Object.freeze([...(value as string[])]);
}

function required(env: Environment, variable: string): string {
  const value = (env[variable] ?? "").trim();
  if (value === "") {
    throw new ConfigurationError(variable, "is required");
  }
  return value;
}

function parseList(env: Environment, variable: string, fallback?: string): string[] {
  const raw = fallback === undefined ? required(env, variable) : (env[variable] ?? "").trim() || fallback;
  const items = raw.split(",").map((item) => item.trim());
  if (items.some((item) => item === "")) {
    throw new ConfigurationError(variable, "must be a comma-separated list without empty items");
  }
  return items;
}

function isHttpsUrl(value: string): boolean {
  try {
    return new URL(value).protocol === "https:";
  } catch {
    return false;
  }
}

function isOneOf<T extends string>(value: string, allowed: readonly T[]): value is T {
  return (allowed as readonly string[]).includes(value);
}
