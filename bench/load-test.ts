/**
 * Part 3: autocannon against the local stack (gateway, authorizer cache, the built Lambdas in their
 * sandboxes), once per authorizer cache TTL, with tokens rotated across requests.
 */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";
import { ask, nextMessage } from "./ipc.js";
import { round } from "./stats.js";

const STACK_CHILD = fileURLToPath(new URL("./load/stack-child.ts", import.meta.url));
const REPO_ROOT = fileURLToPath(new URL("..", import.meta.url));

export interface LoadOptions {
  ttlSeconds: number;
  requests: number;
  tokens: number;
  connections: number;
}

interface StackStats {
  jwksFetches: number;
  authorizerInvocations: number;
  authorizerColdStarts: number;
  backendInvocations: number;
}

export interface LoadResult {
  options: LoadOptions;
  requests: number;
  durationSeconds: number;
  requestsPerSecond: number;
  latencyMs: { p50: number; p90: number; p99: number; max: number };
  non2xx: number;
  errors: number;
  timeouts: number;
  /** During the measured run, after one warm-up request had started both functions. */
  jwksFetches: number;
  authorizerInvocations: number;
  authorizerColdStarts: number;
  /** For the whole life of the stack, warm-up included. */
  jwksFetchesTotal: number;
}

export async function runLoadTest(options: LoadOptions): Promise<LoadResult> {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", STACK_CHILD, String(options.ttlSeconds), String(options.tokens)],
    { cwd: REPO_ROOT, stdio: ["ignore", "inherit", "inherit", "ipc"] },
  );
  const closed = new Promise((resolve) => child.once("close", resolve));
  try {
    const { url, tokens } = await nextMessage<{ url: string; tokens: string[] }>(child, "ready", 60_000);
    const warmUp = await fetch(`${url}/auth`, { headers: { authorization: `Bearer ${tokens[0]}` } });
    if (warmUp.status !== 200) throw new Error(`warm-up request answered ${warmUp.status}`);
    const before = await ask<StackStats>(child, "stats");
    const { result, seconds } = await fire({
      url,
      amount: options.requests,
      connections: options.connections,
      timeout: 10,
      requests: tokens.map((token) => ({
        method: "GET" as const,
        path: "/auth",
        headers: { authorization: `Bearer ${token}` },
      })),
    });
    const after = await ask<StackStats>(child, "stats");
    const answered = result["2xx"] + result.non2xx;
    return {
      options,
      requests: answered,
      durationSeconds: round(seconds),
      requestsPerSecond: round(answered / seconds, 0),
      latencyMs: {
        p50: result.latency.p50,
        p90: result.latency.p90,
        p99: result.latency.p99,
        max: result.latency.max,
      },
      non2xx: result.non2xx,
      errors: result.errors,
      timeouts: result.timeouts,
      jwksFetches: after.jwksFetches - before.jwksFetches,
      authorizerInvocations: after.authorizerInvocations - before.authorizerInvocations,
      authorizerColdStarts: after.authorizerColdStarts,
      jwksFetchesTotal: after.jwksFetches,
    };
  } finally {
    if (child.connected) child.send({ type: "close" });
    const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
    await closed;
    clearTimeout(timer);
  }
}

/**
 * Runs autocannon and times it from the start to the last response: autocannon's own `duration` only
 * ends at its next one-second sampling tick, which would understate the throughput of a short run.
 */
function fire(options: autocannon.Options): Promise<{ result: autocannon.Result; seconds: number }> {
  return new Promise((resolve, reject) => {
    const startedAt = performance.now();
    let lastResponseAt = startedAt;
    const instance = autocannon(options, (error, result) => {
      if (error) reject(error instanceof Error ? error : new Error(String(error)));
      else resolve({ result, seconds: (lastResponseAt - startedAt) / 1000 });
    });
    instance.on("response", () => {
      lastResponseAt = performance.now();
    });
  });
}
