import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createSigningKey } from "../../local/entra-tokens.js";
import type { InvokeResult, LambdaSandbox } from "../../local/lambda-sandbox.js";
import { decisionOf, forgeToken, type Harness, requestEvent, startHarness } from "./harness.js";

let harness: Harness;

beforeAll(async () => {
  harness = await startHarness();
});

afterEach(() => harness.issuer.setFault("none"));

afterAll(async () => {
  await harness?.close();
});

const validToken = () => `Bearer ${forgeToken(harness.issuer)}`;

async function invoke(authorizer: LambdaSandbox, authorization: string): Promise<InvokeResult> {
  const result = await authorizer.invoke(requestEvent(authorization));
  expect(result.timedOut).toBe(false);
  expect(result.error).toBeUndefined();
  return result;
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

      expect(decisionOf(hung)).toMatchObject({ decision: "deny", reason: "JWKS_UNAVAILABLE" });
      expect(reasons.at(-1)).toBe("ALLOWED");
    },
  );

  it("refuses a key set over 512 KB as an outage, and recovers once the endpoint answers normally", async () => {
    harness.issuer.setFault("oversized");
    const authorizer = await harness.authorizer();

    const during = await invoke(authorizer, validToken());
    harness.issuer.setFault("none");
    const reasons = await untilAllowed(authorizer, validToken, 5000);

    expect(decisionOf(during)).toMatchObject({ decision: "deny", reason: "JWKS_UNAVAILABLE" });
    expect(decisionOf(during).detail).toContain("body over 524288 bytes");
    expect(reasons.at(-1)).toBe("ALLOWED");
  });

  it("treats a 200 answer that is not a JWKS as an outage", async () => {
    harness.issuer.setFault("garbage");
    const authorizer = await harness.authorizer();

    const result = await invoke(authorizer, validToken());

    expect(decisionOf(result)).toMatchObject({ decision: "deny", reason: "JWKS_UNAVAILABLE" });
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
    for (const token of junk) {
      flood.push(decisionOf(await invoke(authorizer, `Bearer ${token}`)));
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
    expect(new Set(flood.map((decision) => decision.reason))).toEqual(
      new Set(["UNKNOWN_SIGNING_KEY", "JWKS_REFETCH_THROTTLED"]),
    );
    expect(fetchesDuringFlood).toBeLessThanOrEqual(2);
    expect(reasons.at(-1)).toBe("ALLOWED");
    expect(reasons.slice(0, -1).every((reason) => reason === "JWKS_REFETCH_THROTTLED")).toBe(true);
  });
});
