import { describe, expect, it } from "vitest";
import { compileCondition, type Condition } from "../../lambda-src/authorizer/condition.js";
import type { RouteRule, RouteRules } from "../../lambda-src/authorizer/config.js";
import {
  type ApplicableRule,
  applicableRule,
  breachedRule,
  UNLISTED_ROUTES,
} from "../../lambda-src/authorizer/permissions.js";
import {
  claimText,
  OPERATIONAL_FAILURES,
  refuse,
  UNCACHEABLE_REFUSALS,
} from "../../lambda-src/authorizer/refusal.js";
import type { VerifiedToken } from "../../lambda-src/authorizer/verify.js";

const CLIENT = "0c5a1f3e-6b1e-4a43-9c3f-0d3e5b7b1a11";
const OTHER_CLIENT = "6e74172b-be56-4843-9ff4-e66a39bb12e3";

function token(grants: {
  scopes?: string[];
  roles?: string[];
  clientId?: string;
  claims?: Record<string, unknown>;
}): VerifiedToken {
  return {
    subject: "sub",
    objectId: "oid",
    tenantId: "tid",
    clientId: grants.clientId ?? CLIENT,
    scopes: grants.scopes ?? [],
    roles: grants.roles ?? [],
    version: "2.0",
    claims: (grants.claims ?? { tid: "t-1", groups: ["admins"] }) as VerifiedToken["claims"],
  };
}

function rule(parts: {
  scopes?: string[];
  roles?: string[];
  clients?: string[];
  condition?: Condition | string;
}): RouteRule {
  const condition = typeof parts.condition === "string" ? compileCondition(parts.condition) : parts.condition;
  return { scopes: parts.scopes ?? [], roles: parts.roles ?? [], clients: parts.clients ?? [], condition };
}

function rules(entries: Record<string, RouteRule>): RouteRules {
  return new Map(Object.entries(entries));
}

const reader = token({ scopes: ["Files.Read", "profile"] });
const writerApp = token({ roles: ["Files.Write"] });
const bare = token({});

describe("applicableRule for payload 2.0", () => {
  const getItem = rule({ scopes: ["Files.Read"] });
  const fallback = rule({ roles: ["Admin"] });
  const defaultRoute = rule({ scopes: ["d"] });

  it("applies the baseline alone when there are no route rules", () => {
    expect(applicableRule({ routeKey: "GET /x" }, undefined)).toStrictEqual({
      routeKey: "GET /x",
      rule: undefined,
    });
  });

  it("applies the route's own rule, even when a * rule exists", () => {
    const result = applicableRule(
      { routeKey: "GET /items/{id}" },
      rules({ "GET /items/{id}": getItem, "*": fallback }),
    );

    expect(result).toEqual({ routeKey: "GET /items/{id}", rule: getItem });
  });

  it("applies the $default route's rule to the $default route", () => {
    const result = applicableRule({ routeKey: "$default" }, rules({ $default: defaultRoute, "*": fallback }));

    expect(result).toEqual({ routeKey: "$default", rule: defaultRoute });
  });

  it("applies the * rule to an unlisted route, under the route's own key", () => {
    const result = applicableRule(
      { routeKey: "DELETE /other" },
      rules({ "GET /items/{id}": getItem, [UNLISTED_ROUTES]: fallback }),
    );

    expect(UNLISTED_ROUTES).toBe("*");
    expect(result).toEqual({ routeKey: "DELETE /other", rule: fallback });
  });

  it("refuses an unlisted route when there is no * rule, naming the route", () => {
    const result = applicableRule({ routeKey: "DELETE /other" }, rules({ "GET /items/{id}": getItem }));

    expect(result).toEqual({ reason: "ROUTE_NOT_CONFIGURED", detail: "DELETE /other" });
  });
});

describe("applicableRule for payload 1.0", () => {
  const getRule = rule({ scopes: ["get"] });
  const anyRule = rule({ scopes: ["any"] });
  const fallback = rule({ scopes: ["star"] });

  it("applies the baseline alone when there are no route rules, with no route key", () => {
    expect(applicableRule({ method: "GET", resource: "/x" }, undefined)).toStrictEqual({
      routeKey: undefined,
      rule: undefined,
    });
  });

  it("tries METHOD resource first", () => {
    const result = applicableRule(
      { method: "GET", resource: "/items/{id}" },
      rules({ "ANY /items/{id}": anyRule, "GET /items/{id}": getRule }),
    );

    expect(result).toEqual({ routeKey: "GET /items/{id}", rule: getRule });
  });

  it("then tries ANY resource", () => {
    const result = applicableRule(
      { method: "POST", resource: "/items/{id}" },
      rules({ "GET /items/{id}": getRule, "ANY /items/{id}": anyRule }),
    );

    expect(result).toEqual({ routeKey: "ANY /items/{id}", rule: anyRule });
  });

  it.each([
    ["only a * rule", { "*": fallback }],
    ["a $default rule", { $default: fallback }],
    ["rules for other resources", { "GET /items": getRule, "ANY /other": anyRule }],
  ])("refuses an event it cannot place, given %s, rather than apply the * rule", (_, entries) => {
    const result = applicableRule({ method: "GET", resource: "/x" }, rules(entries));

    expect(result).toEqual({
      reason: "ROUTE_UNKNOWN",
      detail: "payload 1.0 event for GET /x names no route key: use payload format 2.0",
    });
  });

  it("counts ROUTE_UNKNOWN among the authorizer's own failures (logged at ERROR)", () => {
    expect([...OPERATIONAL_FAILURES]).toEqual([
      "INVALID_CONFIGURATION",
      "JWKS_UNAVAILABLE",
      "INTERNAL_ERROR",
      "ROUTE_UNKNOWN",
      "CACHE_KEY_WITHOUT_ROUTE",
    ]);
    expect([...UNCACHEABLE_REFUSALS]).toEqual([...OPERATIONAL_FAILURES, "JWKS_REFETCH_THROTTLED"]);
  });
});

describe("breachedRule: the baseline and the global client list", () => {
  const noRule: ApplicableRule = { routeKey: "GET /x", rule: undefined };

  it.each([
    ["a scope", reader],
    ["a role", writerApp],
    ["both", token({ scopes: ["s"], roles: ["r"] })],
  ])("admits a token holding %s when there is no rule", (_, holder) => {
    expect(breachedRule(holder, noRule, undefined)).toBeUndefined();
  });

  it("refuses a token with neither scp nor roles, whatever the rule", () => {
    expect(breachedRule(bare, noRule, undefined)).toEqual({ reason: "NO_SCOPES_OR_ROLES" });
    expect(breachedRule(bare, { routeKey: "GET /x", rule: rule({}) }, undefined)).toEqual({
      reason: "NO_SCOPES_OR_ROLES",
    });
  });

  it("checks the baseline before the client list", () => {
    expect(breachedRule(token({ clientId: OTHER_CLIENT }), noRule, new Set([CLIENT]))?.reason).toBe(
      "NO_SCOPES_OR_ROLES",
    );
  });

  it("refuses a client outside the global list, naming it, and admits one inside", () => {
    const stranger = token({ scopes: ["s"], clientId: OTHER_CLIENT });

    expect(breachedRule(stranger, noRule, new Set([CLIENT]))).toEqual({
      reason: "CLIENT_NOT_ALLOWED",
      detail: `client ${OTHER_CLIENT}`,
    });
    expect(breachedRule(reader, noRule, new Set([CLIENT]))).toBeUndefined();
    expect(breachedRule(stranger, noRule, undefined)).toBeUndefined();
  });

  it("checks the global client list before the route's rule", () => {
    const stranger = token({ scopes: ["s"], clientId: OTHER_CLIENT });

    const result = breachedRule(
      stranger,
      { routeKey: "GET /x", rule: rule({ roles: ["Admin"] }) },
      new Set([CLIENT]),
    );

    expect(result?.reason).toBe("CLIENT_NOT_ALLOWED");
  });
});

describe("breachedRule: the route's rule", () => {
  const on = (routeRule: RouteRule): ApplicableRule => ({ routeKey: "GET /r", rule: routeRule });

  it.each([
    ["an empty rule (the baseline)", rule({}), reader, undefined],
    ["one of the listed scopes", rule({ scopes: ["Files.Write", "Files.Read"] }), reader, undefined],
    ["one of the listed roles", rule({ roles: ["Other", "Files.Write"] }), writerApp, undefined],
    [
      "a listed role, when scopes are listed too",
      rule({ scopes: ["x"], roles: ["Files.Write"] }),
      writerApp,
      undefined,
    ],
    [
      "a listed scope, when roles are listed too",
      rule({ scopes: ["profile"], roles: ["x"] }),
      reader,
      undefined,
    ],
    ["no listed scope", rule({ scopes: ["Files.Write"] }), reader, "INSUFFICIENT_PERMISSIONS"],
    ["no listed role", rule({ roles: ["Admin"] }), writerApp, "INSUFFICIENT_PERMISSIONS"],
    ["a scope named like a listed role", rule({ roles: ["Files.Read"] }), reader, "INSUFFICIENT_PERMISSIONS"],
    [
      "a role named like a listed scope",
      rule({ scopes: ["Files.Write"] }),
      writerApp,
      "INSUFFICIENT_PERMISSIONS",
    ],
    ["a scope differing in case", rule({ scopes: ["files.read"] }), reader, "INSUFFICIENT_PERMISSIONS"],
    ["a prefix of a listed scope", rule({ scopes: ["Files.Read.All"] }), reader, "INSUFFICIENT_PERMISSIONS"],
    ["a longer name than the listed scope", rule({ scopes: ["Files"] }), reader, "INSUFFICIENT_PERMISSIONS"],
  ])("decides a token holding %s", (_, routeRule, holder, reason) => {
    const result = breachedRule(holder, on(routeRule), undefined);

    expect(result).toEqual(reason === undefined ? undefined : { reason, detail: "GET /r" });
  });

  it("requires the calling client to be one of the rule's clients, naming it and the route", () => {
    const clientRule = rule({ clients: [OTHER_CLIENT, CLIENT] });

    expect(breachedRule(reader, on(clientRule), undefined)).toBeUndefined();
    expect(breachedRule(reader, on(rule({ clients: [OTHER_CLIENT] })), undefined)).toEqual({
      reason: "CLIENT_NOT_ALLOWED",
      detail: `client ${CLIENT} on GET /r`,
    });
  });

  it("admits a true condition, over the token's claims", () => {
    const result = breachedRule(
      reader,
      on(rule({ condition: 'claims.tid == "t-1" && "admins" in claims.groups' })),
      undefined,
    );

    expect(result).toBeUndefined();
  });

  it("refuses a false condition, quoting it", () => {
    const result = breachedRule(reader, on(rule({ condition: 'claims.tid == "other"' })), undefined);

    expect(result).toEqual({ reason: "CONDITION_NOT_MET", detail: 'GET /r: claims.tid == "other"' });
  });

  it("refuses a condition that throws as an error of the condition, naming the error's kind only", () => {
    const result = breachedRule(reader, on(rule({ condition: 'claims.missing == "x"' })), undefined);

    expect(result).toEqual({ reason: "CONDITION_ERROR", detail: "GET /r: EvaluationError" });
  });

  it("names a thrown non-Error by its type", () => {
    const throwing: Condition = {
      source: "throws",
      evaluate: () => {
        throw "a string"; // eslint-disable-line @typescript-eslint/only-throw-error
      },
    };

    expect(breachedRule(reader, on(rule({ condition: throwing })), undefined)).toEqual({
      reason: "CONDITION_ERROR",
      detail: "GET /r: string",
    });
  });

  it("checks scopes and roles, then clients, then the condition", () => {
    const strict = rule({ scopes: ["none"], clients: [OTHER_CLIENT], condition: "false" });
    const clientAndCondition = rule({ clients: [OTHER_CLIENT], condition: "false" });

    expect(breachedRule(reader, on(strict), undefined)?.reason).toBe("INSUFFICIENT_PERMISSIONS");
    expect(breachedRule(reader, on(clientAndCondition), undefined)?.reason).toBe("CLIENT_NOT_ALLOWED");
    expect(breachedRule(reader, on(rule({ condition: "false" })), undefined)?.reason).toBe(
      "CONDITION_NOT_MET",
    );
  });

  it("admits a token meeting every part of a rule", () => {
    const full = rule({
      scopes: ["Files.Read"],
      roles: ["x"],
      clients: [CLIENT],
      condition: 'claims.tid == "t-1"',
    });

    expect(breachedRule(reader, on(full), new Set([CLIENT]))).toBeUndefined();
  });

  it("names no route when the route is not known", () => {
    const result = breachedRule(reader, { routeKey: undefined, rule: rule({ scopes: ["none"] }) }, undefined);

    expect(result).toEqual({ reason: "INSUFFICIENT_PERMISSIONS", detail: "" });
  });

  it("keeps a refusal's detail short whatever the condition's length", () => {
    const long = `claims.tid == "${"x".repeat(300)}"`;

    const result = breachedRule(reader, on(rule({ condition: long })), undefined);

    expect(result?.reason).toBe("CONDITION_NOT_MET");
    expect(result?.detail).toBe(`GET /r: ${long}`.slice(0, 200));
  });
});

describe("refuse and claimText", () => {
  it("leaves the detail out when there is none, and cuts it at 200 characters", () => {
    expect(refuse("MISSING_TOKEN")).toEqual({ reason: "MISSING_TOKEN" });
    expect(refuse("MISSING_TOKEN")).not.toHaveProperty("detail");
    expect(refuse("INVALID_ISSUER", "x".repeat(200)).detail).toHaveLength(200);
    expect(refuse("INVALID_ISSUER", "y".repeat(201)).detail).toBe("y".repeat(200));
  });

  it("writes strings as they are and anything else as JSON", () => {
    expect(claimText("text")).toBe("text");
    expect(claimText(["a", 1])).toBe('["a",1]');
    expect(claimText(undefined)).toBe("undefined");
  });
});
