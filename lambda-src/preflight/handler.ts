import type { APIGatewayProxyStructuredResultV2 } from "aws-lambda";

/**
 * The target of the public OPTIONS routes the root module adds with CORS, so that preflights of ANY and
 * $default routes never meet the authorizer. Those routes need an integration, and it must not be a
 * protected backend: an OPTIONS request without Origin is no preflight, and would reach the backend
 * without a token. This answers every request 204 with no body; API Gateway adds its CORS headers.
 */
export async function handler(): Promise<APIGatewayProxyStructuredResultV2> {
  return { statusCode: 204 };
}
