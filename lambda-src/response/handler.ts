import type {
  APIGatewayProxyEventV2WithLambdaAuthorizer,
  APIGatewayProxyStructuredResultV2,
} from "aws-lambda";

/** The sample backend behind the authorizer: it answers with who called and which route they reached. */
export async function handler(
  event: APIGatewayProxyEventV2WithLambdaAuthorizer<Record<string, string> | undefined>,
): Promise<APIGatewayProxyStructuredResultV2> {
  const caller = event.requestContext?.authorizer?.lambda;
  return {
    statusCode: 200,
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      message: "Hello from the protected backend",
      route: event.routeKey,
      path: event.rawPath,
      caller: caller
        ? {
            sub: caller.sub,
            oid: caller.oid,
            tid: caller.tid,
            clientId: caller.clientId,
            scopes: caller.scopes ? caller.scopes.split(" ") : [],
            roles: caller.roles ? caller.roles.split(" ") : [],
            tokenVersion: caller.tokenVersion,
          }
        : null,
      requestId: event.requestContext?.requestId,
    }),
  };
}
