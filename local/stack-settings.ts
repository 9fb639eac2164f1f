/**
 * Settings of the local stack: the Terraform module's inputs that shape the API and the
 * authorizer, with the same names in a `--config` file (plain JSON or `.tfvars.json`), and the
 * environment the module derives from them for the authorizer function.
 */
import { readFile } from "node:fs/promises";
import { DEV_API_APP_ID } from "./entra-issuer.js";
import type { TokenVersion } from "./entra-tokens.js";

export interface RoutePermission {
  scopes: string[];
  roles: string[];
}

export interface LocalStackSettings {
  tenantId: string;
  audience: string;
  additionalAudiences: string[];
  tokenVersions: TokenVersion[];
  routes: string[];
  routePermissions: Record<string, RoutePermission>;
  authorizerResponseMode: "iam" | "simple";
  authorizerCacheTtlSeconds: number;
  /** The authorizer function's timeout (Terraform `timeout`), seconds. */
  timeoutSeconds: number;
  /** The authorizer function's memory (Terraform `memory_size`), MB. */
  memorySize: number;
  logLevel: "debug" | "info" | "warn" | "error";
}

/** Overrides as callers write them: a permission may leave out scopes or roles. */
export type LocalStackSettingsInput = Partial<Omit<LocalStackSettings, "routePermissions">> & {
  routePermissions?: Record<string, Partial<RoutePermission>>;
};

/** A fixed, obviously fake tenant, so tokens and the state file stay valid across restarts. */
export const DEV_TENANT_ID = "00000000-0000-4000-8000-00000000de70";
/** The local API's client ID; v2 tokens carry it as `aud`. */
export const DEV_API_CLIENT_ID = DEV_API_APP_ID;

const defaults: LocalStackSettings = {
  tenantId: DEV_TENANT_ID,
  // v1 tokens carry the Application ID URI, v2 tokens the client ID: accept both, as the README advises.
  audience: `api://${DEV_API_CLIENT_ID}`,
  additionalAudiences: [DEV_API_CLIENT_ID],
  tokenVersions: ["1.0", "2.0"],
  routes: ["GET /auth"],
  routePermissions: {},
  authorizerResponseMode: "iam",
  authorizerCacheTtlSeconds: 300,
  timeoutSeconds: 6,
  memorySize: 256,
  logLevel: "info",
};
export const DEFAULT_SETTINGS: Readonly<LocalStackSettings> = Object.freeze(defaults);

/** Terraform variable name → settings field. Other module variables are accepted and ignored. */
const VARIABLES = {
  tenant_id: "tenantId",
  audience: "audience",
  additional_audiences: "additionalAudiences",
  token_versions: "tokenVersions",
  routes: "routes",
  route_permissions: "routePermissions",
  authorizer_response_mode: "authorizerResponseMode",
  authorizer_cache_ttl_seconds: "authorizerCacheTtlSeconds",
  timeout: "timeoutSeconds",
  memory_size: "memorySize",
  log_level: "logLevel",
} as const satisfies Record<string, keyof LocalStackSettings>;

/** Variables the module takes that have no meaning locally; named in a warning when present. */
const IGNORED_LOCALLY = new Set(["authority_host", "jwks_uri"]);

export class SettingsError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`${variable} ${message}`);
    this.name = "SettingsError";
  }
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ROUTE_KEY = /^(\$default|(ANY|GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS) \/[^ ]*)$/;
const CLAIM_NAME = /^[^\s,]+$/;

export interface LoadedSettings {
  settings: LocalStackSettings;
  /** Notes for the user, e.g. variables that the local stack ignores. */
  warnings: string[];
}

/** Reads a `--config` file: an object of Terraform variable names, as in a `.tfvars.json`. */
export async function loadSettingsFile(path: string): Promise<LoadedSettings> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(path, "utf8"));
  } catch (error) {
    throw new SettingsError(path, `is not a readable JSON file: ${(error as Error).message}`);
  }
  return settingsFromVariables(parsed);
}

/** Merges Terraform-named variables over the defaults and validates the result. */
export function settingsFromVariables(variables: unknown): LoadedSettings {
  if (typeof variables !== "object" || variables === null || Array.isArray(variables)) {
    throw new SettingsError(
      "config",
      'must be a JSON object of Terraform variable names, e.g. { "tenant_id": "…" }',
    );
  }
  const warnings: string[] = [];
  const overrides: Partial<Record<keyof LocalStackSettings, unknown>> = {};
  for (const [name, value] of Object.entries(variables)) {
    if (name in VARIABLES) {
      overrides[VARIABLES[name as keyof typeof VARIABLES]] = value;
    } else if (IGNORED_LOCALLY.has(name)) {
      warnings.push(`${name} is ignored locally: tokens come from the local issuer`);
    } else {
      warnings.push(`${name} has no effect on the local stack`);
    }
  }
  // A different tenant without its own audience would keep the dev audience: fine, it is local.
  return { settings: validateSettings({ ...DEFAULT_SETTINGS, ...overrides }), warnings };
}

/** Checks every field; one SettingsError names the Terraform variable and the rule. */
export function validateSettings(input: Record<keyof LocalStackSettings, unknown>): LocalStackSettings {
  const tenantId = input.tenantId;
  if (typeof tenantId !== "string" || !GUID.test(tenantId)) {
    throw new SettingsError(
      "tenant_id",
      "must be the Entra tenant ID, a GUID such as 72f988bf-86f1-41af-91ab-2d7cd011db47",
    );
  }
  const audience = input.audience;
  if (typeof audience !== "string" || !CLAIM_NAME.test(audience)) {
    throw new SettingsError("audience", "must be a non-empty value without spaces or commas");
  }
  const additionalAudiences = stringList(input.additionalAudiences, "additional_audiences");
  if (!additionalAudiences.every((value) => CLAIM_NAME.test(value))) {
    throw new SettingsError("additional_audiences", "must contain non-empty values without spaces or commas");
  }
  const tokenVersions = stringList(input.tokenVersions, "token_versions");
  if (tokenVersions.length === 0 || !tokenVersions.every((value) => value === "1.0" || value === "2.0")) {
    throw new SettingsError("token_versions", "must contain 1.0, 2.0 or both");
  }
  const routes = stringList(input.routes, "routes");
  if (
    routes.length === 0 ||
    new Set(routes).size !== routes.length ||
    !routes.every((route) => ROUTE_KEY.test(route))
  ) {
    throw new SettingsError(
      "routes",
      'must list route keys, each once: a method, a space and a path, such as "GET /auth" or "ANY /items/{id}"; or "$default"',
    );
  }
  const routePermissions = readRoutePermissions(input.routePermissions);
  const mode = input.authorizerResponseMode;
  if (mode !== "iam" && mode !== "simple") {
    throw new SettingsError("authorizer_response_mode", "must be iam or simple");
  }
  const ttl = wholeNumber(input.authorizerCacheTtlSeconds, "authorizer_cache_ttl_seconds", 0, 3600);
  const timeoutSeconds = wholeNumber(input.timeoutSeconds, "timeout", 1, 10);
  const memorySize = wholeNumber(input.memorySize, "memory_size", 128, 10240);
  const logLevel = input.logLevel;
  if (logLevel !== "debug" && logLevel !== "info" && logLevel !== "warn" && logLevel !== "error") {
    throw new SettingsError("log_level", "must be debug, info, warn or error");
  }
  return {
    tenantId: tenantId.toLowerCase(),
    audience,
    additionalAudiences,
    tokenVersions,
    routes,
    routePermissions,
    authorizerResponseMode: mode,
    authorizerCacheTtlSeconds: ttl,
    timeoutSeconds,
    memorySize,
    logLevel,
  };
}

function readRoutePermissions(value: unknown): Record<string, RoutePermission> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new SettingsError("route_permissions", "must be an object of route key → { scopes, roles }");
  }
  const permissions: Record<string, RoutePermission> = {};
  for (const [routeKey, entry] of Object.entries(value)) {
    if (routeKey !== "*" && !ROUTE_KEY.test(routeKey)) {
      throw new SettingsError(
        "route_permissions",
        `key "${routeKey}" must be a route key such as "GET /auth", or "*"`,
      );
    }
    if (typeof entry !== "object" || entry === null || Array.isArray(entry)) {
      throw new SettingsError(
        "route_permissions",
        `entry "${routeKey}" must be an object with scopes and roles`,
      );
    }
    const { scopes, roles, ...rest } = entry as Record<string, unknown>;
    if (Object.keys(rest).length > 0) {
      throw new SettingsError("route_permissions", `entry "${routeKey}" may only have scopes and roles`);
    }
    const permission = {
      scopes: scopes === undefined ? [] : stringList(scopes, "route_permissions"),
      roles: roles === undefined ? [] : stringList(roles, "route_permissions"),
    };
    if (![...permission.scopes, ...permission.roles].every((name) => CLAIM_NAME.test(name))) {
      throw new SettingsError("route_permissions", "scopes and roles must be names without spaces or commas");
    }
    permissions[routeKey] = permission;
  }
  return permissions;
}

function stringList(value: unknown, variable: string): string[] {
  if (!Array.isArray(value) || !value.every((item) => typeof item === "string")) {
    throw new SettingsError(variable, "must be a list of strings");
  }
  return [...value];
}

function wholeNumber(value: unknown, variable: string, min: number, max: number): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    throw new SettingsError(variable, `must be a whole number between ${min} and ${max}`);
  }
  return value;
}

/**
 * The authorizer's environment exactly as modules/entra-authorizer builds it, with the authority
 * host pointed at the local issuer.
 */
export function authorizerEnvironment(
  settings: LocalStackSettings,
  authorityHost: string,
): Record<string, string> {
  const env: Record<string, string> = {
    ENTRA_TENANT_ID: settings.tenantId,
    ENTRA_AUDIENCE: [...new Set([settings.audience, ...settings.additionalAudiences])].join(","),
    ENTRA_TOKEN_VERSIONS: [...new Set(settings.tokenVersions)].sort().join(","),
    ENTRA_AUTHORITY_HOST: authorityHost,
    AUTHZ_RESPONSE_MODE: settings.authorizerResponseMode,
    LOG_LEVEL: settings.logLevel,
  };
  if (Object.keys(settings.routePermissions).length > 0) {
    // Terraform's jsonencode sorts object keys; match it so the variable reads the same.
    const sorted = Object.fromEntries(
      Object.keys(settings.routePermissions)
        .sort()
        .map((key) => {
          const permission = settings.routePermissions[key] as RoutePermission;
          return [key, { roles: permission.roles, scopes: permission.scopes }];
        }),
    );
    env.AUTHZ_ROUTE_PERMISSIONS = JSON.stringify(sorted);
  }
  return env;
}

/**
 * The authorizer's identity sources as the module sets them: the Authorization header, plus the
 * route key when simple answers must be cached per route.
 */
export function identitySources(settings: LocalStackSettings): string[] {
  const perRoute =
    settings.authorizerResponseMode === "simple" &&
    Object.keys(settings.routePermissions).length > 0 &&
    settings.authorizerCacheTtlSeconds > 0;
  return ["$request.header.Authorization", ...(perRoute ? ["$context.routeKey"] : [])];
}
