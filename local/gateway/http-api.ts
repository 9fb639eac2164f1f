/**
 * A local stand-in for an API Gateway HTTP API with a Lambda REQUEST authorizer (payload 2.0) and
 * a Lambda proxy integration, behaving as the module's API does: route selection, public routes
 * (no authorizer), 401 without an identity source (the authorizer is not invoked), the authorizer
 * cache keyed by the identity source values, IAM policy or simple answers, 403 on deny, 500 on an
 * authorizer failure, and the authorizer's context handed to the backend.
 *
 * Only payload format 2.0 is emulated: the module's authorizer is 2.0, so there is no 1.0 event here.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { AuthorizerCache } from "./authorizer-cache.js";
import { type AuthorizerDecision, policyAllows, readAuthorizerResponse } from "./authorizer-response.js";
import {
  type ApiIdentity,
  authorizerEvent,
  gatewayError,
  type HttpResponse,
  newRequestId,
  proxyEvent,
  proxyResponse,
  type RequestFacts,
  type RequestIdentity,
  routeArnOf,
} from "./gateway-events.js";
import type { InvokeResult } from "../lambda/lambda-sandbox.js";
import { matchRoute, type RouteMatch } from "./route-match.js";
import { identitySources, type LocalStackSettings } from "../stack-settings.js";
import { closeServer, listenOnLoopback } from "./loopback-server.js";

/** Anything that runs a function: a LambdaSandbox, or a fake in tests. */
export interface FunctionInvoker {
  invoke(event: unknown): Promise<InvokeResult>;
}

export interface HttpApiOptions {
  settings: LocalStackSettings;
  authorizer: FunctionInvoker;
  backend: FunctionInvoker;
  /** 0 (default) picks a free port. */
  port?: number;
  /** How long the gateway waits for the authorizer; API Gateway's limit is 10 s. */
  authorizerWaitMs?: number;
  /** How long the gateway waits for the integration; API Gateway's limit is 30 s. */
  backendWaitMs?: number;
  api?: Partial<ApiIdentity>;
  /** One line per request. */
  log?: (line: string) => void;
}

export type CacheOutcome = "hit" | "miss" | "disabled" | "not-invoked";

export interface RequestRecord {
  method: string;
  path: string;
  routeKey: string | undefined;
  status: number;
  authorizer: CacheOutcome;
  /** Why the gateway answered as it did, when it was not the backend's answer. */
  reason?: string;
  latencyMs: number;
}

export const LOCAL_API: ApiIdentity = Object.freeze({
  accountId: "123456789012",
  apiId: "l0ca1api00",
  region: "us-east-1",
  stage: "$default",
});

const MAX_BODY_BYTES = 10 * 1024 * 1024;

type CachedDecision = Exclude<AuthorizerDecision, { kind: "invalid" }>;

export class LocalHttpApi {
  readonly #options: HttpApiOptions;
  readonly #api: ApiIdentity;
  readonly #cache: AuthorizerCache<CachedDecision>;
  readonly #identitySources: string[];
  readonly #server: Server;
  readonly #records: RequestRecord[] = [];
  #port = 0;

  private constructor(options: HttpApiOptions) {
    this.#options = options;
    this.#api = { ...LOCAL_API, ...options.api };
    this.#cache = new AuthorizerCache(options.settings.authorizerCacheTtlSeconds);
    this.#identitySources = identitySources(options.settings);
    this.#server = createServer((request, response) => {
      this.#handle(request, response).catch((error: unknown) => {
        this.#options.log?.(`local API failure: ${(error as Error).stack ?? String(error)}`);
        if (!response.headersSent)
          write(response, gatewayError(500, "Internal Server Error"), newRequestId());
      });
    });
    // API Gateway keeps connections open for reuse; a benchmark with keep-alive expects the same.
    this.#server.keepAliveTimeout = 60_000;
  }

  static async start(options: HttpApiOptions): Promise<LocalHttpApi> {
    const api = new LocalHttpApi(options);
    api.#port = await listenOnLoopback(api.#server, options.port);
    return api;
  }

  get port(): number {
    return this.#port;
  }

  get url(): string {
    return `http://127.0.0.1:${this.#port}`;
  }

  /** The most recent requests (up to 1000), oldest first. */
  get requests(): readonly RequestRecord[] {
    return this.#records;
  }

  get identitySources(): readonly string[] {
    return this.#identitySources;
  }

  /** Forgets cached authorizer answers, as redeploying the API would. */
  clearAuthorizerCache(): void {
    this.#cache.clear();
  }

  close(): Promise<void> {
    return closeServer(this.#server);
  }

  async #handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const started = performance.now();
    const identity: RequestIdentity = { requestId: newRequestId(), timeEpoch: Date.now() };
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
      answer = await this.#answer(request, method, target, identity, record);
    } catch (error) {
      record.reason = `gateway failure: ${(error as Error).message}`;
      answer = gatewayError(500, "Internal Server Error");
    }
    write(response, answer, identity.requestId);
    record.status = answer.statusCode;
    record.latencyMs = performance.now() - started;
    keepRecord(this.#records, record, this.#options.log);
  }

  async #answer(
    request: IncomingMessage,
    method: string,
    target: URL,
    identity: RequestIdentity,
    record: RequestRecord,
  ): Promise<HttpResponse> {
    const body = await readBody(request);
    if (body === undefined) return gatewayError(413, "Request Entity Too Large");
    const rawPath = (request.url ?? "/").split("?")[0] ?? "/";
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
    const route = matchRoute(Object.keys(routes), method, rawPath);
    if (route === undefined) {
      record.reason = "no route";
      return gatewayError(404, "Not Found");
    }
    record.routeKey = route.routeKey;

    let authorizer: { context: Record<string, unknown> | undefined } | undefined;
    if (routes[route.routeKey]?.authorization === "none") {
      record.reason = "public route";
    } else {
      const sources = this.#identityValues(request, route);
      if (sources === undefined) {
        record.reason = "identity source missing: authorizer not invoked";
        return gatewayError(401, "Unauthorized");
      }
      const decision = await this.#authorize(facts, route, identity, sources, record);
      if (decision.kind === "invalid") {
        record.reason = `authorizer failed: ${decision.reason}`;
        return gatewayError(500, "Internal Server Error");
      }
      const allowed =
        decision.kind === "simple"
          ? decision.isAuthorized
          : policyAllows(decision.statements, routeArnOf(this.#api, facts));
      if (!allowed) {
        record.reason = "authorizer denied";
        return gatewayError(403, "Forbidden");
      }
      authorizer = { context: decision.context };
    }

    const invoked = await withWaitLimit(
      this.#options.backend.invoke(proxyEvent(this.#api, facts, route, identity, authorizer)),
      this.#options.backendWaitMs ?? 30_000,
    );
    if (invoked === "gateway-timeout") {
      record.reason = "integration timed out";
      return gatewayError(503, "Service Unavailable");
    }
    if (invoked.error !== undefined || invoked.timedOut) {
      record.reason = `integration failed: ${invoked.error?.errorType ?? "timeout"}`;
      return gatewayError(500, "Internal Server Error");
    }
    const mapped = proxyResponse(invoked.result);
    if ("invalid" in mapped) {
      record.reason = `integration response invalid: ${mapped.invalid}`;
      return gatewayError(500, "Internal Server Error");
    }
    return mapped;
  }

  /** The identity source values, or undefined when one is missing or empty (→ 401). */
  #identityValues(request: IncomingMessage, route: RouteMatch): string[] | undefined {
    const values: string[] = [];
    for (const source of this.#identitySources) {
      let value: string | undefined;
      if (source === "$context.routeKey") {
        value = route.routeKey;
      } else if (source.startsWith("$request.header.")) {
        const header = request.headers[source.slice("$request.header.".length).toLowerCase()];
        value = Array.isArray(header) ? header.join(",") : header;
      }
      if (value === undefined || value.trim() === "") return undefined;
      values.push(value);
    }
    return values;
  }

  async #authorize(
    facts: RequestFacts,
    route: RouteMatch,
    identity: RequestIdentity,
    sources: string[],
    record: RequestRecord,
  ): Promise<AuthorizerDecision> {
    const cached = this.#cache.get(sources);
    if (cached !== undefined) {
      record.authorizer = "hit";
      return cached;
    }
    record.authorizer = this.#cache.enabled ? "miss" : "disabled";
    const event = authorizerEvent(this.#api, facts, route, identity, sources);
    const invoked = await withWaitLimit(
      this.#options.authorizer.invoke(event),
      this.#options.authorizerWaitMs ?? 10_000,
    );
    if (invoked === "gateway-timeout")
      return { kind: "invalid", reason: "no answer within the gateway's wait limit" };
    if (invoked.timedOut) return { kind: "invalid", reason: "the function timed out" };
    if (invoked.error !== undefined) {
      return { kind: "invalid", reason: `${invoked.error.errorType}: ${invoked.error.errorMessage}` };
    }
    const decision = readAuthorizerResponse(invoked.result, this.#options.settings.authorizerResponseMode);
    if (decision.kind !== "invalid") this.#cache.set(sources, decision);
    return decision;
  }
}

export function withWaitLimit(
  invocation: Promise<InvokeResult>,
  limitMs: number,
): Promise<InvokeResult | "gateway-timeout"> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<"gateway-timeout">((resolve) => {
    timer = setTimeout(() => resolve("gateway-timeout"), limitMs);
  });
  return Promise.race([invocation, limit]).finally(() => clearTimeout(timer));
}

export async function readBody(request: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

export function write(
  response: ServerResponse,
  answer: HttpResponse,
  requestId: string,
  /** HTTP APIs name the request in apigw-requestid, REST APIs in x-amzn-requestid. */
  requestIdHeader = "apigw-requestid",
): void {
  const headers: Record<string, string | string[]> = {
    ...answer.headers,
    "content-length": String(answer.body.length),
    [requestIdHeader]: requestId,
  };
  if (answer.cookies.length > 0) headers["set-cookie"] = answer.cookies;
  response.writeHead(answer.statusCode, headers);
  response.end(answer.body);
}

/** Keeps the most recent requests (up to 1000), oldest first, and logs the one just answered. */
export function keepRecord(
  records: RequestRecord[],
  record: RequestRecord,
  log: ((line: string) => void) | undefined,
): void {
  records.push(record);
  if (records.length > 1000) records.splice(0, records.length - 1000);
  log?.(formatRecord(record));
}

export function formatRecord(record: RequestRecord): string {
  const route = record.routeKey === undefined ? "" : ` [${record.routeKey}]`;
  const reason = record.reason === undefined ? "" : ` (${record.reason})`;
  return `${record.method} ${record.path} → ${record.status}${route} authorizer=${record.authorizer} ${record.latencyMs.toFixed(1)} ms${reason}`;
}
