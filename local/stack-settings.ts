/**
 * Settings of the local stack: the root module's inputs that shape the API and the authorizer,
 * read from a `--config` file under their Terraform names (plain JSON or `.tfvars.json`), checked
 * by Terraform's rules, and the environment and identity sources the module derives from them.
 *
 * `authorizerEnvironment` and `identitySources` are pure: a test compares them with the module's
 * outputs for the same inputs.
 */
import { readFile } from "node:fs/promises";
import { isPlainObject } from "../lambda-src/authorizer/json.js";
import { CLOUD_NAMES, type EntraCloud } from "./entra/entra-clouds.js";
import { DEV_API_APP_ID } from "./entra/entra-issuer.js";
import type { TokenVersion } from "./entra/entra-tokens.js";

export type RouteAuthorization = "entra" | "none";
export type ApplicationLogLevel = "TRACE" | "DEBUG" | "INFO" | "WARN" | "ERROR" | "FATAL";

/** One entry of the `routes` map; `function_arn` has no local meaning and is dropped with a warning. */
export interface RouteSettings {
  authorization: RouteAuthorization;
  scopes: string[];
  roles: string[];
  clients: string[];
  condition?: string;
}

/** A route rule as the authorizer reads it from AUTHZ_ROUTE_PERMISSIONS: only the parts that are set. */
export interface RouteRule {
  clients?: string[];
  condition?: string;
  roles?: string[];
  scopes?: string[];
}

export interface LocalStackSettings {
  tenantId: string;
  audience: string;
  additionalAudiences: string[];
  tokenVersions: TokenVersion[];
  cloud: EntraCloud;
  allowedTenantIds: string[];
  allowedClientIds: string[];
  /** Route key → its authorization and rule. */
  routes: Record<string, RouteSettings>;
  authorizerResponseMode: "iam" | "simple";
  authorizerCacheTtlSeconds: number;
  verifiedTokenCacheSeconds: number;
  /** Hours a signing key stays trusted after the last JWKS fetch that served it (0 to 168). */
  jwksKeyRetentionHours: number;
  /** The authorizer function's timeout (Terraform `timeout`), seconds. */
  timeoutSeconds: number;
  /** The authorizer function's memory (Terraform `memory_size`), MB. */
  memorySize: number;
  /** Lambda's `logging_config.application_log_level`, JSON log format. */
  applicationLogLevel: ApplicationLogLevel;
}

/** Overrides as callers write them: a route may leave out any part. */
export type LocalStackSettingsInput = Partial<Omit<LocalStackSettings, "routes">> & {
  routes?: Record<string, Partial<RouteSettings>>;
};

/** A fixed, obviously fake tenant, so tokens and the state file stay valid across restarts. */
export const DEV_TENANT_ID = "00000000-0000-4000-8000-00000000de70";
/** The local API's client ID; v2 tokens carry it as `aud`. */
export const DEV_API_CLIENT_ID = DEV_API_APP_ID;

export const ENTRA_ROUTE: Readonly<RouteSettings> = Object.freeze({
  authorization: "entra",
  scopes: [],
  roles: [],
  clients: [],
});

const defaults: LocalStackSettings = {
  tenantId: DEV_TENANT_ID,
  // v1 tokens carry the Application ID URI, v2 tokens the client ID: accept both, as the quick start
  // configures them. A config that sets `audience` gets exactly what it says (see settingsFromVariables).
  audience: `api://${DEV_API_CLIENT_ID}`,
  additionalAudiences: [DEV_API_CLIENT_ID],
  tokenVersions: ["1.0", "2.0"],
  cloud: "public",
  allowedTenantIds: [],
  allowedClientIds: [],
  routes: { "GET /auth": { ...ENTRA_ROUTE } },
  authorizerResponseMode: "iam",
  authorizerCacheTtlSeconds: 300,
  verifiedTokenCacheSeconds: 300,
  jwksKeyRetentionHours: 48,
  timeoutSeconds: 6,
  memorySize: 256,
  applicationLogLevel: "WARN",
};
export const DEFAULT_SETTINGS: Readonly<LocalStackSettings> = Object.freeze(defaults);

/** Terraform variable name → settings field. */
const VARIABLES = {
  tenant_id: "tenantId",
  audience: "audience",
  additional_audiences: "additionalAudiences",
  token_versions: "tokenVersions",
  cloud: "cloud",
  allowed_tenant_ids: "allowedTenantIds",
  allowed_client_ids: "allowedClientIds",
  routes: "routes",
  authorizer_response_mode: "authorizerResponseMode",
  authorizer_cache_ttl_seconds: "authorizerCacheTtlSeconds",
  verified_token_cache_seconds: "verifiedTokenCacheSeconds",
  jwks_key_retention_hours: "jwksKeyRetentionHours",
  timeout: "timeoutSeconds",
  memory_size: "memorySize",
  application_log_level: "applicationLogLevel",
} as const satisfies Record<string, keyof LocalStackSettings>;

/** Variables of the old interface: refused with the way to the new one. */
const RETIRED: Record<string, string> = {
  route_permissions:
    'was removed: put each rule on its route in the routes map, e.g. "routes": { "POST /orders": { "scopes": ["Orders.Write"] } }. The "*" entry has no equivalent: list every route',
  log_level: "was replaced by application_log_level: TRACE, DEBUG, INFO, WARN, ERROR or FATAL",
};

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
const ROUTE_KEY = /^(\$default|(ANY|GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS) \/\S*)$/;
const AUDIENCE = /^[^\s,]+$/;
const CLAIM_VALUE = /^\S{1,256}$/;
const HOST = /^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(:[0-9]{1,5})?$/i;
const LOG_LEVELS: readonly ApplicationLogLevel[] = ["TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"];
const ROUTE_ATTRIBUTES = new Set([
  "function_arn",
  "authorization",
  "scopes",
  "roles",
  "clients",
  "condition",
]);
/** Lambda's limit on a function's environment, keys and values together. */
export const ENVIRONMENT_LIMIT_BYTES = 4096;

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

/**
 * Merges Terraform-named variables over the defaults and validates the result: what `terraform plan`
 * refuses is refused here, with the variable's name first in the message, for the variables the
 * local stack ignores too. Values convert as Terraform converts them ("5" for a number, 5 for a
 * string, "true" or "1" for a bool). `null` is the value null, as in Terraform: accepted where the
 * variable's default is null, refused elsewhere.
 */
export function settingsFromVariables(variables: unknown): LoadedSettings {
  if (!isPlainObject(variables)) {
    throw new SettingsError(
      "config",
      'must be a JSON object of Terraform variable names, e.g. { "tenant_id": "…" }',
    );
  }
  const warnings: string[] = [];
  const overrides: Record<string, unknown> = {};
  const given: Record<string, unknown> = {};
  for (const [name, raw] of Object.entries(variables)) {
    if (name in RETIRED) throw new SettingsError(name, RETIRED[name] as string);
    const variable = ROOT_VARIABLES[name];
    if (variable === undefined) {
      // terraform plan warns about a variable file's undeclared names, and goes on.
      warnings.push(
        `${name} is not a variable of the module: Terraform ignores it, and so does the local stack`,
      );
      continue;
    }
    if (raw === null) {
      if (!variable.nullable) {
        throw new SettingsError(
          name,
          "must not be null: Terraform passes null on instead of the default (leave the variable out for its default)",
        );
      }
      continue;
    }
    const value = convert(variable.type, raw);
    if (value === undefined) throw new SettingsError(name, `must be ${TYPE_NAMES[variable.type]}`);
    const problem = (variable.check as ((value: unknown) => string | undefined) | undefined)?.(value);
    if (problem !== undefined) throw new SettingsError(name, problem);
    given[name] = value;
    if (name in VARIABLES) overrides[VARIABLES[name as keyof typeof VARIABLES]] = value;
    else if (variable.note === "") continue;
    else if (variable.note !== undefined) warnings.push(`${name} ${variable.note}`);
    else warnings.push(`${name} has no effect on the local stack`);
  }
  checkAcrossVariables(given);
  if (overrides.routes !== undefined) {
    const { routes, warnings: routeWarnings } = readRoutes(overrides.routes);
    overrides.routes = routes;
    warnings.push(...routeWarnings);
  }
  // The development audience pair is the default only as a whole: a config that names its audience
  // gets exactly its audiences, as in AWS, where additional_audiences defaults to none.
  if (overrides.audience !== undefined && overrides.additionalAudiences === undefined) {
    overrides.additionalAudiences = [];
  }
  // Variables the module passes to the authorizer that the local stack replaces (the local issuer is
  // the authority): they count towards the environment's size at plan.
  const moduleOnly: Record<string, string> = {};
  if (typeof given.authority_host === "string") moduleOnly.ENTRA_AUTHORITY_HOST = given.authority_host;
  if (typeof given.jwks_uri === "string") moduleOnly.ENTRA_JWKS_URI = given.jwks_uri;
  return { settings: validateSettings({ ...DEFAULT_SETTINGS, ...overrides }, moduleOnly), warnings };
}

type VariableType = "string" | "number" | "bool" | "list(string)" | "map(string)" | "routes" | "cors";

const TYPE_NAMES: Record<VariableType, string> = {
  string: "a string",
  number: "a number",
  bool: "true or false",
  "list(string)": "a list of strings",
  "map(string)": "a map of strings",
  routes: 'a map of route key → route, e.g. { "GET /auth": {} }',
  cors: 'null or an object such as { "allow_origins": ["https://app.example"] }',
};

interface RootVariable {
  type: VariableType;
  /** The default is null, so null is a valid value. */
  nullable?: true;
  /** The rule of the variable's own validation blocks, on the converted value: a message, or undefined. */
  check?: (value: never) => string | undefined;
  /** Why a checked variable has no local effect (else: "has no effect on the local stack"); "": no warning. */
  note?: string;
}

const RETENTION_DAYS = [
  0, 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
];
const ROLE_PATH = /^\/([\x21-\x7E]{1,510}\/)?$/;
const METRIC_NAMESPACE = /^[A-Za-z0-9 ._#:/-]{1,255}$/;

const oneOf =
  (allowed: readonly (string | number)[], message: string) =>
  (value: string | number): string | undefined =>
    allowed.includes(value) ? undefined : message;
const zipPath = (what: string) => (value: string) =>
  value.endsWith(".zip") ? undefined : `must be null or the path to a .zip ${what}`;
const retention = oneOf(
  RETENTION_DAYS,
  `must be a value CloudWatch Logs accepts: 0 (never expire), ${RETENTION_DAYS.slice(1).join(", ")}`,
);
const whole = (min: number, max: number, unit: string) => (value: number) =>
  value >= min && value <= max && Number.isInteger(value)
    ? undefined
    : `must be a whole number of ${unit} between ${min} and ${max}`;

/**
 * Every variable of the root module (variables.tf), its type and the rule of its validation blocks
 * where the local stack does not read it; the variables it reads are checked by validateSettings.
 * test/config-parity.test.ts fails when variables.tf declares a variable this table lacks.
 */
export const ROOT_VARIABLES: Readonly<Record<string, RootVariable>> = Object.freeze({
  // General
  name: {
    type: "string",
    check: (value: string) =>
      /^[A-Za-z0-9_-]{1,40}$/.test(value)
        ? undefined
        : "must be 1 to 40 letters, digits, hyphens or underscores",
  },
  tags: { type: "map(string)" },
  // Entra ID
  tenant_id: { type: "string" },
  audience: { type: "string" },
  additional_audiences: { type: "list(string)" },
  token_versions: { type: "list(string)" },
  cloud: { type: "string" },
  authority_host: {
    type: "string",
    nullable: true,
    check: (value: string) =>
      HOST.test(value)
        ? undefined
        : "must be a host name without scheme or path, such as login.microsoftonline.com",
    note: "is ignored locally: the local issuer is the authority",
  },
  jwks_uri: {
    type: "string",
    nullable: true,
    check: (value: string) => (/^https:\/\/\S+$/.test(value) ? undefined : "must be null or an https:// URL"),
    note: "is ignored locally: the local issuer serves the keys",
  },
  allowed_tenant_ids: { type: "list(string)" },
  allowed_client_ids: { type: "list(string)" },
  // Authorizer
  use_native_jwt_authorizer: {
    type: "bool",
    check: (value: boolean) =>
      value
        ? "= true is not emulated locally: the local stack runs the Lambda authorizer. Leave it false in the --config file"
        : undefined,
    // false is what the local stack runs: nothing to say.
    note: "",
  },
  authorizer_response_mode: { type: "string" },
  authorizer_cache_ttl_seconds: { type: "number" },
  verified_token_cache_seconds: { type: "number" },
  jwks_key_retention_hours: { type: "number" },
  memory_size: { type: "number" },
  timeout: { type: "number" },
  authorizer_package_path: {
    type: "string",
    nullable: true,
    check: zipPath("deployment package"),
    note: "is ignored locally: the stack runs dist/authorizer.zip",
  },
  layer_package_path: {
    type: "string",
    nullable: true,
    check: zipPath("layer package"),
    note: "is ignored locally: the stack runs dist/jwt-verify-layer.zip",
  },
  // Functions
  runtime: {
    type: "string",
    check: oneOf(
      ["nodejs20.x", "nodejs22.x", "nodejs24.x"],
      "must be one of nodejs20.x, nodejs22.x or nodejs24.x",
    ),
    note: "has no effect on the local stack: the functions run on this Node.js",
  },
  architecture: { type: "string", check: oneOf(["arm64", "x86_64"], "must be arm64 or x86_64") },
  application_log_level: { type: "string" },
  system_log_level: {
    type: "string",
    check: oneOf(["DEBUG", "INFO", "WARN"], "must be DEBUG, INFO or WARN"),
  },
  create_response_function: { type: "bool" },
  response_package_path: {
    type: "string",
    nullable: true,
    check: zipPath("deployment package"),
    note: "is ignored locally: the stack runs dist/response.zip",
  },
  // IAM
  create_role: { type: "bool" },
  role_arn: { type: "string", nullable: true },
  role_name_use_prefix: { type: "bool" },
  role_path: {
    type: "string",
    check: (value: string) =>
      ROLE_PATH.test(value) && value.length <= 512
        ? undefined
        : "must start and end with / (such as / or /lambda/), at most 512 printable characters",
  },
  role_permissions_boundary: { type: "string", nullable: true },
  // API
  routes: { type: "routes" },
  cors_configuration: {
    type: "cors",
    nullable: true,
    check: (value: { allow_origins?: string[]; allow_credentials?: boolean }) =>
      value.allow_credentials === true && (value.allow_origins ?? []).includes("*")
        ? 'cannot combine allow_credentials = true with the "*" origin: list the allowed origins'
        : undefined,
    note: "is not emulated locally: API Gateway's CORS answers and the preflight routes are AWS's",
  },
  // Stage
  access_log_enabled: { type: "bool" },
  access_log_format: {
    type: "string",
    nullable: true,
    check: (value: string) =>
      value.includes("$context.requestId")
        ? undefined
        : "must be null or include $context.requestId, as API Gateway requires",
  },
  throttling_burst_limit: { type: "number", check: whole(0, 5000, "requests") },
  throttling_rate_limit: {
    type: "number",
    check: (value: number) =>
      value >= 0 && value <= 10000 ? undefined : "must be between 0 and 10000 requests per second",
  },
  detailed_metrics_enabled: { type: "bool" },
  // Logs
  authorizer_log_retention_in_days: { type: "number", check: retention },
  response_log_retention_in_days: { type: "number", check: retention },
  access_log_retention_in_days: { type: "number", check: retention },
  kms_key_id: { type: "string", nullable: true },
  // Monitoring
  metric_namespace: {
    type: "string",
    nullable: true,
    check: (value: string) =>
      METRIC_NAMESPACE.test(value) && !value.startsWith("AWS/")
        ? undefined
        : "must be null or 1 to 255 letters, digits, spaces or ._#:/- and must not start with AWS/ (reserved)",
  },
  create_alarms: { type: "bool" },
  alarm_actions: { type: "list(string)" },
  alarm_refusal_rate_threshold: {
    type: "number",
    check: (value: number) =>
      value > 0 && value <= 100 ? undefined : "must be a percentage above 0 and at most 100",
  },
} satisfies Record<string, RootVariable>);

/** Validations of one variable that read another (Terraform 1.9 and later), with Terraform's defaults. */
function checkAcrossVariables(given: Record<string, unknown>): void {
  if (given.create_role === false && given.role_arn === undefined) {
    throw new SettingsError(
      "role_arn",
      "must be set when create_role is false: the functions need an execution role",
    );
  }
  if (given.create_response_function === false) {
    const routes = given.routes ?? { "GET /auth": {} };
    const withoutFunction = isPlainObject(routes)
      ? Object.keys(routes).filter((key) => {
          const route = routes[key];
          return !isPlainObject(route) || route.function_arn === undefined || route.function_arn === null;
        })
      : [];
    if (withoutFunction.length > 0) {
      throw new SettingsError(
        "create_response_function",
        `is false, so every route in routes needs a function_arn (${withoutFunction.join(", ")} has none): the sample backend is the target of routes without one`,
      );
    }
  }
}

/** Terraform's conversion of a JSON value to a variable's type; undefined where Terraform refuses. */
function convert(type: VariableType, value: unknown): unknown {
  switch (type) {
    case "string":
      return toTerraformString(value);
    case "number":
      if (typeof value === "number") return Number.isFinite(value) ? value : undefined;
      return typeof value === "string" && NUMBER.test(value) ? Number(value) : undefined;
    case "bool":
      if (typeof value === "boolean") return value;
      return value === "true" || value === "1"
        ? true
        : value === "false" || value === "0"
          ? false
          : undefined;
    case "list(string)": {
      if (!Array.isArray(value)) return undefined;
      const items = value.map(toTerraformString);
      return items.every((item) => item !== undefined) ? items : undefined;
    }
    case "map(string)": {
      if (!isPlainObject(value)) return undefined;
      const entries = Object.entries(value).map(([key, item]) => [key, toTerraformString(item)] as const);
      return entries.every(([, item]) => item !== undefined) ? Object.fromEntries(entries) : undefined;
    }
    case "routes":
      // readRoutes and validateRoutes check the shape, with messages that name the route.
      return value;
    case "cors":
      return convertCors(value);
  }
}

const NUMBER = /^-?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/;

function toTerraformString(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  if (typeof value === "boolean") return String(value);
  return undefined;
}

function convertCors(value: unknown): Record<string, unknown> | undefined {
  if (!isPlainObject(value)) return undefined;
  const types: Record<string, VariableType> = {
    allow_origins: "list(string)",
    allow_methods: "list(string)",
    allow_headers: "list(string)",
    expose_headers: "list(string)",
    max_age: "number",
    allow_credentials: "bool",
  };
  const converted: Record<string, unknown> = {};
  for (const [attribute, type] of Object.entries(types)) {
    const raw = value[attribute];
    if (raw === undefined || raw === null) continue;
    const item = convert(type, raw);
    if (item === undefined) return undefined;
    converted[attribute] = item;
  }
  return converted;
}

/** Checks every field; one SettingsError names the Terraform variable and the rule. */
export function validateSettings(
  input: Record<keyof LocalStackSettings, unknown>,
  moduleOnlyEnvironment: Record<string, string> = {},
): LocalStackSettings {
  const tenantId = input.tenantId;
  if (typeof tenantId !== "string" || !GUID.test(tenantId)) {
    throw new SettingsError(
      "tenant_id",
      "must be the Entra tenant ID, a GUID such as 11111111-2222-3333-4444-555555555555",
    );
  }
  const audience = input.audience;
  if (typeof audience !== "string" || !AUDIENCE.test(audience)) {
    throw new SettingsError("audience", "must be a non-empty value without spaces or commas");
  }
  const additionalAudiences = stringList(input.additionalAudiences, "additional_audiences");
  if (!additionalAudiences.every((value) => AUDIENCE.test(value))) {
    throw new SettingsError("additional_audiences", "must contain non-empty values without spaces or commas");
  }
  const tokenVersions = stringList(input.tokenVersions, "token_versions");
  if (tokenVersions.length === 0 || !tokenVersions.every((value) => value === "1.0" || value === "2.0")) {
    throw new SettingsError("token_versions", "must contain 1.0, 2.0 or both");
  }
  const cloud = input.cloud;
  if (typeof cloud !== "string" || !(CLOUD_NAMES as string[]).includes(cloud)) {
    throw new SettingsError("cloud", `must be one of ${CLOUD_NAMES.join(", ")}`);
  }
  const allowedTenantIds = guidList(input.allowedTenantIds, "allowed_tenant_ids", "tenant IDs");
  const allowedClientIds = guidList(input.allowedClientIds, "allowed_client_ids", "application (client) IDs");
  const routes = validateRoutes(input.routes);
  const mode = input.authorizerResponseMode;
  if (mode !== "iam" && mode !== "simple") {
    throw new SettingsError("authorizer_response_mode", "must be iam or simple");
  }
  const ttl = wholeNumber(input.authorizerCacheTtlSeconds, "authorizer_cache_ttl_seconds", 0, 3600);
  const verifiedTtl = wholeNumber(input.verifiedTokenCacheSeconds, "verified_token_cache_seconds", 0, 3600);
  const keyRetention = wholeNumber(input.jwksKeyRetentionHours, "jwks_key_retention_hours", 0, 168);
  const timeoutSeconds = wholeNumber(input.timeoutSeconds, "timeout", 5, 10);
  const memorySize = wholeNumber(input.memorySize, "memory_size", 128, 10240);
  const logLevel = input.applicationLogLevel;
  if (typeof logLevel !== "string" || !(LOG_LEVELS as readonly string[]).includes(logLevel)) {
    throw new SettingsError("application_log_level", `must be one of ${LOG_LEVELS.join(", ")}`);
  }
  const settings: LocalStackSettings = {
    tenantId,
    audience,
    additionalAudiences,
    tokenVersions: tokenVersions,
    cloud: cloud as EntraCloud,
    allowedTenantIds,
    allowedClientIds,
    routes,
    authorizerResponseMode: mode,
    authorizerCacheTtlSeconds: ttl,
    verifiedTokenCacheSeconds: verifiedTtl,
    jwksKeyRetentionHours: keyRetention,
    timeoutSeconds,
    memorySize,
    applicationLogLevel: logLevel as ApplicationLogLevel,
  };
  // Terraform checks the size at plan, of the environment the module builds; so does this.
  const size = moduleEnvironmentBytes(settings, moduleOnlyEnvironment);
  if (size > ENVIRONMENT_LIMIT_BYTES) {
    throw new SettingsError(
      "routes",
      `make the authorizer's environment ${size} bytes, over Lambda's ${ENVIRONMENT_LIMIT_BYTES}-byte limit: shorten or share route rules`,
    );
  }
  return settings;
}

/** The `routes` map as a config file writes it (Terraform names), before validation. */
function readRoutes(value: unknown): { routes: Record<string, Partial<RouteSettings>>; warnings: string[] } {
  if (Array.isArray(value)) {
    throw new SettingsError(
      "routes",
      'is a map keyed by route key now, not a list: e.g. { "GET /auth": {}, "POST /orders": { "scopes": ["Orders.Write"] } }',
    );
  }
  if (!isPlainObject(value)) {
    throw new SettingsError("routes", 'must be a map of route key → route, e.g. { "GET /auth": {} }');
  }
  const routes: Record<string, Partial<RouteSettings>> = {};
  const warnings: string[] = [];
  let functionArnSeen = false;
  for (const [routeKey, entry] of Object.entries(value)) {
    const name = `routes["${routeKey}"]`;
    if (!isPlainObject(entry)) {
      throw new SettingsError(name, 'must be an object such as {} or { "scopes": ["Orders.Read"] }');
    }
    const route: Partial<RouteSettings> = {};
    for (const [attribute, raw] of Object.entries(entry)) {
      if (!ROUTE_ATTRIBUTES.has(attribute)) {
        // Terraform drops attributes its object type does not declare; say so instead of silently.
        warnings.push(
          `${name}.${attribute} is not a route attribute: Terraform ignores it, and so does the local stack`,
        );
        continue;
      }
      if (raw === null) continue;
      if (attribute === "function_arn") {
        if (typeof raw !== "string" || raw === "")
          throw new SettingsError(`${name}.function_arn`, "must be a Lambda function ARN");
        functionArnSeen = true;
      } else if (attribute === "authorization" || attribute === "condition") {
        route[attribute] = raw as never;
      } else {
        route[attribute as "scopes" | "roles" | "clients"] = raw as never;
      }
    }
    routes[routeKey] = route;
  }
  if (functionArnSeen) {
    warnings.push("routes: function_arn is ignored locally: the sample backend answers every route");
  }
  return { routes, warnings };
}

function validateRoutes(value: unknown): Record<string, RouteSettings> {
  if (!isPlainObject(value) || Object.keys(value).length === 0) {
    throw new SettingsError("routes", 'must have at least one route, e.g. { "GET /auth": {} }');
  }
  const routes: Record<string, RouteSettings> = {};
  for (const [routeKey, entry] of Object.entries(value)) {
    const name = `routes["${routeKey}"]`;
    if (!ROUTE_KEY.test(routeKey)) {
      throw new SettingsError(
        "routes",
        `key "${routeKey}" must be a route key: a method (ANY, GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS), a space and a path starting with /, such as "GET /auth" or "ANY /items/{id}"; or "$default"`,
      );
    }
    if (!isPlainObject(entry)) throw new SettingsError(name, "must be an object");
    const authorization = entry.authorization ?? "entra";
    if (authorization !== "entra" && authorization !== "none") {
      throw new SettingsError(`${name}.authorization`, 'must be "entra" or "none"');
    }
    const scopes = claimList(entry.scopes, `${name}.scopes`);
    const roles = claimList(entry.roles, `${name}.roles`);
    const clients =
      entry.clients === undefined
        ? []
        : guidList(entry.clients, `${name}.clients`, "application (client) IDs");
    const condition = entry.condition;
    if (
      condition !== undefined &&
      (typeof condition !== "string" || condition.trim() === "" || [...condition].length > 1024)
    ) {
      throw new SettingsError(
        `${name}.condition`,
        'must be null or a CEL expression over claims of 1 to 1024 characters, such as claims.tid == "…"',
      );
    }
    if (
      authorization === "none" &&
      (scopes.length > 0 || roles.length > 0 || clients.length > 0 || condition !== undefined)
    ) {
      throw new SettingsError(
        name,
        'is public (authorization = "none") and cannot carry scopes, roles, clients or a condition',
      );
    }
    routes[routeKey] = {
      authorization,
      scopes,
      roles,
      clients,
      ...(condition !== undefined ? { condition } : {}),
    };
  }
  return routes;
}

function claimList(value: unknown, variable: string): string[] {
  if (value === undefined) return [];
  const list = stringList(value, variable);
  if (!list.every((item) => CLAIM_VALUE.test(item))) {
    throw new SettingsError(
      variable,
      "must be names of 1 to 256 characters without spaces, such as Orders.Read",
    );
  }
  return list;
}

function guidList(value: unknown, variable: string, what: string): string[] {
  const list = stringList(value, variable);
  if (!list.every((item) => GUID.test(item))) {
    throw new SettingsError(variable, `must be ${what}: GUIDs such as 11111111-2222-3333-4444-555555555555`);
  }
  return list;
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

/** Routes the authorizer protects, in key order. */
export function entraRoutes(settings: Pick<LocalStackSettings, "routes">): Array<[string, RouteSettings]> {
  return Object.entries(settings.routes).filter(([, route]) => route.authorization === "entra");
}

/**
 * AUTHZ_ROUTE_PERMISSIONS as the module builds it: when any `entra` route has a rule part, one entry
 * per `entra` route with only the parts that are set (`{}` means the baseline); otherwise undefined.
 */
export function routeRules(
  settings: Pick<LocalStackSettings, "routes">,
): Record<string, RouteRule> | undefined {
  const protectedRoutes = entraRoutes(settings);
  const rules = protectedRoutes.map(([routeKey, route]): [string, RouteRule] => {
    const rule: RouteRule = {};
    if (route.clients.length > 0) rule.clients = [...route.clients];
    if (route.condition !== undefined) rule.condition = route.condition;
    if (route.roles.length > 0) rule.roles = [...route.roles];
    if (route.scopes.length > 0) rule.scopes = [...route.scopes];
    return [routeKey, rule];
  });
  if (!rules.some(([, rule]) => Object.keys(rule).length > 0)) return undefined;
  return Object.fromEntries(rules);
}

/**
 * The authorizer's environment exactly as the root module builds it (contract sections 1, 2 and
 * 5), with the authority host pointed at the local issuer. AWS_LAMBDA_LOG_LEVEL is not here: Lambda
 * sets it from logging_config (see lambdaLogging).
 */
export function authorizerEnvironment(
  settings: LocalStackSettings,
  authorityHost: string,
): Record<string, string> {
  const env: Record<string, string> = {
    ENTRA_TENANT_ID: settings.tenantId,
    ENTRA_AUDIENCE: distinct([settings.audience, ...settings.additionalAudiences]).join(","),
    ENTRA_TOKEN_VERSIONS: distinct(settings.tokenVersions).sort().join(","),
    // Terraform sets the cloud always, `public` included.
    ENTRA_CLOUD: settings.cloud,
    ENTRA_AUTHORITY_HOST: authorityHost,
    AUTHZ_RESPONSE_MODE: settings.authorizerResponseMode,
    ENTRA_JWKS_KEY_RETENTION_HOURS: String(settings.jwksKeyRetentionHours),
    AUTHZ_TOKEN_CACHE_SECONDS: String(settings.verifiedTokenCacheSeconds),
  };
  if (settings.allowedTenantIds.length > 0) {
    env.ENTRA_ALLOWED_TENANT_IDS = distinct(settings.allowedTenantIds).join(",");
  }
  if (settings.allowedClientIds.length > 0) {
    env.ENTRA_ALLOWED_CLIENT_IDS = distinct(settings.allowedClientIds).join(",");
  }
  const rules = routeRules(settings);
  if (rules !== undefined) env.AUTHZ_ROUTE_PERMISSIONS = terraformJsonEncode(rules);
  return env;
}

/**
 * The authorizer's identity sources (contract section 3): the route key joins the Authorization
 * header whenever route rules exist, in both response modes, whatever the cache TTL.
 */
export function identitySources(settings: LocalStackSettings): string[] {
  return [
    "$request.header.Authorization",
    ...(routeRules(settings) !== undefined ? ["$context.routeKey"] : []),
  ];
}

/** What Lambda sets in each function's environment from logging_config (JSON format). */
export function lambdaLogging(settings: Pick<LocalStackSettings, "applicationLogLevel">): {
  format: "JSON";
  applicationLogLevel: ApplicationLogLevel;
} {
  return { format: "JSON", applicationLogLevel: settings.applicationLogLevel };
}

/**
 * The size Terraform checks at plan (modules/lambda-authorizer): the UTF-8 bytes of the module's
 * environment as jsonencode writes it, {"KEY":"value",…}. The module sets ENTRA_AUTHORITY_HOST and
 * ENTRA_JWKS_URI only from authority_host and jwks_uri (`moduleOnly`), never the local issuer's.
 */
export function moduleEnvironmentBytes(
  settings: LocalStackSettings,
  moduleOnly: Record<string, string> = {},
): number {
  const environment: Record<string, string> = authorizerEnvironment(settings, "");
  delete environment.ENTRA_AUTHORITY_HOST;
  return Buffer.byteLength(terraformJsonEncode({ ...environment, ...moduleOnly }));
}

/** Keys and values, as Lambda counts them against its 4 KB limit. */
export function environmentBytes(env: Record<string, string>): number {
  return Object.entries(env).reduce(
    (total, [key, value]) => total + Buffer.byteLength(key) + Buffer.byteLength(value),
    0,
  );
}

/**
 * Terraform's jsonencode: object keys sorted, and <, >, &, U+2028 and U+2029 written as \u escapes
 * (so a CEL condition such as `claims.a > 1 && …` reads byte for byte as the module writes it).
 */
export function terraformJsonEncode(value: unknown): string {
  return JSON.stringify(sortKeys(value)).replace(
    /[<>&\u2028\u2029]/g,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (isPlainObject(value)) {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, sortKeys(value[key])]),
    );
  }
  return value;
}

function distinct<T>(values: readonly T[]): T[] {
  return [...new Set(values)];
}
