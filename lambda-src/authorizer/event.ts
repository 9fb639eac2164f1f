import { type AppSyncRequest, readAppSyncEvent } from "./appsync-event.js";
import { type HttpApiRequest, readHttpApiEvent } from "./http-api-event.js";
import { isPlainObject } from "./json.js";
import { type Refusal, refuse } from "./refusal.js";
import { type RestApiRequest, readRestApiEvent } from "./rest-api-event.js";

/** A request from one of the front doors the authorizer answers. */
export type GatewayRequest = HttpApiRequest | RestApiRequest | AppSyncRequest;

/**
 * Tells the front doors apart by their events: HTTP APIs send `version` ("1.0", "2.0") or a `routeArn`;
 * REST APIs a `type` of TOKEN or REQUEST without a version; AppSync an `authorizationToken` with a
 * `requestContext` naming the API.
 */
export function readEvent(event: unknown): GatewayRequest | Refusal {
  if (!isPlainObject(event)) {
    return refuse("UNRECOGNIZED_EVENT", "event is not an object");
  }
  if (event.version === "1.0" || event.version === "2.0" || "routeArn" in event) {
    return readHttpApiEvent(event);
  }
  if (event.type === "TOKEN" || event.type === "REQUEST") {
    return readRestApiEvent(event);
  }
  if ("authorizationToken" in event && "requestContext" in event) {
    return readAppSyncEvent(event);
  }
  return refuse("UNRECOGNIZED_EVENT", "not an HTTP API, REST API or AppSync authorizer event");
}
