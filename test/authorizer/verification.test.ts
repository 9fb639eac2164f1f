import { createHmac, createPublicKey } from "node:crypto";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { base64url, createSigningKey } from "../../local/entra/entra-tokens.js";
import type { InvokeResult, LambdaSandbox } from "../../local/lambda/lambda-sandbox.js";
import {
  APP_ID,
  decisionOf,
  effectFor,
  forgeToken,
  type Harness,
  OTHER_TENANT,
  requestEvent,
  STAGE_ARN,
  startHarness,
  TENANT,
} from "./harness.js";

let harness: Harness;
let authorizer: LambdaSandbox;
/** Every token handed to the authorizer, to check afterwards that none of it reached the logs. */
const tokensSeen: string[] = [];
/** Requests made to URLs that attackers put in token headers: must stay zero. */
let attackerFetches = 0;
let attackerServer: Server;
let attackerUrl: string;

beforeAll(async () => {
  harness = await startHarness();
  authorizer = await harness.authorizer({ AWS_LAMBDA_LOG_LEVEL: "DEBUG" });
  attackerServer = createServer(
    { key: harness.tls.keyPem, cert: harness.tls.certPem },
    (_request, response) => {
      attackerFetches += 1;
      response.end(JSON.stringify({ keys: [] }));
    },
  );
  await new Promise<void>((resolve) => attackerServer.listen(0, "127.0.0.1", resolve));
  attackerUrl = `https://127.0.0.1:${(attackerServer.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await harness?.close();
  await new Promise((resolve) => attackerServer?.close(resolve));
});

async function authorize(
  authorization: string | undefined,
  routeKey?: string,
  path?: string,
  sandbox: LambdaSandbox = authorizer,
): Promise<InvokeResult> {
  if (authorization !== undefined) {
    tokensSeen.push(authorization);
  }
  const result = await sandbox.invoke(requestEvent(authorization, routeKey, path));
  expect(result.error, JSON.stringify(result.error)).toBeUndefined();
  expect(result.timedOut).toBe(false);
  return result;
}

async function expectDenied(
  authorization: string,
  reason: string,
  sandbox: LambdaSandbox = authorizer,
): Promise<InvokeResult> {
  const result = await authorize(authorization, undefined, undefined, sandbox);
  expect(decisionOf(result)).toMatchObject({ decision: "deny", reason });
  expect(effectFor(result, `${STAGE_ARN}/GET/auth`)).toBe("Deny");
  return result;
}

function tamper(token: string, change: (payload: Record<string, unknown>) => void): string {
  const [header, payload, signature] = token.split(".");
  const claims = JSON.parse(Buffer.from(payload ?? "", "base64url").toString()) as Record<string, unknown>;
  change(claims);
  return `${header}.${base64url(JSON.stringify(claims))}.${signature}`;
}

describe("Entra tokens the authorizer accepts", () => {
  it("allows a v1 user token (sts.windows.net issuer, api:// audience) and passes the caller on", async () => {
    const token = harness.issuer.issueToken({
      version: "1.0",
      kind: "user",
      audience: `api://${APP_ID}`,
      scopes: ["api.read", "profile"],
    });

    const result = await authorize(`Bearer ${token}`);

    const response = result.result as { principalId: string; context: Record<string, string> };
    const claims = JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString());
    expect(effectFor(result, `${STAGE_ARN}/GET/auth`)).toBe("Allow");
    expect(response.principalId).toBe(claims.oid);
    expect(response.context).toEqual({
      sub: claims.sub,
      oid: claims.oid,
      tid: TENANT,
      clientId: claims.appid,
      scopes: "api.read profile",
      roles: "",
      tokenVersion: "1.0",
    });
    expect(decisionOf(result)).toMatchObject({ decision: "allow", reason: "ALLOWED", principal: claims.oid });
  });

  it("allows a v2 user token (login.microsoftonline.com-style issuer, client-id audience)", async () => {
    const token = harness.issuer.issueToken({
      version: "2.0",
      kind: "user",
      audience: APP_ID,
      scopes: ["api.read"],
    });

    const result = await authorize(`Bearer ${token}`);

    expect(effectFor(result, `${STAGE_ARN}/GET/auth`)).toBe("Allow");
    expect((result.result as { context: { tokenVersion: string } }).context.tokenVersion).toBe("2.0");
  });

  it("allows a v2 app token that carries roles and no scp (client credentials)", async () => {
    const token = harness.issuer.issueToken({
      version: "2.0",
      kind: "app",
      audience: APP_ID,
      roles: ["Reports.Read"],
    });

    const result = await authorize(`Bearer ${token}`);

    const context = (result.result as { context: Record<string, string> }).context;
    expect(effectFor(result, `${STAGE_ARN}/GET/auth`)).toBe("Allow");
    expect(context.roles).toBe("Reports.Read");
    expect(context.scopes).toBe("");
  });

  it("accepts the scheme in lower case, as RFC 6750 allows", async () => {
    const result = await authorize(`bearer ${forgeToken(harness.issuer)}`);

    expect(decisionOf(result).decision).toBe("allow");
  });

  it("answers, without route rules, with a policy on the whole stage and nothing beyond it", async () => {
    const result = await authorize(`Bearer ${forgeToken(harness.issuer)}`);

    expect(effectFor(result, `${STAGE_ARN}/POST/anything/else`)).toBe("Allow");
    expect(effectFor(result, "arn:aws:execute-api:eu-west-1:123456789012:otherapi/$default/GET/auth")).toBe(
      "Deny",
    );
  });
});

describe("tokens the authorizer refuses, each with its reason", () => {
  const now = () => Math.floor(Date.now() / 1000);

  it("expired beyond the clock-skew grace", async () => {
    await expectDenied(
      `Bearer ${forgeToken(harness.issuer, { claims: { now: now() - 3700 } })}`,
      "TOKEN_EXPIRED",
    );
  });

  it("not yet valid beyond the clock-skew grace", async () => {
    const token = forgeToken(harness.issuer, { extra: { nbf: now() + 600 } });
    await expectDenied(`Bearer ${token}`, "TOKEN_NOT_YET_VALID");
  });

  it("without exp, which the library alone would accept", async () => {
    await expectDenied(
      `Bearer ${forgeToken(harness.issuer, { extra: { exp: undefined } })}`,
      "MISSING_EXPIRY",
    );
  });

  it("for another audience", async () => {
    const result = await expectDenied(
      `Bearer ${forgeToken(harness.issuer, { claims: { audience: "api://some-other-api" } })}`,
      "INVALID_AUDIENCE",
    );
    expect(decisionOf(result).detail).toBe("aud api://some-other-api");
  });

  it("from another tenant", async () => {
    const token = forgeToken(harness.issuer, { claims: { tenantId: OTHER_TENANT } });
    await expectDenied(`Bearer ${token}`, "TENANT_NOT_ALLOWED");
  });

  it("with a tampered payload", async () => {
    const token = tamper(forgeToken(harness.issuer, { claims: { scopes: ["api.read"] } }), (claims) => {
      claims.scp = "api.read api.admin";
    });
    await expectDenied(`Bearer ${token}`, "INVALID_SIGNATURE");
  });

  it("signed by an attacker's key under the real kid", async () => {
    const realKid = harness.issuer.keys[0]?.kid ?? "";
    const token = forgeToken(harness.issuer, { key: createSigningKey(realKid) });
    await expectDenied(`Bearer ${token}`, "INVALID_SIGNATURE");
  });

  it("with alg none", async () => {
    const [header, payload] = forgeToken(harness.issuer, { header: { alg: "none" } }).split(".");
    await expectDenied(`Bearer ${header}.${payload}.`, "UNSUPPORTED_ALGORITHM");
  });

  it("with HS256 keyed with the public key", async () => {
    const key = harness.issuer.keys[0];
    const publicPem = createPublicKey(key?.privateKey ?? "")
      .export({ type: "spki", format: "pem" })
      .toString();
    const [header, payload] = forgeToken(harness.issuer, { header: { alg: "HS256" } }).split(".");
    const mac = createHmac("sha256", publicPem).update(`${header}.${payload}`).digest("base64url");
    await expectDenied(`Bearer ${header}.${payload}.${mac}`, "UNSUPPORTED_ALGORITHM");
  });

  it("with an ES256 header over a valid RS256 signature (Entra keys name no alg)", async () => {
    await expectDenied(
      `Bearer ${forgeToken(harness.issuer, { header: { alg: "ES256" } })}`,
      "UNSUPPORTED_ALGORITHM",
    );
  });

  it("pointing at the attacker's own keys through jku, x5u or an embedded jwk, never followed", async () => {
    const attacker = createSigningKey("attacker-kid");
    const header = { jku: `${attackerUrl}/keys`, x5u: `${attackerUrl}/cert.pem`, jwk: attacker.publicJwk };
    // A container of its own: an unknown kid refetches the keys, which the other tests' tokens may just have done.
    const fresh = await harness.authorizer();

    await expectDenied(
      `Bearer ${forgeToken(harness.issuer, { key: attacker, header })}`,
      "UNKNOWN_SIGNING_KEY",
      fresh,
    );
    const realKid = harness.issuer.keys[0]?.kid ?? "";
    const sameKid = createSigningKey(realKid);
    await expectDenied(
      `Bearer ${forgeToken(harness.issuer, { key: sameKid, header: { ...header, jwk: sameKid.publicJwk } })}`,
      "INVALID_SIGNATURE",
      fresh,
    );
    expect(attackerFetches).toBe(0);
  });

  it("with a kid the tenant never published", async () => {
    const token = forgeToken(harness.issuer, { key: createSigningKey("never-published") });

    await expectDenied(`Bearer ${token}`, "UNKNOWN_SIGNING_KEY", await harness.authorizer());
  });

  it.each([
    ["garbage", "Bearer not-a-jwt", "MALFORMED_AUTHORIZATION_HEADER"],
    ["three parts that are not JSON", "Bearer abc.def.ghi", "MALFORMED_TOKEN"],
    ["another scheme", "Basic dXNlcjpwYXNz", "MALFORMED_AUTHORIZATION_HEADER"],
  ])("%s", async (_name, authorization, reason) => {
    await expectDenied(authorization, reason);
  });

  it("two tokens in one header (a repeated Authorization header, joined by API Gateway)", async () => {
    const token = forgeToken(harness.issuer);
    await expectDenied(`Bearer ${token},Bearer ${token}`, "MALFORMED_AUTHORIZATION_HEADER");
  });

  it("larger than 16 KB, before any parsing", async () => {
    const token = forgeToken(harness.issuer, { extra: { padding: "x".repeat(17 * 1024) } });
    await expectDenied(`Bearer ${token}`, "TOKEN_TOO_LARGE");
  });

  it("with neither scp nor roles", async () => {
    const token = forgeToken(harness.issuer, { claims: { scopes: undefined } });
    await expectDenied(`Bearer ${token}`, "NO_SCOPES_OR_ROLES");
  });

  it("meant for Microsoft Graph (nonce header or Graph audience), with a reason that says so", async () => {
    // Graph signs a hash of its nonce header, so its tokens never verify elsewhere; and a signed one is refused too.
    const signedOverHashedNonce = forgeToken(harness.issuer, { header: { nonce: "hashed-nonce" } });
    const [, payload, signature] = signedOverHashedNonce.split(".");
    const header = base64url(
      JSON.stringify({ typ: "JWT", alg: "RS256", kid: harness.issuer.keys[0]?.kid, nonce: "raw" }),
    );
    await expectDenied(`Bearer ${header}.${payload}.${signature}`, "GRAPH_TOKEN");
    await expectDenied(`Bearer ${signedOverHashedNonce}`, "GRAPH_TOKEN");
    const graphAudience = forgeToken(harness.issuer, {
      claims: { audience: "00000003-0000-0000-c000-000000000000" },
    });
    await expectDenied(`Bearer ${graphAudience}`, "GRAPH_TOKEN");
  });

  it("without an Authorization header (API Gateway answers 401 itself; a direct call is still denied)", async () => {
    const result = await authorize(undefined);
    expect(decisionOf(result)).toMatchObject({ decision: "deny", reason: "MISSING_TOKEN" });
  });

  it.each([
    [{ hello: "world" }],
    ["a string"],
    [null],
    [{ routeArn: 42, routeKey: ["GET /auth"], headers: "x" }],
  ])("in an event that is not an HTTP API REQUEST authorizer event (%j)", async (event) => {
    const result = await authorizer.invoke(event);
    expect(result.error).toBeUndefined();
    expect(decisionOf(result)).toMatchObject({ decision: "deny" });
  });
});

describe("the authorizer's logs", () => {
  it("print one decision line per request and never any part of a token", () => {
    const fragments = tokensSeen.flatMap((authorization) =>
      authorization
        .replace(/^\S+ /, "")
        .split(/[.,]/)
        .filter((part) => part.length >= 16),
    );
    const logs = authorizer.logs.join("\n");

    expect(tokensSeen.length).toBeGreaterThan(20);
    expect(fragments.length).toBeGreaterThan(20);
    for (const fragment of fragments) {
      expect(logs.includes(fragment), "a token fragment reached the logs").toBe(false);
    }
    expect(logs).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}/);
    expect(authorizer.logs.filter((line) => line.includes('"authorization decision"'))).toHaveLength(
      authorizer.invocationCount,
    );
  });

  it("are JSON lines with stable keys", () => {
    for (const line of authorizer.logs.filter((entry) => entry.includes('"authorization decision"'))) {
      const entry = JSON.parse(line);
      expect(Object.keys(entry).slice(0, 4)).toEqual(["timestamp", "level", "service", "message"]);
      expect(entry).toHaveProperty("decision");
      expect(entry).toHaveProperty("reason");
      expect(typeof entry.latencyMs).toBe("number");
    }
  });
});
