/**
 * Part 2: cold starts of the built authorizer, each a fresh Lambda-laid-out process, timed from spawn
 * to the first answered request, then memory after a run of warm requests, and JWKS fetches per
 * container counted at the issuer.
 */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type BenchIssuer, ROUTE_ARN } from "./bench-issuer.js";
import { nextMessage } from "./ipc.js";
import { type LambdaLayout, lambdaEnvironment, spawnLambdaChild } from "./lambda-layout.js";
import { median, round } from "./stats.js";

const CHILD = fileURLToPath(new URL("./cold/child.mjs", import.meta.url));

interface Memory {
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
}

interface FirstMessage {
  bootMs: number;
  importMs: number;
  firstInvokeMs: number;
  allowed: boolean;
  memoryAtStart: Memory;
  memoryAfterFirst: Memory;
}

interface DoneMessage {
  requests: number;
  allowed: number;
  memory: Memory;
  memoryAfterGc: Memory;
}

export interface ColdStartSample {
  /** Parent's clock: spawn → the first answer arrived over IPC. */
  totalMs: number;
  /** Node's own start-up, before the first line of the child script. */
  bootMs: number;
  /** import() of index.mjs: the bundle, the layer's library, config, and starting the JWKS fetch. */
  importMs: number;
  /** The first handler call, which waits for the JWKS fetch begun at import. */
  firstInvokeMs: number;
  jwksFetches: number;
  /** Node alone, before the import. */
  rssAtStart: number;
  rssAfterFirst: number;
  /** After the warm requests. */
  rss: number;
  heapUsed: number;
  /** After the warm requests and a full GC: what is really retained. */
  heapUsedAfterGc: number;
  /** Bytes per decision line on stdout, for the log cost. */
  logBytesPerLine: number;
}

export interface ColdStartResult {
  coldStarts: number;
  requestsPerContainer: number;
  medians: Omit<ColdStartSample, "jwksFetches"> & { jwksFetchesPerContainer: number };
  samples: ColdStartSample[];
}

export async function measureColdStarts(
  bench: BenchIssuer,
  layout: LambdaLayout,
  workDir: string,
  tokensPath: string,
  firstToken: string,
  options: { coldStarts: number; requests: number },
): Promise<ColdStartResult> {
  const configPath = join(workDir, "cold-config.json");
  await writeFile(
    configPath,
    JSON.stringify({ firstToken, tokensPath, requests: options.requests, routeArn: ROUTE_ARN }),
  );
  const env = lambdaEnvironment(layout, bench.functionEnv);
  const samples: ColdStartSample[] = [];
  for (let index = 0; index < options.coldStarts; index += 1) {
    const fetchesBefore = bench.issuer.jwksFetchCount;
    const spawnedAt = performance.now();
    const run = spawnLambdaChild(layout, env, CHILD, [configPath]);
    const first = await nextMessage<FirstMessage>(run.child, "first", 30_000);
    const totalMs = performance.now() - spawnedAt;
    const done = await nextMessage<DoneMessage>(run.child, "done", 120_000);
    await run.closed;
    if (!first.allowed || done.allowed !== done.requests) {
      throw new Error("cold start: a valid token was refused");
    }
    samples.push({
      totalMs: round(totalMs),
      bootMs: round(first.bootMs),
      importMs: round(first.importMs),
      firstInvokeMs: round(first.firstInvokeMs),
      jwksFetches: bench.issuer.jwksFetchCount - fetchesBefore,
      rssAtStart: first.memoryAtStart.rss,
      rssAfterFirst: first.memoryAfterFirst.rss,
      rss: done.memory.rss,
      heapUsed: done.memory.heapUsed,
      heapUsedAfterGc: done.memoryAfterGc.heapUsed,
      logBytesPerLine: round(run.stdout.bytes / Math.max(1, run.stdout.lines), 1),
    });
  }
  const mid = (pick: (sample: ColdStartSample) => number) => median(samples.map(pick));
  return {
    coldStarts: options.coldStarts,
    requestsPerContainer: options.requests + 1,
    medians: {
      totalMs: round(mid((s) => s.totalMs)),
      bootMs: round(mid((s) => s.bootMs)),
      importMs: round(mid((s) => s.importMs)),
      firstInvokeMs: round(mid((s) => s.firstInvokeMs)),
      jwksFetchesPerContainer: mid((s) => s.jwksFetches),
      rssAtStart: mid((s) => s.rssAtStart),
      rssAfterFirst: mid((s) => s.rssAfterFirst),
      rss: mid((s) => s.rss),
      heapUsed: mid((s) => s.heapUsed),
      heapUsedAfterGc: mid((s) => s.heapUsedAfterGc),
      logBytesPerLine: mid((s) => s.logBytesPerLine),
    },
    samples,
  };
}
