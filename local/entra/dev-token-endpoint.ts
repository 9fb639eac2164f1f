/**
 * `POST /{tenant}/local-dev-only/token`: tokens for a named user with any scopes, or for an app
 * with any roles, without a sign-in. Entra has nothing like it; the path says so on purpose, so a
 * script that calls it can never be mistaken for one that works against a real tenant.
 */

import { type EndpointResponse, entraError } from "./entra-token-endpoint.js";
import type { TokenKind, TokenVersion } from "./entra-tokens.js";

export const DEV_TOKEN_PATH = "local-dev-only/token";

export interface DevTokenRequest {
  kind: TokenKind;
  version: TokenVersion;
  scopes?: string[];
  roles?: string[];
  userName?: string;
  clientId?: string;
  audience?: string;
  lifetimeSeconds?: number;
  /** Claims added to (or replacing) the standard ones, e.g. `groups` or a custom claim. */
  claims?: Record<string, unknown>;
}

export function parseDevTokenRequest(body: unknown): DevTokenRequest | EndpointResponse {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    return invalid("the body must be a JSON object");
  }
  const input = body as Record<string, unknown>;
  const kind = input.kind ?? "user";
  if (kind !== "user" && kind !== "app") return invalid("kind must be 'user' or 'app'");
  const version = input.version ?? "2.0";
  if (version !== "1.0" && version !== "2.0") return invalid("version must be '1.0' or '2.0'");
  const request: DevTokenRequest = { kind, version };
  for (const name of ["scopes", "roles"] as const) {
    const value = input[name];
    if (value === undefined) continue;
    if (!Array.isArray(value) || !value.every((item) => typeof item === "string")) {
      return invalid(`${name} must be an array of strings`);
    }
    request[name] = value;
  }
  for (const name of ["userName", "clientId", "audience"] as const) {
    const value = input[name];
    if (value === undefined) continue;
    if (typeof value !== "string" || value.length === 0) return invalid(`${name} must be a non-empty string`);
    request[name] = value;
  }
  if (input.claims !== undefined) {
    const claims = input.claims;
    if (typeof claims !== "object" || claims === null || Array.isArray(claims)) {
      return invalid("claims must be an object of claim name → value");
    }
    request.claims = claims as Record<string, unknown>;
  }
  if (input.lifetimeSeconds !== undefined) {
    const lifetime = input.lifetimeSeconds;
    if (typeof lifetime !== "number" || !Number.isInteger(lifetime))
      return invalid("lifetimeSeconds must be an integer");
    request.lifetimeSeconds = lifetime;
  }
  return request;
}

function invalid(message: string): EndpointResponse {
  return entraError(400, "invalid_request", 900144, `local-dev-only token request: ${message}.`);
}
