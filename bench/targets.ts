/** The project's performance targets, checked against one run's measurements. KB means 1,024 bytes. */
import type { ColdStartResult } from "./cold-start.js";
import type { LoadResult } from "./load-test.js";
import type { SizeResult } from "./sizes.js";
import type { WarmResult } from "./warm-cost.js";

export interface TargetCheck {
  target: string;
  measured: string;
  met: boolean;
  /** How far from the limit: negative is headroom, positive is the overshoot. */
  margin: string;
}

const KB = 1024;

export function checkTargets(
  warm: WarmResult,
  cold: ColdStartResult,
  sizes: SizeResult,
  load: LoadResult[],
): TargetCheck[] {
  const authorizer = warm.implementations.find((implementation) => implementation.name === "authorizer");
  if (authorizer === undefined) throw new Error("no authorizer measurement");
  const containerFetches = [
    authorizer.fetchesPerContainer,
    ...cold.samples.map((sample) => sample.jwksFetches),
    ...load.map((run) => run.jwksFetchesTotal / Math.max(1, run.authorizerColdStarts)),
  ];
  const failures = load.reduce((sum, run) => sum + run.non2xx + run.errors + run.timeouts, 0);
  return [
    limit("Warm cost ≤ 1.25× the floor", authorizer.ratioToFloor, 1.25, (value) => `${value.toFixed(2)}×`),
    {
      target: "Exactly 1 JWKS fetch per container in steady state",
      measured: `${containerFetches.join(", ")} (warm child, ${cold.samples.length} cold containers, ${load.length} load-test stacks)`,
      met: containerFetches.every((count) => count === 1) && authorizer.steadyFetches === 0,
      margin: `${authorizer.steadyFetches} fetches in ${authorizer.steadyRequests} steady-state requests`,
    },
    limit("Handler bundle (index.mjs) ≤ 20 KB", sizes.handlerBytes / KB, 20, kilobytes),
    limit("Layer ≤ 150 KB, as the zip Lambda stores", sizes.layerZipBytes / KB, 150, kilobytes),
    limit("Layer ≤ 150 KB, unpacked in /opt", sizes.layerUnpackedBytes / KB, 150, kilobytes),
    {
      target: "Zero errors under load",
      measured: `${failures} non-2xx, errors or timeouts in ${load.reduce((sum, run) => sum + run.requests, 0)} requests`,
      met: failures === 0,
      margin: "—",
    },
  ];
}

function limit(target: string, value: number, max: number, format: (value: number) => string): TargetCheck {
  const percent = ((value - max) / max) * 100;
  return {
    target,
    measured: format(value),
    met: value <= max,
    margin: percent > 0 ? `${percent.toFixed(0)} % over` : `${(-percent).toFixed(0)} % under`,
  };
}

function kilobytes(value: number): string {
  return `${value.toFixed(1)} KB`;
}
