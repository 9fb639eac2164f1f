/**
 * The payload format 2.0 events API Gateway HTTP APIs send to a REQUEST authorizer and to a Lambda
 * proxy integration, and how they turn the integration's answer into an HTTP response.
 */
import { randomBytes } from "node:crypto";
import type { RouteMatch } from "./route-match.js";

/** What the gateway saw of one HTTP request. */
export interface RequestFacts {
  method: string;
  rawPath: string;
  rawQueryString: string;
  /** Node's rawHeaders: name, value, name, value… */
  rawHeaders: string[];
  body: Buffer;
  sourceIp: string;
  protocol: string;
  /** Host the client called, e.g. 127.0.0.1:3000. */
  domainName: string;
}

export interface ApiIdentity {
  accountId: string;
  apiId: string;
  region: string;
  stage: string;
}

export interface RequestIdentity {
  requestId: string;
  timeEpoch: number;
}

export interface HttpResponse {
  statusCode: number;
  headers: Record<string, string>;
  cookies: string[];
  body: Buffer;
}

/** API Gateway request ids look like `JKJaXmPLvHcESHA=`. */
export function newRequestId(): string {
  return `${randomBytes(10).toString("base64").slice(0, 14).replace(/[+/]/g, "A")}=`;
}

/**
 * `arn:aws:execute-api:<region>:<account>:<api>/<stage>/<METHOD>/<path>`, the ARN an IAM policy is
 * checked against: the request's method and path for every route, `$default` included, as in AWS's
 * documented payload 2.0 event (routeKey `$default`, routeArn `…/<stage>/GET/request`).
 */
export function routeArnOf(api: ApiIdentity, facts: RequestFacts): string {
  return `arn:aws:execute-api:${api.region}:${api.accountId}:${api.apiId}/${api.stage}/${facts.method}${facts.rawPath}`;
}

/** Header names lower-cased, repeated headers joined with commas; cookies go to their own list. */
export function eventHeaders(facts: RequestFacts): { headers: Record<string, string>; cookies: string[] } {
  const headers: Record<string, string> = {};
  const cookies: string[] = [];
  for (let index = 0; index + 1 < facts.rawHeaders.length; index += 2) {
    const name = (facts.rawHeaders[index] as string).toLowerCase();
    const value = facts.rawHeaders[index + 1] as string;
    if (name === "cookie") {
      cookies.push(
        ...value
          .split(";")
          .map((cookie) => cookie.trim())
          .filter((cookie) => cookie.length > 0),
      );
      continue;
    }
    headers[name] = headers[name] === undefined ? value : `${headers[name]},${value}`;
  }
  // Headers the gateway adds in front of every integration.
  headers["x-forwarded-for"] =
    headers["x-forwarded-for"] === undefined
      ? facts.sourceIp
      : `${headers["x-forwarded-for"]}, ${facts.sourceIp}`;
  headers["x-forwarded-proto"] ??= "http";
  headers["x-forwarded-port"] ??= facts.domainName.split(":")[1] ?? "80";
  headers["x-amzn-trace-id"] ??=
    `Root=1-${Math.floor(Date.now() / 1000).toString(16)}-${randomBytes(12).toString("hex")}`;
  return { headers, cookies };
}

function queryParameters(rawQueryString: string): Record<string, string> | undefined {
  if (rawQueryString === "") return undefined;
  const parameters: Record<string, string> = {};
  for (const [name, value] of new URLSearchParams(rawQueryString)) {
    parameters[name] = parameters[name] === undefined ? value : `${parameters[name]},${value}`;
  }
  return parameters;
}

function requestContext(api: ApiIdentity, facts: RequestFacts, route: RouteMatch, identity: RequestIdentity) {
  const userAgentAt = facts.rawHeaders.findIndex(
    (value, index) => index % 2 === 0 && value.toLowerCase() === "user-agent",
  );
  return {
    accountId: api.accountId,
    apiId: api.apiId,
    domainName: facts.domainName,
    domainPrefix: facts.domainName.split(".")[0]?.split(":")[0] ?? facts.domainName,
    http: {
      method: facts.method,
      path: facts.rawPath,
      protocol: facts.protocol,
      sourceIp: facts.sourceIp,
      userAgent: userAgentAt >= 0 ? (facts.rawHeaders[userAgentAt + 1] ?? "") : "",
    },
    requestId: identity.requestId,
    routeKey: route.routeKey,
    stage: api.stage,
    time: clfTime(identity.timeEpoch),
    timeEpoch: identity.timeEpoch,
  };
}

export function authorizerEvent(
  api: ApiIdentity,
  facts: RequestFacts,
  route: RouteMatch,
  identity: RequestIdentity,
  identitySource: string[],
): Record<string, unknown> {
  const { headers, cookies } = eventHeaders(facts);
  return withoutUndefined({
    version: "2.0",
    type: "REQUEST",
    routeArn: routeArnOf(api, facts),
    identitySource,
    routeKey: route.routeKey,
    rawPath: facts.rawPath,
    rawQueryString: facts.rawQueryString,
    cookies: cookies.length > 0 ? cookies : undefined,
    headers,
    queryStringParameters: queryParameters(facts.rawQueryString),
    requestContext: requestContext(api, facts, route, identity),
    pathParameters: Object.keys(route.pathParameters).length > 0 ? route.pathParameters : undefined,
  });
}

export function proxyEvent(
  api: ApiIdentity,
  facts: RequestFacts,
  route: RouteMatch,
  identity: RequestIdentity,
  /** The authorizer's context; undefined on a public route, whose event has no authorizer at all. */
  authorizer: { context: Record<string, unknown> | undefined } | undefined,
): Record<string, unknown> {
  const { headers, cookies } = eventHeaders(facts);
  const textual = isTextual(headers["content-type"]);
  return withoutUndefined({
    version: "2.0",
    routeKey: route.routeKey,
    rawPath: facts.rawPath,
    rawQueryString: facts.rawQueryString,
    cookies: cookies.length > 0 ? cookies : undefined,
    headers,
    queryStringParameters: queryParameters(facts.rawQueryString),
    requestContext: {
      ...requestContext(api, facts, route, identity),
      ...(authorizer !== undefined ? { authorizer: { lambda: authorizer.context ?? null } } : {}),
    },
    pathParameters: Object.keys(route.pathParameters).length > 0 ? route.pathParameters : undefined,
    body: facts.body.length > 0 ? facts.body.toString(textual ? "utf8" : "base64") : undefined,
    isBase64Encoded: facts.body.length > 0 && !textual,
  });
}

/**
 * The integration's answer as an HTTP response: a `{ statusCode, headers, cookies, body,
 * isBase64Encoded }` object is used as is; any other valid JSON value is sent as a 200
 * application/json body, as API Gateway does for format 2.0.
 */
export function proxyResponse(result: unknown): HttpResponse | { invalid: string } {
  const isObject = typeof result === "object" && result !== null && !Array.isArray(result);
  if (!isObject || !("statusCode" in result)) {
    return {
      statusCode: 200,
      headers: { "content-type": "application/json" },
      cookies: [],
      body: Buffer.from(JSON.stringify(result ?? null)),
    };
  }
  const structured = result as Record<string, unknown>;
  const statusCode = Number(structured.statusCode);
  if (!Number.isInteger(statusCode) || statusCode < 100 || statusCode > 599) {
    return { invalid: `statusCode ${String(structured.statusCode)} is not an HTTP status` };
  }
  const headers: Record<string, string> = {};
  if (typeof structured.headers === "object" && structured.headers !== null) {
    for (const [name, value] of Object.entries(structured.headers)) {
      if (value !== undefined && value !== null) headers[name.toLowerCase()] = String(value);
    }
  }
  const cookies = Array.isArray(structured.cookies) ? structured.cookies.map(String) : [];
  const rawBody = structured.body;
  const text =
    rawBody === undefined || rawBody === null
      ? ""
      : typeof rawBody === "string"
        ? rawBody
        : JSON.stringify(rawBody);
  const body = structured.isBase64Encoded === true ? Buffer.from(text, "base64") : Buffer.from(text, "utf8");
  return { statusCode, headers, cookies, body };
}

/** API Gateway's error bodies: `{"message":"Unauthorized"}` and friends. */
export function gatewayError(statusCode: number, message: string): HttpResponse {
  return {
    statusCode,
    headers: { "content-type": "application/json" },
    cookies: [],
    body: Buffer.from(JSON.stringify({ message })),
  };
}

function isTextual(contentType: string | undefined): boolean {
  if (contentType === undefined) return true;
  const type = contentType.split(";")[0]?.trim().toLowerCase() ?? "";
  return (
    type.startsWith("text/") ||
    type === "application/json" ||
    type.endsWith("+json") ||
    type === "application/xml" ||
    type.endsWith("+xml") ||
    type === "application/x-www-form-urlencoded" ||
    type === "application/javascript"
  );
}

/** `12/Mar/2020:19:03:58 +0000`, the gateway's requestContext.time. */
function clfTime(epochMs: number): string {
  const date = new Date(epochMs);
  const months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  const pad = (value: number): string => String(value).padStart(2, "0");
  return `${pad(date.getUTCDate())}/${months[date.getUTCMonth()]}/${date.getUTCFullYear()}:${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} +0000`;
}

function withoutUndefined(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined));
}
