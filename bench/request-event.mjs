/** An HTTP API payload 2.0 REQUEST authorizer event for `GET /auth`, as API Gateway sends it. */
export function requestEvent(token, routeArn) {
  return {
    version: "2.0",
    type: "REQUEST",
    routeArn,
    identitySource: [`Bearer ${token}`],
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
