/**
 * The authorizer's source run in-process: its own keys, tokens and JWKS, served from memory through the
 * library's Fetcher extension point, so a source edit is tested without a build and without a network.
 */
import { type Authorizer, createAuthorizer } from "../../lambda-src/authorizer/authorizer.js";
import type { Fetcher } from "../../lambda-src/authorizer/jwt-library.js";
import { createSigningKey, entraClaims, type SigningKey, signJwt } from "../../local/entra/entra-tokens.js";

export const TENANT = "3c9f2a51-7e4d-4b8a-9f10-2d6e8c4b1a73";
export const OTHER_TENANT = "f8cdef31-a31e-4b4a-93e4-5f571e91255a";
export const API_APP_ID = "6e74172b-be56-4843-9ff4-e66a39bb12e3";
export const CLIENT_ID = "0c5a1f3e-6b1e-4a43-9c3f-0d3e5b7b1a11";
export const AUTHORITY = "login.microsoftonline.com";
export const STAGE_ARN = "arn:aws:execute-api:eu-west-1:123456789012:a1b2c3d4e5/$default";

/** One RSA-2048 key for the whole test run: generating keys is the slow part of minting tokens. */
export const SIGNING_KEY: SigningKey = createSigningKey("test-key-1");

export interface KeySetEndpoint extends Fetcher {
  keys: Record<string, unknown>[];
  /** An error to throw instead of answering, or a body to answer instead of the key set. */
  fault: Error | ArrayBuffer | undefined;
  fetches: number;
}

/** A JWKS endpoint in memory: Entra's shape (no `alg`), with a per-key `issuer` when given. */
export function keySetEndpoint(keys: SigningKey[] = [SIGNING_KEY], issuer?: string): KeySetEndpoint {
  const endpoint: KeySetEndpoint = {
    keys: keys.map((key) => (issuer === undefined ? { ...key.publicJwk } : { ...key.publicJwk, issuer })),
    fault: undefined,
    fetches: 0,
    async fetch() {
      endpoint.fetches += 1;
      if (endpoint.fault instanceof Error) {
        throw endpoint.fault;
      }
      if (endpoint.fault !== undefined) {
        return endpoint.fault;
      }
      return new TextEncoder().encode(JSON.stringify({ keys: endpoint.keys })).buffer;
    },
  };
  return endpoint;
}

export const BASE_ENV: Readonly<Record<string, string>> = Object.freeze({
  ENTRA_TENANT_ID: TENANT,
  ENTRA_AUDIENCE: `api://${API_APP_ID}`,
});

export interface InProcessAuthorizer {
  readonly authorize: Authorizer;
  readonly endpoint: KeySetEndpoint;
  /** Every JSON line the authorizer logged, parsed. */
  readonly logs: Record<string, unknown>[];
  /** The decision lines only. */
  decisions(): Record<string, unknown>[];
}

/**
 * Starts the authorizer on the source with `env` over BASE_ENV; logs at DEBUG unless env says otherwise.
 * Time is Date.now(), as in aws-jwt-verify: tests move both with vi.setSystemTime.
 */
export async function inProcessAuthorizer(
  env: Record<string, string | undefined> = {},
  options: { endpoint?: KeySetEndpoint; write?: (line: string) => void } = {},
): Promise<InProcessAuthorizer> {
  const endpoint = options.endpoint ?? keySetEndpoint();
  const logs: Record<string, unknown>[] = [];
  const authorize = await createAuthorizer(
    { AWS_LAMBDA_LOG_LEVEL: "DEBUG", ...BASE_ENV, ...env },
    {
      fetcher: endpoint,
      write: options.write ?? ((line) => logs.push(JSON.parse(line) as Record<string, unknown>)),
    },
  );
  return {
    authorize,
    endpoint,
    logs,
    decisions: () => logs.filter((line) => line.message === "authorization decision"),
  };
}

export type ClaimOptions = Partial<Parameters<typeof entraClaims>[0]>;

/** An Entra v2 user token for TENANT and the API, with `extra` claims merged over (undefined removes one). */
export function userToken(
  options: {
    claims?: ClaimOptions;
    extra?: Record<string, unknown>;
    header?: Record<string, unknown>;
    key?: SigningKey;
  } = {},
): string {
  return signJwt(userClaims(options), options.key ?? SIGNING_KEY, options.header);
}

/** The claims of userToken. */
export function userClaims(
  options: { claims?: ClaimOptions; extra?: Record<string, unknown> } = {},
): Record<string, unknown> {
  const claims: Record<string, unknown> = {
    ...entraClaims({
      tenantId: TENANT,
      audience: API_APP_ID,
      version: "2.0",
      kind: "user",
      scopes: ["api.read"],
      clientId: CLIENT_ID,
      ...options.claims,
    }),
    ...options.extra,
  };
  for (const [name, value] of Object.entries(claims)) {
    if (value === undefined) {
      delete claims[name];
    }
  }
  return claims;
}

/**
 * Payload 2.0 REQUEST authorizer event for a route and a concrete path, as API Gateway sends it to the
 * module's authorizer: the identity sources are the Authorization header and $context.routeKey.
 */
export function event(
  authorization: string | undefined,
  routeKey = "GET /auth",
  path = "/auth",
  method = routeKey.split(" ")[0] === "ANY" || routeKey === "$default"
    ? "GET"
    : (routeKey.split(" ")[0] ?? "GET"),
) {
  return {
    version: "2.0",
    type: "REQUEST",
    routeArn: `${STAGE_ARN}/${method}${path}`,
    identitySource: authorization === undefined ? [] : [authorization, routeKey],
    routeKey,
    rawPath: path,
    rawQueryString: "",
    headers: {
      host: "a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com",
      ...(authorization ? { authorization } : {}),
    },
    requestContext: {
      accountId: "123456789012",
      apiId: "a1b2c3d4e5",
      http: { method, path, protocol: "HTTP/1.1", sourceIp: "192.0.2.10", userAgent: "vitest" },
      requestId: "req-1",
      routeKey,
      stage: "$default",
    },
  };
}

/**
 * Payload 1.0 REQUEST authorizer event, after AWS's documented HTTP API example: no route key field, but
 * the identity source values (one comma-separated string) hold the route key of `routeKey`.
 */
export function eventV1(
  authorization: string | undefined,
  method: string,
  resource: string,
  path = resource,
  routeKey = `${method} ${resource}`,
) {
  return {
    version: "1.0",
    type: "REQUEST",
    methodArn: `${STAGE_ARN}/${method}${path}`,
    identitySource: authorization === undefined ? "" : `${authorization},${routeKey}`,
    authorizationToken: authorization ?? "",
    resource,
    path,
    httpMethod: method,
    headers: authorization === undefined ? {} : { Authorization: authorization },
    requestContext: { resourcePath: resource, httpMethod: method, stage: "$default", requestId: "req-1" },
  };
}

export function bearer(token: string): string {
  return `Bearer ${token}`;
}

/** The REST API stage of the in-process tests; method ARNs are `<stage>/<METHOD>/<path without its first />`. */
export const REST_STAGE_ARN = "arn:aws:execute-api:us-east-1:123456789012:abcdef123/test";

/** A REST API TOKEN authorizer event, after AWS's documented one: the token source's value and the method ARN. */
export function restTokenEvent(authorization: string | undefined, method = "GET", path = "/request") {
  return {
    type: "TOKEN",
    ...(authorization === undefined ? {} : { authorizationToken: authorization }),
    methodArn: `${REST_STAGE_ARN}/${method}${path}`,
  };
}

/**
 * A REST API REQUEST authorizer event, after AWS's documented example for `GET /request`: the resource
 * template, the concrete path, headers in the client's case, and no `version`.
 */
export function restRequestEvent(
  authorization: string | undefined,
  method = "GET",
  resource = "/request",
  path = resource,
) {
  return {
    type: "REQUEST",
    methodArn: `${REST_STAGE_ARN}/${method}${path}`,
    resource,
    path,
    httpMethod: method,
    headers: {
      "X-AMZ-Date": "20170718T062915Z",
      Accept: "*/*",
      ...(authorization === undefined ? {} : { Authorization: authorization }),
    },
    queryStringParameters: { QueryString1: "queryValue1" },
    pathParameters: {},
    stageVariables: { StageVar1: "stageValue1" },
    requestContext: {
      path: `/test${path}`,
      accountId: "123456789012",
      resourceId: "05c7jb",
      stage: "test",
      requestId: "req-1",
      identity: { apiKey: "...", sourceIp: "192.0.2.10" },
      resourcePath: resource,
      httpMethod: method,
      apiId: "abcdef123",
    },
  };
}

/**
 * An AppSync AWS_LAMBDA authorization event, after AWS's documented one, with the request headers AppSync
 * has passed since 2024: the Authorization header as the client sent it.
 */
export function appSyncEvent(authorization: string, operationName = "MyNewTask") {
  return {
    authorizationToken: authorization,
    requestContext: {
      apiId: "giy7kumfmvcqvbedntjwjvagii",
      accountId: "254688921111",
      requestId: "b80ed838-14c6-4500-b4c3-b694c7bef086",
      queryString: `mutation ${operationName}($desc: String!) {\n  createTask(description: $desc) {\n    id\n  }\n}\n`,
      operationName,
      variables: { desc: "Foo" },
    },
    requestHeaders: {
      authorization,
      "content-type": "application/json",
      host: "example.appsync-api.us-east-1.amazonaws.com",
    },
  };
}
