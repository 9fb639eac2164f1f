import { isPlainObject } from "./json.js";
import { type Refusal, refuse } from "./refusal.js";

/** What the authorizer needs from an AppSync AWS_LAMBDA authorization event, every field checked. */
export interface AppSyncRequest {
  readonly door: "appsync";
  readonly apiId: string;
  /** The Authorization header as the client sent it: a bare token or `Bearer <token>`. */
  readonly authorization: string;
  /** The operation's name, for the log (a client's choice; cut short). */
  readonly operationName: string | undefined;
}

const API_ID = /^[a-z0-9]{1,64}$/;
const MAX_OPERATION_NAME = 100;

/**
 * Reads AppSync's event: `authorizationToken`, `requestContext` (`apiId`, `accountId`, `requestId`,
 * `queryString`, `operationName`, `variables`) and `requestHeaders`. The authorizer decides on the token
 * alone: AppSync caches the answer by the token, for every later query.
 */
export function readAppSyncEvent(event: Readonly<Record<string, unknown>>): AppSyncRequest | Refusal {
  const { authorizationToken, requestContext } = event;
  if (
    typeof authorizationToken !== "string" ||
    !isPlainObject(requestContext) ||
    typeof requestContext.apiId !== "string" ||
    !API_ID.test(requestContext.apiId) ||
    typeof requestContext.accountId !== "string"
  ) {
    return refuse("UNRECOGNIZED_EVENT", "AppSync event without authorizationToken, apiId and accountId");
  }
  const { operationName } = requestContext;
  return {
    door: "appsync",
    apiId: requestContext.apiId,
    authorization: authorizationToken,
    operationName: typeof operationName === "string" ? operationName.slice(0, MAX_OPERATION_NAME) : undefined,
  };
}
