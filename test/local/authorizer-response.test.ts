import { describe, expect, it } from "vitest";
import {
  policyAllows,
  readAuthorizerResponse,
  wildcardMatches,
} from "../../local/gateway/authorizer-response.js";

const STAGE = "arn:aws:execute-api:us-east-1:123456789012:l0ca1api00/$default";

function iam(statements: unknown[], extra: Record<string, unknown> = {}) {
  const decision = readAuthorizerResponse(
    { principalId: "user-1", policyDocument: { Version: "2012-10-17", Statement: statements }, ...extra },
    "iam",
  );
  if (decision.kind !== "iam") throw new Error(`expected an IAM decision, got ${JSON.stringify(decision)}`);
  return decision;
}

describe("wildcardMatches", () => {
  it("treats * as any run of characters including / and ? as one character", () => {
    expect(wildcardMatches(`${STAGE}/*`, `${STAGE}/GET/items/1`)).toBe(true);
    expect(wildcardMatches(`${STAGE}/GET/items/?`, `${STAGE}/GET/items/1`)).toBe(true);
    expect(wildcardMatches(`${STAGE}/GET/items/?`, `${STAGE}/GET/items/12`)).toBe(false);
    expect(wildcardMatches(`${STAGE}/GET/auth`, `${STAGE}/GET/authx`)).toBe(false);
  });
});

describe("policyAllows", () => {
  it("allows a request covered by an Allow statement", () => {
    const decision = iam([{ Action: "execute-api:Invoke", Effect: "Allow", Resource: [`${STAGE}/GET/*`] }]);

    expect(policyAllows(decision.statements, `${STAGE}/GET/auth`)).toBe(true);
    expect(policyAllows(decision.statements, `${STAGE}/POST/auth`)).toBe(false);
  });

  it("lets an explicit Deny win over an Allow", () => {
    const decision = iam([
      { Action: "execute-api:Invoke", Effect: "Allow", Resource: [`${STAGE}/*`] },
      { Action: "execute-api:Invoke", Effect: "Deny", Resource: [`${STAGE}/GET/admin`] },
    ]);

    expect(policyAllows(decision.statements, `${STAGE}/GET/admin`)).toBe(false);
    expect(policyAllows(decision.statements, `${STAGE}/GET/auth`)).toBe(true);
  });

  it("ignores statements about other actions", () => {
    const decision = iam([{ Action: "lambda:InvokeFunction", Effect: "Allow", Resource: "*" }]);

    expect(policyAllows(decision.statements, `${STAGE}/GET/auth`)).toBe(false);
  });

  it("accepts Action and Resource as a single string", () => {
    const decision = iam({ Action: "execute-api:*", Effect: "Allow", Resource: "*" } as unknown as unknown[]);

    expect(policyAllows(decision.statements, `${STAGE}/GET/auth`)).toBe(true);
  });
});

describe("readAuthorizerResponse", () => {
  it("keeps the context of an IAM answer", () => {
    expect(iam([], { context: { sub: "s" } }).context).toEqual({ sub: "s" });
  });

  it("rejects answers API Gateway cannot read", () => {
    expect(readAuthorizerResponse("Allow", "iam").kind).toBe("invalid");
    expect(readAuthorizerResponse({ policyDocument: { Statement: [] } }, "iam").kind).toBe("invalid");
    expect(
      readAuthorizerResponse(
        { principalId: "p", policyDocument: { Statement: [{ Effect: "Maybe" }] } },
        "iam",
      ).kind,
    ).toBe("invalid");
    expect(readAuthorizerResponse({ isAuthorized: "yes" }, "simple").kind).toBe("invalid");
    expect(readAuthorizerResponse({ isAuthorized: true, context: "x" }, "simple").kind).toBe("invalid");
  });

  it("reads a simple answer", () => {
    expect(readAuthorizerResponse({ isAuthorized: false }, "simple")).toEqual({
      kind: "simple",
      isAuthorized: false,
      context: undefined,
    });
  });
});
