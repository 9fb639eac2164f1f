/**
 * The whole module on one machine: the local Entra issuer, the built authorizer and backend zips
 * in Lambda sandboxes, and the local HTTP API in front of them. `npm start` runs it; tests and the
 * benchmark start it in-process with `startLocalStack`.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import {
  DEV_CLIENT_SECRET,
  type EntraIssuer,
  type IssuerApiApp,
  startEntraIssuer,
} from "./entra/entra-issuer.js";
import { DEV_CLIENT_ID, type TokenKind, type TokenVersion } from "./entra/entra-tokens.js";
import { LocalAppSyncApi } from "./gateway/appsync-api.js";
import { type HttpApiOptions, LocalHttpApi, type RequestRecord } from "./gateway/http-api.js";
import {
  checkRestRoutes,
  LocalRestApi,
  type RestAuthorizerType,
  restAuthorizerEnvironment,
} from "./gateway/rest-api.js";
import { LambdaSandbox } from "./lambda/lambda-sandbox.js";
import { checkAuthorizerEnvironment } from "./lambda/authorizer-config-check.js";
import { ENTRA_CLOUDS } from "./entra/entra-clouds.js";
import {
  authorizerEnvironment,
  DEFAULT_SETTINGS,
  entraRoutes,
  type LocalStackSettings,
  type LocalStackSettingsInput,
  lambdaLogging,
  SettingsError,
  terraformJsonEncode,
  validateSettings,
} from "./stack-settings.js";
import { createTlsMaterial, type TlsMaterial } from "./entra/tls.js";

export const REPO_ROOT = resolve(fileURLToPath(new URL("..", import.meta.url)));

/**
 * Granted to the dev client when no route rule names a role: without route rules the authorizer
 * still wants a role or a scope, so an app token without any would be refused.
 */
export const DEFAULT_APP_ROLE = "API.Access";

/** Which front door the stack emulates in front of the authorizer. */
export type FrontDoor = "http" | "rest" | "appsync";

/** A field rule as the appsync-authorizer module's field_permissions takes it. */
export interface FieldRule {
  scopes?: string[];
  roles?: string[];
  clients?: string[];
  condition?: string;
}

export interface LocalStackOptions {
  /** Port of the API; 0 (default) picks a free one. */
  port?: number;
  /**
   * http (default): the root module's HTTP API. rest: a REST API with modules/rest-api-authorizer.
   * appsync: a GraphQL API with modules/appsync-authorizer (POST /graphql).
   */
  frontDoor?: FrontDoor;
  /** With rest: the module's authorizer_type; default TOKEN, as in the module. */
  restAuthorizerType?: RestAuthorizerType;
  /** With appsync: the module's field_permissions ("Type.field" or "*" → rule); default none. */
  fieldPermissions?: Record<string, FieldRule>;
  /** Port of the issuer; 0 (default) picks a free one. */
  issuerPort?: number;
  /** Overrides of the defaults (DEFAULT_SETTINGS), validated as a whole. */
  settings?: LocalStackSettingsInput;
  /** Default <repo>/dist. */
  distDir?: string;
  authorizerZipPath?: string;
  backendZipPath?: string;
  layerZipPaths?: string[];
  /** Where the CA lives; default a temporary directory removed on close. `npm start` uses .local/. */
  tlsDir?: string;
  /**
   * The authorizer function's timeout; default settings.timeoutSeconds. The gateway waits at most
   * 10 s (or this, when lower), then answers 500. Lower it in tests to see timeouts quickly.
   */
  authorizerTimeoutMs?: number;
  /** The backend function's timeout; default 3000, the module's default. */
  backendTimeoutMs?: number;
  /** Extra environment for the authorizer function, on top of what the module sets. */
  authorizerEnv?: Record<string, string>;
  /** One line per HTTP request. */
  log?: (line: string) => void;
  /** Every line the functions print. */
  onFunctionLog?: (functionName: "authorizer" | "backend", line: string) => void;
  /** Called when a function's execution environment (worker process) starts. */
  onWorkerStart?: (functionName: "authorizer" | "backend", pid: number) => void;
}

export interface LocalTokenOptions {
  kind?: TokenKind;
  version?: TokenVersion;
  scopes?: string[];
  roles?: string[];
  userName?: string;
  clientId?: string;
  /** A tenant GUID other than the stack's home tenant: `tid` and `iss` name it. */
  tenantId?: string;
  /** Default: the audience a real token of this version would carry. */
  audience?: string;
  lifetimeSeconds?: number;
  extraClaims?: Record<string, unknown>;
}

/** What every emulated front door offers tests and the CLI. */
export interface LocalGateway {
  readonly url: string;
  readonly port: number;
  readonly identitySources: readonly string[];
  readonly requests: readonly RequestRecord[];
  clearAuthorizerCache(): void;
  close(): Promise<void>;
}

export interface LocalStack {
  /** http://127.0.0.1:<port> */
  readonly url: string;
  readonly port: number;
  readonly settings: LocalStackSettings;
  readonly frontDoor: FrontDoor;
  /** With rest: the authorizer type; undefined otherwise. */
  readonly restAuthorizerType: RestAuthorizerType | undefined;
  readonly issuer: EntraIssuer;
  readonly tls: TlsMaterial;
  readonly api: LocalGateway;
  readonly authorizer: LambdaSandbox;
  /** The sample backend (idle with appsync, whose local API answers from canned data). */
  readonly backend: LambdaSandbox;
  /** The client-credentials client registered with the issuer, and the app roles it is granted. */
  readonly client: { clientId: string; clientSecret: string; scope: string; roles: string[] };
  /** A signed token for this stack; defaults: a v2 user token with scope `access_as_user`. */
  token(options?: LocalTokenOptions): string;
  close(): Promise<void>;
}

export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const settings = validateSettings({
    ...DEFAULT_SETTINGS,
    ...options.settings,
  });
  const frontDoor = options.frontDoor ?? "http";
  if (frontDoor === "rest") checkRestRoutes(settings);
  if (options.restAuthorizerType !== undefined && frontDoor !== "rest") {
    throw new SettingsError("--rest-authorizer-type", "applies to --api rest only");
  }
  if (options.fieldPermissions !== undefined && frontDoor !== "appsync") {
    throw new SettingsError("--field-permissions", "applies to --api appsync only");
  }
  const distDir = resolve(options.distDir ?? join(REPO_ROOT, "dist"));
  const cleanups: Array<() => Promise<void>> = [];
  const closeAll = async (): Promise<void> => {
    // Reverse order of creation: the API stops taking requests before its functions go away.
    for (const cleanup of cleanups.splice(0).reverse()) {
      await cleanup().catch(() => undefined);
    }
  };

  try {
    const tlsDir = options.tlsDir ?? (await mkdtemp(join(tmpdir(), "local-stack-tls-")));
    if (options.tlsDir === undefined) cleanups.push(() => rm(tlsDir, { recursive: true, force: true }));
    const tls = await createTlsMaterial(tlsDir);

    const api = issuerApiApp(settings);
    const roles = rolesNamedIn(settings);
    const issuer = await startEntraIssuer({
      tls,
      tenantId: settings.tenantId,
      v1IssuerHost: ENTRA_CLOUDS[settings.cloud].v1IssuerHost,
      port: options.issuerPort ?? 0,
      api,
      clients: [{ clientId: DEV_CLIENT_ID, clientSecret: DEV_CLIENT_SECRET, roles }],
    });
    cleanups.push(() => issuer.close());

    // What Lambda would give the authorizer; refused here, in-process, as the authorizer would refuse it.
    const logging = lambdaLogging(settings);
    const moduleEnv = frontDoorEnvironment(
      authorizerEnvironment(settings, issuer.authorityHost),
      settings,
      frontDoor,
      options,
    );
    checkAuthorizerEnvironment({ ...moduleEnv, AWS_LAMBDA_LOG_LEVEL: logging.applicationLogLevel });

    const layerZipPaths = options.layerZipPaths ?? [join(distDir, "jwt-verify-layer.zip")];
    const authorizerTimeoutMs = options.authorizerTimeoutMs ?? settings.timeoutSeconds * 1000;
    const authorizer = await LambdaSandbox.start({
      name: "entra-authz-authorizer",
      zipPath: options.authorizerZipPath ?? join(distDir, "authorizer.zip"),
      layerZipPaths,
      timeoutMs: authorizerTimeoutMs,
      memorySizeMb: settings.memorySize,
      logging,
      env: {
        ...moduleEnv,
        // The functions trust the local CA the way Node allows: through the environment at start.
        NODE_EXTRA_CA_CERTS: tls.caCertPath,
        ...options.authorizerEnv,
      },
      onLog: (line) => options.onFunctionLog?.("authorizer", line),
      onWorkerStart: (pid) => options.onWorkerStart?.("authorizer", pid),
    });
    cleanups.push(() => authorizer.close());

    // Started for every front door, so `stack.backend` is always there; the local GraphQL API calls
    // no backend (it answers from canned data).
    const backend = await LambdaSandbox.start({
      name: "entra-authz-response",
      zipPath: options.backendZipPath ?? join(distDir, "response.zip"),
      timeoutMs: options.backendTimeoutMs ?? 3000,
      logging,
      onLog: (line) => options.onFunctionLog?.("backend", line),
      onWorkerStart: (pid) => options.onWorkerStart?.("backend", pid),
    });
    cleanups.push(() => backend.close());

    const common = {
      settings,
      authorizer,
      port: options.port ?? 0,
      authorizerWaitMs: Math.min(10_000, authorizerTimeoutMs + 500),
      ...(options.log !== undefined ? { log: options.log } : {}),
    };
    let httpApi: LocalGateway;
    if (frontDoor === "appsync") {
      httpApi = await LocalAppSyncApi.start(common);
    } else if (frontDoor === "rest") {
      httpApi = await LocalRestApi.start({
        ...common,
        backend,
        authorizerType: options.restAuthorizerType ?? "TOKEN",
      });
    } else {
      const httpOptions: HttpApiOptions = { ...common, backend };
      httpApi = await LocalHttpApi.start(httpOptions);
    }
    cleanups.push(() => httpApi.close());

    return {
      url: httpApi.url,
      port: httpApi.port,
      settings,
      frontDoor,
      restAuthorizerType: frontDoor === "rest" ? (options.restAuthorizerType ?? "TOKEN") : undefined,
      issuer,
      tls,
      api: httpApi,
      authorizer,
      backend,
      client: {
        clientId: DEV_CLIENT_ID,
        clientSecret: DEV_CLIENT_SECRET,
        scope: `${api.identifierUri}/.default`,
        roles,
      },
      token: (tokenOptions = {}) => {
        const version = tokenOptions.version ?? (settings.tokenVersions.includes("2.0") ? "2.0" : "1.0");
        const kind = tokenOptions.kind ?? "user";
        return issuer.issueToken({
          kind,
          version,
          audience: tokenOptions.audience ?? (version === "2.0" ? api.appId : api.identifierUri),
          ...(kind === "user" ? { scopes: tokenOptions.scopes ?? ["access_as_user"] } : {}),
          ...(tokenOptions.roles !== undefined ? { roles: tokenOptions.roles } : {}),
          ...(tokenOptions.userName !== undefined ? { userName: tokenOptions.userName } : {}),
          ...(tokenOptions.clientId !== undefined ? { clientId: tokenOptions.clientId } : {}),
          ...(tokenOptions.tenantId !== undefined ? { tenantId: tokenOptions.tenantId } : {}),
          ...(tokenOptions.lifetimeSeconds !== undefined
            ? { lifetimeSeconds: tokenOptions.lifetimeSeconds }
            : {}),
          ...(tokenOptions.extraClaims !== undefined ? { extraClaims: tokenOptions.extraClaims } : {}),
        });
      },
      close: closeAll,
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The API registration implied by the accepted audiences: its client ID is the GUID audience (or
 * the GUID inside api://<guid>), its identifier URI the first non-GUID audience.
 */
export function issuerApiApp(settings: LocalStackSettings): IssuerApiApp {
  const audiences = [settings.audience, ...settings.additionalAudiences];
  const guid =
    audiences.find((audience) => GUID.test(audience)) ??
    audiences.map((audience) => audience.replace(/^api:\/\//, "")).find((audience) => GUID.test(audience)) ??
    DEFAULT_SETTINGS.additionalAudiences[0] ??
    "";
  const identifierUri = audiences.find((audience) => !GUID.test(audience)) ?? `api://${guid}`;
  return {
    appId: guid.toLowerCase(),
    identifierUri,
    accessTokenVersion: settings.tokenVersions.includes("2.0") ? "2.0" : "1.0",
  };
}

/** The app roles the dev client is granted: every role a route names, or one default role. */
export function rolesNamedIn(settings: LocalStackSettings): string[] {
  const named = new Set(entraRoutes(settings).flatMap(([, route]) => route.roles));
  return named.size > 0 ? [...named].sort() : [DEFAULT_APP_ROLE];
}

/**
 * The authorizer's environment for the front door, as its module builds it on the shared variables
 * (modules/lambda-authorizer): REST adds AUTHZ_REST_CACHE_KEY to the route rules; AppSync has field
 * rules and the API's TTL instead of route rules. Neither sets AUTHZ_RESPONSE_MODE, an HTTP API setting.
 */
export function frontDoorEnvironment(
  httpEnvironment: Record<string, string>,
  settings: LocalStackSettings,
  frontDoor: FrontDoor,
  options: Pick<LocalStackOptions, "restAuthorizerType" | "fieldPermissions"> = {},
): Record<string, string> {
  if (frontDoor === "http") return httpEnvironment;
  const shared = { ...httpEnvironment };
  const routeRules = shared.AUTHZ_ROUTE_PERMISSIONS;
  delete shared.AUTHZ_RESPONSE_MODE;
  delete shared.AUTHZ_ROUTE_PERMISSIONS;
  if (frontDoor === "rest") {
    return {
      ...shared,
      ...(routeRules !== undefined ? { AUTHZ_ROUTE_PERMISSIONS: routeRules } : {}),
      ...restAuthorizerEnvironment(settings, options.restAuthorizerType ?? "TOKEN"),
    };
  }
  const fields = fieldPermissionsEnvironment(options.fieldPermissions ?? {});
  return {
    ...shared,
    AUTHZ_CACHE_TTL_SECONDS: String(settings.authorizerCacheTtlSeconds),
    ...(fields !== undefined ? { AUTHZ_FIELD_PERMISSIONS: fields } : {}),
  };
}

/** AUTHZ_FIELD_PERMISSIONS as the appsync-authorizer module writes it: only the parts that are set. */
export function fieldPermissionsEnvironment(permissions: Record<string, FieldRule>): string | undefined {
  if (typeof permissions !== "object" || permissions === null || Array.isArray(permissions)) {
    throw new SettingsError(
      "field_permissions",
      'must be a JSON object such as { "Mutation.deleteTask": { "roles": ["Tasks.Admin"] } }',
    );
  }
  const entries = Object.entries(permissions);
  if (entries.length === 0) return undefined;
  const rules = Object.fromEntries(
    entries.map(([field, rule]) => {
      if (typeof rule !== "object" || rule === null || Array.isArray(rule)) {
        throw new SettingsError(
          `field_permissions["${field}"]`,
          'must be an object such as {} or { "roles": ["Tasks.Admin"] }',
        );
      }
      const set = Object.entries(rule).filter(
        ([, value]) =>
          value !== null &&
          value !== undefined &&
          (typeof value !== "string" && !Array.isArray(value) ? true : value.length > 0),
      );
      return [field, Object.fromEntries(set)];
    }),
  );
  return terraformJsonEncode(rules);
}
