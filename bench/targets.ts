/** The project's performance targets, checked against one run's measurements. KB means 1,024 bytes. */
import type { ColdStartResult } from "./cold-start.js";
import type { LoadResult } from "./load-test.js";
import type { SizeResult } from "./sizes.js";
import type { Spread } from "./stats.js";
import { findImplementation, type ImplementationName, type WarmResult } from "./warm-cost.js";

export interface TargetCheck {
  target: string;
  measured: string;
  met: boolean;
  /** How far from the limit: negative is headroom, positive is the overshoot. */
  margin: string;
}

const KB = 1024;

/** Warm cost, as the ratio to the RS256 floor measured in the same rounds. */
export const FIRST_SEEN_MAX_RATIO = 1.25;
export const REPEATED_MAX_RATIO = 0.25;
/** A REST API row (first-seen) may differ from the HTTP API row by at most this much, in × floor. */
export const FRONT_DOOR_MAX_DIFFERENCE = 0.05;
/**
 * The handler bundle was held to 20 KB; multi-tenant issuers, the CEL condition wrapper, the bounded
 * JWKS fetcher and the verified-token cache took it to about 22 KB, so the budget is 24 KB.
 */
export const HANDLER_BUNDLE_MAX_KB = 24;
/** aws-jwt-verify and the CEL library together, as Lambda stores the layer and as it unpacks it. */
export const LAYER_MAX_KB = 150;

export function checkTargets(
  warm: WarmResult,
  cold: ColdStartResult,
  sizes: SizeResult,
  load: LoadResult[],
): TargetCheck[] {
  const firstSeen = findImplementation(warm, "authorizer");
  const repeated = findImplementation(warm, "authorizerRepeated");
  const authorizers = warm.implementations.filter((item) => item.name in warm.configurations);
  const containers = cold.configurations.flatMap((configuration) => configuration.samples);
  const containerFetches = [
    ...authorizers.map((item) => item.fetchesPerContainer),
    ...containers.map((sample) => sample.jwksFetches),
    ...load.map((run) => run.jwksFetchesTotal / Math.max(1, run.authorizerColdStarts)),
  ];
  const steadyFetches = authorizers.reduce((sum, item) => sum + item.steadyFetches, 0);
  const steadyRequests = authorizers.reduce((sum, item) => sum + item.steadyRequests, 0);
  const defaults = cold.configurations.find((configuration) => configuration.configuration === "default");
  if (defaults === undefined) throw new Error("no cold start of the default configuration");
  const noWait = containers.every((sample) => sample.fetchesAtInit === 1 && sample.fetchesDuringFirst === 0);
  const failures = load.reduce((sum, run) => sum + run.non2xx + run.errors + run.timeouts, 0);
  return [
    ratio(
      `First-seen token, default configuration ≤ ${FIRST_SEEN_MAX_RATIO}× the RS256 floor`,
      firstSeen.ratioToFloor,
      FIRST_SEEN_MAX_RATIO,
    ),
    ratio(
      `Repeated token (token cache hit) ≤ ${REPEATED_MAX_RATIO}× the RS256 floor`,
      repeated.ratioToFloor,
      REPEATED_MAX_RATIO,
    ),
    frontDoor(warm, "restToken", "REST API TOKEN"),
    frontDoor(warm, "restRequest", "REST API REQUEST"),
    {
      target: "Exactly 1 JWKS fetch per container",
      measured: `${containerFetches.join(", ")} (${authorizers.length} warm instances, ${containers.length} cold containers, ${load.length} load-test stacks)`,
      met: containerFetches.every((count) => count === 1) && steadyFetches === 0,
      margin: `${steadyFetches} fetches in ${steadyRequests} steady-state requests`,
    },
    {
      target: "First invocation after init does no JWKS wait",
      measured: `JWKS fetches at the end of init: ${containers.map((sample) => sample.fetchesAtInit).join(", ")}; during the first request: ${containers.map((sample) => sample.fetchesDuringFirst).join(", ")}. Default configuration, medians: first invocation ${defaults.medians.firstInvokeMs.toFixed(2)} ms, warm ${defaults.medians.warmInvokeMs.toFixed(3)} ms`,
      met: noWait,
      margin: noWait ? "—" : "a fetch happened during a first request",
    },
    limit(
      `Handler bundle (index.mjs) ≤ ${HANDLER_BUNDLE_MAX_KB} KB`,
      sizes.handlerBytes / KB,
      HANDLER_BUNDLE_MAX_KB,
      kilobytes,
    ),
    limit(
      `Layer ≤ ${LAYER_MAX_KB} KB, as the zip Lambda stores`,
      sizes.layerZipBytes / KB,
      LAYER_MAX_KB,
      kilobytes,
    ),
    limit(
      `Layer ≤ ${LAYER_MAX_KB} KB, unpacked in /opt`,
      sizes.layerUnpackedBytes / KB,
      LAYER_MAX_KB,
      kilobytes,
    ),
    {
      target: "Zero errors under load",
      measured: `${failures} non-2xx, errors or timeouts in ${load.reduce((sum, run) => sum + run.requests, 0)} requests`,
      met: failures === 0,
      margin: "—",
    },
  ];
}

/** A front door's first-seen row against the HTTP API's: the median of the per-round differences. */
function frontDoor(warm: WarmResult, name: ImplementationName, label: string): TargetCheck {
  const comparison = warm.frontDoors.find((item) => item.name === name);
  if (comparison === undefined) throw new Error(`no ${name} comparison`);
  const { difference } = comparison;
  const check = limit(
    `${label} event, first-seen, within ${FRONT_DOOR_MAX_DIFFERENCE}× of the HTTP API row`,
    Math.abs(difference.median),
    FRONT_DOOR_MAX_DIFFERENCE,
    () => signedTimes(difference.median),
  );
  return {
    ...check,
    measured: `${findImplementation(warm, name).ratioToFloor.median.toFixed(2)}× vs ${findImplementation(warm, comparison.against).ratioToFloor.median.toFixed(2)}×: ${check.measured} per round (p25–p75 ${signedTimes(difference.p25)} to ${signedTimes(difference.p75)})`,
  };
}

function signedTimes(value: number): string {
  return `${value > 0 ? "+" : value < 0 ? "−" : "±"}${Math.abs(value).toFixed(2)}×`;
}

/** A ratio target on the median of the per-round ratios; the spread is reported with it. */
function ratio(target: string, measured: Spread, max: number): TargetCheck {
  const check = limit(target, measured.median, max, (value) => `${value.toFixed(2)}×`);
  return {
    ...check,
    measured: `${check.measured} (p25–p75 ${measured.p25.toFixed(2)}–${measured.p75.toFixed(2)}×, min–max ${measured.min.toFixed(2)}–${measured.max.toFixed(2)}×)`,
  };
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
