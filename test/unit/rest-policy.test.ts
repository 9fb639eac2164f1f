import { describe, expect, it } from "vitest";
import { loadConfig, type RouteRules } from "../../lambda-src/authorizer/config.js";
import {
  MAX_POLICY_BYTES,
  MAX_RESOURCE_LENGTH,
  patternMatches,
  patternsOverlap,
  perRouteProblem,
  policySizeProblem,
  tokenWidePolicy,
  tokenWideProblem,
} from "../../lambda-src/authorizer/rest-policy.js";
import { BASE_ENV, REST_STAGE_ARN } from "../support/in-process.js";

function rules(entries: Record<string, object>): RouteRules {
  const parsed = loadConfig({ ...BASE_ENV, AUTHZ_ROUTE_PERMISSIONS: JSON.stringify(entries) }).routeRules;
  if (parsed === undefined) {
    throw new Error("no rules");
  }
  return parsed;
}

describe("patternsOverlap", () => {
  it.each([
    ["GET/items", "GET/items", true],
    ["GET/items", "POST/items", false],
    ["GET/items", "GET/items/*", false],
    ["GET/items/x", "GET/items/*", true],
    ["GET/items/*", "GET/items/*/history", true],
    ["GET/items/*", "DELETE/items/*", false],
    ["*/items", "GET/items", true],
    // Both match GET/items/x/items.
    ["*/items", "GET/items/*", true],
    ["GET/a/*/c", "GET/a/b/*", true],
    ["GET/a/*/c", "GET/b/*", false],
    ["GET/*/x", "GET/*/y", false],
    ["*/*", "GET/", true],
    ["GET/", "GET/*", true],
  ])("%s and %s: %s", (a, b, overlap) => {
    expect(patternsOverlap(a, b)).toBe(overlap);
    expect(patternsOverlap(b, a)).toBe(overlap);
  });

  it("takes the rest of a pattern literally, regular-expression characters included", () => {
    expect(patternMatches("GET/a.b/*", "GET/a.b/c")).toBe(true);
    expect(patternMatches("GET/a.b/*", "GET/axb/c")).toBe(false);
    expect(patternMatches("GET/a+/*", "GET/aa/c")).toBe(false);
  });
});

describe("tokenWideProblem", () => {
  it.each([
    [
      "one rule per method, patterns apart",
      { "GET /items": { roles: ["A"] }, "GET /items/{id}": {}, "DELETE /items/{id}": { roles: ["B"] } },
    ],
    [
      "overlapping patterns with the same rule",
      { "GET /items/{id}": { roles: ["A"] }, "GET /items/{id}/history": { roles: ["A"] } },
    ],
    [
      "a * rule and static methods with their own rules",
      { "GET /admin": { roles: ["Admin"] }, "POST /items": { roles: ["W"] }, "*": {} },
    ],
    ["a * rule and a parameter method that shares it", { "GET /items/{id}": {}, "*": {} }],
    ["the root resource", { "GET /": { roles: ["A"] }, "GET /items": {} }],
  ])("accepts %s", (_, entries) => {
    expect(tokenWideProblem(rules(entries))).toBeUndefined();
  });

  it.each([
    [
      "a parent and a child with different rules",
      { "GET /items/{id}": { roles: ["A"] }, "GET /items/{id}/history": { roles: ["B"] } },
      '"GET /items/{id}" and "GET /items/{id}/history" have different rules and patterns that match the same requests',
    ],
    [
      "a proxy and a method under it with different rules",
      { "ANY /{proxy+}": {}, "GET /items": { roles: ["A"] } },
      '"ANY /{proxy+}" and "GET /items" have different rules and patterns that match the same requests',
    ],
    [
      "a * rule and a parameter method with its own rule",
      { "GET /items/{id}": { roles: ["A"] }, "*": {} },
      '"GET /items/{id}" has its own rule and a pattern (GET/items/*) that also matches methods the "*" rule covers',
    ],
    [
      "a * rule and an ANY method with its own rule",
      { "ANY /health": { roles: ["A"] }, "*": {} },
      '"ANY /health" has its own rule and a pattern (*/health) that also matches methods the "*" rule covers',
    ],
    [
      "$default",
      { $default: {} },
      '"$default" is not a REST API method such as "GET /items/{id}" or "ANY /{proxy+}"',
    ],
    [
      "a path with a wildcard",
      { "GET /a*": {} },
      '"GET /a*" is not a REST API method such as "GET /items/{id}" or "ANY /{proxy+}"',
    ],
    [
      "a greedy parameter before the end",
      { "GET /{a+}/b": {} },
      '"GET /{a+}/b" is not a REST API method such as "GET /items/{id}" or "ANY /{proxy+}"',
    ],
  ])("refuses %s", (_, entries, problem) => {
    expect(tokenWideProblem(rules(entries))).toBe(problem);
  });
});

describe("perRouteProblem", () => {
  it("refuses an ANY method with its own rule next to a * rule, and accepts it with the * rule's", () => {
    expect(perRouteProblem(rules({ "ANY /health": { roles: ["A"] }, "*": {} }))).toContain('"ANY /health"');
    expect(perRouteProblem(rules({ "ANY /health": {}, "*": {} }))).toBeUndefined();
    expect(
      perRouteProblem(rules({ "ANY /health": { roles: ["A"] }, "GET /items/{id}": { roles: ["B"] } })),
    ).toBeUndefined();
  });
});

describe("tokenWidePolicy", () => {
  const entries = {
    "GET /items": { roles: ["Reader"] },
    "GET /items/{id}": { roles: ["Reader"] },
    "POST /items": { roles: ["Writer"] },
  };

  it("allows the methods whose rule the token meets, in one statement", () => {
    const reader = tokenWidePolicy(REST_STAGE_ARN, rules(entries), (rule) => rule.roles.includes("Reader"));

    expect(reader.Statement).toEqual([
      {
        Action: "execute-api:Invoke",
        Effect: "Allow",
        Resource: [`${REST_STAGE_ARN}/GET/items`, `${REST_STAGE_ARN}/GET/items/*`],
      },
    ]);
  });

  it("allows the stage and denies the listed methods the token may not call when it meets the * rule", () => {
    const withUnlisted = rules({
      "POST /items": { roles: ["Writer"] },
      "GET /admin": { roles: ["Admin"] },
      "*": {},
    });

    const policy = tokenWidePolicy(REST_STAGE_ARN, withUnlisted, (rule) => !rule.roles.includes("Admin"));

    expect(policy.Statement).toEqual([
      { Action: "execute-api:Invoke", Effect: "Allow", Resource: `${REST_STAGE_ARN}/*` },
      { Action: "execute-api:Invoke", Effect: "Deny", Resource: [`${REST_STAGE_ARN}/GET/admin`] },
    ]);
  });

  it("denies the whole stage when the token meets no rule", () => {
    expect(tokenWidePolicy(REST_STAGE_ARN, rules(entries), () => false).Statement).toEqual([
      { Action: "execute-api:Invoke", Effect: "Deny", Resource: `${REST_STAGE_ARN}/*` },
    ]);
  });
});

describe("policySizeProblem", () => {
  it("keeps each resource within AWS's 512 characters and the answer within 8 KB", () => {
    expect([MAX_RESOURCE_LENGTH, MAX_POLICY_BYTES]).toEqual([512, 8192]);
    expect(policySizeProblem(rules({ "GET /items": {}, "*": {} }))).toBeUndefined();
    expect(policySizeProblem(rules({ [`GET /${"a".repeat(400)}`]: {} }))).toBe(
      `the resource of "GET /${"a".repeat(400)}" can exceed 512 characters`,
    );
    const many = Object.fromEntries(Array.from({ length: 60 }, (_, i) => [`GET /resource-number-${i}`, {}]));
    expect(policySizeProblem(rules(many))).toMatch(/^a token-wide answer can reach \d+ bytes/);
  });
});
