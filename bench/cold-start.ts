/**
 * Part 2: cold starts of the built authorizer, each a fresh Lambda-laid-out process, timed from spawn
 * to the first answered request; JWKS fetches counted at the issuer at the end of init, after the first
 * request and at the end; the first requests next to warm ones; memory after a run of requests. Six
 * configurations, one container of each per round: the default, a route rule, and the same rule with a
 * CEL condition (the only one that loads the CEL library from the layer) behind an HTTP API, and the
 * module defaults behind a REST API (TOKEN and REQUEST) and AppSync (with its field rules).
 */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  APPSYNC_DENIED_FIELDS,
  type BenchIssuer,
  type ConfigurationName,
  frontDoorOf,
  METHOD_ARN,
  ROUTE_ARN,
} from "./bench-issuer.js";
import { nextMessage } from "./ipc.js";
import { type LambdaLayout, lambdaEnvironment, spawnLambdaChild } from "./lambda-layout.js";
import { median, round } from "./stats.js";

const CHILD = fileURLToPath(new URL("./cold/child.mjs", import.meta.url));

/** Configurations measured, one container of each per round. */
export const COLD_CONFIGURATIONS = [
  "default",
  "routeRule",
  "condition",
  "restToken",
  "restRequest",
  "appSync",
] as const satisfies ConfigurationName[];
type ColdConfiguration = (typeof COLD_CONFIGURATIONS)[number];

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
  secondInvokeMs: number;
  afterFirstAnswerMs: number;
  allowed: boolean;
  fetchesAtInit: number;
  fetchesAfterFirst: number;
  celLoaded: boolean;
  memoryAtStart: Memory;
  memoryAfterFirst: Memory;
}

interface DoneMessage {
  requests: number;
  allowed: number;
  warmInvokeMs: number[];
  fetchesAtEnd: number;
  memory: Memory;
  memoryAfterGc: Memory;
}

export interface ColdStartSample {
  /** Parent's clock: spawn → the first answer arrived over IPC. */
  totalMs: number;
  /** Node's own start-up, before the first line of the child script. */
  bootMs: number;
  /** import() of index.mjs: the bundle, the layer's library, config (and CEL), and the first JWKS fetch. */
  importMs: number;
  /** The first handler call after init. */
  firstInvokeMs: number;
  /** The second, with another token. */
  secondInvokeMs: number;
  /** Median of the later half of the timed warm sample. */
  warmInvokeMs: number;
  /** JWKS fetches the issuer served while the container initialised. */
  fetchesAtInit: number;
  /** … during the first request (the "no JWKS wait" check: 0). */
  fetchesDuringFirst: number;
  /** … over the container's life. */
  jwksFetches: number;
  celLoaded: boolean;
  /** Node alone, before the import. */
  rssAtStart: number;
  rssAfterFirst: number;
  /** After the warm requests. */
  rss: number;
  heapUsed: number;
  /** After the warm requests and a full GC: what is really retained. */
  heapUsedAfterGc: number;
}

export interface ColdConfigurationResult {
  configuration: ColdConfiguration;
  requestsPerContainer: number;
  medians: Omit<ColdStartSample, "celLoaded">;
  /** In every container of this configuration. */
  celLoaded: boolean;
  samples: ColdStartSample[];
}

export interface ColdStartResult {
  coldStarts: number;
  configurations: ColdConfigurationResult[];
}

export interface ColdOptions {
  coldStarts: number;
  /** Requests after the warm sample, in the default configuration only (for memory). */
  requests: number;
  /** Requests timed one by one after the first two. */
  warmSample: number;
}

export async function measureColdStarts(
  bench: BenchIssuer,
  layout: LambdaLayout,
  workDir: string,
  tokens: string[],
  options: ColdOptions,
): Promise<ColdStartResult> {
  const tokensPath = join(workDir, "cold-tokens.json");
  await writeFile(tokensPath, JSON.stringify({ tokens: tokens.slice(2) }));
  const samples = new Map<ColdConfiguration, ColdStartSample[]>(
    COLD_CONFIGURATIONS.map((name) => [name, []]),
  );
  for (let index = 0; index < options.coldStarts; index += 1) {
    // Each round starts with the next configuration, so none always runs first after a pause.
    const order = COLD_CONFIGURATIONS.map(
      (_, position) =>
        COLD_CONFIGURATIONS[(index + position) % COLD_CONFIGURATIONS.length] as ColdConfiguration,
    );
    for (const configuration of order) {
      const requests = configuration === "default" ? options.requests : 0;
      const configPath = join(workDir, `cold-${configuration}.json`);
      await writeFile(
        configPath,
        JSON.stringify({
          firstToken: tokens[0],
          secondToken: tokens[1],
          tokensPath,
          warmSample: options.warmSample,
          requests,
          frontDoor: frontDoorOf(configuration),
          arns: { routeArn: ROUTE_ARN, methodArn: METHOD_ARN },
          deniedFields: APPSYNC_DENIED_FIELDS,
        }),
      );
      const sample = await coldStart(bench, layout, configuration, configPath);
      samples.get(configuration)?.push(sample);
    }
  }
  return {
    coldStarts: options.coldStarts,
    configurations: COLD_CONFIGURATIONS.map((configuration) => {
      const list = samples.get(configuration) ?? [];
      const mid = (pick: (sample: ColdStartSample) => number) => median(list.map(pick));
      return {
        configuration,
        requestsPerContainer: 2 + options.warmSample + (configuration === "default" ? options.requests : 0),
        medians: {
          totalMs: round(mid((s) => s.totalMs)),
          bootMs: round(mid((s) => s.bootMs)),
          importMs: round(mid((s) => s.importMs)),
          firstInvokeMs: round(mid((s) => s.firstInvokeMs)),
          secondInvokeMs: round(mid((s) => s.secondInvokeMs)),
          warmInvokeMs: round(
            mid((s) => s.warmInvokeMs),
            3,
          ),
          fetchesAtInit: mid((s) => s.fetchesAtInit),
          fetchesDuringFirst: mid((s) => s.fetchesDuringFirst),
          jwksFetches: mid((s) => s.jwksFetches),
          rssAtStart: mid((s) => s.rssAtStart),
          rssAfterFirst: mid((s) => s.rssAfterFirst),
          rss: mid((s) => s.rss),
          heapUsed: mid((s) => s.heapUsed),
          heapUsedAfterGc: mid((s) => s.heapUsedAfterGc),
        },
        celLoaded: list.every((sample) => sample.celLoaded),
        samples: list,
      };
    }),
  };
}

async function coldStart(
  bench: BenchIssuer,
  layout: LambdaLayout,
  configuration: ColdConfiguration,
  configPath: string,
): Promise<ColdStartSample> {
  const env = lambdaEnvironment(layout, bench.functionEnv(configuration));
  const fetchesBefore = bench.issuer.jwksFetchCount;
  const spawnedAt = performance.now();
  const run = spawnLambdaChild(layout, env, CHILD, [configPath]);
  run.child.on("message", (message: { type?: string }) => {
    if (message.type === "jwks-count")
      run.child.send({ type: "jwks-count", count: bench.issuer.jwksFetchCount - fetchesBefore });
  });
  const first = await nextMessage<FirstMessage>(run.child, "first", 30_000);
  // Up to the first answer: the child says how long it went on before sending this message.
  const totalMs = performance.now() - spawnedAt - first.afterFirstAnswerMs;
  const done = await nextMessage<DoneMessage>(run.child, "done", 120_000);
  await run.closed;
  if (!first.allowed || done.allowed !== done.requests) {
    throw new Error(`cold start (${configuration}): a valid token was refused`);
  }
  return {
    totalMs: round(totalMs),
    bootMs: round(first.bootMs),
    importMs: round(first.importMs),
    firstInvokeMs: round(first.firstInvokeMs, 3),
    secondInvokeMs: round(first.secondInvokeMs, 3),
    warmInvokeMs: round(median(done.warmInvokeMs), 4),
    fetchesAtInit: first.fetchesAtInit,
    fetchesDuringFirst: first.fetchesAfterFirst - first.fetchesAtInit,
    jwksFetches: done.fetchesAtEnd,
    celLoaded: first.celLoaded,
    rssAtStart: first.memoryAtStart.rss,
    rssAfterFirst: first.memoryAfterFirst.rss,
    rss: done.memory.rss,
    heapUsed: done.memory.heapUsed,
    heapUsedAfterGc: done.memoryAfterGc.heapUsed,
  };
}
