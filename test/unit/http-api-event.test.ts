import { describe, expect, it } from "vitest";
import { isRefusal } from "../../lambda-src/authorizer/refusal.js";
import { findHeader } from "../../lambda-src/authorizer/headers.js";
import { type HttpApiRequest, readHttpApiEvent } from "../../lambda-src/authorizer/http-api-event.js";
import { event, eventV1, STAGE_ARN } from "../support/in-process.js";

const V2_DETAIL = "payload 2.0 event without a valid routeArn and routeKey";
const V1_DETAIL = "payload 1.0 event without a valid methodArn, httpMethod and resource";
const NEITHER_DETAIL = "not an HTTP API REQUEST authorizer event (payload 1.0 or 2.0)";

/** AWS's documented payload 1.0 REQUEST authorizer event for an HTTP API: no routeKey, headers in the client's case. */
const AWS_V1_EXAMPLE = {
  version: "1.0",
  type: "REQUEST",
  methodArn: "arn:aws:execute-api:us-east-1:123456789012:abcdef123/test/GET/request",
  identitySource: "user1,123",
  authorizationToken: "user1,123",
  resource: "/request",
  path: "/request",
  httpMethod: "GET",
  headers: {
    "X-AMZ-Date": "20170718T062915Z",
    Accept: "*/*",
    HeaderAuth1: "headerValue1",
    Authorization: "Bearer abc",
  },
  queryStringParameters: { QueryString1: "queryValue1" },
  pathParameters: {},
  stageVariables: { StageVar1: "stageValue1" },
  requestContext: {
    path: "/request",
    accountId: "123456789012",
    resourceId: "05c7jb",
    stage: "test",
    requestId: "...",
    identity: { apiKey: "...", sourceIp: "...", clientCert: {} },
    resourcePath: "/request",
    httpMethod: "GET",
    apiId: "abcdef123",
  },
};

function request(result: ReturnType<typeof readHttpApiEvent>): HttpApiRequest {
  if (isRefusal(result)) {
    throw new Error(`refused: ${result.reason} ${result.detail ?? ""}`);
  }
  return result;
}

function stageOf(routeArn: unknown): string | undefined {
  const result = readHttpApiEvent({ routeArn, routeKey: "GET /x" });
  return isRefusal(result) ? undefined : result.stageArn;
}

describe("readHttpApiEvent with payload 2.0", () => {
  it("reads the stage ARN, the route key and the Authorization header of API Gateway's event", () => {
    const result = readHttpApiEvent(event("Bearer abc", "GET /items/{id}", "/items/42"));

    expect(result).toEqual({
      door: "http-api",
      stageArn: STAGE_ARN,
      route: { routeKey: "GET /items/{id}" },
      authorization: "Bearer abc",
      identitySource: ["Bearer abc", "GET /items/{id}"],
    });
  });

  it.each([
    ["absent", undefined, []],
    ["a list with values that are not strings", ["Bearer a", 7, null, "GET /x"], ["Bearer a", "GET /x"]],
    ["an object", { 0: "Bearer a" }, []],
  ])("reads identity source values that are %s", (_, identitySource, values) => {
    const result = request(readHttpApiEvent({ ...event("Bearer a"), identitySource }));

    expect(result.identitySource).toEqual(values);
  });

  it("reads an event without an Authorization header, leaving the refusal to the token check", () => {
    const result = request(readHttpApiEvent(event(undefined)));

    expect(result.authorization).toBeUndefined();
    expect(result.route).toEqual({ routeKey: "GET /auth" });
  });

  it("takes the route key as given, $default included", () => {
    const result = request(readHttpApiEvent(event("Bearer abc", "$default", "/anything/at/all")));

    expect(result.route).toEqual({ routeKey: "$default" });
    expect(result.stageArn).toBe(STAGE_ARN);
  });

  it.each([
    ["routeKey missing", { routeArn: `${STAGE_ARN}/GET/x` }],
    ["routeKey not a string", { routeArn: `${STAGE_ARN}/GET/x`, routeKey: ["GET /x"] }],
    [
      "routeArn not an execute-api ARN",
      { routeArn: "arn:aws:lambda:eu-west-1:123456789012:function:x", routeKey: "GET /x" },
    ],
    ["routeArn of a stage only", { routeArn: STAGE_ARN, routeKey: "GET /x" }],
    // A string routeArn makes it a 2.0 event: a valid methodArn beside a broken routeArn does not rescue it.
    [
      "broken routeArn beside a valid methodArn",
      { ...eventV1("Bearer a", "GET", "/x"), routeArn: "nope", routeKey: "GET /x" },
    ],
  ])("refuses a 2.0 event with %s", (_, input) => {
    expect(readHttpApiEvent(input)).toEqual({ reason: "UNRECOGNIZED_EVENT", detail: V2_DETAIL });
  });
});

describe("readHttpApiEvent with payload 1.0", () => {
  it("reads AWS's documented example, which has no route key, by method and resource", () => {
    const result = readHttpApiEvent(AWS_V1_EXAMPLE);

    expect(result).toEqual({
      door: "http-api",
      stageArn: "arn:aws:execute-api:us-east-1:123456789012:abcdef123/test",
      route: { method: "GET", resource: "/request" },
      authorization: "Bearer abc",
      identitySource: ["user1", "123"],
    });
  });

  it("reads the resource template, not the concrete path", () => {
    const result = request(readHttpApiEvent(eventV1("Bearer abc", "DELETE", "/items/{id}", "/items/42")));

    expect(result.route).toEqual({ method: "DELETE", resource: "/items/{id}" });
  });

  it.each([
    ["httpMethod missing", { ...AWS_V1_EXAMPLE, httpMethod: undefined }],
    ["httpMethod not a string", { ...AWS_V1_EXAMPLE, httpMethod: 7 }],
    ["httpMethod in lower case", { ...AWS_V1_EXAMPLE, httpMethod: "get" }],
    ["httpMethod empty", { ...AWS_V1_EXAMPLE, httpMethod: "" }],
    ["httpMethod of 17 letters", { ...AWS_V1_EXAMPLE, httpMethod: "A".repeat(17) }],
    ["httpMethod with a leading space", { ...AWS_V1_EXAMPLE, httpMethod: " GET" }],
    ["httpMethod with a trailing newline", { ...AWS_V1_EXAMPLE, httpMethod: "GET\n" }],
    ["httpMethod with a digit", { ...AWS_V1_EXAMPLE, httpMethod: "GET2" }],
    ["resource missing", { ...AWS_V1_EXAMPLE, resource: undefined }],
    ["resource not a string", { ...AWS_V1_EXAMPLE, resource: { path: "/request" } }],
    ["methodArn not an execute-api ARN", { ...AWS_V1_EXAMPLE, methodArn: "arn:aws:s3:::bucket/key" }],
  ])("refuses a 1.0 event with %s", (_, input) => {
    expect(readHttpApiEvent(input)).toEqual({ reason: "UNRECOGNIZED_EVENT", detail: V1_DETAIL });
  });

  it("accepts any upper-case method of 1 to 16 letters", () => {
    const methods = ["A", "Z", "PATCH", "ABCDEFGHIJKLMNOP", "QRSTUVWXYZ"];

    const read = methods.map(
      (httpMethod) => request(readHttpApiEvent({ ...AWS_V1_EXAMPLE, httpMethod })).route,
    );

    expect(read).toEqual(methods.map((method) => ({ method, resource: "/request" })));
  });
});

describe("readHttpApiEvent of anything else", () => {
  it.each([
    ["null", null],
    ["undefined", undefined],
    ["a string", "GET /x"],
    ["a number", 42],
    ["an array", [{ routeArn: `${STAGE_ARN}/GET/x`, routeKey: "GET /x" }]],
  ])("refuses %s as not an object", (_, input) => {
    expect(readHttpApiEvent(input)).toEqual({
      reason: "UNRECOGNIZED_EVENT",
      detail: "event is not an object",
    });
  });

  it.each([
    ["an empty object", {}],
    ["a REST API TOKEN event", { type: "TOKEN", authorizationToken: "Bearer x", methodArn: 5 }],
    ["an ARN that is not a string", { routeArn: 5, methodArn: null, routeKey: "GET /x" }],
  ])("refuses %s as neither payload", (_, input) => {
    expect(readHttpApiEvent(input)).toEqual({ reason: "UNRECOGNIZED_EVENT", detail: NEITHER_DETAIL });
  });

  it("never throws, whatever it is given: a seeded fuzz of a few hundred shapes", () => {
    const random = mulberry32(0x5eed);
    const outcomes = { request: 0, refused: 0 };

    for (let i = 0; i < 600; i += 1) {
      const input = fuzzEvent(random);

      const result = readHttpApiEvent(input);

      if (isRefusal(result)) {
        expect(result.reason, describeInput(input)).toBe("UNRECOGNIZED_EVENT");
        outcomes.refused += 1;
      } else {
        expect(typeof result.stageArn).toBe("string");
        expect(["string", "undefined"]).toContain(typeof result.authorization);
        outcomes.request += 1;
      }
    }

    // The generator must reach both outcomes, or the loop proves nothing.
    expect(outcomes.request).toBeGreaterThan(50);
    expect(outcomes.refused).toBeGreaterThan(50);
  });
});

describe("the stage ARN", () => {
  it.each([
    [
      "arn:aws:execute-api:eu-west-1:123456789012:a1b2c3d4e5/$default/GET/auth",
      "arn:aws:execute-api:eu-west-1:123456789012:a1b2c3d4e5/$default",
    ],
    [
      "arn:aws-us-gov:execute-api:us-gov-west-1:123456789012:abc/prod/POST/",
      "arn:aws-us-gov:execute-api:us-gov-west-1:123456789012:abc/prod",
    ],
    [
      "arn:aws-cn:execute-api:cn-north-1:123456789012:abc/prod/GET/a/b/c",
      "arn:aws-cn:execute-api:cn-north-1:123456789012:abc/prod",
    ],
    // Every character each field allows: partition [a-z-], region [a-z0-9-], API id [A-Za-z0-9].
    [
      "arn:abc-xyz:execute-api:az-09-z:000000000009:AZaz09/st-a_ge.$/x",
      "arn:abc-xyz:execute-api:az-09-z:000000000009:AZaz09/st-a_ge.$",
    ],
    [
      "arn:aws:execute-api:eu-west-1:123456789012:a1b2c3d4e5/s/x",
      "arn:aws:execute-api:eu-west-1:123456789012:a1b2c3d4e5/s",
    ],
  ])("takes %s up to the stage", (arn, stage) => {
    expect(stageOf(arn)).toBe(stage);
  });

  it.each([
    ["a stage name with *", `arn:aws:execute-api:eu-west-1:123456789012:abc/pr*od/GET/x`],
    ["a stage name with ?", `arn:aws:execute-api:eu-west-1:123456789012:abc/pr?od/GET/x`],
    ["an empty stage name", `arn:aws:execute-api:eu-west-1:123456789012:abc//GET/x`],
    ["nothing after the stage", `arn:aws:execute-api:eu-west-1:123456789012:abc/prod`],
    ["only a slash after the stage", `arn:aws:execute-api:eu-west-1:123456789012:abc/prod/`],
    ["a newline after the stage", `arn:aws:execute-api:eu-west-1:123456789012:abc/prod/GET\n/x`],
    ["an 11-digit account", `arn:aws:execute-api:eu-west-1:12345678901:abc/prod/GET/x`],
    ["a 13-digit account", `arn:aws:execute-api:eu-west-1:1234567890123:abc/prod/GET/x`],
    ["an account with a letter", `arn:aws:execute-api:eu-west-1:12345678901x:abc/prod/GET/x`],
    ["an upper-case partition", `arn:AWS:execute-api:eu-west-1:123456789012:abc/prod/GET/x`],
    ["a partition with a digit", `arn:aws1:execute-api:eu-west-1:123456789012:abc/prod/GET/x`],
    ["an empty partition", `arn::execute-api:eu-west-1:123456789012:abc/prod/GET/x`],
    ["an upper-case region", `arn:aws:execute-api:EU-WEST-1:123456789012:abc/prod/GET/x`],
    ["a region with an underscore", `arn:aws:execute-api:eu_west_1:123456789012:abc/prod/GET/x`],
    ["an empty region", `arn:aws:execute-api::123456789012:abc/prod/GET/x`],
    ["an API id with a dash", `arn:aws:execute-api:eu-west-1:123456789012:a-c/prod/GET/x`],
    ["an empty API id", `arn:aws:execute-api:eu-west-1:123456789012:/prod/GET/x`],
    ["another service", `arn:aws:lambda:eu-west-1:123456789012:abc/prod/GET/x`],
    ["a prefix", `xarn:aws:execute-api:eu-west-1:123456789012:abc/prod/GET/x`],
    ["a leading space", ` arn:aws:execute-api:eu-west-1:123456789012:abc/prod/GET/x`],
  ])("refuses a route ARN with %s", (_, arn) => {
    expect(stageOf(arn)).toBeUndefined();
  });
});

describe("findHeader", () => {
  it("finds a header whatever the case of its name", () => {
    expect(findHeader({ authorization: "a" }, "authorization")).toBe("a");
    expect(findHeader({ Authorization: "b" }, "authorization")).toBe("b");
    expect(findHeader({ AUTHORIZATION: "c" }, "authorization")).toBe("c");
    expect(findHeader({ host: "h", AuThOrIzAtIoN: "d" }, "authorization")).toBe("d");
  });

  it("prefers the exact name to another spelling", () => {
    expect(findHeader({ Authorization: "other", authorization: "exact" }, "authorization")).toBe("exact");
  });

  it.each([
    ["a number", { authorization: 5 }],
    ["an array", { Authorization: ["Bearer x"] }],
    ["null", { AUTHORIZATION: null }],
    ["an object without toString", { Authorization: Object.create(null) as object }],
  ])("treats a value that is %s as absent", (_, headers) => {
    expect(findHeader(headers, "authorization")).toBeUndefined();
  });

  it.each([
    ["null", null],
    ["undefined", undefined],
    ["a string", "authorization: x"],
    ["an array", ["authorization", "x"]],
    ["an object without the header", { host: "h", "x-authorization": "x", authorizationx: "y" }],
  ])("finds nothing in %s", (_, headers) => {
    expect(findHeader(headers, "authorization")).toBeUndefined();
  });

  it("reads the header of a payload 2.0 event (lower case) and of a payload 1.0 event (client's case)", () => {
    expect(request(readHttpApiEvent(event("Bearer v2"))).authorization).toBe("Bearer v2");
    expect(request(readHttpApiEvent(eventV1("Bearer v1", "GET", "/x"))).authorization).toBe("Bearer v1");
    expect(
      request(readHttpApiEvent({ ...AWS_V1_EXAMPLE, headers: { authorization: 5 } })).authorization,
    ).toBeUndefined();
    expect(
      request(readHttpApiEvent({ ...AWS_V1_EXAMPLE, headers: "Authorization: x" })).authorization,
    ).toBeUndefined();
  });
});

// A small seeded generator: the same few hundred inputs on every run, so a failure is reproducible.
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FIELDS = ["routeArn", "routeKey", "methodArn", "httpMethod", "resource", "headers", "version", "type"];
const STRINGS = [
  "",
  "GET",
  "get",
  "GET /x",
  "$default",
  "/x",
  "Bearer abc",
  `${STAGE_ARN}/GET/x`,
  `${STAGE_ARN}`,
  "arn:aws:execute-api:eu-west-1:123456789012:abc/pr*d/GET/x",
  "toString",
  "__proto__",
];

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)] as T;
}

function fuzzValue(random: () => number, depth: number): unknown {
  const kind = Math.floor(random() * (depth > 2 ? 6 : 9));
  switch (kind) {
    case 0:
      return null;
    case 1:
      return undefined;
    case 2:
      return Math.floor(random() * 1000) - 500;
    case 3:
      return random() < 0.5;
    case 4:
    case 5:
      return pick(random, STRINGS);
    case 6:
      return Array.from({ length: Math.floor(random() * 3) }, () => fuzzValue(random, depth + 1));
    case 7: {
      // No prototype: no toString, no valueOf, so any string conversion would throw.
      const bare = Object.create(null) as Record<string, unknown>;
      bare[pick(random, FIELDS)] = fuzzValue(random, depth + 1);
      return bare;
    }
    default:
      return fuzzObject(random, depth + 1);
  }
}

function fuzzObject(random: () => number, depth: number): Record<string, unknown> {
  const object: Record<string, unknown> =
    random() < 0.3 ? (Object.create(null) as Record<string, unknown>) : {};
  for (const field of FIELDS) {
    if (random() < 0.5) {
      object[field] = fuzzValue(random, depth);
    }
  }
  return object;
}

function fuzzEvent(random: () => number): unknown {
  const roll = random();
  if (roll < 0.15) {
    return fuzzValue(random, 0);
  }
  if (roll < 0.45) {
    return fuzzObject(random, 0);
  }
  // A valid event of either payload with one to three fields replaced by fuzz.
  const base: Record<string, unknown> =
    random() < 0.5 ? { ...event("Bearer abc") } : { ...eventV1("Bearer abc", "GET", "/x") };
  const replaced = Math.floor(random() * 4);
  for (let i = 0; i < replaced; i += 1) {
    base[pick(random, FIELDS)] = fuzzValue(random, 1);
  }
  return base;
}

function describeInput(input: unknown): string {
  try {
    return JSON.stringify(input) ?? String(typeof input);
  } catch {
    return typeof input;
  }
}
