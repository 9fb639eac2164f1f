/**
 * The built authorizer (dist/) in front of REST APIs and AppSync, as Lambda runs it, with AWS's documented
 * TOKEN, REQUEST and AppSync events: the same zip answers every front door in its own language.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { InvokeResult } from "../../local/lambda/lambda-sandbox.js";
import { evaluatePolicy } from "../support/iam-policy.js";
import { appSyncEvent, REST_STAGE_ARN, restRequestEvent, restTokenEvent } from "../support/in-process.js";
import { decisionOf, forgeToken, type Harness, startHarness } from "./harness.js";

let harness: Harness;

beforeAll(async () => {
  harness = await startHarness();
});

afterAll(async () => {
  await harness?.close();
});

function effect(result: InvokeResult, method: string, path: string): string {
  const answer = result.result as { policyDocument: never };
  return evaluatePolicy(answer.policyDocument, `${REST_STAGE_ARN}/${method}${path}`);
}

describe("the built authorizer behind a REST API", () => {
  it("answers a TOKEN event with one policy right for every method, and 401 by Unauthorized for a bad token", async () => {
    const authorizer = await harness.authorizer({
      AUTHZ_REST_CACHE_KEY: "token",
      AUTHZ_USAGE_IDENTIFIER_CLAIM: "azp",
      AUTHZ_ROUTE_PERMISSIONS: JSON.stringify({
        "GET /items": {},
        "GET /items/{id}": {},
        "POST /items": { roles: ["Items.Write"] },
      }),
    });
    const token = forgeToken(harness.issuer);

    const allowed = await authorizer.invoke(restTokenEvent(`Bearer ${token}`, "GET", "/items"));
    const unauthorized = await authorizer.invoke(restTokenEvent("Bearer not.a.jwt"));

    expect(effect(allowed, "GET", "/items/9")).toBe("Allow");
    expect(effect(allowed, "POST", "/items")).toBe("Deny");
    expect(allowed.result).toMatchObject({ usageIdentifierKey: expect.any(String) as string });
    expect(unauthorized.result).toBeUndefined();
    expect(unauthorized.error).toEqual({ errorType: "Unauthorized", errorMessage: "Unauthorized" });
    expect(decisionOf(unauthorized)).toMatchObject({ decision: "deny", frontDoor: "rest-api" });
  });

  it("answers a REQUEST event for its method and resource when they are in the cache key", async () => {
    const authorizer = await harness.authorizer({
      AUTHZ_REST_CACHE_KEY: "route",
      AUTHZ_ROUTE_PERMISSIONS: JSON.stringify({ "GET /request": {}, "*": { roles: ["Admin"] } }),
    });

    const result = await authorizer.invoke(restRequestEvent(`Bearer ${forgeToken(harness.issuer)}`));

    expect(decisionOf(result)).toMatchObject({ decision: "allow", route: "GET /request" });
    expect(effect(result, "GET", "/request")).toBe("Allow");
    expect(effect(result, "GET", "/other")).toBe("Deny");
  });
});

describe("the built authorizer behind AppSync", () => {
  it("answers isAuthorized with deniedFields and a ttlOverride within the token's lifetime", async () => {
    const authorizer = await harness.authorizer({
      AUTHZ_FIELD_PERMISSIONS: JSON.stringify({ "Mutation.deleteTask": { roles: ["Tasks.Admin"] } }),
    });
    const token = forgeToken(harness.issuer, { claims: { lifetimeSeconds: 120 } });

    const bare = await authorizer.invoke(appSyncEvent(token));
    const refused = await authorizer.invoke(appSyncEvent("Bearer not.a.jwt"));

    expect(bare.result).toMatchObject({ isAuthorized: true, deniedFields: ["Mutation.deleteTask"] });
    expect((bare.result as { ttlOverride: number }).ttlOverride).toBeLessThanOrEqual(120);
    expect(refused.result).toEqual({ isAuthorized: false });
  });
});
