import { describe, expect, it } from "vitest";
import type { RoutePermission } from "../../lambda-src/authorizer/config.js";
import { refusal } from "../../lambda-src/authorizer/permissions.js";
import {
  planResources,
  policyFor,
  resourceMatches,
  routeResource,
  stageArnOf,
} from "../../lambda-src/authorizer/policy.js";
import { evaluatePolicy as evaluate } from "../support/iam-policy.js";

const STAGE = "arn:aws:execute-api:eu-west-1:123456789012:a1b2c3d4e5/$default";

function map(entries: Record<string, Partial<RoutePermission>>) {
  return new Map(Object.entries(entries).map(([key, value]) => [key, { scopes: [], roles: [], ...value }]));
}

describe("stageArnOf", () => {
  it("takes the stage ARN from the event's own route ARN", () => {
    expect(stageArnOf(`${STAGE}/GET/items/42`)).toBe(STAGE);
    expect(stageArnOf("arn:aws-us-gov:execute-api:us-gov-west-1:123456789012:abc/prod/$default")).toBe(
      "arn:aws-us-gov:execute-api:us-gov-west-1:123456789012:abc/prod",
    );
  });

  it("refuses anything that is not an execute-api ARN", () => {
    expect(stageArnOf("arn:aws:lambda:eu-west-1:123456789012:function:x")).toBeUndefined();
    expect(stageArnOf(undefined)).toBeUndefined();
  });
});

describe("resourceMatches", () => {
  it("reads * as any run of characters, slashes included, and ? as exactly one", () => {
    expect(resourceMatches(`${STAGE}/*`, `${STAGE}/GET/a/b/c`)).toBe(true);
    expect(resourceMatches(`${STAGE}/GET/items/*`, `${STAGE}/GET/items/`)).toBe(true);
    expect(resourceMatches(`${STAGE}/GET/items/*`, `${STAGE}/POST/items/1`)).toBe(false);
    expect(resourceMatches("a?c", "abc")).toBe(true);
    expect(resourceMatches("a?c", "ac")).toBe(false);
    expect(resourceMatches("a*b*c", "aXbYbZc")).toBe(true);
    expect(resourceMatches("a*b*c", "aXbYbZ")).toBe(false);
    expect(resourceMatches("abc", "abcd")).toBe(false);
  });

  it("agrees with a regular-expression reading of the same patterns on random input", () => {
    const alphabet = ["a", "b", "/", "*", "?"];
    const pick = (length: number, chars: string[]) =>
      Array.from({ length }, () => chars[Math.floor(Math.random() * chars.length)]).join("");
    for (let i = 0; i < 2000; i += 1) {
      const pattern = pick(Math.floor(Math.random() * 7), alphabet);
      const resource = pick(Math.floor(Math.random() * 9), ["a", "b", "/"]);
      const regex = new RegExp(
        `^${pattern.replace(/[/]/g, "\\/").replace(/\*/g, ".*").replace(/\?/g, ".")}$`,
        "s",
      );
      expect(resourceMatches(pattern, resource), `${pattern} ~ ${resource}`).toBe(regex.test(resource));
    }
  });
});

describe("routeResource", () => {
  it("turns methods and path parameters into IAM wildcards", () => {
    expect(routeResource(STAGE, "GET /items/{id}")).toBe(`${STAGE}/GET/items/*`);
    expect(routeResource(STAGE, "ANY /files/{proxy+}")).toBe(`${STAGE}/*/files/*`);
    expect(routeResource(STAGE, "POST /")).toBe(`${STAGE}/POST/`);
    expect(routeResource(STAGE, "$default")).toBe(`${STAGE}/$default`);
  });
});

describe("a policy cached for one route", () => {
  const tokens = {
    reader: { scopes: ["reports.read"], roles: [] },
    writerApp: { scopes: [], roles: ["Reports.Write"] },
    profileOnly: { scopes: ["profile"], roles: [] },
    bare: { scopes: [], roles: [] },
  };
  const maps = {
    none: undefined,
    listed: map({
      "GET /reports/{id}": { scopes: ["reports.read"] },
      "POST /reports": { roles: ["Reports.Write"] },
      "GET /health": {},
    }),
    withFallback: map({
      "GET /reports/{id}": { scopes: ["reports.read"] },
      "POST /reports": { roles: ["Reports.Write"] },
      "*": { scopes: ["profile", "reports.read"] },
    }),
    overlapping: map({
      "GET /items/special": { scopes: ["reports.read"] },
      "GET /items/{id}": { roles: ["Reports.Write"] },
      "*": { scopes: ["reports.read"] },
    }),
  };
  const requests: [routeKey: string, arn: string][] = [
    ["GET /reports/{id}", `${STAGE}/GET/reports/7`],
    ["POST /reports", `${STAGE}/POST/reports`],
    ["GET /health", `${STAGE}/GET/health`],
    ["GET /items/special", `${STAGE}/GET/items/special`],
    ["GET /items/{id}", `${STAGE}/GET/items/9`],
    ["DELETE /unlisted", `${STAGE}/DELETE/unlisted`],
  ];

  for (const [mapName, permissions] of Object.entries(maps)) {
    for (const [tokenName, grants] of Object.entries(tokens)) {
      it(`never allows a route the authorizer itself would refuse (${mapName} map, ${tokenName} token)`, () => {
        for (const [firstRoute, firstArn] of requests) {
          const allowed = refusal(firstRoute, grants, permissions) === undefined;
          const plan = planResources(STAGE, grants, permissions, { arn: firstArn, allowed });
          const policy = policyFor(plan, firstArn, allowed);

          expect(evaluate(policy, firstArn)).toBe(allowed ? "Allow" : "Deny");
          for (const [laterRoute, laterArn] of requests) {
            if (refusal(laterRoute, grants, permissions) !== undefined) {
              expect(evaluate(policy, laterArn), `${firstRoute} cached, then ${laterRoute}`).toBe("Deny");
            }
          }
        }
      });
    }
  }

  it("allows every route the token may call when the map lists them all", () => {
    const permissions = maps.listed;
    const arn = `${STAGE}/GET/reports/7`;
    const policy = policyFor(
      planResources(STAGE, tokens.writerApp, permissions, { arn, allowed: false }),
      arn,
      false,
    );

    expect(evaluate(policy, `${STAGE}/POST/reports`)).toBe("Allow");
    expect(evaluate(policy, `${STAGE}/GET/health`)).toBe("Allow");
    expect(evaluate(policy, arn)).toBe("Deny");
  });

  it("allows the whole stage under * and carves out the listed routes the token may not call", () => {
    const plan = planResources(STAGE, tokens.profileOnly, maps.withFallback);

    expect(plan.allow).toEqual([`${STAGE}/*`]);
    expect(plan.deny).toEqual([`${STAGE}/GET/reports/*`, `${STAGE}/POST/reports`]);
  });

  it("carves a more specific refused route out of an allowed path-parameter route", () => {
    const plan = planResources(STAGE, tokens.writerApp, maps.overlapping);

    expect(plan).toEqual({ allow: [`${STAGE}/GET/items/*`], deny: [`${STAGE}/GET/items/special`] });
  });

  it("falls back to the listed routes when a carve-out would hit an allowed route", () => {
    const plan = planResources(STAGE, tokens.reader, maps.overlapping);

    expect(plan).toEqual({ allow: [`${STAGE}/GET/items/special`], deny: [] });
  });

  it("never copies a request ARN holding IAM wildcards into an Allow", () => {
    const arn = `${STAGE}/GET/reports/*`;
    const policy = policyFor({ allow: [], deny: [] }, arn, true);

    expect(policy.Statement).toEqual([]);
  });
});
