import { decideAppSync } from "./appsync-decision.js";
import {
  type AuthorizerConfig,
  type LogLevel,
  loadConfig,
  type ResponseMode,
  readFailSafeSettings,
} from "./config.js";
import {
  ConfigurationError,
  errorName,
  JwksUnavailableError,
  UnauthorizedError,
  UncachedRefusalError,
} from "./errors.js";
import { readEvent } from "./event.js";
import { decideHttpApi, httpApiRefusal } from "./http-api-decision.js";
import { EntraJwksCache, type JwksCacheTimings } from "./jwks-cache.js";
import type { Fetcher } from "./jwt-library.js";
import { createLogger, type Logger } from "./log.js";
import { type Answer, type DecisionCore, type Outcome, UNAUTHORIZED } from "./outcome.js";
import { isRefusal, OPERATIONAL_FAILURES, type Refusal, refuse, UNCACHEABLE_REFUSALS } from "./refusal.js";
import { decideRestApi } from "./rest-api-decision.js";
import { createTokenVerifier, type TokenVerifier } from "./verify.js";

export type Authorizer = (event: unknown, context?: { awsRequestId?: string }) => Promise<Answer>;

/** Replaceable parts, for tests and benchmarks; Lambda uses the defaults. */
export interface AuthorizerDependencies {
  readonly now?: () => number;
  readonly write?: (line: string) => void;
  readonly jwksTimings?: JwksCacheTimings;
  readonly fetcher?: Fetcher;
  /** How long start-up waits for the first JWKS fetch. */
  readonly prefetchBudgetMs?: number;
}

type Startup =
  | { readonly ok: true; readonly config: AuthorizerConfig; readonly verifier: TokenVerifier }
  | { readonly ok: false; readonly refusal: Refusal; readonly responseMode: ResponseMode | undefined };

const SERVICE = "entra-authorizer";
/** Lambda's init phase may take 10 s; the JWKS fetch gives up after 2 × 2 s by itself. */
const PREFETCH_BUDGET_MS = 2000;

/**
 * Reads the configuration once, fetches the signing keys (waiting at most the budget, so the first request
 * does not wait and a provisioned-concurrency environment is not frozen mid-fetch), and returns the
 * function that answers API Gateway. Every failure is a refusal; a refusal that must not be cached (an
 * outage, a configuration error) fails the invocation with an UncachedRefusalError, which is the only
 * thing the function throws.
 */
export async function createAuthorizer(
  env: Readonly<Record<string, string | undefined>>,
  dependencies: AuthorizerDependencies = {},
): Promise<Authorizer> {
  const { now = () => Date.now(), write } = dependencies;
  const failSafe = readFailSafeSettings(env);
  let logger: Logger = createLogger(failSafe.logLevel, SERVICE, write);
  let startup: Startup;
  try {
    const config = loadConfig(env);
    logger = createLogger(config.logLevel, SERVICE, write);
    const jwksCache = new EntraJwksCache({
      ...(dependencies.jwksTimings === undefined ? {} : { timings: dependencies.jwksTimings }),
      keyRetentionMs: config.jwksKeyRetentionHours * 60 * 60 * 1000,
      now,
      ...(dependencies.fetcher === undefined ? {} : { fetcher: dependencies.fetcher }),
      events: {
        onRefreshFailed: (error) =>
          logger.log("WARN", "JWKS background refresh failed; keeping the cached keys", {
            error: errorName(error),
          }),
        onKeysWithdrawn: () => verifier.forgetKeys(),
        onKeyRejected: ({ kid, problem }) => logger.log("WARN", "JWKS key not trusted", { kid, problem }),
      },
    });
    const verifier = createTokenVerifier(config, jwksCache, now);
    startup = { ok: true, config, verifier };
    await prefetch(verifier, dependencies.prefetchBudgetMs ?? PREFETCH_BUDGET_MS, logger);
  } catch (error) {
    const variable = error instanceof ConfigurationError ? error.variable : undefined;
    logger.log("ERROR", "invalid configuration: every request will be denied", {
      reason: "INVALID_CONFIGURATION",
      variable,
      problem: error instanceof ConfigurationError ? error.message : errorName(error),
    });
    // Each refusal names the variable too, so any one decision line says what to fix.
    const refusal = refuse("INVALID_CONFIGURATION", variable ?? errorName(error));
    startup = { ok: false, refusal, responseMode: failSafe.responseMode };
  }
  const responseMode = startup.ok ? startup.config.responseMode : startup.responseMode;
  let coldStart = true;

  async function decide(event: unknown): Promise<Outcome> {
    const request = readEvent(event);
    if (isRefusal(request)) {
      // No front door is known: a shape that HTTP APIs (both modes), REST APIs and AppSync read as a refusal.
      return httpApiRefusal(request, undefined, undefined, undefined);
    }
    if (!startup.ok) {
      return httpApiRefusal(startup.refusal, undefined, responseMode, undefined);
    }
    const core: DecisionCore = { config: startup.config, verifier: startup.verifier, now };
    const decided =
      request.door === "http-api"
        ? await decideHttpApi(request, core)
        : request.door === "rest-api"
          ? await decideRestApi(request, core)
          : await decideAppSync(request, core);
    return { ...decided, frontDoor: request.door };
  }

  function logDecision(outcome: Outcome, latencyMs: number, requestId: string | undefined): void {
    const { refusal, token } = outcome;
    const level: LogLevel =
      refusal === undefined ? "INFO" : OPERATIONAL_FAILURES.has(refusal.reason) ? "ERROR" : "WARN";
    // Stryker disable next-line ConditionalExpression,BlockStatement: logger.log applies the same threshold; this only skips building the fields
    if (!logger.enabled(level)) {
      return;
    }
    logger.log(level, "authorization decision", {
      decision: refusal === undefined ? "allow" : "deny",
      answer: answerOf(outcome),
      frontDoor: outcome.frontDoor,
      reason: refusal?.reason ?? "ALLOWED",
      detail: refusal?.detail,
      route: outcome.route,
      principal: token === undefined ? undefined : (token.objectId ?? token.subject),
      tid: token?.tenantId,
      clientId: token?.clientId,
      tokenVersion: token?.version,
      latencyMs: Math.round(latencyMs * 1000) / 1000,
      requestId,
      coldStart,
    });
  }

  return async function authorize(event, context) {
    const started = performance.now();
    let outcome: Outcome;
    try {
      outcome = await decide(event);
    } catch (error) {
      outcome = httpApiRefusal(
        refuse("INTERNAL_ERROR", errorName(error)),
        undefined,
        responseMode,
        undefined,
      );
    }
    try {
      logDecision(
        outcome,
        performance.now() - started,
        typeof context?.awsRequestId === "string" ? context.awsRequestId : undefined,
      );
    } catch {
      // A log line that cannot be written must not turn a decision into a crash.
    }
    coldStart = false;
    if (outcome.refusal !== undefined && UNCACHEABLE_REFUSALS.has(outcome.refusal.reason)) {
      throw new UncachedRefusalError(outcome.refusal.reason);
    }
    if (outcome.answer === UNAUTHORIZED) {
      throw new UnauthorizedError();
    }
    return outcome.answer;
  };
}

/**
 * What the front door was told, for the log and its metric filters: "allow", "deny" (a Deny policy, or
 * false), "unauthorized" (a REST API's 401: the invocation fails with Unauthorized), or "error" (the
 * invocation fails so that nothing is cached).
 */
function answerOf({ refusal, answer }: Outcome): "allow" | "deny" | "unauthorized" | "error" {
  if (refusal === undefined) {
    return "allow";
  }
  if (UNCACHEABLE_REFUSALS.has(refusal.reason)) {
    return "error";
  }
  return answer === UNAUTHORIZED ? "unauthorized" : "deny";
}

async function prefetch(verifier: TokenVerifier, budgetMs: number, logger: Logger): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const budget = new Promise<"budget spent">((resolve) => {
    timer = setTimeout(() => resolve("budget spent"), budgetMs);
  });
  const result = await Promise.race([
    verifier.prefetch().then(
      () => "fetched" as const,
      (error: unknown) => error,
    ),
    budget,
  ]);
  clearTimeout(timer);
  if (result === "budget spent") {
    logger.log(
      "WARN",
      "JWKS prefetch still running after the start-up budget; the first request waits for it",
      {
        budgetMs,
      },
    );
  } else if (result !== "fetched") {
    logger.log("WARN", "JWKS prefetch failed; requests will retry the fetch", {
      error: errorName(result),
      problem: result instanceof JwksUnavailableError ? result.message : undefined,
    });
  }
}
