import { describe, expect, it } from "vitest";
import type { AuthorizerError } from "../../lambda-src/authorizer/errors.js";
import { EntraJwksCache, type JwksCacheTimings } from "../../lambda-src/authorizer/jwks-cache.js";
import type { Fetcher } from "../../lambda-src/authorizer/jwt-library.js";

const URI = "https://login.example/tenant/discovery/v2.0/keys";
const timings: JwksCacheTimings = {
  refreshIntervalMs: 60_000,
  refreshRetryMs: 5_000,
  unknownKidRefetchIntervalMs: 2_000,
  failedFetchBackoffMs: 1_000,
  fetchTimeoutMs: 500,
};

/** A JWKS endpoint under the test's control: the published kids, an outage switch and a fetch counter. */
class FakeEndpoint implements Fetcher {
  kids = ["key-1"];
  failing = false;
  fetches = 0;

  async fetch(): Promise<ArrayBuffer> {
    this.fetches += 1;
    await Promise.resolve();
    if (this.failing) {
      throw new Error("connection refused");
    }
    const keys = this.kids.map((kid) => ({ kty: "RSA", use: "sig", kid, n: "sXch", e: "AQAB" }));
    return new TextEncoder().encode(JSON.stringify({ keys })).buffer;
  }
}

function setup() {
  const clock = { now: 1_000_000 };
  const endpoint = new FakeEndpoint();
  const refreshFailures: unknown[] = [];
  const cache = new EntraJwksCache(
    timings,
    { onRefreshFailed: (error) => refreshFailures.push(error) },
    () => clock.now,
    endpoint,
  );
  const jwt = (kid: string) => ({ header: { alg: "RS256", kid }, payload: {} }) as never;
  const reasonOf = async (kid: string) =>
    cache.getJwk(URI, jwt(kid)).then(
      (jwk) => `found ${jwk.kid}`,
      (error: AuthorizerError) => error.reason ?? error.constructor.name,
    );
  return { clock, endpoint, cache, jwt, reasonOf, refreshFailures };
}

describe("EntraJwksCache", () => {
  it("fetches once, then serves known kids from memory", async () => {
    const { endpoint, reasonOf, cache, jwt } = setup();

    expect(await reasonOf("key-1")).toBe("found key-1");
    expect(await reasonOf("key-1")).toBe("found key-1");
    expect(cache.getCachedJwk(URI, jwt("key-1")).kid).toBe("key-1");
    expect(endpoint.fetches).toBe(1);
  });

  it("answers a burst of unknown kids with one fetch, and refuses further ones at once", async () => {
    const { endpoint, reasonOf } = setup();
    await reasonOf("key-1");

    const burst = await Promise.all(Array.from({ length: 50 }, (_, i) => reasonOf(`junk-${i}`)));
    const afterBurst = await reasonOf("junk-late");

    expect(new Set(burst)).toEqual(new Set(["KidNotFoundInJwksError"]));
    expect(afterBurst).toBe("JWKS_REFETCH_THROTTLED");
    expect(endpoint.fetches).toBe(2);
  });

  it("finds a newly published key right after junk, once the short refetch interval has passed", async () => {
    const { endpoint, reasonOf, clock } = setup();
    await reasonOf("key-1");
    await reasonOf("junk");
    endpoint.kids.push("key-2");

    clock.now += timings.unknownKidRefetchIntervalMs;

    expect(await reasonOf("key-2")).toBe("found key-2");
  });

  it("fails fast while the endpoint is down and recovers by itself once it is back", async () => {
    const { endpoint, reasonOf, clock } = setup();
    endpoint.failing = true;

    expect(await reasonOf("key-1")).toBe("JWKS_UNAVAILABLE");
    const fetchesAfterFailure = endpoint.fetches;
    expect(await reasonOf("key-1")).toBe("JWKS_UNAVAILABLE");
    expect(endpoint.fetches).toBe(fetchesAfterFailure);

    endpoint.failing = false;
    clock.now += timings.failedFetchBackoffMs;

    expect(await reasonOf("key-1")).toBe("found key-1");
  });

  it("refreshes stale keys in the background while still answering from the cache", async () => {
    const { endpoint, cache, jwt, clock, reasonOf } = setup();
    await reasonOf("key-1");
    endpoint.kids = ["key-2"];
    clock.now += timings.refreshIntervalMs;

    const servedWhileRefreshing = cache.getCachedJwk(URI, jwt("key-1")).kid;
    cache.getCachedJwk(URI, jwt("key-1"));
    await new Promise((resolve) => setTimeout(resolve, 10));

    expect(servedWhileRefreshing).toBe("key-1");
    expect(endpoint.fetches).toBe(2);
    expect(() => cache.getCachedJwk(URI, jwt("key-1"))).toThrow(/not found/);
    expect(cache.getCachedJwk(URI, jwt("key-2")).kid).toBe("key-2");
  });

  it("keeps the cached keys when a background refresh fails, and retries later", async () => {
    const { endpoint, cache, jwt, clock, reasonOf, refreshFailures } = setup();
    await reasonOf("key-1");
    endpoint.failing = true;
    clock.now += timings.refreshIntervalMs;

    cache.getCachedJwk(URI, jwt("key-1"));
    await new Promise((resolve) => setTimeout(resolve, 10));
    cache.getCachedJwk(URI, jwt("key-1"));
    const fetchesBeforeRetry = endpoint.fetches;
    clock.now += timings.refreshRetryMs;
    endpoint.failing = false;
    cache.getCachedJwk(URI, jwt("key-1"));
    await new Promise((resolve) => setTimeout(resolve, 10));

    expect(refreshFailures).toHaveLength(1);
    expect(fetchesBeforeRetry).toBe(2);
    expect(endpoint.fetches).toBe(3);
    expect(cache.getCachedJwk(URI, jwt("key-1")).kid).toBe("key-1");
  });
});
