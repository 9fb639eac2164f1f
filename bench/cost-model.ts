/**
 * Part 4: what the Lambda authorizer costs per million API calls, on paper, from the CPU time measured
 * per invocation. Everything that is assumed rather than measured is a named constant below.
 */
import { round } from "./stats.js";

/** us-east-1 list prices at time of writing. */
export const PRICES = Object.freeze({
  lambdaX86PerGbSecond: 0.0000166667,
  lambdaArm64PerGbSecond: 0.0000133334,
  lambdaPerMillionRequests: 0.2,
  /** HTTP API, first 300 million requests a month; the same with either authorizer. */
  httpApiPerMillionRequests: 1.0,
  /** CloudWatch Logs ingestion, Standard class, first tier. */
  cloudWatchLogsPerGb: 0.5,
});

export const ASSUMPTIONS = Object.freeze({
  /** Lambda gives a function one full vCPU at 1,769 MB and a share proportional to memory below that. */
  fullVcpuMemoryMb: 1769,
  /**
   * Full-core CPU time of the Node.js runtime around each invocation (fetching the event from the
   * Runtime API, JSON-parsing it, serialising and posting the answer). Not measured here: a guess.
   */
  runtimeOverheadMs: 0.1,
  /** Billed duration is rounded up to this. */
  billingGranularityMs: 1,
});

export const MEMORY_SIZES_MB = [128, 256, 512] as const;
export const CACHE_HIT_RATES = [0, 0.9, 0.99] as const;

export interface CostRow {
  memoryMb: number;
  cpuShare: number;
  estimatedDurationMs: number;
  billedMs: number;
  /** Per million invocations. */
  gbSeconds: number;
  computeX86: number;
  computeArm64: number;
  requestCharge: number;
  /** Lambda cost (compute + requests) per million API calls, by cache hit rate. */
  x86: number[];
  arm64: number[];
}

export interface CostModel {
  prices: typeof PRICES;
  assumptions: typeof ASSUMPTIONS;
  measuredCpuMsPerInvocation: number;
  cacheHitRates: readonly number[];
  rows: CostRow[];
  /** Decision lines only, per million API calls, by cache hit rate; Lambda's own lines come on top. */
  decisionLogs: { bytesPerLine: number; dollarsPerMillion: number[] };
  /** The native JWT authorizer runs inside API Gateway: no authorizer charge at all. */
  nativeJwtAuthorizer: number;
  httpApiPerMillion: number;
}

export function costModel(cpuMsPerInvocation: number, logBytesPerLine: number): CostModel {
  const rows = MEMORY_SIZES_MB.map((memoryMb) => {
    const cpuShare = Math.min(1, memoryMb / ASSUMPTIONS.fullVcpuMemoryMb);
    // CPU-bound work stretches by the inverse of the share; so does the runtime's own work.
    const estimatedDurationMs = (cpuMsPerInvocation + ASSUMPTIONS.runtimeOverheadMs) / cpuShare;
    const step = ASSUMPTIONS.billingGranularityMs;
    const billedMs = Math.max(step, Math.ceil(estimatedDurationMs / step) * step);
    const gbSeconds = (billedMs / 1000) * (memoryMb / 1024) * 1e6;
    const perMillionCalls = (pricePerGbSecond: number) =>
      CACHE_HIT_RATES.map((hitRate) =>
        round((1 - hitRate) * (gbSeconds * pricePerGbSecond + PRICES.lambdaPerMillionRequests), 4),
      );
    return {
      memoryMb,
      cpuShare: round(cpuShare, 4),
      estimatedDurationMs: round(estimatedDurationMs, 2),
      billedMs,
      gbSeconds: round(gbSeconds, 1),
      computeX86: round(gbSeconds * PRICES.lambdaX86PerGbSecond, 4),
      computeArm64: round(gbSeconds * PRICES.lambdaArm64PerGbSecond, 4),
      requestCharge: PRICES.lambdaPerMillionRequests,
      x86: perMillionCalls(PRICES.lambdaX86PerGbSecond),
      arm64: perMillionCalls(PRICES.lambdaArm64PerGbSecond),
    };
  });
  const logGbPerMillion = (logBytesPerLine * 1e6) / 1024 ** 3;
  return {
    prices: PRICES,
    assumptions: ASSUMPTIONS,
    measuredCpuMsPerInvocation: round(cpuMsPerInvocation, 4),
    cacheHitRates: CACHE_HIT_RATES,
    rows,
    decisionLogs: {
      bytesPerLine: logBytesPerLine,
      dollarsPerMillion: CACHE_HIT_RATES.map((hitRate) =>
        round((1 - hitRate) * logGbPerMillion * PRICES.cloudWatchLogsPerGb, 4),
      ),
    },
    nativeJwtAuthorizer: 0,
    httpApiPerMillion: PRICES.httpApiPerMillionRequests,
  };
}
