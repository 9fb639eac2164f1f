import { describe, expect, it } from "vitest";
import type { RoutePermission } from "../../lambda-src/authorizer/config.js";
import { refusal } from "../../lambda-src/authorizer/permissions.js";

const user = { scopes: ["reports.read", "profile"], roles: [] };
const app = { scopes: [], roles: ["Reports.Write"] };
const nobody = { scopes: [], roles: [] };

function map(entries: Record<string, Partial<RoutePermission>>) {
  return new Map(Object.entries(entries).map(([key, value]) => [key, { scopes: [], roles: [], ...value }]));
}

describe("refusal without a permission map", () => {
  it("admits any token with a scope or a role, on any route", () => {
    expect(refusal("GET /anything", user, undefined)).toBeUndefined();
    expect(refusal("DELETE /else", app, undefined)).toBeUndefined();
  });

  it("refuses a token with neither scp nor roles", () => {
    expect(refusal("GET /auth", nobody, undefined)?.reason).toBe("NO_SCOPES_OR_ROLES");
  });
});

describe("refusal with a permission map", () => {
  const permissions = map({
    "GET /reports": { scopes: ["reports.read"], roles: ["Reports.Read.All"] },
    "POST /reports": { roles: ["Reports.Write"] },
    "GET /health": {},
  });

  it("admits a token holding any listed scope or any listed role", () => {
    expect(refusal("GET /reports", user, permissions)).toBeUndefined();
    expect(refusal("POST /reports", app, permissions)).toBeUndefined();
  });

  it("refuses a token holding none of them, naming the route", () => {
    const denied = refusal("POST /reports", user, permissions);

    expect(denied?.reason).toBe("INSUFFICIENT_PERMISSIONS");
    expect(denied?.detail).toBe("POST /reports");
  });

  it("lets an entry with no scopes and no roles admit any verified token", () => {
    expect(refusal("GET /health", nobody, permissions)).toBeUndefined();
  });

  it("refuses a route without an entry when there is no * entry", () => {
    expect(refusal("GET /other", user, permissions)?.reason).toBe("ROUTE_NOT_CONFIGURED");
  });

  it("applies the * entry to unlisted routes only", () => {
    const withFallback = map({ "POST /reports": { roles: ["Reports.Write"] }, "*": { scopes: ["profile"] } });

    expect(refusal("GET /other", user, withFallback)).toBeUndefined();
    expect(refusal("GET /other", app, withFallback)?.reason).toBe("INSUFFICIENT_PERMISSIONS");
    expect(refusal("POST /reports", user, withFallback)?.reason).toBe("INSUFFICIENT_PERMISSIONS");
  });

  it("compares exactly: no prefixes, no case folding, no substrings", () => {
    const strict = map({ "GET /r": { scopes: ["reports.read.all", "Reports.Read", "read"] } });

    expect(refusal("GET /r", user, strict)?.reason).toBe("INSUFFICIENT_PERMISSIONS");
  });
});
