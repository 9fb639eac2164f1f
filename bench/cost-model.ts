/**
 * Part 4: what each authorizer costs per million API requests, on paper, from what the benchmark
 * measured (CPU time per invocation, bytes of the decision lines) and the named prices and assumptions
 * below. Nothing here is measured against AWS.
 */
import { accessLogLine, platformLines } from "./representative-lines.js";
import { round } from "./stats.js";

/**
 * us-east-1 list prices, first tier, free tier ignored:
 * - Lambda: https://aws.amazon.com/lambda/pricing/ (duration per GB-second by architecture, requests;
 *   "duration is … rounded up to the nearest 1 ms").
 * - API Gateway: https://aws.amazon.com/api-gateway/pricing/ (HTTP APIs, first 300 million requests a
 *   month; the same with either authorizer, and nothing extra for the native JWT authorizer).
 * - CloudWatch: https://aws.amazon.com/cloudwatch/pricing/ (Logs, data ingestion, Standard log class;
 *   Lambda's logs are priced as vended logs from the same first-tier rate).
 */
export const PRICES = Object.freeze({
  lambdaArm64PerGbSecond: 0.0000133334,
  lambdaX86PerGbSecond: 0.0000166667,
  lambdaPerMillionRequests: 0.2,
  httpApiPerMillionRequests: 1.0,
  cloudWatchLogsPerGb: 0.5,
});

export const ASSUMPTIONS = Object.freeze({
  /**
   * "At 1,769 MB, a function has the equivalent of one vCPU", and CPU is allocated in proportion to
   * memory below that (https://docs.aws.amazon.com/lambda/latest/dg/configuration-memory.html). CPU-bound
   * work is taken to stretch by the inverse of the share: an upper bound, since a short burst may run at
   * full speed before the scheduler's quota for the period runs out.
   */
  fullVcpuMemoryMb: 1769,
  /**
   * Full-core CPU time of the Node.js runtime around each invocation (fetching the event from the
   * Runtime API, parsing it, serialising and posting the answer). Not measured here: a guess, and the
   * figure that decides whether a first-seen token bills 1 ms or 2 ms at 256 MB.
   */
  runtimeOverheadCpuMs: 0.1,
  /** Lambda rounds billed duration up to this. */
  billingGranularityMs: 1,
  /** The module's defaults (memory_size, architecture). */
  memoryMb: 256,
  architecture: "arm64",
  /**
   * Share of authorizer invocations that are refused: mostly clients sending a token after it expired.
   * An assumption; a Deny is cached by API Gateway like an Allow, so it applies to invocations.
   */
  refusalShare: 0.05,
  /** The refusal whose measured line stands for all refusals: the most common one. */
  representativeRefusal: "TOKEN_EXPIRED",
  /**
   * CloudWatch Logs counts each event as its UTF-8 message plus 26 bytes (PutLogEvents' batch-size rule);
   * billing ingestion the same way is the conservative reading.
   */
  cloudWatchEventOverheadBytes: 26,
  /** Bytes per GB, for both GB-seconds (memory in MB ÷ 1024) and ingested GB. */
  bytesPerGb: 1024 ** 3,
});

export const MEMORY_SIZES_MB = [128, 256, 512, 1024] as const;
export const CACHE_HIT_RATES = [0, 0.5, 0.9] as const;

/** What the benchmark measured, in the units the model needs. */
export interface CostInputs {
  /** Full-core CPU ms per invocation. */
  cpuMsFirstSeen: number;
  cpuMsRepeated: number;
  cpuMsFirstSeenInfo: number;
  /** Mean bytes of an allow line at INFO. */
  allowLineBytes: number;
  /** Reason code → mean bytes of its refusal line (WARN). */
  refusalLineBytes: Record<string, number>;
}

export interface Duration {
  cpuMs: number;
  estimatedMs: number;
  billedMs: number;
}

export interface DurationRow {
  memoryMb: number;
  cpuShare: number;
  firstSeen: Duration;
  repeated: Duration;
  firstSeenInfo: Duration;
  /** Per million invocations of first-seen tokens. */
  gbSeconds: number;
  arm64: number;
  x86_64: number;
}

/** Dollars per million API requests, one value per cache hit rate. */
export type PerRate = number[];

export interface CostModel {
  prices: typeof PRICES;
  assumptions: typeof ASSUMPTIONS;
  inputs: CostInputs & {
    refusalLineBytesUsed: number;
    /** The same fields with either authorizer. */
    accessLogLineBytes: number;
    platformLineBytes: number;
  };
  cacheHitRates: readonly number[];
  durations: DurationRow[];
  /** At the module's default memory and architecture. */
  lambda: {
    invocations: PerRate;
    billedMs: number;
    requests: PerRate;
    duration: PerRate;
    decisionLinesWarn: PerRate;
    accessLog: PerRate;
    httpApi: PerRate;
    total: PerRate;
    /** The INFO variant: its duration (the allow line costs CPU too), its lines, and its total. */
    billedMsInfo: number;
    durationInfo: PerRate;
    decisionLinesInfo: PerRate;
    totalInfo: PerRate;
    /** Not in either total: Lambda's platform lines if system_log_level is INFO. */
    platformLinesInfo: PerRate;
  };
  native: { accessLog: PerRate; httpApi: PerRate; total: PerRate };
}

export function costModel(inputs: CostInputs): CostModel {
  const a = ASSUMPTIONS;
  const durations = MEMORY_SIZES_MB.map((memoryMb): DurationRow => {
    const cpuShare = Math.min(1, memoryMb / a.fullVcpuMemoryMb);
    const firstSeen = duration(inputs.cpuMsFirstSeen, cpuShare);
    const gbSeconds = (firstSeen.billedMs / 1000) * (memoryMb / 1024) * 1e6;
    return {
      memoryMb,
      cpuShare: round(cpuShare, 4),
      firstSeen,
      repeated: duration(inputs.cpuMsRepeated, cpuShare),
      firstSeenInfo: duration(inputs.cpuMsFirstSeenInfo, cpuShare),
      gbSeconds: round(gbSeconds, 1),
      arm64: round(gbSeconds * PRICES.lambdaArm64PerGbSecond, 4),
      x86_64: round(gbSeconds * PRICES.lambdaX86PerGbSecond, 4),
    };
  });
  const atDefault = durations.find((row) => row.memoryMb === a.memoryMb);
  if (atDefault === undefined) throw new Error(`no duration row for ${a.memoryMb} MB`);

  const refusalBytes = inputs.refusalLineBytes[a.representativeRefusal];
  if (refusalBytes === undefined) throw new Error(`no ${a.representativeRefusal} line measured`);
  const accessLogLineBytes = Buffer.byteLength(accessLogLine());
  const platformLineBytes = platformLines().reduce(
    (sum, line) => sum + Buffer.byteLength(line) + a.cloudWatchEventOverheadBytes,
    0,
  );
  /** Dollars to ingest `events` log events of `bytes` each. */
  const logs = (events: number, bytes: number) =>
    ((events * (bytes + a.cloudWatchEventOverheadBytes)) / a.bytesPerGb) * PRICES.cloudWatchLogsPerGb;
  const perGbSecond =
    a.architecture === "arm64" ? PRICES.lambdaArm64PerGbSecond : PRICES.lambdaX86PerGbSecond;

  const rates = (dollars: (invocations: number) => number) =>
    CACHE_HIT_RATES.map((hitRate) => round(dollars((1 - hitRate) * 1e6), 4));
  const requests = rates((n) => (n / 1e6) * PRICES.lambdaPerMillionRequests);
  const billed = (ms: number) => rates((n) => n * (ms / 1000) * (a.memoryMb / 1024) * perGbSecond);
  const lambdaDuration = billed(atDefault.firstSeen.billedMs);
  const durationInfo = billed(atDefault.firstSeenInfo.billedMs);
  const decisionLinesWarn = rates((n) => logs(n * a.refusalShare, refusalBytes));
  const decisionLinesInfo = rates(
    (n) => logs(n * (1 - a.refusalShare), inputs.allowLineBytes) + logs(n * a.refusalShare, refusalBytes),
  );
  const accessLog = rates(() => logs(1e6, accessLogLineBytes));
  const httpApi = rates(() => PRICES.httpApiPerMillionRequests);
  const sum = (...parts: PerRate[]) =>
    CACHE_HIT_RATES.map((_, index) =>
      round(
        parts.reduce((total, part) => total + (part[index] ?? 0), 0),
        4,
      ),
    );

  return {
    prices: PRICES,
    assumptions: ASSUMPTIONS,
    inputs: {
      ...inputs,
      refusalLineBytesUsed: refusalBytes,
      accessLogLineBytes,
      platformLineBytes,
    },
    cacheHitRates: CACHE_HIT_RATES,
    durations,
    lambda: {
      invocations: rates((n) => n),
      billedMs: atDefault.firstSeen.billedMs,
      requests,
      duration: lambdaDuration,
      decisionLinesWarn,
      accessLog,
      httpApi,
      total: sum(requests, lambdaDuration, decisionLinesWarn, accessLog, httpApi),
      billedMsInfo: atDefault.firstSeenInfo.billedMs,
      durationInfo,
      decisionLinesInfo,
      totalInfo: sum(requests, durationInfo, decisionLinesInfo, accessLog, httpApi),
      platformLinesInfo: rates((n) => ((n * platformLineBytes) / a.bytesPerGb) * PRICES.cloudWatchLogsPerGb),
    },
    native: { accessLog, httpApi, total: sum(accessLog, httpApi) },
  };
}

function duration(cpuMs: number, cpuShare: number): Duration {
  const step = ASSUMPTIONS.billingGranularityMs;
  const estimatedMs = (cpuMs + ASSUMPTIONS.runtimeOverheadCpuMs) / cpuShare;
  return {
    cpuMs: round(cpuMs, 4),
    estimatedMs: round(estimatedMs, 3),
    billedMs: Math.max(step, Math.ceil(estimatedMs / step) * step),
  };
}
