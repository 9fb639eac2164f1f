/**
 * Part 1: the warm cost per invocation of the built authorizer in several configurations, against the
 * RS256 floor and two other ways of writing it, all in one Lambda-laid-out child (bench/warm/child.mjs),
 * with JWKS fetches counted at the issuer per implementation; then the bytes of the decision lines. The
 * REST API (TOKEN, REQUEST) and AppSync rows are the same bundle answering those front doors' events,
 * compared round by round with the HTTP API row they correspond to.
 */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  APPSYNC_DENIED_FIELDS,
  type BenchIssuer,
  type ConfigurationName,
  environmentChanges,
  frontDoorOf,
} from "./bench-issuer.js";
import { nextMessage } from "./ipc.js";
import { type LambdaLayout, lambdaEnvironment, spawnLambdaChild } from "./lambda-layout.js";
import { median, round, type Spread, spread } from "./stats.js";

const CHILD = fileURLToPath(new URL("./warm/child.mjs", import.meta.url));

export const IMPLEMENTATIONS = {
  floor: "RS256 floor: decode + JSON.parse + crypto.verify, KeyObject ready",
  library: "aws-jwt-verify verifySync alone (same issuers and audiences, hydrated)",
  authorizer: "Authorizer, default configuration (WARN, token cache on): first-seen tokens",
  authorizerRepeated: "Authorizer, default configuration: repeated tokens (token cache hits)",
  authorizerInfo: "Authorizer at INFO (an allow line per request): first-seen tokens",
  authorizerNoCache: "Authorizer with the token cache off (AUTHZ_TOKEN_CACHE_SECONDS=0): first-seen tokens",
  authorizerRoute: "Authorizer with a route rule (scopes): first-seen tokens",
  authorizerCondition: "Authorizer with a route rule and a CEL condition: first-seen tokens",
  restToken: "REST API TOKEN event, module defaults (AUTHZ_REST_CACHE_KEY=token): first-seen tokens",
  restTokenRepeated: "REST API TOKEN event, module defaults: repeated tokens (token cache hits)",
  restRequest: "REST API REQUEST event, module defaults (AUTHZ_REST_CACHE_KEY=token): first-seen tokens",
  restRequestRepeated: "REST API REQUEST event, module defaults: repeated tokens (token cache hits)",
  restTokenRoute: "REST API TOKEN event with the route rule (an answer for every method): first-seen tokens",
  restRequestRoute:
    "REST API REQUEST event with the route rule (AUTHZ_REST_CACHE_KEY=route): first-seen tokens",
  appSync: "AppSync event, 4 field rules (2 fields denied): first-seen tokens",
  appSyncRepeated: "AppSync event, 4 field rules: repeated tokens (token cache hits)",
  jose: "jose: createRemoteJWKSet once + jwtVerify, a decision line per request",
  walkthrough: "Walkthrough: JwtVerifier.create inside the handler, a decision line per request",
} as const;

export type ImplementationName = keyof typeof IMPLEMENTATIONS;

/** The configuration each instance of the built authorizer runs with (its front door follows from it). */
const AUTHORIZERS = {
  authorizer: "default",
  authorizerRepeated: "default",
  authorizerInfo: "info",
  authorizerNoCache: "noTokenCache",
  authorizerRoute: "routeRule",
  authorizerCondition: "condition",
  restToken: "restToken",
  restTokenRepeated: "restToken",
  restRequest: "restRequest",
  restRequestRepeated: "restRequest",
  restTokenRoute: "restTokenRoute",
  restRequestRoute: "restRequestRoute",
  appSync: "appSync",
  appSyncRepeated: "appSync",
} as const satisfies Partial<Record<ImplementationName, ConfigurationName>>;

/** Instances that cycle through the repeated-token pool instead of first-seen tokens. */
const REPEATED: ReadonlySet<ImplementationName> = new Set([
  "authorizerRepeated",
  "restTokenRepeated",
  "restRequestRepeated",
  "appSyncRepeated",
]);

/** Each front door's row next to the HTTP API row that measures the same thing. */
export const FRONT_DOOR_COMPARISONS = [
  { name: "restToken", against: "authorizer" },
  { name: "restRequest", against: "authorizer" },
  { name: "appSync", against: "authorizer" },
  { name: "restTokenRepeated", against: "authorizerRepeated" },
  { name: "restRequestRepeated", against: "authorizerRepeated" },
  { name: "appSyncRepeated", against: "authorizerRepeated" },
  { name: "restTokenRoute", against: "authorizerRoute" },
  { name: "restRequestRoute", against: "authorizerRoute" },
] as const satisfies readonly { name: ImplementationName; against: ImplementationName }[];

export interface FrontDoorComparison {
  name: ImplementationName;
  against: ImplementationName;
  /** Per round: (row ÷ floor) − (HTTP API row ÷ floor), wall time; median and spread, in × floor. */
  difference: Spread;
  cpuDifference: Spread;
}

export interface WarmOptions {
  /** Rounds after the untimed warm-up pass. */
  rounds: number;
  /** Distinct tokens per round; the child needs (rounds + 1) × this many. */
  firstSeenPerRound: number;
  /** Tokens the repeated-token instance cycles through, all in its cache after the warm-up pass. */
  repeatedPool: number;
  walkthroughPerRound: number;
  /** Requests per kind of decision line when measuring their size. */
  logSamples: number;
}

export interface ImplementationResult {
  name: ImplementationName;
  description: string;
  opsPerRound: number;
  /** Median over the rounds of wall-clock ns per invocation, one invocation at a time. */
  nsPerOp: number;
  /** Median over the rounds of process CPU time (user + system, all threads) per invocation. */
  cpuNsPerOp: number;
  /** This implementation's time ÷ the floor's, per round (same round, same tokens): median and spread. */
  ratioToFloor: Spread;
  cpuRatioToFloor: Spread;
  /** Fetches while the implementation started and served its first (untimed) pass. */
  initFetches: number;
  /** Fetches during the timed rounds. */
  steadyFetches: number;
  steadyRequests: number;
  fetchesPerContainer: number;
  roundsNsPerOp: number[];
}

export interface LogLineSample {
  count: number;
  meanBytes: number;
  maxBytes: number;
  reasons: string[];
  levels: string[];
  /** One line as written (no token material: reason codes, route, principal, request ID). */
  sample: string | undefined;
}

export interface LogLines {
  /** Allow lines at INFO. */
  allow: LogLineSample;
  /** Lines written by the default (WARN) instance for the same allowed requests: should be 0. */
  allowAtDefaultLevel: number;
  /** Reason code → refusal lines (WARN) of the default instance. */
  refusals: Record<string, LogLineSample>;
}

export interface WarmResult {
  options: WarmOptions;
  /** The configuration behind each authorizer row. */
  configurations: Record<string, ConfigurationName>;
  implementations: ImplementationResult[];
  frontDoors: FrontDoorComparison[];
  logLines: LogLines;
  /** What reached the child's stdout pipe during the rounds (INFO instance, jose, walkthrough). */
  stdout: { lines: number; bytes: number };
}

interface ChildRound {
  count: number;
  nsPerOp: number;
  cpuNsPerOp: number;
  round: number;
}

interface ChildResult {
  type: "result";
  results: Record<ImplementationName, { initFetches: number; steadyFetches: number; rounds: ChildRound[] }>;
  logLines: LogLines;
}

/** `tokensPath`: a token file with at least (rounds + 1) × firstSeenPerRound tokens. */
export async function measureWarmCost(
  bench: BenchIssuer,
  layout: LambdaLayout,
  workDir: string,
  tokensPath: string,
  options: WarmOptions,
): Promise<WarmResult> {
  const baseEnv = bench.functionEnv("default");
  const authorizers = Object.fromEntries(
    Object.entries(AUTHORIZERS).map(([name, configuration]) => [
      name,
      {
        environment: environmentChanges(baseEnv, bench.functionEnv(configuration)),
        frontDoor: frontDoorOf(configuration),
        repeated: REPEATED.has(name as ImplementationName),
      },
    ]),
  );
  const configPath = join(workDir, "warm-config.json");
  await writeFile(
    configPath,
    JSON.stringify({ tokensPath, authorizers, deniedFields: APPSYNC_DENIED_FIELDS, ...options }),
  );

  const run = spawnLambdaChild(layout, lambdaEnvironment(layout, baseEnv), CHILD, [configPath]);
  run.child.on("message", (message: { type?: string }) => {
    if (message.type === "jwks-count")
      run.child.send({ type: "jwks-count", count: bench.issuer.jwksFetchCount });
  });
  const { results, logLines } = await nextMessage<ChildResult>(run.child, "result", 300_000);
  await run.closed;

  const floorRounds = results.floor.rounds;
  const implementations = (Object.keys(IMPLEMENTATIONS) as ImplementationName[]).map((name) => {
    const result = results[name];
    const ratios = (pick: (sample: ChildRound) => number) =>
      spread(result.rounds.map((sample, index) => pick(sample) / pick(floorRounds[index] as ChildRound)));
    const steadyRequests = result.rounds.reduce((sum, sample) => sum + sample.count, 0);
    return {
      name,
      description: IMPLEMENTATIONS[name],
      opsPerRound: result.rounds[0]?.count ?? 0,
      nsPerOp: Math.round(median(result.rounds.map((sample) => sample.nsPerOp))),
      cpuNsPerOp: Math.round(median(result.rounds.map((sample) => sample.cpuNsPerOp))),
      ratioToFloor: ratios((sample) => sample.nsPerOp),
      cpuRatioToFloor: ratios((sample) => sample.cpuNsPerOp),
      initFetches: result.initFetches,
      steadyFetches: result.steadyFetches,
      steadyRequests,
      fetchesPerContainer: result.initFetches + result.steadyFetches,
      roundsNsPerOp: result.rounds.map((sample) => Math.round(sample.nsPerOp)),
    };
  });
  for (const sample of [logLines.allow, ...Object.values(logLines.refusals)]) {
    sample.meanBytes = round(sample.meanBytes, 1);
  }
  const ratio = (name: ImplementationName, index: number, pick: (sample: ChildRound) => number) =>
    pick(results[name].rounds[index] as ChildRound) / pick(floorRounds[index] as ChildRound);
  const frontDoors = FRONT_DOOR_COMPARISONS.map(({ name, against }) => {
    const differences = (pick: (sample: ChildRound) => number) =>
      spread(floorRounds.map((_, index) => ratio(name, index, pick) - ratio(against, index, pick)));
    return {
      name,
      against,
      difference: differences((sample) => sample.nsPerOp),
      cpuDifference: differences((sample) => sample.cpuNsPerOp),
    };
  });
  return {
    options,
    configurations: AUTHORIZERS,
    implementations,
    frontDoors,
    logLines,
    stdout: { ...run.stdout },
  };
}

export function findImplementation(warm: WarmResult, name: ImplementationName): ImplementationResult {
  const found = warm.implementations.find((item) => item.name === name);
  if (found === undefined) throw new Error(`no ${name} measurement`);
  return found;
}
