/**
 * Log lines the benchmark cannot capture locally, written out as AWS would write them for one request,
 * so the cost model can count their bytes. Every value is a plausible one of typical length; the
 * decision lines themselves are not here: the warm benchmark measures the authorizer's real ones.
 */

/** A Lambda request ID is a UUID; an HTTP API request ID is 16 base64 characters. */
const LAMBDA_REQUEST_ID = "6d68ca91-49c9-448d-89b8-7ca3e6dc66aa";
const API_REQUEST_ID = "Jk3WmgWxoAMEV3w=";
/** The caller's Entra object ID, which the Lambda authorizer returns as principalId. */
const OBJECT_ID = "3f2b9c1e-7d4a-4e8b-9a61-2c5d8e0f4b17";

/**
 * One stage access-log line in the module's JSON format (the fields the module's default format names;
 * API Gateway writes every $context value as a string and "-" for an empty one). The Lambda authorizer
 * returns the caller's object ID as principalId; the native JWT authorizer has none.
 */
export function accessLogLine(authorizer: "lambda" | "native"): string {
  return JSON.stringify({
    requestId: API_REQUEST_ID,
    ip: "203.0.113.10",
    requestTime: "25/Nov/2026:13:51:00 +0000",
    routeKey: "GET /auth",
    status: "200",
    responseLength: "27",
    integrationError: "-",
    authorizerError: "-",
    principalId: authorizer === "lambda" ? OBJECT_ID : "-",
    integrationLatency: "12",
    responseLatency: "15",
  });
}

/**
 * Lambda's own lines per invocation with the JSON log format when system_log_level is INFO (Lambda's
 * default): platform.start and platform.report, after the schema in the Lambda Telemetry API reference.
 * At WARN Lambda writes neither.
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
