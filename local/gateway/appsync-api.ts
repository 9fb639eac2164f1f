/**
 * A local stand-in for an AWS AppSync GraphQL API whose authorization is AWS_LAMBDA, as the
 * appsync-authorizer module sets it up: POST /graphql, the authorizer called with AppSync's event, its
 * answer cached by token (ttlOverride, else the API's TTL), 401 for a refusal, and deniedFields enforced on
 * the fields a query selects. The schema is examples/appsync's, with canned data.
 *
 * Wording of the errors, from AppSync's documentation and AWS's knowledge center: a request the
 * authorization mode refuses is "401 Unauthorized" (UnauthorizedException); a field refused at or beyond
 * the resolver level is "200 OK with an Unauthorized type error", "Not Authorized to access X on type Y".
 * https://docs.aws.amazon.com/appsync/latest/devguide/security-authz.html#aws-lambda-authorization
 * https://repost.aws/knowledge-center/aws-appsync-graphql-request-unauth-error
 */
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import {
  execute,
  type GraphQLError,
  type GraphQLFieldResolver,
  type GraphQLSchema,
  parse,
  validate,
  type DocumentNode,
  defaultFieldResolver,
  getOperationAST,
  OperationTypeNode,
} from "graphql";
import { APPSYNC_ROOT_VALUES, appSyncSchema } from "./appsync-schema.js";
import type { HttpResponse } from "./gateway-events.js";
import {
  type FunctionInvoker,
  keepRecord,
  readBody,
  type RequestRecord,
  withWaitLimit,
  write,
} from "./http-api.js";
import type { LocalStackSettings } from "../stack-settings.js";
import { closeServer, listenOnLoopback } from "./loopback-server.js";

export interface AppSyncApiOptions {
  settings: LocalStackSettings;
  authorizer: FunctionInvoker;
  port?: number;
  authorizerWaitMs?: number;
  api?: Partial<AppSyncIdentity>;
  log?: (line: string) => void;
}

export interface AppSyncIdentity {
  apiId: string;
  accountId: string;
}

/** AppSync API ids are 26 lower-case letters and digits. */
export const LOCAL_APPSYNC_API: AppSyncIdentity = Object.freeze({
  apiId: "l0ca1appsync00000000000000",
  accountId: "123456789012",
});

/** What AppSync keeps of an answer that allowed the request. */
interface Admission {
  resolverContext: Record<string, unknown>;
  deniedFields: ReadonlySet<string>;
}

type Decision = Admission | { refused: string };

const UNAUTHORIZED_MESSAGE = "You are not authorized to make this call.";

export class LocalAppSyncApi {
  readonly #options: AppSyncApiOptions;
  readonly #api: AppSyncIdentity;
  readonly #schema: GraphQLSchema;
  /** Entries are set with each answer's own TTL: see #remember. */
  readonly #cache = new Map<string, { admission: Admission; expiresAt: number }>();
  readonly #server: Server;
  readonly #records: RequestRecord[] = [];
  #port = 0;

  private constructor(options: AppSyncApiOptions) {
    this.#options = options;
    this.#api = { ...LOCAL_APPSYNC_API, ...options.api };
    this.#schema = appSyncSchema();
    this.#server = createServer((request, response) => {
      this.#handle(request, response).catch((error: unknown) => {
        this.#options.log?.(`local AppSync failure: ${(error as Error).stack ?? String(error)}`);
        if (!response.headersSent)
          write(
            response,
            errors(500, [{ errorType: "InternalFailure", message: "An internal failure occurred." }]),
            "",
            "x-amzn-requestid",
          );
      });
    });
    this.#server.keepAliveTimeout = 60_000;
  }

  static async start(options: AppSyncApiOptions): Promise<LocalAppSyncApi> {
    const api = new LocalAppSyncApi(options);
    api.#port = await listenOnLoopback(api.#server, options.port);
    return api;
  }

  get port(): number {
    return this.#port;
  }

  get url(): string {
    return `http://127.0.0.1:${this.#port}`;
  }

  /** AppSync's cache key: the Authorization header's value. */
  get identitySources(): readonly string[] {
    return ["authorizationToken"];
  }

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
    const requestId = randomUUID();
    const path = new URL(request.url ?? "/", "http://local").pathname;
    const record: RequestRecord = {
      method: (request.method ?? "GET").toUpperCase(),
      path,
      routeKey: undefined,
      status: 0,
      authorizer: "not-invoked",
      latencyMs: 0,
    };
    let answer: HttpResponse;
    try {
      answer = await this.#answer(request, requestId, record);
    } catch (error) {
      record.reason = `gateway failure: ${(error as Error).message}`;
      answer = errors(500, [{ errorType: "InternalFailure", message: "An internal failure occurred." }]);
    }
    write(response, answer, requestId, "x-amzn-requestid");
    record.status = answer.statusCode;
    record.latencyMs = performance.now() - started;
    keepRecord(this.#records, record, this.#options.log);
  }

  async #answer(request: IncomingMessage, requestId: string, record: RequestRecord): Promise<HttpResponse> {
    if (record.path !== "/graphql") {
      record.reason = "not /graphql";
      return errors(404, [{ errorType: "NotFoundException", message: "Not found: use POST /graphql" }]);
    }
    if (record.method !== "POST") {
      record.reason = "not POST";
      return errors(405, [{ errorType: "MethodNotAllowed", message: "Use POST /graphql" }]);
    }
    const body = await readBody(request);
    const operation = body === undefined ? undefined : readOperation(body);
    if (operation === undefined) {
      record.reason = "malformed request";
      return errors(400, [
        { errorType: "MalformedHttpRequestException", message: "The body must be JSON with a query string." },
      ]);
    }
    record.routeKey = operation.operationName ?? "(anonymous)";

    const header = request.headers.authorization;
    if (header === undefined || header.trim() === "") {
      record.reason = "no Authorization header: authorizer not invoked";
      return errors(401, [{ errorType: "UnauthorizedException", message: UNAUTHORIZED_MESSAGE }]);
    }
    const decision = await this.#authorize(header, operation, request, requestId, record);
    if ("refused" in decision) {
      record.reason = decision.refused;
      return errors(401, [{ errorType: "UnauthorizedException", message: UNAUTHORIZED_MESSAGE }]);
    }
    return this.#execute(operation, decision, record);
  }

  async #authorize(
    token: string,
    operation: GraphQLRequest,
    request: IncomingMessage,
    requestId: string,
    record: RequestRecord,
  ): Promise<Decision> {
    const cached = this.#cache.get(token);
    if (cached !== undefined && cached.expiresAt > Date.now()) {
      record.authorizer = "hit";
      return cached.admission;
    }
    this.#cache.delete(token);
    record.authorizer = "miss";
    const event = {
      authorizationToken: token,
      requestContext: {
        apiId: this.#api.apiId,
        accountId: this.#api.accountId,
        requestId,
        queryString: operation.query,
        operationName: operation.operationName,
        variables: operation.variables,
      },
      requestHeaders: requestHeaders(request),
    };
    const invoked = await withWaitLimit(
      this.#options.authorizer.invoke(event),
      this.#options.authorizerWaitMs ?? 10_000,
    );
    if (invoked === "gateway-timeout")
      return { refused: "authorizer failed: no answer within the wait limit" };
    if (invoked.timedOut) return { refused: "authorizer failed: the function timed out" };
    if (invoked.error !== undefined) {
      return { refused: `authorizer failed: ${invoked.error.errorType}: ${invoked.error.errorMessage}` };
    }
    const answer = readAppSyncAnswer(invoked.result);
    if ("invalid" in answer) return { refused: `authorizer answer unreadable: ${answer.invalid}` };
    if (!answer.isAuthorized) return { refused: "authorizer refused" };
    const admission: Admission = {
      resolverContext: answer.resolverContext,
      deniedFields: new Set(answer.deniedFields),
    };
    // ttlOverride replaces the API's TTL for this answer; 0 means the answer is not cached.
    const ttlSeconds = answer.ttlOverride ?? this.#options.settings.authorizerCacheTtlSeconds;
    if (ttlSeconds > 0) this.#cache.set(token, { admission, expiresAt: Date.now() + ttlSeconds * 1000 });
    else record.authorizer = "disabled";
    return admission;
  }

  #execute(operation: GraphQLRequest, admission: Admission, record: RequestRecord): HttpResponse {
    let document: DocumentNode;
    try {
      document = parse(operation.query);
    } catch (error) {
      record.reason = "query does not parse";
      return errors(200, [graphqlError(error as GraphQLError, "MalformedHttpRequestException")], null);
    }
    const problems = validate(this.#schema, document);
    if (problems.length > 0) {
      record.reason = "query is not valid against the schema";
      return errors(
        200,
        problems.map((problem) => graphqlError(problem, "ValidationError")),
        null,
      );
    }
    const deniedFieldResolver: GraphQLFieldResolver<unknown, unknown> = (source, args, context, info) => {
      const field = `${info.parentType.name}.${info.fieldName}`;
      if (admission.deniedFields.has(field)) {
        throw new DeniedFieldError(
          `Not Authorized to access ${info.fieldName} on type ${info.parentType.name}`,
        );
      }
      return defaultFieldResolver(source, args, context, info);
    };
    const selected = getOperationAST(document, operation.operationName);
    const rootType = selected?.operation === OperationTypeNode.MUTATION ? "Mutation" : "Query";
    const result = execute({
      schema: this.#schema,
      document,
      rootValue: APPSYNC_ROOT_VALUES[rootType],
      variableValues: operation.variables,
      operationName: operation.operationName,
      fieldResolver: deniedFieldResolver,
      contextValue: { resolverContext: admission.resolverContext },
    });
    if ("then" in result) throw new Error("the local resolvers are synchronous");
    const fieldErrors = (result.errors ?? []).map((error) =>
      graphqlError(
        error,
        error.originalError instanceof DeniedFieldError ? "Unauthorized" : "ExecutionError",
      ),
    );
    if (fieldErrors.some((error) => error.errorType === "Unauthorized")) record.reason = "denied fields";
    return json(
      200,
      fieldErrors.length > 0
        ? { data: result.data ?? null, errors: fieldErrors }
        : { data: result.data ?? null },
    );
  }
}

class DeniedFieldError extends Error {
  override name = "DeniedFieldError";
}

interface GraphQLRequest {
  query: string;
  operationName: string | undefined;
  variables: Record<string, unknown>;
}

function readOperation(body: Buffer): GraphQLRequest | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString("utf8"));
  } catch {
    return undefined;
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return undefined;
  const { query, operationName, variables } = parsed as Record<string, unknown>;
  if (typeof query !== "string") return undefined;
  return {
    query,
    operationName: typeof operationName === "string" && operationName !== "" ? operationName : undefined,
    variables:
      typeof variables === "object" && variables !== null && !Array.isArray(variables)
        ? (variables as Record<string, unknown>)
        : {},
  };
}

/** AppSync's answer: isAuthorized, and when true resolverContext, deniedFields and ttlOverride. */
export function readAppSyncAnswer(result: unknown):
  | {
      isAuthorized: boolean;
      resolverContext: Record<string, unknown>;
      deniedFields: string[];
      ttlOverride: number | undefined;
    }
  | { invalid: string } {
  if (typeof result !== "object" || result === null || Array.isArray(result))
    return { invalid: "not an object" };
  const answer = result as Record<string, unknown>;
  if (typeof answer.isAuthorized !== "boolean") return { invalid: "isAuthorized must be a boolean" };
  const denied = answer.deniedFields ?? [];
  if (!Array.isArray(denied) || !denied.every((field) => typeof field === "string")) {
    return { invalid: "deniedFields must be a list of strings" };
  }
  const ttl = answer.ttlOverride;
  if (ttl !== undefined && (typeof ttl !== "number" || !Number.isInteger(ttl) || ttl < 0)) {
    return { invalid: "ttlOverride must be a whole number of seconds" };
  }
  const context = answer.resolverContext;
  return {
    isAuthorized: answer.isAuthorized,
    resolverContext:
      typeof context === "object" && context !== null ? (context as Record<string, unknown>) : {},
    deniedFields: denied,
    ttlOverride: ttl,
  };
}

function requestHeaders(request: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(",") : value;
  }
  return headers;
}

/** AppSync's error entry: `{ path, data, errorType, errorInfo, locations, message }`. */
function graphqlError(error: GraphQLError, errorType: string) {
  return {
    path: error.path ?? null,
    data: null,
    errorType,
    errorInfo: null,
    locations: (error.locations ?? []).map(({ line, column }) => ({ line, column, sourceName: null })),
    message: error.message,
  };
}

function errors(statusCode: number, list: unknown[], data?: null): HttpResponse {
  return json(statusCode, data === undefined ? { errors: list } : { data, errors: list });
}

function json(statusCode: number, value: unknown): HttpResponse {
  return {
    statusCode,
    headers: { "content-type": "application/json; charset=UTF-8" },
    cookies: [],
    body: Buffer.from(JSON.stringify(value)),
  };
}
