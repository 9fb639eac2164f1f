/**
 * Part 1: the warm cost per invocation of the built authorizer against the floor and two other ways
 * of writing it, all in one Lambda-laid-out child (bench/warm/child.mjs), with JWKS fetches counted at
 * the issuer per implementation.
 */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { BenchIssuer } from "./bench-issuer.js";
import { nextMessage } from "./ipc.js";
import { type LambdaLayout, lambdaEnvironment, spawnLambdaChild } from "./lambda-layout.js";
import { median, round } from "./stats.js";

const CHILD = fileURLToPath(new URL("./warm/child.mjs", import.meta.url));

export const IMPLEMENTATIONS = {
  floor: "Floor: decode + JSON.parse + RS256 crypto.verify, KeyObject ready",
  library: "aws-jwt-verify verifySync alone (same config, hydrated)",
  authorizerQuiet: "Built authorizer with LOG_LEVEL=warn (no decision line)",
  authorizer: "Built authorizer (dist/authorizer.zip + layer)",
  jose: "jose: createRemoteJWKSet once + jwtVerify",
  walkthrough: "Walkthrough: JwtVerifier.create inside the handler",
} as const;

export type ImplementationName = keyof typeof IMPLEMENTATIONS;

export interface WarmOptions {
  tokens: number;
  rounds: number;
  walkthroughPerRound: number;
}

export interface ImplementationResult {
  name: ImplementationName;
  description: string;
  opsPerRound: number;
  /** Median over the rounds of wall-clock ns per invocation, one invocation at a time. */
  nsPerOp: number;
  /** Median over the rounds of process CPU time (user + system, all threads) per invocation. */
  cpuNsPerOp: number;
  ratioToFloor: number;
  cpuRatioToFloor: number;
  /** Fetches while the implementation started and served its first (untimed) pass. */
  initFetches: number;
  /** Fetches during the timed rounds. */
  steadyFetches: number;
  steadyRequests: number;
  fetchesPerContainer: number;
  roundsNsPerOp: number[];
}

export interface WarmResult {
  options: WarmOptions;
  implementations: ImplementationResult[];
  stdout: { lines: number; bytes: number };
}

interface ChildRound {
  count: number;
  nsPerOp: number;
  cpuNsPerOp: number;
}

interface ChildResult {
  type: "result";
  results: Record<ImplementationName, { initFetches: number; steadyFetches: number; rounds: ChildRound[] }>;
}

/** `tokensPath`: a file written by writeTokenFile with `options.tokens` tokens. */
export async function measureWarmCost(
  bench: BenchIssuer,
  layout: LambdaLayout,
  workDir: string,
  tokensPath: string,
  options: WarmOptions,
): Promise<WarmResult> {
  const configPath = join(workDir, "warm-config.json");
  await writeFile(
    configPath,
    JSON.stringify({ tokensPath, rounds: options.rounds, walkthroughPerRound: options.walkthroughPerRound }),
  );

  const run = spawnLambdaChild(layout, lambdaEnvironment(layout, bench.functionEnv), CHILD, [configPath]);
  run.child.on("message", (message: { type?: string }) => {
    if (message.type === "jwks-count")
      run.child.send({ type: "jwks-count", count: bench.issuer.jwksFetchCount });
  });
  const { results } = await nextMessage<ChildResult>(run.child, "result", 240_000);
  await run.closed;

  const summarize = (name: ImplementationName) => {
    const result = results[name];
    const steadyRequests = result.rounds.reduce((sum, sample) => sum + sample.count, 0);
    return {
      name,
      description: IMPLEMENTATIONS[name],
      opsPerRound: result.rounds[0]?.count ?? 0,
      nsPerOp: median(result.rounds.map((sample) => sample.nsPerOp)),
      cpuNsPerOp: median(result.rounds.map((sample) => sample.cpuNsPerOp)),
      initFetches: result.initFetches,
      steadyFetches: result.steadyFetches,
      steadyRequests,
      fetchesPerContainer: result.initFetches + result.steadyFetches,
      roundsNsPerOp: result.rounds.map((sample) => Math.round(sample.nsPerOp)),
    };
  };
  const floor = summarize("floor");
  const implementations = (Object.keys(IMPLEMENTATIONS) as ImplementationName[]).map((name) => {
    const summary = summarize(name);
    return {
      ...summary,
      nsPerOp: Math.round(summary.nsPerOp),
      cpuNsPerOp: Math.round(summary.cpuNsPerOp),
      ratioToFloor: round(summary.nsPerOp / floor.nsPerOp),
      cpuRatioToFloor: round(summary.cpuNsPerOp / floor.cpuNsPerOp),
    };
  });
  return { options, implementations, stdout: { ...run.stdout } };
}
