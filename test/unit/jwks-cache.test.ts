import { describe, expect, it } from "vitest";
import { JwksRefetchThrottledError, JwksUnavailableError } from "../../lambda-src/authorizer/errors.js";
import {
  DEFAULT_JWKS_TIMINGS,
  EntraJwksCache,
  type JwksCacheTimings,
  MAX_JWKS_BYTES,
} from "../../lambda-src/authorizer/jwks-cache.js";
import type { RejectedKey } from "../../lambda-src/authorizer/jwks-keys.js";
import { type Fetcher, libraryErrors } from "../../lambda-src/authorizer/jwt-library.js";
import { SIGNING_KEY } from "../support/in-process.js";

const URI = "https://login.example/tenant/discovery/v2.0/keys";
const timings: JwksCacheTimings = {
  refreshIntervalMs: 60_000,
  refreshRetryMs: 5_000,
  unknownKidRefetchIntervalMs: 2_000,
  failedFetchBackoffMs: 1_000,
  fetchTimeoutMs: 500,
};

/** SIGNING_KEY's 2048-bit modulus: keys below 2048 bits are dropped, so every fake key borrows it. */
const N_2048 = SIGNING_KEY.publicJwk.n;
const MODULUS = Buffer.from(N_2048, "base64url");
/** The same length with the top bit cleared: 2047 bits. */
const N_2047 = Buffer.concat([
  Buffer.from([((MODULUS[0] ?? 0xff) & 0x3f) | 0x40]),
  MODULUS.subarray(1),
]).toString("base64url");

type FakeKey = Record<string, unknown>;

function rsaKey(kid: string, extra: FakeKey = {}): FakeKey {
  return { kty: "RSA", use: "sig", kid, n: N_2048, e: "AQAB", ...extra };
}

function body(text: string): ArrayBuffer {
  return new TextEncoder().encode(text).buffer;
}

/** A JWKS endpoint under the test's control: the published keys, an outage switch, an odd body and a fetch counter. */
class FakeEndpoint implements Fetcher {
  keys: FakeKey[] = [rsaKey("key-1")];
  failing = false;
  answer: string | undefined;
  fetches = 0;

  async fetch(): Promise<ArrayBuffer> {
    this.fetches += 1;
    await Promise.resolve();
    if (this.failing) {
      throw new Error("connection refused");
    }
    return body(this.answer ?? JSON.stringify({ keys: this.keys }));
  }
}

const HOUR = 60 * 60 * 1000;

function setup(options: { keyRetentionMs?: number } = {}) {
  const clock = { now: 1_000_000 };
  const endpoint = new FakeEndpoint();
  const refreshFailures: unknown[] = [];
  const withdrawals = { count: 0 };
  const rejected: RejectedKey[] = [];
  const cache = new EntraJwksCache({
    timings,
    keyRetentionMs: options.keyRetentionMs ?? 0,
    events: {
      onRefreshFailed: (error) => refreshFailures.push(error),
      onKeysWithdrawn: () => (withdrawals.count += 1),
      onKeyRejected: (key) => rejected.push(key),
    },
    now: () => clock.now,
    fetcher: endpoint,
  });
  const jwt = (kid: string) => ({ header: { alg: "RS256", kid }, payload: {} }) as never;
  const outcome = async (kid: string) =>
    cache.getJwk(URI, jwt(kid)).then(
      (jwk) => `found ${jwk.kid}`,
      (error: Error & { reason?: string }) => error.reason ?? error.constructor.name,
    );
  const cachedKid = (kid: string) => {
    try {
      return cache.getCachedJwk(URI, jwt(kid)).kid;
    } catch (error) {
      return (error as Error).constructor.name;
    }
  };
  /** Moves past the unknown-kid throttle and looks up a kid no fetch serves, which forces a refetch. */
  const refetch = async () => {
    clock.now += timings.unknownKidRefetchIntervalMs;
    await outcome("never-served");
  };
  return { clock, endpoint, cache, jwt, outcome, cachedKid, refetch, refreshFailures, withdrawals, rejected };
}

/** Lets a background refresh (a fetch on the fake endpoint) run to its end. */
async function settle(): Promise<void> {
  for (let i = 0; i < 5; i += 1) {
    await new Promise((resolve) => setImmediate(resolve));
  }
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected a rejection");
}

describe("EntraJwksCache constants", () => {
  it("refreshes hourly, retries a minute later, throttles unknown kids for 2 s, backs off 1 s and waits 2 s per fetch", () => {
    expect(DEFAULT_JWKS_TIMINGS).toEqual({
      refreshIntervalMs: 3_600_000,
      refreshRetryMs: 60_000,
      unknownKidRefetchIntervalMs: 2000,
      failedFetchBackoffMs: 1000,
      fetchTimeoutMs: 2000,
    });
    expect(Object.isFrozen(DEFAULT_JWKS_TIMINGS)).toBe(true);
    expect(MAX_JWKS_BYTES).toBe(524_288);
  });
});

describe("EntraJwksCache", () => {
  it("fetches once, then serves known kids from memory", async () => {
    const { endpoint, outcome, cachedKid } = setup();

    expect(await outcome("key-1")).toBe("found key-1");
    expect(await outcome("key-1")).toBe("found key-1");
    expect(cachedKid("key-1")).toBe("key-1");
    expect(endpoint.fetches).toBe(1);
  });

  it("answers from an empty cache synchronously with an error and fetches nothing", async () => {
    const { endpoint, cachedKid } = setup();

    const kid = cachedKid("key-1");
    await settle();

    expect(kid).toBe("JwksNotAvailableInCacheError");
    expect(endpoint.fetches).toBe(0);
  });

  it("takes a key set added by hand, and fetches one on request", async () => {
    const { endpoint, cache, cachedKid } = setup();

    cache.addJwks(URI, { keys: [rsaKey("added") as never] });
    const added = cachedKid("added");
    const fetched = await cache.getJwks(URI);

    expect(added).toBe("added");
    expect(fetched.keys.map((key) => key.kid)).toEqual(["key-1"]);
    expect(endpoint.fetches).toBe(1);
  });

  it("answers a burst of unknown kids with one fetch, and refuses further ones at once", async () => {
    const { endpoint, outcome, cache, jwt } = setup();
    await outcome("key-1");

    const burst = await Promise.all(Array.from({ length: 50 }, (_, i) => outcome(`junk-${i}`)));
    const late = await rejection(cache.getJwk(URI, jwt("junk-late")));

    expect(new Set(burst)).toEqual(new Set(["KidNotFoundInJwksError"]));
    expect(late).toBeInstanceOf(JwksRefetchThrottledError);
    expect(late.name).toBe("JwksRefetchThrottledError");
    expect(late.message).toBe("unknown kid and the JWKS was refetched moments ago");
    expect((late as JwksRefetchThrottledError).reason).toBe("JWKS_REFETCH_THROTTLED");
    expect(endpoint.fetches).toBe(2);
  });

  it("still throttles a millisecond before the refetch interval ends, and finds a new key when it has", async () => {
    const { endpoint, outcome, clock } = setup();
    await outcome("key-1");
    await outcome("junk");
    endpoint.keys.push(rsaKey("key-2"));

    clock.now += timings.unknownKidRefetchIntervalMs - 1;
    const early = await outcome("key-2");
    clock.now += 1;
    const onTime = await outcome("key-2");

    expect(early).toBe("JWKS_REFETCH_THROTTLED");
    expect(onTime).toBe("found key-2");
    expect(endpoint.fetches).toBe(3);
  });

  it("fails fast while the endpoint is down and recovers by itself once the back-off has passed", async () => {
    const { endpoint, outcome, clock, cache, jwt } = setup();
    endpoint.failing = true;

    const first = await rejection(cache.getJwk(URI, jwt("key-1")));
    const fetchesAfterFailure = endpoint.fetches;
    clock.now += timings.failedFetchBackoffMs - 1;
    const fast = await rejection(cache.getJwk(URI, jwt("key-1")));
    endpoint.failing = false;
    const stillBackingOff = await outcome("key-1");
    clock.now += 1;
    const recovered = await outcome("key-1");

    expect(first).toBeInstanceOf(JwksUnavailableError);
    expect(first.message).toBe("fetch failed: Error");
    expect((first.cause as Error).message).toBe("connection refused");
    expect(fetchesAfterFailure).toBe(1);
    expect(fast).toBeInstanceOf(JwksUnavailableError);
    expect(fast.message).toBe("failed moments ago (fetch failed: Error); not retrying yet");
    expect(stillBackingOff).toBe("JWKS_UNAVAILABLE");
    expect(recovered).toBe("found key-1");
    expect(endpoint.fetches).toBe(2);
  });

  it.each([
    ["a JSON object that is not a JWKS", '{"error":"maintenance"}', "response is not a JWKS"],
    ["a key list that is not an array", '{"keys":{}}', "response is not a JWKS"],
    ["an HTML page", "<html>maintenance</html>", "fetch failed: SyntaxError"],
  ])("treats a 200 with %s as an outage and backs off", async (_, answer, message) => {
    const { endpoint, cache, jwt, outcome } = setup();
    endpoint.answer = answer;

    const error = await rejection(cache.getJwk(URI, jwt("key-1")));
    const again = await outcome("key-1");

    expect(error).toBeInstanceOf(JwksUnavailableError);
    expect(error.name).toBe("JwksUnavailableError");
    expect((error as JwksUnavailableError).reason).toBe("JWKS_UNAVAILABLE");
    expect(error.message).toBe(message);
    expect(again).toBe("JWKS_UNAVAILABLE");
    expect(endpoint.fetches).toBe(1);
  });

  it("refreshes stale keys in the background, once, while still answering from the cache", async () => {
    const { endpoint, clock, outcome, cachedKid } = setup();
    await outcome("key-1");
    endpoint.keys = [rsaKey("key-2")];

    clock.now += timings.refreshIntervalMs - 1;
    cachedKid("key-1");
    await settle();
    const fetchesBeforeStale = endpoint.fetches;
    clock.now += 1;
    const servedWhileRefreshing = cachedKid("key-1");
    cachedKid("key-1");
    await outcome("key-1");
    await settle();

    expect(fetchesBeforeStale).toBe(1);
    expect(servedWhileRefreshing).toBe("key-1");
    expect(endpoint.fetches).toBe(2);
    expect(cachedKid("key-1")).toBe("KidNotFoundInJwksError");
    expect(cachedKid("key-2")).toBe("key-2");
  });

  it("refreshes from getJwk as well as from getCachedJwk", async () => {
    const { endpoint, clock, outcome } = setup();
    await outcome("key-1");
    endpoint.keys = [rsaKey("key-1"), rsaKey("key-3")];

    clock.now += timings.refreshIntervalMs;
    await outcome("key-1");
    await settle();

    expect(endpoint.fetches).toBe(2);
    expect(await outcome("key-3")).toBe("found key-3");
    expect(endpoint.fetches).toBe(2);
  });

  it("keeps the cached keys when a background refresh fails, and retries only after the retry interval", async () => {
    const { endpoint, clock, outcome, cachedKid, refreshFailures } = setup();
    await outcome("key-1");
    endpoint.failing = true;
    clock.now += timings.refreshIntervalMs;

    cachedKid("key-1");
    await settle();
    // Past the fetch back-off, so only the retry interval holds the next refresh back.
    clock.now += timings.refreshRetryMs - 1;
    cachedKid("key-1");
    await settle();
    const fetchesBeforeRetry = endpoint.fetches;
    clock.now += 1;
    endpoint.failing = false;
    endpoint.keys = [rsaKey("key-1"), rsaKey("key-4")];
    cachedKid("key-1");
    await settle();

    expect(refreshFailures).toHaveLength(1);
    expect(refreshFailures[0]).toBeInstanceOf(JwksUnavailableError);
    expect(fetchesBeforeRetry).toBe(2);
    expect(endpoint.fetches).toBe(3);
    expect(cachedKid("key-1")).toBe("key-1");
    expect(cachedKid("key-4")).toBe("key-4");
  });

  it("does not refresh again right after a successful refresh", async () => {
    const { endpoint, clock, outcome, cachedKid } = setup();
    await outcome("key-1");
    clock.now += timings.refreshIntervalMs;
    cachedKid("key-1");
    await settle();

    clock.now += timings.refreshRetryMs;
    cachedKid("key-1");
    await settle();

    expect(endpoint.fetches).toBe(2);
  });

  it("reports no withdrawal on the first fetch, on an added key, or on the same set reordered or reformatted", async () => {
    const { endpoint, outcome, refetch, withdrawals } = setup();
    endpoint.keys = [rsaKey("a"), rsaKey("b", { issuer: "https://login.example/t/v2.0" })];
    await outcome("a");

    endpoint.answer = `{ "keys" : [\n  ${JSON.stringify({ ...rsaKey("b", { issuer: "https://login.example/t/v2.0" }), x5t: "ignored" })},\n  ${JSON.stringify(rsaKey("a"))}\n] }`;
    await refetch();
    endpoint.answer = undefined;
    endpoint.keys = [rsaKey("a"), rsaKey("b", { issuer: "https://login.example/t/v2.0" }), rsaKey("c")];
    await refetch();

    expect(withdrawals.count).toBe(0);
    expect(endpoint.fetches).toBe(3);
  });

  it.each([
    ["a modulus", { n: Buffer.concat([Buffer.from([0xff]), MODULUS.subarray(1)]).toString("base64url") }],
    ["an exponent", { e: "AAEAAQ" }],
    ["an issuer", { issuer: "https://login.example/other/v2.0" }],
    ["an algorithm", { alg: "RS512" }],
  ])(
    "trusts a kid with its new material alone, and reports a withdrawal, when only %s changes",
    async (_, changed) => {
      const { endpoint, cache, refetch, withdrawals } = setup({ keyRetentionMs: 48 * HOUR });
      endpoint.keys = [rsaKey("a", { issuer: "https://login.example/t/v2.0" })];
      await refetch();

      endpoint.keys = [{ ...rsaKey("a", { issuer: "https://login.example/t/v2.0" }), ...changed }];
      await refetch();

      expect(withdrawals.count).toBe(1);
      expect((await cache.getJwks(URI)).keys).toEqual(endpoint.keys);
    },
  );

  it("takes the first of two keys with one kid, as the library's own lookup does", async () => {
    const { endpoint, outcome, cache } = setup();
    endpoint.keys = [rsaKey("a", { x5t: "first" }), rsaKey("a", { x5t: "second", n: N_2047 })];

    await outcome("a");

    expect((await cache.getJwks(URI)).keys).toEqual([rsaKey("a", { x5t: "first" })]);
  });

  it("with no retention, trusts only the latest fetch and reports the key it left out", async () => {
    const { endpoint, outcome, refetch, cachedKid, withdrawals } = setup();
    endpoint.keys = [rsaKey("a"), rsaKey("b")];
    await outcome("a");

    endpoint.keys = [rsaKey("b")];
    await refetch();

    expect(cachedKid("a")).toBe("KidNotFoundInJwksError");
    expect(cachedKid("b")).toBe("b");
    expect(withdrawals.count).toBe(1);
  });

  it("keeps trusting a key the latest fetch left out for the retention after the last fetch that served it", async () => {
    const { endpoint, clock, outcome, refetch, cachedKid, withdrawals } = setup({
      keyRetentionMs: 48 * HOUR,
    });
    endpoint.keys = [rsaKey("a"), rsaKey("b")];
    await outcome("a");
    const servedAt = clock.now;

    endpoint.keys = [rsaKey("b")];
    await refetch();
    const retained = cachedKid("a");
    clock.now = servedAt + 48 * HOUR - 1;
    const lastMoment = cachedKid("a");
    clock.now += 1;
    const lapsed = cachedKid("a");
    const lapsedLookup = await outcome("a");

    expect(retained).toBe("a");
    expect(lastMoment).toBe("a");
    expect(lapsed).toBe("KidNotFoundInJwksError");
    expect(lapsedLookup).toBe("KidNotFoundInJwksError");
    expect(withdrawals.count).toBe(1);
    expect(cachedKid("b")).toBe("b");
  });

  it("counts the retention from the last fetch that served a key, not the first", async () => {
    const { endpoint, clock, refetch, cachedKid } = setup({ keyRetentionMs: 10 * HOUR });
    endpoint.keys = [rsaKey("a"), rsaKey("b")];
    await refetch();
    const firstServed = clock.now;
    clock.now = firstServed + 8 * HOUR;
    await refetch();
    const lastServed = clock.now;
    endpoint.keys = [rsaKey("b")];
    clock.now = firstServed + 16 * HOUR;
    await refetch();

    clock.now = lastServed + 10 * HOUR - 1;
    const beforeLapse = cachedKid("a");
    clock.now = lastServed + 10 * HOUR;
    const atLapse = cachedKid("a");

    expect(beforeLapse).toBe("a");
    expect(atLapse).toBe("KidNotFoundInJwksError");
  });

  it("lists every trusted key, retained ones included, from getJwks", async () => {
    const { endpoint, cache, refetch } = setup({ keyRetentionMs: HOUR });
    endpoint.keys = [rsaKey("a"), rsaKey("b")];
    await refetch();
    endpoint.keys = [rsaKey("c")];

    const trusted = await cache.getJwks(URI);

    expect(trusted.keys.map((key) => key.kid).sort()).toEqual(["a", "b", "c"]);
  });

  it("reports each untrusted key with its reason on every fetch that serves it, and never trusts it", async () => {
    const { endpoint, outcome, refetch, rejected, withdrawals } = setup({ keyRetentionMs: HOUR });
    endpoint.keys = [rsaKey("a"), rsaKey("weak", { n: N_2047 }), rsaKey("e1", { e: "AQ" })];
    await outcome("a");

    endpoint.keys = [rsaKey("a"), rsaKey("weak", { n: N_2047, e: "AAEAAQ" }), rsaKey("e1", { e: "AQ" })];
    await refetch();
    const weak = await outcome("weak");
    const exponentOne = await outcome("e1");

    expect(rejected).toEqual([
      { kid: "weak", problem: "modulus of 2047 bits, under 2048" },
      { kid: "e1", problem: "exponent AQ is not an odd number from 65537 to 2^256 - 1" },
      { kid: "weak", problem: "modulus of 2047 bits, under 2048" },
      { kid: "e1", problem: "exponent AQ is not an odd number from 65537 to 2^256 - 1" },
    ]);
    expect(weak).toBe("JWKS_REFETCH_THROTTLED");
    expect(exponentOne).toBe("JWKS_REFETCH_THROTTLED");
    expect(withdrawals.count).toBe(0);
  });

  it("drops untrusted keys from a key set added by hand too", () => {
    const { cache, cachedKid, rejected } = setup();

    cache.addJwks(URI, { keys: [rsaKey("a") as never, rsaKey("e3", { e: "Aw" }) as never] });

    expect(cachedKid("a")).toBe("a");
    expect(cachedKid("e3")).toBe("KidNotFoundInJwksError");
    expect(rejected).toEqual([
      { kid: "e3", problem: "exponent Aw is not an odd number from 65537 to 2^256 - 1" },
    ]);
  });

  describe("keyChanged, after a signature failed with a trusted key", () => {
    it("refetches and says yes when the kid now carries other material, which is then the trusted key", async () => {
      const { endpoint, cache, clock, refetch, cachedKid } = setup();
      await refetch();
      clock.now += timings.unknownKidRefetchIntervalMs;
      const renewed = rsaKey("key-1", {
        n: Buffer.concat([Buffer.from([0xff]), MODULUS.subarray(1)]).toString("base64url"),
      });
      endpoint.keys = [renewed];
      const changed = await cache.keyChanged(URI, "key-1");

      expect(changed).toBe(true);
      expect(cachedKid("key-1")).toBe("key-1");
      expect((await cache.getJwks(URI)).keys).toEqual([renewed]);
    });

    it("refetches and says no when the kid's material is the same, then holds further refetches back", async () => {
      const { endpoint, cache, clock, refetch } = setup();
      await refetch();
      clock.now += timings.unknownKidRefetchIntervalMs;
      const fetchesBefore = endpoint.fetches;

      const first = await cache.keyChanged(URI, "key-1");
      endpoint.keys = [rsaKey("key-1", { e: "AAEAAQ" })];
      const soon = await cache.keyChanged(URI, "key-1");

      expect(first).toBe(false);
      expect(soon).toBe(false);
      expect(endpoint.fetches - fetchesBefore).toBe(1);
    });

    it("says yes when the kid is gone altogether, and lets a fetch failure through", async () => {
      const { endpoint, cache, clock, refetch } = setup();
      await refetch();
      clock.now += timings.unknownKidRefetchIntervalMs;
      endpoint.keys = [rsaKey("other")];

      const gone = await cache.keyChanged(URI, "key-1");
      clock.now += timings.unknownKidRefetchIntervalMs;
      endpoint.failing = true;
      const failure = await rejection(cache.keyChanged(URI, "other"));

      expect(gone).toBe(true);
      expect(failure).toBeInstanceOf(JwksUnavailableError);
    });
  });

  it("refuses a token without a kid before fetching anything", async () => {
    const { endpoint, cache } = setup();
    const noKid = { header: { alg: "RS256" }, payload: {} } as never;

    const sync = (() => {
      try {
        return cache.getCachedJwk(URI, noKid);
      } catch (error) {
        return error;
      }
    })();
    const async = await rejection(cache.getJwk(URI, noKid));

    expect(sync).toBeInstanceOf(libraryErrors.JwtWithoutValidKidError);
    expect(async).toBeInstanceOf(libraryErrors.JwtWithoutValidKidError);
    expect(endpoint.fetches).toBe(0);
  });

  it("works without event handlers and on the system clock", async () => {
    const endpoint = new FakeEndpoint();
    const cache = new EntraJwksCache({ timings, keyRetentionMs: 0, fetcher: endpoint });
    const jwt = { header: { alg: "RS256", kid: "key-1" }, payload: {} };

    const found = await cache.getJwk(URI, jwt);
    cache.addJwks(URI, { keys: [] });
    endpoint.failing = true;
    const failed = await rejection(cache.getJwk(URI, jwt));
    const failedFast = await rejection(cache.getJwk(URI, jwt));

    expect(found.kid).toBe("key-1");
    expect(failed.message).toBe("fetch failed: Error");
    expect(failedFast.message).toBe("failed moments ago (fetch failed: Error); not retrying yet");
    expect(endpoint.fetches).toBe(2);
  });
});

describe("library errors", () => {
  it("are the library's own classes, as classify.ts expects", async () => {
    const { outcome, cache, jwt } = setup();
    await outcome("key-1");

    expect(() => cache.getCachedJwk(URI, jwt("nope"))).toThrow(libraryErrors.KidNotFoundInJwksError);
  });
});
