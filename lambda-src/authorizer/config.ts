import { type Condition, compileCondition } from "./condition.js";
import { ConfigurationError } from "./errors.js";
import { isPlainObject } from "./json.js";
import { perRouteProblem, policySizeProblem, tokenWideProblem } from "./rest-policy.js";

export type TokenVersion = "1.0" | "2.0";
export type ResponseMode = "iam" | "simple";
export type LogLevel = "TRACE" | "DEBUG" | "INFO" | "WARN" | "ERROR" | "FATAL";
export type Cloud = "public" | "usgov" | "china";

/**
 * What a token needs to call one route. Every part that is set must hold. `scopes` and `roles` form one
 * any-of part; when both are empty the baseline applies instead: at least one scope or one role.
 */
export interface RouteRule {
  readonly scopes: readonly string[];
  readonly roles: readonly string[];
  readonly clients: readonly string[];
  readonly condition: Condition | undefined;
}

/** Route key (`GET /items/{id}`, `$default`, or `*` for unlisted routes) → its rule. */
export type RouteRules = ReadonlyMap<string, RouteRule>;

/** AppSync: `Type.field` → the rule a token must meet to read it, and `*` → the rule to use the API at all. */
export type FieldRules = ReadonlyMap<string, RouteRule>;

/**
 * What a REST API caches an answer under: the token alone (a TOKEN authorizer, or a REQUEST authorizer on
 * the Authorization header), so each answer names every method; or the token, method and resource (a
 * REQUEST authorizer with context.httpMethod and context.resourcePath), so an answer is for one route.
 */
export type RestCacheKey = "token" | "route";

/** The tenant and token version an accepted `iss` value stands for. */
export interface IssuerEntry {
  readonly tenantId: string;
  readonly version: TokenVersion;
}

export interface AuthorizerConfig {
  readonly tenantId: string;
  /** The home tenant and every allowed tenant; more than one means a multi-tenant API. */
  readonly tenantIds: readonly string[];
  /** Every accepted `aud`, with `api://<guid>` and `<guid>` already expanded into each other. */
  readonly audiences: readonly string[];
  readonly tokenVersions: readonly TokenVersion[];
  readonly cloud: Cloud;
  readonly authorityHost: string;
  /** The host of v2 `iss` values; signing keys name their issuer in that form. */
  readonly v2IssuerHost: string;
  /** Every accepted `iss`, one per tenant and token version: a finite list, checked by exact match. */
  readonly issuers: ReadonlyMap<string, IssuerEntry>;
  readonly jwksUri: string;
  /** Undefined when unset: any client application may call. */
  readonly allowedClientIds: ReadonlySet<string> | undefined;
  /** Undefined when unset: the baseline rule for every route. */
  readonly routeRules: RouteRules | undefined;
  /** Undefined when unset: AppSync requests need the baseline only, and no field is denied. */
  readonly fieldRules: FieldRules | undefined;
  readonly restCacheKey: RestCacheKey;
  /**
   * Why a REST API cannot be answered exactly under restCacheKey with these route rules (rest-policy.ts),
   * or undefined. Refused at start-up when AUTHZ_REST_CACHE_KEY is set, else when a REST event arrives.
   */
  readonly restRulesProblem: string | undefined;
  /** REST: the claim whose value is returned as usageIdentifierKey (usage plans per client app). */
  readonly usageIdentifierClaim: string | undefined;
  /** AppSync: the longest ttlOverride, the API's authorizer_result_ttl_in_seconds. */
  readonly cacheTtlSeconds: number;
  readonly responseMode: ResponseMode;
  /** Upper bound on reusing a verified token's claims inside this container; 0 disables the reuse. */
  readonly tokenCacheSeconds: number;
  /** How long a signing key stays trusted after the last fetch that served it; 0: the latest fetch only. */
  readonly jwksKeyRetentionHours: number;
  readonly logLevel: LogLevel;
}

type Environment = Readonly<Record<string, string | undefined>>;

interface CloudHosts {
  /** Where tokens are requested and keys published. */
  readonly authorityHost: string;
  /** The host in a v2.0 token's `iss`. */
  readonly v2IssuerHost: string;
  /** The host in a v1.0 token's `iss` (the cloud's security token service). */
  readonly v1IssuerHost: string;
}

/**
 * Entra's hosts per cloud. Authority hosts: learn.microsoft.com/entra/identity-platform/authentication-national-cloud.
 * v2 issuers and key hosts: MSAL's built-in metadata (AzureAD/microsoft-authentication-library-for-js,
 * lib/msal-common/src/authority/AuthorityMetadata.ts), where China's issuer host differs from its
 * authority host. v1 issuer hosts are on no Learn page; Microsoft's answer in Q&A 1190472 ("token issuers
 * for the sovereign clouds") gives sts.windows.net for US Government and sts.chinacloudapi.cn for China.
 */
export const CLOUD_HOSTS: Readonly<Record<Cloud, CloudHosts>> = Object.freeze({
  public: {
    authorityHost: "login.microsoftonline.com",
    v2IssuerHost: "login.microsoftonline.com",
    v1IssuerHost: "sts.windows.net",
  },
  usgov: {
    authorityHost: "login.microsoftonline.us",
    v2IssuerHost: "login.microsoftonline.us",
    v1IssuerHost: "sts.windows.net",
  },
  china: {
    authorityHost: "login.chinacloudapi.cn",
    v2IssuerHost: "login.partner.microsoftonline.cn",
    v1IssuerHost: "sts.chinacloudapi.cn",
  },
});

export const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const HOST =
  /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?::(\d{1,5}))?$/;
const MAX_PORT = 65535;
const ROUTE_KEY = /^(?:\*|\$default|(?:ANY|GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS) \/\S*)$/;
/** GraphQL names (spec, §2.1.9): `Type.field`, or `*`. */
const FIELD_KEY = /^(?:\*|[_A-Za-z][_0-9A-Za-z]*\.[_A-Za-z][_0-9A-Za-z]*)$/;
const CLAIM_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
const REST_CACHE_KEYS: readonly RestCacheKey[] = ["token", "route"];
const CLAIM_VALUE = /^\S{1,256}$/;
const RULE_PARTS = new Set(["scopes", "roles", "clients", "condition"]);
const TOKEN_VERSIONS: readonly TokenVersion[] = ["1.0", "2.0"];
const RESPONSE_MODES: readonly ResponseMode[] = ["iam", "simple"];
const LOG_LEVELS: readonly LogLevel[] = ["TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"];
const CLOUDS: readonly Cloud[] = ["public", "usgov", "china"];
const DEFAULT_TOKEN_CACHE_SECONDS = 300;
/** AppSync caches an authorizer's answer for at most an hour (authorizerResultTtlInSeconds, 0 to 3600). */
const DEFAULT_CACHE_TTL_SECONDS = 300;
const MAX_CACHE_TTL_SECONDS = 3600;
const MAX_TOKEN_CACHE_SECONDS = 3600;
/**
 * Replaying the public history of Entra's `common` key set (test/replay/key-churn.test.ts), 24 hours
 * still refuse valid tokens and 48 refuse none. A week bounds how long a withdrawn key is trusted.
 */
export const DEFAULT_JWKS_KEY_RETENTION_HOURS = 48;
export const MAX_JWKS_KEY_RETENTION_HOURS = 168;

/**
 * Reads and validates the environment once, at start-up; the only reader of `process.env`'s values. Any
 * bad value throws one ConfigurationError naming the variable; the handler then denies every request.
 */
export function loadConfig(env: Environment): AuthorizerConfig {
  const tenantId = guid(required(env, "ENTRA_TENANT_ID").toLowerCase(), "ENTRA_TENANT_ID");
  const cloud = oneOf(env, "ENTRA_CLOUD", CLOUDS, "public");
  const hosts = CLOUD_HOSTS[cloud];
  const hostOverride = optional(env, "ENTRA_AUTHORITY_HOST")?.toLowerCase();
  // Stryker disable next-line ConditionalExpression: isHostName(undefined) tests the string "undefined", a valid host name
  if (hostOverride !== undefined && !isHostName(hostOverride)) {
    throw new ConfigurationError(
      "ENTRA_AUTHORITY_HOST",
      "must be a host name such as login.microsoftonline.com",
    );
  }
  // An override (a proxy, a local issuer) names the authority, which also issues v2 tokens.
  const authorityHost = hostOverride ?? hosts.authorityHost;
  const v2IssuerHost = hostOverride ?? hosts.v2IssuerHost;

  const tokenVersions = [...new Set(list(env, "ENTRA_TOKEN_VERSIONS") ?? TOKEN_VERSIONS)];
  if (!tokenVersions.every((version) => isOneOf(version, TOKEN_VERSIONS))) {
    throw new ConfigurationError("ENTRA_TOKEN_VERSIONS", "must be 1.0, 2.0 or 1.0,2.0");
  }

  const allowedTenants = (list(env, "ENTRA_ALLOWED_TENANT_IDS") ?? []).map((id) =>
    guid(id.toLowerCase(), "ENTRA_ALLOWED_TENANT_IDS"),
  );
  const tenantIds = [...new Set([tenantId, ...allowedTenants])];
  const issuers = new Map<string, IssuerEntry>();
  for (const tenant of tenantIds) {
    for (const version of tokenVersions) {
      issuers.set(issuerFor(version, tenant, version === "2.0" ? v2IssuerHost : hosts.v1IssuerHost), {
        tenantId: tenant,
        version,
      });
    }
  }

  // Microsoft: a multi-tenant application reads the keys of the `common` endpoint (access-tokens page).
  const keySet = tenantIds.length > 1 ? "common" : tenantId;
  const jwksUri = optional(env, "ENTRA_JWKS_URI") ?? `https://${authorityHost}/${keySet}/discovery/v2.0/keys`;
  if (!isHttpsUrl(jwksUri)) {
    throw new ConfigurationError("ENTRA_JWKS_URI", "must be an https:// URL");
  }

  const clients = list(env, "ENTRA_ALLOWED_CLIENT_IDS")?.map((id) =>
    guid(id.toLowerCase(), "ENTRA_ALLOWED_CLIENT_IDS"),
  );

  const routeRules = parseRules(
    env,
    "AUTHZ_ROUTE_PERMISSIONS",
    "route key",
    ROUTE_KEY,
    'look like "GET /path", "$default" or "*"',
  );
  const restCacheKey = oneOf(env, "AUTHZ_REST_CACHE_KEY", REST_CACHE_KEYS, "token");
  const restRulesProblem =
    routeRules === undefined
      ? undefined
      : restCacheKey === "route"
        ? perRouteProblem(routeRules)
        : (tokenWideProblem(routeRules) ?? policySizeProblem(routeRules));
  // Set by the REST module; an HTTP API's authorizer leaves it unset, and a REST event finds the problem.
  if (restRulesProblem !== undefined && optional(env, "AUTHZ_REST_CACHE_KEY") !== undefined) {
    throw new ConfigurationError(
      "AUTHZ_ROUTE_PERMISSIONS",
      restCacheKey === "token"
        ? `${restRulesProblem}; a REST API that caches answers by token needs one answer right for every method (use a REQUEST authorizer with the method and resource in its identity sources)`
        : restRulesProblem,
    );
  }
  const usageIdentifierClaim = optional(env, "AUTHZ_USAGE_IDENTIFIER_CLAIM");
  if (usageIdentifierClaim !== undefined && !CLAIM_NAME.test(usageIdentifierClaim)) {
    throw new ConfigurationError("AUTHZ_USAGE_IDENTIFIER_CLAIM", "must be a claim name such as azp or appid");
  }

  return Object.freeze({
    tenantId,
    tenantIds: Object.freeze(tenantIds),
    audiences: Object.freeze(expandAudiences(required(env, "ENTRA_AUDIENCE").split(","))),
    tokenVersions: Object.freeze(tokenVersions),
    cloud,
    authorityHost,
    v2IssuerHost,
    issuers,
    jwksUri,
    allowedClientIds: clients === undefined ? undefined : new Set(clients),
    routeRules,
    fieldRules: parseRules(
      env,
      "AUTHZ_FIELD_PERMISSIONS",
      "field key",
      FIELD_KEY,
      'look like "Type.field" (GraphQL names) or "*"',
    ),
    restCacheKey,
    restRulesProblem,
    usageIdentifierClaim,
    cacheTtlSeconds: wholeNumber(env, "AUTHZ_CACHE_TTL_SECONDS", "seconds", {
      fallback: DEFAULT_CACHE_TTL_SECONDS,
      max: MAX_CACHE_TTL_SECONDS,
    }),
    responseMode: oneOf(env, "AUTHZ_RESPONSE_MODE", RESPONSE_MODES, "iam"),
    tokenCacheSeconds: wholeNumber(env, "AUTHZ_TOKEN_CACHE_SECONDS", "seconds", {
      fallback: DEFAULT_TOKEN_CACHE_SECONDS,
      max: MAX_TOKEN_CACHE_SECONDS,
    }),
    jwksKeyRetentionHours: wholeNumber(env, "ENTRA_JWKS_KEY_RETENTION_HOURS", "hours", {
      fallback: DEFAULT_JWKS_KEY_RETENTION_HOURS,
      max: MAX_JWKS_KEY_RETENTION_HOURS,
    }),
    logLevel: readLogLevel(env),
  });
}

/**
 * What the handler still needs when loadConfig fails: the response shape API Gateway expects (undefined
 * when that variable itself is wrong) and a log level, so the failure is logged and every answer refuses.
 */
export function readFailSafeSettings(env: Environment): {
  responseMode: ResponseMode | undefined;
  logLevel: LogLevel;
} {
  const mode = env.AUTHZ_RESPONSE_MODE?.trim() || "iam";
  let logLevel: LogLevel;
  try {
    logLevel = readLogLevel(env);
  } catch {
    logLevel = "WARN";
  }
  return { responseMode: isOneOf(mode, RESPONSE_MODES) ? mode : undefined, logLevel };
}

/**
 * Lambda sets AWS_LAMBDA_LOG_LEVEL from the function's logging_config (JSON log format). Unset, as in a
 * function without advanced logging controls: WARN, so refusals and failures are logged and allows are not.
 */
function readLogLevel(env: Environment): LogLevel {
  return oneOf(env, "AWS_LAMBDA_LOG_LEVEL", LOG_LEVELS, "WARN", (value) => value.toUpperCase());
}

/** Entra's `iss` forms: `https://<v1 host>/<tenant>/` and `https://<v2 host>/<tenant>/v2.0`. */
export function issuerFor(version: TokenVersion, tenantId: string, host: string): string {
  return version === "2.0" ? `https://${host}/${tenantId}/v2.0` : `https://${host}/${tenantId}/`;
}

/**
 * v1 tokens carry the Application ID URI (`api://<guid>`) and v2 tokens the bare client ID, depending on
 * the app's requestedAccessTokenVersion; accepting both spellings of one app removes that trap.
 */
export function expandAudiences(audiences: readonly string[]): string[] {
  const expanded = new Set<string>();
  for (const audience of audiences.map((item) => item.trim())) {
    if (!CLAIM_VALUE.test(audience)) {
      throw new ConfigurationError(
        "ENTRA_AUDIENCE",
        "each audience must be 1 to 256 characters without spaces",
      );
    }
    expanded.add(audience);
    // Entra writes GUIDs in lower case; a GUID typed in upper case still means that app.
    const lower = audience.toLowerCase();
    const guid = lower.startsWith("api://") ? lower.slice("api://".length) : lower;
    if (GUID.test(guid)) {
      expanded.add(guid);
      expanded.add(`api://${guid}`);
    }
  }
  return [...expanded];
}

/** Route or field rules: a JSON object of key → { scopes, roles, clients, condition }. */
function parseRules(
  env: Environment,
  variable: string,
  keyName: string,
  keyPattern: RegExp,
  keyShape: string,
): ReadonlyMap<string, RouteRule> | undefined {
  const raw = optional(env, variable);
  if (raw === undefined) {
    return undefined;
  }
  const invalid = (message: string, cause?: unknown) => new ConfigurationError(variable, message, { cause });
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (error) {
    throw invalid("must be a JSON object", error);
  }
  if (!isPlainObject(parsed)) {
    throw invalid(`must be a JSON object of ${keyName} → { scopes, roles, clients, condition }`);
  }
  const rules = new Map<string, RouteRule>();
  for (const [routeKey, entry] of Object.entries(parsed)) {
    const route = JSON.stringify(routeKey);
    if (!keyPattern.test(routeKey)) {
      throw invalid(`${keyName} ${route} must ${keyShape}`);
    }
    if (!isPlainObject(entry) || !Object.keys(entry).every((part) => RULE_PARTS.has(part))) {
      throw invalid(`rule for ${route} must be an object with only scopes, roles, clients and condition`);
    }
    const scopes = names(entry.scopes, CLAIM_VALUE);
    const roles = names(entry.roles, CLAIM_VALUE);
    const clients = names(entry.clients, GUID, (name) => name.toLowerCase());
    if (scopes === undefined || roles === undefined) {
      throw invalid(`scopes and roles of ${route} must be lists of names without spaces`);
    }
    if (clients === undefined) {
      throw invalid(`clients of ${route} must be a list of client IDs (GUIDs)`);
    }
    rules.set(
      routeKey,
      Object.freeze({ scopes, roles, clients, condition: condition(entry.condition, route, variable) }),
    );
  }
  return rules.size === 0 ? undefined : rules;
}

function condition(source: unknown, route: string, variable: string): Condition | undefined {
  if (source === undefined || source === null) {
    return undefined;
  }
  if (typeof source !== "string" || source.trim() === "") {
    throw new ConfigurationError(variable, `condition of ${route} must be a non-empty string`);
  }
  try {
    return compileCondition(source);
  } catch (error) {
    throw new ConfigurationError(
      variable,
      `condition of ${route} is not a CEL expression of type bool: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
}

/** A list of names as Terraform's jsonencode writes it: absent, null and [] all mean none. */
function names(
  value: unknown,
  pattern: RegExp,
  normalize: (name: string) => string = (name) => name,
): readonly string[] | undefined {
  if (value === undefined || value === null) {
    return Object.freeze([]);
  }
  if (!Array.isArray(value) || !value.every((item) => typeof item === "string")) {
    return undefined;
  }
  const normalized = value.map(normalize);
  return normalized.every((name) => pattern.test(name)) ? Object.freeze(normalized) : undefined;
}

function optional(env: Environment, variable: string): string | undefined {
  const value = env[variable]?.trim();
  return value || undefined;
}

function required(env: Environment, variable: string): string {
  const value = optional(env, variable);
  if (value === undefined) {
    throw new ConfigurationError(variable, "is required");
  }
  return value;
}

/** A comma-separated list, or undefined when the variable is unset or blank. */
function list(env: Environment, variable: string): string[] | undefined {
  const raw = optional(env, variable);
  if (raw === undefined) {
    return undefined;
  }
  const items = raw.split(",").map((item) => item.trim());
  if (items.includes("")) {
    throw new ConfigurationError(variable, "must be a comma-separated list without empty items");
  }
  return items;
}

function guid(value: string, variable: string): string {
  if (!GUID.test(value)) {
    throw new ConfigurationError(
      variable,
      `must be GUIDs such as 00000000-0000-0000-0000-000000000000, not ${JSON.stringify(value)}`,
    );
  }
  return value;
}

function oneOf<T extends string>(
  env: Environment,
  variable: string,
  allowed: readonly T[],
  fallback: T,
  normalize: (value: string) => string = (value) => value,
): T {
  const value = optional(env, variable);
  if (value === undefined) {
    return fallback;
  }
  const normalized = normalize(value);
  if (!isOneOf(normalized, allowed)) {
    throw new ConfigurationError(variable, `must be one of ${allowed.join(", ")}`);
  }
  return normalized;
}

function wholeNumber(
  env: Environment,
  variable: string,
  unit: string,
  { fallback, max }: { fallback: number; max: number },
): number {
  const value = optional(env, variable);
  if (value === undefined) {
    return fallback;
  }
  const number = /^\d{1,5}$/.test(value) ? Number(value) : Number.NaN;
  if (!(number <= max)) {
    throw new ConfigurationError(variable, `must be a whole number of ${unit} from 0 to ${max}`);
  }
  return number;
}

/** A host name, with an optional port from 1 to 65535. */
function isHostName(value: string): boolean {
  const match = HOST.exec(value);
  const port = match?.[1] === undefined ? 1 : Number(match[1]);
  return match !== null && port >= 1 && port <= MAX_PORT;
}

function isHttpsUrl(value: string): boolean {
  return URL.canParse(value) && new URL(value).protocol === "https:";
}

function isOneOf<T extends string>(value: string, allowed: readonly T[]): value is T {
  return (allowed as readonly string[]).includes(value);
}
