import { findHeader } from "./headers.js";
import { isPlainObject } from "./json.js";
import { type Refusal, refuse } from "./refusal.js";

/** What the authorizer needs from an HTTP API REQUEST authorizer event, every field a checked string. */
export interface HttpApiRequest {
  readonly door: "http-api";
  /** `arn:aws:execute-api:<region>:<account>:<api id>/<stage>`: every resource of the answer lives under it. */
  readonly stageArn: string;
  readonly route: RouteReference;
  readonly authorization: string | undefined;
  /**
   * The values of the authorizer's identity sources, API Gateway's cache key for this answer (payload 2.0
   * sends a list; payload 1.0 one comma-separated string). Empty when the event has none.
   */
  readonly identitySource: readonly string[];
}

/**
 * Payload 2.0 events name the route by its key. Payload 1.0 events carry no route key (AWS's documented
 * HTTP API 1.0 event has none), only the method and the resource path, which cannot name an `ANY` or
 * `$default` route.
 */
export type RouteReference =
  { readonly routeKey: string } | { readonly method: string; readonly resource: string };

// routeArn/methodArn: arn:<partition>:execute-api:<region>:<account>:<api id>/<stage>/<method>/<path>
const EXECUTE_API_ARN = /^(arn:[a-z-]+:execute-api:[a-z0-9-]+:\d{12}:[A-Za-z0-9]+\/[^/*?]+)\/.+$/;
const METHOD = /^[A-Z]{1,16}$/;

/**
 * Reads a payload 2.0 event (routeArn, routeKey) or a payload 1.0 event (methodArn, httpMethod, resource).
 * Anything that is not a string where a string belongs makes the event unrecognized: nothing here throws.
 */
export function readHttpApiEvent(event: unknown): HttpApiRequest | Refusal {
  if (!isPlainObject(event)) {
    return refuse("UNRECOGNIZED_EVENT", "event is not an object");
  }
  const authorization = findHeader(event.headers, "authorization");
  if (typeof event.routeArn === "string") {
    const stageArn = EXECUTE_API_ARN.exec(event.routeArn)?.[1];
    if (stageArn === undefined || typeof event.routeKey !== "string") {
      return refuse("UNRECOGNIZED_EVENT", "payload 2.0 event without a valid routeArn and routeKey");
    }
    return {
      door: "http-api",
      stageArn,
      route: { routeKey: event.routeKey },
      authorization,
      identitySource: identityValues(event.identitySource),
    };
  }
  if (typeof event.methodArn === "string") {
    const stageArn = EXECUTE_API_ARN.exec(event.methodArn)?.[1];
    const { httpMethod, resource } = event;
    if (
      stageArn === undefined ||
      typeof httpMethod !== "string" ||
      !METHOD.test(httpMethod) ||
      typeof resource !== "string"
    ) {
      return refuse(
        "UNRECOGNIZED_EVENT",
        "payload 1.0 event without a valid methodArn, httpMethod and resource",
      );
    }
    return {
      door: "http-api",
      stageArn,
      route: { method: httpMethod, resource },
      authorization,
      identitySource: identityValues(event.identitySource),
    };
  }
  return refuse("UNRECOGNIZED_EVENT", "not an HTTP API REQUEST authorizer event (payload 1.0 or 2.0)");
}

/** Identity source values as a list; what is not a string (or a list of strings) counts as none. */
function identityValues(identitySource: unknown): readonly string[] {
  if (typeof identitySource === "string") {
    return identitySource.split(",");
  }
  return Array.isArray(identitySource)
    ? identitySource.filter((value): value is string => typeof value === "string")
    : [];
}
