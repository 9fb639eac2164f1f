/**
 * A local stand-in for an API Gateway REST API with the rest-api-authorizer module's Lambda authorizer
 * (TOKEN or REQUEST) and a Lambda proxy integration: method selection, public methods, 401 without the
 * identity sources (the authorizer is not invoked), the authorizer cache keyed by the identity source
 * values, the cached IAM policy evaluated against each request's method ARN, 401 when the authorizer
 * ends with "Unauthorized", 403 on a Deny, 500 on any other authorizer failure, and the module's
 * UNAUTHORIZED and ACCESS_DENIED gateway responses (modules/rest-api-authorizer/main.tf).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { AuthorizerCache } from "./authorizer-cache.js";
import { type AuthorizerDecision, policyEffect, readAuthorizerResponse } from "./authorizer-response.js";
import type { ApiIdentity, HttpResponse, RequestFacts } from "./gateway-events.js";
import {
  type CacheOutcome,
  type FunctionInvoker,
  keepRecord,
  LOCAL_API,
  readBody,
  type RequestRecord,
  withWaitLimit,
  write,
} from "./http-api.js";
import { matchRestMethod, type RestMethodMatch } from "./rest-route-match.js";
import {
  methodArnOf,
  newRestRequestId,
  requestAuthorizerEvent,
  restProxyEvent,
  restProxyResponse,
  tokenAuthorizerEvent,
} from "./rest-events.js";
import { type LocalStackSettings, routeRules, SettingsError } from "../stack-settings.js";
import { closeServer, listenOnLoopback } from "./loopback-server.js";

export type RestAuthorizerType = "TOKEN" | "REQUEST";

export interface RestApiOptions {
  settings: LocalStackSettings;
  authorizer: FunctionInvoker;
  backend: FunctionInvoker;
  /** The module's authorizer_type; default TOKEN, as in the module. */
  authorizerType?: RestAuthorizerType;
  /** The module's realm, named in the WWW-Authenticate challenges; default "api". */
  realm?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  /** How long the gateway waits for the authorizer. */
  authorizerWaitMs?: number;
  /** How long the gateway waits for the integration; REST APIs' default limit is 29 s. */
  backendWaitMs?: number;
  api?: Partial<ApiIdentity>;
  log?: (line: string) => void;
}

/** A REST API's stage is part of every method ARN; the local one has a name, as a REST stage must. */
export const LOCAL_REST_API: ApiIdentity = Object.freeze({
  ...LOCAL_API,
  apiId: "l0ca1rest0",
  stage: "local",
});

/**
 * What the module caches answers under (its cache_key): the method and resource join the token when a
 * REQUEST authorizer has route rules; otherwise the token alone.
 */
export function restCacheKey(settings: LocalStackSettings, type: RestAuthorizerType): "token" | "route" {
  return type === "REQUEST" && routeRules(settings) !== undefined ? "route" : "token";
}

/** The module's identity_source, in its order. */
export function restIdentitySources(settings: LocalStackSettings, type: RestAuthorizerType): string[] {
  return [
    "method.request.header.Authorization",
    ...(restCacheKey(settings, type) === "route" ? ["context.httpMethod", "context.resourcePath"] : []),
  ];
}

/** The environment the module adds for a REST API on top of the shared one (front_door_environment). */
export function restAuthorizerEnvironment(
  settings: LocalStackSettings,
  type: RestAuthorizerType,
): Record<string, string> {
  return { AUTHZ_REST_CACHE_KEY: restCacheKey(settings, type) };
}

/** Refuses routes a REST API cannot have: `$default` is an HTTP API route. */
export function checkRestRoutes(settings: LocalStackSettings): void {
  if ("$default" in settings.routes) {
    throw new SettingsError(
      "routes",
      'cannot have "$default" with --api rest: REST APIs have no default route; use "ANY /{proxy+}" (and "ANY /" for the root)',
    );
  }
}

type CachedDecision = Extract<AuthorizerDecision, { kind: "iam" }>;

/** API Gateway's default messages ($context.error.messageString) for the responses emulated here. */
const MESSAGES = {
  unauthorized: "Unauthorized",
  explicitDeny: "User is not authorized to access this resource with an explicit deny",
  implicitDeny: "User is not authorized to access this resource",
  missingToken: "Missing Authentication Token",
};

export class LocalRestApi {
  readonly #options: RestApiOptions;
  readonly #api: ApiIdentity;
  readonly #type: RestAuthorizerType;
  readonly #cache: AuthorizerCache<CachedDecision>;
  readonly #identitySources: string[];
  readonly #server: Server;
  readonly #records: RequestRecord[] = [];
  #port = 0;

  private constructor(options: RestApiOptions) {
    checkRestRoutes(options.settings);
    this.#options = options;
    this.#api = { ...LOCAL_REST_API, ...options.api };
    this.#type = options.authorizerType ?? "TOKEN";
    this.#cache = new AuthorizerCache(options.settings.authorizerCacheTtlSeconds);
    this.#identitySources = restIdentitySources(options.settings, this.#type);
    this.#server = createServer((request, response) => {
      this.#handle(request, response).catch((error: unknown) => {
        this.#options.log?.(`local REST API failure: ${(error as Error).stack ?? String(error)}`);
        if (!response.headersSent)
          write(response, message(500, "Internal server error"), "", "x-amzn-requestid");
      });
    });
    this.#server.keepAliveTimeout = 60_000;
  }

  static async start(options: RestApiOptions): Promise<LocalRestApi> {
    const api = new LocalRestApi(options);
    api.#port = await listenOnLoopback(api.#server, options.port);
    return api;
  }

  get port(): number {
    return this.#port;
  }

  get url(): string {
    return `http://127.0.0.1:${this.#port}`;
  }

  get authorizerType(): RestAuthorizerType {
    return this.#type;
  }

  get identitySources(): readonly string[] {
    return this.#identitySources;
  }

  /** The most recent requests (up to 1000), oldest first; routeKey is the method (`GET /items/{id}`). */
  get requests(): readonly RequestRecord[] {
    return this.#records;
  }

  clearAuthorizerCache(): void {
    this.#cache.clear();
  }

  close(): Promise<void> {
    return closeServer(this.#server);
  }

  async #handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const started = performance.now();
    const requestId = newRestRequestId();
    const target = new URL(request.url ?? "/", "http://local");
    const method = (request.method ?? "GET").toUpperCase();
    const record: RequestRecord = {
      method,
      path: target.pathname,
      routeKey: undefined,
      status: 0,
      authorizer: "not-invoked",
      latencyMs: 0,
    };
    let answer: HttpResponse;
    try {
      answer = await this.#answer(request, method, target, requestId, record);
    } catch (error) {
      record.reason = `gateway failure: ${(error as Error).message}`;
      answer = message(500, "Internal server error");
    }
    write(response, answer, requestId, "x-amzn-requestid");
    record.status = answer.statusCode;
    record.latencyMs = performance.now() - started;
    keepRecord(this.#records, record, this.#options.log);
  }

  async #answer(
    request: IncomingMessage,
    method: string,
    target: URL,
    requestId: string,
    record: RequestRecord,
  ): Promise<HttpResponse> {
    const body = await readBody(request);
    if (body === undefined) return message(413, "Request Entity Too Large");
    const rawPath = (request.url ?? "/").split("?")[0] ?? "/";
    const timeEpoch = Date.now();
    const facts: RequestFacts = {
      method,
      rawPath,
      rawQueryString: target.search.startsWith("?") ? target.search.slice(1) : "",
      rawHeaders: request.rawHeaders,
      body,
      sourceIp: request.socket.remoteAddress?.replace(/^::ffff:/, "") ?? "127.0.0.1",
      protocol: `HTTP/${request.httpVersion}`,
      domainName: request.headers.host ?? `127.0.0.1:${this.#port}`,
    };
    const routes = this.#options.settings.routes;
    const match = matchRestMethod(Object.keys(routes), method, rawPath);
    if (match === undefined) {
      // REST APIs answer an unknown resource or method 403 (MISSING_AUTHENTICATION_TOKEN), no authorizer.
      record.reason = "no method";
      return message(403, MESSAGES.missingToken);
    }
    record.routeKey = match.methodKey;

    let authorizer: Record<string, unknown> | undefined;
    if (routes[match.methodKey]?.authorization === "none") {
      record.reason = "public method";
    } else {
      const header = headerValue(request, "authorization");
      if (header === undefined || header.trim() === "") {
        record.reason = "identity source missing: authorizer not invoked";
        return this.#challenge(401, "invalid_token", MESSAGES.unauthorized);
      }
      const sources =
        restCacheKey(this.#options.settings, this.#type) === "route"
          ? [header, method, match.resource]
          : [header];
      const decision = await this.#authorize(facts, match, header, sources, requestId, timeEpoch, record);
      if (decision === "unauthorized") {
        record.reason = "authorizer answered Unauthorized";
        return this.#challenge(401, "invalid_token", MESSAGES.unauthorized);
      }
      if (decision.kind === "invalid") {
        record.reason = `authorizer failed: ${decision.reason}`;
        return messageNull(500);
      }
      const effect = policyEffect(decision.statements, methodArnOf(this.#api, method, rawPath));
      if (effect !== "allow") {
        record.reason = `authorizer denied (${effect})`;
        return this.#challenge(
          403,
          "insufficient_scope",
          effect === "explicit-deny" ? MESSAGES.explicitDeny : MESSAGES.implicitDeny,
        );
      }
      authorizer = { principalId: decision.principalId, ...decision.context };
    }

    const invoked = await withWaitLimit(
      this.#options.backend.invoke(restProxyEvent(this.#api, facts, match, requestId, timeEpoch, authorizer)),
      this.#options.backendWaitMs ?? 29_000,
    );
    if (invoked === "gateway-timeout") {
      record.reason = "integration timed out";
      return message(504, "Endpoint request timed out");
    }
    if (invoked.error !== undefined || invoked.timedOut) {
      record.reason = `integration failed: ${invoked.error?.errorType ?? "timeout"}`;
      return message(502, "Internal server error");
    }
    const mapped = restProxyResponse(invoked.result);
    if ("invalid" in mapped) {
      record.reason = `integration response invalid: ${mapped.invalid}`;
      return message(502, "Internal server error");
    }
    return mapped;
  }

  async #authorize(
    facts: RequestFacts,
    match: RestMethodMatch,
    token: string,
    sources: string[],
    requestId: string,
    timeEpoch: number,
    record: RequestRecord,
  ): Promise<CachedDecision | Extract<AuthorizerDecision, { kind: "invalid" }> | "unauthorized"> {
    const cached = this.#cache.get(sources);
    if (cached !== undefined) {
      record.authorizer = "hit" satisfies CacheOutcome;
      return cached;
    }
    record.authorizer = this.#cache.enabled ? "miss" : "disabled";
    const event =
      this.#type === "TOKEN"
        ? tokenAuthorizerEvent(methodArnOf(this.#api, facts.method, facts.rawPath), token)
        : requestAuthorizerEvent(this.#api, facts, match, requestId, timeEpoch);
    const invoked = await withWaitLimit(
      this.#options.authorizer.invoke(event),
      this.#options.authorizerWaitMs ?? 10_000,
    );
    if (invoked === "gateway-timeout")
      return { kind: "invalid", reason: "no answer within the gateway's wait limit" };
    if (invoked.timedOut) return { kind: "invalid", reason: "the function timed out" };
    if (invoked.error !== undefined) {
      // The one error API Gateway reads: a function that fails with exactly "Unauthorized" means 401.
      if (invoked.error.errorMessage === "Unauthorized") return "unauthorized";
      return { kind: "invalid", reason: `${invoked.error.errorType}: ${invoked.error.errorMessage}` };
    }
    const decision = readAuthorizerResponse(invoked.result, "iam");
    if (decision.kind !== "iam") {
      return decision.kind === "invalid" ? decision : { kind: "invalid", reason: "not an IAM policy answer" };
    }
    this.#cache.set(sources, decision);
    return decision;
  }

  /** The module's gateway response: RFC 6750's challenge and `{"error":…,"message":…}`. */
  #challenge(status: 401 | 403, error: string, text: string): HttpResponse {
    return {
      statusCode: status,
      headers: {
        "content-type": "application/json",
        "www-authenticate": `Bearer realm="${this.#options.realm ?? "api"}", error="${error}"`,
      },
      cookies: [],
      body: Buffer.from(JSON.stringify({ error, message: text })),
    };
  }
}

function headerValue(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value.join(",") : value;
}

function message(statusCode: number, text: string): HttpResponse {
  return {
    statusCode,
    headers: { "content-type": "application/json" },
    cookies: [],
    body: Buffer.from(JSON.stringify({ message: text })),
  };
}

/** An authorizer failure: REST APIs' AUTHORIZER_FAILURE body has no message. */
function messageNull(statusCode: number): HttpResponse {
  return {
    statusCode,
    headers: { "content-type": "application/json" },
    cookies: [],
    body: Buffer.from(JSON.stringify({ message: null })),
  };
}
