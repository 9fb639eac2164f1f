/** The events each front door sends the authorizer for `GET /auth` (or an AppSync mutation), as AWS sends them. */

/**
 * An HTTP API payload 2.0 REQUEST authorizer event for `GET /auth`, as API Gateway sends it. `routeKey`:
 * the identity sources hold `$context.routeKey` after the header, as the module sets them with route rules.
 */
export function requestEvent(token, routeArn, routeKey = false) {
  return {
    version: "2.0",
    type: "REQUEST",
    routeArn,
    identitySource: routeKey ? [`Bearer ${token}`, "GET /auth"] : [`Bearer ${token}`],
    routeKey: "GET /auth",
    rawPath: "/auth",
    rawQueryString: "",
    headers: { host: "a1b2c3d4e5.execute-api.us-east-1.amazonaws.com", authorization: `Bearer ${token}` },
    requestContext: {
      accountId: "123456789012",
      apiId: "a1b2c3d4e5",
      http: {
        method: "GET",
        path: "/auth",
        protocol: "HTTP/1.1",
        sourceIp: "192.0.2.10",
        userAgent: "bench",
      },
      requestId: "bench",
      routeKey: "GET /auth",
      stage: "$default",
    },
  };
}

/** A REST API TOKEN authorizer event, as AWS documents it: the token source's value and the method ARN. */
export function restTokenEvent(token, methodArn) {
  return { type: "TOKEN", authorizationToken: `Bearer ${token}`, methodArn };
}

/**
 * A REST API REQUEST authorizer event for `GET /auth`, after AWS's documented example: the resource
 * template, the concrete path, headers in the client's case, and no `version`.
 */
export function restRequestEvent(token, methodArn) {
  return {
    type: "REQUEST",
    methodArn,
    resource: "/auth",
    path: "/auth",
    httpMethod: "GET",
    headers: {
      Accept: "*/*",
      Authorization: `Bearer ${token}`,
      Host: "a1b2c3d4e5.execute-api.us-east-1.amazonaws.com",
      "User-Agent": "bench",
      "X-Amzn-Trace-Id": "Root=1-5e66d96f-7491f09xmpl79d18acf3d050",
    },
    multiValueHeaders: {},
    queryStringParameters: {},
    multiValueQueryStringParameters: {},
    pathParameters: {},
    stageVariables: {},
    requestContext: {
      path: "/prod/auth",
      accountId: "123456789012",
      resourceId: "05c7jb",
      stage: "prod",
      requestId: "bench",
      identity: { sourceIp: "192.0.2.10", userAgent: "bench" },
      resourcePath: "/auth",
      httpMethod: "GET",
      apiId: "a1b2c3d4e5",
    },
  };
}

/**
 * An AppSync AWS_LAMBDA authorization event, as AWS documents it: the Authorization header's value (the
 * bare token, as AWS's client libraries send it), the request context and the request headers.
 */
export function appSyncEvent(token) {
  return {
    authorizationToken: token,
    requestContext: {
      apiId: "giy7kumfmvcqvbedntjwjvagii",
      accountId: "123456789012",
      requestId: "b80ed838-14c6-4500-b4c3-b694c7bef086",
      queryString:
        "mutation CreateTask($desc: String!) {\n  createTask(description: $desc) {\n    id\n  }\n}\n",
      operationName: "CreateTask",
      variables: { desc: "Foo" },
    },
    requestHeaders: {
      authorization: token,
      "content-type": "application/json",
      host: "giy7kumfmvcqvbedntjwjvagii.appsync-api.us-east-1.amazonaws.com",
    },
  };
}

/** The event `frontDoor` sends for `token`: `arns` holds the HTTP API's routeArn and the REST API's methodArn. */
export function eventFor(frontDoor, token, arns) {
  switch (frontDoor) {
    case "httpApi":
      return requestEvent(token, arns.routeArn);
    case "httpApiRouteKey":
      return requestEvent(token, arns.routeArn, true);
    case "restToken":
      return restTokenEvent(token, arns.methodArn);
    case "restRequest":
      return restRequestEvent(token, arns.methodArn);
    case "appSync":
      return appSyncEvent(token);
    default:
      throw new Error(`unknown front door ${frontDoor}`);
  }
}

/**
 * Whether an answer allows the request: an IAM Allow first (HTTP and REST APIs), or AppSync's
 * isAuthorized with exactly the expected deniedFields (so the field rules were evaluated).
 */
export function isAllowed(response, deniedFields = []) {
  if (response !== null && typeof response === "object" && "isAuthorized" in response) {
    return (
      response.isAuthorized === true &&
      response.deniedFields.length === deniedFields.length &&
      deniedFields.every((field) => response.deniedFields.includes(field))
    );
  }
  return response?.policyDocument?.Statement?.[0]?.Effect === "Allow";
}
