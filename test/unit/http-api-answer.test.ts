import { describe, expect, it } from "vitest";
import { allowResponse, denyResponse } from "../../lambda-src/authorizer/http-api-answer.js";
import type { VerifiedToken } from "../../lambda-src/authorizer/verify.js";
import { STAGE_ARN, TENANT } from "../support/in-process.js";

function verifiedToken(overrides: Partial<VerifiedToken> = {}): VerifiedToken {
  return {
    subject: "pairwise-sub",
    objectId: "11111111-2222-4333-8444-555555555555",
    tenantId: TENANT,
    clientId: "client-1",
    scopes: ["items.read", "items.write"],
    roles: ["Reader", "Writer"],
    version: "2.0",
    claims: {},
    ...overrides,
  };
}

const DENY_STAGE = {
  principalId: "unauthenticated",
  policyDocument: {
    Version: "2012-10-17",
    Statement: [{ Action: "execute-api:Invoke", Effect: "Deny", Resource: `${STAGE_ARN}/*` }],
  },
};

describe("allowResponse", () => {
  it("passes the caller to the backend as strings, scopes and roles joined by single spaces", () => {
    const answer = allowResponse("simple", {
      token: verifiedToken(),
      stageArn: STAGE_ARN,
      routeKey: undefined,
    });

    expect(answer).toEqual({
      isAuthorized: true,
      context: {
        sub: "pairwise-sub",
        oid: "11111111-2222-4333-8444-555555555555",
        tid: TENANT,
        clientId: "client-1",
        scopes: "items.read items.write",
        roles: "Reader Writer",
        tokenVersion: "2.0",
      },
    });
  });

  it("passes an empty oid, and names the subject as the principal, for a token without oid", () => {
    const answer = allowResponse("iam", {
      token: verifiedToken({ objectId: undefined }),
      stageArn: STAGE_ARN,
      routeKey: "GET /items/{id}",
    });

    expect(answer).toMatchObject({
      principalId: "pairwise-sub",
      policyDocument: { Statement: [{ Effect: "Allow", Resource: `${STAGE_ARN}/GET/items/*` }] },
      context: { sub: "pairwise-sub", oid: "" },
    });
  });
});

describe("denyResponse", () => {
  it("refuses in the IAM shape alone in iam mode", () => {
    expect(denyResponse("iam", STAGE_ARN)).toEqual(DENY_STAGE);
  });

  it("refuses in the simple shape alone in simple mode", () => {
    expect(denyResponse("simple", STAGE_ARN)).toEqual({ isAuthorized: false });
  });

  it("refuses in both shapes at once when the mode is unknown", () => {
    expect(denyResponse(undefined, STAGE_ARN)).toEqual({ ...DENY_STAGE, isAuthorized: false });
  });

  it("denies every resource when the stage is unknown", () => {
    expect(denyResponse("iam", undefined)).toMatchObject({
      policyDocument: { Statement: [{ Effect: "Deny", Resource: "*" }] },
    });
  });
});
