/**
 * The events an API Gateway REST API sends to a Lambda authorizer (TOKEN or REQUEST,
 * api-gateway-lambda-authorizer-input.html) and to a Lambda proxy integration (payload 1.0), and how it
 * reads the integration's answer.
 */
import { randomUUID } from "node:crypto";
import { type ApiIdentity, eventHeaders, type HttpResponse, type RequestFacts } from "./gateway-events.js";
import type { RestMethodMatch } from "./rest-route-match.js";

/**
 * `arn:aws:execute-api:<region>:<account>:<api>/<stage>/<METHOD>/<path without its first slash>`: the root
 * resource's ARN ends in `/GET/`, as AWS's examples show.
 */
export function methodArnOf(api: ApiIdentity, method: string, path: string): string {
  return `arn:aws:execute-api:${api.region}:${api.accountId}:${api.apiId}/${api.stage}/${method}/${path.replace(/^\//, "")}`;
}

/** `{ type: "TOKEN", authorizationToken, methodArn }`: the token source's value and nothing of the request. */
export function tokenAuthorizerEvent(methodArn: string, token: string): Record<string, unknown> {
  return { type: "TOKEN", methodArn, authorizationToken: token };
}

/** A REQUEST authorizer's event: the request's headers, query, path parameters and context, no body. */
export function requestAuthorizerEvent(
  api: ApiIdentity,
  facts: RequestFacts,
  match: RestMethodMatch,
  requestId: string,
  timeEpoch: number,
): Record<string, unknown> {
  return {
    type: "REQUEST",
    methodArn: methodArnOf(api, facts.method, facts.rawPath),
    ...requestParts(api, facts, match, requestId, timeEpoch),
  };
}

/** The Lambda proxy integration's event (payload 1.0), with the authorizer's principalId and context. */
export function restProxyEvent(
  api: ApiIdentity,
  facts: RequestFacts,
  match: RestMethodMatch,
  requestId: string,
  timeEpoch: number,
  authorizer: Record<string, unknown> | undefined,
): Record<string, unknown> {
  const parts = requestParts(api, facts, match, requestId, timeEpoch);
  const textual = facts.body.length === 0 || isText(parts.headers["content-type"]);
  return {
    ...parts,
    requestContext: {
      ...parts.requestContext,
      ...(authorizer !== undefined ? { authorizer } : {}),
    },
    body: facts.body.length > 0 ? facts.body.toString(textual ? "utf8" : "base64") : null,
    isBase64Encoded: !textual,
  };
}

function requestParts(
  api: ApiIdentity,
  facts: RequestFacts,
  match: RestMethodMatch,
  requestId: string,
  timeEpoch: number,
) {
  const { headers } = eventHeaders(facts);
  const cookie = rawHeaderValues(facts, "cookie");
  if (cookie.length > 0) headers.cookie = cookie.join("; ");
  const multiValueHeaders: Record<string, string[]> = {};
  for (let index = 0; index + 1 < facts.rawHeaders.length; index += 2) {
    const name = facts.rawHeaders[index] as string;
    (multiValueHeaders[name] ??= []).push(facts.rawHeaders[index + 1] as string);
  }
  const query = new URLSearchParams(facts.rawQueryString);
  const single: Record<string, string> = {};
  const multi: Record<string, string[]> = {};
  for (const [name, value] of query) {
    // REST APIs keep the last value in queryStringParameters and every value in the multi-value map.
    single[name] = value;
    (multi[name] ??= []).push(value);
  }
  const hasQuery = Object.keys(single).length > 0;
  const pathParameters = Object.keys(match.pathParameters).length > 0 ? match.pathParameters : null;
  return {
    resource: match.resource,
    path: facts.rawPath,
    httpMethod: facts.method,
    headers,
    multiValueHeaders,
    queryStringParameters: hasQuery ? single : null,
    multiValueQueryStringParameters: hasQuery ? multi : null,
    pathParameters,
    stageVariables: null,
    requestContext: {
      path: `/${api.stage}${facts.rawPath}`,
      accountId: api.accountId,
      resourceId: resourceIdOf(match.resource),
      stage: api.stage,
      requestId,
      extendedRequestId: requestId,
      requestTimeEpoch: timeEpoch,
      identity: {
        sourceIp: facts.sourceIp,
        userAgent: headers["user-agent"] ?? null,
      },
      resourcePath: match.resource,
      httpMethod: facts.method,
      protocol: facts.protocol,
      domainName: facts.domainName,
      apiId: api.apiId,
    },
  } as {
    resource: string;
    path: string;
    httpMethod: string;
    headers: Record<string, string>;
    requestContext: Record<string, unknown>;
    [key: string]: unknown;
  };
}

/**
 * A REST API reads the integration's answer as `{ statusCode, headers, multiValueHeaders, body,
 * isBase64Encoded }`; anything else is a malformed proxy response, 502.
 */
export function restProxyResponse(result: unknown): HttpResponse | { invalid: string } {
  if (typeof result !== "object" || result === null || Array.isArray(result)) {
    return { invalid: "the answer is not an object with a statusCode" };
  }
  const answer = result as Record<string, unknown>;
  const statusCode = Number(answer.statusCode);
  if (!Number.isInteger(statusCode) || statusCode < 100 || statusCode > 599) {
    return { invalid: `statusCode ${String(answer.statusCode)} is not an HTTP status` };
  }
  if (answer.body !== undefined && answer.body !== null && typeof answer.body !== "string") {
    return { invalid: "body must be a string" };
  }
  const headers: Record<string, string> = {};
  if (typeof answer.headers === "object" && answer.headers !== null) {
    for (const [name, value] of Object.entries(answer.headers)) {
      if (value !== undefined && value !== null) headers[name.toLowerCase()] = String(value);
    }
  }
  const text = typeof answer.body === "string" ? answer.body : "";
  const body = answer.isBase64Encoded === true ? Buffer.from(text, "base64") : Buffer.from(text, "utf8");
  return { statusCode, headers, cookies: [], body };
}

/** A REST API names each resource with a short id; here a stable one derived from the template. */
function resourceIdOf(resource: string): string {
  let hash = 0;
  for (const char of resource) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return hash.toString(36).padStart(6, "0").slice(-6);
}

function rawHeaderValues(facts: RequestFacts, name: string): string[] {
  const values: string[] = [];
  for (let index = 0; index + 1 < facts.rawHeaders.length; index += 2) {
    if ((facts.rawHeaders[index] as string).toLowerCase() === name)
      values.push(facts.rawHeaders[index + 1] as string);
  }
  return values;
}

function isText(contentType: string | undefined): boolean {
  const type = contentType?.split(";")[0]?.trim().toLowerCase() ?? "";
  return type === "" || type.startsWith("text/") || type.endsWith("json") || type.endsWith("xml");
}

/** For requestId: REST APIs use a UUID. */
export function newRestRequestId(): string {
  return randomUUID();
}
