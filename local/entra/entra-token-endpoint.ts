/**
 * The OAuth 2.0 token endpoint of the local issuer: client credentials as Entra implements them,
 * with Entra's success and error JSON, so clients such as MSAL behave as they do against a tenant.
 */
import { randomUUID } from "node:crypto";
import type { TokenVersion } from "./entra-tokens.js";

/** The protected API's app registration. */
export interface IssuerApiApp {
  /** Application (client) ID; Entra puts it in `aud` of v2 tokens. */
  appId: string;
  /** Application ID URI (`api://…`); v1 tokens carry the identifier the client asked for. */
  identifierUri: string;
  /** The manifest's `requestedAccessTokenVersion`: decides the version of tokens for this API. */
  accessTokenVersion: TokenVersion;
}

/** A client app registration allowed to use the client-credentials grant. */
export interface IssuerClientApp {
  clientId: string;
  clientSecret: string;
  /** App roles of the API granted to this client (admin-consented application permissions). */
  roles?: string[];
}

export interface AppTokenRequest {
  clientId: string;
  roles: string[];
  audience: string;
  version: TokenVersion;
}

export interface TokenEndpointContext {
  api: IssuerApiApp;
  clients: readonly IssuerClientApp[];
  lifetimeSeconds: number;
  issueAppToken(request: AppTokenRequest): string;
}

export interface EndpointResponse {
  status: number;
  body: Record<string, unknown>;
}

/**
 * Handles `POST /{tenant}/oauth2/v2.0/token` (scope) and `POST /{tenant}/oauth2/token` (v1,
 * resource). Only the client-credentials grant is implemented; user sign-in needs a browser.
 */
export function handleTokenRequest(
  form: URLSearchParams,
  authorization: string | undefined,
  endpoint: "v1" | "v2",
  context: TokenEndpointContext,
): EndpointResponse {
  const grantType = form.get("grant_type");
  if (grantType === null) return missingParameter("grant_type");
  if (grantType !== "client_credentials") {
    return entraError(400, "unsupported_grant_type", 70003, "The app requested an unsupported grant type.");
  }

  const credentials = clientCredentials(form, authorization);
  if (credentials.clientId === undefined) return missingParameter("client_id");
  const client = context.clients.find((candidate) => candidate.clientId === credentials.clientId);
  if (client === undefined) {
    return entraError(
      400,
      "unauthorized_client",
      700016,
      `Application with identifier '${credentials.clientId}' was not found in the directory. ` +
        "This can happen if the application has not been installed by the administrator of the tenant.",
    );
  }
  if (credentials.clientSecret === undefined) {
    return entraError(
      401,
      "invalid_client",
      7000218,
      "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
    );
  }
  if (credentials.clientSecret !== client.clientSecret) {
    return entraError(
      401,
      "invalid_client",
      7000215,
      "Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, " +
        `not the client secret ID, for a secret added to app '${client.clientId}'.`,
    );
  }

  const requested = requestedResource(form, endpoint);
  if ("error" in requested) return requested.error;
  const { api } = context;
  if (requested.resource !== api.appId && requested.resource !== api.identifierUri) {
    return entraError(
      400,
      "invalid_resource",
      500011,
      `The resource principal named ${requested.resource} was not found in the tenant. This can happen if the ` +
        "application has not been installed by the administrator of the tenant or consented to by any user in the tenant.",
    );
  }

  const version = api.accessTokenVersion;
  // v2 tokens always name the API by its client ID; v1 tokens echo the identifier that was asked for.
  const audience = version === "2.0" ? api.appId : requested.resource;
  const accessToken = context.issueAppToken({
    clientId: client.clientId,
    roles: client.roles ?? [],
    audience,
    version,
  });
  return {
    status: 200,
    body: {
      token_type: "Bearer",
      expires_in: context.lifetimeSeconds - 1,
      ext_expires_in: context.lifetimeSeconds - 1,
      access_token: accessToken,
    },
  };
}

interface ClientCredentials {
  clientId: string | undefined;
  clientSecret: string | undefined;
}

/** client_secret_post or client_secret_basic, as Entra accepts both. */
function clientCredentials(form: URLSearchParams, authorization: string | undefined): ClientCredentials {
  const basic = /^Basic\s+(.+)$/i.exec(authorization ?? "");
  if (basic?.[1] !== undefined) {
    const decoded = Buffer.from(basic[1], "base64").toString("utf8");
    const separator = decoded.indexOf(":");
    if (separator > 0) {
      return {
        clientId: decodeURIComponent(decoded.slice(0, separator)),
        clientSecret: decodeURIComponent(decoded.slice(separator + 1)),
      };
    }
  }
  return {
    clientId: form.get("client_id") ?? undefined,
    clientSecret: form.get("client_secret") ?? undefined,
  };
}

function requestedResource(
  form: URLSearchParams,
  endpoint: "v1" | "v2",
): { resource: string } | { error: EndpointResponse } {
  if (endpoint === "v1") {
    const resource = form.get("resource");
    return resource === null ? { error: missingParameter("resource") } : { resource };
  }
  const scope = form.get("scope");
  if (scope === null) return { error: missingParameter("scope") };
  const scopes = scope.split(/\s+/).filter((value) => value.length > 0);
  const only = scopes.length === 1 ? scopes[0] : undefined;
  if (only === undefined || !only.endsWith("/.default")) {
    return {
      error: entraError(
        400,
        "invalid_scope",
        1002012,
        `The provided value for scope ${scope} is not valid. Client credential flows must have a scope value ` +
          "with /.default suffixed to the resource identifier (application ID URI).",
      ),
    };
  }
  return { resource: only.slice(0, -"/.default".length) };
}

function missingParameter(name: string): EndpointResponse {
  return entraError(
    400,
    "invalid_request",
    900144,
    `The request body must contain the following parameter: '${name}'.`,
  );
}

/** Entra's error body: an AADSTS code in the description, plus trace and correlation ids. */
export function entraError(status: number, error: string, code: number, message: string): EndpointResponse {
  const traceId = randomUUID();
  const correlationId = randomUUID();
  const timestamp = new Date()
    .toISOString()
    .replace("T", " ")
    .replace(/\.\d+Z$/, "Z");
  return {
    status,
    body: {
      error,
      error_description: `AADSTS${code}: ${message} Trace ID: ${traceId} Correlation ID: ${correlationId} Timestamp: ${timestamp}`,
      error_codes: [code],
      timestamp,
      trace_id: traceId,
      correlation_id: correlationId,
      error_uri: `https://login.microsoftonline.com/error?code=${code}`,
    },
  };
}
