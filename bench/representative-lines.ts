/**
 * Log lines the benchmark cannot capture locally, written out as AWS would write them for one request,
 * so the cost model can count their bytes. Every value is a plausible one of typical length; the
 * decision lines themselves are not here: the warm benchmark measures the authorizer's real ones.
 */

/** A Lambda request ID is a UUID; an HTTP API request ID is 16 base64 characters. */
const LAMBDA_REQUEST_ID = "6d68ca91-49c9-448d-89b8-7ca3e6dc66aa";
const API_REQUEST_ID = "Jk3WmgWxoAMEV3w=";
/** The caller: Entra object ID, tenant ID and client ID, as either authorizer passes them to the access log. */
const CALLER = {
  callerObjectId: "3f2b9c1e-7d4a-4e8b-9a61-2c5d8e0f4b17",
  callerTenantId: "72f0c3a9-5d1e-4b8a-9c2f-6e4d1a0b7c35",
  callerClientId: "9b1d4e7a-2c3f-4a5b-8d6e-0f1a2b3c4d5e",
};

/**
 * One stage access-log line in the root module's default JSON format (main.tf, `access_log_format`):
 * the same fields with either authorizer, the caller taken from the Lambda authorizer's context or from
 * the native JWT authorizer's claims. API Gateway writes every $context value as a string and "-" for
 * an empty one; Terraform's jsonencode orders the keys, which changes no byte count.
 */
export function accessLogLine(): string {
  return JSON.stringify({
    requestId: API_REQUEST_ID,
    requestTime: "25/Nov/2026:13:51:00 +0000",
    ip: "203.0.113.10",
    httpMethod: "GET",
    path: "/auth",
    routeKey: "GET /auth",
    status: "200",
    responseLength: "27",
    authorizerError: "-",
    integrationStatus: "200",
    integrationError: "-",
    integrationLatency: "12",
    responseLatency: "15",
    errorResponseType: "-",
    ...CALLER,
  });
}

/**
 * Lambda's own lines per invocation with the JSON log format when system_log_level is INFO (Lambda's
 * default; the module's is WARN): platform.start and platform.report, after the schema in the Lambda
 * Telemetry API reference. At WARN Lambda writes neither.
 */
export function platformLines(): string[] {
  const time = "2026-11-25T13:51:00.000Z";
  return [
    JSON.stringify({
      time,
      type: "platform.start",
      record: { requestId: LAMBDA_REQUEST_ID, version: "$LATEST" },
    }),
    JSON.stringify({
      time,
      type: "platform.report",
      record: {
        requestId: LAMBDA_REQUEST_ID,
        metrics: { durationMs: 1.52, billedDurationMs: 2, memorySizeMB: 256, maxMemoryUsedMB: 71 },
        status: "success",
      },
    }),
  ];
}
