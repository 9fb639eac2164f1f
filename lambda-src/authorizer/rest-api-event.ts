import { findHeader } from "./headers.js";
import type { Refusal } from "./refusal.js";
import { refuse } from "./refusal.js";

/** What the authorizer needs from a REST API authorizer event (TOKEN or REQUEST), every field checked. */
export interface RestApiRequest {
  readonly door: "rest-api";
  readonly type: "TOKEN" | "REQUEST";
  /** `arn:aws:execute-api:<region>:<account>:<api id>/<stage>`: every resource of the answer lives under it. */
  readonly stageArn: string;
  /** The request's HTTP method and concrete path, as the method ARN names them (`GET`, `/items/42`). */
  readonly method: string;
  readonly path: string;
  /** REQUEST events name the resource template (`/items/{id}`); TOKEN events do not. */
  readonly resource: string | undefined;
  /** TOKEN: the token source's value; REQUEST: the Authorization header. */
  readonly authorization: string | undefined;
}

// methodArn: arn:<partition>:execute-api:<region>:<account>:<api id>/<stage>/<method>/<path>; the root
// resource ends in `/GET/`. A test invocation from the console names the stage `*`.
const METHOD_ARN =
  /^(arn:[a-z-]+:execute-api:[a-z0-9-]+:\d{12}:[A-Za-z0-9]+\/(?:[A-Za-z0-9_-]+|\*))\/([A-Z]{1,16})\/([^*?]*)$/;

/**
 * Reads a REST API TOKEN event (`type`, `authorizationToken`, `methodArn`) or REQUEST event (`type`,
 * `methodArn`, `resource`, `httpMethod`, `headers`, and no `version`: HTTP API events carry one).
 * Anything that is not a string where a string belongs makes the event unrecognized.
 */
export function readRestApiEvent(event: Readonly<Record<string, unknown>>): RestApiRequest | Refusal {
  const arn = typeof event.methodArn === "string" ? METHOD_ARN.exec(event.methodArn) : null;
  if (arn === null) {
    return refuse("UNRECOGNIZED_EVENT", "REST API event without a valid methodArn");
  }
  const [, stageArn = "", method = "", rest = ""] = arn;
  const path = `/${rest}`;
  if (event.type === "TOKEN") {
    const token = event.authorizationToken;
    return typeof token === "string" || token === undefined
      ? { door: "rest-api", stageArn, method, path, type: "TOKEN", resource: undefined, authorization: token }
      : refuse("UNRECOGNIZED_EVENT", "REST API TOKEN event whose authorizationToken is not a string");
  }
  const { resource, httpMethod } = event;
  if (typeof resource !== "string" || !resource.startsWith("/") || httpMethod !== method) {
    return refuse(
      "UNRECOGNIZED_EVENT",
      "REST API REQUEST event without a resource and an httpMethod matching its methodArn",
    );
  }
  // One literal per answer, not a spread of a shared part: the spread cost as much as the rest of
  // the reading (bench, Node 20).
  const authorization = findHeader(event.headers, "authorization");
  return { door: "rest-api", stageArn, method, path, type: "REQUEST", resource, authorization };
}
