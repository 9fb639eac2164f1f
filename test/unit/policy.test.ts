import { describe, expect, it } from "vitest";
import { policy, routeResource, stageResource } from "../../lambda-src/authorizer/policy.js";
import { evaluatePolicy } from "../support/iam-policy.js";

const STAGE = "arn:aws:execute-api:eu-west-1:123456789012:a1b2c3d4e5/$default";

describe("routeResource", () => {
  it.each([
    ["GET /items/{id}", `${STAGE}/GET/items/*`],
    ["ANY /x", `${STAGE}/*/x`],
    ["$default", `${STAGE}/*`],
    ["GET /{proxy+}", `${STAGE}/GET/*`],
    ["ANY /files/{proxy+}", `${STAGE}/*/files/*`],
    ["DELETE /orgs/{org}/repos/{repo}/issues", `${STAGE}/DELETE/orgs/*/repos/*/issues`],
    ["PUT /a/{b}{c}", `${STAGE}/PUT/a/**`],
    ["PATCH /a/{}", `${STAGE}/PATCH/a/*`],
    ["POST /", `${STAGE}/POST/`],
    ["GET /reports", `${STAGE}/GET/reports`],
    ["*", `${STAGE}/*`],
  ])("turns %j into %s", (routeKey, resource) => {
    expect(routeResource(STAGE, routeKey)).toBe(resource);
  });

  it("covers every concrete request of a route, as API Gateway's IAM evaluation reads it", () => {
    const cases: [routeKey: string, requests: string[]][] = [
      ["GET /items/{id}", ["GET/items/42", "GET/items/a-b"]],
      ["ANY /x", ["GET/x", "DELETE/x"]],
      ["$default", ["GET/", "POST/anything/at/all"]],
      ["GET /{proxy+}", ["GET/a", "GET/a/b/c"]],
      ["PUT /orgs/{org}/repos/{repo}", ["PUT/orgs/o/repos/r"]],
    ];

    for (const [routeKey, requests] of cases) {
      const allow = policy("Allow", routeResource(STAGE, routeKey));
      for (const request of requests) {
        expect(evaluatePolicy(allow, `${STAGE}/${request}`), `${routeKey} → ${request}`).toBe("Allow");
      }
    }
  });

  it("does not cover another method or another path", () => {
    const allow = policy("Allow", routeResource(STAGE, "GET /items/{id}"));

    expect(evaluatePolicy(allow, `${STAGE}/POST/items/42`)).toBe("Deny");
    expect(evaluatePolicy(allow, `${STAGE}/GET/orders/42`)).toBe("Deny");
  });
});

describe("stageResource", () => {
  it("covers every route of the stage, or everything when the stage is unknown", () => {
    expect(stageResource(STAGE)).toBe(`${STAGE}/*`);
    expect(stageResource(undefined)).toBe("*");
  });
});

describe("policy", () => {
  it.each([["Allow"], ["Deny"]] as const)(
    "writes one %s statement for execute-api:Invoke on the resource",
    (effect) => {
      expect(policy(effect, `${STAGE}/GET/x`)).toEqual({
        Version: "2012-10-17",
        Statement: [{ Action: "execute-api:Invoke", Effect: effect, Resource: `${STAGE}/GET/x` }],
      });
    },
  );

  it("denies a whole-stage Deny on every route", () => {
    const deny = policy("Deny", stageResource(STAGE));

    expect(evaluatePolicy(deny, `${STAGE}/GET/x`)).toBe("Deny");
    expect(evaluatePolicy(policy("Allow", stageResource(STAGE)), `${STAGE}/DELETE/a/b`)).toBe("Allow");
  });
});
