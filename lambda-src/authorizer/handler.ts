import type {
  APIGatewayAuthorizerResult,
  APIGatewayRequestAuthorizerEvent,
  APIGatewayRequestAuthorizerEventV2,
  APIGatewaySimpleAuthorizerResult,
  APIGatewaySimpleAuthorizerWithContextResult,
  Context,
} from "aws-lambda";
import { findHeader, readBearerToken } from "./bearer-token.js";
import {
  type AuthorizerConfig,
  type LogLevel,
  loadConfig,
  type ResponseMode,
  readLogLevel,
} from "./config.js";
import {
  AuthorizerError,
  ConfigurationError,
  errorName,
  UnexpectedError,
  UnrecognizedEventError,
} from "./errors.js";
import { EntraJwksCache } from "./jwks-cache.js";
import { createLogger } from "./log.js";
import { refusal } from "./permissions.js";
import { denyAllPolicy, planResources, policyFor, stageArnOf } from "./policy.js";
import { createTokenVerifier, type TokenVerifier, type VerifiedToken } from "./verify.js";

export type AuthorizerEvent = APIGatewayRequestAuthorizerEventV2 | APIGatewayRequestAuthorizerEvent;

/** What the backend receives in `requestContext.authorizer.lambda`: strings only, so REST APIs accept it too. */
export interface AuthorizerContext {
  [key: string]: string;
  sub: string;
  oid: string;
  tid: string;
  clientId: string;
  scopes: string;
  roles: string;
  tokenVersion: string;
}

export type AuthorizerResponse =
  | APIGatewayAuthorizerResult
  | APIGatewaySimpleAuthorizerResult
  | APIGatewaySimpleAuthorizerWithContextResult<AuthorizerContext>
  | (APIGatewayAuthorizerResult & { isAuthorized: false });

interface RequestFacts {
  readonly requestArn: string | undefined;
  readonly routeKey: string | undefined;
  readonly authorization: string | undefined;
}

interface Decision {
  readonly token: VerifiedToken | undefined;
  readonly denial: AuthorizerError | undefined;
}

type Startup =
  | { readonly ok: true; readonly config: AuthorizerConfig; readonly verifier: TokenVerifier }
  | { readonly ok: false; readonly error: AuthorizerError; readonly responseMode: ResponseMode | undefined };

const logger = createLogger(readLogLevel(process.env) ?? "info", "entra-authorizer");
const startup = initialize(process.env);
let coldStart = true;

function initialize(env: NodeJS.ProcessEnv): Startup {
  try {
    const config = loadConfig(env);
    const jwksCache = new EntraJwksCache(undefined, {
      onRefreshFailed: (error) =>
        logger.log("warn", "JWKS background refresh failed; keeping the cached keys", {
          error: errorName(error),
        }),
    });
    const verifier = createTokenVerifier(config, jwksCache);
    // Fetch keys while Lambda initializes; a failure here only means the first request fetches again.
    verifier.prefetch().catch((error: unknown) => {
      logger.log("warn", "JWKS prefetch failed; requests will retry the fetch", { error: errorName(error) });
    });
    return { ok: true, config, verifier };
  } catch (caught) {
    const error =
      caught instanceof AuthorizerError ? caught : new UnexpectedError("start-up failed", { cause: caught });
    logger.log("error", "invalid configuration: every request will be denied", {
      reason: error.reason,
      variable: error instanceof ConfigurationError ? error.variable : undefined,
      problem: error.message,
    });
    const mode = env.AUTHZ_RESPONSE_MODE?.trim() || "iam";
    return { ok: false, error, responseMode: mode === "iam" || mode === "simple" ? mode : undefined };
  }
}

export async function handler(
  event: AuthorizerEvent,
  context?: Pick<Context, "awsRequestId">,
): Promise<AuthorizerResponse> {
  const started = performance.now();
  const request = readRequest(event);
  let decision: Decision;
  try {
    decision = await decide(request);
  } catch (caught) {
    decision = { token: undefined, denial: toAuthorizerError(caught) };
  }
  const response = respond(decision, request);
  logDecision(decision, request, performance.now() - started, context?.awsRequestId);
  coldStart = false;
  return response;
}

async function decide(request: RequestFacts): Promise<Decision> {
  if (!startup.ok) {
    throw startup.error;
  }
  if (request.routeKey === undefined || request.requestArn === undefined) {
    throw new UnrecognizedEventError("not an HTTP API REQUEST authorizer event (payload 1.0 or 2.0)");
  }
  const token = await startup.verifier.verify(readBearerToken(request.authorization));
  return { token, denial: refusal(request.routeKey, token, startup.config.routePermissions) };
}

function respond(decision: Decision, request: RequestFacts): AuthorizerResponse {
  const { token } = decision;
  const allowed = token !== undefined && decision.denial === undefined;
  const context = token === undefined ? undefined : contextOf(token);
  const mode = startup.ok ? startup.config.responseMode : startup.responseMode;

  if (mode === "simple") {
    return context === undefined ? { isAuthorized: false } : { isAuthorized: allowed, context };
  }
  const stageArn = stageArnOf(request.requestArn);
  if (token === undefined || stageArn === undefined || request.requestArn === undefined || !startup.ok) {
    const deny = { principalId: "unauthenticated", policyDocument: denyAllPolicy(stageArn) };
    // With the response mode itself unreadable, answer in a shape both modes read as a refusal.
    return mode === undefined ? { ...deny, isAuthorized: false } : deny;
  }
  const plan = planResources(stageArn, token, startup.config.routePermissions, {
    arn: request.requestArn,
    allowed,
  });
  return {
    principalId: token.objectId ?? token.subject,
    policyDocument: policyFor(plan, request.requestArn, allowed),
    // Also on a deny: API Gateway may serve this cached response to another route this token may call.
    context,
  };
}

/** The request's facts, each a string or undefined: anything else in the event is treated as absent. */
function readRequest(event: AuthorizerEvent): RequestFacts {
  if (typeof event !== "object" || event === null) {
    return { requestArn: undefined, routeKey: undefined, authorization: undefined };
  }
  const authorization = stringOrUndefined(findHeader(event.headers, "authorization"));
  if ("routeArn" in event) {
    return {
      requestArn: stringOrUndefined(event.routeArn),
      routeKey: stringOrUndefined(event.routeKey),
      authorization,
    };
  }
  if ("methodArn" in event) {
    const routeKey = (event.requestContext as { routeKey?: unknown } | undefined)?.routeKey;
    return {
      requestArn: stringOrUndefined(event.methodArn),
      routeKey: stringOrUndefined(routeKey) ?? `${event.httpMethod} ${event.resource}`,
      authorization,
    };
  }
  return { requestArn: undefined, routeKey: undefined, authorization };
}

function stringOrUndefined(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

function contextOf(token: VerifiedToken): AuthorizerContext {
  return {
    sub: token.subject,
    oid: token.objectId ?? "",
    tid: token.tenantId,
    clientId: token.clientId,
    scopes: token.scopes.join(" "),
    roles: token.roles.join(" "),
    tokenVersion: token.version,
  };
}

const OPERATIONAL_FAILURES = new Set(["INVALID_CONFIGURATION", "JWKS_UNAVAILABLE", "INTERNAL_ERROR"]);

/** Allows at info, refusals at warn, failures of the authorizer itself at error: LOG_LEVEL=warn keeps every refusal. */
function logDecision(
  decision: Decision,
  request: RequestFacts,
  latencyMs: number,
  requestId: string | undefined,
) {
  const { token, denial: reason } = decision;
  const level: LogLevel =
    reason === undefined ? "info" : OPERATIONAL_FAILURES.has(reason.reason) ? "error" : "warn";
  logger.log(level, "authorization decision", {
    decision: reason === undefined ? "allow" : "deny",
    reason: reason?.reason ?? "ALLOWED",
    detail: reason?.detail,
    route: request.routeKey,
    principal: token === undefined ? undefined : (token.objectId ?? token.subject),
    tid: token?.tenantId,
    clientId: token?.clientId,
    tokenVersion: token?.version,
    latencyMs: Math.round(latencyMs * 1000) / 1000,
    requestId,
    coldStart,
  });
}

function toAuthorizerError(caught: unknown): AuthorizerError {
  return caught instanceof AuthorizerError
    ? caught
    : new UnexpectedError("unexpected failure", { cause: caught, detail: errorName(caught) });
}
