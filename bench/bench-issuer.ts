/**
 * The local Entra issuer every part of the benchmark verifies against, the authorizer environment the
 * Terraform module (and Lambda's logging_config) would set for each configuration measured, and valid
 * tokens minted in bulk.
 */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { DEV_API_APP_ID, type EntraIssuer, startEntraIssuer } from "../local/entra/entra-issuer.js";
import {
  authorizerEnvironment,
  DEFAULT_SETTINGS,
  identitySources,
  type LocalStackSettingsInput,
  lambdaLogging,
  terraformJsonEncode,
  validateSettings,
} from "../local/stack-settings.js";
import { createTlsMaterial, type TlsMaterial } from "../local/entra/tls.js";

export const ROUTE_ARN = "arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/$default/GET/auth";
/** The same method on a REST API's stage (REST stages have names; `$default` is an HTTP API's). */
export const METHOD_ARN = "arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/prod/GET/auth";
/** The scope every bench token carries; route rules below require it. */
export const BENCH_SCOPE = "access_as_user";
/**
 * A claim condition that holds for the bench tokens (delegated v2 user tokens): only user tokens (app
 * tokens carry `idtyp: "app"`) of version 2.0. Two terms, so the cost is that of a typical condition.
 */
export const BENCH_CONDITION = 'has(claims.idtyp) == false && claims.ver == "2.0"';

/**
 * The configurations measured, as overrides of the module's defaults in the local stack's settings
 * shape (Terraform variable meanings). `default` is the module with nothing set: WARN, token cache on.
 */
export const CONFIGURATIONS = {
  default: {},
  info: { applicationLogLevel: "INFO" },
  noTokenCache: { verifiedTokenCacheSeconds: 0 },
  routeRule: { routes: { "GET /auth": { scopes: [BENCH_SCOPE] } } },
  condition: { routes: { "GET /auth": { scopes: [BENCH_SCOPE], condition: BENCH_CONDITION } } },
} as const satisfies Record<string, LocalStackSettingsInput>;

/**
 * The events each front door sends (bench/request-event.mjs builds them). `httpApiRouteKey`: an HTTP API
 * whose identity sources hold `$context.routeKey` too, as the module sets them when there are route rules.
 */
export type FrontDoor = "httpApi" | "httpApiRouteKey" | "restToken" | "restRequest" | "appSync";

/** AUTHZ_ROUTE_PERMISSIONS of the REST rows with a route rule: the HTTP route rule's, as jsonencode writes it. */
const REST_ROUTE_RULES = terraformJsonEncode({ "GET /auth": { scopes: [BENCH_SCOPE] } });

/**
 * Field rules of the AppSync row, as modules/appsync-authorizer passes field_permissions: the API needs
 * the bench scope, two fields need what the bench tokens lack (so deniedFields names them), one more
 * needs only the scope. Every field is evaluated on every call.
 */
export const APPSYNC_FIELD_PERMISSIONS = {
  "*": { scopes: [BENCH_SCOPE] },
  "Mutation.deleteTask": { roles: ["Tasks.Admin"] },
  "Query.auditLog": { scopes: ["Audit.Read"] },
  "Mutation.createTask": { scopes: [BENCH_SCOPE] },
} as const;
/** The fields the bench tokens (scope access_as_user, no roles) are denied. */
export const APPSYNC_DENIED_FIELDS = ["Mutation.deleteTask", "Query.auditLog"];

/**
 * The other front doors, each as its Terraform module builds the function's environment: the identity
 * settings of modules/lambda-authorizer (the default configuration's, without the HTTP API's
 * AUTHZ_RESPONSE_MODE) and the module's front_door_environment. REST: modules/rest-api-authorizer sets
 * AUTHZ_REST_CACHE_KEY always, `route` only for a REQUEST authorizer with route rules (its identity
 * sources then hold context.httpMethod and context.resourcePath), else `token`. AppSync:
 * modules/appsync-authorizer sets AUTHZ_CACHE_TTL_SECONDS (cache_ttl_seconds, default 300) always.
 */
export const FRONT_DOOR_CONFIGURATIONS = {
  restToken: { frontDoor: "restToken", environment: { AUTHZ_REST_CACHE_KEY: "token" } },
  restRequest: { frontDoor: "restRequest", environment: { AUTHZ_REST_CACHE_KEY: "token" } },
  restTokenRoute: {
    frontDoor: "restToken",
    environment: { AUTHZ_REST_CACHE_KEY: "token", AUTHZ_ROUTE_PERMISSIONS: REST_ROUTE_RULES },
  },
  restRequestRoute: {
    frontDoor: "restRequest",
    environment: { AUTHZ_REST_CACHE_KEY: "route", AUTHZ_ROUTE_PERMISSIONS: REST_ROUTE_RULES },
  },
  appSync: {
    frontDoor: "appSync",
    environment: {
      AUTHZ_CACHE_TTL_SECONDS: "300",
      AUTHZ_FIELD_PERMISSIONS: terraformJsonEncode(APPSYNC_FIELD_PERMISSIONS),
    },
  },
} as const satisfies Record<string, { frontDoor: FrontDoor; environment: Record<string, string> }>;

export type ConfigurationName = keyof typeof CONFIGURATIONS | keyof typeof FRONT_DOOR_CONFIGURATIONS;

/** The front door whose events a configuration answers. */
export function frontDoorOf(configuration: ConfigurationName): FrontDoor {
  if (configuration in FRONT_DOOR_CONFIGURATIONS) {
    return FRONT_DOOR_CONFIGURATIONS[configuration as keyof typeof FRONT_DOOR_CONFIGURATIONS].frontDoor;
  }
  const settings = validateSettings({
    ...DEFAULT_SETTINGS,
    ...CONFIGURATIONS[configuration as keyof typeof CONFIGURATIONS],
  });
  return identitySources(settings).includes("$context.routeKey") ? "httpApiRouteKey" : "httpApi";
}

export interface BenchIssuer {
  readonly issuer: EntraIssuer;
  readonly tls: TlsMaterial;
  /** The function's own variables for a configuration: the module's ENTRA_* and AUTHZ_*, Lambda's logging ones, the local CA. */
  functionEnv(configuration: ConfigurationName): Record<string, string>;
}

export async function startBenchIssuer(dir: string): Promise<BenchIssuer> {
  const tls = await createTlsMaterial(join(dir, "tls"));
  const issuer = await startEntraIssuer({ tls, tenantId: DEFAULT_SETTINGS.tenantId });
  const functionEnv = (configuration: ConfigurationName) => {
    const frontDoor =
      configuration in FRONT_DOOR_CONFIGURATIONS
        ? FRONT_DOOR_CONFIGURATIONS[configuration as keyof typeof FRONT_DOOR_CONFIGURATIONS]
        : undefined;
    const overrides =
      frontDoor === undefined ? CONFIGURATIONS[configuration as keyof typeof CONFIGURATIONS] : {};
    const settings = validateSettings({ ...DEFAULT_SETTINGS, ...overrides });
    const logging = lambdaLogging(settings);
    const environment = authorizerEnvironment(settings, issuer.authorityHost);
    if (frontDoor !== undefined) {
      // The response mode is the HTTP API module's; the other front doors' modules never set it.
      delete environment.AUTHZ_RESPONSE_MODE;
      Object.assign(environment, frontDoor.environment);
    }
    return {
      ...environment,
      // What Lambda sets from logging_config with the JSON log format, as the local sandbox does.
      AWS_LAMBDA_LOG_FORMAT: logging.format,
      AWS_LAMBDA_LOG_LEVEL: logging.applicationLogLevel,
      NODE_EXTRA_CA_CERTS: tls.caCertPath,
    };
  };
  return { issuer, tls, functionEnv };
}

/** Changes that turn the environment `from` into `to`: a value to set, or null to remove. */
export function environmentChanges(
  from: Record<string, string>,
  to: Record<string, string>,
): Record<string, string | null> {
  const changes: Record<string, string | null> = {};
  for (const [key, value] of Object.entries(to)) if (from[key] !== value) changes[key] = value;
  for (const key of Object.keys(from)) if (!(key in to)) changes[key] = null;
  return changes;
}

/** Tokens the authorizer refuses, one per refusal reason whose log line the cost model needs. */
export type RefusalSamples = Record<string, string>;

export interface TokenFile {
  /** Distinct valid v2 user tokens. */
  tokens: string[];
  publicJwk: unknown;
  routeArn: string;
  methodArn: string;
  /** Reason code → a token refused with that reason under the default configuration. */
  refusals: RefusalSamples;
}

/** Distinct v2 user tokens (each has its own `uti` and `aio`). Signing is most of the time: ~0.5 ms each. */
export function mintTokens(issuer: EntraIssuer, count: number): string[] {
  const tokens = Array.from({ length: count }, () => validToken(issuer));
  if (new Set(tokens).size !== tokens.length) throw new Error("minted tokens are not distinct");
  return tokens;
}

/** Writes tokens, the public key for the floor, and refusal samples for the log-line sizes. */
export async function writeTokenFile(issuer: EntraIssuer, tokens: string[], path: string): Promise<void> {
  const publicJwk = issuer.keys[0]?.publicJwk;
  const file: TokenFile = {
    tokens,
    publicJwk,
    routeArn: ROUTE_ARN,
    methodArn: METHOD_ARN,
    refusals: refusalSamples(issuer),
  };
  await writeFile(path, JSON.stringify(file));
}

function validToken(issuer: EntraIssuer): string {
  return issuer.issueToken({ kind: "user", version: "2.0", audience: DEV_API_APP_ID, scopes: [BENCH_SCOPE] });
}

/**
 * The refusals a deployment sees most: a client still sending a token after it expired, a token for
 * another API, a token without any scope or role, and a forged or corrupted signature.
 */
function refusalSamples(issuer: EntraIssuer): RefusalSamples {
  const twoHoursAgo = Math.floor(Date.now() / 1000) - 2 * 60 * 60;
  const valid = validToken(issuer);
  const signature = valid.slice(valid.lastIndexOf(".") + 1);
  // Swap two different characters in the middle of the signature: still canonical base64url, no longer valid.
  let at = Math.floor(signature.length / 2);
  while (signature[at] === signature[at + 1]) at += 1;
  const swapped = `${signature.slice(0, at)}${signature[at + 1]}${signature[at]}${signature.slice(at + 2)}`;
  return {
    TOKEN_EXPIRED: issuer.issueToken({
      kind: "user",
      version: "2.0",
      audience: DEV_API_APP_ID,
      scopes: [BENCH_SCOPE],
      now: twoHoursAgo,
    }),
    INVALID_AUDIENCE: issuer.issueToken({
      kind: "user",
      version: "2.0",
      audience: "00000000-0000-4000-8000-0000000ba5e0",
      scopes: [BENCH_SCOPE],
    }),
    NO_SCOPES_OR_ROLES: issuer.issueToken({ kind: "user", version: "2.0", audience: DEV_API_APP_ID }),
    INVALID_SIGNATURE: `${valid.slice(0, valid.lastIndexOf(".") + 1)}${swapped}`,
  };
}
