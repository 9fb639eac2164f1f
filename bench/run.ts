/**
 * `npm run bench`: the four parts of the benchmark in order, results to bench/results/ (one JSON file
 * per part, latest.json with everything, RESULTS.md) and the targets table on stdout. Never part of
 * `npm test`. All traffic stays on 127.0.0.1; every loop is bounded by a count and every wait by a timeout.
 * How each figure is measured: docs/performance.md.
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { cpus, loadavg, tmpdir } from "node:os";
import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";
import { mintTokens, startBenchIssuer, writeTokenFile } from "./bench-issuer.js";
import { COLD_CONFIGURATIONS, measureColdStarts } from "./cold-start.js";
import { costModel } from "./cost-model.js";
import { createLambdaLayout } from "./lambda-layout.js";
import { type LoadResult, runLoadTest } from "./load-test.js";
import { type BenchResults, type RunInfo, resultsMarkdown, summaryText } from "./report.js";
import { measureSizes } from "./sizes.js";
import { round } from "./stats.js";
import { checkTargets } from "./targets.js";
import { findImplementation, measureWarmCost } from "./warm-cost.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const RESULTS_DIR = join(ROOT, "bench", "results");
const AUTHORIZER_ZIP = join(ROOT, "dist", "authorizer.zip");
const LAYER_ZIP = join(ROOT, "dist", "jwt-verify-layer.zip");

// Sized for under two minutes on 2 cores (106 s for the committed run, on a machine busy with other work);
// minting the 31,000 tokens (RSA signing) is 10 to 20 s of it, the warm rounds about half.
const WARM = {
  rounds: 30,
  firstSeenPerRound: 1000,
  repeatedPool: 100,
  walkthroughPerRound: 40,
  logSamples: 50,
};
const COLD = { coldStarts: 5, requests: 10_000, warmSample: 500 };
const LOAD = { requests: 20_000, tokens: 50, connections: 10 };
const CACHE_TTLS = [0, 300];

const started = performance.now();
const loadAtStart = loadavg()[0] ?? 0;
const progress = (message: string) =>
  console.log(`[bench ${((performance.now() - started) / 1000).toFixed(0)} s] ${message}`);
const workDir = await mkdtemp(join(tmpdir(), "entra-authorizer-bench-"));
try {
  const bench = await startBenchIssuer(workDir);
  const layout = await createLambdaLayout(join(workDir, "lambda"), AUTHORIZER_ZIP, LAYER_ZIP);
  const tokensPath = join(workDir, "tokens.json");
  const tokenCount = (WARM.rounds + 1) * WARM.firstSeenPerRound;
  progress(`minting ${tokenCount} distinct tokens`);
  const tokens = mintTokens(bench.issuer, tokenCount);
  await writeTokenFile(bench.issuer, tokens, tokensPath);

  progress(`1/4 warm cost: ${WARM.rounds} interleaved rounds of ${WARM.firstSeenPerRound} requests`);
  const warm = await measureWarmCost(bench, layout, workDir, tokensPath, WARM);
  progress(
    `2/4 cold start: ${COLD.coldStarts} containers of each of ${COLD_CONFIGURATIONS.length} configurations; sizes`,
  );
  const coldStart = await measureColdStarts(bench, layout, workDir, tokens.slice(0, 2002), COLD);
  const sizes = await measureSizes(AUTHORIZER_ZIP, LAYER_ZIP);
  await bench.issuer.close();

  const load: LoadResult[] = [];
  for (const ttlSeconds of CACHE_TTLS) {
    progress(`3/4 load: ${LOAD.requests} requests, authorizer cache TTL ${ttlSeconds} s`);
    load.push(await runLoadTest({ ...LOAD, ttlSeconds }));
  }

  progress("4/4 cost model");
  const cost = costModel({
    cpuMsFirstSeen: findImplementation(warm, "authorizer").cpuNsPerOp / 1e6,
    cpuMsRepeated: findImplementation(warm, "authorizerRepeated").cpuNsPerOp / 1e6,
    cpuMsFirstSeenInfo: findImplementation(warm, "authorizerInfo").cpuNsPerOp / 1e6,
    allowLineBytes: warm.logLines.allow.meanBytes,
    refusalLineBytes: Object.fromEntries(
      Object.entries(warm.logLines.refusals).map(([reason, sample]) => [reason, sample.meanBytes]),
    ),
  });

  const run = await runInfo((performance.now() - started) / 1000);
  const results: BenchResults = {
    run,
    targets: checkTargets(warm, coldStart, sizes, load),
    warm,
    coldStart,
    sizes,
    load,
    cost,
  };
  await mkdir(RESULTS_DIR, { recursive: true });
  const parts: Record<string, unknown> = { warm, "cold-start": coldStart, sizes, load, "cost-model": cost };
  for (const [name, part] of Object.entries(parts)) {
    await writeFile(join(RESULTS_DIR, `${name}.json`), `${JSON.stringify({ run, [name]: part }, null, 2)}\n`);
  }
  await writeFile(join(RESULTS_DIR, "latest.json"), `${JSON.stringify(results, null, 2)}\n`);
  await writeFile(join(RESULTS_DIR, "RESULTS.md"), resultsMarkdown(results));
  console.log(summaryText(results));
  console.log(`\nResults in ${RESULTS_DIR} (RESULTS.md, latest.json).`);
} finally {
  await rm(workDir, { recursive: true, force: true });
}

async function runInfo(durationSeconds: number): Promise<RunInfo> {
  const artifacts: Record<string, string> = {};
  for (const zip of [AUTHORIZER_ZIP, LAYER_ZIP]) {
    artifacts[basename(zip)] = createHash("sha256")
      .update(await readFile(zip))
      .digest("hex");
  }
  let commit = "unknown";
  try {
    commit = execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: ROOT, encoding: "utf8" }).trim();
  } catch {
    // Not a git checkout: the artifact hashes still identify what was measured.
  }
  return {
    date: new Date().toISOString(),
    node: process.version,
    cpu: cpus()[0]?.model.trim() ?? "unknown CPU",
    cores: cpus().length,
    commit,
    loadAverage: [round(loadAtStart), round(loadavg()[0] ?? 0)],
    artifacts,
    durationSeconds,
  };
}
