import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createSigningKey, entraClaims, type SigningKey } from "../../local/entra/entra-tokens.js";
import type { InvokeResult, LambdaSandbox } from "../../local/lambda/lambda-sandbox.js";
import { exponentOneJwk, forgeForExponentOne } from "../support/forgery.js";
import {
  APP_ID,
  decisionOf,
  forgeToken,
  type Harness,
  requestEvent,
  startHarness,
  TENANT,
} from "./harness.js";

let harness: Harness;

beforeAll(async () => {
  harness = await startHarness();
});

afterEach(() => harness.issuer.setFault("none"));

afterAll(async () => {
  await harness?.close();
});

const validToken = () => `Bearer ${forgeToken(harness.issuer)}`;

/** One invocation; an answer or, for a refusal that must not be cached, Lambda's function error. */
async function invoke(authorizer: LambdaSandbox, authorization: string): Promise<InvokeResult> {
  const result = await authorizer.invoke(requestEvent(authorization));
  expect(result.timedOut).toBe(false);
  expect(result.error === undefined || result.error.errorType === "UncachedRefusalError").toBe(true);
  return result;
}

/** A function error instead of an answer: API Gateway answers 500 and caches nothing. */
function expectUncached(result: InvokeResult, reason: string): void {
  expect(result.result).toBeUndefined();
  expect(result.error).toEqual({
    errorType: "UncachedRefusalError",
    errorMessage: `${reason}: refused without an answer, so that nothing is cached`,
  });
  expect(decisionOf(result)).toMatchObject({ decision: "deny", reason });
}

/** Retries a request until it is allowed, for at most `limitMs`; returns the reasons seen on the way. */
async function untilAllowed(authorizer: LambdaSandbox, authorization: () => string, limitMs: number) {
  const reasons: string[] = [];
  const deadline = Date.now() + limitMs;
  while (Date.now() < deadline) {
    const decision = decisionOf(await invoke(authorizer, authorization()));
    reasons.push(decision.reason);
    if (decision.decision === "allow") {
      return reasons;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return reasons;
}

describe("JWKS handling of the built authorizer", () => {
  it("fetches the keys once per container, ahead of the first request, and never again in steady state", async () => {
    const before = harness.issuer.jwksFetchCount;
    const authorizer = await harness.authorizer();

    const decisions = [];
    for (let i = 0; i < 50; i += 1) {
      decisions.push(decisionOf(await invoke(authorizer, validToken())).decision);
    }

    expect(new Set(decisions)).toEqual(new Set(["allow"]));
    expect(harness.issuer.jwksFetchCount - before).toBe(1);
  });

  it("denies while the endpoint answers 500, and recovers by itself once it is back", async () => {
    harness.issuer.setFault("status500");
    const authorizer = await harness.authorizer();

    const during = [];
    const fetchesBefore = harness.issuer.jwksFetchCount;
    for (let i = 0; i < 20; i += 1) {
      during.push(decisionOf(await invoke(authorizer, validToken())));
    }
    const fetchesDuringOutage = harness.issuer.jwksFetchCount - fetchesBefore;
    harness.issuer.setFault("none");
    const reasons = await untilAllowed(authorizer, validToken, 5000);

    expect(new Set(during.map((decision) => decision.reason))).toEqual(new Set(["JWKS_UNAVAILABLE"]));
    expect(fetchesDuringOutage).toBeLessThanOrEqual(4);
    expect(reasons.at(-1)).toBe("ALLOWED");
  });

  it(
    "denies within the 5 s budget when the endpoint hangs, and recovers afterwards",
    {
      timeout: 20_000,
    },
    async () => {
      harness.issuer.setFault("hang");
      // A Lambda timeout of 5 s: an authorizer still waiting then would be killed and API Gateway would answer 500.
      const authorizer = await harness.authorizer({}, { timeoutMs: 5000 });

      const hung = await invoke(authorizer, validToken());
      harness.issuer.setFault("none");
      const reasons = await untilAllowed(authorizer, validToken, 5000);

      expectUncached(hung, "JWKS_UNAVAILABLE");
      expect(reasons.at(-1)).toBe("ALLOWED");
    },
  );

  it("refuses a key set over 512 KB as an outage, and recovers once the endpoint answers normally", async () => {
    harness.issuer.setFault("oversized");
    const authorizer = await harness.authorizer();

    const during = await invoke(authorizer, validToken());
    harness.issuer.setFault("none");
    const reasons = await untilAllowed(authorizer, validToken, 5000);

    expectUncached(during, "JWKS_UNAVAILABLE");
    expect(decisionOf(during).detail).toContain("body over 524288 bytes");
    expect(reasons.at(-1)).toBe("ALLOWED");
  });

  it("treats a 200 answer that is not a JWKS as an outage", async () => {
    harness.issuer.setFault("garbage");
    const authorizer = await harness.authorizer();

    const result = await invoke(authorizer, validToken());

    expectUncached(result, "JWKS_UNAVAILABLE");
  });

  it("accepts tokens signed with a key Entra rotated in, fetching the keys once more", async () => {
    const authorizer = await harness.authorizer();
    await invoke(authorizer, validToken());
    const before = harness.issuer.jwksFetchCount;
    const rotated = createSigningKey();
    harness.issuer.publishKey(rotated);

    const result = await invoke(authorizer, `Bearer ${forgeToken(harness.issuer, { key: rotated })}`);

    expect(decisionOf(result).decision).toBe("allow");
    expect(harness.issuer.jwksFetchCount - before).toBe(1);
  });

  it("answers a flood of unknown kids with at most two fetches, yet accepts a new real key within seconds", async () => {
    const authorizer = await harness.authorizer();
    await invoke(authorizer, validToken());
    const before = harness.issuer.jwksFetchCount;

    const attacker = createSigningKey();
    const junk = Array.from({ length: 100 }, (_, i) =>
      forgeToken(harness.issuer, { key: attacker, header: { kid: `junk-${i}` } }),
    );

    const flood = [];
    const throttled = [];
    for (const token of junk) {
      const result = await invoke(authorizer, `Bearer ${token}`);
      flood.push(decisionOf(result));
      if (decisionOf(result).reason === "JWKS_REFETCH_THROTTLED") {
        throttled.push(result);
      }
    }
    const fetchesDuringFlood = harness.issuer.jwksFetchCount - before;
    const fresh = createSigningKey();
    harness.issuer.publishKey(fresh);
    const reasons = await untilAllowed(
      authorizer,
      () => `Bearer ${forgeToken(harness.issuer, { key: fresh })}`,
      5000,
    );

    expect(flood.every((decision) => decision.decision === "deny")).toBe(true);
    expect(throttled.every((result) => result.error?.errorType === "UncachedRefusalError")).toBe(true);
    expect(new Set(flood.map((decision) => decision.reason))).toEqual(
      new Set(["UNKNOWN_SIGNING_KEY", "JWKS_REFETCH_THROTTLED"]),
    );
    expect(fetchesDuringFlood).toBeLessThanOrEqual(2);
    expect(reasons.at(-1)).toBe("ALLOWED");
    expect(reasons.slice(0, -1).every((reason) => reason === "JWKS_REFETCH_THROTTLED")).toBe(true);
  });

  it("keeps trusting a key a later fetch leaves out, for the default 48 hours; with retention 0 it does not", async () => {
    const first = createSigningKey();
    const second = createSigningKey();
    harness.issuer.publishKey(first);
    const retaining = await harness.authorizer({ AUTHZ_TOKEN_CACHE_SECONDS: "0" });
    const latestOnly = await harness.authorizer({
      AUTHZ_TOKEN_CACHE_SECONDS: "0",
      ENTRA_JWKS_KEY_RETENTION_HOURS: "0",
    });
    const signedBy = (key: SigningKey) => `Bearer ${forgeToken(harness.issuer, { key })}`;
    for (const authorizer of [retaining, latestOnly]) {
      expect(decisionOf(await invoke(authorizer, signedBy(first))).decision).toBe("allow");
    }
    // As another of Entra's front ends would: the next key set lacks the first key.
    harness.issuer.unpublishKey(first.kid);
    harness.issuer.publishKey(second);

    try {
      for (const authorizer of [retaining, latestOnly]) {
        expect(decisionOf(await invoke(authorizer, signedBy(second))).decision).toBe("allow");
      }
      const retained = decisionOf(await invoke(retaining, signedBy(first)));
      const dropped = decisionOf(await invoke(latestOnly, signedBy(first)));

      expect(retained.decision).toBe("allow");
      expect(dropped).toMatchObject({ decision: "deny", reason: "UNKNOWN_SIGNING_KEY" });
    } finally {
      harness.issuer.unpublishKey(second.kid);
    }
  });

  it("follows new key material under a kid it served before", async () => {
    const old = createSigningKey("reused-kid");
    const renewed = createSigningKey("reused-kid");
    harness.issuer.publishKey(old);
    const authorizer = await harness.authorizer();
    const signedWithOld = `Bearer ${forgeToken(harness.issuer, { key: old })}`;
    const before = decisionOf(await invoke(authorizer, signedWithOld));
    harness.issuer.unpublishKey(old.kid);
    harness.issuer.publishKey(renewed);

    try {
      const withRenewed = decisionOf(
        await invoke(authorizer, `Bearer ${forgeToken(harness.issuer, { key: renewed })}`),
      );
      const withOld = decisionOf(await invoke(authorizer, signedWithOld));

      expect(before.decision).toBe("allow");
      expect(withRenewed.decision).toBe("allow");
      expect(withOld).toMatchObject({ decision: "deny", reason: "INVALID_SIGNATURE" });
    } finally {
      harness.issuer.unpublishKey(renewed.kid);
    }
  });

  it("never trusts a published key with the RSA exponent 1, and logs why", async () => {
    const carrier = createSigningKey("exponent-one");
    const weak: SigningKey = {
      ...carrier,
      publicJwk: exponentOneJwk(carrier.kid, carrier.publicJwk.n) as never,
    };
    harness.issuer.publishKey(weak);
    try {
      const authorizer = await harness.authorizer();
      const claims = entraClaims({
        tenantId: TENANT,
        audience: APP_ID,
        version: "2.0",
        kind: "user",
        scopes: ["api.read"],
        authorityHost: harness.issuer.authorityHost,
      });

      const result = await invoke(
        authorizer,
        `Bearer ${forgeForExponentOne(claims, weak.kid, weak.publicJwk.n)}`,
      );

      expect(decisionOf(result)).toMatchObject({ decision: "deny", reason: "UNKNOWN_SIGNING_KEY" });
      const warnings = result.logs.filter((line) => line.includes("JWKS key not trusted"));
      expect(warnings.map((line) => JSON.parse(line) as Record<string, unknown>)).toContainEqual(
        expect.objectContaining({
          level: "WARN",
          kid: "exponent-one",
          problem: "exponent AQ is not an odd number from 65537 to 2^256 - 1",
        }),
      );
    } finally {
      harness.issuer.unpublishKey(weak.kid);
    }
  });
});
